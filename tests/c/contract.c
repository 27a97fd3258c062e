/* The corners of the C contract, tried as a hostile user would. argv[1] picks one:
 *
 *   threads     one TSL2561 struct shared by a reading thread and a thread that
 *               alternates SETGAIN; one HT16K33 struct shared by a COMMIT thread and a
 *               BRIGHTNESS thread. Prints how many settings were reverted.
 *   lookalike   an HT16K33 at address argv[2] (hex), switched on and showing each
 *               glyph in turn, then a TSL2561 struct aimed at it: OPEN must fail.
 *   crossed     descriptors of one struct kind used with the other.
 *   reopened    a descriptor closed behind the library's back and the same bus opened
 *               again with another address.
 *   reopen      what survives TSL2561_CLOSE + TSL2561_OPEN.
 *   fork        fork() while another thread is inside a reading of the same sensor; the
 *               child then reads that sensor (run with LIGHTSEG_SIM_REALTIME=1).
 *   two         two structs opened for one chip: a gain set through one, a reading
 *               through the other (which must reprogram the chip); one closed, the
 *               other still working.
 *
 * Prints one line per check: "<what> rc=<rc> errno=<lasterr>" and the like. */
#include <errno.h>
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

#define ROUNDS 60

static TSL2561 shared_sensor = TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT);
static HT16K33 shared_display = HT16K33_INITIALIZER(1, HT16K33_ADDR_01);
static volatile int stop;

static void *keep_reading(void *unused)
{
	uint16_t full, ir;
	uint32_t lux;

	(void)unused;
	while (!stop)
		TSL2561_SENSELIGHT(&shared_sensor, &full, &ir, &lux, 0);
	return NULL;
}

static void *keep_committing(void *unused)
{
	(void)unused;
	while (!stop)
		HT16K33_COMMIT(&shared_display);
	return NULL;
}

static void pause_briefly(void)
{
	struct timespec pause = { 0, 200000 };

	nanosleep(&pause, NULL);
}

static int threads(void)
{
	pthread_t worker;
	int i, reverted = 0, failed = 0;

	if (TSL2561_OPEN(&shared_sensor) || TSL2561_SETINTEGRATIONTIME(&shared_sensor,
	    TSL2561_INTEGRATIONTIME_13MS) || HT16K33_OPEN(&shared_display) ||
	    HT16K33_ON(&shared_display)) {
		printf("setup failed\n");
		return 1;
	}
	pthread_create(&worker, NULL, keep_reading, NULL);
	for (i = 0; i < ROUNDS; i++) {
		tsl2561Gain_t gain = i % 2 ? TSL2561_GAIN_1X : TSL2561_GAIN_16X;

		failed += TSL2561_SETGAIN(&shared_sensor, gain) != 0;
		pause_briefly();
		reverted += shared_sensor.gain != gain;
	}
	stop = 1;
	pthread_join(worker, NULL);
	printf("sensor gain reverted %d of %d, failed %d\n", reverted, ROUNDS, failed);

	stop = 0;
	reverted = failed = 0;
	pthread_create(&worker, NULL, keep_committing, NULL);
	for (i = 0; i < ROUNDS; i++) {
		uint8_t level = (uint8_t)(i % 16);

		failed += HT16K33_BRIGHTNESS(&shared_display, level) != 0;
		pause_briefly();
		reverted += shared_display.brightness != level;
	}
	stop = 1;
	pthread_join(worker, NULL);
	printf("display brightness reverted %d of %d, failed %d\n", reverted, ROUNDS, failed);
	TSL2561_CLOSE(&shared_sensor);
	HT16K33_CLOSE(&shared_display);
	return 0;
}

static int lookalike(uint8_t address)
{
	HT16K33 display = HT16K33_INIT(1, address)
	unsigned value;
	int position, passed = 0, other_errors = 0;

	if (HT16K33_OPEN(&display) || HT16K33_ON(&display) ||
	    HT16K33_BRIGHTNESS(&display, 7) || HT16K33_BLINK(&display, HT16K33_BLINK_SLOW) ||
	    HT16K33_DISPLAY(&display, HT16K33_DISPLAY_ON)) {
		printf("setup failed: %s\n", strerror(display.lasterr));
		return 1;
	}
	/* Every glyph in every position, the others showing the glyph's neighbours. */
	for (value = 0; value <= 128; value++) {
		for (position = 0; position < 5; position++) {
			TSL2561 sensor = TSL2561_INIT(1, address)
			int rc;

			HT16K33_UPDATE_DIGIT(&display, position, value, 0);
			HT16K33_UPDATE_DIGIT(&display, (position + 1) % 5, (value + 1) % 129, 0);
			HT16K33_COMMIT(&display);
			rc = TSL2561_OPEN(&sensor);
			if (rc == 0) {
				passed++;
				TSL2561_CLOSE(&sensor);
			} else if (sensor.lasterr != ENODEV || sensor.adapter_fd != -1) {
				other_errors++;
			}
		}
	}
	/* The display as the program left it, to compare with the chip's registers. */
	HT16K33_UPDATE_DIGIT(&display, 0, '3', 0);
	HT16K33_UPDATE_DIGIT(&display, 1, 'c', 1);
	HT16K33_UPDATE_DIGIT(&display, 2, HT16K33_COLON_ON, 0);
	HT16K33_UPDATE_DIGIT(&display, 3, 'n', 0);
	HT16K33_UPDATE_DIGIT(&display, 4, 'o', 0);
	HT16K33_COMMIT(&display);
	{
		TSL2561 sensor = TSL2561_INIT(1, address)
		int rc = TSL2561_OPEN(&sensor);

		printf("last open rc=%d errno=%d fd=%d\n", rc, sensor.lasterr, sensor.adapter_fd);
	}
	printf("lookalike opened %d of %d, other errors %d\n", passed, 129 * 5, other_errors);
	HT16K33_CLOSE(&display);
	return 0;
}

static int crossed(void)
{
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT)
	HT16K33 display = HT16K33_INIT(1, HT16K33_ADDR_01)
	TSL2561 fake_sensor = TSL2561_INIT(1, HT16K33_ADDR_01)
	HT16K33 fake_display = HT16K33_INIT(1, TSL2561_ADDR_FLOAT)
	uint16_t full = 0xDEAD, ir = 0xDEAD;
	uint32_t lux = 0xDEADBEEF;
	int rc;

	if (TSL2561_OPEN(&sensor) || HT16K33_OPEN(&display)) {
		printf("setup failed\n");
		return 1;
	}
	/* A sensor struct holding the display's descriptor and address, and the other way
	 * round: as if the program mixed up its structs. */
	fake_sensor.adapter_fd = display.adapter_fd;
	fake_display.adapter_fd = sensor.adapter_fd;
	rc = TSL2561_SENSELIGHT(&fake_sensor, &full, &ir, &lux, 0);
	printf("sense_on_display rc=%d errno=%d full=%u\n", rc, fake_sensor.lasterr, full);
	rc = TSL2561_SETWARM(&fake_sensor, 1);
	printf("warm_on_display rc=%d errno=%d\n", rc, fake_sensor.lasterr);
	rc = TSL2561_SETGAIN(&fake_sensor, TSL2561_GAIN_1X);
	printf("gain_on_display rc=%d errno=%d\n", rc, fake_sensor.lasterr);
	rc = HT16K33_ON(&fake_display);
	printf("on_on_sensor rc=%d errno=%d\n", rc, fake_display.lasterr);
	HT16K33_UPDATE_DIGIT(&fake_display, 0, 8, 1);
	rc = HT16K33_COMMIT(&fake_display);
	printf("commit_on_sensor rc=%d errno=%d\n", rc, fake_display.lasterr);
	TSL2561_CLOSE(&fake_sensor);
	printf("close_display_fd_as_sensor errno=%d display_fd_open=%d\n", fake_sensor.lasterr,
	       fcntl(display.adapter_fd, F_GETFD) != -1);
	HT16K33_CLOSE(&fake_display);
	printf("close_sensor_fd_as_display errno=%d sensor_fd_open=%d\n", fake_display.lasterr,
	       fcntl(sensor.adapter_fd, F_GETFD) != -1);
	/* The real structs still work. */
	rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0);
	printf("sense_own rc=%d full=%u\n", rc, full);
	rc = HT16K33_COMMIT(&display);
	printf("commit_own rc=%d\n", rc);
	TSL2561_CLOSE(&sensor);
	HT16K33_CLOSE(&display);
	return 0;
}

/* Closes `fd` behind the library's back and opens /dev/i2c-1 again at the same number,
 * selecting `address` there. Returns the new descriptor. */
static int reopen_as(int fd, int address)
{
	int again;

	close(fd);
	again = open("/dev/i2c-1", O_RDWR);
	if (again != fd) {
		dup2(again, fd);
		close(again);
	}
	ioctl(fd, I2C_SLAVE, address);
	return fd;
}

static int reopened(void)
{
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT)
	HT16K33 display = HT16K33_INIT(1, HT16K33_ADDR_01)
	uint16_t full = 0xDEAD, ir = 0xDEAD;
	uint32_t lux = 0xDEADBEEF;
	int rc, mine;

	if (TSL2561_OPEN(&sensor) || HT16K33_OPEN(&display) || HT16K33_ON(&display)) {
		printf("setup failed\n");
		return 1;
	}
	/* The sensor's descriptor now reaches the sensor at 0x29. */
	mine = reopen_as(sensor.adapter_fd, TSL2561_ADDR_LOW);
	rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0);
	printf("sense_reopened rc=%d errno=%d full=%u\n", rc, sensor.lasterr, full);
	rc = TSL2561_SETGAIN(&sensor, TSL2561_GAIN_1X);
	printf("gain_reopened rc=%d errno=%d\n", rc, sensor.lasterr);
	TSL2561_CLOSE(&sensor);
	printf("close_reopened errno=%d program_fd_open=%d\n", sensor.lasterr,
	       fcntl(mine, F_GETFD) != -1);
	close(mine);

	/* The display's descriptor now reaches the sensor at 0x39. */
	mine = reopen_as(display.adapter_fd, TSL2561_ADDR_FLOAT);
	HT16K33_UPDATE_DIGIT(&display, 0, 8, 1);
	rc = HT16K33_COMMIT(&display);
	printf("commit_reopened rc=%d errno=%d\n", rc, display.lasterr);
	rc = HT16K33_BRIGHTNESS(&display, 3);
	printf("brightness_reopened rc=%d errno=%d\n", rc, display.lasterr);
	HT16K33_CLOSE(&display);
	printf("display_close_reopened errno=%d program_fd_open=%d\n", display.lasterr,
	       fcntl(mine, F_GETFD) != -1);
	close(mine);

	/* OPEN again works as usual. */
	rc = TSL2561_OPEN(&sensor);
	printf("open_again rc=%d\n", rc);
	rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0);
	printf("sense_again rc=%d full=%u\n", rc, full);
	TSL2561_CLOSE(&sensor);
	return 0;
}

static int reopen_rule(void)
{
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT)
	uint16_t full, ir;
	uint32_t lux;
	int rc;

	if (TSL2561_OPEN(&sensor) || TSL2561_SETWARM(&sensor, 1) ||
	    TSL2561_SETGAIN(&sensor, TSL2561_GAIN_1X) ||
	    TSL2561_SETINTEGRATIONTIME(&sensor, TSL2561_INTEGRATIONTIME_13MS)) {
		printf("setup failed\n");
		return 1;
	}
	printf("before status=%d gain=%d time=%d\n", TSL2561_STATUS(&sensor), (int)sensor.gain,
	       (int)sensor.integration_time);
	TSL2561_CLOSE(&sensor);
	rc = TSL2561_OPEN(&sensor);
	printf("reopened rc=%d status=%d gain=%d time=%d\n", rc, TSL2561_STATUS(&sensor),
	       (int)sensor.gain, (int)sensor.integration_time);
	rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0);
	printf("read rc=%d full=%u status=%d\n", rc, full, TSL2561_STATUS(&sensor));
	return 0; /* left open: the report shows whether the chip was left powered */
}

static void *read_once(void *unused)
{
	uint16_t full, ir;
	uint32_t lux;

	(void)unused;
	TSL2561_SENSELIGHT(&shared_sensor, &full, &ir, &lux, 0);
	return NULL;
}

static int forked(void)
{
	pthread_t worker;
	struct timespec inside = { 0, 50 * 1000 * 1000 };
	pid_t child;
	int status;

	if (TSL2561_OPEN(&shared_sensor)) {
		printf("setup failed\n");
		return 1;
	}
	/* The worker is inside a 402 ms reading when the program forks. */
	pthread_create(&worker, NULL, read_once, NULL);
	nanosleep(&inside, NULL);
	child = fork();
	if (child == 0) {
		uint16_t full = 0, ir;
		uint32_t lux;
		int rc;

		alarm(10); /* a hung child dies of SIGALRM instead of hanging the test */
		rc = TSL2561_SENSELIGHT(&shared_sensor, &full, &ir, &lux, 0);
		printf("child read rc=%d full=%u\n", rc, full);
		fflush(stdout);
		_exit(rc == 0 ? 0 : 1);
	}
	pthread_join(worker, NULL);
	waitpid(child, &status, 0);
	if (WIFSIGNALED(status))
		printf("child killed by signal %d\n", WTERMSIG(status));
	else
		printf("child exit %d\n", WEXITSTATUS(status));
	/* The parent goes on too, also from a thread that did not fork. */
	alarm(10);
	pthread_create(&worker, NULL, read_once, NULL);
	pthread_join(worker, NULL);
	alarm(0);
	printf("parent read after fork\n");
	TSL2561_CLOSE(&shared_sensor);
	return 0;
}

static int two_structs(void)
{
	TSL2561 first = TSL2561_INIT(1, TSL2561_ADDR_FLOAT)
	TSL2561 second = TSL2561_INIT(1, TSL2561_ADDR_FLOAT)
	uint16_t full = 0, ir = 0;
	uint32_t lux = 0;
	int rc;

	if (TSL2561_OPEN(&first) || TSL2561_OPEN(&second)) {
		printf("setup failed\n");
		return 1;
	}
	printf("descriptors differ=%d\n", first.adapter_fd != second.adapter_fd);
	rc = TSL2561_SETGAIN(&first, TSL2561_GAIN_1X);
	printf("first gain 1x rc=%d\n", rc);
	rc = TSL2561_SENSELIGHT(&second, &full, &ir, &lux, 0);
	printf("second reads rc=%d full=%u gain=%d\n", rc, full, (int)second.gain);
	TSL2561_CLOSE(&first);
	rc = TSL2561_SENSELIGHT(&second, &full, &ir, &lux, 0);
	printf("second after first closed rc=%d full=%u\n", rc, full);
	TSL2561_CLOSE(&second);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "threads";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "threads"))
		return threads();
	if (!strcmp(what, "lookalike"))
		return lookalike((uint8_t)strtoul(argc > 2 ? argv[2] : "39", NULL, 16));
	if (!strcmp(what, "crossed"))
		return crossed();
	if (!strcmp(what, "reopened"))
		return reopened();
	if (!strcmp(what, "reopen"))
		return reopen_rule();
	if (!strcmp(what, "fork"))
		return forked();
	if (!strcmp(what, "two"))
		return two_structs();
	printf("unknown check %s\n", what);
	return 2;
}
