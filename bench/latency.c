// SPDX-License-Identifier: GPL-2.0
/*
 * latency new|mmap N: how long until a rule makes new memory mergeable,
 * measured N times from outside with GET_PROC (mergeable / eligible bytes
 * >= 99%, polled every millisecond), in this program's cgroup and with its
 * comm, which the caller's rules match.
 *
 *   new   a new process (fork, then exec of this program, which maps and
 *         fills 1 MiB): from the fork to covered;
 *   mmap  one process (matched, already covered) maps and fills 1 MiB more
 *         on request: from the mapping's existence to covered.
 *
 * Prints the distribution in ms: min, median, p90, p99, max, mean.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ksmctl_lib.h"
#include "nl.h"

#define MIB (1 << 20)
#define TIMEOUT_MS 30000.0

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fill(void)
{
	char *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		memset(p, 0x5a, MIB);
}

/* the measured process: maps on each byte read, answers once mapped */
static int child(int in, int out)
{
	char c;

	fill();
	if (write(out, "r", 1) != 1)
		return 1;
	while (read(in, &c, 1) == 1) {
		fill();
		if (write(out, "m", 1) != 1)
			return 1;
	}
	return 0;
}

static int fd, fam;

/* ms from t0 until pid is covered, or -1 */
static double wait_covered(pid_t pid, double t0)
{
	while (now_ms() - t0 < TIMEOUT_MS) {
		if (proc_coverage(fd, fam, pid) >= 990)
			return now_ms() - t0;
		usleep(1000);
	}
	return -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char *argv[])
{
	int to[2], from[2], i, n, fails = 0;
	double *ms, sum = 0;
	pid_t pid;
	char c;

	if (argc == 4 && !strcmp(argv[1], "--child"))
		return child(atoi(argv[2]), atoi(argv[3]));
	if (argc != 3 || (strcmp(argv[1], "new") && strcmp(argv[1], "mmap"))) {
		fprintf(stderr, "usage: latency new|mmap N\n");
		return 2;
	}
	n = atoi(argv[2]);
	ms = calloc(n, sizeof(*ms));
	fd = nl_open();
	fam = fd < 0 ? -1 : ksmctl_family(fd);
	if (!ms || fam <= 0) {
		fprintf(stderr, "latency: no ksmctl family\n");
		return 1;
	}

	pid = -1;
	for (i = 0; i < n; i++) {
		double t0;

		if (pid < 0 || !strcmp(argv[1], "new")) {
			char a[16], b[16];

			if (pipe(to) || pipe(from))
				return 1;
			t0 = now_ms();
			pid = fork();
			if (pid < 0)
				return 1;
			if (!pid) {
				snprintf(a, sizeof(a), "%d", to[0]);
				snprintf(b, sizeof(b), "%d", from[1]);
				execl("/proc/self/exe", "latency", "--child", a, b,
				      (char *)NULL);
				_exit(127);
			}
			close(to[0]);
			close(from[1]);
			if (read(from[0], &c, 1) != 1)
				return 1;
			if (!strcmp(argv[1], "mmap") && wait_covered(pid, t0) < 0)
				return 1;
		}
		if (!strcmp(argv[1], "mmap")) {
			if (write(to[1], "m", 1) != 1 || read(from[0], &c, 1) != 1)
				return 1;
			t0 = now_ms();	/* mapped and filled */
		}
		ms[i] = wait_covered(pid, t0);
		if (ms[i] < 0)
			fails++;
		if (!strcmp(argv[1], "new") || i == n - 1) {
			close(to[1]);
			close(from[0]);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			pid = -1;
		}
		usleep(20000 + i % 13 * 3000);
	}
	qsort(ms, n, sizeof(*ms), cmp);
	for (i = 0; i < n; i++)
		sum += ms[i];
	printf("%s: %d runs, ms: min %.0f, median %.0f, p90 %.0f, p99 %.0f, max %.0f, mean %.0f; not covered in %.0f s: %d\n",
	       argv[1], n, ms[0], ms[n / 2], ms[n * 9 / 10], ms[n * 99 / 100],
	       ms[n - 1], sum / n, TIMEOUT_MS / 1e3, fails);
	return fails ? 1 : 0;
}
