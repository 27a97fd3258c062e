/* The matrices: a smiley on the 8x8 (0x74), turned upside down; a traffic light on the
 * bicolour 8x8 (0x75); a bitmap across the 16x8 (0x76). Usage: matrices [BUS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

static const uint8_t smiley[8] = {
	0x3C, 0x42, 0xA5, 0x81, 0xA5, 0x99, 0x42, 0x3C,
};

static int open_matrix(HT16K33_CHAIN *matrix, int bus, ht16k33backpack_t kind, uint8_t address)
{
	if (HT16K33_CHAIN_OPEN(matrix, bus, kind, &address, 1) != 0 ||
	    HT16K33_CHAIN_ON(matrix) != 0) {
		printf("matrix at 0x%02x: %s\n", address, strerror(matrix->lasterr));
		HT16K33_CHAIN_CLOSE(matrix);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int bus = argc > 1 ? atoi(argv[1]) : 1;
	HT16K33_CHAIN mono, bicolor, wide;
	int failures = 0, y;

	if (open_matrix(&mono, bus, HT16K33_MATRIX8X8, 0x74) != 0 ||
	    open_matrix(&bicolor, bus, HT16K33_BICOLOR8X8, 0x75) != 0 ||
	    open_matrix(&wide, bus, HT16K33_MATRIX16X8, 0x76) != 0)
		return 1;

	failures += HT16K33_CHAIN_DRAW_BITMAP(&mono, 0, 0, smiley, 8, 8, HT16K33_COLOR_GREEN) != 0;
	failures += HT16K33_CHAIN_COMMIT(&mono) != 0;
	sleep(1);
	HT16K33_CHAIN_CLEAR(&mono);
	failures += HT16K33_CHAIN_SET_ROTATION(&mono, 2) != 0;
	failures += HT16K33_CHAIN_DRAW_BITMAP(&mono, 0, 0, smiley, 8, 8, HT16K33_COLOR_GREEN) != 0;
	failures += HT16K33_CHAIN_COMMIT(&mono) != 0;

	for (y = 0; y < 2; y++) {
		failures += HT16K33_CHAIN_SET_PIXEL(&bicolor, 3, y, HT16K33_COLOR_RED) != 0;
		failures += HT16K33_CHAIN_SET_PIXEL(&bicolor, 3, y + 3, HT16K33_COLOR_YELLOW) != 0;
		failures += HT16K33_CHAIN_SET_PIXEL(&bicolor, 3, y + 6, HT16K33_COLOR_GREEN) != 0;
	}
	failures += HT16K33_CHAIN_COMMIT(&bicolor) != 0;

	failures += HT16K33_CHAIN_DRAW_BITMAP(&wide, 4, 0, smiley, 8, 8, HT16K33_COLOR_RED) != 0;
	failures += HT16K33_CHAIN_SET_PIXEL(&wide, 0, 0, HT16K33_COLOR_RED) != 0;
	failures += HT16K33_CHAIN_SET_PIXEL(&wide, 15, 7, HT16K33_COLOR_RED) != 0;
	failures += HT16K33_CHAIN_COMMIT(&wide) != 0;

	/* Off the display: refused, nothing changes. */
	failures += HT16K33_CHAIN_SET_PIXEL(&mono, 8, 0, HT16K33_COLOR_GREEN) != -1;

	HT16K33_CHAIN_CLOSE(&mono);
	HT16K33_CHAIN_CLOSE(&bicolor);
	HT16K33_CHAIN_CLOSE(&wide);
	printf("matrices: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
