/* The lightseg extensions for the light sensor: any light from darkness to sunlight with
 * TSL2561_SENSELUX, three sensors read in one conversion time with TSL2561_SENSEALL,
 * and a reading collected without blocking while the program does other work. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "TSL2561.h"

int main(void)
{
	TSL2561 sensors[3] = {
		TSL2561_INITIALIZER(1, TSL2561_ADDR_LOW),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_HIGH),
	};
	tsl2561Gain_t gain;
	tsl2561IntegrationTime_t time;
	double lux[3];
	uint32_t wait_us = 0;
	int i, chores = 0;

	for (i = 0; i < 3; i++) {
		if (TSL2561_OPEN(&sensors[i]) != 0) {
			printf("open 0x%02x: %s\n", sensors[i].sensor_addr,
			       strerror(sensors[i].lasterr));
			return 1;
		}
	}

	/* Any light level: the sensor picks its gain and integration time. */
	if (TSL2561_SENSELUX(&sensors[1], &lux[1], &gain, &time) == 0)
		printf("0x39: %.3f lux (gain %dx, setting %d)\n", lux[1],
		       gain == TSL2561_GAIN_16X ? 16 : 1, (int)time);
	else
		printf("0x39: %s\n", strerror(sensors[1].lasterr));

	/* Three sensors, one conversion time. */
	if (TSL2561_SENSEALL(sensors, 3, lux) == 0)
		for (i = 0; i < 3; i++)
			printf("0x%02x: %.3f lux\n", sensors[i].sensor_addr, lux[i]);

	/* Start, then do other work until the reading is there. */
	TSL2561_START(&sensors[0]);
	while (TSL2561_COLLECT(&sensors[0], NULL, NULL, &lux[0], &wait_us) == -1 &&
	       errno == EAGAIN) {
		struct timespec pause = { 0, 50 * 1000 * 1000 }; /* a 50 ms chore */

		chores++;
		nanosleep(&pause, NULL);
	}
	printf("0x29: %.3f lux after %d chores\n", lux[0], chores);

	for (i = 0; i < 3; i++)
		TSL2561_CLOSE(&sensors[i]);
	return 0;
}
