/* The 7-segment backpack: switch on, set brightness, blink and display state, write
 * five positions, commit, then every HT16K33_SAY_* word (usage pattern 3). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

static int check(const char *what, int rc, const HT16K33 *backpack)
{
	if (rc != 0)
		printf("%s: %s\n", what, strerror(backpack->lasterr));
	return rc != 0;
}

int main(void)
{
	HT16K33 led_backpack1 = HT16K33_INIT(1, HT16K33_ADDR_01);
	int failures = 0;

	if (check("open", HT16K33_OPEN(&led_backpack1), &led_backpack1))
		return 1;
	failures += check("on", HT16K33_ON(&led_backpack1), &led_backpack1);
	failures += check("brightness", HT16K33_BRIGHTNESS(&led_backpack1, 0x0F), &led_backpack1);
	failures += check("blink", HT16K33_BLINK(&led_backpack1, HT16K33_BLINK_OFF), &led_backpack1);
	failures += check("display", HT16K33_DISPLAY(&led_backpack1, HT16K33_DISPLAY_ON), &led_backpack1);

	HT16K33_UPDATE_DIGIT(&led_backpack1, 0, 1, 0);
	HT16K33_UPDATE_DIGIT(&led_backpack1, 1, 2, 1);
	HT16K33_UPDATE_DIGIT(&led_backpack1, 2, HT16K33_COLON_ON, 0);
	HT16K33_UPDATE_DIGIT(&led_backpack1, 3, 3, 0);
	HT16K33_UPDATE_DIGIT(&led_backpack1, 4, 4, 0);
	failures += check("commit", HT16K33_COMMIT(&led_backpack1), &led_backpack1);
	sleep(1);

	HT16K33_SAY_HELLO(&led_backpack1);
	sleep(1);
	HT16K33_SAY_NO(&led_backpack1);
	sleep(1);
	HT16K33_SAY_YES(&led_backpack1);
	sleep(1);
	HT16K33_SAY_PLAY(&led_backpack1);
	sleep(1);
	HT16K33_SAY_HELP(&led_backpack1);
	sleep(1);
	HT16K33_SAY_YOU(&led_backpack1);
	sleep(1);
	HT16K33_SAY_COOL(&led_backpack1)
	failures += led_backpack1.lasterr != 0;

	HT16K33_CLOSE(&led_backpack1);
	printf("hello_display: %s\n", failures ? "failed" : "done");
	return failures ? 1 : 0;
}
