// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_GET_STATUS: the kernel's KSM counters and settings, as sysfs
 * has them, in one reply (include/uapi/linux/ksmctl.h).
 */

#include <net/genetlink.h>

#include <linux/ksmctl.h>

#include "ksm_state.h"
#include "netlink.h"

const struct nla_policy ksmctl_status_policy[] = {
	/* no flags yet: every bit is reserved */
	[KSMCTL_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0),
};

/* the attribute of each KSM value, and its wire type */
static const struct {
	u16 attr;
	u8 type;
} status_attrs[KSMCTL_KSM_F_COUNT] = {
	[KSMCTL_KSM_F_RUN]                = { KSMCTL_A_STATUS_RUN, NLA_U32 },
	[KSMCTL_KSM_F_PAGES_SHARED]       = { KSMCTL_A_STATUS_PAGES_SHARED, NLA_U64 },
	[KSMCTL_KSM_F_PAGES_SHARING]      = { KSMCTL_A_STATUS_PAGES_SHARING, NLA_U64 },
	[KSMCTL_KSM_F_PAGES_UNSHARED]     = { KSMCTL_A_STATUS_PAGES_UNSHARED, NLA_U64 },
	[KSMCTL_KSM_F_PAGES_VOLATILE]     = { KSMCTL_A_STATUS_PAGES_VOLATILE, NLA_U64 },
	[KSMCTL_KSM_F_FULL_SCANS]         = { KSMCTL_A_STATUS_FULL_SCANS, NLA_U64 },
	[KSMCTL_KSM_F_PAGES_TO_SCAN]      = { KSMCTL_A_STATUS_PAGES_TO_SCAN, NLA_U64 },
	[KSMCTL_KSM_F_SLEEP_MSECS]        = { KSMCTL_A_STATUS_SLEEP_MSECS, NLA_U64 },
	[KSMCTL_KSM_F_MAX_PAGE_SHARING]   = { KSMCTL_A_STATUS_MAX_PAGE_SHARING, NLA_U64 },
	[KSMCTL_KSM_F_STABLE_NODE_CHAINS] = { KSMCTL_A_STATUS_STABLE_NODE_CHAINS, NLA_U64 },
	[KSMCTL_KSM_F_GENERAL_PROFIT]     = { KSMCTL_A_STATUS_GENERAL_PROFIT, NLA_S64 },
	[KSMCTL_KSM_F_ZERO_PAGES]         = { KSMCTL_A_STATUS_ZERO_PAGES, NLA_U64 },
};

static int status_prepare(void *data, const struct sk_buff *skb,
			  struct genl_info *info)
{
	int err = ksmctl_ksm_read(data);

	if (err)
		NL_SET_ERR_MSG(info->extack,
			       "cannot read the kernel's KSM state");
	return err;
}

/* the attributes status_fill() writes, at most */
static size_t status_reply_size(const void *data)
{
	size_t size = nla_total_size(sizeof(KSMCTL_VERSION)) +	/* VERSION */
		      nla_total_size(0) +			/* STATUS nest */
		      nla_total_size(sizeof(u32));		/* PAGE_SIZE */
	enum ksmctl_ksm_field f;

	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++)
		size += ksmctl_nla_num_size(status_attrs[f].type);
	return size;
}

static int status_fill(struct sk_buff *skb, const void *data)
{
	const struct ksmctl_ksm_state *st = data;
	enum ksmctl_ksm_field f;
	struct nlattr *nest;

	if (nla_put_string(skb, KSMCTL_A_VERSION, KSMCTL_VERSION))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KSMCTL_A_STATUS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSMCTL_A_STATUS_PAGE_SIZE, PAGE_SIZE))
		goto cancel;
	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++) {
		if (ksmctl_ksm_has(st, f) &&
		    ksmctl_nla_put_num(skb, status_attrs[f].attr,
				       status_attrs[f].type, st->val[f],
				       KSMCTL_A_STATUS_PAD))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

const struct ksmctl_nl_req_ops ksmctl_status_req_ops = {
	.cmd		= KSMCTL_CMD_GET_STATUS,
	.data_size	= sizeof(struct ksmctl_ksm_state),
	.prepare	= status_prepare,
	.reply_size	= status_reply_size,
	.fill		= status_fill,
};
