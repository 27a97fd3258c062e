/* Numbers, text and a clock on the 0.56" 4-digit backpack with the old HT16K33 struct:
 * the PRINT functions fill the buffer, HT16K33_COMMIT shows it. Usage: numbers [BUS] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

static int failures;

static void show(HT16K33 *display, const char *what, int rc)
{
	if (rc != 0) {
		printf("%s: %s\n", what, strerror(display->lasterr));
		failures++;
		return;
	}
	if (HT16K33_COMMIT(display) != 0) {
		printf("commit: %s\n", strerror(display->lasterr));
		failures++;
	}
	usleep(500000);
}

int main(int argc, char **argv)
{
	HT16K33 display = HT16K33_INIT(argc > 1 ? atoi(argv[1]) : 1, HT16K33_ADDR_01);

	if (HT16K33_OPEN(&display) != 0) {
		printf("cannot open /dev/i2c-%d at 0x%02x: %s\n", display.adapter_nr,
		       display.driver_addr, strerror(display.lasterr));
		return 1;
	}
	HT16K33_ON(&display);
	HT16K33_DISPLAY(&display, HT16K33_DISPLAY_ON);

	show(&display, "int", HT16K33_PRINT_INT(&display, -42));
	show(&display, "float", HT16K33_PRINT_FLOAT(&display, 3.14159, -1));
	show(&display, "rounding", HT16K33_PRINT_FLOAT(&display, 9.996, 2));
	show(&display, "hex", HT16K33_PRINT_HEX(&display, 0xBEEF));
	show(&display, "text", HT16K33_PRINT_TEXT(&display, "HI.PI"));
	show(&display, "time", HT16K33_PRINT_TIME(&display, 12, 34, 1));

	/* What does not fit is refused, and the display keeps what it showed. */
	if (HT16K33_PRINT_INT(&display, 123456) == 0 || errno != ERANGE) {
		printf("123456 should not fit\n");
		failures++;
	}
	if (HT16K33_PRINT_TEXT(&display, "WAX") == 0 || errno != EILSEQ) {
		printf("W has no 7-segment shape\n");
		failures++;
	}

	HT16K33_CLOSE(&display);
	printf("numbers: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
