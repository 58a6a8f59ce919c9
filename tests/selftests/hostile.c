// SPDX-License-Identifier: GPL-2.0
/*
 * A shared host: what an unprivileged caller, a racing process or a huge
 * input can make of the module. Each test says which rule it holds the
 * module to (README, "Permissions" and "Reliability").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300
#include "ksmctl_lib.h"
#include "nl.h"

static int open_family(int *fd)
{
	*fd = nl_open();
	return *fd < 0 ? *fd : ksmctl_family(*fd);
}

/* a zombie owned by uid: its pid (reap it with waitpid) */
static pid_t zombie(int uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(1);
		_exit(0);
	}
	usleep(100000);
	return pid;
}

struct answer {
	int err;
	char msg[256];
};

static void ask_proc(int fd, int fam, pid_t pid, struct answer *a)
{
	struct proc_rec r;
	struct nl_ans ans;

	a->err = proc_get(fd, fam, pid, 0, &r, &ans);
	snprintf(a->msg, sizeof(a->msg), "%s", a->err ? ans.extack_msg : "");
}

static void ask_vmas(int fd, int fam, pid_t pid, struct answer *a)
{
	struct vma_rec *v = NULL;
	struct nl_ans ans;
	int n = 0;

	a->err = vmas_dump(fd, fam, pid, &v, &n, &ans);
	snprintf(a->msg, sizeof(a->msg), "%s", a->err ? ans.extack_msg : "");
	free(v);
}

/*
 * An unprivileged caller learns nothing /proc with hidepid=invisible would
 * hide: a pid it may not see (another user's process, its own that is not
 * dumpable, a kernel thread, a zombie) answers exactly as a pid that does
 * not exist, for GET_PROC and GET_VMAS alike.
 */
TEST(hidden_pids_look_missing)
{
	pid_t other, nodump, zomb, missing, child;
	const char *hp = "/tmp/ksmctl-hidepid";
	int st;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	other = sleeper(OTHER, 1);
	nodump = sleeper(NOBODY, 0);
	zomb = zombie(OTHER);
	missing = unused_pid();
	ASSERT_LT(0, other);
	ASSERT_LT(0, nodump);
	ASSERT_LT(0, zomb);
	mkdir(hp, 0755);
	ASSERT_EQ(0, mount("proc", hp, "proc", 0, "hidepid=invisible"));

	child = fork();
	if (child == 0) {
		const pid_t hidden[] = { other, nodump, zomb, 2 };
		struct answer want_p, want_v, got;
		char path[64];
		int fd, fam;
		unsigned int i;

		if (become(NOBODY, 0))
			_exit(1);
		fam = open_family(&fd);
		if (fam <= 0)
			_exit(2);
		ask_proc(fd, fam, missing, &want_p);
		ask_vmas(fd, fam, missing, &want_v);
		if (want_p.err != -ESRCH || strcmp(want_p.msg, "no such process") ||
		    want_v.err != -ESRCH || strcmp(want_v.msg, "no such process")) {
			fprintf(stderr, "# missing pid: %d '%s', %d '%s'\n", want_p.err,
				want_p.msg, want_v.err, want_v.msg);
			_exit(3);
		}
		for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
			/* /proc hides it from us too */
			snprintf(path, sizeof(path), "%s/%d", hp, hidden[i]);
			if (hidden[i] != nodump && access(path, F_OK) == 0) {
				fprintf(stderr, "# %s is visible\n", path);
				_exit(10 + i);
			}
			ask_proc(fd, fam, hidden[i], &got);
			if (got.err != want_p.err || strcmp(got.msg, want_p.msg)) {
				fprintf(stderr, "# GET_PROC of hidden pid %d: %d '%s'\n",
					hidden[i], got.err, got.msg);
				_exit(20 + i);
			}
			ask_vmas(fd, fam, hidden[i], &got);
			if (got.err != want_v.err || strcmp(got.msg, want_v.msg)) {
				fprintf(stderr, "# GET_VMAS of hidden pid %d: %d '%s'\n",
					hidden[i], got.err, got.msg);
				_exit(30 + i);
			}
		}
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	umount(hp);
	rmdir(hp);
	stop(other);
	stop(nodump);
	waitpid(zomb, NULL, 0);
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* one character of /proc/PID/stat's state field */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * A process whose main thread called pthread_exit() while another thread
 * runs on is still a process with memory: shown, readable and markable.
 */
TEST(main_thread_exited)
{
	struct mark_opts tree = { .flags = KSMCTL_MARK_F_TREE };
	struct proc_rec r, *recs;
	struct vma_rec *v = NULL;
	struct mark_rec m;
	struct nl_ans ans;
	int fd, fam, n, nv, i, found = 0, p[2], st;
	pid_t pid, viewer;
	char c;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	fam = open_family(&fd);
	ASSERT_LT(0, fam);
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (pid == 0) {
		pthread_t t;
		char *mem;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY) ||
		    prctl(PR_SET_DUMPABLE, 1))
			_exit(1);
		mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			_exit(1);
		memset(mem, 0x5a, 1 << 20);
		if (pthread_create(&t, NULL, sleep_forever, NULL))
			_exit(1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pthread_exit(NULL);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	close(p[0]);
	for (i = 0; i < 200 && proc_state(pid) != 'Z'; i++)
		usleep(10000);
	ASSERT_EQ('Z', proc_state(pid)) TH_LOG("the main thread did not exit");

	EXPECT_EQ(0, proc_get(fd, fam, pid, 0, &r, &ans)) TH_LOG("%s", ans.extack_msg);
	EXPECT_EQ((uint32_t)pid, r.pid);
	EXPECT_LE(1 << 20, r.anon_rss);
	ASSERT_EQ(0, proc_dump(fd, fam, 0, &recs, &n, &ans));
	for (i = 0; i < n; i++)
		found |= recs[i].pid == (uint32_t)pid;
	free(recs);
	EXPECT_TRUE(found) TH_LOG("not in the dump");
	EXPECT_EQ(0, vmas_dump(fd, fam, pid, &v, &nv, &ans)) TH_LOG("%s", ans.extack_msg);
	EXPECT_LT(0, nv);
	free(v);
	EXPECT_EQ(0, mark(fd, fam, KSMCTL_CMD_MARK, pid, NULL, &m, &ans))
		TH_LOG("%s", ans.extack_msg);
	EXPECT_LT(0, m.vmas);
	/* and in a tree MARK: ours, whose only child it is */
	EXPECT_EQ(0, mark(fd, fam, KSMCTL_CMD_MARK, getpid(), &tree, &m, &ans))
		TH_LOG("%s", ans.extack_msg);
	EXPECT_EQ(2, m.processes);
	EXPECT_EQ(0, m.failed_processes);

	/* and its owner sees it as well */
	viewer = fork();
	if (viewer == 0) {
		int vfd, vfam;

		if (become(NOBODY, 0))
			_exit(2);
		vfam = open_family(&vfd);
		_exit(vfam > 0 && !proc_get(vfd, vfam, pid, 0, &r, &ans) ? 0 : 1);
	}
	ASSERT_EQ(viewer, waitpid(viewer, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	stop(pid);
	close(fd);
}

/* ---- an exec of a setuid program, raced by GET_VMAS ---- */

#define SUID_DIR	"/tmp/ksmctl-suid"
#define SUID_PROG	SUID_DIR "/sleep"
#define CLOEXEC_FDS	20000

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (in < 0 || out < 0)
		ret = -1;
	while (!ret && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = -1;
	if (in >= 0)
		close(in);
	if (out >= 0 && (close(out) || chmod(to, mode)))
		ret = -1;
	return ret;
}

/*
 * While a process of ours execs a setuid program, GET_VMAS never shows the
 * new program's memory: the mm and the credentials are checked together,
 * under the process's exec lock. Many close-on-exec descriptors make the
 * exec's window between the new mm and the new credentials wide.
 */
TEST(setuid_exec_shows_no_new_layout)
{
	volatile pid_t *cur;
	volatile int *done;
	pid_t runner, prober;
	int st, leaks = -1;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	mkdir(SUID_DIR, 0755);
	ASSERT_EQ(0, copy_file("/bin/busybox", SUID_PROG, 04755));
	cur = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, cur);
	done = (volatile int *)(cur + 1);

	runner = fork();
	if (runner == 0) {
		struct rlimit rl = { CLOEXEC_FDS + 64, CLOEXEC_FDS + 64 };
		time_t end = time(NULL) + 20;
		int i, runs = 0;

		if (setrlimit(RLIMIT_NOFILE, &rl) || become(NOBODY, 0))
			_exit(1);
		while (time(NULL) < end && runs < 40) {
			pid_t c = fork();

			if (c == 0) {
				for (i = 0; i < CLOEXEC_FDS; i++)
					if (fcntl(0, F_DUPFD_CLOEXEC, 3) < 0)
						break;
				*cur = getpid();
				execl(SUID_PROG, "sleep", "0", (char *)NULL);
				_exit(127);
			}
			waitpid(c, NULL, 0);
			runs++;
		}
		*done = 1;
		_exit(0);
	}
	prober = fork();
	if (prober == 0) {
		int fd, fam, n, i, found = 0;
		struct vma_rec *v;
		struct nl_ans ans;

		if (become(NOBODY, 0))
			_exit(255);
		fam = open_family(&fd);
		if (fam <= 0)
			_exit(255);
		while (!*done) {
			pid_t pid = *cur;

			v = NULL;
			if (pid > 0 && vmas_dump(fd, fam, pid, &v, &n, &ans) == 0) {
				/*
				 * Before the exec the process is a fork of this
				 * test; in the exec's window its new mm has only
				 * the new stack (the program is mapped later).
				 */
				for (i = 0; i < n; i++)
					if (strstr(v[i].name, "/hostile"))
						break;
				if (i == n) {
					found++;
					fprintf(stderr, "# pid %d: %d VMAs of the new program shown, the first at %#llx\n",
						pid, n, n ? (unsigned long long)v[0].start : 0ULL);
				}
			}
			free(v);
		}
		_exit(found > 254 ? 254 : found);
	}
	ASSERT_EQ(runner, waitpid(runner, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(prober, waitpid(prober, &st, 0));
	if (WIFEXITED(st))
		leaks = WEXITSTATUS(st);
	EXPECT_EQ(0, leaks) TH_LOG("GET_VMAS showed the setuid program's memory %d times", leaks);
	unlink(SUID_PROG);
	rmdir(SUID_DIR);
}

/* lines of /proc/PID/maps: the process's VMAs */
static int maps_lines(pid_t pid)
{
	char path[64], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		n++;
	if (f)
		fclose(f);
	return n;
}

/*
 * A GET_VMAS dump whose process execs another program before the dump
 * ends stops there, and its end says so (NLM_F_DUMP_INTR): the caller
 * never takes half a list, or the new program's, for the whole.
 */
TEST(vmas_dump_cut_by_exec)
{
	static char buf[NL_BUFSZ];
	int fd, fam, p[2], i, vmas = 0, done = 0, intr = 0;
	struct nl_req q;
	pid_t pid;
	char c;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	fam = open_family(&fd);
	ASSERT_LT(0, fam);
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (pid == 0) {
		/* 3,000 VMAs: many dump rounds */
		char *base = mmap(NULL, 6000 * 4096UL, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (base == MAP_FAILED)
			_exit(1);
		for (i = 0; i < 6000; i += 2)
			mprotect(base + i * 4096UL, 4096, PROT_READ);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		execl("/bin/busybox", "sleep", "1000", (char *)NULL);
		_exit(1);
	}
	close(p[0]);
	for (i = 0; i < 500 && maps_lines(pid) < 3000; i++)
		usleep(10000);
	ASSERT_LE(3000, maps_lines(pid));

	nl_req_init(&q, fam, KSMCTL_CMD_GET_VMAS, KSMCTL_GENL_VERSION, NLM_F_DUMP);
	nl_put_u32(&q, KSMCTL_A_PID, pid);
	ASSERT_EQ((ssize_t)q.nlh->nlmsg_len, send(fd, q.buf, q.nlh->nlmsg_len, 0));
	for (i = 0; !done; i++) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		ASSERT_LT(0, len);
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				intr = !!(h->nlmsg_flags & NLM_F_DUMP_INTR);
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				done = -1;
			} else {
				vmas++;
			}
		}
		if (i == 0) {
			/* after the first rounds: the process execs */
			char exe[64], target[256];
			ssize_t n = -1;
			int j;

			ASSERT_EQ(1, write(p[1], "x", 1));
			snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
			for (j = 0; j < 6000; j++) {
				n = readlink(exe, target, sizeof(target) - 1);
				if (n > 0 && (target[n] = '\0', strstr(target, "busybox")))
					break;
				usleep(10000);
			}
			ASSERT_GT(6000, j) TH_LOG("no exec within 60 s");
		}
	}
	TH_LOG("%d of %d VMAs before the end, in %d reads", vmas, maps_lines(pid), i);
	EXPECT_EQ(1, done);
	EXPECT_GT(3000, vmas);
	EXPECT_TRUE(intr) TH_LOG("the dump ended as if whole");
	close(p[1]);
	stop(pid);
	close(fd);
}

/* ---- a long request does not hold up other netlink families ---- */


struct unmark_job {
	int fd, fam;
	pid_t pid;
	int err;
	volatile int finished;
};

static void *unmark_thread(void *arg)
{
	struct unmark_job *j = arg;
	struct mark_rec m;
	struct nl_ans ans;

	j->err = mark(j->fd, j->fam, KSMCTL_CMD_UNMARK, j->pid, NULL, &m, &ans);
	j->finished = 1;
	return NULL;
}

/* MemFree of /proc/meminfo, KiB */
static int64_t mem_free_kib(void)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %lld kB", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* the merged processes whose unmerging is the long request */
#define TARGET_MIB	64
#define TARGET_MIB_STR	"64"

/*
 * Two targets of TARGET_MIB, marked and merged with each other: 0, or the
 * number of the step that failed (explained on stderr).
 */
static int merged_pair(int fd, int fam, struct target t[2])
{
	struct proc_rec r;
	struct mark_rec m;
	struct nl_ans ans;
	int i;

	ksm_reset();
	for (i = 0; i < 2; i++) {
		if (target_start(&t[i], "ksm_target", TARGET_MIB_STR, NULL))
			return 1;
		if (mark(fd, fam, KSMCTL_CMD_MARK, t[i].pid, NULL, &m, &ans))
			return 2;
	}
	if (ksm_settle(300))
		return 3;
	if (proc_get(fd, fam, t[0].pid, 0, &r, &ans))
		return 4;
	if (r.merging <= TARGET_MIB * 256 * 9 / 10) {
		fprintf(stderr, "# only %llu pages merged\n", (unsigned long long)r.merging);
		return 5;
	}
	return 0;
}

/*
 * Wait until the copies of a tenth of a target are allocated (the
 * per-process counters change only when ksmd next looks), or *stop turns
 * true. Return: MemFree then.
 */
static int64_t wait_copying(int64_t before, volatile int *stop)
{
	int64_t now = before;
	int i;

	for (i = 0; i < 200000 && !(stop && *stop); i++) {
		now = mem_free_kib();
		if (before - now > TARGET_MIB * 1024 / 10)
			break;
		usleep(50);
	}
	return now;
}

/*
 * While an UNMARK copies a large merged process back (a long request), a
 * request to another generic netlink family (nlctrl's GETFAMILY) is
 * answered before it ends: the module does not hold genl_mutex, which
 * every family of the host shares.
 */
TEST(long_request_does_not_stall_other_families)
{
	struct target t[2];
	struct unmark_job job;
	pthread_t th;
	int fd, fam, i, other_fd;
	int64_t before, now = 0, at_reply, copied;
	uint32_t id;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	fam = open_family(&fd);
	ASSERT_LT(0, fam);
	ASSERT_EQ(0, merged_pair(fd, fam, t));

	other_fd = nl_open();
	ASSERT_LE(0, other_fd);
	job = (struct unmark_job){ .fd = fd, .fam = fam, .pid = t[0].pid };
	before = mem_free_kib();
	ASSERT_EQ(0, pthread_create(&th, NULL, unmark_thread, &job));
	now = wait_copying(before, &job.finished);
	ASSERT_FALSE(job.finished) TH_LOG("the UNMARK ended before it was seen under way");
	ASSERT_GT(TARGET_MIB * 1024 / 2, before - now) TH_LOG("seen under way too late: %lld KiB copied",
						      (long long)(before - now));
	EXPECT_LT(0, nl_family_id(other_fd, "nlctrl", &id));
	/*
	 * How far the copy had got when nlctrl answered, against how far it
	 * gets: held up behind the UNMARK, nlctrl would answer only once all
	 * of it was done.
	 */
	at_reply = before - mem_free_kib();
	pthread_join(th, NULL);
	EXPECT_EQ(0, job.err);
	copied = before - mem_free_kib();
	TH_LOG("%lld KiB copied when nlctrl answered, %lld KiB in all",
	       (long long)at_reply, (long long)copied);
	EXPECT_LT(0, copied);
	EXPECT_LT(at_reply, copied / 2) TH_LOG("nlctrl answered only after the UNMARK");
	close(other_fd);
	for (i = 0; i < 2; i++)
		target_stop(&t[i]);
	ksm_reset();
	close(fd);
}

/*
 * rmmod while a never rule unmerges a large process returns promptly: the
 * rules' thread stops between chunks as a signalled caller does, instead
 * of rmmod waiting for all of it.
 */
TEST(rmmod_stops_a_long_unmerge)
{
	int64_t before, now = 0, at_return, copied;
	struct target t[2];
	struct nl_ans ans;
	struct nl_req q;
	struct nlattr *nest;
	int fd, fam, i;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	fam = open_family(&fd);
	ASSERT_LT(0, fam);
	ASSERT_EQ(0, merged_pair(fd, fam, t));

	before = mem_free_kib();
	nl_req_init(&q, fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	nest = nl_nest_start(&q, KSMCTL_A_RULE);
	nl_put_u32(&q, KSMCTL_A_RULE_ACTION, KSMCTL_RULE_NEVER);
	nl_put_u32(&q, KSMCTL_A_RULE_PID, t[0].pid);
	nl_nest_end(&q, nest);
	ASSERT_EQ(0, nl_talk(fd, &q, &ans));
	ASSERT_EQ(0, ans.error) TH_LOG("%s", ans.extack_msg);
	close(fd);
	/* the rules' thread is copying the pages back */
	now = wait_copying(before, NULL);
	ASSERT_GT(TARGET_MIB * 1024 / 2, before - now) TH_LOG("seen under way too late: %lld KiB copied",
						      (long long)(before - now));
	ASSERT_EQ(0, ksmctl_ensure_unloaded());
	at_return = before - mem_free_kib();
	usleep(500000);
	copied = before - mem_free_kib();
	TH_LOG("%lld KiB copied back when rmmod returned, %lld KiB half a second later",
	       (long long)at_return, (long long)copied);
	EXPECT_GT(TARGET_MIB * 1024 / 2, at_return) TH_LOG("rmmod waited for the whole unmerge");

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	for (i = 0; i < 2; i++) {
		char line[64];

		ASSERT_EQ(0, target_cmd(&t[i], "check", line, sizeof(line)));
		EXPECT_STREQ("ok", line);
		target_stop(&t[i]);
	}
	ksm_reset();
}

/* nl_dump() callback: ids of rules into ids[1..], their count in ids[0] */
static int collect_rule_id(const struct nlmsghdr *nlh, void *arg)
{
	uint32_t *ids = arg;
	size_t rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	struct nlattr *rule = nl_attr_find((char *)NLMSG_DATA(nlh) + GENL_HDRLEN, rem,
					   KSMCTL_A_RULE);
	struct nlattr *id = rule ? nl_attr_find(nl_attr_data(rule), nl_attr_len(rule),
						KSMCTL_A_RULE_ID) : NULL;

	if (id && ids[0] < 2047)
		ids[++ids[0]] = *(uint32_t *)nl_attr_data(id);
	return 0;
}

/*
 * Requests run in parallel (no genl_mutex): a rule deleted by another
 * caller the moment it is added is never touched after it is freed, and
 * the adder still gets its rule in the reply. (KASAN, on the debug kernel,
 * sees what a reply from freed memory would read.)
 */
TEST(rule_add_races_rule_del)
{
	volatile uint32_t *next_id;
	int st, fd, fam, i, n = 0;
	uint32_t left[2048] = { 0 };
	pid_t adder, deleter;
	struct nl_ans ans;
	struct nl_req q;
	struct nlattr *nest;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	next_id = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, next_id);
	deleter = fork();
	if (deleter == 0) {
		/* delete the id the next rule will get, over and over */
		fam = open_family(&fd);
		while (fam > 0 && next_id[1] == 0) {
			nl_req_init(&q, fam, KSMCTL_CMD_RULE_DEL, KSMCTL_GENL_VERSION, 0);
			nest = nl_nest_start(&q, KSMCTL_A_RULE);
			nl_put_u32(&q, KSMCTL_A_RULE_ID, next_id[0]);
			nl_nest_end(&q, nest);
			if (nl_talk(fd, &q, &ans) || (ans.error && ans.error != -ENOENT))
				_exit(1);
			if (!ans.error)
				next_id[2]++;	/* one caught */
		}
		_exit(0);
	}
	adder = fork();
	if (adder == 0) {
		char comm[16];

		struct timespec t0, t;

		fam = open_family(&fd);
		if (fam <= 0)
			_exit(1);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		/*
		 * 2,000 rounds, or a minute's worth: emulation with a loaded
		 * host can make a round take 150 ms.
		 */
		for (i = 0; i < 2000; i++) {
			struct nlattr *a, *rule, *c, *id;
			size_t rem;

			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec >= 60)
				break;

			snprintf(comm, sizeof(comm), "race-%d", i);
			nl_req_init(&q, fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
			nest = nl_nest_start(&q, KSMCTL_A_RULE);
			nl_put_u32(&q, KSMCTL_A_RULE_ACTION, KSMCTL_RULE_MERGE);
			nl_put_str(&q, KSMCTL_A_RULE_COMM, comm);
			nl_nest_end(&q, nest);
			if (nl_talk(fd, &q, &ans) || ans.error) {
				fprintf(stderr, "# add %d: %d %s\n", i, ans.error, ans.extack_msg);
				_exit(2);
			}
			a = nl_attr_first(ans.reply, &rem);
			rule = nl_attr_find(a, rem, KSMCTL_A_RULE);
			c = rule ? nl_attr_find(nl_attr_data(rule), nl_attr_len(rule),
						KSMCTL_A_RULE_COMM) : NULL;
			id = rule ? nl_attr_find(nl_attr_data(rule), nl_attr_len(rule),
						 KSMCTL_A_RULE_ID) : NULL;
			if (!c || !id || strcmp(nl_attr_data(c), comm))
				_exit(3);	/* the reply is not our rule */
			next_id[0] = *(uint32_t *)nl_attr_data(id) + 1;
			/* and away with it, unless the deleter was first */
			nl_req_init(&q, fam, KSMCTL_CMD_RULE_DEL, KSMCTL_GENL_VERSION, 0);
			nest = nl_nest_start(&q, KSMCTL_A_RULE);
			nl_put_u32(&q, KSMCTL_A_RULE_ID, next_id[0] - 1);
			nl_nest_end(&q, nest);
			if (nl_talk(fd, &q, &ans) || (ans.error && ans.error != -ENOENT))
				_exit(4);
		}
		next_id[3] = i;
		_exit(0);
	}
	ASSERT_EQ(adder, waitpid(adder, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("adder: status %#x", st);
	next_id[1] = 1;
	ASSERT_EQ(deleter, waitpid(deleter, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("deleter: status %#x", st);
	TH_LOG("%u of %u rules deleted as they were added", next_id[2], next_id[3]);

	/* leave no rule behind */
	fam = open_family(&fd);
	ASSERT_LT(0, fam);
	nl_req_init(&q, fam, KSMCTL_CMD_RULE_GET, KSMCTL_GENL_VERSION, NLM_F_DUMP);
	ASSERT_EQ(0, nl_dump(fd, &q, &ans, collect_rule_id, left));
	n = left[0];
	for (i = 1; i <= n; i++) {
		nl_req_init(&q, fam, KSMCTL_CMD_RULE_DEL, KSMCTL_GENL_VERSION, 0);
		nest = nl_nest_start(&q, KSMCTL_A_RULE);
		nl_put_u32(&q, KSMCTL_A_RULE_ID, left[i]);
		nl_nest_end(&q, nest);
		EXPECT_EQ(0, nl_talk(fd, &q, &ans));
		EXPECT_EQ(0, ans.error);
	}
	close(fd);
}

/* ---- paths near PATH_MAX ---- */

#define LONG_DIRS	16
#define LONG_NAME	240	/* 16 x (240 + 1) + the top: ~3,870 bytes */

/* mkdir top/<long>/<long>/... under dirfd; the fd of the deepest, or -1 */
static int deep_dirs(int dirfd, char *rel, size_t rel_size)
{
	char name[LONG_NAME + 1];
	int i, fd = dup(dirfd), next;

	memset(name, 'd', LONG_NAME - 4);
	name[LONG_NAME - 4] = '\0';
	rel[0] = '\0';
	for (i = 0; i < LONG_DIRS && fd >= 0; i++) {
		char n[LONG_NAME + 16];

		snprintf(n, sizeof(n), "%s%04d", name, i);
		if (mkdirat(fd, n, 0755) && errno != EEXIST)
			break;
		next = openat(fd, n, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
		strncat(rel, "/", rel_size - strlen(rel) - 1);
		strncat(rel, n, rel_size - strlen(rel) - 1);
	}
	if (i < LONG_DIRS && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void rm_deep_dirs(const char *top, const char *rel, const char *file)
{
	char path[8192];
	char *slash;

	snprintf(path, sizeof(path), "%s%s", top, rel);
	if (file) {
		char f[8300];

		snprintf(f, sizeof(f), "%s/%s", path, file);
		unlink(f);
	}
	while (strlen(path) > strlen(top)) {
		rmdir(path);
		slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	rmdir(top);
}

static int rule_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	++*(int *)arg;
	return 0;
}

/*
 * One process (or rule) whose message is larger than a dump round's
 * default buffer, a cgroup path and an executable's path near PATH_MAX,
 * does not end the dump: each round has room for the largest message, on
 * a socket that never read before (the kernel then knows nothing of the
 * reader's buffer).
 */
TEST(paths_near_path_max)
{
	const char *cgtop = "/sys/fs/cgroup/ksmctl-long", *exetop = "/tmp/ksmctl-long";
	char cgrel[4096], exerel[4096], cgpath[4200];
	struct nlattr *nest;
	struct proc_rec *recs;
	struct vma_rec *v = NULL;
	struct nl_ans ans;
	struct nl_req q;
	int top, cgfd, exefd, procs, fd, fam, n, i, found, rules = 0;
	uint32_t id = 0;
	pid_t pid;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	fam = open_family(&fd);
	ASSERT_LT(0, fam);

	mkdir(cgtop, 0755);
	top = open(cgtop, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, top);
	cgfd = deep_dirs(top, cgrel, sizeof(cgrel));
	close(top);
	ASSERT_LE(0, cgfd);
	mkdir(exetop, 0755);
	top = open(exetop, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, top);
	exefd = deep_dirs(top, exerel, sizeof(exerel));
	close(top);
	ASSERT_LE(0, exefd);
	TH_LOG("cgroup path %zu bytes, executable path %zu bytes",
	       strlen("/ksmctl-long") + strlen(cgrel), strlen(exetop) + strlen(exerel) + 6);

	/* busybox as .../sleep, run from its directory, in the deep cgroup */
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fchdir(exefd) || copy_file("/bin/busybox", "sleep", 0755))
			_exit(1);
		procs = openat(cgfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (procs < 0 || write(procs, "0", 1) != 1)
			_exit(2);
		execl("./sleep", "sleep", "1000", (char *)NULL);
		_exit(3);
	}
	ASSERT_LT(0, pid);
	for (i = 0; i < 500; i++) {
		char exe[64], target[8192];
		ssize_t len;

		snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
		len = readlink(exe, target, sizeof(target) - 1);
		if (len > 0 && (target[len] = '\0', strstr(target, "/sleep")))
			break;
		usleep(10000);
	}

	/* GET_PROC dump, on a socket that never read */
	close(fd);
	fd = nl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, proc_dump(fd, fam, 0, &recs, &n, &ans)) TH_LOG("%s", ans.extack_msg);
	for (i = 0, found = 0; i < n; i++)
		found |= recs[i].pid == (uint32_t)pid;
	free(recs);
	EXPECT_TRUE(found);

	/* GET_VMAS dump, likewise */
	close(fd);
	fd = nl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vmas_dump(fd, fam, pid, &v, &n, &ans)) TH_LOG("%s", ans.extack_msg);
	for (i = 0, found = 0; i < n; i++)
		found |= !strncmp(v[i].name, exetop, strlen(exetop));
	free(v);
	EXPECT_TRUE(found) TH_LOG("no VMA named %s/...", exetop);

	/* RULE_GET dump of a rule with the long cgroup path */
	snprintf(cgpath, sizeof(cgpath), "/ksmctl-long%s", cgrel);
	nl_req_init(&q, fam, KSMCTL_CMD_RULE_ADD, KSMCTL_GENL_VERSION, 0);
	nest = nl_nest_start(&q, KSMCTL_A_RULE);
	nl_put_u32(&q, KSMCTL_A_RULE_ACTION, KSMCTL_RULE_MERGE);
	nl_put_str(&q, KSMCTL_A_RULE_CGROUP, cgpath);
	nl_nest_end(&q, nest);
	close(fd);
	fd = nl_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nl_talk(fd, &q, &ans));
	ASSERT_EQ(0, ans.error) TH_LOG("RULE_ADD: %s", ans.extack_msg);
	{
		size_t rem;
		struct nlattr *a = nl_attr_first(ans.reply, &rem);
		struct nlattr *rule = nl_attr_find(a, rem, KSMCTL_A_RULE);
		struct nlattr *ida = rule ? nl_attr_find(nl_attr_data(rule), nl_attr_len(rule),
							 KSMCTL_A_RULE_ID) : NULL;

		ASSERT_NE(NULL, ida);
		id = *(uint32_t *)nl_attr_data(ida);
	}
	close(fd);
	fd = nl_open();
	ASSERT_LE(0, fd);
	nl_req_init(&q, fam, KSMCTL_CMD_RULE_GET, KSMCTL_GENL_VERSION, NLM_F_DUMP);
	EXPECT_EQ(0, nl_dump(fd, &q, &ans, rule_get_cb, &rules)) TH_LOG("%s", ans.extack_msg);
	EXPECT_LE(1, rules);
	nl_req_init(&q, fam, KSMCTL_CMD_RULE_DEL, KSMCTL_GENL_VERSION, 0);
	nest = nl_nest_start(&q, KSMCTL_A_RULE);
	nl_put_u32(&q, KSMCTL_A_RULE_ID, id);
	nl_nest_end(&q, nest);
	EXPECT_EQ(0, nl_talk(fd, &q, &ans));
	EXPECT_EQ(0, ans.error);

	stop(pid);
	close(cgfd);
	close(exefd);
	close(fd);
	rm_deep_dirs(cgtop, cgrel, NULL);
	rm_deep_dirs(exetop, exerel, "sleep");
}

TEST_HARNESS_MAIN
