// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_GET_PROC and GET_VMAS: the per-process figures equal what the
 * kernel itself reports in /proc/PID/ksm_merging_pages and ksm_stat, the
 * proportional savings add up to pages_sharing, and malformed requests or
 * vanished processes get clear errors.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"

/* ksmd runs several full scans per test; under emulation that takes time */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300
#include "ksmctl_lib.h"
#include "nl.h"

#define NWORKERS 4

FIXTURE(merged) {
	int fd, family;
	pid_t w[NWORKERS];
	struct nl_ans ans;
};

FIXTURE_SETUP(merged)
{
	int i;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->family = ksmctl_family(self->fd);
	ASSERT_LT(0, self->family);
	ksm_reset();
	for (i = 0; i < NWORKERS; i++) {
		self->w[i] = wl_start(1, -1);
		ASSERT_LT(0, self->w[i]);
	}
	ASSERT_EQ(0, ksm_settle(120)) TH_LOG("ksmd did not settle");
}

FIXTURE_TEARDOWN(merged)
{
	int i;

	for (i = 0; i < NWORKERS; i++)
		wl_stop(self->w[i]);
	ksm_reset();
	close(self->fd);
}

static uint64_t sysfs_u64(const char *name)
{
	char path[96];
	uint64_t v = 0;

	snprintf(path, sizeof(path), KSM_SYSFS "%s", name);
	read_u64_file(path, &v);
	return v;
}

/* The workload merged as designed: the expected numbers are exact. */
TEST_F(merged, global_counters_as_designed)
{
	EXPECT_EQ(WL_SHARED(NWORKERS), sysfs_u64("pages_shared"));
	EXPECT_EQ(WL_SHARING(NWORKERS), sysfs_u64("pages_sharing"));
}

TEST_F(merged, doit_equals_kernel_procfs)
{
	int i;

	for (i = 0; i < NWORKERS; i++) {
		struct proc_rec r;
		int64_t v;

		ASSERT_EQ(0, proc_get(self->fd, self->family, self->w[i], 0,
				      &r, &self->ans))
			TH_LOG("%s", self->ans.extack_msg);
		EXPECT_EQ((uint32_t)self->w[i], r.pid);
		EXPECT_EQ((uint32_t)getpid(), r.ppid);
		EXPECT_EQ(WL_MERGING, r.merging);
		EXPECT_EQ(1, r.mergeable_vmas);
		EXPECT_EQ(WL_PAGES * (uint64_t)sysconf(_SC_PAGESIZE),
			  r.mergeable_bytes);
		EXPECT_LE(r.mergeable_bytes, r.eligible_bytes);
		EXPECT_LE(WL_PAGES * (uint64_t)sysconf(_SC_PAGESIZE) -
			  WL_MERGING * (uint64_t)sysconf(_SC_PAGESIZE), r.anon_rss);

		if (proc_pid_field(self->w[i], "ksm_merging_pages", "", &v) == 0)
			EXPECT_EQ((uint64_t)v, r.merging);
		if (proc_pid_field(self->w[i], "ksm_stat", "ksm_rmap_items", &v) == 0) {
			ASSERT_TRUE(r.has_rmap);
			EXPECT_EQ((uint64_t)v, r.rmap_items);
		}
		if (proc_pid_field(self->w[i], "ksm_stat", "ksm_zero_pages", &v) == 0) {
			ASSERT_TRUE(r.has_zero);
			EXPECT_EQ((uint64_t)v, r.zero_pages);
		}
		if (proc_pid_field(self->w[i], "ksm_stat", "ksm_process_profit", &v) == 0) {
			EXPECT_EQ(v, r.profit);
		} else if (r.has_rmap) {
			EXPECT_EQ((int64_t)(r.merging + r.zero_pages) * sysconf(_SC_PAGESIZE) -
				  (int64_t)r.rmap_items * 64, r.profit);
		}
	}
}

/* Every process of the dump matches the kernel's own per-process files. */
TEST_F(merged, dump_equals_kernel_procfs)
{
	struct proc_rec *recs;
	int n, i, j, seen = 0;

	ASSERT_EQ(0, proc_dump(self->fd, self->family, 0, &recs, &n, &self->ans));
	ASSERT_LT(NWORKERS, n);
	for (i = 0; i < n; i++) {
		int64_t v;

		if (i)
			EXPECT_LT(recs[i - 1].pid, recs[i].pid)
				TH_LOG("dump out of order or duplicate");
		for (j = 0; j < NWORKERS; j++)
			if (recs[i].pid == (uint32_t)self->w[j])
				seen++;
		if (proc_pid_field(recs[i].pid, "ksm_merging_pages", "", &v) == 0)
			EXPECT_EQ((uint64_t)v, recs[i].merging)
				TH_LOG("pid %u (%s)", recs[i].pid, recs[i].comm);
		if (proc_pid_field(recs[i].pid, "ksm_stat", "ksm_rmap_items", &v) == 0)
			EXPECT_EQ((uint64_t)v, recs[i].rmap_items)
				TH_LOG("pid %u (%s)", recs[i].pid, recs[i].comm);
	}
	EXPECT_EQ(NWORKERS, seen);
	free(recs);
}

/* Proportional savings: sum to pages_sharing, to the byte per process. */
TEST_F(merged, proportional_sums_to_pages_sharing)
{
	uint64_t psz = sysconf(_SC_PAGESIZE), sum = 0, mapped = 0, want;
	uint64_t shared = sysfs_u64("pages_shared");
	struct proc_rec *recs;
	int n, i;

	ASSERT_EQ(0, proc_dump(self->fd, self->family,
			       KSMCTL_PROC_F_PROPORTIONAL, &recs, &n, &self->ans));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(recs[i].has_prop);
		sum += recs[i].prop_saved;
		mapped += recs[i].ksm_mapped;
		/* on kernels with the counter, the walk agrees with it */
		if (recs[i].has_rmap)
			EXPECT_EQ(recs[i].merging, recs[i].ksm_mapped)
				TH_LOG("pid %u", recs[i].pid);
	}
	want = sysfs_u64("pages_sharing") * psz;
	TH_LOG("proportional sum %llu bytes, pages_sharing %llu bytes, %d processes",
	       (unsigned long long)sum, (unsigned long long)want, n);
	EXPECT_LE(sum, want + n);
	EXPECT_LE(want, sum + n);
	/* every mapping of every KSM page was seen exactly once */
	EXPECT_EQ(shared + sysfs_u64("pages_sharing"), mapped);
	free(recs);
}

TEST_F(merged, vmas_account_for_merging_pages)
{
	struct vma_rec *v;
	uint64_t ksm = 0;
	int n, i, mergeable = 0, heap = 0, stack = 0;

	ASSERT_EQ(0, vmas_dump(self->fd, self->family, self->w[0], &v, &n,
			       &self->ans)) TH_LOG("%s", self->ans.extack_msg);
	ASSERT_LT(3, n);
	for (i = 0; i < n; i++) {
		EXPECT_LT(v[i].start, v[i].end);
		if (i)
			EXPECT_LE(v[i - 1].end, v[i].start);
		ksm += v[i].ksm_pages;
		if (v[i].flags & KSMCTL_VMA_F_MERGEABLE) {
			mergeable++;
			EXPECT_EQ((uint64_t)WL_PAGES * sysconf(_SC_PAGESIZE),
				  v[i].end - v[i].start);
			EXPECT_TRUE(v[i].flags & KSMCTL_VMA_F_ANON);
			EXPECT_TRUE(v[i].flags & KSMCTL_VMA_F_ELIGIBLE);
			EXPECT_EQ(WL_MERGING, v[i].ksm_pages);
		} else {
			EXPECT_EQ(0, v[i].ksm_pages);
		}
		if (!strcmp(v[i].name, "[stack]")) {
			stack++;
			EXPECT_TRUE(v[i].flags & KSMCTL_VMA_F_STACK);
		}
		if (!strcmp(v[i].name, "[heap]")) {
			heap++;
			EXPECT_TRUE(v[i].flags & KSMCTL_VMA_F_HEAP);
		}
		if (!strcmp(v[i].name, "[vvar]") || !strcmp(v[i].name, "[vdso]"))
			EXPECT_FALSE(v[i].flags & KSMCTL_VMA_F_ELIGIBLE);
	}
	EXPECT_EQ(1, mergeable);
	EXPECT_EQ(1, stack);
	EXPECT_GE(1, heap);
	EXPECT_EQ(WL_MERGING, ksm);
	free(v);
}

/* ---- errors ---- */

FIXTURE(proc) {
	int fd, family;
	struct nl_ans ans;
	struct proc_rec r;
};

FIXTURE_SETUP(proc)
{
	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->family = ksmctl_family(self->fd);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(proc)
{
	close(self->fd);
}

TEST_F(proc, self_is_reported)
{
	ASSERT_EQ(0, proc_get(self->fd, self->family, getpid(), 0, &self->r,
			      &self->ans));
	EXPECT_EQ((uint32_t)getpid(), self->r.pid);
	EXPECT_STREQ("proc_stats", self->r.comm);
	EXPECT_EQ(0, self->r.uid);
	EXPECT_LT(0, self->r.anon_rss);
	EXPECT_LT(0, self->r.eligible_bytes);
}

TEST_F(proc, missing_pid)
{
	struct nl_req r;

	nl_req_init(&r, self->family, KSMCTL_CMD_GET_PROC, KSMCTL_GENL_VERSION, 0);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_STREQ("missing pid (KSMCTL_A_PID)", self->ans.extack_msg);
}

TEST_F(proc, pid_zero)
{
	EXPECT_EQ(-EINVAL, proc_get(self->fd, self->family, 0, 0, &self->r,
				    &self->ans));
	EXPECT_STREQ("invalid pid", self->ans.extack_msg);
	EXPECT_LE(0, self->ans.extack_off);
}

TEST_F(proc, unknown_pid)
{
	EXPECT_EQ(-ESRCH, proc_get(self->fd, self->family, unused_pid(), 0,
				   &self->r, &self->ans));
	EXPECT_STREQ("no such process", self->ans.extack_msg);
	/* beyond what any kernel allows: not a pid at all */
	EXPECT_EQ(-EINVAL, proc_get(self->fd, self->family, 4194305, 0,
				    &self->r, &self->ans));
	EXPECT_STREQ("invalid pid", self->ans.extack_msg);
}

TEST_F(proc, kernel_thread)
{
	/* pid 2 is kthreadd */
	EXPECT_EQ(-EINVAL, proc_get(self->fd, self->family, 2, 0, &self->r,
				    &self->ans));
	EXPECT_STREQ("is a kernel thread, it has no user memory",
		     self->ans.extack_msg);
}

TEST_F(proc, zombie)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	usleep(100000);		/* exited, not reaped */
	EXPECT_EQ(-ESRCH, proc_get(self->fd, self->family, pid, 0, &self->r,
				   &self->ans));
	EXPECT_STREQ("process is exiting", self->ans.extack_msg);
	waitpid(pid, NULL, 0);
}

TEST_F(proc, unknown_flags)
{
	EXPECT_EQ(-EINVAL, proc_get(self->fd, self->family, getpid(), 1U << 30,
				    &self->r, &self->ans));
	EXPECT_STREQ("unknown flags for GET_PROC", self->ans.extack_msg);
	EXPECT_EQ(-EINVAL, proc_get(self->fd, self->family, getpid(),
				    KSMCTL_PROC_F_MERGING_ONLY, &self->r,
				    &self->ans));
	EXPECT_STREQ("MERGING_ONLY applies to dumps only", self->ans.extack_msg);
}

static int ignore_msg(const struct nlmsghdr *nlh, void *arg)
{
	return 0;
}

TEST_F(proc, vmas_errors)
{
	struct vma_rec *v = NULL;
	struct nl_req r;
	int n;

	EXPECT_EQ(-ESRCH, vmas_dump(self->fd, self->family, unused_pid(), &v, &n,
				    &self->ans));
	EXPECT_STREQ("no such process", self->ans.extack_msg);
	free(v);
	v = NULL;
	EXPECT_EQ(-EINVAL, vmas_dump(self->fd, self->family, 2, &v, &n,
				     &self->ans));
	free(v);
	nl_req_init(&r, self->family, KSMCTL_CMD_GET_VMAS, KSMCTL_GENL_VERSION, 0);
	EXPECT_EQ(-EINVAL, nl_dump(self->fd, &r, &self->ans, ignore_msg, NULL));
	EXPECT_STREQ("missing pid (KSMCTL_A_PID)", self->ans.extack_msg);
}

/* Processes exiting during dumps and doits: no error, no duplicate. */
TEST_F(proc, churn)
{
	pid_t spawner = fork();
	int round;

	ASSERT_LE(0, spawner);
	if (spawner == 0) {
		for (;;) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			if (c > 0)
				waitpid(c, NULL, 0);
		}
	}
	for (round = 0; round < 40; round++) {
		struct proc_rec *recs;
		int n, i, err;

		err = proc_dump(self->fd, self->family,
				round & 1 ? KSMCTL_PROC_F_PROPORTIONAL : 0,
				&recs, &n, &self->ans);
		EXPECT_EQ(0, err);
		for (i = 1; i < n; i++)
			EXPECT_LT(recs[i - 1].pid, recs[i].pid);
		/* whatever the newest pid is now, asking for it never fails badly */
		if (n) {
			err = proc_get(self->fd, self->family, recs[n - 1].pid + 1,
				       0, &self->r, &self->ans);
			EXPECT_TRUE(err == 0 || err == -ESRCH) TH_LOG("err %d", err);
		}
		free(recs);
	}
	kill(spawner, SIGKILL);
	waitpid(spawner, NULL, 0);
}

TEST_HARNESS_MAIN
