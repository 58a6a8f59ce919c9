/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_HOOKS_H
#define _KSMCTL_HOOKS_H

#include <linux/types.h>

int ksmctl_hooks_init(void);
bool ksmctl_hooks_attach(void);
void ksmctl_hooks_detach(void);

#endif /* _KSMCTL_HOOKS_H */
