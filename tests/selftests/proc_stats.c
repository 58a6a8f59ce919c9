// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_GET_PROC and GET_VMAS: the per-process figures equal what the
 * kernel itself reports in /proc/PID/ksm_merging_pages and ksm_stat, the
 * proportional savings add up to pages_sharing, and malformed requests or
 * vanished processes get clear errors.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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
	EXPECT_EQ(ack_miss_type(KSMCTL_A_PID), self->ans.miss_type);
	EXPECT_EQ(-1, self->ans.miss_nest_off);
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
	struct proc_rec *recs = NULL;
	int n;

	EXPECT_EQ(-EINVAL, proc_get(self->fd, self->family, getpid(), 1U << 30,
				    &self->r, &self->ans));
	EXPECT_STREQ("reserved bit set", self->ans.extack_msg);
	EXPECT_LE(0, self->ans.extack_off);
	/* a dump too, before its first message */
	EXPECT_EQ(-EINVAL, proc_dump(self->fd, self->family, 1U << 30, &recs,
				     &n, &self->ans));
	EXPECT_STREQ("reserved bit set", self->ans.extack_msg);
	free(recs);
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

/* ---- cgroups ---- */

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CG_PREFIX	"ksmctl-cgpath-"
/* more cgroups than the module keeps paths of in one dump (8) */
#define NCG		11
#define PER_CG		3

/* the cgroup v2 path of pid as this process sees it (/proc/PID/cgroup) */
static int proc_cgroup(pid_t pid, char *buf, size_t len)
{
	char path[64], line[512];
	int ret = -ENOENT;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		n = strlen(line + 3) < len ? strlen(line + 3) : len - 1;
		memcpy(buf, line + 3, n);
		buf[n] = '\0';
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/*
 * Every record's cgroup path equals /proc/PID/cgroup read by this process
 * (processes that exited meanwhile aside); with check_id, the cgroup id is
 * the inode of that cgroup's directory. Returns the mismatches.
 */
static int check_dump_cgroups(int fd, int family, int check_id,
			      const pid_t *pids, const char (*want)[80], int n)
{
	struct proc_rec *recs;
	int nrec, i, j, bad = 0, found = 0;
	struct nl_ans *ans = malloc(sizeof(*ans));

	if (!ans || proc_dump(fd, family, 0, &recs, &nrec, ans)) {
		fprintf(stderr, "# dump failed\n");
		free(ans);
		return 1;
	}
	for (i = 0; i < nrec; i++) {
		char cg[256], dir[512];
		struct stat sb;

		for (j = 0; j < n; j++) {
			if (recs[i].pid != (uint32_t)pids[j])
				continue;
			found++;
			if (strcmp(recs[i].cgroup_path, want[j])) {
				fprintf(stderr, "# pid %u: cgroup \"%s\", want \"%s\"\n",
					recs[i].pid, recs[i].cgroup_path, want[j]);
				bad++;
			}
		}
		if (proc_cgroup(recs[i].pid, cg, sizeof(cg)))
			continue;	/* gone */
		if (strcmp(recs[i].cgroup_path, cg)) {
			fprintf(stderr, "# pid %u (%s): cgroup \"%s\", /proc says \"%s\"\n",
				recs[i].pid, recs[i].comm, recs[i].cgroup_path, cg);
			bad++;
		}
		snprintf(dir, sizeof(dir), CGROUP_ROOT "%s", cg);
		if (check_id && !stat(dir, &sb) && sb.st_ino != recs[i].cgroup_id) {
			fprintf(stderr, "# pid %u: cgroup id %llu, %s is inode %llu\n",
				recs[i].pid, (unsigned long long)recs[i].cgroup_id,
				dir, (unsigned long long)sb.st_ino);
			bad++;
		}
	}
	if (found != n) {
		fprintf(stderr, "# %d of %d processes in the dump\n", found, n);
		bad++;
	}
	free(recs);
	free(ans);
	return bad;
}

/*
 * Processes of many cgroups, interleaved by pid, in one dump: each gets its
 * own cgroup's path and id, though the module names each cgroup once per
 * dump and keeps fewer paths than there are cgroups; a nested cgroup too.
 * Then a caller in a cgroup namespace gets the paths it sees itself.
 */
TEST(dump_cgroup_paths)
{
	pid_t kids[NCG * PER_CG], me;
	char want[NCG * PER_CG][80], dir[128];
	int fd, family, i, status;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	if (access(CGROUP_ROOT "/cgroup.procs", F_OK))
		SKIP(return, "no cgroup v2 hierarchy at " CGROUP_ROOT);
	/* NCG - 1 side by side, the last one nested in the first */
	for (i = 0; i < NCG - 1; i++) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/" CG_PREFIX "%d", i);
		if (mkdir(dir, 0755) && errno != EEXIST)
			SKIP(return, "cannot create a cgroup v2: %s", strerror(errno));
	}
	snprintf(dir, sizeof(dir), CGROUP_ROOT "/" CG_PREFIX "0/sub");
	ASSERT_TRUE(!mkdir(dir, 0755) || errno == EEXIST);

	fd = nl_open();
	ASSERT_LE(0, fd);
	family = ksmctl_family(fd);
	ASSERT_LT(0, family);

	/* consecutive pids in different cgroups: round robin over them */
	for (i = 0; i < NCG * PER_CG; i++) {
		int cg = i % NCG;
		char procs[160], pid[16];

		if (cg == NCG - 1)
			snprintf(want[i], sizeof(want[i]), "/" CG_PREFIX "0/sub");
		else
			snprintf(want[i], sizeof(want[i]), "/" CG_PREFIX "%d", cg);
		kids[i] = fork();
		ASSERT_LE(0, kids[i]);
		if (kids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pause();
			_exit(0);
		}
		snprintf(procs, sizeof(procs), CGROUP_ROOT "%s/cgroup.procs", want[i]);
		snprintf(pid, sizeof(pid), "%d", kids[i]);
		ASSERT_EQ(0, write_str_file(procs, pid)) TH_LOG("%s", procs);
	}

	EXPECT_EQ(0, check_dump_cgroups(fd, family, 1, kids, want, NCG * PER_CG));
	/* a second dump starts with nothing known */
	EXPECT_EQ(0, check_dump_cgroups(fd, family, 1, kids, want, NCG * PER_CG));

	/* from inside a cgroup namespace rooted at the first cgroup */
	me = fork();
	ASSERT_LE(0, me);
	if (me == 0) {
		char procs[160], pid[16];
		int nfd, fam;

		snprintf(procs, sizeof(procs), CGROUP_ROOT "/" CG_PREFIX "0/cgroup.procs");
		snprintf(pid, sizeof(pid), "%d", getpid());
		if (write_str_file(procs, pid))
			_exit(100);
		if (unshare(CLONE_NEWCGROUP))
			_exit(errno == EINVAL || errno == EPERM ? 99 : 100);
		for (i = 0; i < NCG * PER_CG; i++) {
			char abs[sizeof(want[i])];

			/* as this namespace shows them: relative to its root */
			memcpy(abs, want[i], sizeof(abs));
			if (!strcmp(abs, "/" CG_PREFIX "0"))
				snprintf(want[i], sizeof(want[i]), "/");
			else if (!strcmp(abs, "/" CG_PREFIX "0/sub"))
				snprintf(want[i], sizeof(want[i]), "/sub");
			else
				snprintf(want[i], sizeof(want[i]), "/..%.*s",
					 (int)sizeof(abs) - 4, abs);
		}
		nfd = nl_open();
		fam = nfd < 0 ? -1 : ksmctl_family(nfd);
		if (fam <= 0)
			_exit(100);
		_exit(check_dump_cgroups(nfd, fam, 0, kids, want, NCG * PER_CG) ? 1 : 0);
	}
	ASSERT_EQ(me, waitpid(me, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 99)
		TH_LOG("no cgroup namespaces: that part skipped");
	else
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("in a cgroup namespace");

	for (i = 0; i < NCG * PER_CG; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	close(fd);
	rmdir(CGROUP_ROOT "/" CG_PREFIX "0/sub");
	for (i = 0; i < NCG - 1; i++) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/" CG_PREFIX "%d", i);
		rmdir(dir);
	}
}

TEST_HARNESS_MAIN
