// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_GET_PROC and KSMCTL_CMD_GET_VMAS: per-process KSM figures.
 */

#include <linux/file.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <net/sock.h>

#include <linux/ksmctl.h>

#include "netlink.h"
#include "proc.h"
#include "vma.h"
#include "walk.h"

const struct nla_policy ksmctl_proc_policy[] = {
	[KSMCTL_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KSMCTL_PROC_F_ALL),
	[KSMCTL_A_PID]	 = { .type = NLA_U32 },
};

const struct nla_policy ksmctl_vmas_policy[] = {
	[KSMCTL_A_PID]	 = { .type = NLA_U32 },
};

/* the credentials of whoever opened the socket the request came on */
static const struct cred *asker_cred(const struct sk_buff *skb)
{
	struct sock *sk = NETLINK_CB(skb).sk;

	if (sk && sk->sk_socket && sk->sk_socket->file)
		return sk->sk_socket->file->f_cred;
	return current_cred();
}

static void viewer_from_request(struct ksmctl_viewer *v,
				const struct sk_buff *skb)
{
	ksmctl_viewer_init(v, asker_cred(skb),
			   netlink_capable(skb, CAP_SYS_PTRACE));
}

/* KSMCTL_PROC_F_*, which the policy checked */
static u32 proc_flags(struct nlattr **attrs)
{
	return attrs[KSMCTL_A_FLAGS] ? nla_get_u32(attrs[KSMCTL_A_FLAGS]) : 0;
}

/* The figures of KSMCTL_PROC_FIGURES(): indexes, then a row each. */
enum {
#define PROC_FIGURE_INDEX(attr, member, type, has)	PROC_FIG_##attr,
	KSMCTL_PROC_FIGURES(PROC_FIGURE_INDEX)
#undef PROC_FIGURE_INDEX
	PROC_FIG_COUNT
};

static const struct {
	u16 attr;
	u8 type;		/* NLA_* */
	unsigned int has;	/* KSMCTL_HAS_*, 0: always */
} proc_figures[PROC_FIG_COUNT] = {
#define PROC_FIGURE_ROW(attr, member, type, has)		\
	[PROC_FIG_##attr] = { KSMCTL_A_PROC_##attr, KSMCTL_NLA_##type, has },
	KSMCTL_PROC_FIGURES(PROC_FIGURE_ROW)
#undef PROC_FIGURE_ROW
};

static u64 proc_figure_value(const struct ksmctl_proc_stats *st, int i)
{
	switch (i) {
#define PROC_FIGURE_CASE(attr, member, type, has)		\
	case PROC_FIG_##attr:					\
		return (u64)st->member;
	KSMCTL_PROC_FIGURES(PROC_FIGURE_CASE)
#undef PROC_FIGURE_CASE
	}
	return 0;
}

/* the attributes proc_fill() writes, at most */
static size_t proc_attrs_size(size_t cgpath_len)
{
	size_t size = nla_total_size(0) +		/* PROC nest */
		      nla_total_size(TASK_COMM_LEN) +
		      nla_total_size(cgpath_len + 1);
	int i;

	for (i = 0; i < PROC_FIG_COUNT; i++)
		size += ksmctl_nla_num_size(proc_figures[i].type);
	return size;
}

/* the figures from @first up to @end (not included) that @st has */
static int proc_put_figures(struct sk_buff *skb,
			    const struct ksmctl_proc_stats *st, int first,
			    int end)
{
	int i;

	for (i = first; i < end; i++) {
		unsigned int has = proc_figures[i].has;

		if ((!has || (st->has & has)) &&
		    ksmctl_nla_put_num(skb, proc_figures[i].attr,
				       proc_figures[i].type,
				       proc_figure_value(st, i),
				       KSMCTL_A_PROC_PAD))
			return -EMSGSIZE;
	}
	return 0;
}

/* what one GET_PROC message tells: the figures, and the cgroup's path */
struct proc_msg {
	struct ksmctl_proc_stats st;
	const char *cgpath;
};

static int proc_fill(struct sk_buff *skb, const void *arg)
{
	const struct proc_msg *m = arg;
	const struct ksmctl_proc_stats *st = &m->st;
	struct nlattr *nest = nla_nest_start(skb, KSMCTL_A_PROC);

	if (!nest)
		return -EMSGSIZE;
	/* the two names where they always were: after PPID, after CGROUP_ID */
	if (proc_put_figures(skb, st, 0, PROC_FIG_UID) ||
	    nla_put_string(skb, KSMCTL_A_PROC_COMM, st->comm) ||
	    proc_put_figures(skb, st, PROC_FIG_UID, PROC_FIG_MERGING_PAGES) ||
	    nla_put_string(skb, KSMCTL_A_PROC_CGROUP_PATH, m->cgpath) ||
	    proc_put_figures(skb, st, PROC_FIG_MERGING_PAGES, PROC_FIG_COUNT)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* cgroup path into buf; "" when the process has none we can name */
static const char *proc_cgroup_path(struct task_struct *task, char *buf,
				    size_t len)
{
	if (ksmctl_cgroup_path(task, buf, len) < 0)
		buf[0] = '\0';
	return buf;
}

/* a GET_PROC doit: its flags, then what the reply tells */
struct proc_req {
	u32 flags;
	struct proc_msg msg;
	char cgpath[PATH_MAX];
};

static int proc_req_parse(void *data, struct nlattr **attrs,
			  struct netlink_ext_ack *extack)
{
	struct proc_req *rq = data;

	rq->flags = proc_flags(attrs);
	if (rq->flags & KSMCTL_PROC_F_MERGING_ONLY) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KSMCTL_A_FLAGS],
				    "MERGING_ONLY applies to dumps only");
		return -EINVAL;
	}
	return 0;
}

static int proc_req_prepare(void *data, const struct sk_buff *skb,
			    struct genl_info *info)
{
	struct proc_req *rq = data;
	struct ksmctl_viewer v;
	struct task_struct *task;
	struct mm_struct *mm;
	int err;

	viewer_from_request(&v, skb);
	task = ksmctl_find_process(&v, info->attrs[KSMCTL_A_PID], info->extack,
				   &mm);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto out_viewer;
	}
	err = ksmctl_proc_collect(&v, task, mm,
				  rq->flags & KSMCTL_PROC_F_PROPORTIONAL,
				  &rq->msg.st);
	if (!err)
		rq->msg.cgpath = proc_cgroup_path(task, rq->cgpath,
						  sizeof(rq->cgpath));
	mmput(mm);
	put_task_struct(task);
out_viewer:
	ksmctl_viewer_release(&v);
	return err;
}

static size_t proc_req_reply_size(const void *data)
{
	const struct proc_req *rq = data;

	return proc_attrs_size(strlen(rq->msg.cgpath));
}

static int proc_req_fill(struct sk_buff *skb, const void *data)
{
	const struct proc_req *rq = data;

	return proc_fill(skb, &rq->msg);
}

const struct ksmctl_nl_req_ops ksmctl_proc_req_ops = {
	.cmd		= KSMCTL_CMD_GET_PROC,
	.data_size	= sizeof(struct proc_req),
	.parse		= proc_req_parse,
	.prepare	= proc_req_prepare,
	.reply_size	= proc_req_reply_size,
	.fill		= proc_req_fill,
};

/*
 * GET_PROC dump: the cursor is the next tgid to look at. Pids and cgroup
 * paths are those of the namespaces of the task that asked (start()).
 */
struct proc_dump {
	struct ksmctl_viewer viewer;
	struct ksmctl_cgpath_cache cgpaths;
	struct proc_msg msg;
	pid_t next;
	u32 flags;
	char cgpath[PATH_MAX];
};

int ksmctl_nl_get_proc_start(struct netlink_callback *cb)
{
	struct proc_dump *d;

	/* every round has room for one process, even with the longest path */
	d = ksmctl_dump_ctx_alloc(cb, sizeof(*d), proc_attrs_size(PATH_MAX - 1));
	if (!d)
		return -ENOMEM;
	viewer_from_request(&d->viewer, cb->skb);
	ksmctl_cgpath_cache_init(&d->cgpaths);
	/* the policy checked them: nothing to refuse */
	d->flags = proc_flags(ksmctl_dump_attrs(cb));
	d->next = 1;
	return 0;
}

int ksmctl_nl_get_proc_done(struct netlink_callback *cb)
{
	struct proc_dump *d = ksmctl_dump_ctx(cb);

	if (d) {
		ksmctl_cgpath_cache_release(&d->cgpaths);
		ksmctl_viewer_release(&d->viewer);
	}
	ksmctl_dump_ctx_free(cb);
	return 0;
}

/*
 * The next process to show, from d->next on: 1 with its tgid in d->next and
 * its figures in d->msg, 0 at the end, or a negative errno.
 */
static int proc_dump_next(struct proc_dump *d)
{
	for (;; d->next++) {
		struct task_struct *task;
		int shown;

		task = ksmctl_next_process(&d->viewer, &d->next);
		if (!task)
			return 0;
		shown = ksmctl_proc_collect_shown(&d->viewer, task,
					d->flags & KSMCTL_PROC_F_PROPORTIONAL,
					d->flags & KSMCTL_PROC_F_MERGING_ONLY,
					&d->msg.st);
		if (shown > 0) {
			/* the id of the cgroup named, should the process have moved */
			d->msg.cgpath = ksmctl_cgroup_path_cached(&d->cgpaths,
					task, d->cgpath, sizeof(d->cgpath),
					&d->msg.st.cgroup_id);
		}
		put_task_struct(task);
		if (shown)
			return shown;
	}
}

int ksmctl_nl_get_proc_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct proc_dump *d = ksmctl_dump_ctx(cb);
	int err;

	while ((err = proc_dump_next(d)) > 0) {
		err = ksmctl_dump_put(skb, cb, proc_fill, &d->msg);
		if (err)
			break;	/* this process again next time */
		d->next++;
	}
	return ksmctl_dump_round_end(skb, err);
}

/*
 * GET_VMAS dump: the cursor is the next address to look at. The mm is the
 * one the caller was allowed to see; should the process exec another
 * program or exit before the dump ends, the dump stops there and its end
 * carries NLM_F_DUMP_INTR: the list is not whole.
 */
struct vmas_dump {
	struct ksmctl_viewer viewer;
	bool checked;
	struct mm_struct *mm;		/* mmgrab()ed */
	struct pid *process;		/* whose mm it is */
	bool complete;			/* every VMA sent: only the end is left */
	unsigned long next;
	pid_t pid;
	char name[PATH_MAX];
};

/* the attributes vma_fill() writes, at most */
static size_t vma_attrs_size(size_t name_len)
{
	return nla_total_size(sizeof(u32)) +		/* PID */
	       nla_total_size(0) +			/* VMA nest */
	       3 * nla_total_size_64bit(sizeof(u64)) +	/* START END KSM_PAGES */
	       nla_total_size(sizeof(u32)) +		/* FLAGS */
	       nla_total_size(name_len + 1);		/* NAME */
}

int ksmctl_nl_get_vmas_start(struct netlink_callback *cb)
{
	struct vmas_dump *d;

	d = ksmctl_dump_ctx_alloc(cb, sizeof(*d), vma_attrs_size(PATH_MAX - 1));
	if (!d)
		return -ENOMEM;
	viewer_from_request(&d->viewer, cb->skb);
	return 0;
}

/*
 * The request is checked in the first dumpit() call, not in start(): only
 * dumpit() has an extack on every supported kernel, and its error reaches
 * the caller in NLMSG_DONE with the message.
 */
static int vmas_dump_check(struct netlink_callback *cb, struct vmas_dump *d)
{
	struct task_struct *task;
	struct mm_struct *mm;

	task = ksmctl_find_process(&d->viewer, ksmctl_dump_attrs(cb)[KSMCTL_A_PID],
			    cb->extack, &mm);
	if (IS_ERR(task))
		return PTR_ERR(task);
	d->pid = task_tgid_nr_ns(task, d->viewer.pid_ns);
	d->process = get_task_pid(task, PIDTYPE_TGID);
	put_task_struct(task);
	if (!d->process) {	/* reaped meanwhile */
		mmput(mm);
		NL_SET_ERR_MSG(cb->extack, "no such process");
		return -ESRCH;
	}
	/* keep the mm_struct, not the address space, across dump rounds */
	mmgrab(mm);
	d->mm = mm;
	mmput(mm);
	d->checked = true;
	/* moved on when the process leaves the mm: the end is flagged */
	cb->seq = cb->prev_seq = 1;
	return 0;
}

int ksmctl_nl_get_vmas_done(struct netlink_callback *cb)
{
	struct vmas_dump *d = ksmctl_dump_ctx(cb);

	if (d) {
		if (d->mm)
			mmdrop(d->mm);
		put_pid(d->process);
		ksmctl_viewer_release(&d->viewer);
	}
	ksmctl_dump_ctx_free(cb);
	return 0;
}

/* what one GET_VMAS message tells */
struct vma_msg {
	pid_t pid;
	struct vm_area_struct *vma;
	const char *name;	/* NULL: none */
	u64 ksm_pages;
};

static int vma_fill(struct sk_buff *skb, const void *arg)
{
	const struct vma_msg *m = arg;
	struct vm_area_struct *vma = m->vma;
	struct nlattr *nest;

	if (nla_put_u32(skb, KSMCTL_A_PID, m->pid))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KSMCTL_A_VMA);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, KSMCTL_A_VMA_START, vma->vm_start,
			      KSMCTL_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, KSMCTL_A_VMA_END, vma->vm_end,
			      KSMCTL_A_VMA_PAD) ||
	    nla_put_u32(skb, KSMCTL_A_VMA_FLAGS, ksmctl_vma_flags(vma)) ||
	    (m->name && nla_put_string(skb, KSMCTL_A_VMA_NAME, m->name)) ||
	    nla_put_u64_64bit(skb, KSMCTL_A_VMA_KSM_PAGES, m->ksm_pages,
			      KSMCTL_A_VMA_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int ksmctl_nl_get_vmas_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vmas_dump *d = ksmctl_dump_ctx(cb);
	struct vm_area_struct *vma;
	int err = 0;

	if (!d->checked) {
		err = vmas_dump_check(cb, d);
		if (err)
			return err;
	}
	if (d->complete)
		return 0;	/* the end did not fit in the last round */
	if (!ksmctl_process_uses_mm(d->process, d->mm) ||
	    !mmget_not_zero(d->mm)) {
		/* exec'd or exited: end here, and say the list is cut */
		cb->seq++;
		return 0;
	}
	if (mmap_read_lock_killable(d->mm)) {
		mmput(d->mm);
		return -EINTR;
	}
	{
		ksmctl_vma_iter_decl(it, d->mm, d->next);

		d->complete = true;	/* unless the loop stops early */
		ksmctl_for_each_vma(it, vma) {
			struct ksmctl_walk w = { 0 };
			struct vma_msg m = { .pid = d->pid, .vma = vma };

			d->complete = false;
			err = ksmctl_walk_vma(vma, &w);
			if (err)
				break;
			m.name = ksmctl_vma_name(vma, d->name, sizeof(d->name));
			m.ksm_pages = w.ksm_ptes;
			err = ksmctl_dump_put(skb, cb, vma_fill, &m);
			if (err)
				break;
			d->next = vma->vm_end;
			d->complete = true;
		}
	}
	mmap_read_unlock(d->mm);
	mmput(d->mm);

	/*
	 * Every VMA sent: end now, in this round, so that the process leaving
	 * its mm after the last VMA cannot flag a whole list as cut.
	 */
	return d->complete ? 0 : ksmctl_dump_round_end(skb, err);
}
