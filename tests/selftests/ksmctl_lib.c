// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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

int ksmctl_family(int fd)
{
	return nl_family_id(fd, KSMCTL_GENL_NAME, NULL);
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
