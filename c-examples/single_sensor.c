/* One TSL2561: open, set gain and integration time, read, close, printing the
 * library's verdict after every call (usage pattern 1 of the old driver). */
#include <stdio.h>
#include <string.h>
#include "TSL2561.h"
#include "next_step.h"

int main(void)
{
	TSL2561 light1 = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);
	uint16_t full_spectrum = 0, infrared = 0;
	uint32_t lux = 0;
	int rc;

	rc = TSL2561_OPEN(&light1);
	printf("open: %d (%s)\n", rc, strerror(light1.lasterr));
	if (rc != 0) {
		printf("TSL2561 at 0x%02x on /dev/i2c-%d could not be opened\n",
		       light1.sensor_addr, light1.adapter_nr);
		print_next_step(light1.lasterr, light1.adapter_nr, light1.sensor_addr);
		return 1;
	}
	rc = TSL2561_SETGAIN(&light1, TSL2561_GAIN_16X);
	printf("set gain 16x: %d (%s)\n", rc, strerror(light1.lasterr));
	rc = TSL2561_SETINTEGRATIONTIME(&light1, TSL2561_INTEGRATIONTIME_402MS);
	printf("set integration time 402 ms: %d (%s)\n", rc, strerror(light1.lasterr));
	rc = TSL2561_SENSELIGHT(&light1, &full_spectrum, &infrared, &lux, 0);
	printf("sense: %d (%s)\n", rc, strerror(light1.lasterr));
	printf("full spectrum %u, infrared %u, lux %u\n", (unsigned)full_spectrum,
	       (unsigned)infrared, (unsigned)lux);
	rc = TSL2561_SENSELIGHT(&light1, &full_spectrum, &infrared, &lux, 1);
	printf("sense with autogain: %d (%s), gain now %s\n", rc, strerror(light1.lasterr),
	       light1.gain == TSL2561_GAIN_16X ? "16x" : "1x");
	printf("full spectrum %u, infrared %u, lux %u\n", (unsigned)full_spectrum,
	       (unsigned)infrared, (unsigned)lux);
	TSL2561_CLOSE(&light1);
	printf("close: (%s)\n", strerror(light1.lasterr));
	return 0;
}
