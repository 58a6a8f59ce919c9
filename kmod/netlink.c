// SPDX-License-Identifier: GPL-2.0
/*
 * The "ksmctl" generic netlink family. The wire format and its
 * documentation are in include/uapi/linux/ksmctl.h.
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include <linux/ksmctl.h>

#include "ksm_state.h"
#include "netlink.h"


/* KSMCTL_CMD_GET_STATUS */

static const struct nla_policy status_policy[KSMCTL_A_FLAGS + 1] = {
	[KSMCTL_A_FLAGS] = { .type = NLA_U32 },
};

static const int status_nl_attr[KSM_F_COUNT] = {
	[KSM_F_RUN]		   = KSMCTL_A_STATUS_RUN,
	[KSM_F_PAGES_SHARED]	   = KSMCTL_A_STATUS_PAGES_SHARED,
	[KSM_F_PAGES_SHARING]	   = KSMCTL_A_STATUS_PAGES_SHARING,
	[KSM_F_PAGES_UNSHARED]	   = KSMCTL_A_STATUS_PAGES_UNSHARED,
	[KSM_F_PAGES_VOLATILE]	   = KSMCTL_A_STATUS_PAGES_VOLATILE,
	[KSM_F_FULL_SCANS]	   = KSMCTL_A_STATUS_FULL_SCANS,
	[KSM_F_PAGES_TO_SCAN]	   = KSMCTL_A_STATUS_PAGES_TO_SCAN,
	[KSM_F_SLEEP_MSECS]	   = KSMCTL_A_STATUS_SLEEP_MSECS,
	[KSM_F_MAX_PAGE_SHARING]   = KSMCTL_A_STATUS_MAX_PAGE_SHARING,
	[KSM_F_STABLE_NODE_CHAINS] = KSMCTL_A_STATUS_STABLE_NODE_CHAINS,
	[KSM_F_GENERAL_PROFIT]	   = KSMCTL_A_STATUS_GENERAL_PROFIT,
	[KSM_F_ZERO_PAGES]	   = KSMCTL_A_STATUS_ZERO_PAGES,
};

static size_t status_reply_size(void)
{
	return nla_total_size(sizeof(KSMCTL_VERSION)) +	/* VERSION */
	       nla_total_size(0) +			/* STATUS nest */
	       nla_total_size(sizeof(u32)) +		/* PAGE_SIZE */
	       KSM_F_COUNT * nla_total_size_64bit(sizeof(u64));
}

static int status_fill(struct sk_buff *skb, const struct ksmctl_ksm_state *st)
{
	enum ksmctl_ksm_field f;
	struct nlattr *nest;

	if (nla_put_string(skb, KSMCTL_A_VERSION, KSMCTL_VERSION))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KSMCTL_A_STATUS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSMCTL_A_STATUS_PAGE_SIZE, PAGE_SIZE))
		goto cancel;
	for (f = 0; f < KSM_F_COUNT; f++) {
		int type = status_nl_attr[f];
		int err;

		if (!ksmctl_ksm_has(st, f))
			continue;
		if (type == KSMCTL_A_STATUS_RUN)
			err = nla_put_u32(skb, type, st->val[f]);
		else if (type == KSMCTL_A_STATUS_GENERAL_PROFIT)
			err = nla_put_s64(skb, type, st->val[f],
					  KSMCTL_A_STATUS_PAD);
		else
			err = nla_put_u64_64bit(skb, type, st->val[f],
						KSMCTL_A_STATUS_PAD);
		if (err)
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ksmctl_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct ksmctl_ksm_state st;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (info->attrs[KSMCTL_A_FLAGS] &&
	    nla_get_u32(info->attrs[KSMCTL_A_FLAGS])) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KSMCTL_A_FLAGS],
				    "unknown flags for GET_STATUS");
		return -EINVAL;
	}

	err = ksmctl_ksm_read(&st);
	if (err) {
		NL_SET_ERR_MSG(info->extack,
			       "cannot read the kernel's KSM state");
		return err;
	}

	msg = genlmsg_new(status_reply_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ksmctl_genl_family, 0,
				KSMCTL_CMD_GET_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = status_fill(msg, &st);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_ops ksmctl_genl_ops[] = {
	{
		.cmd	= KSMCTL_CMD_GET_STATUS,
		.doit	= ksmctl_nl_get_status,
		.policy	= status_policy,
		.maxattr = ARRAY_SIZE(status_policy) - 1,
	},
	{
		.cmd	= KSMCTL_CMD_GET_PROC,
		.doit	= ksmctl_nl_get_proc_doit,
		.start	= ksmctl_nl_get_proc_start,
		.dumpit	= ksmctl_nl_get_proc_dumpit,
		.done	= ksmctl_nl_get_proc_done,
		.policy	= ksmctl_proc_policy,
		.maxattr = KSMCTL_PROC_POLICY_MAX,
	},
	{
		.cmd	= KSMCTL_CMD_GET_VMAS,
		.start	= ksmctl_nl_get_vmas_start,
		.dumpit	= ksmctl_nl_get_vmas_dumpit,
		.done	= ksmctl_nl_get_vmas_done,
		.policy	= ksmctl_vmas_policy,
		.maxattr = KSMCTL_VMAS_POLICY_MAX,
	},
	{
		.cmd	= KSMCTL_CMD_MARK,
		.doit	= ksmctl_nl_mark_doit,
		.policy	= ksmctl_mark_policy,
		.maxattr = KSMCTL_MARK_POLICY_MAX,
	},
	{
		.cmd	= KSMCTL_CMD_UNMARK,
		.doit	= ksmctl_nl_mark_doit,
		.policy	= ksmctl_mark_policy,
		.maxattr = KSMCTL_MARK_POLICY_MAX,
	},
	{
		.cmd	= KSMCTL_CMD_RULE_ADD,
		.doit	= ksmctl_nl_rule_add_doit,
		.policy	= ksmctl_rule_top_policy,
		.maxattr = KSMCTL_RULE_POLICY_MAX,
	},
	{
		.cmd	= KSMCTL_CMD_RULE_DEL,
		.doit	= ksmctl_nl_rule_del_doit,
		.policy	= ksmctl_rule_top_policy,
		.maxattr = KSMCTL_RULE_POLICY_MAX,
	},
	{
		.cmd	= KSMCTL_CMD_RULE_GET,
		.start	= ksmctl_nl_rule_get_start,
		.dumpit	= ksmctl_nl_rule_get_dumpit,
		.policy	= ksmctl_rule_top_policy,
		.maxattr = KSMCTL_RULE_POLICY_MAX,
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
