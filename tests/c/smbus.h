/* One I2C_SMBUS ioctl, as the old i2c-dev.h helpers made it: for the test programs that
 * talk to i2c-dev directly, without lightseg. */
#ifndef LIGHTSEG_TESTS_SMBUS_H
#define LIGHTSEG_TESTS_SMBUS_H

#include <sys/ioctl.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>

static inline int smbus(int fd, char read_write, unsigned char command, int size,
			union i2c_smbus_data *data)
{
	struct i2c_smbus_ioctl_data args;

	args.read_write = read_write;
	args.command = command;
	args.size = (unsigned)size;
	args.data = data;
	return ioctl(fd, I2C_SMBUS, &args);
}

#endif
