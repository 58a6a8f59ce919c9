// SPDX-License-Identifier: GPL-2.0
/*
 * The "ksmctl" generic netlink family. The wire format and its
 * documentation are in include/uapi/linux/ksmctl.h.
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include <linux/ksmctl.h>

#include "netlink.h"

static const struct genl_ops ksmctl_genl_ops[] = {
	{
		.cmd	= KSMCTL_CMD_GET_STATUS,
		.doit	= ksmctl_nl_get_status,
		.policy	= ksmctl_status_policy,
		.maxattr = ARRAY_SIZE(ksmctl_status_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_GET_PROC,
		.doit	= ksmctl_nl_get_proc_doit,
		.start	= ksmctl_nl_get_proc_start,
		.dumpit	= ksmctl_nl_get_proc_dumpit,
		.done	= ksmctl_nl_get_proc_done,
		.policy	= ksmctl_proc_policy,
		.maxattr = ARRAY_SIZE(ksmctl_proc_policy) - 1,
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
