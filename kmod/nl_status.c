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

static const int status_nl_attr[KSMCTL_KSM_F_COUNT] = {
	[KSMCTL_KSM_F_RUN]                = KSMCTL_A_STATUS_RUN,
	[KSMCTL_KSM_F_PAGES_SHARED]       = KSMCTL_A_STATUS_PAGES_SHARED,
	[KSMCTL_KSM_F_PAGES_SHARING]      = KSMCTL_A_STATUS_PAGES_SHARING,
	[KSMCTL_KSM_F_PAGES_UNSHARED]     = KSMCTL_A_STATUS_PAGES_UNSHARED,
	[KSMCTL_KSM_F_PAGES_VOLATILE]     = KSMCTL_A_STATUS_PAGES_VOLATILE,
	[KSMCTL_KSM_F_FULL_SCANS]         = KSMCTL_A_STATUS_FULL_SCANS,
	[KSMCTL_KSM_F_PAGES_TO_SCAN]      = KSMCTL_A_STATUS_PAGES_TO_SCAN,
	[KSMCTL_KSM_F_SLEEP_MSECS]        = KSMCTL_A_STATUS_SLEEP_MSECS,
	[KSMCTL_KSM_F_MAX_PAGE_SHARING]   = KSMCTL_A_STATUS_MAX_PAGE_SHARING,
	[KSMCTL_KSM_F_STABLE_NODE_CHAINS] = KSMCTL_A_STATUS_STABLE_NODE_CHAINS,
	[KSMCTL_KSM_F_GENERAL_PROFIT]     = KSMCTL_A_STATUS_GENERAL_PROFIT,
	[KSMCTL_KSM_F_ZERO_PAGES]         = KSMCTL_A_STATUS_ZERO_PAGES,
};

static size_t status_reply_size(void)
{
	return nla_total_size(sizeof(KSMCTL_VERSION)) +	/* VERSION */
	       nla_total_size(0) +			/* STATUS nest */
	       nla_total_size(sizeof(u32)) +		/* PAGE_SIZE */
	       KSMCTL_KSM_F_COUNT * nla_total_size_64bit(sizeof(u64));
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
	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++) {
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

int ksmctl_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct ksmctl_ksm_state st;
	struct sk_buff *msg;
	void *hdr;
	int err;

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
