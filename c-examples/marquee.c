/* Two quad alphanumeric backpacks (0x72 left, 0x73 right) chained into one 8-character
 * display: a number across both, then a message scrolling through them with the
 * non-blocking step call in the program's own loop. Usage: marquee [BUS] [TEXT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "7seg_bp_ada.h"

int main(int argc, char **argv)
{
	HT16K33_CHAIN sign;
	const uint8_t addresses[] = { 0x72, 0x73 };
	const char *text = argc > 2 ? argv[2] : "HELLO FROM LIGHTSEG";
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	int steps = 0;

	if (HT16K33_CHAIN_OPEN(&sign, argc > 1 ? atoi(argv[1]) : 1, HT16K33_ALPHANUMERIC,
			       addresses, 2) != 0 || HT16K33_CHAIN_ON(&sign) != 0) {
		printf("alphanumeric chain at 0x72, 0x73: %s\n", strerror(sign.lasterr));
		HT16K33_CHAIN_CLOSE(&sign);
		return 1;
	}
	HT16K33_CHAIN_PRINT_FLOAT(&sign, -273.15, 2);
	HT16K33_CHAIN_COMMIT(&sign);

	if (HT16K33_CHAIN_SCROLL_START(&sign, text, 150) != 0) {
		printf("scroll: %s\n", strerror(sign.lasterr));
		return 1;
	}
	/* One pass: the text's characters plus the 8 of the display. */
	while (steps < (int)strlen(text) + 8 - 1) {
		int shown = HT16K33_CHAIN_SCROLL_STEP(&sign);
		if (shown < 0) {
			printf("step: %s\n", strerror(sign.lasterr));
			return 1;
		}
		steps += shown;
		nanosleep(&tick, NULL); /* the program's other work */
	}
	HT16K33_CHAIN_CLEAR(&sign);
	HT16K33_CHAIN_COMMIT(&sign);
	HT16K33_CHAIN_CLOSE(&sign);
	printf("marquee: ok\n");
	return 0;
}
