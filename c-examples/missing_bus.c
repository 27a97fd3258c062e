/* Error handling: a bus that does not exist, a sensor nobody answers for, and calls
 * on a closed device, each reported with strerror(lasterr). Exits 0 when every error
 * was reported as expected. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "TSL2561.h"
#include "7seg_bp_ada.h"
#include "next_step.h"

/* How the kernel says "nobody acknowledged the address" depends on the I2C controller:
 * EREMOTEIO on the Raspberry Pi's, ENXIO on most others, ENODEV on i2c-stub. */
#define NO_ANSWER (-1)

static int is_no_answer(int error)
{
	return error == EREMOTEIO || error == ENXIO || error == ENODEV;
}

static int expect(const char *what, int rc, int lasterr, int wanted)
{
	int as_wanted = wanted == NO_ANSWER ? is_no_answer(lasterr) : lasterr == wanted;

	printf("%s: rc %d, %s\n", what, rc, strerror(lasterr));
	return !(rc == -1 && as_wanted);
}

/* Each call first, then its lasterr: argument evaluation order is unspecified. */
#define EXPECT(what, call, object, wanted) do { \
	int rc_ = (call); \
	bad += expect(what, rc_, (object).lasterr, wanted); \
} while (0)

int main(void)
{
	TSL2561 nowhere = TSL2561_INIT(7, TSL2561_ADDR_FLOAT);
	TSL2561 unplugged = TSL2561_INIT(1, 0x2A);
	HT16K33 closed = HT16K33_INIT(1, HT16K33_ADDR_01);
	uint16_t full = 0, ir = 0;
	uint32_t lux = 0;
	int bad = 0;

	EXPECT("open /dev/i2c-7", TSL2561_OPEN(&nowhere), nowhere, ENOENT);
	print_next_step(nowhere.lasterr, nowhere.adapter_nr, nowhere.sensor_addr);
	EXPECT("open sensor 0x2a", TSL2561_OPEN(&unplugged), unplugged, NO_ANSWER);
	print_next_step(unplugged.lasterr, unplugged.adapter_nr, unplugged.sensor_addr);
	EXPECT("read closed sensor", TSL2561_SENSELIGHT(&unplugged, &full, &ir, &lux, 0),
	       unplugged, EBADF);
	EXPECT("commit closed display", HT16K33_COMMIT(&closed), closed, EBADF);
	EXPECT("bad digit", HT16K33_UPDATE_DIGIT(&closed, 9, 1, 0), closed, EINVAL);
	printf("missing_bus: %s\n", bad ? "unexpected results" : "all errors reported");
	return bad ? 1 : 0;
}
