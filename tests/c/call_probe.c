/* Opens a sensor (0x39) and a display (0x70) on bus 1, then calls the function named by
 * argv[1] (default "sense") argv[2] times (default 2), printing the result and the
 * struct's state after each call, for the fault-matrix test. Functions: open, settime, setgain, sense,
 * autogain, on, off, blink, display, brightness, commit. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

static TSL2561 sensor = TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT);
static HT16K33 display = HT16K33_INITIALIZER(1, HT16K33_ADDR_01);

static int call(const char *function, int *is_sensor)
{
	uint16_t full = 0xDEAD, ir = 0xDEAD;
	uint32_t lux = 0xDEADBEEF;
	int rc = -1;

	*is_sensor = 1;
	if (!strcmp(function, "open")) {
		TSL2561_CLOSE(&sensor);
		rc = TSL2561_OPEN(&sensor);
	} else if (!strcmp(function, "settime"))
		rc = TSL2561_SETINTEGRATIONTIME(&sensor, TSL2561_INTEGRATIONTIME_13MS);
	else if (!strcmp(function, "setgain"))
		rc = TSL2561_SETGAIN(&sensor, TSL2561_GAIN_1X);
	else if (!strcmp(function, "sense") || !strcmp(function, "autogain")) {
		rc = TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, !strcmp(function, "autogain"));
		printf(" full=%u ir=%u lux=%u", (unsigned)full, (unsigned)ir, (unsigned)lux);
	} else {
		*is_sensor = 0;
		if (!strcmp(function, "on"))
			rc = HT16K33_ON(&display);
		else if (!strcmp(function, "off"))
			rc = HT16K33_OFF(&display);
		else if (!strcmp(function, "blink"))
			rc = HT16K33_BLINK(&display, HT16K33_BLINK_FAST);
		else if (!strcmp(function, "display"))
			rc = HT16K33_DISPLAY(&display, HT16K33_DISPLAY_OFF);
		else if (!strcmp(function, "brightness"))
			rc = HT16K33_BRIGHTNESS(&display, 5);
		else if (!strcmp(function, "commit")) {
			HT16K33_UPDATE_DIGIT(&display, 0, 8, 1);
			rc = HT16K33_COMMIT(&display);
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *function = argc > 1 ? argv[1] : "sense";
	int i, is_sensor = 1, calls = 2;

	if (argc > 2)
		calls = atoi(argv[2]);
	/* The chip under test is set up last, so that a fault counted in its transfers
	 * (a bus removed after n of them) cannot hit the other chip's setup. The display
	 * calls are tested with the display on, so that they write. */
	{
		char word[32];
		int display_call;

		snprintf(word, sizeof(word), " %s ", function);
		display_call = strstr(" on off blink display brightness commit ", word) != NULL;
		int sensor_rc = 0, display_rc = 0;

		if (display_call)
			sensor_rc = TSL2561_OPEN(&sensor);
		display_rc = HT16K33_OPEN(&display);
		if (display_rc == 0 && strcmp(function, "on") != 0)
			display_rc = HT16K33_ON(&display);
		if (!display_call)
			sensor_rc = TSL2561_OPEN(&sensor);
		if (sensor_rc != 0 || display_rc != 0) {
			printf("setup failed: %s / %s\n", strerror(sensor.lasterr),
			       strerror(display.lasterr));
			return 1;
		}
	}
	printf("setup done\n");
	for (i = 1; i <= calls; i++) {
		int rc;

		printf("call%d", i);
		rc = call(function, &is_sensor);
		if (is_sensor)
			printf(" rc=%d errno=%d time=%d gain=%d fd_open=%d\n", rc,
			       rc ? sensor.lasterr : 0, (int)sensor.integration_time,
			       (int)sensor.gain, sensor.adapter_fd >= 0);
		else
			printf(" rc=%d errno=%d on=%d blink=%d brightness=%d\n", rc,
			       rc ? display.lasterr : 0, (int)display.display_state,
			       (int)display.blink_state, display.brightness);
	}
	return 0;
}
