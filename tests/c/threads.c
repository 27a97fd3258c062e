/* Threads: three sensors on one bus read at once from three threads, and one sensor
 * struct shared by two threads. Prints each reading and the virtual time the parallel
 * reads took (on the emulator's virtual clock, per thread). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "TSL2561.h"

struct job {
	TSL2561 *sensor;
	uint16_t full, ir;
	uint32_t lux;
	int rc;
};

static void *read_sensor(void *argument)
{
	struct job *job = (struct job *)argument;

	job->rc = TSL2561_SENSELIGHT(job->sensor, &job->full, &job->ir, &job->lux, 0);
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run(const char *name, TSL2561 **sensors, int count)
{
	pthread_t threads[3];
	struct job jobs[3];
	double start = now_ms();
	int i, failures = 0;

	for (i = 0; i < count; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].sensor = sensors[i];
		pthread_create(&threads[i], NULL, read_sensor, &jobs[i]);
	}
	for (i = 0; i < count; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < count; i++) {
		printf("%s: sensor 0x%02x rc %d full %u ir %u lux %u\n", name,
		       jobs[i].sensor->sensor_addr, jobs[i].rc, (unsigned)jobs[i].full,
		       (unsigned)jobs[i].ir, (unsigned)jobs[i].lux);
		failures += jobs[i].rc != 0;
	}
	printf("%s: %.1f ms\n", name, now_ms() - start);
	return failures;
}

int main(void)
{
	TSL2561 low = TSL2561_INIT(1, TSL2561_ADDR_LOW)
	TSL2561 mid = TSL2561_INIT(1, TSL2561_ADDR_FLOAT)
	TSL2561 high = TSL2561_INIT(1, TSL2561_ADDR_HIGH)
	TSL2561 *three[3] = { &low, &mid, &high };
	TSL2561 *shared[2] = { &mid, &mid };
	int failures = 0;

	if (TSL2561_OPEN(&low) || TSL2561_OPEN(&mid) || TSL2561_OPEN(&high)) {
		printf("open failed\n");
		return 1;
	}
	failures += run("parallel", three, 3);
	failures += run("shared", shared, 2);
	TSL2561_CLOSE(&low);
	TSL2561_CLOSE(&mid);
	TSL2561_CLOSE(&high);
	return failures ? 1 : 0;
}
