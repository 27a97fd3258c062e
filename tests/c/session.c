/* Programs that share one emulated bus (docs/EMULATOR.md, "One bus for every process"),
 * for tests/session.rs. Each mode is one program of a session:
 *   power-on ADDR       powers a TSL2561 on, waits 450 ms and exits, leaving it powered
 *   read-data ADDR      reads its two channels at once (no power-on, no wait)
 *   writer N            writes the 0.56" backpack's 16 RAM bytes N times, all k each time
 *   reader SECONDS      reads the 16 RAM bytes until it has seen the writer's (two
 *                       patterns, or one for 2000 reads) or SECONDS have passed; fails
 *                       on a read that is not one pattern
 *   parent              runs `busy-child` (100 ms asleep, then 50 ms of CPU time) and
 *                       waits for its line on a pipe with poll
 *   fork                a forked child writes the 0.56" backpack's RAM, the parent
 *                       reads it after the child has exited
 *   sleeper MS COUNT    COUNT times: sleeps MS, then sets the brightness of the 0.56"
 *                       backpack to the count so far
 * Without arguments it runs every mode once. Times printed are the monotonic clock in
 * ms. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include "smbus.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int open_at(int address)
{
	int fd = open("/dev/i2c-1", O_RDWR);

	if (fd < 0 || ioctl(fd, I2C_SLAVE, address) < 0) {
		perror("open /dev/i2c-1");
		exit(1);
	}
	return fd;
}

static void sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void command_byte(int fd, unsigned char command)
{
	union i2c_smbus_data unused;

	if (smbus(fd, I2C_SMBUS_WRITE, command, I2C_SMBUS_BYTE, &unused) < 0) {
		perror("command");
		exit(1);
	}
}

/* The 0.56" backpack's 16 RAM bytes, all `value`: one SMBus I2C-block write. */
static int write_ram(int fd, unsigned char value)
{
	union i2c_smbus_data data;
	int i;

	data.block[0] = 16;
	for (i = 0; i < 16; i++)
		data.block[1 + i] = value;
	return smbus(fd, I2C_SMBUS_WRITE, 0x00, I2C_SMBUS_I2C_BLOCK_DATA, &data);
}

/* The backpack's 16 RAM bytes: one I2C_RDWR transfer (the pointer, then the read). */
static int read_ram(int fd, unsigned char ram[16])
{
	unsigned char pointer = 0x00;
	struct i2c_msg msgs[2];
	struct i2c_rdwr_ioctl_data rdwr;

	msgs[0].addr = 0x70;
	msgs[0].flags = 0;
	msgs[0].len = 1;
	msgs[0].buf = &pointer;
	msgs[1].addr = 0x70;
	msgs[1].flags = I2C_M_RD;
	msgs[1].len = 16;
	msgs[1].buf = ram;
	rdwr.msgs = msgs;
	rdwr.nmsgs = 2;
	return ioctl(fd, I2C_RDWR, &rdwr);
}

static int power_on(int address)
{
	int fd = open_at(address);
	union i2c_smbus_data data;

	data.byte = 0x03;
	if (smbus(fd, I2C_SMBUS_WRITE, 0x80, I2C_SMBUS_BYTE_DATA, &data) < 0) {
		perror("power on");
		return 1;
	}
	sleep_ms(450);
	printf("power-on: left powered at %.3f ms\n", now_ms());
	return close(fd);
}

static int read_data(int address)
{
	int fd = open_at(address);
	union i2c_smbus_data data0, data1;

	if (smbus(fd, I2C_SMBUS_READ, 0x80 | 0x20 | 0x0C, I2C_SMBUS_WORD_DATA, &data0) < 0 ||
	    smbus(fd, I2C_SMBUS_READ, 0x80 | 0x20 | 0x0E, I2C_SMBUS_WORD_DATA, &data1) < 0) {
		perror("read");
		return 1;
	}
	printf("read-data: ch0 %u ch1 %u at %.3f ms\n", (unsigned)data0.word,
	       (unsigned)data1.word, now_ms());
	return close(fd);
}

static int writer(long count)
{
	int fd = open_at(0x70);
	long k;

	command_byte(fd, 0x21);
	for (k = 0; k < count; k++) {
		if (write_ram(fd, (unsigned char)(k % 255 + 1)) < 0) {
			perror("write RAM");
			return 1;
		}
	}
	printf("writer: %ld writes\n", count);
	return close(fd);
}

static int reader(double seconds)
{
	int fd = open_at(0x70);
	unsigned char ram[16];
	double start = now_ms();
	long reads = 0, first_seen = 0;
	int patterns = 0, last = 0, i;

	/* Until two of the writer's patterns, or one and 2000 reads after it (the writer
	 * may be done before the first read), or the time is up. */
	while (patterns < 2 && !(patterns == 1 && reads - first_seen >= 2000) &&
	       now_ms() - start < seconds * 1e3) {
		if (read_ram(fd, ram) < 0) {
			perror("read RAM");
			return 1;
		}
		reads++;
		for (i = 1; i < 16; i++) {
			if (ram[i] != ram[0]) {
				printf("reader: torn read: byte 0 is %u, byte %d is %u\n",
				       (unsigned)ram[0], i, (unsigned)ram[i]);
				return 1;
			}
		}
		if (ram[0] != 0 && ram[0] != last) {
			if (patterns++ == 0)
				first_seen = reads;
			last = ram[0];
		}
	}
	printf("reader: every read whole, %s\n",
	       patterns > 0 ? "saw the writer's RAM" : "never saw the writer's RAM");
	return close(fd);
}

/* A forked child (no exec) writes the backpack's RAM through the descriptor it
 * inherited; its parent, after waiting for it, reads what the child left. */
static int forked(void)
{
	int fd = open_at(0x70), status = 0;
	unsigned char ram[16];
	pid_t child = fork();

	if (child == 0)
		_exit(write_ram(fd, 0x55) < 0);
	if (child < 0 || waitpid(child, &status, 0) != child || status != 0) {
		printf("fork: the child failed\n");
		return 1;
	}
	if (read_ram(fd, ram) < 0) {
		perror("read RAM");
		return 1;
	}
	printf("fork: the parent reads %02x..%02x\n", ram[0], ram[15]);
	return close(fd);
}

/* A child that sleeps 100 ms, then computes for 50 ms of CPU time (reading only the
 * CPU clock, which stays real) and prints; its parent waits for the line on a pipe with
 * poll. The child's work is on no clock: the parent sees 100 ms pass. */
static int busy_child(void)
{
	struct timespec start, now;

	sleep_ms(100);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) <
	       50000000L);
	printf("done\n");
	return 0;
}

static int waits_for_child(const char *self)
{
	int pipe_fds[2], status = 0;
	char line[16] = "";
	struct pollfd readable;
	double start;
	pid_t child;
	int fd = open_at(0x70);

	command_byte(fd, 0x21); /* on the bus: the session has a report */
	start = now_ms();
	if (pipe(pipe_fds) != 0)
		return 1;
	child = fork();
	if (child == 0) {
		dup2(pipe_fds[1], 1);
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		execl(self, self, "busy-child", (char *)NULL);
		_exit(127);
	}
	close(pipe_fds[1]);
	readable.fd = pipe_fds[0];
	readable.events = POLLIN;
	if (child < 0 || poll(&readable, 1, -1) != 1 || read(pipe_fds[0], line, 15) <= 0 ||
	    waitpid(child, &status, 0) != child || status != 0) {
		printf("parent: the child failed\n");
		return 1;
	}
	close(pipe_fds[0]);
	printf("parent: the child said %.4s after %.3f ms\n", line, now_ms() - start);
	return close(fd);
}

static int sleeper(long period_ms, long count)
{
	int fd = open_at(0x70);
	long k;

	for (k = 1; k <= count; k++) {
		sleep_ms(period_ms);
		command_byte(fd, (unsigned char)(0xE0 | (k & 0x0F)));
		printf("sleeper %ld: woke at %.3f ms\n", period_ms, now_ms());
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 1) /* every mode once, in one process (make valgrind) */
		return power_on(0x39) || read_data(0x39) || writer(3) || reader(0) ||
		       forked() || waits_for_child(argv[0]) || sleeper(10, 2);
	if (strcmp(mode, "power-on") == 0 && argc == 3)
		return power_on((int)strtol(argv[2], NULL, 0));
	if (strcmp(mode, "read-data") == 0 && argc == 3)
		return read_data((int)strtol(argv[2], NULL, 0));
	if (strcmp(mode, "writer") == 0 && argc == 3)
		return writer(strtol(argv[2], NULL, 0));
	if (strcmp(mode, "reader") == 0 && argc == 3)
		return reader(strtod(argv[2], NULL));
	if (strcmp(mode, "busy-child") == 0 && argc == 2)
		return busy_child();
	if (strcmp(mode, "parent") == 0 && argc == 2)
		return waits_for_child(argv[0]);
	if (strcmp(mode, "fork") == 0 && argc == 2)
		return forked();
	if (strcmp(mode, "sleeper") == 0 && argc == 4)
		return sleeper(strtol(argv[2], NULL, 0), strtol(argv[3], NULL, 0));
	fprintf(stderr, "usage: session power-on|read-data ADDR | writer N | reader SECONDS"
			" | parent | busy-child | fork | sleeper MS COUNT\n");
	return 2;
}
