/* Bad input on every entry point the old drivers crashed on or passed to the chip:
 * NULL structs and out-pointers, out-of-range enum values, digits and glyphs. Prints
 * one line per call: "<what> rc=<rc> errno=<lasterr or errno>". Nothing here may reach
 * the bus except the two OPENs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

#define REPORT(what, call, lasterr) do { \
	int rc_; \
	errno = 0; \
	rc_ = (call); \
	printf("%s rc=%d errno=%d\n", what, rc_, (lasterr)); \
} while (0)

int main(void)
{
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);
	HT16K33 display = HT16K33_INIT(1, HT16K33_ADDR_01);
	uint16_t full = 0, ir = 0;
	uint32_t lux = 0;

	REPORT("tsl_open_null", TSL2561_OPEN(NULL), errno);
	REPORT("tsl_time_null", TSL2561_SETINTEGRATIONTIME(NULL, TSL2561_INTEGRATIONTIME_13MS), errno);
	REPORT("tsl_gain_null", TSL2561_SETGAIN(NULL, TSL2561_GAIN_1X), errno);
	REPORT("tsl_sense_null", TSL2561_SENSELIGHT(NULL, &full, &ir, &lux, 0), errno);
	REPORT("tsl_warm_null", TSL2561_SETWARM(NULL, 1), errno);
	REPORT("tsl_status_null", TSL2561_STATUS(NULL), errno);
	{
		TSL2561 closed = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);

		REPORT("tsl_warm_not_open", TSL2561_SETWARM(&closed, 1), closed.lasterr);
		printf("tsl_status_not_open status=%d\n", TSL2561_STATUS(&closed));
	}
	TSL2561_CLOSE(NULL);
	REPORT("ht_open_null", HT16K33_OPEN(NULL), errno);
	REPORT("ht_commit_null", HT16K33_COMMIT(NULL), errno);
	REPORT("ht_digit_null", HT16K33_UPDATE_DIGIT(NULL, 0, 1, 0), errno);
	HT16K33_CLOSE(NULL);

	REPORT("tsl_open", TSL2561_OPEN(&sensor), sensor.lasterr);
	REPORT("tsl_open_again", TSL2561_OPEN(&sensor), sensor.lasterr);
	REPORT("tsl_time_7", TSL2561_SETINTEGRATIONTIME(&sensor, (tsl2561IntegrationTime_t)7), sensor.lasterr);
	REPORT("tsl_gain_1", TSL2561_SETGAIN(&sensor, (tsl2561Gain_t)1), sensor.lasterr);
	REPORT("tsl_sense_null_out", TSL2561_SENSELIGHT(&sensor, NULL, &ir, &lux, 0), sensor.lasterr);
	sensor.gain = (tsl2561Gain_t)3;
	REPORT("tsl_warm_bad_gain", TSL2561_SETWARM(&sensor, 1), sensor.lasterr);
	sensor.gain = TSL2561_GAIN_16X;
	printf("tsl_settings time=%d gain=%d\n", (int)sensor.integration_time, (int)sensor.gain);

	REPORT("ht_open", HT16K33_OPEN(&display), display.lasterr);
	REPORT("ht_blink_3", HT16K33_BLINK(&display, (ht16k33blink_t)3), display.lasterr);
	REPORT("ht_display_2", HT16K33_DISPLAY(&display, (ht16k33display_t)2), display.lasterr);
	REPORT("ht_digit_5", HT16K33_UPDATE_DIGIT(&display, 5, 1, 0), display.lasterr);
	REPORT("ht_glyph_129", HT16K33_UPDATE_DIGIT(&display, 0, 129, 0), display.lasterr);
	REPORT("ht_clean_9", HT16K33_CLEAN_DIGIT(&display, 9), display.lasterr);
	display.blink_state = (ht16k33blink_t)5;
	REPORT("ht_on_bad_state", HT16K33_ON(&display), display.lasterr);
	printf("ht_state blink=%d display=%d com0=%d\n", (int)display.blink_state,
	       (int)display.display_state, display.display_buffer.com[0]);

	TSL2561 copy = sensor;
	TSL2561_CLOSE(&sensor);
	/* Closing a closed sensor does nothing, and is no error. */
	sensor.lasterr = 0;
	errno = 0;
	TSL2561_CLOSE(&sensor);
	printf("tsl_close_closed fd=%d lasterr=%d errno=%d\n", sensor.adapter_fd, sensor.lasterr, errno);
	REPORT("tsl_sense_closed", TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0), sensor.lasterr);
	REPORT("tsl_sense_copy_of_closed", TSL2561_SENSELIGHT(&copy, &full, &ir, &lux, 0), copy.lasterr);
	HT16K33_CLOSE(&display);

	/* A descriptor closed behind the library's back is refused, never reused. */
	TSL2561 behind = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);
	REPORT("tsl_open_behind", TSL2561_OPEN(&behind), behind.lasterr);
	close(behind.adapter_fd);
	REPORT("tsl_sense_fd_closed", TSL2561_SENSELIGHT(&behind, &full, &ir, &lux, 0), behind.lasterr);
	behind.lasterr = 0;
	TSL2561_CLOSE(&behind);
	printf("tsl_close_fd_closed fd=%d errno=%d\n", behind.adapter_fd, behind.lasterr);
	return 0;
}
