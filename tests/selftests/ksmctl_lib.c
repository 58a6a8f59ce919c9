// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "ksmctl_lib.h"
#include "nl.h"

int ksmctl_is_loaded(void)
{
	struct stat st;

	return stat("/sys/module/ksmctl", &st) == 0;
}

int ksmctl_ensure_loaded(void)
{
	const char *ko = getenv("KSMCTL_KO");
	int fd, ret;

	if (ksmctl_is_loaded())
		return 0;
	if (!ko)
		ko = "/ksmctl/ksmctl.ko";
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int ksmctl_ensure_unloaded(void)
{
	if (!ksmctl_is_loaded())
		return 0;
	return syscall(SYS_delete_module, "ksmctl", O_NONBLOCK) ? -errno : 0;
}

int become(int uid, unsigned long long caps)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL))
		return -1;
	if (uid >= 0 && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
		return -1;
	d[0].effective = d[0].permitted = (uint32_t)caps;
	d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
	return syscall(SYS_capset, &h, d);
}

pid_t sleeper(int uid, int dumpable)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (uid >= 0 && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(1);
		prctl(PR_SET_DUMPABLE, dumpable);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

pid_t unused_pid(void)
{
	uint64_t max = 32768;
	char path[64];
	pid_t pid;

	read_u64_file("/proc/sys/kernel/pid_max", &max);
	for (pid = max - 1; pid > 300; pid--) {
		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (access(path, F_OK))
			return pid;
	}
	return max - 1;
}

int ksmctl_family(int fd)
{
	return nl_family_id(fd, KSMCTL_GENL_NAME, NULL);
}

int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

int ack_miss_type(int type)
{
	return kernel_at_least(6, 0) ? type : -1;
}

#include <stdio.h>
#include <string.h>

static void parse_proc(struct nlattr *nest, struct proc_rec *r)
{
	void *d = nl_attr_data(nest);
	size_t len = nl_attr_len(nest);
	struct nlattr *a;

	memset(r, 0, sizeof(*r));
#define U32(t, f) if ((a = nl_attr_find(d, len, t))) r->f = *(uint32_t *)nl_attr_data(a)
#define U64(t, f) if ((a = nl_attr_find(d, len, t))) r->f = *(uint64_t *)nl_attr_data(a)
#define STR(t, f) if ((a = nl_attr_find(d, len, t))) snprintf(r->f, sizeof(r->f), "%s", (char *)nl_attr_data(a))
	U32(KSMCTL_A_PROC_PID, pid);
	U32(KSMCTL_A_PROC_PPID, ppid);
	U32(KSMCTL_A_PROC_UID, uid);
	U32(KSMCTL_A_PROC_MERGEABLE_VMAS, mergeable_vmas);
	STR(KSMCTL_A_PROC_COMM, comm);
	STR(KSMCTL_A_PROC_CGROUP_PATH, cgroup_path);
	U64(KSMCTL_A_PROC_CGROUP_ID, cgroup_id);
	U64(KSMCTL_A_PROC_MERGING_PAGES, merging);
	U64(KSMCTL_A_PROC_MERGEABLE_BYTES, mergeable_bytes);
	U64(KSMCTL_A_PROC_ELIGIBLE_BYTES, eligible_bytes);
	U64(KSMCTL_A_PROC_ANON_RSS_BYTES, anon_rss);
	if ((a = nl_attr_find(d, len, KSMCTL_A_PROC_RMAP_ITEMS))) {
		r->rmap_items = *(uint64_t *)nl_attr_data(a);
		r->has_rmap = 1;
	}
	if ((a = nl_attr_find(d, len, KSMCTL_A_PROC_PROFIT)))
		r->profit = *(int64_t *)nl_attr_data(a);
	if ((a = nl_attr_find(d, len, KSMCTL_A_PROC_ZERO_PAGES))) {
		r->zero_pages = *(uint64_t *)nl_attr_data(a);
		r->has_zero = 1;
	}
	if ((a = nl_attr_find(d, len, KSMCTL_A_PROC_MERGE_ANY))) {
		r->merge_any = *(uint8_t *)nl_attr_data(a);
		r->has_merge_any = 1;
	}
	if ((a = nl_attr_find(d, len, KSMCTL_A_PROC_PROP_SAVED_BYTES))) {
		r->prop_saved = *(uint64_t *)nl_attr_data(a);
		r->has_prop = 1;
	}
	U64(KSMCTL_A_PROC_KSM_MAPPED_PAGES, ksm_mapped);
#undef U32
#undef U64
#undef STR
}

int proc_get(int fd, int family, uint32_t pid, uint32_t flags,
	     struct proc_rec *r, struct nl_ans *ans)
{
	struct nlattr *a;
	struct nl_req req;
	size_t rem;
	int err;

	nl_req_init(&req, family, KSMCTL_CMD_GET_PROC, KSMCTL_GENL_VERSION, 0);
	nl_put_u32(&req, KSMCTL_A_PID, pid);
	if (flags)
		nl_put_u32(&req, KSMCTL_A_FLAGS, flags);
	err = nl_talk(fd, &req, ans);
	if (err)
		return err;
	if (ans->error)
		return ans->error;
	if (!ans->reply_len)
		return -ENOMSG;
	a = nl_attr_first(ans->reply, &rem);
	a = nl_attr_find(a, rem, KSMCTL_A_PROC);
	if (!a)
		return -ENOMSG;
	parse_proc(a, r);
	return 0;
}

struct recs {
	void *v;
	int n, cap;
	size_t size;
	int type;
};

static void *recs_add(struct recs *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = realloc(rs->v, rs->cap * rs->size);
		if (!rs->v)
			abort();
	}
	return (char *)rs->v + rs->size * rs->n++;
}

static int proc_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *a;
	size_t rem;

	a = nl_attr_first(nlh, &rem);
	a = nl_attr_find(a, rem, KSMCTL_A_PROC);
	if (a)
		parse_proc(a, recs_add(arg));
	return 0;
}

int proc_dump(int fd, int family, uint32_t flags, struct proc_rec **recs,
	      int *n, struct nl_ans *ans)
{
	struct recs rs = { .size = sizeof(struct proc_rec) };
	struct nl_req req;
	int err;

	nl_req_init(&req, family, KSMCTL_CMD_GET_PROC, KSMCTL_GENL_VERSION, 0);
	if (flags)
		nl_put_u32(&req, KSMCTL_A_FLAGS, flags);
	err = nl_dump(fd, &req, ans, proc_cb, &rs);
	*recs = rs.v;
	*n = rs.n;
	return err;
}

static int vma_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *a, *b;
	struct vma_rec *v;
	size_t rem, len;
	void *d;

	a = nl_attr_first(nlh, &rem);
	a = nl_attr_find(a, rem, KSMCTL_A_VMA);
	if (!a)
		return 0;
	v = recs_add(arg);
	memset(v, 0, sizeof(*v));
	d = nl_attr_data(a);
	len = nl_attr_len(a);
	if ((b = nl_attr_find(d, len, KSMCTL_A_VMA_START)))
		v->start = *(uint64_t *)nl_attr_data(b);
	if ((b = nl_attr_find(d, len, KSMCTL_A_VMA_END)))
		v->end = *(uint64_t *)nl_attr_data(b);
	if ((b = nl_attr_find(d, len, KSMCTL_A_VMA_KSM_PAGES)))
		v->ksm_pages = *(uint64_t *)nl_attr_data(b);
	if ((b = nl_attr_find(d, len, KSMCTL_A_VMA_FLAGS)))
		v->flags = *(uint32_t *)nl_attr_data(b);
	if ((b = nl_attr_find(d, len, KSMCTL_A_VMA_NAME)))
		snprintf(v->name, sizeof(v->name), "%s", (char *)nl_attr_data(b));
	return 0;
}

int proc_coverage(int fd, int family, uint32_t pid)
{
	static struct nl_ans ans;	/* 64 KiB: not on the stack */
	struct proc_rec r;

	if (proc_get(fd, family, pid, 0, &r, &ans))
		return -1;
	if (!r.eligible_bytes)
		return 0;
	return r.mergeable_bytes * 1000 / r.eligible_bytes;
}

int vmas_dump(int fd, int family, uint32_t pid, struct vma_rec **recs,
	      int *n, struct nl_ans *ans)
{
	struct recs rs = { .size = sizeof(struct vma_rec) };
	struct nl_req req;
	int err;

	nl_req_init(&req, family, KSMCTL_CMD_GET_VMAS, KSMCTL_GENL_VERSION, 0);
	nl_put_u32(&req, KSMCTL_A_PID, pid);
	err = nl_dump(fd, &req, ans, vma_cb, &rs);
	*recs = rs.v;
	*n = rs.n;
	return err;
}

#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/wait.h>

const char *test_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0)
		return ".";
	dir[n] = '\0';
	return dirname(dir);
}

int target_start(struct target *t, const char *prog, ...)
{
	char *argv[16], path[PATH_MAX + 256], line[64];
	int in[2], out[2], argc = 0;
	va_list ap;

	if (prog[0] == '/')
		snprintf(path, sizeof(path), "%s", prog);
	else
		snprintf(path, sizeof(path), "%s/%s", test_dir(), prog);
	argv[argc++] = path;
	va_start(ap, prog);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	if (pipe(in) || pipe(out))
		return -errno;
	t->pid = fork();
	if (t->pid < 0)
		return -errno;
	if (t->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->in = fdopen(in[1], "w");
	t->out = fdopen(out[0], "r");
	if (!t->in || !t->out || !fgets(line, sizeof(line), t->out) ||
	    strncmp(line, "ready", 5)) {
		target_stop(t);
		return -EIO;
	}
	sscanf(line, "ready %*d %lx", &t->mmap_addr);
	return 0;
}

int target_cmd(struct target *t, const char *cmd, char *buf, size_t len)
{
	if (fprintf(t->in, "%s\n", cmd) < 0 || fflush(t->in))
		return -EIO;
	if (!fgets(buf, len, t->out))
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

void target_stop(struct target *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
	}
	if (t->in)
		fclose(t->in);
	if (t->out)
		fclose(t->out);
	memset(t, 0, sizeof(*t));
}

int mark(int fd, int family, int cmd, uint32_t pid,
	 const struct mark_opts *o, struct mark_rec *r, struct nl_ans *ans)
{
	struct nlattr *a, *b;
	struct nl_req req;
	size_t rem, len;
	void *d;
	int err;

	nl_req_init(&req, family, cmd, KSMCTL_GENL_VERSION, 0);
	nl_put_u32(&req, KSMCTL_A_PID, pid);
	if (o && o->flags)
		nl_put_u32(&req, KSMCTL_A_FLAGS, o->flags);
	if (o && o->classes)
		nl_put_u32(&req, KSMCTL_A_CLASSES, o->classes);
	if (o && o->end) {
		nl_put(&req, KSMCTL_A_RANGE_START, &o->start, 8);
		nl_put(&req, KSMCTL_A_RANGE_END, &o->end, 8);
	}
	err = nl_talk(fd, &req, ans);
	if (err)
		return err;
	if (ans->error)
		return ans->error;
	memset(r, 0, sizeof(*r));
	a = nl_attr_first(ans->reply, &rem);
	a = nl_attr_find(a, rem, KSMCTL_A_MARK);
	if (!a)
		return -ENOMSG;
	d = nl_attr_data(a);
	len = nl_attr_len(a);
#define U32(t, f) if ((b = nl_attr_find(d, len, t))) r->f = *(uint32_t *)nl_attr_data(b)
#define U64(t, f) if ((b = nl_attr_find(d, len, t))) r->f = *(uint64_t *)nl_attr_data(b)
	U32(KSMCTL_A_MARK_PROCESSES, processes);
	U32(KSMCTL_A_MARK_VMAS, vmas);
	U32(KSMCTL_A_MARK_ALREADY_VMAS, already_vmas);
	U32(KSMCTL_A_MARK_FAILED_PROCESSES, failed_processes);
	U64(KSMCTL_A_MARK_BYTES, bytes);
	U64(KSMCTL_A_MARK_ALREADY_BYTES, already_bytes);
#undef U32
#undef U64
	r->interrupted = nl_attr_find(d, len, KSMCTL_A_MARK_INTERRUPTED) != NULL;
	b = nl_attr_find(d, len, KSMCTL_A_MARK_SKIPPED);
	if (b) {
		int i;

		for (i = 1; i < 16; i++) {
			struct nlattr *c = nl_attr_find(nl_attr_data(b),
							nl_attr_len(b), i);

			if (c)
				r->skipped[i] = *(uint32_t *)nl_attr_data(c);
		}
	}
	return 0;
}
