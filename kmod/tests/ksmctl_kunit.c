// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ksmctl's in-kernel logic, a file a suite (*_kunit.c).
 *
 * Built as ksmctl_kunit.ko when the target kernel has CONFIG_KUNIT, and run
 * by the rig's tests/selftests/kunit.sh: the suites run at insmod. The
 * functions under test are internal to ksmctl.ko, some static, so kmod/Kbuild
 * makes the test module one translation unit: tests/ksmctl_kunit.h, every
 * source of ksmctl.ko but main.c (given to the compiler with -include, in
 * ksmctl-y order), then this file, which includes the suites. ksmctl.ko
 * exports nothing for it, and nothing here registers the family or touches
 * a real process: the VMAs, mms, pids and cgroups are fakes, zeroed and
 * filled in by hand.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "walk_kunit.c"
#include "vma_kunit.c"
#include "netlink_kunit.c"
#include "rules_kunit.c"
#include "rules_match_kunit.c"
#include "ptree_kunit.c"

kunit_test_suites(&walk_suite, &vma_suite, &netlink_suite, &rules_suite,
		  &rules_match_suite, &ptree_suite);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("KUnit tests of ksmctl");
