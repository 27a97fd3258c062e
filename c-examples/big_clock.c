/* A clock on the 1.2" 7-segment backpack (HT16K33_CHAIN with one backpack): the time
 * with a blinking colon, then a temperature with the upper dot as the degree sign.
 * Usage: big_clock [BUS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

int main(int argc, char **argv)
{
	HT16K33_CHAIN clock;
	const uint8_t address[] = { 0x71 };
	int second;

	if (HT16K33_CHAIN_OPEN(&clock, argc > 1 ? atoi(argv[1]) : 1, HT16K33_SEG7_LARGE,
			       address, 1) != 0 || HT16K33_CHAIN_ON(&clock) != 0) {
		printf("1.2\" display at 0x71: %s\n", strerror(clock.lasterr));
		HT16K33_CHAIN_CLOSE(&clock);
		return 1;
	}
	for (second = 0; second < 4; second++) {
		HT16K33_CHAIN_PRINT_TIME(&clock, 9, 41, second % 2 == 0);
		if (HT16K33_CHAIN_COMMIT(&clock) != 0)
			break;
		sleep(1);
	}
	/* 21.5 degrees: three digits, the upper dot between the third and fourth. */
	HT16K33_CHAIN_PRINT_TEXT(&clock, "21.5C");
	HT16K33_CHAIN_SET_DOTS(&clock, 0, HT16K33_DOT_UPPER);
	HT16K33_CHAIN_COMMIT(&clock);
	HT16K33_CHAIN_CLOSE(&clock);
	printf("big_clock: %s\n", clock.lasterr ? strerror(clock.lasterr) : "ok");
	return clock.lasterr != 0;
}
