// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_MARK / UNMARK: another process's memory made mergeable without
 * its cooperation, for static and dynamic programs that never call
 * madvise(), with the same result as when they madvise themselves, and
 * without changing a byte of what they hold.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"

/* ksmd runs several full scans per test; under emulation that takes time */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300
#include "ksmctl_lib.h"
#include "nl.h"

#define COPIES	4
#define MIB	"8"

static int open_family(int *fd)
{
	*fd = nl_open();
	return *fd < 0 ? *fd : ksmctl_family(*fd);
}

static uint64_t merging_of(int fd, int family, pid_t pid)
{
	struct proc_rec r;
	struct nl_ans ans;

	if (proc_get(fd, family, pid, 0, &r, &ans))
		return (uint64_t)-1;
	return r.merging;
}

FIXTURE(targets) {
	int fd, family;
	struct target t[COPIES];
	struct nl_ans ans;
	struct mark_rec m;
	char line[128];
};

FIXTURE_VARIANT(targets) {
	const char *prog;
};

FIXTURE_VARIANT_ADD(targets, static_binary) { .prog = "ksm_target" };
FIXTURE_VARIANT_ADD(targets, dynamic_binary) { .prog = "ksm_target_dyn" };

FIXTURE_SETUP(targets)
{
	int i;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->family = open_family(&self->fd);
	ASSERT_LT(0, self->family);
	ksm_reset();
	for (i = 0; i < COPIES; i++)
		ASSERT_EQ(0, target_start(&self->t[i], variant->prog, MIB, NULL))
			TH_LOG("cannot start %s", variant->prog);
}

FIXTURE_TEARDOWN(targets)
{
	int i;

	for (i = 0; i < COPIES; i++)
		target_stop(&self->t[i]);
	ksm_reset();
	close(self->fd);
}

static void expect_intact(struct __test_metadata *_metadata,
			  FIXTURE_DATA(targets) *self, const char *when)
{
	int i;

	for (i = 0; i < COPIES; i++) {
		ASSERT_EQ(0, target_cmd(&self->t[i], "check", self->line,
					sizeof(self->line)));
		EXPECT_STREQ("ok", self->line) TH_LOG("copy %d %s", i, when);
	}
}

/*
 * Merge, copy-on-write, unmerge: the contents never change, the merging
 * pages follow, and marking covers what PR_SET_MEMORY_MERGE would.
 */
TEST_F(targets, merge_write_unmerge)
{
	uint64_t merged = 0, after_write = 0;
	int i;

	expect_intact(_metadata, self, "before");
	for (i = 0; i < COPIES; i++) {
		struct proc_rec r;

		EXPECT_EQ(0, merging_of(self->fd, self->family, self->t[i].pid));
		ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK,
				  self->t[i].pid, NULL, &self->m, &self->ans))
			TH_LOG("%s", self->ans.extack_msg);
		EXPECT_EQ(1, self->m.processes);
		EXPECT_LT(2, self->m.vmas);
		EXPECT_LT(8u << 20, self->m.bytes);
		EXPECT_FALSE(self->m.interrupted);
		/* every VMA KSM accepts is now mergeable */
		ASSERT_EQ(0, proc_get(self->fd, self->family, self->t[i].pid, 0,
				      &r, &self->ans));
		EXPECT_EQ(r.eligible_bytes, r.mergeable_bytes);
		EXPECT_EQ(self->m.vmas, r.mergeable_vmas);
	}
	ASSERT_EQ(0, ksm_settle(180));
	for (i = 0; i < COPIES; i++)
		merged += merging_of(self->fd, self->family, self->t[i].pid);
	TH_LOG("%s: %llu pages merging after ksmctl merge", variant->prog,
	       (unsigned long long)merged);
	/* 8 MiB + 4 MiB of heap + bss + stack in each copy */
	EXPECT_LE(COPIES * (12u << 20) / 4096, merged);
	expect_intact(_metadata, self, "after merging");

	/* the targets write half of their pages: copy-on-write */
	for (i = 0; i < COPIES; i++) {
		ASSERT_EQ(0, target_cmd(&self->t[i], "write", self->line,
					sizeof(self->line)));
		ASSERT_STREQ("ok", self->line);
	}
	expect_intact(_metadata, self, "after writing");
	ASSERT_EQ(0, ksm_settle(60));
	for (i = 0; i < COPIES; i++)
		after_write += merging_of(self->fd, self->family, self->t[i].pid);
	/* the rewritten halves are identical again in every copy: merged again */
	EXPECT_LE(merged * 99 / 100, after_write);
	expect_intact(_metadata, self, "after merging again");

	for (i = 0; i < COPIES; i++) {
		ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_UNMARK,
				  self->t[i].pid, NULL, &self->m, &self->ans))
			TH_LOG("%s", self->ans.extack_msg);
		EXPECT_LT(2, self->m.vmas);
		EXPECT_FALSE(self->m.interrupted);
	}
	ASSERT_EQ(0, ksm_settle(180));
	for (i = 0; i < COPIES; i++) {
		struct proc_rec r;

		ASSERT_EQ(0, proc_get(self->fd, self->family, self->t[i].pid,
				      KSMCTL_PROC_F_PROPORTIONAL, &r, &self->ans));
		EXPECT_EQ(0, r.merging);
		EXPECT_EQ(0, r.ksm_mapped);
		EXPECT_EQ(0, r.mergeable_bytes);
	}
	expect_intact(_metadata, self, "after unmerging");
}

/* ksmctl merge reaches what the programs reach by madvise()ing themselves */
TEST_F(targets, same_as_self_madvise)
{
	uint64_t remote = 0, self_adv = 0;
	int i;

	for (i = 0; i < COPIES; i++)
		ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK,
				  self->t[i].pid, NULL, &self->m, &self->ans));
	ASSERT_EQ(0, ksm_settle(180));
	for (i = 0; i < COPIES; i++)
		remote += merging_of(self->fd, self->family, self->t[i].pid);

	for (i = 0; i < COPIES; i++)
		target_stop(&self->t[i]);
	ksm_reset();
	for (i = 0; i < COPIES; i++)
		ASSERT_EQ(0, target_start(&self->t[i], variant->prog, "--madvise",
					  MIB, NULL));
	ASSERT_EQ(0, ksm_settle(180));
	for (i = 0; i < COPIES; i++)
		self_adv += merging_of(self->fd, self->family, self->t[i].pid);

	TH_LOG("%s: merging pages: ksmctl merge %llu, self-madvise %llu",
	       variant->prog, (unsigned long long)remote,
	       (unsigned long long)self_adv);
	EXPECT_LT(0, self_adv);
	EXPECT_LE(self_adv * 99 / 100, remote);
	EXPECT_LE(remote * 99 / 100, self_adv);
	expect_intact(_metadata, self, "self-madvised");
}

static int find_vma_of(int fd, int family, pid_t pid, unsigned long addr,
		       struct vma_rec *out)
{
	struct vma_rec *v;
	struct nl_ans ans;
	int n, i, found = -1;

	if (vmas_dump(fd, family, pid, &v, &n, &ans))
		return -1;
	for (i = 0; i < n; i++)
		if (v[i].start <= addr && addr < v[i].end) {
			*out = v[i];
			found = 0;
		}
	free(v);
	return found;
}

static int count_mergeable(int fd, int family, pid_t pid, uint32_t must_flag)
{
	struct vma_rec *v;
	struct nl_ans ans;
	int n, i, c = 0;

	if (vmas_dump(fd, family, pid, &v, &n, &ans))
		return -1;
	for (i = 0; i < n; i++)
		if (v[i].flags & KSMCTL_VMA_F_MERGEABLE) {
			if (must_flag && !(v[i].flags & must_flag))
				c += 1000;	/* marked what it must not */
			c++;
		}
	free(v);
	return c;
}

/* A range marks the VMAs wholly inside it, and says what it left out. */
TEST_F(targets, range_selects_whole_vmas)
{
	struct mark_opts o = { 0 };
	struct vma_rec v;
	pid_t pid = self->t[0].pid;

	ASSERT_EQ(0, find_vma_of(self->fd, self->family, pid,
				 self->t[0].mmap_addr, &v));
	/* a range cutting the VMA: nothing marked, one skipped */
	o.start = v.start + 4096;
	o.end = v.end;
	ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK, pid, &o,
			  &self->m, &self->ans));
	EXPECT_EQ(0, self->m.vmas);
	EXPECT_EQ(1, self->m.skipped[KSMCTL_SKIP_RANGE]);
	EXPECT_EQ(0, count_mergeable(self->fd, self->family, pid, 0));

	o.start = v.start;
	ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK, pid, &o,
			  &self->m, &self->ans));
	EXPECT_EQ(1, self->m.vmas);
	EXPECT_EQ(v.end - v.start, self->m.bytes);
	EXPECT_EQ(1, count_mergeable(self->fd, self->family, pid, 0));
	ASSERT_EQ(0, find_vma_of(self->fd, self->family, pid,
				 self->t[0].mmap_addr, &v));
	EXPECT_TRUE(v.flags & KSMCTL_VMA_F_MERGEABLE);

	/* again: already done */
	ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK, pid, &o,
			  &self->m, &self->ans));
	EXPECT_EQ(0, self->m.vmas);
	EXPECT_EQ(1, self->m.already_vmas);
}

TEST_F(targets, classes_select_memory)
{
	struct mark_opts o = { .classes = KSMCTL_CLASS_HEAP };
	pid_t pid = self->t[0].pid;

	ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK, pid, &o,
			  &self->m, &self->ans));
	EXPECT_EQ(1, self->m.vmas);
	EXPECT_LT(0, self->m.skipped[KSMCTL_SKIP_CLASS]);
	EXPECT_EQ(1, count_mergeable(self->fd, self->family, pid,
				     KSMCTL_VMA_F_HEAP));

	o.classes = KSMCTL_CLASS_STACK;
	ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK, pid, &o,
			  &self->m, &self->ans));
	EXPECT_EQ(1, self->m.vmas);

	o.classes = KSMCTL_CLASS_FILE;
	ASSERT_EQ(0, mark(self->fd, self->family, KSMCTL_CMD_MARK, pid, &o,
			  &self->m, &self->ans));
	EXPECT_LT(0, self->m.vmas);	/* .data of the binary (and of libc) */
}

/* ---- a process tree ---- */

static pid_t tree(int children)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		int i;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 0; i < children; i++)
			if (fork() == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				for (;;)
					pause();
			}
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

TEST(tree_marks_descendants)
{
	struct mark_opts o = { .flags = KSMCTL_MARK_F_TREE };
	struct mark_rec m;
	struct nl_ans ans;
	int fd, family;
	pid_t root;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	family = open_family(&fd);
	ASSERT_LT(0, family);
	root = tree(3);
	ASSERT_LT(0, root);
	ASSERT_EQ(0, mark(fd, family, KSMCTL_CMD_MARK, root, NULL, &m, &ans));
	EXPECT_EQ(1, m.processes);
	ASSERT_EQ(0, mark(fd, family, KSMCTL_CMD_MARK, root, &o, &m, &ans));
	EXPECT_EQ(4, m.processes);
	EXPECT_EQ(1, m.already_vmas ? 1 : 0);	/* the root was done already */
	EXPECT_LT(0, m.vmas);			/* its children were not */
	EXPECT_EQ(0, m.failed_processes);
	ASSERT_EQ(0, mark(fd, family, KSMCTL_CMD_UNMARK, root, &o, &m, &ans));
	EXPECT_EQ(4, m.processes);
	kill(root, SIGKILL);
	waitpid(root, NULL, 0);
	ksm_reset();
	close(fd);
}

/* ---- races ---- */

static void churn(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t c;

		if (p != MAP_FAILED) {
			memset(p, 0x11, 1 << 16);
			munmap(p, 1 << 16);
		}
		c = fork();
		if (c == 0) {
			char *q = malloc(1 << 15);

			if (q)
				memset(q, 0x22, 1 << 15);
			usleep(1000);
			_exit(0);
		}
		if (c > 0 && (c & 7))
			waitpid(c, NULL, 0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

/*
 * Marking and unmarking a process that maps, unmaps, forks and reaps all
 * the time, while another process dumps: only "it exited" failures.
 */
TEST(race_with_mmap_fork_exit_and_dumps)
{
	struct mark_opts o = { .flags = KSMCTL_MARK_F_TREE };
	pid_t churner, dumper;
	struct mark_rec m;
	struct nl_ans ans;
	int fd, family, i, ok = 0;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	family = open_family(&fd);
	ASSERT_LT(0, family);
	write_str_file(KSM_SYSFS "sleep_millisecs", "0");
	write_str_file(KSM_SYSFS "run", "1");
	churner = fork();
	if (churner == 0)
		churn();
	dumper = fork();
	if (dumper == 0) {
		int dfd, dfam;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dfam = open_family(&dfd);
		for (;;) {
			struct proc_rec *r;
			struct nl_ans a;
			int n;

			if (proc_dump(dfd, dfam, KSMCTL_PROC_F_PROPORTIONAL, &r,
				      &n, &a))
				_exit(1);
			free(r);
		}
	}
	for (i = 0; i < 200; i++) {
		int cmd = i & 1 ? KSMCTL_CMD_UNMARK : KSMCTL_CMD_MARK;
		int err = mark(fd, family, cmd, churner, &o, &m, &ans);

		EXPECT_EQ(0, err) TH_LOG("round %d: %d %s", i, err, ans.extack_msg);
		if (!err)
			ok++;
	}
	EXPECT_EQ(200, ok);
	/* the dumper never failed */
	EXPECT_EQ(0, waitpid(dumper, NULL, WNOHANG));
	kill(churner, SIGKILL);
	kill(dumper, SIGKILL);
	waitpid(churner, NULL, 0);
	waitpid(dumper, NULL, 0);
	ksm_reset();
	close(fd);
}

static void on_usr1(int sig)
{
}

/* UNMARK pid, with a signal arriving after delay */
static int unmark_with_signal(int fd, int family, pid_t pid, useconds_t delay,
			      struct mark_rec *m, struct nl_ans *ans)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	pid_t parent = getpid(), killer;
	int err;

	sigaction(SIGUSR1, &sa, NULL);
	killer = fork();
	if (killer == 0) {
		usleep(delay);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	err = mark(fd, family, KSMCTL_CMD_UNMARK, pid, NULL, m, ans);
	waitpid(killer, NULL, 0);
	return err;
}

/* VMAs of pid without VM_MERGEABLE that still map KSM pages; -1 on error */
static int unmarked_but_merged(int fd, int family, pid_t pid)
{
	struct vma_rec *v = NULL;
	struct nl_ans ans;
	int n, i, bad = 0;

	if (vmas_dump(fd, family, pid, &v, &n, &ans))
		return -1;
	for (i = 0; i < n; i++) {
		if (!(v[i].flags & KSMCTL_VMA_F_MERGEABLE) && v[i].ksm_pages) {
			fprintf(stderr, "# %#llx-%#llx: unmarked, %llu pages merged\n",
				(unsigned long long)v[i].start, (unsigned long long)v[i].end,
				(unsigned long long)v[i].ksm_pages);
			bad++;
		}
	}
	free(v);
	return bad;
}

/*
 * UNMARK of a big merged process stops at a signal, says how far it got,
 * leaves the process intact, and a second UNMARK finishes the job.
 */
TEST(unmark_interrupted)
{
	struct target t[2];
	struct mark_rec m;
	struct nl_ans ans;
	int fd, family, i, interrupted = 0, attempt, err;
	char line[64];

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	family = open_family(&fd);
	ASSERT_LT(0, family);
	ksm_reset();
	for (attempt = 0; attempt < 6 && !interrupted; attempt++) {
		useconds_t delay = 20000 >> attempt;

		for (i = 0; i < 2; i++) {
			ASSERT_EQ(0, target_start(&t[i], "ksm_target", "64", NULL));
			ASSERT_EQ(0, mark(fd, family, KSMCTL_CMD_MARK, t[i].pid,
					  NULL, &m, &ans));
		}
		ASSERT_EQ(0, ksm_settle(300));
		ASSERT_LT(16000, merging_of(fd, family, t[0].pid));

		err = unmark_with_signal(fd, family, t[0].pid, delay, &m, &ans);
		if (err == 0 && m.interrupted) {
			interrupted = 1;
			TH_LOG("interrupted, %u VMAs unmarked, %llu merging left",
			       m.vmas, (unsigned long long)
			       merging_of(fd, family, t[0].pid));
		} else if (err == -EINTR) {
			interrupted = 1;
			EXPECT_STREQ("interrupted before any change", ans.extack_msg);
		} else {
			EXPECT_EQ(0, err);
		}
		/* stopped or not, no VMA is left unmarked with pages still merged */
		EXPECT_EQ(0, unmarked_but_merged(fd, family, t[0].pid));
		ASSERT_EQ(0, target_cmd(&t[0], "check", line, sizeof(line)));
		EXPECT_STREQ("ok", line);

		/* finish: nothing stays merged */
		ASSERT_EQ(0, mark(fd, family, KSMCTL_CMD_UNMARK, t[0].pid, NULL,
				  &m, &ans));
		EXPECT_FALSE(m.interrupted);
		ASSERT_EQ(0, ksm_settle(300));
		EXPECT_EQ(0, merging_of(fd, family, t[0].pid));
		ASSERT_EQ(0, target_cmd(&t[0], "check", line, sizeof(line)));
		EXPECT_STREQ("ok", line);
		for (i = 0; i < 2; i++)
			target_stop(&t[i]);
		ksm_reset();
	}
	EXPECT_TRUE(interrupted) TH_LOG("no attempt was interrupted");
	close(fd);
}

/* ---- bad input and permissions ---- */

FIXTURE(bad) {
	int fd, family;
	struct nl_ans ans;
	struct mark_rec m;
	struct mark_opts o;
};

FIXTURE_SETUP(bad)
{
	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->family = open_family(&self->fd);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(bad)
{
	close(self->fd);
}

#define EXPECT_MARK_ERR(pid, opts, err, msg) do {			\
	EXPECT_EQ(err, mark(self->fd, self->family, KSMCTL_CMD_MARK,	\
			    pid, opts, &self->m, &self->ans));		\
	EXPECT_STREQ(msg, self->ans.extack_msg);			\
} while (0)

TEST_F(bad, unknown_pid)
{
	EXPECT_MARK_ERR(unused_pid(), NULL, -ESRCH, "no such process");
}

TEST_F(bad, pid_zero)
{
	EXPECT_MARK_ERR(0, NULL, -EINVAL, "invalid pid");
}

TEST_F(bad, kernel_thread)
{
	EXPECT_MARK_ERR(2, NULL, -EINVAL,
			"is a kernel thread, it has no user memory");
}

TEST_F(bad, zombie)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	usleep(100000);
	EXPECT_MARK_ERR(pid, NULL, -ESRCH, "process is exiting");
	waitpid(pid, NULL, 0);
}

TEST_F(bad, ranges)
{
	self->o.start = 0x2000;
	self->o.end = 0x1000;
	EXPECT_MARK_ERR(getpid(), &self->o, -EINVAL, "range is empty or inverted");
	self->o.start = 1ULL << 60;
	self->o.end = (1ULL << 60) + 4096;
	EXPECT_MARK_ERR(getpid(), &self->o, -EINVAL,
			"range is outside the user address space");
}

TEST_F(bad, half_range)
{
	struct nl_req r;
	uint64_t start = 0x1000;

	nl_req_init(&r, self->family, KSMCTL_CMD_MARK, KSMCTL_GENL_VERSION, 0);
	nl_put_u32(&r, KSMCTL_A_PID, getpid());
	nl_put(&r, KSMCTL_A_RANGE_START, &start, 8);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_STREQ("range needs both RANGE_START and RANGE_END",
		     self->ans.extack_msg);
}

TEST_F(bad, classes_and_flags)
{
	self->o.classes = 1U << 20;
	EXPECT_MARK_ERR(getpid(), &self->o, -EINVAL, "unknown memory class");
	self->o.classes = 0;
	self->o.flags = 1U << 20;
	EXPECT_MARK_ERR(getpid(), &self->o, -EINVAL, "reserved bit set");
}

TEST_F(bad, missing_pid)
{
	struct nl_req r;

	nl_req_init(&r, self->family, KSMCTL_CMD_UNMARK, KSMCTL_GENL_VERSION, 0);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_STREQ("missing pid (KSMCTL_A_PID)", self->ans.extack_msg);
}

/* who may mark: CAP_SYS_ADMIN, nothing less */
static int try_mark_as(int uid, unsigned long long caps, pid_t target)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { 0 };
		struct mark_rec m;
		struct nl_ans ans;
		int fd, fam, err;

		prctl(PR_SET_KEEPCAPS, 1);
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(100);
		d[0].effective = d[0].permitted = (uint32_t)caps;
		d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
		if (syscall(SYS_capset, &h, d))
			_exit(101);
		fam = open_family(&fd);
		err = mark(fd, fam, KSMCTL_CMD_MARK, target, NULL, &m, &ans);
		if (err == -EPERM &&
		    strcmp(ans.extack_msg,
			   "changing another process's memory needs CAP_SYS_ADMIN"))
			_exit(102);
		_exit(err == 0 ? 0 : err == -EPERM ? 1 : 103);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST(permission)
{
	pid_t own = fork();

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	if (own == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setresuid(65534, 65534, 65534))
			_exit(1);
		for (;;)
			pause();
	}
	usleep(50000);
	/* not even one's own process without CAP_SYS_ADMIN */
	EXPECT_EQ(1, try_mark_as(65534, 0, own));
	EXPECT_EQ(1, try_mark_as(65534, 1ULL << CAP_SYS_PTRACE, own));
	EXPECT_EQ(1, try_mark_as(0, (1ULL << CAP_SYS_PTRACE) | (1ULL << CAP_NET_ADMIN), own));
	EXPECT_EQ(0, try_mark_as(65533, 1ULL << CAP_SYS_ADMIN, own));
	kill(own, SIGKILL);
	waitpid(own, NULL, 0);
	ksm_reset();
}

TEST_HARNESS_MAIN
