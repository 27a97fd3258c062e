/* The calls of python/tests/same_as_c.py, through the C API: tests/python.rs runs both on
 * python/tests/scene.toml and compares what reached the bus and what was read. Prints
 * the readings as the Python script does. */
#include <stdio.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"

static int failures;

#define EXPECT(cond) do { if (!(cond)) { printf("line %d: %s failed\n", __LINE__, #cond); failures++; } } while (0)

/* What the Python Display constructor does: open, switch on, blank. */
static void open_display(HT16K33_CHAIN *chain, ht16k33backpack_t kind, const uint8_t *addresses,
			 int count)
{
	EXPECT(HT16K33_CHAIN_OPEN(chain, 1, kind, addresses, count) == 0);
	EXPECT(HT16K33_CHAIN_ON(chain) == 0);
	EXPECT(HT16K33_CHAIN_CLEAR(chain) == 0 && HT16K33_CHAIN_COMMIT(chain) == 0);
}

int main(void)
{
	TSL2561 sensor = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);
	uint16_t full, ir;
	uint32_t lux;
	double range_lux;
	HT16K33_CHAIN digits, sign, matrix;
	const uint8_t seg7[] = { 0x70 }, pair[] = { 0x72, 0x73 }, wide[] = { 0x76 };

	EXPECT(TSL2561_OPEN(&sensor) == 0);
	EXPECT(TSL2561_SENSELIGHT(&sensor, &full, &ir, &lux, 0) == 0);
	printf("read %u %u\n", full, ir);
	EXPECT(TSL2561_SENSELUX(&sensor, &range_lux, NULL, NULL) == 0);
	printf("full range %.4f\n", range_lux);
	TSL2561_CLOSE(&sensor);

	open_display(&digits, HT16K33_SEG7, seg7, 1);
	EXPECT(HT16K33_CHAIN_PRINT_FLOAT(&digits, 21.5, 1) == 0 && HT16K33_CHAIN_COMMIT(&digits) == 0);
	EXPECT(HT16K33_CHAIN_PRINT_TEXT(&digits, "1:23") == 0 && HT16K33_CHAIN_COMMIT(&digits) == 0);
	EXPECT(HT16K33_CHAIN_PRINT_HEX(&digits, 0xBEEF) == 0 && HT16K33_CHAIN_COMMIT(&digits) == 0);
	HT16K33_CHAIN_CLOSE(&digits);

	open_display(&sign, HT16K33_ALPHANUMERIC, pair, 2);
	EXPECT(HT16K33_CHAIN_PRINT_FLOAT(&sign, -273.15, 2) == 0 && HT16K33_CHAIN_COMMIT(&sign) == 0);
	EXPECT(HT16K33_CHAIN_SCROLL(&sign, "HI", 50, 1) == 0);
	HT16K33_CHAIN_CLOSE(&sign);

	open_display(&matrix, HT16K33_MATRIX16X8, wide, 1);
	EXPECT(HT16K33_CHAIN_DRAW_RECT(&matrix, 0, 0, 16, 8, HT16K33_COLOR_GREEN, 0) == 0 &&
	       HT16K33_CHAIN_COMMIT(&matrix) == 0);
	EXPECT(HT16K33_CHAIN_DRAW_CIRCLE(&matrix, 4, 3, 2, HT16K33_COLOR_GREEN, 1) == 0 &&
	       HT16K33_CHAIN_COMMIT(&matrix) == 0);
	EXPECT(HT16K33_CHAIN_SHIFT(&matrix, -1, 0, 1) == 0 && HT16K33_CHAIN_COMMIT(&matrix) == 0);
	EXPECT(HT16K33_CHAIN_PRINT_TEXT(&matrix, "Hi!") == 0 && HT16K33_CHAIN_COMMIT(&matrix) == 0);
	HT16K33_CHAIN_CLOSE(&matrix);
	return failures != 0;
}
