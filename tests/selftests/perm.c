// SPDX-License-Identifier: GPL-2.0
/*
 * Who sees what: every cell of the permission model of GET_PROC, GET_VMAS
 * and /proc/ksmctl/processes (README, "Permissions"), and pid namespaces.
 *
 * Each cell runs in a child with exactly the credentials and capabilities
 * it names; the child reports through its exit code (0: as expected; other:
 * the number of the failed check, explained on stderr).
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"

/* ksmd runs several full scans per test; under emulation that takes time */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300
#include "ksmctl_lib.h"
#include "nl.h"

static int in_dump(struct proc_rec *r, int n, pid_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].pid == (uint32_t)pid)
			return 1;
	return 0;
}

/* what the cell expects of each target */
struct cell {
	int uid;
	unsigned long long caps;
	pid_t target[4];
	int visible[4];
};

#define CHECK(n, cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "# check %d failed: ", n);		\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		return n;						\
	}								\
} while (0)

static int cell_child(const struct cell *c)
{
	struct proc_rec *recs, r;
	struct nl_ans ans;
	struct vma_rec *v;
	int fd, fam, n, nv, i, err;

	CHECK(1, become(c->uid, c->caps) == 0, "become: %s", strerror(errno));
	/* the socket is opened with the cell's credentials */
	fd = nl_open();
	CHECK(2, fd >= 0, "socket");
	fam = ksmctl_family(fd);
	CHECK(3, fam > 0, "family: %d", fam);
	err = proc_dump(fd, fam, 0, &recs, &n, &ans);
	CHECK(4, err == 0, "dump: %d %s", err, ans.extack_msg);
	for (i = 0; i < 4 && c->target[i]; i++) {
		pid_t t = c->target[i];

		CHECK(10 + i, in_dump(recs, n, t) == c->visible[i],
		      "pid %d %s in the dump", t,
		      c->visible[i] ? "missing" : "present");
		err = proc_get(fd, fam, t, 0, &r, &ans);
		if (c->visible[i]) {
			CHECK(20 + i, err == 0, "doit pid %d: %d %s", t, err,
			      ans.extack_msg);
		} else {
			/* exactly as a pid that does not exist */
			CHECK(20 + i, err == -ESRCH, "doit pid %d: %d, want ESRCH", t, err);
			CHECK(30 + i, !strcmp(ans.extack_msg, "no such process"),
			      "extack '%s'", ans.extack_msg);
		}
		err = vmas_dump(fd, fam, t, &v, &nv, &ans);
		CHECK(40 + i, c->visible[i] ? (err == 0 && nv > 0) : err == -ESRCH,
		      "vmas pid %d: %d (%d vmas)", t, err, nv);
		free(v);
	}
	free(recs);
	/* status is for everybody */
	{
		struct nl_req q;

		nl_req_init(&q, fam, KSMCTL_CMD_GET_STATUS, KSMCTL_GENL_VERSION, 0);
		CHECK(50, nl_talk(fd, &q, &ans) == 0 && ans.error == 0,
		      "status: %d", ans.error);
	}
	return 0;
}

static int run_cell(const struct cell *c)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(cell_child(c));
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

FIXTURE(perm) {
	pid_t root_p, nobody_p, other_p, nobody_nodump_p;
};

FIXTURE_SETUP(perm)
{
	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->root_p = sleeper(0, 1);
	self->nobody_p = sleeper(NOBODY, 1);
	self->other_p = sleeper(OTHER, 1);
	self->nobody_nodump_p = sleeper(NOBODY, 0);
	ASSERT_LT(0, self->root_p);
	ASSERT_LT(0, self->nobody_p);
	ASSERT_LT(0, self->other_p);
	ASSERT_LT(0, self->nobody_nodump_p);
}

FIXTURE_TEARDOWN(perm)
{
	stop(self->root_p);
	stop(self->nobody_p);
	stop(self->other_p);
	stop(self->nobody_nodump_p);
}

#define TARGETS { self->root_p, self->nobody_p, self->other_p, self->nobody_nodump_p }

TEST_F(perm, root_sees_all)
{
	struct cell c = { 0, ~0ULL >> (64 - CAP_LAST_CAP - 1), TARGETS, { 1, 1, 1, 1 } };

	EXPECT_EQ(0, run_cell(&c));
}

TEST_F(perm, unprivileged_sees_own_dumpable)
{
	struct cell c = { NOBODY, 0, TARGETS, { 0, 1, 0, 0 } };

	EXPECT_EQ(0, run_cell(&c));
}

TEST_F(perm, cap_sys_ptrace_sees_all)
{
	struct cell c = { OTHER, CAPBIT(CAP_SYS_PTRACE), TARGETS, { 1, 1, 1, 1 } };

	EXPECT_EQ(0, run_cell(&c));
}

TEST_F(perm, other_caps_do_not_help)
{
	struct cell c = { OTHER, CAPBIT(CAP_SYS_ADMIN) | CAPBIT(CAP_NET_ADMIN) |
				 CAPBIT(CAP_DAC_OVERRIDE),
			  TARGETS, { 0, 0, 1, 0 } };

	EXPECT_EQ(0, run_cell(&c));
}

TEST_F(perm, root_without_cap_sys_ptrace_sees_root_only)
{
	struct cell c = { 0, (~0ULL >> (64 - CAP_LAST_CAP - 1)) &
			     ~CAPBIT(CAP_SYS_PTRACE),
			  TARGETS, { 1, 0, 0, 0 } };

	EXPECT_EQ(0, run_cell(&c));
}

/* unprivileged_view=0: a caller without CAP_SYS_PTRACE sees no process */
TEST_F(perm, unprivileged_view_off)
{
	const char *param = "/sys/module/ksmctl/parameters/unprivileged_view";
	struct cell off = { NOBODY, 0, TARGETS, { 0, 0, 0, 0 } };
	struct cell root = { 0, ~0ULL >> (64 - CAP_LAST_CAP - 1), TARGETS, { 1, 1, 1, 1 } };

	ASSERT_EQ(0, write_str_file(param, "N"));
	EXPECT_EQ(0, run_cell(&off));
	EXPECT_EQ(0, run_cell(&root));
	ASSERT_EQ(0, write_str_file(param, "Y"));
}

static char *slurp(const char *path)
{
	static const size_t cap = 1 << 20;
	char *buf = malloc(cap);
	size_t len = 0, n;
	FILE *f = fopen(path, "re");

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	while (len < cap - 1 && (n = fread(buf + len, 1, cap - 1 - len, f)) > 0)
		len += n;
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* /proc/ksmctl/processes applies the same rule to whoever opens it */
TEST(procfs_table_follows_reader)
{
	pid_t mine, theirs, reader;
	char want[32], other[32];
	char *table;
	int st;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	ksm_reset();
	mine = wl_start(1, NOBODY);
	theirs = wl_start(1, 0);
	ASSERT_LT(0, mine);
	ASSERT_LT(0, theirs);
	ASSERT_EQ(0, ksm_settle(120));
	snprintf(want, sizeof(want), "\n%7d ", mine);
	snprintf(other, sizeof(other), "\n%7d ", theirs);

	reader = fork();
	if (reader == 0) {
		char *buf;

		if (become(NOBODY, 0))
			_exit(1);
		buf = slurp("/proc/ksmctl/processes");
		if (!buf)
			_exit(2);
		if (!strstr(buf, "MERGING"))
			_exit(3);
		if (!strstr(buf, want))
			_exit(4);
		if (strstr(buf, other))
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(reader, waitpid(reader, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));

	/* root sees both */
	table = slurp("/proc/ksmctl/processes");
	ASSERT_NE(NULL, table);
	EXPECT_NE(NULL, strstr(table, want));
	EXPECT_NE(NULL, strstr(table, other));
	free(table);
	wl_stop(mine);
	wl_stop(theirs);
	ksm_reset();
}

/*
 * A caller in a child pid namespace sees only that namespace, numbered as
 * it sees it; host pids outside it do not exist for it.
 */
TEST(pid_namespace)
{
	pid_t outer = getpid(), child;
	int st;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	child = fork();		/* pid 1 of the new namespace */
	ASSERT_LE(0, child);
	if (child == 0) {
		struct proc_rec *recs, r;
		struct nl_ans ans;
		pid_t grandchild;
		int fd, fam, n, err;

		if (getpid() != 1)
			_exit(1);
		grandchild = sleeper(-1, 1);
		if (grandchild != 2)
			_exit(2);
		fd = nl_open();
		fam = ksmctl_family(fd);
		if (fam <= 0)
			_exit(3);
		err = proc_dump(fd, fam, 0, &recs, &n, &ans);
		if (err || n != 2 || recs[0].pid != 1 || recs[1].pid != 2)
			_exit(4);
		if (recs[1].ppid != 1)
			_exit(5);
		if (outer > 2) {
			err = proc_get(fd, fam, outer, 0, &r, &ans);
			if (err != -ESRCH)
				_exit(6);
		}
		if (proc_get(fd, fam, 1, 0, &r, &ans) || r.pid != 1)
			_exit(7);
		stop(grandchild);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
