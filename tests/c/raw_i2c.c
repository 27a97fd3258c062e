/* Talks to the chips the way the old drivers did, without lightseg: raw write+read for
 * the TSL2561, an SMBus I2C-block write with size 6 (I2C_SMBUS_I2C_BLOCK_BROKEN, what the
 * old i2c-dev.h helpers sent) for the HT16K33, plus I2C_RDWR and I2C_FUNCS. Prints what
 * it read, for the emulator's tests. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include "smbus.h"

int main(void)
{
	unsigned char power_on[2] = { 0x80, 0x03 }, command = 0x80 | 0x20 | 0x0C;
	unsigned char low_high[2] = { 0, 0 }, ram[16];
	unsigned long funcs = 0;
	union i2c_smbus_data data;
	struct i2c_msg msgs[2];
	struct i2c_rdwr_ioctl_data rdwr;
	int fd, i;

	fd = open("/dev/i2c-1", O_RDWR);
	if (fd < 0 || ioctl(fd, I2C_FUNCS, &funcs) < 0 || ioctl(fd, I2C_SLAVE, 0x39) < 0) {
		perror("setup");
		return 1;
	}
	printf("funcs i2c=%d i2c_block_write=%d\n", (funcs & I2C_FUNC_I2C) != 0,
	       (funcs & I2C_FUNC_SMBUS_WRITE_I2C_BLOCK) != 0);
	/* Old TSL2561 driver: TIMING 402 ms 16x, power on, sleep, command then raw read. */
	unsigned char timing[2] = { 0x81, 0x12 };
	if (write(fd, timing, 2) != 2 || write(fd, power_on, 2) != 2)
		perror("write");
	usleep(450000);
	if (write(fd, &command, 1) != 1 || read(fd, low_high, 2) != 2)
		perror("read");
	printf("tsl2561 ch0=%u\n", (unsigned)(low_high[0] | (low_high[1] << 8)));

	/* Old backpack driver: SMBus I2C block write, size 6, 16 bytes at command 0. */
	if (ioctl(fd, I2C_SLAVE, 0x70) < 0) {
		perror("slave");
		return 1;
	}
	memset(&data, 0, sizeof(data));
	data.block[0] = 16;
	for (i = 0; i < 16; i++)
		data.block[1 + i] = (unsigned char)(i + 1);
	if (smbus(fd, I2C_SMBUS_WRITE, 0x00, I2C_SMBUS_I2C_BLOCK_BROKEN, &data) < 0)
		perror("block write");
	if (smbus(fd, I2C_SMBUS_WRITE, 0x21, I2C_SMBUS_BYTE, NULL) < 0)
		perror("wakeup");

	/* Read the RAM back with a combined I2C_RDWR transfer. */
	command = 0x00;
	msgs[0].addr = 0x70; msgs[0].flags = 0; msgs[0].len = 1; msgs[0].buf = &command;
	msgs[1].addr = 0x70; msgs[1].flags = I2C_M_RD; msgs[1].len = 16; msgs[1].buf = ram;
	rdwr.msgs = msgs;
	rdwr.nmsgs = 2;
	if (ioctl(fd, I2C_RDWR, &rdwr) != 2)
		perror("rdwr");
	printf("ht16k33 ram");
	for (i = 0; i < 16; i++)
		printf(" %u", ram[i]);
	printf("\n");
	close(fd);
	return 0;
}
