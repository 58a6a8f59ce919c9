/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_NETLINK_H
#define _KSMCTL_NETLINK_H

int ksmctl_genl_init(void);
void ksmctl_genl_uninit(void);

#endif /* _KSMCTL_NETLINK_H */
