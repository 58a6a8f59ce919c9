// SPDX-License-Identifier: GPL-2.0
/*
 * A process for the sticky-rule tests, driven over stdin/stdout like
 * ksm_target. It never calls madvise() unless told to.
 *
 *   rule_target [MIB]
 *
 * Maps and fills MIB (default 4) MiB, prints "ready <pid>", then answers
 * one line per command:
 *   mmap MIB   map and fill MIB more: "ok"
 *   brk MIB    grow the heap (sbrk) by MIB and fill it: "ok"
 *   thread     start a thread (its stack is a new mapping) that sleeps: "ok"
 *   spawn      fork a child that maps 2 MiB and sleeps: "<child pid>"
 *   exec       execute itself again (same pid), which prints "ready <pid>"
 *   madvise    madvise(MADV_MERGEABLE) every mapping: "ok"
 *   setuid UID setresuid(UID, UID, UID): "ok"
 *   prctl 0|1  prctl(PR_SET_MEMORY_MERGE, 0|1) (Linux 6.4+): "ok"
 *   vmchild    clone(CLONE_VM) a child process (its own tgid) that shares
 *              the whole address space, and sleeps: "<child pid>"
 *   vfork      vfork() a child that prints "<child pid>" and sleeps: the
 *              parent waits, sharing its memory, until the child is killed,
 *              then says "ok"
 *   leave      the main thread exits (pthread_exit()); a new thread answers
 *              the next commands: "ok" once the main thread has gone
 *   quit       exit (children are killed: PR_SET_PDEATHSIG)
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "madvise_all.h"

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif

static void map_fill(size_t mib)
{
	char *p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		exit(1);
	memset(p, 0x5a, mib << 20);
}

static void *sleeper(void *arg)
{
	/* touch the stack so it has pages */
	char buf[64 * 1024];

	memset(buf, 0x5a, sizeof(buf));
	(void)arg;
	for (;;)
		pause();
	return buf[0] == 1 ? NULL : arg;
}

/* the child of "vmchild": our memory, another process */
static int vm_child(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static pid_t spawn_vm_child(void)
{
	size_t len = 256 << 10;
	char *stack = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (stack == MAP_FAILED)
		return -1;
	return clone(vm_child, stack + len, CLONE_VM | SIGCHLD, NULL);
}

/* "vfork": the child writes its pid (no stdio: the parent's) and sleeps */
static void vfork_child(void)
{
	pid_t pid = vfork();

	if (pid == 0) {
		char line[16], *p = line + sizeof(line);
		unsigned int n = (unsigned int)syscall(SYS_getpid);

		*--p = '\n';
		do
			*--p = '0' + n % 10;
		while (n /= 10);
		if (write(1, p, line + sizeof(line) - p) < 0)
			_exit(1);
		for (;;)
			syscall(SYS_pause);
	}
}

static void *serve(void *arg);

/* "leave": answer from a new thread, once the main thread has exited */
static void leave(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, serve, (void *)1)) {
		printf("failed\n");
		return;
	}
	pthread_exit(NULL);
}

/* the process's state letter, of /proc/self/stat (of the main thread) */
static char state(void)
{
	char st[256] = "", *p;
	FILE *f = fopen("/proc/self/stat", "r");

	if (f) {
		if (!fgets(st, sizeof(st), f))
			st[0] = '\0';
		fclose(f);
	}
	p = strrchr(st, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* the command loop; @arg non-NULL: first wait for the main thread to go */
static void *serve(void *arg)
{
	char cmd[64];

	if (arg) {
		while (state() != 'Z')
			usleep(1000);
		printf("ok\n");
	}
	while (fgets(cmd, sizeof(cmd), stdin)) {
		if (!strncmp(cmd, "mmap ", 5)) {
			map_fill(strtoul(cmd + 5, NULL, 0));
			printf("ok\n");
		} else if (!strncmp(cmd, "brk ", 4)) {
			size_t len = strtoul(cmd + 4, NULL, 0) << 20;
			char *p = sbrk(len);

			if (p == (void *)-1) {
				printf("failed\n");
				continue;
			}
			memset(p, 0x5a, len);
			printf("ok\n");
		} else if (!strncmp(cmd, "thread", 6)) {
			pthread_t t;

			printf(pthread_create(&t, NULL, sleeper, NULL) ? "failed\n" : "ok\n");
		} else if (!strncmp(cmd, "spawn", 5)) {
			pid_t pid = fork();

			if (pid == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				map_fill(2);
				for (;;)
					pause();
			}
			printf("%d\n", pid);
		} else if (!strncmp(cmd, "exec", 4)) {
			char *args[] = { "rule_target", "1", NULL };
			char path[4096];
			ssize_t n = readlink("/proc/self/exe", path,
					     sizeof(path) - 1);

			if (n > 0) {
				path[n] = '\0';
				execv(path, args);
			}
			printf("failed\n");
		} else if (!strncmp(cmd, "madvise", 7)) {
			madvise_all();
			printf("ok\n");
		} else if (!strncmp(cmd, "setuid ", 7)) {
			uid_t uid = strtoul(cmd + 7, NULL, 0);

			printf(setresuid(uid, uid, uid) ? "failed\n" : "ok\n");
		} else if (!strncmp(cmd, "prctl ", 6)) {
			long on = strtol(cmd + 6, NULL, 0);

			printf(prctl(PR_SET_MEMORY_MERGE, on, 0, 0, 0) ?
			       "failed\n" : "ok\n");
		} else if (!strncmp(cmd, "vmchild", 7)) {
			printf("%d\n", spawn_vm_child());
		} else if (!strncmp(cmd, "vfork", 5)) {
			vfork_child();
			printf("ok\n");
		} else if (!strncmp(cmd, "leave", 5)) {
			leave();
		} else if (!strncmp(cmd, "quit", 4)) {
			exit(0);
		} else {
			printf("unknown\n");
		}
	}
	exit(0);
}

int main(int argc, char *argv[])
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 4;

	setvbuf(stdout, NULL, _IOLBF, 0);
	map_fill(mib);
	printf("ready %d\n", getpid());
	serve(NULL);
	return 0;
}
