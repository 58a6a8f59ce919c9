// SPDX-License-Identifier: GPL-2.0
/*
 * Sticky rules: RULE_ADD / RULE_DEL / RULE_GET, what the rules keep doing
 * (new VMAs, forks, exec, cgroup moves), never over merge, the monitor
 * group, bad input, permission, and module unload with rules active.
 *
 * "Covered" means: at least 99% of the process's eligible bytes are in
 * mergeable VMAs (GET_PROC). The bound asked of the module is 1 s from the
 * moment memory is mapped; tests print what they measured.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300
#include "ksmctl_lib.h"
#include "nl.h"

#define BOUND_MS	1000
#define CGROUP_ROOT	"/sys/fs/cgroup"
#define TEST_CGROUP	"ksmctl-rules-test"
#define NOBODY		65534

/* ---- rule requests ---- */

struct rule {
	uint32_t action, flags, pid, uid;
	int has_pid, has_uid;
	const char *cgroup, *exe, *comm;
};

static uint32_t reply_rule_id(struct nl_ans *ans)
{
	size_t len = ans->reply_len - NLMSG_HDRLEN - GENL_HDRLEN;
	void *p = ans->reply + NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr *n, *a;

	if (ans->reply_len <= NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	n = nl_attr_find(p, len, KSMCTL_A_RULE);
	if (!n)
		return 0;
	a = nl_attr_find(nl_attr_data(n), nl_attr_len(n), KSMCTL_A_RULE_ID);
	return a ? *(uint32_t *)nl_attr_data(a) : 0;
}

/* 0 and *id, or -errno (ans has the extack) */
static int rule_add(int fd, int fam, const struct rule *ru, uint32_t *id,
		    struct nl_ans *ans)
{
	struct nl_req r;
	struct nlattr *n;
	int err;

	nl_req_init(&r, fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	n = nl_nest_start(&r, KSMCTL_A_RULE);
	if (ru->action)
		nl_put_u32(&r, KSMCTL_A_RULE_ACTION, ru->action);
	if (ru->flags)
		nl_put_u32(&r, KSMCTL_A_RULE_FLAGS, ru->flags);
	if (ru->has_pid)
		nl_put_u32(&r, KSMCTL_A_RULE_PID, ru->pid);
	if (ru->has_uid)
		nl_put_u32(&r, KSMCTL_A_RULE_UID, ru->uid);
	if (ru->cgroup)
		nl_put_str(&r, KSMCTL_A_RULE_CGROUP, ru->cgroup);
	if (ru->exe)
		nl_put_str(&r, KSMCTL_A_RULE_EXE, ru->exe);
	if (ru->comm)
		nl_put_str(&r, KSMCTL_A_RULE_COMM, ru->comm);
	nl_nest_end(&r, n);
	err = nl_talk(fd, &r, ans);
	if (err)
		return err;
	if (ans->error)
		return ans->error;
	if (id)
		*id = reply_rule_id(ans);
	return 0;
}

static int rule_del(int fd, int fam, uint32_t id, struct nl_ans *ans)
{
	struct nl_req r;
	struct nlattr *n;
	int err;

	nl_req_init(&r, fam, KSMCTL_CMD_RULE_DEL, KSMCTL_GENL_VERSION, 0);
	n = nl_nest_start(&r, KSMCTL_A_RULE);
	nl_put_u32(&r, KSMCTL_A_RULE_ID, id);
	nl_nest_end(&r, n);
	err = nl_talk(fd, &r, ans);
	return err ?: ans->error;
}

struct idlist {
	uint32_t ids[512];
	uint64_t hits[512];
	int n;
};

static int list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct idlist *l = arg;
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	void *p = (char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr *n = nl_attr_find(p, len, KSMCTL_A_RULE), *a;

	if (!n || l->n == 512)
		return 0;
	a = nl_attr_find(nl_attr_data(n), nl_attr_len(n), KSMCTL_A_RULE_ID);
	l->ids[l->n] = a ? *(uint32_t *)nl_attr_data(a) : 0;
	a = nl_attr_find(nl_attr_data(n), nl_attr_len(n), KSMCTL_A_RULE_HITS);
	l->hits[l->n] = a ? *(uint64_t *)nl_attr_data(a) : 0;
	l->n++;
	return 0;
}

static int rule_list(int fd, int fam, struct idlist *l)
{
	static struct nl_ans ans;
	struct nl_req r;

	memset(l, 0, sizeof(*l));
	nl_req_init(&r, fam, KSMCTL_CMD_RULE_GET, KSMCTL_GENL_VERSION,
		    NLM_F_DUMP);
	return nl_dump(fd, &r, &ans, list_cb, l);
}

static void rules_clear(int fd, int fam)
{
	static struct nl_ans ans;
	struct idlist l;
	int i;

	if (rule_list(fd, fam, &l))
		return;
	for (i = 0; i < l.n; i++)
		rule_del(fd, fam, l.ids[i], &ans);
}

/* ---- measuring coverage ---- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* ms until >= 99% covered (from start), or -1 after timeout_ms */
static long wait_covered(int fd, int fam, pid_t pid, long start, long timeout_ms)
{
	while (now_ms() - start <= timeout_ms) {
		if (proc_coverage(fd, fam, pid) >= 990)
			return now_ms() - start;
		usleep(10000);
	}
	return -1;
}

/* ms until no mergeable byte is left, or -1 */
static long wait_uncovered(int fd, int fam, pid_t pid, long start,
			   long timeout_ms)
{
	while (now_ms() - start <= timeout_ms) {
		if (proc_coverage(fd, fam, pid) == 0)
			return now_ms() - start;
		usleep(10000);
	}
	return -1;
}

/* a "rules_*" figure of /proc/ksmctl/status, or -1 */
static long long status_value(const char *name)
{
	char line[128], key[64];
	long long v, ret = -1;
	FILE *f = fopen("/proc/ksmctl/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &v) == 2 &&
		    !strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

/*
 * A parameter of the loaded module (its rules' timing is not part of the
 * interface: the tests ask the module), or -1.
 */
static long long module_param_value(const char *name)
{
	char path[128];
	long long v;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/module/ksmctl/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lld", &v);
	fclose(f);
	return n == 1 ? v : -1;
}

/* the merge-any flag of pid as GET_PROC reports it: 0, 1, or -1 */
static int merge_any(int fd, int fam, pid_t pid)
{
	struct proc_rec r;
	struct nl_ans ans;

	if (proc_get(fd, fam, pid, 0, &r, &ans) || !r.has_merge_any)
		return -1;
	return r.merge_any;
}

/* ms until pid's merge-any flag is want (from start), or -1 */
static long wait_merge_any(int fd, int fam, pid_t pid, int want, long start,
			   long timeout_ms)
{
	while (now_ms() - start <= timeout_ms) {
		if (merge_any(fd, fam, pid) == want)
			return now_ms() - start;
		usleep(10000);
	}
	return -1;
}

/* move pid to the cgroup at path (under CGROUP_ROOT); 0 or -errno */
static int cgroup_move(const char *path, pid_t pid)
{
	char procs[256];
	FILE *f;

	snprintf(procs, sizeof(procs), CGROUP_ROOT "%s/cgroup.procs", path);
	f = fopen(procs, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", pid);
	return fclose(f) ? -errno : 0;
}

static int cmd(struct target *t, const char *c, char *buf, size_t len)
{
	return target_cmd(t, c, buf, len);
}

FIXTURE(rules) {
	int fd, fam;
	struct target t;
	struct nl_ans ans;
	long long period_ms;	/* the module's rules_period_ms */
};

FIXTURE_SETUP(rules)
{
	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->fam = ksmctl_family(self->fd);
	ASSERT_LT(0, self->fam);
	rules_clear(self->fd, self->fam);
	memset(&self->t, 0, sizeof(self->t));
	self->period_ms = module_param_value("rules_period_ms");
	ASSERT_LT(0, self->period_ms);
}

FIXTURE_TEARDOWN(rules)
{
	rules_clear(self->fd, self->fam);
	target_stop(&self->t);
	close(self->fd);
	ksm_reset();
}

/* a pid rule: applied at once, new mmaps, survives exec, children (tree) */
TEST_F(rules, pid_rule_new_vmas_exec_and_tree)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_pid = 1,
			   .flags = KSMCTL_RULE_F_TREE };
	char buf[64];
	uint32_t id = 0;
	long t0, ms;
	pid_t child;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	ASSERT_EQ(0, proc_coverage(self->fd, self->fam, self->t.pid));
	ru.pid = self->t.pid;
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	ASSERT_LT(0, id);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("rule added -> covered: %ld ms", ms);
	ASSERT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "mmap 16", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("16 MiB mmap -> covered: %ld ms", ms);
	ASSERT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "brk 8", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("8 MiB heap growth -> covered: %ld ms", ms);
	ASSERT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "thread", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("thread stack -> covered: %ld ms", ms);
	ASSERT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "spawn", buf, sizeof(buf)));
	child = atoi(buf);
	ASSERT_LT(0, child);
	ms = wait_covered(self->fd, self->fam, child, t0, BOUND_MS);
	TH_LOG("fork -> child covered: %ld ms", ms);
	ASSERT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "exec", buf, sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, "ready", 5));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("exec -> covered: %ld ms", ms);
	ASSERT_LE(0, ms);
}

/* the opt-in latency of new memory, over many mappings */
TEST_F(rules, new_memory_latency)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_pid = 1 };
	long t0, ms, max = 0, sum = 0;
	char buf[64];
	int i, n = 20;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "1", NULL));
	ru.pid = self->t.pid;
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans));
	ASSERT_LE(0, wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS));
	for (i = 0; i < n; i++) {
		/* each mapping is a large part of the process: 4 MiB more */
		t0 = now_ms();
		ASSERT_EQ(0, cmd(&self->t, i % 2 ? "mmap 4" : "brk 4", buf,
				 sizeof(buf)));
		ms = wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS);
		ASSERT_LE(0, ms) TH_LOG("mapping %d not covered within %d ms",
					i, BOUND_MS);
		sum += ms;
		if (ms > max)
			max = ms;
	}
	TH_LOG("%d mappings: mean %ld ms, max %ld ms (bound %d ms, period %lld ms)",
	       n, sum / n, max, BOUND_MS, self->period_ms);
}

/* a cgroup rule: a process moved in, its later children and mmaps */
TEST_F(rules, cgroup_rule_covers_moved_process)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .cgroup = "/" TEST_CGROUP,
			   .flags = KSMCTL_RULE_F_RECURSIVE };
	char buf[64], procs[256];
	long t0, ms;
	pid_t child;
	FILE *f;

	if (mkdir(CGROUP_ROOT "/" TEST_CGROUP, 0755) && errno != EEXIST)
		SKIP(return, "cannot create a cgroup v2: %s", strerror(errno));
	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	usleep(600 * 1000);
	EXPECT_EQ(0, proc_coverage(self->fd, self->fam, self->t.pid));

	snprintf(procs, sizeof(procs), CGROUP_ROOT "/" TEST_CGROUP "/cgroup.procs");
	f = fopen(procs, "w");
	ASSERT_NE(NULL, f);
	t0 = now_ms();
	fprintf(f, "%d\n", self->t.pid);
	ASSERT_EQ(0, fclose(f));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("moved into the cgroup -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "spawn", buf, sizeof(buf)));
	child = atoi(buf);
	ms = wait_covered(self->fd, self->fam, child, t0, BOUND_MS);
	TH_LOG("child -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "mmap 8", buf, sizeof(buf)));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("mmap -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);

	target_stop(&self->t);
	usleep(100 * 1000);
	rmdir(CGROUP_ROOT "/" TEST_CGROUP);
}

/*
 * The merge-any flag of PR_SET_MEMORY_MERGE is the process's own: a merge
 * rule marks VMAs, new ones (mmap, brk), a child's and an exec'd image's,
 * within the bound, and never sets the flag, so PR_GET_MEMORY_MERGE says
 * what the process asked for, and nothing is left behind when rules go.
 */
TEST_F(rules, merge_rule_leaves_merge_any_to_the_process)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .cgroup = "/" TEST_CGROUP,
			   .flags = KSMCTL_RULE_F_RECURSIVE };
	int i, flag, has_flag;
	uint32_t id = 0;
	char buf[64];
	pid_t child;
	long t0, ms;

	if (mkdir(CGROUP_ROOT "/" TEST_CGROUP, 0755) && errno != EEXIST)
		SKIP(return, "cannot create a cgroup v2: %s", strerror(errno));
	ASSERT_EQ(0, target_start(&self->t, "rule_target", "4", NULL));
	ASSERT_EQ(0, cgroup_move("/" TEST_CGROUP, self->t.pid));
	flag = merge_any(self->fd, self->fam, self->t.pid);
	has_flag = flag >= 0;	/* GET_PROC reports it (6.4+) */
	if (has_flag)
		ASSERT_EQ(0, flag);
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("rule added -> covered: %ld ms", ms);
	ASSERT_LE(0, ms);

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, cmd(&self->t, i % 2 ? "mmap 2" : "brk 2", buf,
				 sizeof(buf)));
		ASSERT_STREQ("ok", buf);
		t0 = now_ms();
		ms = wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS);
		TH_LOG("%s -> covered: %ld ms", i % 2 ? "mmap" : "brk", ms);
		EXPECT_LE(0, ms);
	}

	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "spawn", buf, sizeof(buf)));
	child = atoi(buf);
	ASSERT_LT(0, child);
	ms = wait_covered(self->fd, self->fam, child, t0, BOUND_MS);
	TH_LOG("fork -> child covered: %ld ms", ms);
	EXPECT_LE(0, ms);
	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "exec", buf, sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, "ready", 5));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("exec -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);
	if (has_flag) {
		EXPECT_EQ(0, merge_any(self->fd, self->fam, self->t.pid))
			TH_LOG("the rule set the process's own merge-any flag");
		EXPECT_EQ(0, merge_any(self->fd, self->fam, child));
	}

	/* rule deleted: the marks stay, as for any rule */
	ASSERT_EQ(0, rule_del(self->fd, self->fam, id, &self->ans));
	usleep(3 * self->period_ms * 1000);
	EXPECT_LE(990, proc_coverage(self->fd, self->fam, self->t.pid));
	if (has_flag)
		EXPECT_EQ(0, merge_any(self->fd, self->fam, self->t.pid));

	target_stop(&self->t);
	usleep(100 * 1000);
	rmdir(CGROUP_ROOT "/" TEST_CGROUP);
}

/*
 * A process's own PR_SET_MEMORY_MERGE: merge rules leave it alone (on it
 * and its children); a never rule wins over it while it holds (the flag
 * cleared, the memory unmerged) and gives it back when it lets go: the
 * flag set again and the VMAs mergeable, as the process asked.
 */
TEST_F(rules, never_takes_own_merge_any_and_gives_it_back)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_pid = 1 };
	struct rule never = { .action = KSMCTL_RULE_NEVER, .has_pid = 1 };
	uint32_t never_id = 0;
	char buf[64];
	pid_t child;
	long t0, ms;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "4", NULL));
	ASSERT_EQ(0, cmd(&self->t, "prctl 1", buf, sizeof(buf)));
	if (strcmp(buf, "ok"))
		SKIP(return, "no PR_SET_MEMORY_MERGE (Linux 6.4+)");
	ASSERT_EQ(1, merge_any(self->fd, self->fam, self->t.pid));
	ru.pid = self->t.pid;
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans));
	ASSERT_EQ(0, cmd(&self->t, "spawn", buf, sizeof(buf)));
	child = atoi(buf);
	ASSERT_LT(0, child);
	usleep(3 * self->period_ms * 1000);
	EXPECT_EQ(1, merge_any(self->fd, self->fam, self->t.pid));
	EXPECT_EQ(1, merge_any(self->fd, self->fam, child));

	never.pid = self->t.pid;
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &never, &never_id,
			      &self->ans));
	ms = wait_merge_any(self->fd, self->fam, self->t.pid, 0, t0, BOUND_MS);
	TH_LOG("never rule -> its own merge-any cleared: %ld ms", ms);
	EXPECT_LE(0, ms);
	EXPECT_LE(0, wait_uncovered(self->fd, self->fam, self->t.pid, t0,
				    BOUND_MS));
	/* new memory stays unmergeable while never holds */
	ASSERT_EQ(0, cmd(&self->t, "mmap 2", buf, sizeof(buf)));
	usleep(3 * self->period_ms * 1000);
	EXPECT_EQ(0, proc_coverage(self->fd, self->fam, self->t.pid));

	t0 = now_ms();
	ASSERT_EQ(0, rule_del(self->fd, self->fam, never_id, &self->ans));
	ms = wait_merge_any(self->fd, self->fam, self->t.pid, 1, t0, BOUND_MS);
	TH_LOG("never rule deleted -> its own merge-any back: %ld ms", ms);
	EXPECT_LE(0, ms);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("never rule deleted -> covered again: %ld ms", ms);
	EXPECT_LE(0, ms);

	/* given back, the flag is the process's again: it may drop it */
	ASSERT_EQ(0, cmd(&self->t, "prctl 0", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	usleep(3 * self->period_ms * 1000);
	EXPECT_EQ(0, merge_any(self->fd, self->fam, self->t.pid));
}

/* rules by comm and by exe catch a binary started after the rule */
TEST_F(rules, exec_rules_catch_new_processes)
{
	char exe[PATH_MAX];
	struct rule by_comm = { .action = KSMCTL_RULE_MERGE,
				.comm = "rule_target" };
	struct rule by_exe = { .action = KSMCTL_RULE_MERGE, .exe = exe };
	uint32_t id;
	long t0, ms;

	snprintf(exe, sizeof(exe), "%s/rule_target", test_dir());

	ASSERT_EQ(0, rule_add(self->fd, self->fam, &by_comm, &id, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	t0 = now_ms();
	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("comm rule: start -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);
	target_stop(&self->t);
	ASSERT_EQ(0, rule_del(self->fd, self->fam, id, &self->ans));

	ASSERT_EQ(0, rule_add(self->fd, self->fam, &by_exe, &id, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	t0 = now_ms();
	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("exe rule: start -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);
}

/* copy the file @from to @to, mode 0755; 0 or -1 */
static int copy_exe(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, ret = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, n) != n)
				break;
		ret = n == 0 ? 0 : -1;
		if (close(out))
			ret = -1;
	}
	close(in);
	return ret;
}

#define EXE_MNT	"/tmp/ksmctl-exe-mnt"

/*
 * An exe rule knows its file by identity, without holding it: the file's
 * filesystem can be unmounted while the rule exists (which then matches
 * nothing there).
 */
TEST_F(rules, exe_rule_does_not_pin_its_mount)
{
	char from[PATH_MAX];
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .exe = EXE_MNT "/rule_target" };
	struct idlist l;
	uint32_t id = 0;
	int i, listed = 0;
	long t0, ms;

	snprintf(from, sizeof(from), "%s/rule_target", test_dir());
	mkdir(EXE_MNT, 0755);
	if (mount("tmpfs", EXE_MNT, "tmpfs", 0, "size=16m"))
		SKIP(return, "cannot mount a tmpfs: %s", strerror(errno));
	ASSERT_EQ(0, copy_exe(from, EXE_MNT "/rule_target"));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	t0 = now_ms();
	ASSERT_EQ(0, target_start(&self->t, EXE_MNT "/rule_target", "4",
				  NULL));
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("exe on a tmpfs: start -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);
	target_stop(&self->t);
	usleep(100 * 1000);

	EXPECT_EQ(0, umount(EXE_MNT))
		TH_LOG("umount with the exe rule: %s", strerror(errno));
	ASSERT_EQ(0, rule_list(self->fd, self->fam, &l));
	for (i = 0; i < l.n; i++)
		listed |= l.ids[i] == id;
	EXPECT_TRUE(listed);
	EXPECT_EQ(0, rule_del(self->fd, self->fam, id, &self->ans));
	umount(EXE_MNT);
	rmdir(EXE_MNT);
}

/* ---- a queued process whose pid is reused ---- */

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif
#define REUSE_PID_MAX	1000	/* pid_max meanwhile: few free pids to fill */

/*
 * a parent that forks, on each byte read from fd, a child that exits, and
 * writes its pid to out
 */
static void short_lived_parent(int fd, int out)
{
	char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGCHLD, SIG_IGN);	/* reaped at once */
	if (p != MAP_FAILED)
		memset(p, 0x5a, 1 << 20);
	while (read(fd, &c, 1) == 1) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		if (write(out, &pid, sizeof(pid)) != sizeof(pid))
			break;
	}
	_exit(0);
}

/* a process that asks for PR_SET_MEMORY_MERGE itself, then sleeps */
static void self_merger(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0);
	for (;;)
		pause();
}

/*
 * A child of a followed process is queued by the fork probe and looked at
 * a little later. If the child exits before that look and an unrelated
 * process that asked for PR_SET_MEMORY_MERGE itself takes its pid, the
 * look must not touch that process: it keeps its flag. pid_max is lowered
 * and every pid taken but one, so that the child and then the unrelated
 * process get the same pid.
 */
TEST_F(rules, own_flag_kept_across_pid_reuse)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .flags = KSMCTL_RULE_F_TREE, .has_pid = 1 };
	pid_t parent, child = -1, other = -1, fillers[4096];
	int ctl[2], rep[2], nfill = 0, i, flag = -2;
	uint64_t old_max = 0;
	char buf[32];
	long t;

	if (!kernel_at_least(6, 4))
		SKIP(return, "no PR_SET_MEMORY_MERGE (Linux 6.4+)");
	ASSERT_EQ(0, read_u64_file("/proc/sys/kernel/pid_max", &old_max));
	ASSERT_EQ(0, pipe(ctl));
	ASSERT_EQ(0, pipe(rep));
	parent = fork();
	ASSERT_LE(0, parent);
	if (!parent)
		short_lived_parent(ctl[0], rep[1]);
	ru.pid = parent;
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	ASSERT_LE(0, wait_covered(self->fd, self->fam, parent, now_ms(),
				  10 * BOUND_MS));

	snprintf(buf, sizeof(buf), "%d", REUSE_PID_MAX);
	ASSERT_EQ(0, write_str_file("/proc/sys/kernel/pid_max", buf));
	/* from here on: no ASSERT until pid_max is restored */
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
	/* one pid free: for the child, then for the unrelated process */
	if (nfill > 0) {
		kill(fillers[--nfill], SIGKILL);
		waitpid(fillers[nfill], NULL, 0);
		if (write(ctl[1], "f", 1) == 1 &&
		    read(rep[0], &child, sizeof(child)) == sizeof(child) &&
		    child > 0) {
			for (t = 0; t < 100000; t++) {
				other = fork();
				if (!other)
					self_merger();
				if (other > 0 || errno != EAGAIN)
					break;
				usleep(100);
			}
		}
	}
	/* the look at the child is due 50 ms after its fork */
	if (other > 0) {
		usleep(100000);
		for (t = 0; t < 10 && merge_any(self->fd, self->fam, other) < 0;
		     t++)
			usleep(100000);
		usleep(500000);
		flag = merge_any(self->fd, self->fam, other);
	}

	for (i = 0; i < nfill; i++)
		kill(fillers[i], SIGKILL);
	if (other > 0)
		kill(other, SIGKILL);
	kill(parent, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)old_max);
	write_str_file("/proc/sys/kernel/pid_max", buf);
	close(ctl[0]);
	close(ctl[1]);
	close(rep[0]);
	close(rep[1]);

	TH_LOG("%d fillers; the child %d exited, the unrelated process got "
	       "pid %d: merge-any %d", nfill, child, other, flag);
	ASSERT_LT(0, other);
	if (other != child)
		SKIP(return, "the pid was not reused (another task took it)");
	EXPECT_EQ(1, flag)
		TH_LOG("the unrelated process %d lost the merge-any flag it set itself",
		       other);
}

/*
 * A RULE_GET dump long enough for several rounds: read as it is, its
 * messages carry no NLM_F_DUMP_INTR; with a rule added after its first
 * round was made, the rest of it does (the list is not whole).
 */
TEST_F(rules, rule_get_flags_a_change_mid_dump)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE };
	static char buf[65536];
	int i, pass, fd2, fam2;
	char comm[16];

	for (i = 0; i < 250; i++) {
		snprintf(comm, sizeof(comm), "ksmctl-r%d", i);
		ru.comm = comm;
		ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans))
			TH_LOG("%s", self->ans.extack_msg);
	}
	fd2 = nl_open();
	ASSERT_LE(0, fd2);
	fam2 = ksmctl_family(fd2);
	ASSERT_LT(0, fam2);
	for (pass = 0; pass < 2; pass++) {
		int done = 0, intr = 0, msgs = 0, rounds = 0;
		struct nl_req q;

		nl_req_init(&q, self->fam, KSMCTL_CMD_RULE_GET,
			    KSMCTL_GENL_VERSION, NLM_F_DUMP);
		ASSERT_EQ((ssize_t)q.nlh->nlmsg_len,
			  send(self->fd, q.buf, q.nlh->nlmsg_len, 0));
		/* the first round is made at the request, the next at a read */
		if (pass) {
			ru.comm = "ksmctl-late";
			ASSERT_EQ(0, rule_add(fd2, fam2, &ru, NULL, &self->ans));
		}
		while (!done) {
			ssize_t len = recv(self->fd, buf, sizeof(buf), 0);
			struct nlmsghdr *h;

			ASSERT_LT(0, len);
			for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
			     h = NLMSG_NEXT(h, len)) {
				intr |= !!(h->nlmsg_flags & NLM_F_DUMP_INTR);
				if (h->nlmsg_type == NLMSG_DONE)
					done = 1;
				else if (h->nlmsg_type == NLMSG_ERROR)
					done = -1;
				else
					msgs++;
			}
			rounds++;
		}
		TH_LOG("%s: %d rules in %d rounds, NLM_F_DUMP_INTR %d",
		       pass ? "a rule added after the first round" : "no change",
		       msgs, rounds, intr);
		ASSERT_EQ(1, done);
		ASSERT_LT(1, rounds);
		EXPECT_EQ(pass, intr);
	}
	close(fd2);
}

/* ---- a storm of forks across RULE_DEL and unload ---- */

#define STORM_PAIRS	150	/* children, each with a grandchild */
#define STORM_GAP_US	10000	/* between two forks: ~1.5 s in all */

static void sleep_forever(void)
{
	for (;;)
		pause();
}

/*
 * Waits for a byte on @go, then forks STORM_PAIRS children, each of which
 * forks a grandchild; all sleep. The first child asks PR_SET_MEMORY_MERGE
 * for itself (and has no child). Every pid goes to @out, the first child's
 * negated; 0 at the end.
 */
static void fork_storm(int go, int out)
{
	pid_t zero = 0;
	char c;
	int i;

	setpgid(0, 0);
	if (read(go, &c, 1) != 1)
		_exit(1);
	for (i = 0; i < STORM_PAIRS; i++) {
		pid_t pid = fork(), g;

		if (pid < 0)
			break;
		if (!pid && !i) {
			pid_t me = -getpid();

			prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0);
			if (write(out, &me, sizeof(me)) != sizeof(me))
				_exit(1);
			sleep_forever();
		}
		if (!pid) {
			g = fork();
			if (!g)
				sleep_forever();
			if (g > 0 && write(out, &g, sizeof(g)) != sizeof(g))
				_exit(1);
			sleep_forever();
		}
		if (i && write(out, &pid, sizeof(pid)) != sizeof(pid))
			break;
		usleep(STORM_GAP_US);
	}
	if (write(out, &zero, sizeof(zero)) != sizeof(zero))
		_exit(1);
	sleep_forever();
}

/*
 * Forks go on while the tree rule that follows them is deleted, added
 * again, and the module is unloaded with it: afterwards no process of the
 * storm has the merge-any flag but the one that asked for it.
 */
TEST_F(rules, fork_storm_across_rule_del_and_unload)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .flags = KSMCTL_RULE_F_TREE, .has_pid = 1 };
	int go[2], rep[2], i, n = 0, done = 0, flagged = 0, has_flag;
	pid_t storm, pids[4 * STORM_PAIRS], self_merger = 0, p;
	uint32_t id = 0;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(rep));
	storm = fork();
	ASSERT_LE(0, storm);
	if (!storm) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fork_storm(go[0], rep[1]);
	}
	close(rep[1]);
	setpgid(storm, storm);
	ru.pid = storm;
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	ASSERT_EQ(1, write(go[1], "g", 1));

	usleep(300 * 1000);
	ASSERT_EQ(0, rule_del(self->fd, self->fam, id, &self->ans));
	usleep(300 * 1000);
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans));
	usleep(300 * 1000);
	close(self->fd);
	ASSERT_EQ(0, ksmctl_ensure_unloaded());
	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->fam = ksmctl_family(self->fd);
	ASSERT_LT(0, self->fam);

	while (!done && read(rep[0], &p, sizeof(p)) == sizeof(p)) {
		if (!p)
			done = 1;
		else if (p < 0)
			self_merger = -p;
		else if (n < (int)(sizeof(pids) / sizeof(pids[0])))
			pids[n++] = p;
	}
	close(rep[0]);
	close(go[1]);
	close(go[0]);
	ASSERT_TRUE(done);
	usleep(3 * self->period_ms * 1000);

	has_flag = merge_any(self->fd, self->fam, storm) >= 0;
	for (i = 0; i < n && has_flag; i++)
		flagged += merge_any(self->fd, self->fam, pids[i]) == 1;
	TH_LOG("%d processes forked across RULE_DEL and unload: %d with the "
	       "merge-any flag", n, flagged);
	if (has_flag) {
		EXPECT_EQ(0, flagged);
		EXPECT_EQ(0, merge_any(self->fd, self->fam, storm));
		if (self_merger)
			EXPECT_EQ(1, merge_any(self->fd, self->fam,
					       self_merger))
				TH_LOG("the process that asked lost its flag");
	}
	kill(-storm, SIGKILL);
	while (waitpid(storm, NULL, 0) < 0 && errno == EINTR)
		;
}

/* ---- processes the rules must still see ---- */

/*
 * A process whose main thread exited (pthread_exit() in main) while
 * another thread runs on stays followed: its new memory is marked.
 */
TEST_F(rules, followed_after_main_thread_exit)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_pid = 1 };
	char buf[64];
	long t0, ms;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "4", NULL));
	ru.pid = self->t.pid;
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans));
	ASSERT_LE(0, wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS));
	ASSERT_EQ(0, cmd(&self->t, "leave", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	/* a few ticks and a look at it without its main thread */
	usleep(3 * self->period_ms * 1000);
	ASSERT_EQ(0, cmd(&self->t, "mmap 4", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	t0 = now_ms();
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("main thread gone, mmap -> covered: %ld ms", ms);
	EXPECT_LE(0, ms);
}

/* the hits of rule @id, or -1 */
static long long rule_hits(int fd, int fam, uint32_t id)
{
	struct idlist l;
	int i;

	if (rule_list(fd, fam, &l))
		return -1;
	for (i = 0; i < l.n; i++)
		if (l.ids[i] == id)
			return (long long)l.hits[i];
	return -1;
}

/*
 * Two processes that share one address space, one matched by a merge
 * rule, the other, in another cgroup, by a never rule: one verdict for the
 * memory, never, and it stays (no marking and unmarking every tick). When
 * the never process goes, the merge rule has the memory again, and the
 * merge-any flag the first process asked for comes back. @how: "vmchild"
 * (clone(CLONE_VM) without CLONE_THREAD) or "vfork" (the parent waits).
 */
static void one_verdict_per_mm(struct __test_metadata *_metadata,
			       FIXTURE_DATA(rules) *self, const char *how)
{
	struct rule merge = { .action = KSMCTL_RULE_MERGE,
			      .cgroup = "/" TEST_CGROUP };
	struct rule never = { .action = KSMCTL_RULE_NEVER,
			      .cgroup = "/" TEST_CGROUP "-never" };
	long long m0, n0, m1, n1;
	uint32_t mid = 0, nid = 0;
	int flips = 0, i, own;
	char buf[64];
	pid_t sharer;
	long t0, ms;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "4", NULL));
	ASSERT_EQ(0, cmd(&self->t, "prctl 1", buf, sizeof(buf)));
	own = !strcmp(buf, "ok");	/* PR_SET_MEMORY_MERGE: 6.4+ */
	ASSERT_EQ(0, cgroup_move("/" TEST_CGROUP, self->t.pid));
	ASSERT_EQ(0, cmd(&self->t, how, buf, sizeof(buf)));
	sharer = atoi(buf);
	ASSERT_LT(0, sharer);
	ASSERT_EQ(0, cgroup_move("/" TEST_CGROUP "-never", sharer));
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &merge, &mid, &self->ans));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &never, &nid, &self->ans));

	/* settled: no mergeable byte; then two seconds of ticks change nothing */
	usleep(3 * self->period_ms * 1000);
	ms = wait_uncovered(self->fd, self->fam, self->t.pid, t0, 10 * BOUND_MS);
	TH_LOG("%s: never rule on the sharer -> uncovered: %ld ms", how, ms);
	EXPECT_LE(0, ms);
	if (own)
		EXPECT_EQ(0, merge_any(self->fd, self->fam, self->t.pid));
	m0 = rule_hits(self->fd, self->fam, mid);
	n0 = rule_hits(self->fd, self->fam, nid);
	for (i = 0; i < 50; i++) {
		flips += proc_coverage(self->fd, self->fam, self->t.pid) != 0;
		usleep(40 * 1000);
	}
	m1 = rule_hits(self->fd, self->fam, mid);
	n1 = rule_hits(self->fd, self->fam, nid);
	TH_LOG("%s: in 2 s: merge rule hits %lld -> %lld, never rule hits "
	       "%lld -> %lld, %d of 50 looks found mergeable bytes", how, m0,
	       m1, n0, n1, flips);
	EXPECT_EQ(m0, m1);
	EXPECT_EQ(n0, n1);
	EXPECT_EQ(0, flips);

	/*
	 * The never process goes: the merge rule has the memory again, at
	 * the tick that finds it gone or the next one.
	 */
	t0 = now_ms();
	kill(sharer, SIGKILL);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0, 3 * BOUND_MS);
	TH_LOG("%s: sharer killed -> covered: %ld ms", how, ms);
	EXPECT_LE(0, ms);
	if (own) {
		ms = wait_merge_any(self->fd, self->fam, self->t.pid, 1, t0,
				    3 * BOUND_MS);
		TH_LOG("%s: sharer killed -> its own merge-any back: %ld ms",
		       how, ms);
		EXPECT_LE(0, ms);
	}
	target_stop(&self->t);
	rules_clear(self->fd, self->fam);
}

TEST_F(rules, shared_mm_gets_one_verdict)
{
	if ((mkdir(CGROUP_ROOT "/" TEST_CGROUP, 0755) && errno != EEXIST) ||
	    (mkdir(CGROUP_ROOT "/" TEST_CGROUP "-never", 0755) &&
	     errno != EEXIST))
		SKIP(return, "cannot create a cgroup v2: %s", strerror(errno));
	one_verdict_per_mm(_metadata, self, "vmchild");
	one_verdict_per_mm(_metadata, self, "vfork");
	usleep(100 * 1000);
	rmdir(CGROUP_ROOT "/" TEST_CGROUP);
	rmdir(CGROUP_ROOT "/" TEST_CGROUP "-never");
}

/* never wins over merge, unmerges what was merged, and stays */
TEST_F(rules, never_beats_merge)
{
	struct rule merge = { .action = KSMCTL_RULE_MERGE, .has_pid = 1 };
	struct rule never = { .action = KSMCTL_RULE_NEVER,
			      .comm = "rule_target" };
	struct proc_rec pr;
	char buf[64];
	long t0, ms;
	int i;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	merge.pid = self->t.pid;
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &merge, NULL, &self->ans));
	ASSERT_LE(0, wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS));
	/* let ksmd merge the 0x5a pages */
	ASSERT_EQ(0, ksm_settle(120));
	ASSERT_EQ(0, proc_get(self->fd, self->fam, self->t.pid, 0, &pr,
			      &self->ans));
	if (pr.has_rmap)
		EXPECT_LT(0, pr.merging);
	ASSERT_EQ(0, proc_get(self->fd, self->fam, self->t.pid,
			      KSMCTL_PROC_F_PROPORTIONAL, &pr, &self->ans));
	EXPECT_LT(0, pr.ksm_mapped);

	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &never, NULL, &self->ans));
	ms = wait_uncovered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("never rule -> unmarked: %ld ms", ms);
	ASSERT_LE(0, ms);
	/*
	 * Unmerging follows the unmark in the same step. (ksm_merging_pages
	 * only drops when ksmd next scans, and ksm_settle() stopped it: count
	 * the page-table entries that map KSM pages instead.)
	 */
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, proc_get(self->fd, self->fam, self->t.pid,
				      KSMCTL_PROC_F_PROPORTIONAL, &pr,
				      &self->ans));
		if (!pr.ksm_mapped)
			break;
		usleep(10000);
	}
	EXPECT_TRUE(pr.has_prop);
	EXPECT_EQ(0, pr.ksm_mapped);

	/* the process opts itself in: taken back */
	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "madvise", buf, sizeof(buf)));
	usleep(50 * 1000);
	ms = wait_uncovered(self->fd, self->fam, self->t.pid, t0, BOUND_MS);
	TH_LOG("self madvise -> unmarked again: %ld ms", ms);
	EXPECT_LE(0, ms);
	ASSERT_EQ(0, cmd(&self->t, "mmap 4", buf, sizeof(buf)));
	usleep(2 * self->period_ms * 1000);
	EXPECT_EQ(0, proc_coverage(self->fd, self->fam, self->t.pid));
}

/* a process that starts to match by its uid is found by the scan */
TEST_F(rules, uid_change_found_by_scan)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_uid = 1,
			   .uid = NOBODY };
	long long scan_ms, scan_min_ms;
	char buf[64];
	long t0, ms;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	usleep(2 * self->period_ms * 1000);
	EXPECT_EQ(0, proc_coverage(self->fd, self->fam, self->t.pid));

	/* at least the module's least period; longer only on a huge host */
	scan_min_ms = module_param_value("rules_scan_min_ms");
	ASSERT_LT(0, scan_min_ms);
	scan_ms = status_value("rules_scan_ms");
	ASSERT_LE(scan_min_ms, scan_ms);
	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "setuid 65534", buf, sizeof(buf)));
	ASSERT_STREQ("ok", buf);
	ms = wait_covered(self->fd, self->fam, self->t.pid, t0,
			  scan_ms + BOUND_MS);
	TH_LOG("setuid -> covered: %ld ms (scan every %lld ms)", ms, scan_ms);
	EXPECT_LE(0, ms);
}

/*
 * The module follows exactly the matched processes, lets them go with the
 * last rule, and does not walk the VMAs of a followed process that changed
 * nothing (before 6.12, but at a scan).
 */
TEST_F(rules, followed_processes_and_their_cost)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .comm = "rule_target" };
	long long ticks, walks;
	char buf[64];
	long t0;
	int i;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	ASSERT_LE(0, wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS));
	EXPECT_EQ(1, status_value("rules"));
	EXPECT_EQ(1, status_value("rules_followed"));
	/* a child is a new process of its own, matched by its comm too */
	ASSERT_EQ(0, cmd(&self->t, "spawn", buf, sizeof(buf)));
	t0 = now_ms();
	ASSERT_LE(0, wait_covered(self->fd, self->fam, atoi(buf), t0,
				  BOUND_MS));
	/* (it may be covered before it is looked at: fork copies VM flags) */
	while (status_value("rules_followed") != 2 && now_ms() - t0 < BOUND_MS)
		usleep(10000);
	EXPECT_EQ(2, status_value("rules_followed"));

	/* idle: ticks go on, and where the kernel tells, no walk */
	usleep(2 * self->period_ms * 1000);
	ticks = status_value("rules_ticks");
	walks = status_value("rules_walks");
	usleep(5 * self->period_ms * 1000);
	ticks = status_value("rules_ticks") - ticks;
	walks = status_value("rules_walks") - walks;
	TH_LOG("idle for %lld ms: %lld ticks, %lld VMA walks",
	       5 * self->period_ms, ticks, walks);
	EXPECT_LE(3, ticks);
	EXPECT_LT(0, status_value("rules_cpu_ns"));
	/* before 6.12 (no exact count) a scan walks both processes */
	EXPECT_GE(kernel_at_least(6, 12) ? 0 : 2, walks);

	/* a change is still seen at the next tick */
	t0 = now_ms();
	ASSERT_EQ(0, cmd(&self->t, "mmap 4", buf, sizeof(buf)));
	EXPECT_LE(0, wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS));

	/* the last rule gone, nothing is followed */
	rules_clear(self->fd, self->fam);
	for (i = 0; i < 100 && status_value("rules_followed"); i++)
		usleep(10000);
	EXPECT_EQ(0, status_value("rules_followed"));
	EXPECT_EQ(0, status_value("rules"));
}

/* ---- a deep fork chain of an unprivileged user ---- */

#define CHAIN_MAX	10000	/* levels below the chain's root, at most */
#define CHAIN_STACK	16384	/* each level's stack */
#define DECOY_RULES	100

/* shared by the test and the chain (MAP_SHARED) */
struct chain {
	int depth;		/* deepest level made; 0 is the chain's root */
	int target;		/* the level to grow to */
	int err;		/* errno of a clone that failed */
	pid_t pids[CHAIN_MAX + 1];
};

static struct chain *chain;
static char *chain_stacks;	/* private to the chain (CLONE_VM) */

/*
 * One level: a process of its own (CLONE_VM without CLONE_THREAD: a new
 * tgid on the memory of the level above, so that 10,000 of them fit in the
 * VM), which makes the next level when asked to, then sleeps.
 */
static int chain_level(void *arg)
{
	long d = (long)arg;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	chain->pids[d] = getpid();
	__atomic_store_n(&chain->depth, d, __ATOMIC_RELEASE);
	while (__atomic_load_n(&chain->target, __ATOMIC_ACQUIRE) <= d)
		usleep(10000);
	if (clone(chain_level, chain_stacks + (d + 2) * CHAIN_STACK,
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND,
		  (void *)(d + 1)) < 0)
		__atomic_store_n(&chain->err, errno, __ATOMIC_RELEASE);
	for (;;)
		pause();
	return 0;
}

/* wait until the chain is @levels deep; 0, -errno, or -ETIMEDOUT */
static int chain_grow(int levels, long timeout_ms)
{
	long t0 = now_ms();

	__atomic_store_n(&chain->target, levels, __ATOMIC_RELEASE);
	while (__atomic_load_n(&chain->depth, __ATOMIC_ACQUIRE) < levels) {
		if (chain->err)
			return -chain->err;
		if (now_ms() - t0 > timeout_ms)
			return -ETIMEDOUT;
		usleep(20000);
	}
	return 0;
}

/*
 * Tree rules and a tree MARK against a fork chain thousands deep that an
 * unprivileged user made: the rules' scan, the fork probes and MARK must
 * not walk each process's parent chain once per rule (a stall of the
 * rules' thread, found by the kernel's RCU stall and soft-lockup
 * detectors, which fail the run), and must reach the deepest level. The
 * decoy rules (never rules on a process outside the chain, first in the
 * list) are the rules every chain process is checked against.
 */
TEST_F(rules, deep_fork_chain_of_unprivileged_user)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE,
			   .flags = KSMCTL_RULE_F_TREE, .has_pid = 1 };
	struct mark_opts tree = { .flags = KSMCTL_MARK_F_TREE };
	uint64_t threads_max = 0;
	long long followed = -1;
	pid_t decoy, root;
	struct mark_rec m;
	int i, depth, err;
	long t0;

	/* each level is a task: stay well inside threads-max */
	read_u64_file("/proc/sys/kernel/threads-max", &threads_max);
	depth = threads_max / 2 < CHAIN_MAX ? threads_max / 2 : CHAIN_MAX;
	ASSERT_LT(1000, depth);
	chain = mmap(NULL, sizeof(*chain), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, chain);
	chain_stacks = mmap(NULL, (size_t)(depth + 2) * CHAIN_STACK,
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, chain_stacks);
	/* the levels whose parent dies come to us, to be reaped */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));

	decoy = fork();
	ASSERT_LE(0, decoy);
	if (!decoy) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	chain->target = depth / 2;
	root = fork();
	ASSERT_LE(0, root);
	if (!root) {
		struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };

		setpgid(0, 0);
		if (setrlimit(RLIMIT_NPROC, &inf) || setgroups(0, NULL) ||
		    setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(1);
		chain_level(0);
	}
	/* half of it before the rules, half after */
	err = chain_grow(depth / 2, 300000);
	ASSERT_EQ(0, err) TH_LOG("chain at %d of %d levels", chain->depth,
				 depth / 2);
	for (i = 0; i < DECOY_RULES; i++) {
		char comm[16];
		struct rule dr = { .action = KSMCTL_RULE_NEVER,
				   .flags = KSMCTL_RULE_F_TREE, .has_pid = 1,
				   .pid = decoy, .comm = comm };

		snprintf(comm, sizeof(comm), "decoy%d", i);
		ASSERT_EQ(0, rule_add(self->fd, self->fam, &dr, NULL,
				      &self->ans))
			TH_LOG("%s", self->ans.extack_msg);
	}
	ru.pid = root;
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	t0 = now_ms();
	err = chain_grow(depth, 300000);
	ASSERT_EQ(0, err) TH_LOG("chain at %d of %d levels", chain->depth,
				 depth);
	TH_LOG("%d levels as uid %d, %d of them made with %d tree rules: "
	       "%ld ms", depth, NOBODY, depth - depth / 2, DECOY_RULES + 1,
	       now_ms() - t0);

	/* MARK reaches every level, the deepest included */
	ASSERT_EQ(0, mark(self->fd, self->fam, KSMCTL_CMD_MARK, root, &tree,
			  &m, &self->ans))
		TH_LOG("%s", self->ans.extack_msg);
	EXPECT_EQ(depth + 1, m.processes);
	EXPECT_EQ(0, m.failed_processes);

	/* the rule follows every level, the deepest included */
	t0 = now_ms();
	while (now_ms() - t0 < 120000) {
		followed = status_value("rules_followed");
		if (followed == depth + 1)
			break;
		usleep(100000);
	}
	EXPECT_EQ(depth + 1, followed);
	TH_LOG("followed: %lld after %ld ms", followed, now_ms() - t0);

	rules_clear(self->fd, self->fam);
	kill(-root, SIGKILL);
	kill(decoy, SIGKILL);
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	munmap(chain_stacks, (size_t)(depth + 2) * CHAIN_STACK);
	munmap(chain, sizeof(*chain));
}

/* hundreds of processes start and exit while rules are active */
TEST_F(rules, churn)
{
	struct rule all = { .action = KSMCTL_RULE_MERGE, .has_uid = 1,
			    .uid = 0 };
	struct rule never = { .action = KSMCTL_RULE_NEVER, .comm = "churn-never" };
	struct idlist l;
	int i, status, bad = 0;

	ASSERT_EQ(0, rule_add(self->fd, self->fam, &all, NULL, &self->ans));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &never, NULL, &self->ans));
	for (i = 0; i < 300; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			char *p;

			if (i % 3 == 0)
				prctl(PR_SET_NAME, "churn-never");
			p = malloc(1 << 20);
			if (p)
				memset(p, 1, 1 << 20);
			if (i % 5 == 0) {
				pid_t g = fork();

				if (g == 0)
					_exit(0);
			}
			usleep((i % 7) * 1000);
			_exit(0);
		}
		if (i % 50 == 0)
			EXPECT_EQ(0, rule_list(self->fd, self->fam, &l));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, rule_list(self->fd, self->fam, &l));
	EXPECT_EQ(2, l.n);
	TH_LOG("hits: merge %llu, never %llu",
	       (unsigned long long)l.hits[0], (unsigned long long)l.hits[1]);
}

/* ---- bad input ---- */

struct bad_case {
	const char *name;
	struct rule ru;
	int err;
	const char *msg;
};

TEST_F(rules, bad_input)
{
	static const char longpath[] = "/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	const struct bad_case cases[] = {
		{ "no action", { .comm = "x" }, -EINVAL, "RULE_ACTION" },
		{ "bad action", { .action = 7, .comm = "x" }, -EINVAL, "action" },
		{ "no match", { .action = 1 }, -EINVAL, "no match" },
		{ "bad flags", { .action = 1, .comm = "x", .flags = 1 << 7 },
		  -EINVAL, "reserved bit set" },
		{ "tree without pid", { .action = 1, .comm = "x",
		  .flags = KSMCTL_RULE_F_TREE }, -EINVAL, "RULE_PID" },
		{ "recursive without cgroup", { .action = 1, .comm = "x",
		  .flags = KSMCTL_RULE_F_RECURSIVE }, -EINVAL, "RULE_CGROUP" },
		{ "empty comm", { .action = 1, .comm = "" }, -EINVAL, "empty" },
		{ "long comm", { .action = 1, .comm = "0123456789abcdef" },
		  -EINVAL, "15" },
		{ "pid 0", { .action = 1, .has_pid = 1, .pid = 0 }, -ESRCH,
		  "no such process" },
		{ "no such pid", { .action = 1, .has_pid = 1, .pid = 4000000 },
		  -ESRCH, "no such process" },
		{ "empty cgroup", { .action = 1, .cgroup = "" }, -EINVAL, "empty" },
		{ "relative cgroup", { .action = 1, .cgroup = "a/b" }, -EINVAL,
		  "absolute" },
		{ "no such cgroup", { .action = 1, .cgroup = "/no/such" },
		  -ENOENT, "cgroup" },
		{ "no such exe", { .action = 1, .exe = "/no/such/file" },
		  -ENOENT, "file" },
		{ "exe is a directory", { .action = 1, .exe = "/" }, -EINVAL,
		  "regular" },
		{ "long exe", { .action = 1, .exe = longpath }, -ENOENT, "file" },
	};
	struct rule dup = { .action = KSMCTL_RULE_MERGE, .comm = "dup" };
	struct nl_req r;
	struct nlattr *n;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = rule_add(self->fd, self->fam, &cases[i].ru, NULL,
				   &self->ans);

		EXPECT_EQ(cases[i].err, err) TH_LOG("case %s", cases[i].name);
		EXPECT_NE(NULL, strstr(self->ans.extack_msg, cases[i].msg))
			TH_LOG("case %s: extack \"%s\"", cases[i].name,
			       self->ans.extack_msg);
	}

	/* duplicate */
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &dup, NULL, &self->ans));
	EXPECT_EQ(-EEXIST, rule_add(self->fd, self->fam, &dup, NULL, &self->ans));
	EXPECT_NE(NULL, strstr(self->ans.extack_msg, "same rule"));

	/* an unknown attribute in the nest (a match type that does not exist) */
	nl_req_init(&r, self->fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	n = nl_nest_start(&r, KSMCTL_A_RULE);
	nl_put_u32(&r, KSMCTL_A_RULE_ACTION, 1);
	nl_put_u32(&r, KSMCTL_A_RULE_MAX + 1, 1);
	nl_nest_end(&r, n);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(0, self->ans.extack_msg[0]);
	EXPECT_LE(0, self->ans.extack_off);

	/* an id given to ADD */
	nl_req_init(&r, self->fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	n = nl_nest_start(&r, KSMCTL_A_RULE);
	nl_put_u32(&r, KSMCTL_A_RULE_ACTION, 1);
	nl_put_str(&r, KSMCTL_A_RULE_COMM, "x");
	nl_put_u32(&r, KSMCTL_A_RULE_ID, 5);
	nl_nest_end(&r, n);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(NULL, strstr(self->ans.extack_msg, "RULE_ID"));

	/* no nest at all */
	nl_req_init(&r, self->fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(NULL, strstr(self->ans.extack_msg, "RULE"));
	EXPECT_EQ(ack_miss_type(KSMCTL_A_RULE), self->ans.miss_type);
	EXPECT_EQ(-1, self->ans.miss_nest_off);

	/* no action: named with the nest it is missing from */
	nl_req_init(&r, self->fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	n = nl_nest_start(&r, KSMCTL_A_RULE);
	nl_put_str(&r, KSMCTL_A_RULE_COMM, "x");
	nl_nest_end(&r, n);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_EQ(ack_miss_type(KSMCTL_A_RULE_ACTION), self->ans.miss_type);
	if (self->ans.miss_type >= 0)
		EXPECT_EQ((int)((char *)n - r.buf), self->ans.miss_nest_off);

	/* DEL: no id, unknown id */
	nl_req_init(&r, self->fam, KSMCTL_CMD_RULE_DEL, KSMCTL_GENL_VERSION, 0);
	n = nl_nest_start(&r, KSMCTL_A_RULE);
	nl_nest_end(&r, n);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(NULL, strstr(self->ans.extack_msg, "RULE_ID"));
	EXPECT_EQ(ack_miss_type(KSMCTL_A_RULE_ID), self->ans.miss_type);
	if (self->ans.miss_type >= 0)
		EXPECT_EQ((int)((char *)n - r.buf), self->ans.miss_nest_off);
	EXPECT_EQ(-ENOENT, rule_del(self->fd, self->fam, 999999, &self->ans));
	EXPECT_NE(NULL, strstr(self->ans.extack_msg, "no rule"));
}

/* RULE_ADD and RULE_DEL need CAP_SYS_ADMIN; RULE_GET does not */
TEST_F(rules, permission)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .comm = "perm" };
	uint32_t id;
	int status;
	pid_t pid;

	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rule other = { .action = KSMCTL_RULE_MERGE,
				      .comm = "perm2" };
		static struct nl_ans ans;
		struct idlist l;
		int fd;

		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(10);
		fd = nl_open();
		if (fd < 0)
			_exit(11);
		if (rule_add(fd, self->fam, &other, NULL, &ans) != -EPERM)
			_exit(1);
		if (!strstr(ans.extack_msg, "CAP_SYS_ADMIN"))
			_exit(2);
		if (rule_del(fd, self->fam, id, &ans) != -EPERM)
			_exit(3);
		if (rule_list(fd, self->fam, &l) || l.n != 1)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* /proc/ksmctl/rules lists them */
TEST_F(rules, procfs_lists_rules)
{
	struct rule ru = { .action = KSMCTL_RULE_NEVER, .comm = "procfs-rule",
			   .has_uid = 1, .uid = 123 };
	char line[512], want[128];
	uint32_t id;
	int found = 0;
	FILE *f;

	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans));
	snprintf(want, sizeof(want), "%u never 0 comm=procfs-rule uid=123\n", id);
	f = fopen("/proc/ksmctl/rules", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, want))
			found = 1;
	fclose(f);
	EXPECT_TRUE(found) TH_LOG("no line \"%s\"", want);
}

/* the monitor group reports rule hits */
static int mcast_group_id(int fd, const char *family, const char *group)
{
	static struct nl_ans ans;
	struct nl_req r;
	struct nlattr *grps, *g;
	size_t len, glen;
	char *p;

	nl_req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	nl_put_str(&r, CTRL_ATTR_FAMILY_NAME, family);
	if (nl_talk(fd, &r, &ans) || ans.error || !ans.reply_len)
		return -1;
	len = ans.reply_len - NLMSG_HDRLEN - GENL_HDRLEN;
	grps = nl_attr_find(ans.reply + NLMSG_HDRLEN + GENL_HDRLEN, len,
			    CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return -1;
	p = nl_attr_data(grps);
	glen = nl_attr_len(grps);
	while (glen >= NLA_HDRLEN) {
		struct nlattr *name, *id;

		g = (struct nlattr *)p;
		name = nl_attr_find(nl_attr_data(g), nl_attr_len(g),
				    CTRL_ATTR_MCAST_GRP_NAME);
		id = nl_attr_find(nl_attr_data(g), nl_attr_len(g),
				  CTRL_ATTR_MCAST_GRP_ID);
		if (name && id && !strcmp(nl_attr_data(name), group))
			return *(uint32_t *)nl_attr_data(id);
		if (NLA_ALIGN(g->nla_len) >= glen)
			break;
		glen -= NLA_ALIGN(g->nla_len);
		p += NLA_ALIGN(g->nla_len);
	}
	return -1;
}

TEST_F(rules, monitor_reports_hits)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_pid = 1 };
	static char buf[8192];
	struct timeval tv = { 5, 0 };
	int grp, mfd, got = 0;
	uint32_t id;
	long t0;

	grp = mcast_group_id(self->fd, KSMCTL_GENL_NAME, KSMCTL_MCGRP_MONITOR);
	ASSERT_LT(0, grp);
	mfd = nl_open();
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, setsockopt(mfd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				sizeof(grp)));
	ASSERT_EQ(0, setsockopt(mfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "2", NULL));
	ru.pid = self->t.pid;
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, &id, &self->ans));
	t0 = now_ms();
	while (!got && now_ms() - t0 < 5000) {
		ssize_t n = recv(mfd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n <= 0)
			break;
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct genlmsghdr *gh = NLMSG_DATA(nlh);
			size_t len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
			struct nlattr *ev, *a;

			if (gh->cmd != KSMCTL_CMD_RULE_EVENT)
				continue;
			ev = nl_attr_find((char *)gh + GENL_HDRLEN, len,
					  KSMCTL_A_EVENT);
			if (!ev)
				continue;
			a = nl_attr_find(nl_attr_data(ev), nl_attr_len(ev),
					 KSMCTL_A_EVENT_PID);
			if (a && *(uint32_t *)nl_attr_data(a) ==
			    (uint32_t)self->t.pid) {
				a = nl_attr_find(nl_attr_data(ev),
						 nl_attr_len(ev),
						 KSMCTL_A_EVENT_RULE_ID);
				EXPECT_EQ(id, *(uint32_t *)nl_attr_data(a));
				got = 1;
			}
		}
	}
	close(mfd);
	EXPECT_TRUE(got);
}

/*
 * unload with rules active: rules gone, marks stay, no splat; a process
 * whose own merge-any flag a never rule held gets it back
 */
TEST_F(rules, unload_with_rules_active)
{
	struct rule ru = { .action = KSMCTL_RULE_MERGE, .has_pid = 1 };
	struct rule ru2 = { .action = KSMCTL_RULE_MERGE, .has_uid = 1, .uid = 0 };
	struct rule never = { .action = KSMCTL_RULE_NEVER, .has_pid = 1 };
	struct target own = { 0 };
	int own_flag = 0;
	struct idlist l;
	char line[256];
	long t0;
	FILE *f;
	int n;

	ASSERT_EQ(0, target_start(&self->t, "rule_target", "8", NULL));
	ASSERT_EQ(0, target_start(&own, "rule_target", "2", NULL));
	ASSERT_EQ(0, cmd(&own, "prctl 1", line, sizeof(line)));
	own_flag = !strcmp(line, "ok");
	ru.pid = self->t.pid;
	never.pid = own.pid;
	t0 = now_ms();
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru, NULL, &self->ans));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &ru2, NULL, &self->ans));
	ASSERT_EQ(0, rule_add(self->fd, self->fam, &never, NULL, &self->ans));
	ASSERT_LE(0, wait_covered(self->fd, self->fam, self->t.pid, t0,
				  BOUND_MS));
	if (own_flag)
		ASSERT_LE(0, wait_merge_any(self->fd, self->fam, own.pid, 0,
					    t0, BOUND_MS));
	close(self->fd);
	ASSERT_EQ(0, ksmctl_ensure_unloaded());
	ASSERT_EQ(0, ksmctl_ensure_loaded());
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->fam = ksmctl_family(self->fd);
	ASSERT_LT(0, self->fam);
	ASSERT_EQ(0, rule_list(self->fd, self->fam, &l));
	EXPECT_EQ(0, l.n);
	f = fopen("/proc/ksmctl/rules", "re");
	ASSERT_NE(NULL, f);
	for (n = 0; fgets(line, sizeof(line), f); n++)
		;
	fclose(f);
	EXPECT_EQ(1, n);	/* the header only */
	EXPECT_LE(990, proc_coverage(self->fd, self->fam, self->t.pid));
	if (merge_any(self->fd, self->fam, self->t.pid) >= 0)
		EXPECT_EQ(0, merge_any(self->fd, self->fam, self->t.pid));
	if (own_flag) {
		EXPECT_EQ(1, merge_any(self->fd, self->fam, own.pid))
			TH_LOG("the never rule's unload did not give the flag back");
		EXPECT_LE(990, proc_coverage(self->fd, self->fam, own.pid));
	}
	target_stop(&own);
}

TEST_HARNESS_MAIN
