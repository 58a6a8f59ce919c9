// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: marking, unmarking and statistics against processes that fork,
 * mmap, munmap, mprotect, exec and exit, with ksmd running flat out, while
 * targets keep checking every byte they hold; then the module is unloaded
 * and reloaded while clients hammer it.
 *
 * KSMCTL_STRESS_SECONDS (default 6 for each case) bounds the run; `make
 * stress DURATION=...' raises it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"
#include "ksmctl_lib.h"
#include "nl.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 7200

#define TARGETS		3
#define CHURNERS	3

static int stress_seconds(void)
{
	const char *s = getenv("KSMCTL_STRESS_SECONDS");

	return s && atoi(s) > 0 ? atoi(s) : 6;
}

/* forks, maps, protects, execs and exits, forever */
static void churner(void)
{
	unsigned int i = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;; i++) {
		size_t len = (1 + i % 16) << 16;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t c;

		if (p != MAP_FAILED) {
			memset(p, i & 1 ? 0x5a : 0, len);
			mprotect(p, len / 2, PROT_READ);
			mprotect(p, len / 2, PROT_READ | PROT_WRITE);
			if (i % 3)
				munmap(p + len / 4, len / 4);	/* split it */
			if (i % 5 == 0)
				munmap(p, len);
		}
		c = fork();
		if (c == 0) {
			if (i % 4 == 0)
				execl("/bin/busybox", "true", (char *)NULL);
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static pid_t start(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	return pid;
}

static void dumper(void)
{
	/* its own socket: answers must not mix with the parent's */
	int fd = nl_open(), family = ksmctl_family(fd);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (family <= 0)
		_exit(1);
	for (;;) {
		struct proc_rec *r = NULL;
		struct vma_rec *v = NULL;
		struct nl_ans ans;
		int n, nv;

		if (proc_dump(fd, family, KSMCTL_PROC_F_PROPORTIONAL, &r, &n, &ans))
			_exit(2);
		if (n > 0)
			vmas_dump(fd, family, r[rand() % n].pid, &v, &nv, &ans);
		free(r);
		free(v);
	}
}

TEST(churn_with_integrity)
{
	struct mark_opts tree = { .flags = KSMCTL_MARK_F_TREE };
	pid_t churn[CHURNERS], dump;
	struct target t[TARGETS];
	time_t end = time(NULL) + stress_seconds();
	long requests = 0, failures = 0, checks = 0, rounds = 0;
	struct mark_rec m;
	struct nl_ans ans;
	char line[64];
	int i;

	int fd, family;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	fd = nl_open();
	family = ksmctl_family(fd);
	ASSERT_LT(0, family);
	for (i = 0; i < TARGETS; i++)
		ASSERT_EQ(0, target_start(&t[i], i % 2 ? "ksm_target_dyn" : "ksm_target",
					  "4", NULL));
	for (i = 0; i < CHURNERS; i++)
		churn[i] = start(churner);
	dump = start(dumper);
	write_str_file(KSM_SYSFS "sleep_millisecs", "0");
	write_str_file(KSM_SYSFS "pages_to_scan", "5000");
	write_str_file(KSM_SYSFS "run", "1");

	while (time(NULL) < end) {
		for (i = 0; i < CHURNERS; i++) {
			int cmd = rounds % 3 == 2 ? KSMCTL_CMD_UNMARK : KSMCTL_CMD_MARK;
			int err = mark(fd, family, cmd, churn[i], &tree, &m, &ans);

			requests++;
			if (err) {
				failures++;
				TH_LOG("mark churner: %d %s", err, ans.extack_msg);
			}
		}
		for (i = 0; i < TARGETS; i++) {
			int cmd = rounds % 4 == 3 ? KSMCTL_CMD_UNMARK : KSMCTL_CMD_MARK;

			requests++;
			if (mark(fd, family, cmd, t[i].pid, NULL, &m, &ans))
				failures++;
			if (rounds % 2 == 0) {
				ASSERT_EQ(0, target_cmd(&t[i], "write", line, sizeof(line)));
			}
			ASSERT_EQ(0, target_cmd(&t[i], "check", line, sizeof(line)));
			EXPECT_STREQ("ok", line) TH_LOG("target %d round %ld", i, rounds);
			checks++;
		}
		rounds++;
	}
	TH_LOG("%ld s: %ld rounds, %ld mark/unmark requests (%ld failed), "
	       "%ld integrity checks", (long)stress_seconds(), rounds, requests,
	       failures, checks);
	EXPECT_EQ(0, failures);
	EXPECT_LT(0, rounds);
	/* the dumper is still dumping */
	EXPECT_EQ(0, waitpid(dump, NULL, WNOHANG));

	kill(dump, SIGKILL);
	waitpid(dump, NULL, 0);
	for (i = 0; i < CHURNERS; i++) {
		kill(churn[i], SIGKILL);
		waitpid(churn[i], NULL, 0);
	}
	for (i = 0; i < TARGETS; i++)
		target_stop(&t[i]);
	ksm_reset();
	close(fd);
}

/* clients that must survive the family going away and coming back */
static void hammer(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int fd = nl_open(), family = fd >= 0 ? ksmctl_family(fd) : -1;
		struct proc_rec *r = NULL;
		struct nl_ans ans;
		FILE *f;
		int n;

		if (family > 0) {
			proc_dump(fd, family, KSMCTL_PROC_F_PROPORTIONAL, &r, &n, &ans);
			free(r);
		}
		if (fd >= 0)
			close(fd);
		f = fopen("/proc/ksmctl/processes", "re");
		if (f) {
			char buf[4096];

			while (fread(buf, 1, sizeof(buf), f) > 0)
				;
			fclose(f);
		}
	}
}

TEST(reload_while_hammered)
{
	time_t end = time(NULL) + stress_seconds();
	pid_t h[3];
	long cycles = 0, fails = 0;
	int i;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	for (i = 0; i < 3; i++)
		h[i] = start(hammer);
	while (time(NULL) < end) {
		int err = ksmctl_ensure_unloaded();

		/* busy (a dump holds a reference) is fine: try again */
		if (err && err != -EBUSY && err != -EAGAIN)
			fails++;
		if (ksmctl_ensure_loaded())
			fails++;
		else if (!err)
			cycles++;
	}
	TH_LOG("%ld unload/load cycles under 3 clients", cycles);
	EXPECT_EQ(0, fails);
	EXPECT_LT(0, cycles);
	for (i = 0; i < 3; i++) {
		kill(h[i], SIGKILL);
		waitpid(h[i], NULL, 0);
	}
	ASSERT_EQ(0, ksmctl_ensure_loaded());
}

/* ---- a tree MARK against pid reuse ---- */

#define REUSE_PID_MAX	1000	/* pid_max meanwhile: few free pids to fill */
#define SLOW_MEMBERS	4	/* members with many VMAs, marked between */
#define SLOW_VMAS	20000

/* 1 if a VMA of pid is mergeable (VmFlags "mg"), 0 if none, -1: gone */
static int smaps_marked(pid_t pid)
{
	char path[64], line[512];
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmFlags:", 8) && strstr(line, " mg")) {
			ret = 1;
			break;
		}
	fclose(f);
	return ret;
}

/* a process with some anonymous memory of its own, asleep */
static void holder(void)
{
	size_t len = 16 << 12;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (p != MAP_FAILED)
		memset(p, 0x5a, len);
	for (;;)
		pause();
}

/* the same with SLOW_VMAS VMAs, which take MARK a while */
static void slow_holder(int *ready)
{
	size_t len = (size_t)SLOW_VMAS << 12;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	long i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; p != MAP_FAILED && i < SLOW_VMAS; i += 2)
		mprotect(p + (i << 12), 4096, PROT_READ);
	__atomic_add_fetch(ready, 1, __ATOMIC_RELEASE);
	for (;;)
		pause();
}

struct reuse {
	pid_t first, last;	/* the tree's first and last members */
	int ready;		/* slow members ready */
};

/* the tree's root: first, the slow ones, last; reaps them */
static void reuse_root(struct reuse *sh)
{
	pid_t pid;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pid = fork();
	if (!pid)
		holder();
	sh->first = pid;
	for (i = 0; i < SLOW_MEMBERS; i++)
		if (!fork())
			slow_holder(&sh->ready);
	pid = fork();
	if (!pid)
		holder();
	__atomic_store_n(&sh->last, pid, __ATOMIC_RELEASE);
	for (;;)
		if (wait(NULL) < 0 && errno == ECHILD)
			pause();
}

/*
 * MARK --tree collects the tree, then marks its members one by one. A
 * member that exits before its turn, and whose pid an unrelated process
 * takes meanwhile, must not get that process marked. pid_max is lowered
 * and every free pid taken, so that the pid of the member that exits is
 * the only one left, for the unrelated process; the member exits once
 * MARK has marked the tree's first member (so the tree was collected),
 * while the members with many VMAs keep it busy.
 */
TEST(tree_mark_after_pid_reuse)
{
	struct mark_opts tree = { .flags = KSMCTL_MARK_F_TREE };
	pid_t marker, root, other = -1, last, fillers[4096];
	int go[2], res[2], nfill = 0, reused, other_marked = -1;
	uint64_t old_max = 0;
	struct reuse *sh;
	struct mark_rec m = { 0 };
	int err = -ENODATA, i;
	char buf[32];
	long t;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	ASSERT_EQ(0, read_u64_file("/proc/sys/kernel/pid_max", &old_max));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(res));
	/* the members whose parent dies come to us, to be reaped */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));

	snprintf(buf, sizeof(buf), "%d", REUSE_PID_MAX);
	ASSERT_EQ(0, write_str_file("/proc/sys/kernel/pid_max", buf));
	/* from here on: no ASSERT until pid_max is restored */
	root = fork();
	if (!root)
		reuse_root(sh);
	marker = fork();
	if (!marker) {
		int fd = nl_open(), family = ksmctl_family(fd);
		struct nl_ans ans;
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		err = family > 0 ? mark(fd, family, KSMCTL_CMD_MARK, root,
					&tree, &m, &ans) : family;
		if (write(res[1], &err, sizeof(err)) != sizeof(err) ||
		    write(res[1], &m, sizeof(m)) != sizeof(m))
			_exit(1);
		_exit(0);
	}
	for (t = 0; t < 60000 && (!__atomic_load_n(&sh->last, __ATOMIC_ACQUIRE) ||
				   __atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) <
				   SLOW_MEMBERS); t += 10)
		usleep(10000);
	last = sh->last;
	/* take every pid left */
	while (nfill < (int)(sizeof(fillers) / sizeof(fillers[0]))) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		fillers[nfill++] = pid;
	}

	if (root > 0 && marker > 0 && last > 0 &&
	    write(go[1], "g", 1) == 1) {
		/* the first member marked: the tree was collected */
		for (t = 0; t < 120000 && smaps_marked(sh->first) != 1; t++)
			usleep(1000);
		kill(last, SIGKILL);	/* reaped by root */
		for (t = 0; t < 100000; t++) {
			other = fork();
			if (!other)
				holder();
			if (other > 0 || errno != EAGAIN)
				break;
			usleep(100);
		}
		if (read(res[0], &err, sizeof(err)) != sizeof(err) ||
		    read(res[0], &m, sizeof(m)) != sizeof(m))
			err = -EPIPE;
		other_marked = other > 0 ? smaps_marked(other) : -1;
	}
	reused = other == last;

	if (other > 0)
		kill(other, SIGKILL);
	for (i = 0; i < nfill; i++)
		kill(fillers[i], SIGKILL);
	kill(root, SIGKILL);
	kill(marker, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)old_max);
	write_str_file("/proc/sys/kernel/pid_max", buf);
	munmap(sh, sizeof(*sh));

	TH_LOG("%d fillers; member %d exited, the unrelated process got pid %d; "
	       "MARK: %d, %u processes, %u failed", nfill, last, other, err,
	       m.processes, m.failed_processes);
	ASSERT_LT(0, last);
	ASSERT_LT(0, other);
	if (!reused)
		SKIP(return, "the pid was not reused (another task took it)");
	ASSERT_EQ(0, err);
	EXPECT_EQ(0, other_marked)
		TH_LOG("the unrelated process %d, on the pid of a member that "
		       "exited, was marked", other);
	/* root, first and the slow ones; last exited meanwhile */
	EXPECT_EQ(2 + SLOW_MEMBERS, m.processes);
	EXPECT_EQ(1, m.failed_processes);
}

TEST_HARNESS_MAIN
