// SPDX-License-Identifier: GPL-2.0
/*
 * churn RATE SECONDS [LIFE_MS]: start up to RATE new processes a second for
 * SECONDS seconds, each a fork and an exec of this program (so each is a
 * new mm, announced by both the fork and the exec tracepoint), which maps
 * and fills 256 KiB, lives LIFE_MS (default 100) and exits. Prints
 * "started N in S s (R/s)": the rate reached, which under emulation may be
 * less than asked.
 *
 * churn --child LIFE_MS: what each new process runs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int child(long life_ms)
{
	size_t len = 256 << 10;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		memset(p, 0x5a, len);
	usleep(life_ms * 1000);
	return 0;
}

int main(int argc, char *argv[])
{
	double rate, secs, t0, next, end;
	char life[32];
	long n = 0;

	if (argc == 3 && !strcmp(argv[1], "--child"))
		return child(atol(argv[2]));
	if (argc < 3) {
		fprintf(stderr, "usage: churn RATE SECONDS [LIFE_MS]\n");
		return 2;
	}
	rate = atof(argv[1]);
	secs = atof(argv[2]);
	snprintf(life, sizeof(life), "%ld", argc > 3 ? atol(argv[3]) : 100L);
	signal(SIGCHLD, SIG_IGN);	/* children are reaped by the kernel */

	t0 = now();
	end = t0 + secs;
	for (next = t0; now() < end; next += 1 / rate) {
		double t = now();

		if (t < next)
			usleep((next - t) * 1e6);
		else if (t - next > 0.1)
			next = t;	/* behind: no burst to catch up */
		switch (fork()) {
		case -1:
			perror("churn: fork");
			return 1;
		case 0:
			execl("/proc/self/exe", "churn", "--child", life, (char *)NULL);
			_exit(127);
		}
		n++;
	}
	printf("started %ld in %.1f s (%.0f/s)\n", n, now() - t0, n / (now() - t0));
	return 0;
}
