/* Waits: every way a program can wait, timed on the emulator's virtual clock. Each mode
 * prints how long its waits took (ms on CLOCK_MONOTONIC) as every thread saw them, and
 * reads a sensor so that the run leaves a report.
 *
 *   threads    two threads sleep 0.4 s at once; each, and the joining main thread,
 *              see 0.4 s
 *   timeouts   poll, ppoll, select, pselect, epoll_wait on a socket pair that nobody
 *              writes; a timed condition wait (monotonic and wall clock), sem_timedwait,
 *              a futex wait: each ends at its timeout
 *   handoff    a thread sleeps and then signals a condition, posts a semaphore, writes
 *              to a socket pair and wakes a futex; the waiter (with a long timeout)
 *              wakes at the sleeper's time
 *   spin       a loop that waits 50 ms by reading the clock, and how many reads it took
 *   sensors    two threads each sleep a different time and then read a sensor
 *   outside    poll on a pipe nobody writes (another process could): real time passes,
 *              and the virtual clock moves by it
 *   blocked    a thread blocked in read() of a pipe (a call the emulator does not model)
 *              while main sleeps 0.3 s and then writes to the pipe
 *   busy       a thread computing without waiting while main sleeps 0.1 s and then
 *              stops it
 *   timers     a timerfd read (one-shot 150 ms, then every 50 ms), a timerfd in
 *              epoll_wait, a POSIX timer's signal, alarm(): each at its time
 *   handlers   a timer's signal every 20 ms whose handler reads the clock, sets a timer
 *              and sleeps 1 ms, while main sleeps 100 ms
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "TSL2561.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double start;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* An absolute deadline `ms` from now on `clock`. */
static struct timespec deadline_in(clockid_t clock, long ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000L;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

static void *sleeper(void *name)
{
	sleep_ms(400);
	printf("threads: %s woke at %.3f ms\n", (const char *)name, now_ms() - start);
	fflush(stdout);
	return NULL;
}

static int threads(void)
{
	pthread_t one, two;

	pthread_create(&one, NULL, sleeper, (void *)"one");
	pthread_create(&two, NULL, sleeper, (void *)"two");
	pthread_join(one, NULL);
	pthread_join(two, NULL);
	printf("threads: joined at %.3f ms\n", now_ms() - start);
	return 0;
}

static void took(const char *what, double since, int rc)
{
	printf("timeouts: %s returned %d after %.3f ms\n", what, rc, now_ms() - since);
}

static int timeouts(void)
{
	int pair[2];
	double t;
	int rc;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair))
		return 1;
	struct pollfd p = { pair[0], POLLIN, 0 };
	t = now_ms();
	took("poll 250", t, poll(&p, 1, 250));

	struct timespec ts = { 0, 120000000L };
	t = now_ms();
	took("ppoll 120", t, ppoll(&p, 1, &ts, NULL));

	fd_set read_set;
	FD_ZERO(&read_set);
	FD_SET(pair[0], &read_set);
	struct timeval tv = { 0, 150000 };
	t = now_ms();
	rc = select(pair[0] + 1, &read_set, NULL, NULL, &tv);
	took("select 150", t, rc);
	printf("timeouts: select left %ld.%06ld s, set %s\n", (long)tv.tv_sec, (long)tv.tv_usec,
	       FD_ISSET(pair[0], &read_set) ? "kept" : "emptied");

	FD_ZERO(&read_set);
	FD_SET(pair[0], &read_set);
	struct timespec pts = { 0, 175000000L };
	t = now_ms();
	took("pselect 175", t, pselect(pair[0] + 1, &read_set, NULL, NULL, &pts, NULL));

	int epoll = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event event;
	memset(&event, 0, sizeof(event));
	event.events = EPOLLIN;
	event.data.fd = pair[0];
	epoll_ctl(epoll, EPOLL_CTL_ADD, pair[0], &event);
	t = now_ms();
	took("epoll_wait 200", t, epoll_wait(epoll, &event, 1, 200));

	pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_t attributes;
	pthread_cond_t monotonic, wall = PTHREAD_COND_INITIALIZER;
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&monotonic, &attributes);
	pthread_mutex_lock(&mutex);
	struct timespec until = deadline_in(CLOCK_MONOTONIC, 300);
	t = now_ms();
	rc = pthread_cond_timedwait(&monotonic, &mutex, &until);
	took(rc == ETIMEDOUT ? "cond monotonic 300 ETIMEDOUT" : "cond monotonic 300", t, rc);
	until = deadline_in(CLOCK_REALTIME, 80);
	t = now_ms();
	rc = pthread_cond_timedwait(&wall, &mutex, &until);
	took(rc == ETIMEDOUT ? "cond wall 80 ETIMEDOUT" : "cond wall 80", t, rc);
	pthread_mutex_unlock(&mutex);

	sem_t sem;
	sem_init(&sem, 0, 0);
	until = deadline_in(CLOCK_REALTIME, 100);
	t = now_ms();
	rc = sem_timedwait(&sem, &until);
	took(rc && errno == ETIMEDOUT ? "sem_timedwait 100 ETIMEDOUT" : "sem_timedwait 100", t, rc);

	uint32_t word = 0;
	struct timespec relative = { 0, 60000000L };
	t = now_ms();
	rc = (int)syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &relative, NULL, 0);
	took(rc && errno == ETIMEDOUT ? "futex 60 ETIMEDOUT" : "futex 60", t, rc);
	printf("timeouts: total %.3f ms\n", now_ms() - start);
	return 0;
}

static pthread_mutex_t handoff_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t handoff_cond = PTHREAD_COND_INITIALIZER;
static int handoff_done;
static sem_t handoff_sem;
static int handoff_pair[2];
static uint32_t handoff_word;

static void *waker(void *unused)
{
	(void)unused;
	sleep_ms(100);
	pthread_mutex_lock(&handoff_mutex);
	handoff_done = 1;
	pthread_cond_signal(&handoff_cond);
	pthread_mutex_unlock(&handoff_mutex);
	sleep_ms(100);
	sem_post(&handoff_sem);
	sleep_ms(100);
	if (write(handoff_pair[1], "x", 1) != 1)
		return NULL;
	sleep_ms(100);
	__atomic_store_n(&handoff_word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &handoff_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

static int handoff(void)
{
	pthread_t thread;
	struct timespec until;
	char byte;
	int rc = 0;

	sem_init(&handoff_sem, 0, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, handoff_pair))
		return 1;
	pthread_create(&thread, NULL, waker, NULL);

	pthread_mutex_lock(&handoff_mutex);
	until = deadline_in(CLOCK_REALTIME, 5000);
	while (!handoff_done && rc == 0)
		rc = pthread_cond_timedwait(&handoff_cond, &handoff_mutex, &until);
	pthread_mutex_unlock(&handoff_mutex);
	printf("handoff: condition rc %d at %.3f ms\n", rc, now_ms() - start);

	until = deadline_in(CLOCK_REALTIME, 5000);
	rc = sem_timedwait(&handoff_sem, &until);
	printf("handoff: semaphore rc %d at %.3f ms\n", rc, now_ms() - start);

	struct pollfd p = { handoff_pair[0], POLLIN, 0 };
	rc = poll(&p, 1, 5000);
	printf("handoff: poll rc %d at %.3f ms\n", rc, now_ms() - start);
	if (read(handoff_pair[0], &byte, 1) != 1)
		return 1;

	struct timespec relative = { 5, 0 };
	while (__atomic_load_n(&handoff_word, __ATOMIC_SEQ_CST) == 0)
		syscall(SYS_futex, &handoff_word, FUTEX_WAIT_PRIVATE, 0, &relative, NULL, 0);
	printf("handoff: futex at %.3f ms\n", now_ms() - start);
	pthread_join(thread, NULL);
	printf("handoff: joined at %.3f ms\n", now_ms() - start);
	return 0;
}

static int spin(void)
{
	double t = now_ms();
	long reads = 1;

	while (now_ms() - t < 50.0)
		reads++;
	printf("spin: 50 ms took %ld reads, %.3f ms\n", reads, now_ms() - t);
	return 0;
}

static TSL2561 sensors[2] = { TSL2561_INITIALIZER(1, TSL2561_ADDR_LOW),
			       TSL2561_INITIALIZER(1, TSL2561_ADDR_FLOAT) };

static void *read_after(void *argument)
{
	long index = (long)argument;
	uint16_t full, ir;
	uint32_t lux;
	int rc;

	sleep_ms(700 * index + 50);
	rc = TSL2561_SENSELIGHT(&sensors[index], &full, &ir, &lux, 0);
	printf("sensors: %ld rc %d full %u ir %u lux %u at %.3f ms\n", index, rc, (unsigned)full,
	       (unsigned)ir, (unsigned)lux, now_ms() - start);
	fflush(stdout);
	return NULL;
}

static int sensors_mode(void)
{
	pthread_t threads[2];
	long i;

	for (i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, read_after, (void *)i);
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	printf("sensors: done at %.3f ms\n", now_ms() - start);
	return 0;
}

static double real_ms(void)
{
	struct timespec ts;

	/* CLOCK_TAI is not virtual on the emulator. */
	clock_gettime(CLOCK_TAI, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int outside(void)
{
	int pipe_fds[2];
	double virtual_start = now_ms(), real_start = real_ms();
	int rc;

	if (pipe(pipe_fds))
		return 1;
	struct pollfd p = { pipe_fds[0], POLLIN, 0 };
	rc = poll(&p, 1, 30);
	printf("outside: poll returned %d, real %s, virtual clock %s\n", rc,
	       real_ms() - real_start >= 30.0 ? ">= 30 ms" : "< 30 ms",
	       now_ms() - virtual_start >= 30.0 ? ">= 30 ms" : "< 30 ms");
	return 0;
}

static int blocked_pipe[2];

static void *blocked_reader(void *unused)
{
	char byte;

	(void)unused;
	if (read(blocked_pipe[0], &byte, 1) != 1)
		return NULL;
	printf("blocked: reader got '%c' at %.3f ms\n", byte, now_ms() - start);
	return NULL;
}

static int blocked(void)
{
	pthread_t thread;

	if (pipe(blocked_pipe))
		return 1;
	pthread_create(&thread, NULL, blocked_reader, NULL);
	sleep_ms(300);
	printf("blocked: main woke at %.3f ms\n", now_ms() - start);
	fflush(stdout);
	if (write(blocked_pipe[1], "x", 1) != 1)
		return 1;
	pthread_join(thread, NULL);
	return 0;
}

static volatile int busy_stop;
static volatile unsigned long busy_turns;

static void *busy_worker(void *unused)
{
	(void)unused;
	while (!busy_stop)
		busy_turns++;
	return NULL;
}

static int busy(void)
{
	pthread_t thread;

	pthread_create(&thread, NULL, busy_worker, NULL);
	sleep_ms(100);
	printf("busy: main woke at %.3f ms, the worker %s\n", now_ms() - start,
	       busy_turns > 0 ? "ran meanwhile" : "did not run");
	busy_stop = 1;
	pthread_join(thread, NULL);
	return 0;
}

static volatile sig_atomic_t signals;

static void count_signal(int signal)
{
	(void)signal;
	signals++;
}

static int timers(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec spec = { { 0, 0 }, { 0, 150000000L } };
	struct itimerspec left;
	uint64_t expirations;
	double t = now_ms();

	timerfd_settime(fd, 0, &spec, NULL);
	timerfd_gettime(fd, &left);
	printf("timers: timerfd armed, %ld ms left\n", left.it_value.tv_nsec / 1000000L);
	if (read(fd, &expirations, sizeof(expirations)) != 8)
		return 1;
	printf("timers: timerfd one-shot: %llu at %.3f ms\n", (unsigned long long)expirations,
	       now_ms() - t);
	spec.it_interval.tv_nsec = 50000000L;
	spec.it_value.tv_nsec = 50000000L;
	t = now_ms();
	timerfd_settime(fd, 0, &spec, NULL);
	for (int i = 0; i < 3; i++) {
		if (read(fd, &expirations, sizeof(expirations)) != 8)
			return 1;
		printf("timers: timerfd periodic: %llu at %.3f ms\n",
		       (unsigned long long)expirations, now_ms() - t);
	}
	sleep_ms(120);
	if (read(fd, &expirations, sizeof(expirations)) != 8)
		return 1;
	printf("timers: timerfd after a 120 ms sleep: %llu at %.3f ms\n",
	       (unsigned long long)expirations, now_ms() - t);

	int epoll = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event event;
	memset(&event, 0, sizeof(event));
	event.events = EPOLLIN;
	event.data.fd = fd;
	struct itimerspec once = { { 0, 0 }, { 0, 80000000L } };
	epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
	t = now_ms();
	timerfd_settime(fd, 0, &once, NULL);
	int ready = epoll_wait(epoll, &event, 1, -1);
	printf("timers: epoll_wait on a timerfd: %d at %.3f ms\n", ready, now_ms() - t);
	if (read(fd, &expirations, sizeof(expirations)) != 8)
		return 1;
	close(epoll);
	close(fd);

	struct sigaction action;
	memset(&action, 0, sizeof(action));
	action.sa_handler = count_signal;
	sigaction(SIGUSR1, &action, NULL);
	sigaction(SIGALRM, &action, NULL);
	struct sigevent notify;
	memset(&notify, 0, sizeof(notify));
	notify.sigev_notify = SIGEV_SIGNAL;
	notify.sigev_signo = SIGUSR1;
	timer_t timer;
	timer_create(CLOCK_MONOTONIC, &notify, &timer);
	struct itimerspec posix = { { 0, 0 }, { 0, 100000000L } };
	t = now_ms();
	timer_settime(timer, 0, &posix, NULL);
	while (signals == 0)
		pause();
	printf("timers: POSIX timer signal at %.3f ms\n", now_ms() - t);
	timer_delete(timer);

	t = now_ms();
	alarm(1);
	while (signals == 1)
		pause();
	printf("timers: alarm at %.3f ms\n", now_ms() - t);
	return 0;
}

static timer_t handler_timer;
static volatile sig_atomic_t handled;

static void handle_and_sleep(int signal)
{
	struct timespec now, nap = { 0, 1000000L };
	struct itimerspec left;

	(void)signal;
	clock_gettime(CLOCK_MONOTONIC, &now);
	timer_gettime(handler_timer, &left);
	nanosleep(&nap, NULL);
	handled++;
}

static int handlers(void)
{
	struct sigaction action;
	struct sigevent notify;
	struct itimerspec every = { { 0, 20000000L }, { 0, 20000000L } };
	double t = now_ms();

	memset(&action, 0, sizeof(action));
	action.sa_handler = handle_and_sleep;
	sigaction(SIGUSR2, &action, NULL);
	memset(&notify, 0, sizeof(notify));
	notify.sigev_notify = SIGEV_SIGNAL;
	notify.sigev_signo = SIGUSR2;
	timer_create(CLOCK_MONOTONIC, &notify, &handler_timer);
	timer_settime(handler_timer, 0, &every, NULL);
	sleep_ms(100);
	timer_delete(handler_timer);
	printf("handlers: main woke at or after 100 ms: %s, signals handled: %s\n",
	       now_ms() - t >= 100.0 ? "yes" : "no", handled >= 3 ? "3 or more" : "fewer");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "threads";
	int rc;

	if (TSL2561_OPEN(&sensors[0]) || TSL2561_OPEN(&sensors[1])) {
		printf("open failed\n");
		return 1;
	}
	start = now_ms();
	if (!strcmp(mode, "threads"))
		rc = threads();
	else if (!strcmp(mode, "timeouts"))
		rc = timeouts();
	else if (!strcmp(mode, "handoff"))
		rc = handoff();
	else if (!strcmp(mode, "spin"))
		rc = spin();
	else if (!strcmp(mode, "sensors"))
		rc = sensors_mode();
	else if (!strcmp(mode, "outside"))
		rc = outside();
	else if (!strcmp(mode, "blocked"))
		rc = blocked();
	else if (!strcmp(mode, "busy"))
		rc = busy();
	else if (!strcmp(mode, "timers"))
		rc = timers();
	else if (!strcmp(mode, "handlers"))
		rc = handlers();
	else
		rc = 2;
	TSL2561_CLOSE(&sensors[0]);
	TSL2561_CLOSE(&sensors[1]);
	return rc;
}
