/* A light meter: the lux of the TSL2561 at 0x39 on the 0.56" 7-segment backpack (0x70)
 * with as many decimals as fit, and on the bicolour 24-bar bargraph (0x77) on a
 * logarithmic scale from 1 to 40000 lux: green, yellow from bar 16, red from bar 20.
 * Usage: lux_display [BUS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

int main(int argc, char **argv)
{
	int bus = argc > 1 ? atoi(argv[1]) : 1;
	TSL2561 sensor = TSL2561_INIT(bus, TSL2561_ADDR_FLOAT);
	HT16K33 display = HT16K33_INIT(bus, HT16K33_ADDR_01);
	HT16K33_CHAIN meter;
	const uint8_t meter_address[] = { 0x77 };
	tsl2561Gain_t gain;
	tsl2561IntegrationTime_t time;
	double lux = 0, step = 1;
	int bars = 0, bar;

	if (TSL2561_OPEN(&sensor) != 0 || TSL2561_SENSELUX(&sensor, &lux, &gain, &time) != 0) {
		printf("sensor at 0x39 on /dev/i2c-%d: %s\n", bus, strerror(sensor.lasterr));
		return 1;
	}
	TSL2561_CLOSE(&sensor);

	if (HT16K33_OPEN(&display) != 0 || HT16K33_ON(&display) != 0 ||
	    HT16K33_DISPLAY(&display, HT16K33_DISPLAY_ON) != 0 ||
	    HT16K33_PRINT_FLOAT(&display, lux, -1) != 0 || HT16K33_COMMIT(&display) != 0) {
		printf("display at 0x70: %s\n", strerror(display.lasterr));
		return 1;
	}
	HT16K33_CLOSE(&display);

	if (HT16K33_CHAIN_OPEN(&meter, bus, HT16K33_BARGRAPH24, meter_address, 1) != 0 ||
	    HT16K33_CHAIN_ON(&meter) != 0) {
		printf("bargraph at 0x77: %s\n", strerror(meter.lasterr));
		HT16K33_CHAIN_CLOSE(&meter);
		return 1;
	}
	/* Each bar is 40000^(1/24) = 1.555 times the one before. */
	while (bars < 24 && lux >= step) {
		bars++;
		step *= 1.555;
	}
	HT16K33_CHAIN_SET_LEVEL(&meter, bars, HT16K33_COLOR_GREEN);
	for (bar = 16; bar < bars; bar++)
		HT16K33_CHAIN_SET_BAR(&meter, bar, bar < 20 ? HT16K33_COLOR_YELLOW : HT16K33_COLOR_RED);
	if (HT16K33_CHAIN_COMMIT(&meter) != 0) {
		printf("commit: %s\n", strerror(meter.lasterr));
		return 1;
	}
	HT16K33_CHAIN_CLOSE(&meter);
	printf("lux_display: %.2f lux, %d bars\n", lux, bars);
	return 0;
}
