/* The full range and the non-blocking calls, for tests/range.rs. argv[1] picks:
 *   senselux   one full-range reading of the sensor at 0x39: "senselux rc= errno= lux=
 *              gain= time= status= ms=" (ms: the call's time on the clock)
 *   all        TSL2561_SENSEALL on the sensors at 0x29, 0x39, 0x49 (13.7, 101, 402 ms)
 *   collect    TSL2561_START, then TSL2561_COLLECT at once (EAGAIN and the time left),
 *              after half of it (EAGAIN), and after the rest (the reading)
 *   watch N    N full-range readings of 0x39, one a second (for light that changes)
 *   interrupt MS CLEAR  TSL2561_SETINTERRUPT(100, 1000, persist 2) on 0x39, then MS
 *              milliseconds of sleep, then TSL2561_CLEARINTERRUPT when CLEAR is 1 (the
 *              emulator's report shows whether INT is asserted at exit) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "TSL2561.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_us(unsigned long us)
{
	struct timespec pause = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	nanosleep(&pause, NULL);
}

static int senselux(TSL2561 *sensor)
{
	double lux = -1, start = now_ms();
	tsl2561Gain_t gain = (tsl2561Gain_t)-1;
	tsl2561IntegrationTime_t time = (tsl2561IntegrationTime_t)-1;
	int rc = TSL2561_SENSELUX(sensor, &lux, &gain, &time);

	printf("senselux rc=%d errno=%d lux=%.4f gain=%d time=%d status=%d ms=%.3f\n", rc,
	       rc ? sensor->lasterr : 0, lux, (int)gain, (int)time, TSL2561_STATUS(sensor),
	       now_ms() - start);
	return rc;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "senselux";
	TSL2561 sensors[3] = {
		TSL2561_INITIALIZER(1, TSL2561_ADDR_LOW),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_HIGH),
	};
	TSL2561 *sensor = &sensors[1];
	int i;

	if (!strcmp(what, "all")) {
		tsl2561IntegrationTime_t times[3] = { TSL2561_INTEGRATIONTIME_13MS,
			TSL2561_INTEGRATIONTIME_101MS, TSL2561_INTEGRATIONTIME_402MS };
		double lux[3] = { -1, -1, -1 }, start;
		int rc;

		for (i = 0; i < 3; i++)
			if (TSL2561_OPEN(&sensors[i]) ||
			    TSL2561_SETINTEGRATIONTIME(&sensors[i], times[i])) {
				printf("setup failed\n");
				return 1;
			}
		start = now_ms();
		rc = TSL2561_SENSEALL(sensors, 3, lux);
		printf("all rc=%d errno=%d ms=%.3f\n", rc, rc ? errno : 0, now_ms() - start);
		for (i = 0; i < 3; i++)
			printf("sensor 0x%02x lux=%.4f lasterr=%d\n", sensors[i].sensor_addr, lux[i],
			       sensors[i].lasterr);
		return 0;
	}
	if (TSL2561_OPEN(sensor)) {
		printf("open failed: %s\n", strerror(sensor->lasterr));
		return 1;
	}
	if (!strcmp(what, "senselux"))
		return senselux(sensor) == 0 || sensor->lasterr == ERANGE ? 0 : 1;
	if (!strcmp(what, "watch")) {
		int count = argc > 2 ? atoi(argv[2]) : 3;

		for (i = 0; i < count; i++) {
			senselux(sensor);
			sleep_us(1000000);
		}
		return 0;
	}
	if (!strcmp(what, "interrupt")) {
		long ms = argc > 2 ? atol(argv[2]) : 1000;
		int clear = argc > 3 && atoi(argv[3]) == 1, rc;

		rc = TSL2561_SETINTERRUPT(sensor, 100, 1000, 2);
		printf("setinterrupt rc=%d status=%d\n", rc, TSL2561_STATUS(sensor));
		rc = TSL2561_SETINTERRUPT(sensor, 100, 1000, 16);
		printf("bad persist rc=%d errno=%d\n", rc, sensor->lasterr);
		sleep_us((unsigned long)ms * 1000);
		if (clear) {
			rc = TSL2561_CLEARINTERRUPT(sensor);
			printf("clearinterrupt rc=%d\n", rc);
		}
		return 0;
	}
	if (!strcmp(what, "collect")) {
		uint16_t full = 0xDEAD, ir = 0xDEAD;
		double lux = -1, start = now_ms();
		uint32_t wait = 0;
		int rc;

		rc = TSL2561_START(sensor);
		printf("start rc=%d\n", rc);
		rc = TSL2561_COLLECT(sensor, &full, &ir, &lux, &wait);
		printf("collect rc=%d errno=%d wait_us=%u full=%u ms=%.3f\n", rc, rc ? errno : 0,
		       (unsigned)wait, (unsigned)full, now_ms() - start);
		sleep_us(wait / 2);
		rc = TSL2561_COLLECT(sensor, &full, &ir, &lux, &wait);
		printf("collect rc=%d errno=%d wait_us=%u full=%u\n", rc, rc ? errno : 0,
		       (unsigned)wait, (unsigned)full);
		sleep_us(wait);
		rc = TSL2561_COLLECT(sensor, &full, &ir, &lux, &wait);
		printf("collect rc=%d errno=%d wait_us=%u full=%u ir=%u lux=%.4f ms=%.3f\n", rc,
		       rc ? errno : 0, (unsigned)wait, (unsigned)full, (unsigned)ir, lux,
		       now_ms() - start);
		return 0;
	}
	printf("unknown %s\n", what);
	return 2;
}
