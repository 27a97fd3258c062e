/* What to check when a device cannot be opened or does not answer, per errno: the
 * errors people meet first on a Raspberry Pi (the headers and the README list the same).
 * A small helper for the examples; copy it into your program if it helps. */
#ifndef LIGHTSEG_EXAMPLE_NEXT_STEP_H
#define LIGHTSEG_EXAMPLE_NEXT_STEP_H

#include <errno.h>
#include <stdio.h>

static inline void print_next_step(int error, int bus, unsigned address)
{
	switch (error) {
	case ENOENT:
		printf("next: /dev/i2c-%d does not exist. On a Raspberry Pi enable I2C (sudo "
		       "raspi-config, Interface Options, I2C; or dtparam=i2c_arm=on in "
		       "/boot/firmware/config.txt, then reboot) and sudo modprobe i2c-dev; "
		       "lightseg scan lists the buses there are\n", bus);
		break;
	case EACCES:
	case EPERM:
		printf("next: no permission on /dev/i2c-%d: sudo adduser $USER i2c, then log in "
		       "again\n", bus);
		break;
	case EBUSY:
		printf("next: a kernel driver owns 0x%02x (or the struct is open already): see "
		       "/sys/bus/i2c/devices/%d-%04x/driver; release it with echo %d-%04x | sudo "
		       "tee /sys/bus/i2c/devices/%d-%04x/driver/unbind\n",
		       address, bus, address, bus, address, bus, address);
		break;
	case EREMOTEIO:
	case ENXIO:
	case ENODEV:
		printf("next: nothing (or another chip) answered at 0x%02x on /dev/i2c-%d: check "
		       "the wiring (SDA, SCL, power, ground) and the address pin or jumpers; "
		       "lightseg scan --bus %d lists what answers\n", address, bus, bus);
		break;
	default:
		break;
	}
}

#endif
