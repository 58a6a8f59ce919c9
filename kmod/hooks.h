/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_HOOKS_H
#define _KSMCTL_HOOKS_H

#include <linux/types.h>

/* every event the rules follow has its probe attached */
extern bool ksmctl_hooks_complete;

int ksmctl_hooks_init(void);
void ksmctl_hooks_uninit(void);

#endif /* _KSMCTL_HOOKS_H */
