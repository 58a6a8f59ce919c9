/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ksmctl supports lives here. Kbuild
 * probes the target kernel's headers and defines COMPAT_* for what it finds;
 * logic files use the names below and never test version numbers.
 */
#ifndef _KSMCTL_COMPAT_H
#define _KSMCTL_COMPAT_H

#include <linux/kconfig.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "ksmctl needs Linux 5.10 or later"
#endif

#if !IS_ENABLED(CONFIG_KSM)
#error "ksmctl needs a kernel built with CONFIG_KSM=y"
#endif

#if !IS_ENABLED(CONFIG_SYSFS) || !IS_ENABLED(CONFIG_PROC_FS)
#error "ksmctl needs CONFIG_SYSFS and CONFIG_PROC_FS"
#endif

/*
 * Generic netlink: kernels with .resv_start_op reject unknown commands and
 * validate every attribute strictly for commands at or above it. Older
 * kernels validate strictly by default (no GENL_DONT_VALIDATE_STRICT).
 */
#ifdef COMPAT_HAS_GENL_RESV_START_OP
#define KSMCTL_GENL_RESV_START_OP(first)	.resv_start_op = (first),
#else
#define KSMCTL_GENL_RESV_START_OP(first)
#endif

#endif /* _KSMCTL_COMPAT_H */
