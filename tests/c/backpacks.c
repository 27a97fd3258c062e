/* The HT16K33_CHAIN functions and the PRINT functions of the old struct at their edges,
 * on the emulated bus (c-examples/backpacks.toml). Modes:
 *   errors    every refusal: its errno, and the buffer left as it was
 *   scroll    HT16K33_CHAIN_SCROLL, 1000 steps of 100 ms on the chained alphanumerics
 *   step      HT16K33_CHAIN_SCROLL_START / _STEP from a loop that sleeps 7 ms
 *   seamless  HT16K33_CHAIN_SET_MARQUEE(1), then "H1" scrolled twice on the 0.56" with a
 *             custom glyph for 'H' (the test reads the steps from the report)
 * Prints "backpacks MODE: ok" or what failed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "7seg_bp_ada.h"

static int failures;

#define EXPECT(cond) do { if (!(cond)) { printf("line %d: %s failed\n", __LINE__, #cond); failures++; } } while (0)
/* A call that must fail with `code`, leaving `before` (a copy) unchanged. */
#define REFUSED(call, code, object, before) do { \
	int rc_ = (call); \
	EXPECT(rc_ == -1 && errno == (code)); \
	EXPECT(memcmp(&(object).display_buffer, &(before).display_buffer, sizeof (before).display_buffer) == 0); \
} while (0)
#define CHAIN_REFUSED(call, code, object) do { \
	HT16K33_CHAIN copy_ = (object); \
	int rc_ = (call); \
	EXPECT(rc_ == -1 && errno == (code) && (object).lasterr == (code)); \
	EXPECT(memcmp((object).ram, copy_.ram, sizeof copy_.ram) == 0); \
} while (0)

/* What OPEN remembers of each struct it filled is that struct's own: opening, failing
 * to open and closing one struct leaves another's EBUSY as it was, and a closed struct
 * opens again even when another struct has since been given its descriptor number. */
static void opened(void)
{
	HT16K33_CHAIN a, b, c, never, later;
	const uint8_t first[] = { 0x70 }, second[] = { 0x71 }, third[] = { 0x74 };

	memset(&never, 0, sizeof never);
	EXPECT(HT16K33_CHAIN_OPEN(&a, 1, HT16K33_SEG7, first, 1) == 0);
	EXPECT(HT16K33_CHAIN_OPEN(&b, 1, HT16K33_SEG7_LARGE, second, 1) == 0);
	EXPECT(HT16K33_CHAIN_OPEN(&c, 1, HT16K33_MATRIX8X8, third, 1) == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&a, 1, HT16K33_SEG7, first, 1), EBUSY, a);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&never, 1, HT16K33_SEG7, NULL, 1), EINVAL, never);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&b, 1, HT16K33_SEG7_LARGE, second, 1), EBUSY, b);
	HT16K33_CHAIN_CLOSE(&a);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&c, 1, HT16K33_MATRIX8X8, third, 1), EBUSY, c);
	/* `later` most likely gets the descriptor number `a` had, for the same address. */
	EXPECT(HT16K33_CHAIN_OPEN(&later, 1, HT16K33_SEG7, first, 1) == 0);
	EXPECT(HT16K33_CHAIN_OPEN(&a, 1, HT16K33_SEG7, first, 1) == 0);
	HT16K33_CHAIN_CLOSE(&a);
	HT16K33_CHAIN_CLOSE(&b);
	HT16K33_CHAIN_CLOSE(&c);
	HT16K33_CHAIN_CLOSE(&later);
	/* A struct whose descriptors the program overwrote closes none of them, and yet
	 * it opens again after CLOSE: CLOSE lets go of what OPEN gave it. */
	EXPECT(HT16K33_CHAIN_OPEN(&a, 1, HT16K33_SEG7, first, 1) == 0);
	c = a;
	memset(a.adapter_fds, 0xff, sizeof a.adapter_fds);
	HT16K33_CHAIN_CLOSE(&a);
	EXPECT(HT16K33_CHAIN_OPEN(&a, 1, HT16K33_SEG7, first, 1) == 0);
	HT16K33_CHAIN_CLOSE(&a);
	HT16K33_CHAIN_CLOSE(&c);
	EXPECT(c.lasterr == 0);
}

static void errors(void)
{
	HT16K33 display = HT16K33_INIT(1, HT16K33_ADDR_01);
	HT16K33 before;
	HT16K33_CHAIN sign, matrix;
	const uint8_t pair[] = { 0x72, 0x73 }, twice[] = { 0x72, 0x72 }, one[] = { 0x74 };
	const uint8_t row[] = { 0xFF };

	EXPECT(HT16K33_PRINT_TEXT(&display, "12:34") == 0);
	before = display;
	REFUSED(HT16K33_PRINT_INT(&display, 10000), ERANGE, display, before);
	REFUSED(HT16K33_PRINT_INT(&display, -1000), ERANGE, display, before);
	REFUSED(HT16K33_PRINT_FLOAT(&display, NAN, 2), EDOM, display, before);
	REFUSED(HT16K33_PRINT_FLOAT(&display, INFINITY, -1), EDOM, display, before);
	REFUSED(HT16K33_PRINT_FLOAT(&display, 99.996, 2), ERANGE, display, before);
	REFUSED(HT16K33_PRINT_HEX(&display, 0x10000), ERANGE, display, before);
	REFUSED(HT16K33_PRINT_TEXT(&display, "12345"), ERANGE, display, before);
	REFUSED(HT16K33_PRINT_TEXT(&display, "KM"), EILSEQ, display, before);
	REFUSED(HT16K33_PRINT_TEXT(&display, NULL), EINVAL, display, before);
	REFUSED(HT16K33_PRINT_TEXT(&display, "1\xff"), EILSEQ, display, before);
	REFUSED(HT16K33_PRINT_TIME(&display, 24 * 5, 0, 1), EINVAL, display, before);
	REFUSED(HT16K33_PRINT_TIME(&display, 12, 60, 1), EINVAL, display, before);
	REFUSED(HT16K33_SET_RAW(&display, 4, 0xFF), EINVAL, display, before);
	EXPECT(HT16K33_PRINT_TEXT((HT16K33 *)NULL, "1") == -1 && errno == EINVAL);

	/* Values at the edges: exact buffer bytes (glyphs 0x3F 0, 0x06 1, 0x40 '-'). */
	EXPECT(HT16K33_PRINT_INT(&display, -999) == 0);
	EXPECT(display.display_buffer.com[0] == 0x40 && display.display_buffer.com[4] == 0x6F);
	EXPECT(HT16K33_PRINT_FLOAT(&display, 9.996, 2) == 0);
	EXPECT(display.display_buffer.com[0] == 0x06 && display.display_buffer.com[1] == (0x3F | 0x80));
	EXPECT(HT16K33_PRINT_INT(&display, 0) == 0);
	EXPECT(display.display_buffer.com[3] == 0 && display.display_buffer.com[4] == 0x3F);
	EXPECT(HT16K33_PRINT_TEXT(&display, "") == 0);
	EXPECT(display.display_buffer.com[0] == 0 && display.display_buffer.com[4] == 0);
	EXPECT(HT16K33_SET_RAW(&display, 3, 0x80) == 0 && display.display_buffer.com[4] == 0x80);
	EXPECT(HT16K33_SET_COLON(&display, 1) == 0 && display.display_buffer.com[2] == 0x02);
	EXPECT(display.display_buffer.com[4] == 0x80);

	/* A closed chain: refused OPENs leave it as it is (tests/c/hostile.c checks every
	 * byte). */
	memset(&sign, 0, sizeof sign);
	memset(sign.adapter_fds, 0xFF, sizeof sign.adapter_fds);
	sign.count = 2;
	sign.kind = HT16K33_ALPHANUMERIC;
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, twice, 2) == -1 && errno == EINVAL);
	EXPECT(sign.adapter_fds[0] == -1 && sign.adapter_fds[1] == -1 && sign.lasterr == EINVAL);
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, pair, 0) == -1 && errno == EINVAL);
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, pair, 9) == -1 && errno == EINVAL);
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, (ht16k33backpack_t)8, pair, 2) == -1 && errno == EINVAL);
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, NULL, 2) == -1 && errno == EINVAL);
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 9, HT16K33_ALPHANUMERIC, pair, 2) == -1 && errno == ENOENT);
	EXPECT(HT16K33_CHAIN_ON(&sign) == -1 && errno == EBADF);
	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, pair, 2) == 0);
	EXPECT(HT16K33_CHAIN_PRINT_TEXT(&sign, "ABCDEFGH") == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_TEXT(&sign, "ABCDEFGHI"), ERANGE, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_TEXT(&sign, "\xc3\xa9"), EILSEQ, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_INT(&sign, 123456789), ERANGE, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_PIXEL(&sign, 0, 0, HT16K33_COLOR_RED), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_DOTS(&sign, 0, HT16K33_DOT_COLON), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_RAW(&sign, 8, 1), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&sign, "OK", 0), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_STEP(&sign), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_BLINK(&sign, (ht16k33blink_t)3), EINVAL, sign);
	EXPECT(HT16K33_CHAIN_PRINT_INT(&sign, -1234567) == 0);
	EXPECT(HT16K33_CHAIN_COMMIT(&sign) == 0);
	HT16K33_CHAIN_CLOSE(&sign);
	EXPECT(sign.adapter_fds[0] == -1 && sign.adapter_fds[1] == -1);
	EXPECT(HT16K33_CHAIN_COMMIT(&sign) == -1 && errno == EBADF);

	EXPECT(HT16K33_CHAIN_OPEN(&matrix, 1, HT16K33_MATRIX8X8, one, 1) == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_PIXEL(&matrix, 8, 0, HT16K33_COLOR_RED), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_PIXEL(&matrix, -1, 0, HT16K33_COLOR_RED), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_PIXEL(&matrix, 0, 0, (ht16k33color_t)4), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_TEXT(&matrix, "AB"), ERANGE, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_TEXT(&matrix, "\x7f"), EILSEQ, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_TEXT(&matrix, 0, 0, NULL, HT16K33_COLOR_RED), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_TEXT(&matrix, 0, 0, "A", (ht16k33color_t)-1), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_FILL(&matrix, (ht16k33color_t)4), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_LINE(&matrix, 0, 0, 40000, 0, HT16K33_COLOR_RED), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_RECT(&matrix, 0, 0, -1, 2, HT16K33_COLOR_RED, 1), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_RECT(&matrix, -4096, 0, 1, 2, HT16K33_COLOR_RED, 1), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_CIRCLE(&matrix, 3, 3, -1, HT16K33_COLOR_RED, 0), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_CIRCLE(&matrix, 3, 3, 4096, HT16K33_COLOR_RED, 0), EINVAL, matrix);
	/* Shapes far larger than the display: what is on it is drawn (a filled circle
	 * covering it all), at once. */
	EXPECT(HT16K33_CHAIN_DRAW_CIRCLE(&matrix, 3, 3, 4095, HT16K33_COLOR_GREEN, 1) == 0);
	EXPECT(matrix.ram[0][0] == 0xFF && matrix.ram[0][14] == 0xFF);
	EXPECT(HT16K33_CHAIN_FILL(&matrix, HT16K33_COLOR_OFF) == 0 && matrix.ram[0][14] == 0);
	/* Glyphs: refused for '.', ':', beyond ASCII, bits the kind lacks, a ninth, and on
	 * matrices; taken otherwise, and used by everything that lays text out. */
	CHAIN_REFUSED(HT16K33_CHAIN_SET_GLYPH(&matrix, 'A', 1), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_GLYPH(&sign, '.', 1), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_GLYPH(&sign, ':', 1), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_GLYPH(&sign, (char)0xE9, 1), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_GLYPH(&sign, 'A', 0x8000), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_GLYPH(&sign, 'A', -2), EINVAL, sign);
	EXPECT(HT16K33_CHAIN_SET_GLYPH(&sign, '~', 0x0001) == 0);
	EXPECT(sign.glyph_chars[0] == '~' && sign.glyph_patterns[0] == 0x0001);
	EXPECT(HT16K33_CHAIN_PRINT_TEXT(&sign, "~") == 0 && sign.ram[0][0] == 0x01);
	EXPECT(HT16K33_CHAIN_SET_GLYPH(&sign, '~', -1) == 0 && sign.glyph_chars[0] == 0);
	EXPECT(HT16K33_CHAIN_SET_MARQUEE(&sign, -2) == -1 && errno == EINVAL && sign.scroll_gap == -1);
	EXPECT(HT16K33_CHAIN_SET_MARQUEE(&sign, 256) == -1 && errno == EINVAL);
	/* The drawing calls are for matrices: the alphanumeric chain refuses them all. */
	CHAIN_REFUSED(HT16K33_CHAIN_FILL(&sign, HT16K33_COLOR_GREEN), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_LINE(&sign, 0, 0, 1, 1, HT16K33_COLOR_GREEN), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_RECT(&sign, 0, 0, 1, 1, HT16K33_COLOR_GREEN, 0), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_CIRCLE(&sign, 0, 0, 1, HT16K33_COLOR_GREEN, 0), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SHIFT(&sign, 1, 0, 0), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_TEXT(&sign, 0, 0, "A", HT16K33_COLOR_GREEN), EINVAL, sign);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_BAR(&matrix, 0, HT16K33_COLOR_RED), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_DRAW_BITMAP(&matrix, 0, 0, NULL, 8, 1, HT16K33_COLOR_RED), EINVAL, matrix);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_ROTATION(&matrix, 4), EINVAL, matrix);
	/* A bitmap partly off the display: the visible part is drawn. */
	EXPECT(HT16K33_CHAIN_DRAW_BITMAP(&matrix, 4, 7, row, 8, 1, HT16K33_COLOR_GREEN) == 0);
	EXPECT(HT16K33_CHAIN_ON(&matrix) == 0 && HT16K33_CHAIN_COMMIT(&matrix) == 0);
	HT16K33_CHAIN_CLOSE(&matrix);
	HT16K33_CHAIN_CLOSE(NULL);

	/* NULL: -1 and errno EINVAL, from every kind of call. */
	errno = 0;
	EXPECT(HT16K33_CHAIN_PRINT_INT(NULL, 1) == -1 && errno == EINVAL);
	errno = 0;
	EXPECT(HT16K33_CHAIN_COMMIT(NULL) == -1 && errno == EINVAL);
	errno = 0;
	EXPECT(HT16K33_CHAIN_SCROLL_STEP(NULL) == -1 && errno == EINVAL);
	errno = 0;
	EXPECT(HT16K33_CHAIN_OPEN(NULL, 1, HT16K33_SEG7, one, 1) == -1 && errno == EINVAL);
	opened();
}

/* 1000 steps: "LIGHTSEG ON" is 11 characters, 19 steps a cycle on 8: 53 cycles = 1007. */
static void scroll(void)
{
	HT16K33_CHAIN sign;
	const uint8_t pair[] = { 0x72, 0x73 };

	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, pair, 2) == 0);
	EXPECT(HT16K33_CHAIN_ON(&sign) == 0);
	EXPECT(HT16K33_CHAIN_SCROLL(&sign, "LIGHTSEG ON", 100, 53) == 0);
	HT16K33_CHAIN_CLOSE(&sign);
}

static void step(void)
{
	HT16K33_CHAIN sign;
	const uint8_t pair[] = { 0x72, 0x73 };
	const struct timespec busy = { 0, 7 * 1000 * 1000 };
	int shown = 0, rounds = 0, rc;

	EXPECT(HT16K33_CHAIN_OPEN(&sign, 1, HT16K33_ALPHANUMERIC, pair, 2) == 0);
	EXPECT(HT16K33_CHAIN_ON(&sign) == 0);
	EXPECT(HT16K33_CHAIN_SCROLL_START(&sign, "HELLO", 50) == 0);
	while (shown < 40) {
		rc = HT16K33_CHAIN_SCROLL_STEP(&sign);
		EXPECT(rc == 0 || rc == 1);
		if (rc < 0)
			break;
		shown += rc;
		rounds++;
		nanosleep(&busy, NULL);
	}
	EXPECT(sign.scroll_step == 40);
	EXPECT(rounds > 200);

	/* Started again a second later: its steps count from the new start. */
	sleep(1);
	EXPECT(HT16K33_CHAIN_SCROLL_START(&sign, "HELLO", 50) == 0);
	EXPECT(HT16K33_CHAIN_SCROLL_STEP(&sign) == 0 && sign.scroll_step == 0);
	nanosleep(&busy, NULL);
	EXPECT(HT16K33_CHAIN_SCROLL_STEP(&sign) == 0);
	while (HT16K33_CHAIN_SCROLL_STEP(&sign) == 0)
		nanosleep(&busy, NULL);
	EXPECT(sign.scroll_step == 1);
	HT16K33_CHAIN_CLOSE(&sign);
}

static void seamless(void)
{
	HT16K33_CHAIN digits;
	const uint8_t address[] = { 0x70 };

	EXPECT(HT16K33_CHAIN_OPEN(&digits, 1, HT16K33_SEG7, address, 1) == 0);
	EXPECT(digits.scroll_gap == -1 && digits.glyph_chars[0] == 0);
	EXPECT(HT16K33_CHAIN_ON(&digits) == 0);
	EXPECT(HT16K33_CHAIN_SET_MARQUEE(&digits, 1) == 0 && digits.scroll_gap == 1);
	/* An H with a top bar (0x76 | 0x01), so that the steps can be told apart. */
	EXPECT(HT16K33_CHAIN_SET_GLYPH(&digits, 'H', 0x77) == 0);
	EXPECT(HT16K33_CHAIN_SCROLL(&digits, "H1", 100, 2) == 0);
	HT16K33_CHAIN_CLOSE(&digits);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "errors";

	if (strcmp(mode, "scroll") == 0)
		scroll();
	else if (strcmp(mode, "step") == 0)
		step();
	else if (strcmp(mode, "seamless") == 0)
		seamless();
	else
		errors();
	printf("backpacks %s: %s\n", mode, failures ? "FAILED" : "ok");
	return failures != 0;
}
