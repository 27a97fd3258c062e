/* Graphics on the 16x8 matrix (0x76): text scrolled across pixel by pixel, text that
 * fits, then a frame, a filled circle and a line, moved one pixel left with wrap-around.
 * Usage: shapes [BUS] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

int main(int argc, char **argv)
{
	int bus = argc > 1 ? atoi(argv[1]) : 1;
	const uint8_t address = 0x76;
	HT16K33_CHAIN wide;
	int failures = 0;

	if (HT16K33_CHAIN_OPEN(&wide, bus, HT16K33_MATRIX16X8, &address, 1) != 0 ||
	    HT16K33_CHAIN_ON(&wide) != 0) {
		printf("matrix at 0x%02x: %s\n", address, strerror(wide.lasterr));
		HT16K33_CHAIN_CLOSE(&wide);
		return 1;
	}

	/* 8 characters of 5 pixels through 16 columns: 56 steps of 40 ms. */
	failures += HT16K33_CHAIN_SCROLL(&wide, "lightseg", 40, 1) != 0;

	/* Three characters fit on 16 pixels; a fourth does not. */
	failures += HT16K33_CHAIN_PRINT_TEXT(&wide, "Hi!") != 0;
	failures += HT16K33_CHAIN_COMMIT(&wide) != 0;
	failures += !(HT16K33_CHAIN_PRINT_TEXT(&wide, "Hi!!") == -1 && errno == ERANGE);
	sleep(1);

	failures += HT16K33_CHAIN_CLEAR(&wide) != 0;
	failures += HT16K33_CHAIN_DRAW_RECT(&wide, 0, 0, 16, 8, HT16K33_COLOR_GREEN, 0) != 0;
	failures += HT16K33_CHAIN_DRAW_CIRCLE(&wide, 4, 3, 2, HT16K33_COLOR_GREEN, 1) != 0;
	failures += HT16K33_CHAIN_DRAW_LINE(&wide, 9, 1, 14, 6, HT16K33_COLOR_GREEN) != 0;
	failures += HT16K33_CHAIN_COMMIT(&wide) != 0;
	sleep(1);
	failures += HT16K33_CHAIN_SHIFT(&wide, -1, 0, 1) != 0;
	failures += HT16K33_CHAIN_COMMIT(&wide) != 0;

	/* Refused: a negative radius; the picture stays as it is. */
	failures += !(HT16K33_CHAIN_DRAW_CIRCLE(&wide, 4, 3, -1, HT16K33_COLOR_GREEN, 0) == -1 &&
		      errno == EINVAL);

	HT16K33_CHAIN_CLOSE(&wide);
	printf("shapes: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
