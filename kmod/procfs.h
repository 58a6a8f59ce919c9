/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_PROCFS_H
#define _KSMCTL_PROCFS_H

int ksmctl_procfs_init(void);
void ksmctl_procfs_uninit(void);

#endif /* _KSMCTL_PROCFS_H */
