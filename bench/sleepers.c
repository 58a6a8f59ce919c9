// SPDX-License-Identifier: GPL-2.0
/*
 * sleepers [-m VMAS] N: fork N processes that do nothing but pause(), the
 * cheapest processes there are (they share the parent's pages copy-on-write).
 * With -m, each has VMAS more memory areas (one page each, untouched, every
 * other one read-only so that they stay apart), as real programs have tens
 * to hundreds. Prints "ready <N>" once all exist, then waits; SIGTERM (or
 * SIGINT) kills them all and exits once they are reaped.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	long n, i, vmas = 0, psz = sysconf(_SC_PAGESIZE);
	pid_t *pids;
	char *mem;
	int opt;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm')
			goto usage;
		vmas = strtol(optarg, NULL, 10);
	}
	if (optind != argc - 1 || (n = strtol(argv[optind], NULL, 10)) < 1 || vmas < 0)
		goto usage;
	if (vmas) {
		mem = mmap(NULL, vmas * psz, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return 1;
		for (i = 1; i < vmas; i += 2)
			mprotect(mem + i * psz, psz, PROT_READ);
	}
	pids = calloc(n, sizeof(*pids));
	if (!pids)
		return 1;
	/* no signal between the fork and the handler: children keep defaults */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("sleepers: fork");
			break;
		}
		if (pids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			for (;;)
				pause();
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (i == n) {
		printf("ready %ld\n", n);
		fflush(stdout);
		while (!stop)
			sigsuspend(&old);
	}
	n = i;
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return stop ? 0 : 1;

usage:
	fprintf(stderr, "Usage: sleepers [-m VMAS] N\n");
	return 2;
}
