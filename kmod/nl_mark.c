// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_MARK and KSMCTL_CMD_UNMARK.
 */

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include <linux/ksmctl.h>

#include "mark.h"
#include "netlink.h"
#include "proc.h"
#include "ptree.h"

const struct nla_policy ksmctl_mark_policy[] = {
	[KSMCTL_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KSMCTL_MARK_F_ALL),
	[KSMCTL_A_PID]		= { .type = NLA_U32 },
	[KSMCTL_A_RANGE_START]	= { .type = NLA_U64 },
	[KSMCTL_A_RANGE_END]	= { .type = NLA_U64 },
	[KSMCTL_A_CLASSES]	= { .type = NLA_U32 },
};

static int parse_mark_req(struct genl_info *info, struct ksmctl_mark_req *rq,
			  u32 *flags)
{
	struct nlattr **tb = info->attrs;
	struct netlink_ext_ack *extack = info->extack;

	*flags = tb[KSMCTL_A_FLAGS] ? nla_get_u32(tb[KSMCTL_A_FLAGS]) : 0;

	rq->classes = KSMCTL_CLASS_ALL;
	if (tb[KSMCTL_A_CLASSES]) {
		rq->classes = nla_get_u32(tb[KSMCTL_A_CLASSES]);
		if (rq->classes & ~KSMCTL_CLASS_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_CLASSES],
					    "unknown memory class");
			return -EINVAL;
		}
		if (!rq->classes) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_CLASSES],
					    "no memory class selected");
			return -EINVAL;
		}
	}

	rq->start = 0;
	rq->end = ULONG_MAX;
	if (!!tb[KSMCTL_A_RANGE_START] != !!tb[KSMCTL_A_RANGE_END]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RANGE_START] ?:
				    tb[KSMCTL_A_RANGE_END],
				    "range needs both RANGE_START and RANGE_END");
		ksmctl_err_attr_miss(extack, NULL, tb[KSMCTL_A_RANGE_START] ?
				     KSMCTL_A_RANGE_END : KSMCTL_A_RANGE_START);
		return -EINVAL;
	}
	if (tb[KSMCTL_A_RANGE_START]) {
		u64 start = nla_get_u64(tb[KSMCTL_A_RANGE_START]);
		u64 end = nla_get_u64(tb[KSMCTL_A_RANGE_END]);

		if (start >= end) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RANGE_END],
					    "range is empty or inverted");
			return -EINVAL;
		}
		if (start >= TASK_SIZE_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RANGE_START],
					    "range is outside the user address space");
			return -EINVAL;
		}
		rq->start = start;
		/* no VMA ends above the user address space (nor does a long) */
		rq->end = min_t(u64, end, TASK_SIZE_MAX);
	}
	return 0;
}

static int mark_one(struct mm_struct *mm, const struct ksmctl_mark_req *rq,
		    struct ksmctl_mark_res *res)
{
	u32 before = res->vmas;
	int err = ksmctl_mark_mm(mm, rq, res);

	/* reached: done, or partly done before a signal */
	if (!err || res->vmas != before)
		res->processes++;
	return err;
}

/*
 * Mark the processes below @root that @v sees, one by one, in the order
 * they were created. They are held by their struct pid from the snapshot
 * on: one that exits before its turn counts as failed, and its number,
 * reused meanwhile, names no one to us.
 */
static int mark_tree(struct ksmctl_viewer *v, struct task_struct *root,
		     const struct ksmctl_mark_req *rq, struct ksmctl_mark_res *res)
{
	struct ksmctl_ptree pt;
	struct pid *root_pid;
	unsigned long *in;
	unsigned int i;
	int err;

	root_pid = get_task_pid(root, PIDTYPE_TGID);
	if (!root_pid)
		return 0;	/* exited: no descendants left */
	err = ksmctl_ptree_take(&pt);
	if (err)
		goto out_pid;
	in = bitmap_zalloc(max(pt.n, 1U), GFP_KERNEL);
	if (!in) {
		err = -ENOMEM;
		goto out_ptree;
	}
	ksmctl_ptree_subtree(&pt, root_pid, in);
	for_each_set_bit(i, in, pt.n) {
		struct pid *pid = pt.ents[i].pid;
		struct task_struct *task, *holder;
		struct mm_struct *mm = NULL;

		if (!pid_nr_ns(pid, v->pid_ns))
			continue;	/* not in the caller's pid namespace */
		task = get_pid_task(pid, PIDTYPE_TGID);
		/* a live thread's: the main thread may have exited */
		if (task) {
			mm = ksmctl_process_mm(task, &holder);
			if (mm)
				put_task_struct(holder);
			put_task_struct(task);
		}
		if (!mm) {
			/* exited meanwhile */
			res->failed_processes++;
		} else {
			err = mark_one(mm, rq, res);
			if (err && err != -EINTR) {
				res->failed_processes++;
				err = 0;
			}
			mmput(mm);
		}
		if (err)
			break;
		cond_resched();
	}
	bitmap_free(in);
out_ptree:
	ksmctl_ptree_release(&pt);
out_pid:
	put_pid(root_pid);
	return err;
}

static int mark_fill(struct sk_buff *skb, const struct ksmctl_mark_res *res)
{
	struct nlattr *nest, *skipped;
	int i;

	nest = nla_nest_start(skb, KSMCTL_A_MARK);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSMCTL_A_MARK_PROCESSES, res->processes) ||
	    nla_put_u32(skb, KSMCTL_A_MARK_VMAS, res->vmas) ||
	    nla_put_u64_64bit(skb, KSMCTL_A_MARK_BYTES, res->bytes,
			      KSMCTL_A_MARK_PAD) ||
	    nla_put_u32(skb, KSMCTL_A_MARK_ALREADY_VMAS, res->already_vmas) ||
	    nla_put_u64_64bit(skb, KSMCTL_A_MARK_ALREADY_BYTES,
			      res->already_bytes, KSMCTL_A_MARK_PAD) ||
	    nla_put_u32(skb, KSMCTL_A_MARK_FAILED_PROCESSES,
			res->failed_processes) ||
	    (res->interrupted && nla_put_flag(skb, KSMCTL_A_MARK_INTERRUPTED)))
		goto cancel;
	skipped = nla_nest_start(skb, KSMCTL_A_MARK_SKIPPED);
	if (!skipped)
		goto cancel;
	for (i = 1; i <= KSMCTL_SKIP_MAX; i++)
		if (res->skipped[i] && nla_put_u32(skb, i, res->skipped[i]))
			goto cancel;
	nla_nest_end(skb, skipped);
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int ksmctl_nl_mark_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct ksmctl_mark_res *res;
	struct ksmctl_mark_req rq = { 0 };
	struct ksmctl_viewer v;
	struct task_struct *task;
	struct mm_struct *mm;
	struct sk_buff *msg;
	void *hdr;
	u32 flags;
	int err;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "changing another process's memory needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	err = parse_mark_req(info, &rq, &flags);
	if (err)
		return err;
	rq.unmark = cmd == KSMCTL_CMD_UNMARK;

	ksmctl_viewer_init(&v, current_cred(), true);
	task = ksmctl_find_process(&v, info->attrs[KSMCTL_A_PID], info->extack,
				   &mm);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto out_viewer;
	}
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res) {
		err = -ENOMEM;
		goto out_task;
	}

	err = mark_one(mm, &rq, res);
	if (err && err != -EINTR) {
		if (!res->vmas) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KSMCTL_A_PID],
					    "the kernel refused to change this process");
			goto out_res;
		}
		/* some VMAs changed: say so, and what (a warning with the reply) */
		NL_SET_ERR_MSG(info->extack,
			       "the kernel refused to change some VMAs");
		res->failed_processes++;
		err = 0;
	}
	if (!err && (flags & KSMCTL_MARK_F_TREE))
		err = mark_tree(&v, task, &rq, res);
	if (err == -EINTR && !res->vmas) {
		NL_SET_ERR_MSG(info->extack, "interrupted before any change");
		goto out_res;
	}

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_res;
	}
	hdr = genlmsg_put_reply(msg, info, &ksmctl_genl_family, 0, cmd);
	if (!hdr || mark_fill(msg, res)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out_res;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);

out_res:
	kfree(res);
out_task:
	mmput(mm);
	put_task_struct(task);
out_viewer:
	ksmctl_viewer_release(&v);
	return err;
}
