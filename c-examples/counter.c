/* A clock on the backpack: HH:MM from the wall clock, then a seconds counter, with the
 * HT16K33 struct passed by value to helper functions (usage pattern 4). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

static HT16K33 setup(int adapter)
{
	HT16K33 backpack = HT16K33_INIT(adapter, HT16K33_ADDR_01);

	if (HT16K33_OPEN(&backpack) == 0) {
		HT16K33_ON(&backpack);
		HT16K33_BRIGHTNESS(&backpack, 8);
		HT16K33_BLINK(&backpack, HT16K33_BLINK_OFF);
		HT16K33_DISPLAY(&backpack, HT16K33_DISPLAY_ON);
	}
	return backpack;
}

/* Works on its own copy: all the state it needs is in the struct. */
static int show_number(HT16K33 backpack, unsigned value, int colon)
{
	HT16K33_UPDATE_DIGIT(&backpack, 0, (value / 1000) % 10, 0);
	HT16K33_UPDATE_DIGIT(&backpack, 1, (value / 100) % 10, 0);
	HT16K33_UPDATE_DIGIT(&backpack, 2, colon ? HT16K33_COLON_ON : HT16K33_COLON_OFF, 0);
	HT16K33_UPDATE_DIGIT(&backpack, 3, (value / 10) % 10, 0);
	HT16K33_UPDATE_DIGIT(&backpack, 4, value % 10, 0);
	if (HT16K33_COMMIT(&backpack) != 0) {
		printf("commit: %s\n", strerror(backpack.lasterr));
		return -1;
	}
	return 0;
}

int main(void)
{
	HT16K33 backpack = setup(1);
	time_t now = time(NULL);
	struct tm local;
	unsigned tick;

	if (backpack.adapter_fd < 0) {
		printf("open: %s\n", strerror(backpack.lasterr));
		return 1;
	}
	localtime_r(&now, &local);
	if (show_number(backpack, (unsigned)(local.tm_hour * 100 + local.tm_min), 1) != 0)
		return 1;
	sleep(1);
	for (tick = 1; tick <= 5; tick++) {
		if (show_number(backpack, tick, 0) != 0)
			return 1;
		sleep(1);
	}
	HT16K33_OFF(&backpack);
	HT16K33_CLOSE(&backpack);
	printf("counter: counted to %u\n", tick - 1);
	return 0;
}
