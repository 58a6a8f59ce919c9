// SPDX-License-Identifier: GPL-2.0
/*
 * timeit [-n RUNS] [-w WARMUP] CMD [ARG...] [--- CMD [ARG...]]...
 *
 * Times whole commands (fork, exec, run, wait), wall clock: WARMUP untimed
 * rounds, then RUNS timed ones. A round runs every command once, in turn, so
 * that a disturbance (the host is busy, ksmd wakes up) hits all of them alike
 * rather than one. Standard output goes to /dev/null; standard error is kept,
 * and a command that fails (exit status not 0) fails timeit.
 *
 * Prints one line per command, in microseconds: "<median> <min> <max> <user>
 * <sys>", the last two the mean CPU time per timed run in user space and in
 * the kernel (what the command and its children used).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1e6 + tv->tv_usec;
}

/*
 * One run of argv: its wall time in microseconds, or -1 if it failed; its
 * CPU time is added to *user and *sys.
 */
static double run(char **argv, double *user, double *sys)
{
	double t0 = now_us(), t;
	struct rusage ru;
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return -1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("timeit: waitpid");
		return -1;
	}
	t = now_us() - t0;
	*user += tv_us(&ru.ru_utime);
	*sys += tv_us(&ru.ru_stime);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "timeit: %s failed (status 0x%x)\n", argv[0], st);
		return -1;
	}
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char *argv[])
{
	char **cmds[MAX_CMDS];
	int runs = 7, warmup = 1, ncmds = 0, opt, i, r, c;
	double *t[MAX_CMDS], user[MAX_CMDS] = { 0 }, sys[MAX_CMDS] = { 0 };

	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || runs < 1 || warmup < 0)
		goto usage;
	/* split the rest at "---" */
	cmds[ncmds++] = &argv[optind];
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "---"))
			continue;
		argv[i] = NULL;
		if (i + 1 >= argc || ncmds == MAX_CMDS)
			goto usage;
		cmds[ncmds++] = &argv[i + 1];
	}

	for (c = 0; c < ncmds; c++) {
		t[c] = calloc(runs, sizeof(double));
		if (!t[c])
			return 1;
	}
	for (r = -warmup; r < runs; r++) {
		for (c = 0; c < ncmds; c++) {
			double u = 0, k = 0, x = run(cmds[c], &u, &k);

			if (x < 0)
				return 1;
			if (r >= 0) {
				t[c][r] = x;
				user[c] += u;
				sys[c] += k;
			}
		}
	}
	for (c = 0; c < ncmds; c++) {
		qsort(t[c], runs, sizeof(double), cmp_double);
		printf("%.0f %.0f %.0f %.0f %.0f\n", runs % 2 ? t[c][runs / 2] :
		       (t[c][runs / 2 - 1] + t[c][runs / 2]) / 2,
		       t[c][0], t[c][runs - 1], user[c] / runs, sys[c] / runs);
	}
	return 0;

usage:
	fprintf(stderr, "Usage: timeit [-n RUNS] [-w WARMUP] CMD [ARG...] [--- CMD [ARG...]]...\n");
	return 2;
}
