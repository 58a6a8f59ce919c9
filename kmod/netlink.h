/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_NETLINK_H
#define _KSMCTL_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family ksmctl_genl_family;

/* nl_proc.c */
extern const struct nla_policy ksmctl_proc_policy[];
extern const struct nla_policy ksmctl_vmas_policy[];
#define KSMCTL_PROC_POLICY_MAX	KSMCTL_A_PID
#define KSMCTL_VMAS_POLICY_MAX	KSMCTL_A_PID
int ksmctl_nl_get_proc_doit(struct sk_buff *skb, struct genl_info *info);
int ksmctl_nl_get_proc_start(struct netlink_callback *cb);
int ksmctl_nl_get_proc_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ksmctl_nl_get_proc_done(struct netlink_callback *cb);
int ksmctl_nl_get_vmas_start(struct netlink_callback *cb);
int ksmctl_nl_get_vmas_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ksmctl_nl_get_vmas_done(struct netlink_callback *cb);

/* nl_mark.c */
extern const struct nla_policy ksmctl_mark_policy[];
#define KSMCTL_MARK_POLICY_MAX	KSMCTL_A_CLASSES
int ksmctl_nl_mark_doit(struct sk_buff *skb, struct genl_info *info);

int ksmctl_genl_init(void);
void ksmctl_genl_uninit(void);

#endif /* _KSMCTL_NETLINK_H */
