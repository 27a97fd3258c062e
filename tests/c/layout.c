/* The struct layouts and macro values of the old drivers' API (README, "The contract"),
 * checked by the C compiler and at run time (size 36/32, align 4, the field offsets,
 * the INIT macros' values). */
#include <stddef.h>
#include <stdio.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

#define CHECK(cond) do { if (!(cond)) { printf("layout: %s failed\n", #cond); failures++; } } while (0)

int main(void)
{
	int failures = 0;
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_HIGH)
	HT16K33 backpack = HT16K33_INIT(3, HT16K33_ADDR_08)
	TSL2561 array[2] = { TSL2561_INITIALIZER(1, 0x29), TSL2561_INITIALIZER(2, 0x39) };

	CHECK(sizeof(TSL2561) == 36);
	CHECK(__alignof__(TSL2561) == 4);
	CHECK(offsetof(TSL2561, adapter_nr) == 0);
	CHECK(offsetof(TSL2561, integration_time) == 4);
	CHECK(offsetof(TSL2561, gain) == 8);
	CHECK(offsetof(TSL2561, adapter_fd) == 12);
	CHECK(offsetof(TSL2561, sensor_addr) == 16);
	CHECK(offsetof(TSL2561, lasterr) == 20);
	CHECK(offsetof(TSL2561, buf) == 24);
	CHECK(sizeof(tsl2561IntegrationTime_t) == 4);
	CHECK(sizeof(tsl2561Gain_t) == 4);

	CHECK(sizeof(HT16K33) == 32);
	CHECK(__alignof__(HT16K33) == 4);
	CHECK(offsetof(HT16K33, adapter_nr) == 0);
	CHECK(offsetof(HT16K33, adapter_fd) == 4);
	CHECK(offsetof(HT16K33, driver_addr) == 8);
	CHECK(offsetof(HT16K33, lasterr) == 12);
	CHECK(offsetof(HT16K33, display_state) == 16);
	CHECK(offsetof(HT16K33, blink_state) == 20);
	CHECK(offsetof(HT16K33, brightness) == 24);
	CHECK(offsetof(HT16K33, display_buffer) == 25);
	CHECK(sizeof(ht16k55_matrix) == 5);

	CHECK(sensor.adapter_nr == 1 && sensor.sensor_addr == 0x49 && sensor.adapter_fd == -1);
	CHECK(sensor.integration_time == 2 && sensor.gain == 0x10 && sensor.lasterr == 0);
	CHECK(array[1].adapter_nr == 2 && array[1].sensor_addr == 0x39 && array[1].adapter_fd == -1);
	CHECK(backpack.adapter_nr == 3 && backpack.driver_addr == 0x77 && backpack.adapter_fd == -1);
	CHECK(backpack.display_state == 0 && backpack.blink_state == 0 && backpack.brightness == 15);
	CHECK(backpack.display_buffer.com[4] == 0 && backpack.lasterr == 0);

	CHECK(TSL2561_ADDR_LOW == 0x29 && TSL2561_ADDR_FLOAT == 0x39 && TSL2561_ADDR_HIGH == 0x49);
	CHECK(TSL2561_VISIBLE == 2 && TSL2561_INFRARED == 1 && TSL2561_FULLSPECTRUM == 0);
	CHECK(TSL2561_COMMAND_BIT == 0x80 && TSL2561_CLEAR_BIT == 0x40);
	CHECK(TSL2561_WORD_BIT == 0x20 && TSL2561_BLOCK_BIT == 0x10);
	CHECK(TSL2561_CONTROL_POWERON == 0x03 && TSL2561_CONTROL_POWEROFF == 0x00);
	CHECK(TSL2561_LUX_LUXSCALE == 14 && TSL2561_LUX_RATIOSCALE == 9 && TSL2561_LUX_CHSCALE == 10);
	CHECK(TSL2561_LUX_CHSCALE_TINT0 == 0x7517 && TSL2561_LUX_CHSCALE_TINT1 == 0x0FE7);
	CHECK(TSL2561_LUX_K1T == 0x0040 && TSL2561_LUX_B1T == 0x01f2 && TSL2561_LUX_M1T == 0x01be);
	CHECK(TSL2561_LUX_K5T == 0x0138 && TSL2561_LUX_B5T == 0x016f && TSL2561_LUX_M5T == 0x01fc);
	CHECK(TSL2561_LUX_K8T == 0x029a && TSL2561_LUX_B8T == 0 && TSL2561_LUX_M8T == 0);
	CHECK(TSL2561_LUX_K3C == 0x00c8 && TSL2561_LUX_B3C == 0x0253 && TSL2561_LUX_M3C == 0x0363);
	CHECK(TSL2561_LUX_K7C == 0x029a && TSL2561_LUX_B7C == 0x0037 && TSL2561_LUX_M7C == 0x002b);
	CHECK(TSL2561_AGC_THI_13MS == 4850 && TSL2561_AGC_TLO_13MS == 100);
	CHECK(TSL2561_AGC_THI_101MS == 36000 && TSL2561_AGC_TLO_101MS == 200);
	CHECK(TSL2561_AGC_THI_402MS == 63000 && TSL2561_AGC_TLO_402MS == 500);
	CHECK(TSL2561_CLIPPING_13MS == 4900 && TSL2561_CLIPPING_101MS == 37000);
	CHECK(TSL2561_CLIPPING_402MS == 65000);
	CHECK(TSL2561_REGISTER_CONTROL == 0x00 && TSL2561_REGISTER_TIMING == 0x01);
	CHECK(TSL2561_REGISTER_THRESHHOLDL_LOW == 0x02 && TSL2561_REGISTER_THRESHHOLDH_HIGH == 0x05);
	CHECK(TSL2561_REGISTER_INTERRUPT == 0x06 && TSL2561_REGISTER_CRC == 0x08);
	CHECK(TSL2561_REGISTER_ID == 0x0A && TSL2561_REGISTER_CHAN0_LOW == 0x0C);
	CHECK(TSL2561_REGISTER_CHAN1_HIGH == 0x0F);
	CHECK(TSL2561_INTEGRATIONTIME_13MS == 0 && TSL2561_INTEGRATIONTIME_101MS == 1);
	CHECK(TSL2561_INTEGRATIONTIME_402MS == 2 && TSL2561_GAIN_1X == 0 && TSL2561_GAIN_16X == 0x10);

	CHECK(HT16K33_ADDR_01 == 0x70 && HT16K33_ADDR_08 == 0x77);
	CHECK(HT16K33_BLINK_OFF == 0 && HT16K33_BLINK_FAST == 2);
	CHECK(HT16K33_BLINK_NORMAL == 4 && HT16K33_BLINK_SLOW == 6);
	CHECK(HT16K33_DISPLAY_OFF == 0 && HT16K33_DISPLAY_ON == 1);
	CHECK(HT16K33_WAKEUP_OP == 0x21 && HT16K33_SLEEP_OP == 0x20);
	CHECK(HT16K33_DISPLAY_SETUP_BASE == 0x80 && HT16K33_DIMMING_BASE == 0xE0);
	CHECK(HT16K33_ZERO == 127 && HT16K33_FULL == 128);
	CHECK(HT16K33_COLON_OFF == 127 && HT16K33_COLON_ON == 128);
	CHECK(sizeof(ht16k55_digits) == 129);
	CHECK(ht16k55_digits[0] == 0x3F && ht16k55_digits[9] == 0x6F && ht16k55_digits[16] == 0x89);
	CHECK(ht16k55_digits['H'] == 0x76 && ht16k55_digits['o'] == 0x5C && ht16k55_digits['#'] == 0x36);
	CHECK(ht16k55_digits[127] == 0x00 && ht16k55_digits[128] == 0xFF);

	printf("layout: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
