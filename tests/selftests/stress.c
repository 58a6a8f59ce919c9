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

TEST_HARNESS_MAIN
