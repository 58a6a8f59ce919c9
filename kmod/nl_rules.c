// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_RULE_ADD, RULE_DEL, RULE_GET and the RULE_EVENT notification
 * on the "monitor" multicast group.
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/ksmctl.h>

#include "netlink.h"
#include "rules.h"

static const struct nla_policy rule_policy[] = {
	[KSMCTL_A_RULE_ID]	= { .type = NLA_U32 },
	[KSMCTL_A_RULE_ACTION]	= { .type = NLA_U32 },
	[KSMCTL_A_RULE_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KSMCTL_RULE_F_ALL),
	[KSMCTL_A_RULE_PID]	= { .type = NLA_U32 },
	[KSMCTL_A_RULE_CGROUP]	= { .type = NLA_NUL_STRING },
	[KSMCTL_A_RULE_EXE]	= { .type = NLA_NUL_STRING },
	[KSMCTL_A_RULE_COMM]	= { .type = NLA_NUL_STRING },
	[KSMCTL_A_RULE_UID]	= { .type = NLA_U32 },
	[KSMCTL_A_RULE_HITS]	= { .type = NLA_U64 },
};

const struct nla_policy ksmctl_rule_top_policy[] = {
	[KSMCTL_A_RULE]		= NLA_POLICY_NESTED(rule_policy),
};

const struct genl_multicast_group ksmctl_mcgrps[KSMCTL_N_MCGRPS] = {
	{ .name = KSMCTL_MCGRP_MONITOR, KSMCTL_GENL_MCGRP_ADMIN },
};

static int parse_rule(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[KSMCTL_A_RULE];

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "missing attribute RULE");
		ksmctl_err_attr_miss(info->extack, NULL, KSMCTL_A_RULE);
		return -EINVAL;
	}
	return nla_parse_nested(tb, ARRAY_SIZE(rule_policy) - 1, nest,
				rule_policy, info->extack);
}

/* a path string attribute: non-empty, shorter than PATH_MAX, absolute */
static int check_path(struct nlattr *a, struct netlink_ext_ack *extack)
{
	size_t len = strnlen(nla_data(a), nla_len(a));

	if (!len) {
		NL_SET_ERR_MSG_ATTR(extack, a, "empty path");
		return -EINVAL;
	}
	if (len >= PATH_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a, "path too long");
		return -EINVAL;
	}
	if (((char *)nla_data(a))[0] != '/') {
		NL_SET_ERR_MSG_ATTR(extack, a, "path must be absolute");
		return -EINVAL;
	}
	return 0;
}

/* the action, the flags and whether a match is given: 0 or -EINVAL */
static int rule_check_attrs(struct nlattr **tb, struct ksmctl_rule *r,
			    struct nlattr *nest, struct netlink_ext_ack *extack)
{
	if (tb[KSMCTL_A_RULE_ID] || tb[KSMCTL_A_RULE_HITS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RULE_ID] ?:
				    tb[KSMCTL_A_RULE_HITS],
				    "RULE_ID and RULE_HITS are set by the kernel");
		return -EINVAL;
	}
	if (!tb[KSMCTL_A_RULE_ACTION]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing attribute RULE_ACTION");
		ksmctl_err_attr_miss(extack, nest, KSMCTL_A_RULE_ACTION);
		return -EINVAL;
	}
	r->action = nla_get_u32(tb[KSMCTL_A_RULE_ACTION]);
	if (r->action != KSMCTL_RULE_MERGE && r->action != KSMCTL_RULE_NEVER) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RULE_ACTION],
				    "unknown action");
		return -EINVAL;
	}
	r->flags = tb[KSMCTL_A_RULE_FLAGS] ?
		   nla_get_u32(tb[KSMCTL_A_RULE_FLAGS]) : 0;
	if ((r->flags & KSMCTL_RULE_F_TREE) && !tb[KSMCTL_A_RULE_PID]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RULE_FLAGS],
				    "flag TREE needs RULE_PID");
		ksmctl_err_attr_miss(extack, nest, KSMCTL_A_RULE_PID);
		return -EINVAL;
	}
	if ((r->flags & KSMCTL_RULE_F_RECURSIVE) && !tb[KSMCTL_A_RULE_CGROUP]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KSMCTL_A_RULE_FLAGS],
				    "flag RECURSIVE needs RULE_CGROUP");
		ksmctl_err_attr_miss(extack, nest, KSMCTL_A_RULE_CGROUP);
		return -EINVAL;
	}
	if (!tb[KSMCTL_A_RULE_PID] && !tb[KSMCTL_A_RULE_CGROUP] &&
	    !tb[KSMCTL_A_RULE_EXE] && !tb[KSMCTL_A_RULE_COMM] &&
	    !tb[KSMCTL_A_RULE_UID]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "no match attribute (RULE_PID, RULE_CGROUP, RULE_EXE, RULE_COMM or RULE_UID)");
		return -EINVAL;
	}
	return 0;
}

static int rule_pid(struct nlattr *a, struct ksmctl_rule *r,
		    struct netlink_ext_ack *extack)
{
	u32 nr = nla_get_u32(a);

	r->pid = nr && nr <= PID_MAX_LIMIT ? find_get_pid(nr) : NULL;
	rcu_read_lock();
	if (r->pid && !pid_task(r->pid, PIDTYPE_TGID)) {
		/* a thread id, or a process that is exiting */
		put_pid(r->pid);
		r->pid = NULL;
	}
	rcu_read_unlock();
	if (!r->pid) {
		NL_SET_ERR_MSG_ATTR(extack, a, "no such process");
		return -ESRCH;
	}
	return 0;
}

static int rule_cgroup(struct nlattr *a, struct ksmctl_rule *r,
		       struct netlink_ext_ack *extack)
{
	struct cgroup *cgrp;
	int err = check_path(a, extack);

	if (err)
		return err;
	r->cgroup_path = nla_strdup(a, GFP_KERNEL);
	if (!r->cgroup_path)
		return -ENOMEM;
	cgrp = cgroup_get_from_path(r->cgroup_path);
	if (IS_ERR_OR_NULL(cgrp)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "no such cgroup v2");
		return -ENOENT;
	}
	r->cgrp = cgrp;
	return 0;
}

static int rule_exe(struct nlattr *a, struct ksmctl_rule *r,
		    struct netlink_ext_ack *extack)
{
	struct path exe;
	int err = check_path(a, extack);

	if (err)
		return err;
	r->exe_path = nla_strdup(a, GFP_KERNEL);
	if (!r->exe_path)
		return -ENOMEM;
	err = kern_path(r->exe_path, LOOKUP_FOLLOW, &exe);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, a, "cannot find this file");
		return err;
	}
	if (!d_is_reg(exe.dentry)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "not a regular file");
		err = -EINVAL;
	} else {
		err = ksmctl_rule_set_exe(r, &exe);
		if (err)
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "cannot read this file's attributes");
	}
	path_put(&exe);
	return err;
}

static int rule_comm(struct nlattr *a, struct ksmctl_rule *r,
		     struct netlink_ext_ack *extack)
{
	size_t len = strnlen(nla_data(a), nla_len(a));

	if (!len) {
		NL_SET_ERR_MSG_ATTR(extack, a, "empty comm");
		return -EINVAL;
	}
	if (len >= TASK_COMM_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "comm longer than 15 bytes never matches");
		return -EINVAL;
	}
	memcpy(r->comm, nla_data(a), len);
	r->comm[len] = '\0';
	return 0;
}

static int rule_uid(struct nlattr *a, struct ksmctl_rule *r,
		    struct netlink_ext_ack *extack)
{
	r->uid = make_kuid(current_user_ns(), nla_get_u32(a));
	if (!uid_valid(r->uid)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "uid not valid in this user namespace");
		return -EINVAL;
	}
	r->has_uid = true;
	return 0;
}

/* the match attributes, in the order they are checked */
static int (*const rule_match_attrs[])(struct nlattr *a, struct ksmctl_rule *r,
				       struct netlink_ext_ack *extack) = {
	[KSMCTL_A_RULE_PID]	= rule_pid,
	[KSMCTL_A_RULE_CGROUP]	= rule_cgroup,
	[KSMCTL_A_RULE_EXE]	= rule_exe,
	[KSMCTL_A_RULE_COMM]	= rule_comm,
	[KSMCTL_A_RULE_UID]	= rule_uid,
};

static int rule_from_attrs(struct nlattr **tb, struct ksmctl_rule *r,
			   struct nlattr *nest, struct netlink_ext_ack *extack)
{
	unsigned int i;
	int err = rule_check_attrs(tb, r, nest, extack);

	for (i = 0; !err && i < ARRAY_SIZE(rule_match_attrs); i++)
		if (rule_match_attrs[i] && tb[i])
			err = rule_match_attrs[i](tb[i], r, extack);
	return err;
}

/* the attributes rule_fill() writes, at most */
static size_t rule_attrs_size(size_t cgroup_len, size_t exe_len)
{
	return nla_total_size(0) +			/* RULE nest */
	       5 * nla_total_size(sizeof(u32)) +	/* ID ACTION FLAGS PID UID */
	       nla_total_size_64bit(sizeof(u64)) +	/* HITS */
	       nla_total_size(cgroup_len + 1) +
	       nla_total_size(exe_len + 1) +
	       nla_total_size(TASK_COMM_LEN);
}

static int rule_fill(struct sk_buff *skb, const void *arg)
{
	const struct ksmctl_rule *r = arg;
	struct nlattr *nest = nla_nest_start(skb, KSMCTL_A_RULE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSMCTL_A_RULE_ID, r->id) ||
	    nla_put_u32(skb, KSMCTL_A_RULE_ACTION, r->action) ||
	    nla_put_u32(skb, KSMCTL_A_RULE_FLAGS, r->flags) ||
	    nla_put_u64_64bit(skb, KSMCTL_A_RULE_HITS, r->hits,
			      KSMCTL_A_RULE_PAD) ||
	    (r->pid && nla_put_u32(skb, KSMCTL_A_RULE_PID, pid_vnr(r->pid))) ||
	    (r->cgrp && nla_put_string(skb, KSMCTL_A_RULE_CGROUP,
				       r->cgroup_path)) ||
	    (r->has_exe && nla_put_string(skb, KSMCTL_A_RULE_EXE,
					     r->exe_path)) ||
	    (r->comm[0] && nla_put_string(skb, KSMCTL_A_RULE_COMM, r->comm)) ||
	    (r->has_uid && nla_put_u32(skb, KSMCTL_A_RULE_UID,
				       from_kuid_munged(current_user_ns(),
							r->uid)))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static bool may_change_rules(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(info->extack, "changing rules needs CAP_SYS_ADMIN");
	return false;
}

struct rule_reply {
	struct sk_buff *msg;
	void *hdr;
	int err;
};

static void rule_add_reply(const struct ksmctl_rule *r, void *arg)
{
	struct rule_reply *reply = arg;

	reply->err = !reply->hdr || rule_fill(reply->msg, r) ? -EMSGSIZE : 0;
}

int ksmctl_nl_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(rule_policy)];
	struct rule_reply reply = { 0 };
	struct ksmctl_rule *r;
	struct sk_buff *msg;
	int err;

	if (!may_change_rules(skb, info))
		return -EPERM;
	err = parse_rule(info, tb);
	if (err)
		return err;
	r = ksmctl_rule_alloc();
	if (!r)
		return -ENOMEM;
	err = rule_from_attrs(tb, r, info->attrs[KSMCTL_A_RULE], info->extack);
	if (err)
		goto err_free;
	msg = genlmsg_new(rule_attrs_size(r->cgroup_path ? strlen(r->cgroup_path) : 0,
					  r->exe_path ? strlen(r->exe_path) : 0),
			  GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_free;
	}
	reply.msg = msg;
	reply.hdr = genlmsg_put_reply(msg, info, &ksmctl_genl_family, 0,
				      KSMCTL_CMD_RULE_ADD);
	/* the reply is filled as the rule is added: another caller may delete it at once */
	err = ksmctl_rule_add(r, info->extack, rule_add_reply, &reply);
	if (err) {
		nlmsg_free(msg);
		goto err_free;
	}
	if (reply.err) {
		nlmsg_free(msg);
		return reply.err;	/* the rule stays: RULE_GET shows it */
	}
	genlmsg_end(msg, reply.hdr);
	return genlmsg_reply(msg, info);

err_free:
	ksmctl_rule_free(r);
	return err;
}

int ksmctl_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(rule_policy)];
	int err;

	if (!may_change_rules(skb, info))
		return -EPERM;
	err = parse_rule(info, tb);
	if (err)
		return err;
	if (!tb[KSMCTL_A_RULE_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KSMCTL_A_RULE],
				    "missing attribute RULE_ID");
		ksmctl_err_attr_miss(info->extack, info->attrs[KSMCTL_A_RULE],
				     KSMCTL_A_RULE_ID);
		return -EINVAL;
	}
	err = ksmctl_rule_del(nla_get_u32(tb[KSMCTL_A_RULE_ID]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KSMCTL_A_RULE_ID],
				    "no rule with this id");
	return err;
}

int ksmctl_nl_rule_get_start(struct netlink_callback *cb)
{
	/* every round has room for one rule, even with the longest paths */
	ksmctl_dump_room(cb, rule_attrs_size(PATH_MAX - 1, PATH_MAX - 1));
	ksmctl_rules_lock();
	cb->args[2] = ksmctl_rules_gen();
	ksmctl_rules_unlock();
	return 0;
}

/*
 * cb->args[0]: the id to continue from; cb->args[1]: past U32_MAX, done;
 * cb->args[2]: ksmctl_rules_gen() at the start. A rule added or deleted
 * between two rounds flags the next message NLM_F_DUMP_INTR.
 */
int ksmctl_nl_rule_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ksmctl_rule *r;
	int err = 0;

	if (cb->args[1])
		return 0;
	ksmctl_rules_lock();
	/* never 0, which would turn the check off */
	cb->seq = cb->prev_seq = 1;
	if (ksmctl_rules_gen() != (unsigned int)cb->args[2])
		cb->seq = 2;
	while ((r = ksmctl_rule_find_ge(cb->args[0]))) {
		err = ksmctl_dump_put(skb, cb, rule_fill, r);
		if (err)
			break;
		if (r->id == U32_MAX) {
			r = NULL;	/* the last id there can be */
			cb->args[1] = 1;
			break;
		}
		cb->args[0] = r->id + 1;
	}
	ksmctl_rules_unlock();
	return ksmctl_dump_round_end(skb, err);
}

/**
 * ksmctl_nl_rule_event() - tell the monitor group that a rule changed a
 * process
 * @rule_id: the rule
 * @action: KSMCTL_RULE_*
 * @task: the process
 * @vmas: VMAs changed
 * @bytes: their size
 *
 * Context: process context (the rules' kernel thread).
 */
void ksmctl_nl_rule_event(u32 rule_id, u32 action, struct task_struct *task,
			  u32 vmas, u64 bytes)
{
	char comm[TASK_COMM_LEN];
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&ksmctl_genl_family, &init_net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ksmctl_genl_family, 0,
			  KSMCTL_CMD_RULE_EVENT);
	if (!hdr)
		goto err;
	get_task_comm(comm, task);
	nest = nla_nest_start(msg, KSMCTL_A_EVENT);
	if (!nest ||
	    nla_put_u32(msg, KSMCTL_A_EVENT_RULE_ID, rule_id) ||
	    nla_put_u32(msg, KSMCTL_A_EVENT_ACTION, action) ||
	    nla_put_u32(msg, KSMCTL_A_EVENT_PID, task_tgid_nr(task)) ||
	    nla_put_string(msg, KSMCTL_A_EVENT_COMM, comm) ||
	    nla_put_u32(msg, KSMCTL_A_EVENT_VMAS, vmas) ||
	    nla_put_u64_64bit(msg, KSMCTL_A_EVENT_BYTES, bytes,
			      KSMCTL_A_EVENT_PAD))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&ksmctl_genl_family, msg, 0, 0, GFP_KERNEL);
	return;
err:
	nlmsg_free(msg);
}
