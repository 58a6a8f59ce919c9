// SPDX-License-Identifier: GPL-2.0
/*
 * The "ksmctl" generic netlink family. The wire format and its
 * documentation are in include/uapi/linux/ksmctl.h.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/ksmctl.h>

#include "netlink.h"

static const struct ksmctl_nl_req_ops *const ksmctl_req_ops[] = {
#define KSMCTL_REQ_OPS_ENTRY(CMD, name, maxattr)		\
	[KSMCTL_CMD_##CMD] = &ksmctl_##name##_req_ops,
	KSMCTL_REQ_CMDS(KSMCTL_REQ_OPS_ENTRY)
#undef KSMCTL_REQ_OPS_ENTRY
};

/* put the reply of @ops into @msg, which has room for @size */
static int ksmctl_nl_default_reply(struct sk_buff *msg, struct genl_info *info,
				   const struct ksmctl_nl_req_ops *ops,
				   const void *data, size_t size)
{
	unsigned int start;
	void *hdr;
	int err;

	hdr = genlmsg_put_reply(msg, info, &ksmctl_genl_family, 0, ops->cmd);
	if (!hdr)
		return -EMSGSIZE;
	start = msg->len;
	err = ops->fill(msg, data);
	/* reply_size() counted too little: a bug, which panic_on_warn catches */
	if (WARN_ONCE(err == -EMSGSIZE || (!err && msg->len - start > size),
		      "ksmctl: command %u: the reply takes more than the %zu bytes counted\n",
		      ops->cmd, size))
		return -EMSGSIZE;
	if (!err)
		genlmsg_end(msg, hdr);
	return err;
}

/**
 * ksmctl_nl_default_doit() - the doit of the commands of KSMCTL_REQ_CMDS()
 * @skb: the request
 * @info: its attributes, validated by the command's policy
 *
 * Parses and prepares the request with the command's &struct
 * ksmctl_nl_req_ops, allocates a reply of the size it counts, fills it and
 * sends it.
 *
 * Return: 0, or a negative errno (with an extack message where the ops set
 * one).
 */
static int ksmctl_nl_default_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	const struct ksmctl_nl_req_ops *ops;
	struct sk_buff *msg;
	size_t size;
	void *data;
	int err;

	ops = cmd < ARRAY_SIZE(ksmctl_req_ops) ? ksmctl_req_ops[cmd] : NULL;
	if (WARN_ONCE(!ops || ops->cmd != cmd,
		      "ksmctl: command %u has no request ops\n", cmd))
		return -EOPNOTSUPP;
	data = kvzalloc(ops->data_size, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	err = ops->parse ? ops->parse(data, info->attrs, info->extack) : 0;
	if (!err)
		err = ops->prepare(data, skb, info);
	if (err)
		goto out;

	size = ops->reply_size(data);
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = ksmctl_nl_default_reply(msg, info, ops, data, size);
	if (err)
		nlmsg_free(msg);
	else
		err = genlmsg_reply(msg, info);
out:
	if (ops->cleanup)
		ops->cleanup(data);
	kvfree(data);
	return err;
}

/* the fields of a genl_ops entry for a command of KSMCTL_REQ_CMDS() */
#define KSMCTL_REQ_DOIT(CMD, name)					\
	.cmd	= KSMCTL_CMD_##CMD,					\
	.doit	= ksmctl_nl_default_doit,				\
	.policy	= ksmctl_##name##_policy,				\
	.maxattr = ARRAY_SIZE(ksmctl_##name##_policy) - 1

static const struct genl_ops ksmctl_genl_ops[] = {
	{ KSMCTL_REQ_DOIT(GET_STATUS, status) },
	{
		KSMCTL_REQ_DOIT(GET_PROC, proc),
		.start	= ksmctl_nl_get_proc_start,
		.dumpit	= ksmctl_nl_get_proc_dumpit,
		.done	= ksmctl_nl_get_proc_done,
	},
	{
		.cmd	= KSMCTL_CMD_GET_VMAS,
		.start	= ksmctl_nl_get_vmas_start,
		.dumpit	= ksmctl_nl_get_vmas_dumpit,
		.done	= ksmctl_nl_get_vmas_done,
		.policy	= ksmctl_vmas_policy,
		.maxattr = ARRAY_SIZE(ksmctl_vmas_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_MARK,
		.doit	= ksmctl_nl_mark_doit,
		.policy	= ksmctl_mark_policy,
		.maxattr = ARRAY_SIZE(ksmctl_mark_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_UNMARK,
		.doit	= ksmctl_nl_mark_doit,
		.policy	= ksmctl_mark_policy,
		.maxattr = ARRAY_SIZE(ksmctl_mark_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_RULE_ADD,
		.doit	= ksmctl_nl_rule_add_doit,
		.policy	= ksmctl_rule_top_policy,
		.maxattr = ARRAY_SIZE(ksmctl_rule_top_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_RULE_DEL,
		.doit	= ksmctl_nl_rule_del_doit,
		.policy	= ksmctl_rule_top_policy,
		.maxattr = ARRAY_SIZE(ksmctl_rule_top_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_RULE_GET,
		.start	= ksmctl_nl_rule_get_start,
		.dumpit	= ksmctl_nl_rule_get_dumpit,
		.policy	= ksmctl_rule_top_policy,
		.maxattr = ARRAY_SIZE(ksmctl_rule_top_policy) - 1,
	},
};

struct genl_family ksmctl_genl_family __ro_after_init = {
	.name		= KSMCTL_GENL_NAME,
	.version	= KSMCTL_GENL_VERSION,
	.maxattr	= KSMCTL_A_MAX,
	.netnsok	= true,
	/*
	 * No request holds genl_mutex, which every generic netlink family
	 * of the host shares: a long UNMARK or dump must not stall nl80211,
	 * devlink or taskstats. What requests share has locks of its own
	 * (the rules' mutex; per mm, the mmap lock).
	 */
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= ksmctl_genl_ops,
	.n_ops		= ARRAY_SIZE(ksmctl_genl_ops),
	.mcgrps		= ksmctl_mcgrps,
	.n_mcgrps	= KSMCTL_N_MCGRPS,
	KSMCTL_GENL_RESV_START_OP(KSMCTL_CMD_GET_STATUS)
};

/**
 * ksmctl_dump_room() - have every round of a dump room for one message
 * @cb: the dump, from its start()
 * @attrs_size: the attributes of the largest single message it sends
 *
 * A round's buffer is NLMSG_GOODSIZE (less than a page) unless the reader
 * asked for more before: a message larger than that (a path near
 * PATH_MAX) would otherwise end the whole dump with -EMSGSIZE.
 */
void ksmctl_dump_room(struct netlink_callback *cb, size_t attrs_size)
{
	size_t size = nlmsg_total_size(GENL_HDRLEN + attrs_size);

	if (cb->min_dump_alloc < size)
		cb->min_dump_alloc = size;
}

/**
 * ksmctl_dump_ctx_alloc() - the context of a dump, from its start()
 * @cb: the dump
 * @size: the context's size; it is zeroed and kept in cb->args[0]
 * @attrs_size: the attributes of the largest single message the dump
 *	sends (ksmctl_dump_room())
 *
 * Return: the context, or NULL: start() fails with -ENOMEM.
 */
void *ksmctl_dump_ctx_alloc(struct netlink_callback *cb, size_t size,
			    size_t attrs_size)
{
	void *ctx = kvzalloc(size, GFP_KERNEL);

	if (ctx) {
		cb->args[0] = (long)ctx;
		ksmctl_dump_room(cb, attrs_size);
	}
	return ctx;
}

/* free the context, in the dump's done() */
void ksmctl_dump_ctx_free(struct netlink_callback *cb)
{
	kvfree(ksmctl_dump_ctx(cb));
	cb->args[0] = 0;
}

/**
 * ksmctl_dump_put() - one message of a dump
 * @skb: the round's buffer
 * @cb: the dump
 * @fill: puts the message's attributes
 * @arg: for @fill
 *
 * The message carries the request's command, NLM_F_MULTI, and
 * NLM_F_DUMP_INTR if cb->seq moved since the previous one (for dumps that
 * set it).
 *
 * Return: 0, or -EMSGSIZE: it did not fit, and nothing of it is left.
 */
int ksmctl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		    int (*fill)(struct sk_buff *skb, const void *arg),
		    const void *arg)
{
	const struct genlmsghdr *req = nlmsg_data(cb->nlh);
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ksmctl_genl_family, NLM_F_MULTI, req->cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (fill(skb, arg)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * ksmctl_nla_num_size() - the room a numeric attribute takes in a message
 * @type: NLA_U8, NLA_U32, NLA_U64 or NLA_S64
 *
 * Return: its total size, with the padding a 64-bit value may need.
 */
size_t ksmctl_nla_num_size(u8 type)
{
	switch (type) {
	case NLA_U8:
		return nla_total_size(sizeof(u8));
	case NLA_U32:
		return nla_total_size(sizeof(u32));
	default:
		return nla_total_size_64bit(sizeof(u64));
	}
}

/**
 * ksmctl_nla_put_num() - put a numeric attribute of the given wire type
 * @skb: the message
 * @attrtype: the attribute
 * @type: NLA_U8, NLA_U32, NLA_U64 or NLA_S64
 * @value: the value (an s64 cast to u64; others truncated to their type)
 * @padattr: the padding attribute of the nest, for 64-bit values
 *
 * Return: 0, or -EMSGSIZE.
 */
int ksmctl_nla_put_num(struct sk_buff *skb, int attrtype, u8 type, u64 value,
		       int padattr)
{
	switch (type) {
	case NLA_U8:
		return nla_put_u8(skb, attrtype, value);
	case NLA_U32:
		return nla_put_u32(skb, attrtype, value);
	case NLA_S64:
		return nla_put_s64(skb, attrtype, value, padattr);
	default:
		return nla_put_u64_64bit(skb, attrtype, value, padattr);
	}
}

int __init ksmctl_genl_init(void)
{
	return genl_register_family(&ksmctl_genl_family);
}

void ksmctl_genl_uninit(void)
{
	genl_unregister_family(&ksmctl_genl_family);
}

/* lets "genl ctrl" lookups of the family autoload the module */
MODULE_ALIAS_GENL_FAMILY(KSMCTL_GENL_NAME);
