/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read by the compiler before ksmctl.ko's sources when it builds
 * ksmctl_kunit.ko (kmod/Kbuild), so that it changes what they declare;
 * and what the suites use of KUnit that the oldest kernel we support
 * (5.10) does not have yet.
 */
#ifndef _KSMCTL_KUNIT_H
#define _KSMCTL_KUNIT_H

#include <kunit/test.h>
#include <linux/overflow.h>
#include <net/genetlink.h>

/*
 * netlink.c gives ksmctl.ko the module alias that lets genetlink load it on
 * demand; the test module must not answer to that name.
 */
#undef MODULE_ALIAS_GENL_FAMILY
#define MODULE_ALIAS_GENL_FAMILY(family)

/*
 * The NULL checks came after 5.10's KUnit. There: the pointer compared
 * with NULL as a const void * (the older KUnit wants both sides of one
 * type), or, for an allocation, the check that it is neither NULL nor an
 * error pointer, which KUnit has had from the start.
 */
#ifndef KUNIT_EXPECT_NULL
#define KUNIT_EXPECT_NULL(test, ptr)					\
	KUNIT_EXPECT_PTR_EQ(test, (const void *)(ptr), (const void *)NULL)
#endif
#ifndef KUNIT_EXPECT_NOT_NULL
#define KUNIT_EXPECT_NOT_NULL(test, ptr)				\
	KUNIT_EXPECT_PTR_NE(test, (const void *)(ptr), (const void *)NULL)
#endif
#ifndef KUNIT_EXPECT_NOT_NULL_MSG
#define KUNIT_EXPECT_NOT_NULL_MSG(test, ptr, fmt, ...)			\
	KUNIT_EXPECT_PTR_NE_MSG(test, (const void *)(ptr),		\
				(const void *)NULL, fmt, ##__VA_ARGS__)
#endif
#ifndef KUNIT_ASSERT_NOT_NULL
#define KUNIT_ASSERT_NOT_NULL(test, ptr)				\
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr)
#endif

#ifndef COMPAT_HAS_KUNIT_KCALLOC
/* 5.10: a zeroed array freed with the test, NULL if its size overflows */
static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kunit_kzalloc(test, bytes, gfp);
}
#endif

#endif /* _KSMCTL_KUNIT_H */
