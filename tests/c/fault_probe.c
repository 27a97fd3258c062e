/* Opens the sensor at the address given as argv[1] (hex) on bus 1 and reads it three
 * times, printing each result, so tests can check error paths under injected faults.
 * Outputs start as 0xDEAD / 0xDEADBEEF: a failed read must leave them untouched. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "TSL2561.h"

int main(int argc, char **argv)
{
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);
	uint16_t full = 0xDEAD, ir = 0xDEAD;
	uint32_t lux = 0xDEADBEEF;
	int i, rc;

	if (argc > 1)
		sensor.sensor_addr = (uint8_t)strtoul(argv[1], NULL, 16);
	rc = TSL2561_OPEN(&sensor);
	printf("open rc=%d errno=%d\n", rc, rc ? sensor.lasterr : 0);
	for (i = 0; i < 3; i++) {
		rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0);
		printf("read rc=%d errno=%d full=%u ir=%u lux=%u status=%d\n", rc,
		       rc ? sensor.lasterr : 0, (unsigned)full, (unsigned)ir, (unsigned)lux,
		       TSL2561_STATUS(&sensor));
	}
	TSL2561_CLOSE(&sensor);
	return 0;
}
