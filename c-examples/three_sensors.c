/* Three TSL2561 on bus 1, initialised field by field at run time (usage pattern 2).
 * Only <stdio.h>, <string.h> and TSL2561.h are included, yet bzero is used: the
 * header brings in <strings.h> as the original did. */
#include <stdio.h>
#include <string.h>
#include "TSL2561.h"

int main(void)
{
	TSL2561 lights[3];
	const uint8_t addresses[3] = { TSL2561_ADDR_LOW, TSL2561_ADDR_FLOAT, TSL2561_ADDR_HIGH };
	const tsl2561IntegrationTime_t times[3] = { TSL2561_INTEGRATIONTIME_13MS,
		TSL2561_INTEGRATIONTIME_101MS, TSL2561_INTEGRATIONTIME_402MS };
	int i, failures = 0;

	for (i = 0; i < 3; i++) {
		lights[i].adapter_nr = 1;
		lights[i].sensor_addr = addresses[i];
		lights[i].integration_time = TSL2561_INTEGRATIONTIME_402MS;
		lights[i].gain = TSL2561_GAIN_16X;
		lights[i].adapter_fd = -1;
		lights[i].lasterr = 0;
		bzero(&lights[i].buf, sizeof(lights[i].buf));
	}
	for (i = 0; i < 3; i++) {
		if (TSL2561_OPEN(&lights[i]) != 0 ||
		    TSL2561_SETINTEGRATIONTIME(&lights[i], times[i]) != 0) {
			printf("sensor 0x%02x: %s\n", lights[i].sensor_addr, strerror(lights[i].lasterr));
			failures++;
		}
	}
	for (i = 0; i < 3; i++) {
		uint16_t full_spectrum = 0, infrared = 0;
		uint32_t lux = 0;
		int rc = TSL2561_SENSELIGHT(&lights[i], &full_spectrum, &infrared, &lux, 0);
		printf("sensor 0x%02x fd %d: rc %d (%s) full %u ir %u lux %u\n",
		       lights[i].sensor_addr, lights[i].adapter_fd, rc, strerror(lights[i].lasterr),
		       (unsigned)full_spectrum, (unsigned)infrared, (unsigned)lux);
		failures += rc != 0;
	}
	for (i = 0; i < 3; i++)
		TSL2561_CLOSE(&lights[i]);
	return failures ? 1 : 0;
}
