// SPDX-License-Identifier: GPL-2.0
/* KUnit: the proportional-saving arithmetic and the page walk (walk.c) */

#include <kunit/test.h>
#include <linux/mm.h>

#include "../walk.h"
#include "fake_vma.h"

/* one page in the fixed point of ksmctl_prop_fp_one() */
#define FP_PAGE		(1ULL << KSMCTL_PROP_SHIFT)
/* one byte in that fixed point */
#define FP_BYTE		(FP_PAGE / PAGE_SIZE)

/* A page mapped once, or not at all, saves nothing. */
static void prop_fp_one_unshared(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_prop_fp_one(0), 0ULL);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_fp_one(1), 0ULL);
}

/* Each mapping of a page mapped n times is credited (n - 1) / n page. */
static void prop_fp_one_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_prop_fp_one(2), FP_PAGE / 2);
	/* 2/3, rounded down */
	KUNIT_EXPECT_EQ(test, ksmctl_prop_fp_one(3), 0xaaaaaaaaULL);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_fp_one(256), 255ULL << 24);
}

/*
 * The n mappings of a page mapped n times add up to the n - 1 pages it
 * saves: a little less in fixed point (each share is rounded down), exactly
 * in bytes.
 */
static void prop_fp_one_sums_to_saving(struct kunit *test)
{
	static const unsigned int counts[] = { 2, 3, 5, 7, 100, 256, 1000, 65535 };
	int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		unsigned int n = counts[i];
		u64 sum = (u64)n * ksmctl_prop_fp_one(n);
		u64 saved = (u64)(n - 1) * FP_PAGE;

		KUNIT_EXPECT_LE_MSG(test, sum, saved, "n=%u", n);
		KUNIT_EXPECT_LT_MSG(test, saved - sum, (u64)n, "n=%u", n);
		KUNIT_EXPECT_EQ_MSG(test, ksmctl_prop_bytes(sum),
				    (u64)(n - 1) * PAGE_SIZE, "n=%u", n);
	}
}

/* Whole and half pages convert to bytes exactly. */
static void prop_bytes_pages(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(0), 0ULL);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(FP_PAGE), (u64)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(3 * FP_PAGE / 2),
			(u64)PAGE_SIZE * 3 / 2);
}

/* Fractions of a byte round to the nearest byte, halves up. */
static void prop_bytes_rounds_to_nearest(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(FP_BYTE / 2 - 1), 0ULL);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(FP_BYTE / 2), 1ULL);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(FP_BYTE + FP_BYTE / 2 - 1), 1ULL);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(FP_BYTE + FP_BYTE / 2), 2ULL);
}

/* Savings beyond 4 GiB (and 1 TiB) do not overflow. */
static void prop_bytes_beyond_4gib(struct kunit *test)
{
	u64 pages5g = (5ULL << 30) / PAGE_SIZE, pages1t = (1ULL << 40) / PAGE_SIZE;
	/* 2^20 pages, each mapped 3 times: 2^21 pages saved */
	u64 sum = 3 * (1ULL << 20) * ksmctl_prop_fp_one(3);
	u64 want = (1ULL << 21) * PAGE_SIZE;

	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(pages5g * FP_PAGE), 5ULL << 30);
	KUNIT_EXPECT_EQ(test, ksmctl_prop_bytes(pages1t * FP_PAGE), 1ULL << 40);
	/* the rounded-down shares lose 2 fixed-point units per page */
	KUNIT_EXPECT_LE(test, ksmctl_prop_bytes(sum), want);
	KUNIT_EXPECT_GE(test, ksmctl_prop_bytes(sum), want - 4);
}

/* A VMA without an anon_vma maps no KSM page: nothing is walked. */
static void walk_vma_without_anon_vma(struct kunit *test)
{
	struct ksmctl_walk w = { .ksm_ptes = 7, .prop_fp = 9 };

	KUNIT_EXPECT_EQ(test, ksmctl_walk_vma(anon_vma_with(test, 0), &w), 0);
	KUNIT_EXPECT_EQ(test, w.ksm_ptes, 7ULL);
	KUNIT_EXPECT_EQ(test, w.prop_fp, 9ULL);
}

static struct kunit_case walk_cases[] = {
	KUNIT_CASE(prop_fp_one_unshared),
	KUNIT_CASE(prop_fp_one_values),
	KUNIT_CASE(prop_fp_one_sums_to_saving),
	KUNIT_CASE(prop_bytes_pages),
	KUNIT_CASE(prop_bytes_rounds_to_nearest),
	KUNIT_CASE(prop_bytes_beyond_4gib),
	KUNIT_CASE(walk_vma_without_anon_vma),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "ksmctl_walk",
	.test_cases = walk_cases,
};
