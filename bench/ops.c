/* One benchmark operation of `make bench`, run under the emulator with bench/scene.toml.
 *
 *   ops OPERATION SETTING COUNT [setup-only]
 *
 * OPERATION is one of
 *   cold          TSL2561_SENSELIGHT, autogain 0 (sensor 0x39, in range)
 *   autogain-one  TSL2561_SENSELIGHT, autogain 1, first reading in range (0x39, 16x)
 *   autogain-two  TSL2561_SENSELIGHT, autogain 1, too bright at 16x (0x29): two
 *                 conversions; the gain is set back to 16x before each (not measured)
 *   warm-busy     warm mode, readings back to back (throughput)
 *   warm-idle     warm mode, readings one worst-case integration time apart (the program
 *                 does other work in between, not measured)
 *   commit        5 x HT16K33_UPDATE_DIGIT, then HT16K33_COMMIT (0x70)
 *   print         HT16K33_PRINT_FLOAT (as many decimals as fit), then HT16K33_COMMIT
 *   draw          HT16K33_CHAIN_PRINT_TEXT of three characters, the whole width of the
 *                 16x8 matrix (0x76) in its pixel font, then HT16K33_CHAIN_COMMIT
 *   scroll        HT16K33_CHAIN_SCROLL on the backpack at 0x70: 1000 steps of 100 ms, once
 *                 (COUNT is ignored)
 *   fullrange     TSL2561_SENSELUX (0x39; the scene sets the light); prints the last lux
 *   senseall      TSL2561_SENSEALL on 0x29, 0x39 and 0x49, all at SETTING
 *   collect-early TSL2561_START (not measured), then TSL2561_COLLECT at once, which must
 *                 fail with EAGAIN (measured); the reading is then collected (not measured)
 * SETTING is the integration time in ms, 13, 101 or 402 (ignored by commit).
 *
 * The program sets up (OPEN, SETINTEGRATIONTIME, SETWARM, ...), then runs the operation
 * COUNT times, measuring only the operation itself, and prints
 *   virtual_ns=<sum> cpu_ns=<sum> count=<COUNT>
 * virtual_ns is CLOCK_MONOTONIC (the emulator's virtual clock), cpu_ns the process's real
 * user + system CPU time (getrusage; it includes the emulator's own work, so it is an
 * upper bound of the library's). With `setup-only` everything but the measured
 * operation runs, so that the emulator's counters of the two runs can be subtracted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

static long long monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static long long cpu_ns(void)
{
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	return ((long long)usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL +
	       ((long long)usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
}

static void die(const char *what, int error)
{
	fprintf(stderr, "ops: %s: %s\n", what, strerror(error));
	exit(1);
}

int main(int argc, char **argv)
{
	TSL2561 sensors[3] = {
		TSL2561_INITIALIZER(1, TSL2561_ADDR_LOW),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_HIGH),
	};
	TSL2561 sensor = TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT);
	double last_lux = -1;
	tsl2561Gain_t used_gain = TSL2561_GAIN_16X;
	tsl2561IntegrationTime_t used_time = TSL2561_INTEGRATIONTIME_402MS;
	HT16K33 display = HT16K33_INITIALIZER(1, HT16K33_ADDR_01);
	HT16K33_CHAIN matrix;
	long long virtual_total = 0, cpu_total = 0;
	tsl2561IntegrationTime_t time;
	int setting, count, setup_only, i;
	long long idle_us;
	const char *op;

	if (argc < 4) {
		fprintf(stderr, "usage: ops OPERATION SETTING COUNT [setup-only]\n");
		return 2;
	}
	op = argv[1];
	setting = atoi(argv[2]);
	count = atoi(argv[3]);
	setup_only = argc > 4 && !strcmp(argv[4], "setup-only");
	switch (setting) {
	case 13: time = TSL2561_INTEGRATIONTIME_13MS; idle_us = 14700; break;
	case 101: time = TSL2561_INTEGRATIONTIME_101MS; idle_us = 107800; break;
	case 402: time = TSL2561_INTEGRATIONTIME_402MS; idle_us = 428500; break;
	default: fprintf(stderr, "ops: setting must be 13, 101 or 402\n"); return 2;
	}

	if (!strcmp(op, "scroll")) {
		/* "PLAY 1" on 4 digits: 6 + 4 = 10 steps a cycle, 100 cycles. */
		HT16K33_CHAIN chain;
		const uint8_t address[] = { HT16K33_ADDR_01 };
		long long v0;

		if (HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_SEG7, address, 1) ||
		    HT16K33_CHAIN_ON(&chain))
			die("display setup", chain.lasterr);
		v0 = monotonic_ns();
		if (HT16K33_CHAIN_SCROLL(&chain, "PLAY 1", 100, 100))
			die("scroll", chain.lasterr);
		virtual_total = monotonic_ns() - v0;
		HT16K33_CHAIN_CLOSE(&chain);
		printf("virtual_ns=%lld cpu_ns=0 count=1 lux=0 gain=0 time=0\n", virtual_total);
		return 0;
	}

	if (!strcmp(op, "commit") || !strcmp(op, "print")) {
		if (HT16K33_OPEN(&display) || HT16K33_ON(&display))
			die("display setup", display.lasterr);
	} else if (!strcmp(op, "draw")) {
		const uint8_t address[] = { 0x76 };

		if (HT16K33_CHAIN_OPEN(&matrix, 1, HT16K33_MATRIX16X8, address, 1) ||
		    HT16K33_CHAIN_ON(&matrix))
			die("matrix setup", matrix.lasterr);
	} else if (!strcmp(op, "senseall")) {
		for (i = 0; i < 3; i++)
			if (TSL2561_OPEN(&sensors[i]) ||
			    TSL2561_SETINTEGRATIONTIME(&sensors[i], time))
				die("sensor setup", sensors[i].lasterr);
	} else {
		if (!strcmp(op, "autogain-two"))
			sensor.sensor_addr = TSL2561_ADDR_LOW;
		if (TSL2561_OPEN(&sensor) || TSL2561_SETINTEGRATIONTIME(&sensor, time))
			die("sensor setup", sensor.lasterr);
		if (!strncmp(op, "warm", 4) && TSL2561_SETWARM(&sensor, 1))
			die("warm mode", sensor.lasterr);
	}

	for (i = 0; i < count; i++) {
		uint16_t full, ir;
		uint32_t lux;
		long long v0, c0;
		int rc = 0, digit;

		if (!strcmp(op, "autogain-two") && TSL2561_SETGAIN(&sensor, TSL2561_GAIN_16X))
			die("gain back to 16x", sensor.lasterr);
		if (!strcmp(op, "warm-idle"))
			usleep(idle_us);
		if (!strcmp(op, "collect-early")) {
			uint32_t wait = 0;

			if (TSL2561_START(&sensor))
				die("start", sensor.lasterr);
			if (!setup_only) {
				v0 = monotonic_ns();
				c0 = cpu_ns();
				rc = TSL2561_COLLECT(&sensor, NULL, NULL, NULL, &wait);
				cpu_total += cpu_ns() - c0;
				virtual_total += monotonic_ns() - v0;
				if (rc != -1 || errno != EAGAIN)
					die("COLLECT before the end did not fail with EAGAIN", EINVAL);
			}
			usleep(idle_us);
			if (TSL2561_COLLECT(&sensor, &full, &ir, &last_lux, &wait))
				die("collect", sensor.lasterr);
			continue;
		}
		if (setup_only)
			continue;
		v0 = monotonic_ns();
		c0 = cpu_ns();
		if (!strcmp(op, "commit")) {
			for (digit = 0; digit < 5; digit++)
				HT16K33_UPDATE_DIGIT(&display, digit, (i + digit) % 10, 0);
			rc = HT16K33_COMMIT(&display);
		} else if (!strcmp(op, "print")) {
			rc = HT16K33_PRINT_FLOAT(&display, -1.5 + i * 3.14159, -1);
			if (rc == 0)
				rc = HT16K33_COMMIT(&display);
		} else if (!strcmp(op, "draw")) {
			static const char *const texts[] = { "Hi!", "@W%", "gjy" };

			rc = HT16K33_CHAIN_PRINT_TEXT(&matrix, texts[i % 3]);
			if (rc == 0)
				rc = HT16K33_CHAIN_COMMIT(&matrix);
			if (rc)
				die(op, matrix.lasterr);
		} else if (!strcmp(op, "fullrange")) {
			rc = TSL2561_SENSELUX(&sensor, &last_lux, &used_gain, &used_time);
		} else if (!strcmp(op, "senseall")) {
			double lux_all[3];

			rc = TSL2561_SENSEALL(sensors, 3, lux_all);
			last_lux = lux_all[1];
		} else {
			rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux,
						!strncmp(op, "autogain", 8));
		}
		cpu_total += cpu_ns() - c0;
		virtual_total += monotonic_ns() - v0;
		if (rc)
			die(op, strcmp(op, "commit") && strcmp(op, "print") ? sensor.lasterr :
				display.lasterr);
		if (!strcmp(op, "autogain-two") && sensor.gain != TSL2561_GAIN_1X)
			die("autogain-two did not switch to 1x", EINVAL);
	}
	TSL2561_CLOSE(&sensor);
	for (i = 0; i < 3; i++)
		TSL2561_CLOSE(&sensors[i]);
	HT16K33_CLOSE(&display);
	if (!strcmp(op, "draw"))
		HT16K33_CHAIN_CLOSE(&matrix);
	printf("virtual_ns=%lld cpu_ns=%lld count=%d lux=%.6f gain=%d time=%d\n", virtual_total,
	       cpu_total, count, last_lux, (int)used_gain, (int)used_time);
	return 0;
}
