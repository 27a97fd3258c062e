/* The promise of every refusal, tried as a hostile program would: a call that returns -1
 * for a reason it can see before it sends (EINVAL, EBADF, EBUSY, ERANGE, EILSEQ) sends
 * nothing and leaves the struct as it was beyond `lasterr`. Counts the transfers with
 * the emulator's lightseg_sim_transfers(), so it runs only under the emulator, on
 * c-examples/backpacks.toml. Modes:
 *   refusals     the chain, print, scroll, START/COLLECT, SENSEALL and interrupt calls
 *   partial      HT16K33_CHAIN_OPEN failing at its second backpack (a scene where
 *                0x71 is owned by a kernel driver): nothing left open
 *   stepfail     SCROLL_START whose step 0 fails on the bus (nobody at 0x7E): no scroll
 * Prints "hostile MODE: ok" or what failed. Built as C and C++, shared and static,
 * with AddressSanitizer and UndefinedBehaviorSanitizer, and run under memcheck. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_DEFAULT */
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

static int failures;
static uint64_t (*transfers)(void);

#define EXPECT(cond) do { if (!(cond)) { printf("line %d: %s failed\n", __LINE__, #cond); failures++; } } while (0)

/* Whether two structs hold the same values in every field but lasterr (fields, not
 * bytes: padding bytes have no defined value). */
static int same_chain(const HT16K33_CHAIN *a, const HT16K33_CHAIN *b)
{
	return a->adapter_nr == b->adapter_nr && a->kind == b->kind && a->count == b->count &&
		memcmp(a->addresses, b->addresses, sizeof a->addresses) == 0 &&
		memcmp(a->adapter_fds, b->adapter_fds, sizeof a->adapter_fds) == 0 &&
		a->rotation == b->rotation && memcmp(a->ram, b->ram, sizeof a->ram) == 0 &&
		a->scroll_step_ms == b->scroll_step_ms && a->scroll_step == b->scroll_step &&
		a->scroll_start_ns == b->scroll_start_ns &&
		memcmp(a->scroll_text, b->scroll_text, sizeof a->scroll_text) == 0 &&
		a->scroll_gap == b->scroll_gap &&
		memcmp(a->glyph_chars, b->glyph_chars, sizeof a->glyph_chars) == 0 &&
		memcmp(a->glyph_patterns, b->glyph_patterns, sizeof a->glyph_patterns) == 0;
}

static int same_display(const HT16K33 *a, const HT16K33 *b)
{
	return a->adapter_nr == b->adapter_nr && a->adapter_fd == b->adapter_fd &&
		a->driver_addr == b->driver_addr && a->display_state == b->display_state &&
		a->blink_state == b->blink_state && a->brightness == b->brightness &&
		memcmp(a->display_buffer.com, b->display_buffer.com, sizeof a->display_buffer.com) == 0;
}

static int same_sensor(const TSL2561 *a, const TSL2561 *b)
{
	return a->adapter_nr == b->adapter_nr && a->integration_time == b->integration_time &&
		a->gain == b->gain && a->adapter_fd == b->adapter_fd &&
		a->sensor_addr == b->sensor_addr && memcmp(a->buf, b->buf, sizeof a->buf) == 0;
}

/* `call` must return -1 with `code` in errno and lasterr, send nothing, and leave
 * `object` as it was but for lasterr (`same` compares two of its kind). */
#define REFUSED(call, code, object, same) do { \
	__typeof__(object) before_ = (object); \
	uint64_t sent_ = transfers(); \
	int rc_ = (call); \
	int errno_ = errno; \
	EXPECT(rc_ == -1 && errno_ == (code) && (object).lasterr == (code)); \
	if (rc_ != -1 || errno_ != (code)) printf("  rc %d, errno %d (%s)\n", rc_, errno_, strerror(errno_)); \
	EXPECT(transfers() == sent_); \
	EXPECT(same(&(object), &before_)); \
} while (0)
#define CHAIN_REFUSED(call, code, chain) REFUSED(call, code, chain, same_chain)
#define DISPLAY_REFUSED(call, code, display) REFUSED(call, code, display, same_display)
#define SENSOR_REFUSED(call, code, sensor) REFUSED(call, code, sensor, same_sensor)

/* Open descriptors of this process. */
static int open_descriptors(void)
{
	int count = 0;
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while (readdir(dir))
		count++;
	closedir(dir);
	return count;
}

static void chains(void)
{
	HT16K33_CHAIN chain, other;
	const uint8_t three[] = { 0x72, 0x73, 0x70 }, nine[9] = { 0x70 }, pair[] = { 0x72, 0x73 };
	const uint8_t large[] = { 0x71 }, small[] = { 0x70 };
	char long_text[HT16K33_SCROLL_TEXT_MAX + 2];
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);
	int fds, slot1, reopened;

	memset(&chain, 0xA5, sizeof chain); /* a struct never opened holds anything */
	EXPECT(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, three, 2) == 0);
	EXPECT(HT16K33_CHAIN_ON(&chain) == 0);
	EXPECT(HT16K33_CHAIN_PRINT_TEXT(&chain, "OPEN") == 0);
	EXPECT(HT16K33_CHAIN_COMMIT(&chain) == 0);

	/* 3. Opening an open chain again, accepted or refused arguments: EBUSY, nothing
	 * leaked, the chain as it was. */
	fds = open_descriptors();
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, nine, 9), EBUSY, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, pair, 2), EBUSY, chain);
	EXPECT(open_descriptors() == fds);
	EXPECT(HT16K33_CHAIN_COMMIT(&chain) == 0);

	/* 4. A bit the alphanumeric lacks. */
	CHAIN_REFUSED(HT16K33_CHAIN_SET_RAW(&chain, 0, 0x8000), EINVAL, chain);
	EXPECT(HT16K33_CHAIN_SET_RAW(&chain, 0, 0x7FFF) == 0);

	/* 5. Both scroll calls refuse text past HT16K33_SCROLL_TEXT_MAX; exactly that many
	 * bytes scroll. */
	memset(long_text, 'A', sizeof long_text);
	long_text[HT16K33_SCROLL_TEXT_MAX + 1] = '\0';
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL(&chain, long_text, 10, 1), ERANGE, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&chain, long_text, 10), ERANGE, chain);
	long_text[HT16K33_SCROLL_TEXT_MAX] = '\0';
	EXPECT(HT16K33_CHAIN_SCROLL_START(&chain, long_text, 10) == 0);
	EXPECT(strlen(chain.scroll_text) == HT16K33_SCROLL_TEXT_MAX);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&chain, "HI", 0), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&chain, NULL, 10), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&chain, "\xff", 10), EILSEQ, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL(&chain, "HI", 10, 0), EINVAL, chain);

	/* 1. After CLOSE, nothing is sent and the struct keeps its scroll. */
	HT16K33_CHAIN_CLOSE(&chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&chain, "OTHER TEXT", 7), EBADF, chain);
	EXPECT(chain.scroll_step_ms == 10);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_STEP(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_ON(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_COMMIT(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_BLINK(&chain, (ht16k33blink_t)5), EINVAL, chain); /* the argument first */
	/* On a closed chain a refused OPEN changes nothing either. */
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, nine, 9), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 1, (ht16k33backpack_t)42, pair, 2), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, NULL, 2), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 7, HT16K33_ALPHANUMERIC, pair, 2), ENOENT, chain);

	/* 2. A chain whose middle descriptor is not the one the library opened: found
	 * before the first backpack is sent anything. */
	EXPECT(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_SEG7, three + 1, 2) == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_STEP(&chain), EINVAL, chain); /* no scroll started */
	other = chain;
	HT16K33_CHAIN_CLOSE(&other); /* a copy closes the chain's descriptors */
	EXPECT(other.adapter_fds[0] == -1);
	EXPECT(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, three, 3) == 0);
	slot1 = chain.adapter_fds[1];
	reopened = open("/dev/i2c-1", O_RDWR); /* the program's own open, at slot 1's number */
	EXPECT(reopened >= 0 && dup2(reopened, slot1) == slot1);
	close(reopened);
	reopened = slot1;
	CHAIN_REFUSED(HT16K33_CHAIN_ON(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_COMMIT(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_BRIGHTNESS(&chain, 3), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL_START(&chain, "HELLO", 5), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SCROLL(&chain, "HELLO", 5, 1), EBADF, chain);
	close(reopened);
	/* A sensor's descriptor in slot 1. */
	EXPECT(TSL2561_OPEN(&sensor) == 0);
	chain.adapter_fds[1] = sensor.adapter_fd;
	chain.addresses[1] = sensor.sensor_addr;
	CHAIN_REFUSED(HT16K33_CHAIN_ON(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_OFF(&chain), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_BLINK(&chain, HT16K33_BLINK_SLOW), EBADF, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_COMMIT(&chain), EBADF, chain);
	chain.adapter_fds[1] = -1;
	HT16K33_CHAIN_CLOSE(&chain);
	TSL2561_CLOSE(&sensor);

	/* The dots a backpack does not have; text with a colon it cannot light. */
	EXPECT(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_SEG7_LARGE, large, 1) == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_DOTS(&chain, 0, 0x81), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_DOTS(&chain, 0, 0xE1), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_DOTS(&chain, 1, HT16K33_DOT_COLON), EINVAL, chain);
	EXPECT(HT16K33_CHAIN_SET_DOTS(&chain, 0, HT16K33_DOT_COLON | HT16K33_DOT_LEFT_UPPER |
		HT16K33_DOT_LEFT_LOWER | HT16K33_DOT_UPPER) == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_TEXT(&chain, "1::2"), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_PRINT_TEXT(&chain, ":12"), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_RAW(&chain, 0, 0x100), EINVAL, chain);
	HT16K33_CHAIN_CLOSE(&chain);
	EXPECT(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_SEG7, small, 1) == 0);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_DOTS(&chain, 0, HT16K33_DOT_UPPER), EINVAL, chain);
	CHAIN_REFUSED(HT16K33_CHAIN_SET_DOTS(&chain, 0, HT16K33_DOT_LEFT_UPPER), EINVAL, chain);
	EXPECT(HT16K33_CHAIN_SET_DOTS(&chain, 0, HT16K33_DOT_COLON) == 0);
	HT16K33_CHAIN_CLOSE(&chain);
}

static void old_display(void)
{
	HT16K33 display = HT16K33_INIT(1, HT16K33_ADDR_01);
	EXPECT(HT16K33_OPEN(&display) == 0);
	DISPLAY_REFUSED(HT16K33_OPEN(&display), EBUSY, display);
	DISPLAY_REFUSED(HT16K33_PRINT_TEXT(&display, "1::2"), EINVAL, display);
	DISPLAY_REFUSED(HT16K33_PRINT_TEXT(&display, "12345"), ERANGE, display);
	DISPLAY_REFUSED(HT16K33_BLINK(&display, (ht16k33blink_t)9), EINVAL, display);
	HT16K33_CLOSE(&display);
	DISPLAY_REFUSED(HT16K33_COMMIT(&display), EBADF, display);
}

static void sensors(void)
{
	TSL2561 pair[2] = { TSL2561_INITIALIZER(1, TSL2561_ADDR_LOW),
		TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT) };
	TSL2561 twice[2], copy[2];
	double lux[2] = { 1.5, 2.5 };
	uint16_t full = 7, ir = 7;
	double one = 7;
	uint32_t wait_us = 7;
	uint64_t sent;

	EXPECT(TSL2561_OPEN(&pair[0]) == 0);
	EXPECT(TSL2561_OPEN(&pair[1]) == 0);

	/* The interrupt: a window turned inside out, a persistence out of range. */
	SENSOR_REFUSED(TSL2561_SETINTERRUPT(&pair[0], 1000, 10, 3), EINVAL, pair[0]);
	SENSOR_REFUSED(TSL2561_SETINTERRUPT(&pair[0], 10, 1000, 16), EINVAL, pair[0]);
	SENSOR_REFUSED(TSL2561_SETINTERRUPT(&pair[0], 10, 1000, -2), EINVAL, pair[0]);
	EXPECT(TSL2561_SETINTERRUPT(&pair[0], 1000, 10, 0) == 0); /* every conversion */
	EXPECT(TSL2561_SETINTERRUPT(&pair[0], 0, 0, -1) == 0);

	/* START/COLLECT on bad settings or a closed struct. */
	pair[1].gain = (tsl2561Gain_t)3;
	SENSOR_REFUSED(TSL2561_START(&pair[1]), EINVAL, pair[1]);
	SENSOR_REFUSED(TSL2561_COLLECT(&pair[1], &full, &ir, &one, &wait_us), EINVAL, pair[1]);
	EXPECT(full == 7 && ir == 7 && one == 7 && wait_us == 7);
	pair[1].gain = TSL2561_GAIN_16X;

	/* SENSEALL: one chip twice is refused before anything is sent. */
	twice[0] = pair[1];
	twice[1] = pair[1];
	memcpy(copy, twice, sizeof copy);
	sent = transfers();
	EXPECT(TSL2561_SENSEALL(twice, 2, lux) == -1 && errno == EINVAL);
	EXPECT(transfers() == sent && lux[0] == 1.5 && lux[1] == 2.5);
	EXPECT(same_sensor(&copy[0], &twice[0]) && same_sensor(&copy[1], &twice[1]));
	EXPECT(TSL2561_SENSEALL(pair, 0, lux) == -1 && errno == EINVAL && transfers() == sent);
	EXPECT(TSL2561_SENSEALL(pair, 2, NULL) == -1 && errno == EINVAL && transfers() == sent);

	/* A sensor whose START fails: its errno for the call, NaN for it, the other read. */
	TSL2561_CLOSE(&pair[0]);
	EXPECT(TSL2561_SENSEALL(pair, 2, lux) == -1 && errno == EBADF);
	EXPECT(isnan(lux[0]) && pair[0].lasterr == EBADF);
	EXPECT(!isnan(lux[1]) && lux[1] > 0);
	/* The errno is the first failed sensor's in the array. */
	pair[1].gain = (tsl2561Gain_t)3;
	pair[0].lasterr = 0;
	EXPECT(TSL2561_SENSEALL(pair, 2, lux) == -1 && errno == EBADF);
	EXPECT(isnan(lux[1]) && pair[1].lasterr == EINVAL);
	pair[1].gain = TSL2561_GAIN_16X;
	TSL2561_CLOSE(&pair[1]);
	SENSOR_REFUSED(TSL2561_START(&pair[1]), EBADF, pair[1]);
	SENSOR_REFUSED(TSL2561_SETINTERRUPT(&pair[1], 10, 1000, 3), EBADF, pair[1]);
	SENSOR_REFUSED(TSL2561_CLEARINTERRUPT(&pair[1]), EBADF, pair[1]);
}

static void partial(void)
{
	HT16K33_CHAIN chain;
	const uint8_t two[] = { 0x70, 0x71 };
	int fds = open_descriptors();
	memset(&chain, 0, sizeof chain);
	chain.adapter_fds[0] = chain.adapter_fds[1] = -1;
	CHAIN_REFUSED(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_SEG7, two, 2), EBUSY, chain);
	EXPECT(open_descriptors() == fds);
}

static void stepfail(void)
{
	HT16K33_CHAIN chain;
	const uint8_t absent[] = { 0x7E };
	uint64_t sent;
	EXPECT(HT16K33_CHAIN_OPEN(&chain, 1, HT16K33_ALPHANUMERIC, absent, 1) == 0);
	HT16K33_CHAIN before = chain;
	sent = transfers();
	int rc = HT16K33_CHAIN_SCROLL_START(&chain, "HELLO", 10);
	EXPECT(rc == -1 && transfers() > sent); /* it tried, and the bus said no */
	EXPECT(same_chain(&chain, &before));
	EXPECT(HT16K33_CHAIN_SCROLL_STEP(&chain) == -1 && errno == EINVAL);
	HT16K33_CHAIN_CLOSE(&chain);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "refusals";
	*(void **)&transfers = dlsym(RTLD_DEFAULT, "lightseg_sim_transfers");
	if (!transfers) {
		printf("hostile: run it under the emulator (LD_PRELOAD=liblightseg_sim.so)\n");
		return 2;
	}
	if (strcmp(mode, "refusals") == 0) {
		chains();
		old_display();
		sensors();
	} else if (strcmp(mode, "partial") == 0) {
		partial();
	} else if (strcmp(mode, "stepfail") == 0) {
		stepfail();
	} else {
		printf("usage: hostile [refusals|partial|stepfail]\n");
		return 2;
	}
	if (failures) {
		printf("hostile %s: %d failed\n", mode, failures);
		return 1;
	}
	printf("hostile %s: ok\n", mode);
	return 0;
}
