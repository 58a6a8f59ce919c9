/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read by the compiler before ksmctl.ko's sources when it builds
 * ksmctl_kunit.ko (kmod/Kbuild), so that it changes what they declare.
 */
#ifndef _KSMCTL_KUNIT_H
#define _KSMCTL_KUNIT_H

#include <net/genetlink.h>

/*
 * netlink.c gives ksmctl.ko the module alias that lets genetlink load it on
 * demand; the test module must not answer to that name.
 */
#undef MODULE_ALIAS_GENL_FAMILY
#define MODULE_ALIAS_GENL_FAMILY(family)

#endif /* _KSMCTL_KUNIT_H */
