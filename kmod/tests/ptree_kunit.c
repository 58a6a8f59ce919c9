// SPDX-License-Identifier: GPL-2.0
/* KUnit: subtrees of a process-tree snapshot (ptree.c) */

#include <kunit/test.h>
#include <linux/bitmap.h>

#include "../ptree.h"

/*
 * A fake snapshot: entry i has the fake pid @pids[i], number @nrs[i] and
 * the parent @parents[i] (an entry's index, or -1: none). Only pointers are
 * compared: the pids are zeroed memory, never released.
 */
static struct ksmctl_ptree *fake_ptree(struct kunit *test, unsigned int n,
				       const pid_t *nrs, const int *parents)
{
	struct ksmctl_ptree *pt = kunit_kzalloc(test, sizeof(*pt), GFP_KERNEL);
	struct pid *pids = kunit_kcalloc(test, n, sizeof(*pids), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pt);
	KUNIT_ASSERT_NOT_NULL(test, pids);
	pt->ents = kunit_kcalloc(test, n, sizeof(*pt->ents), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pt->ents);
	pt->n = n;
	for (i = 0; i < n; i++) {
		pt->ents[i].pid = &pids[i];
		pt->ents[i].nr = nrs[i];
	}
	for (i = 0; i < n; i++) {
		if (parents[i] < 0)
			continue;
		pt->ents[i].parent = pt->ents[parents[i]].pid;
		pt->ents[i].pnr = pt->ents[parents[i]].nr;
	}
	KUNIT_ASSERT_EQ(test, ptree_link(pt), 0);
	return pt;
}

static unsigned long *subtree_of(struct kunit *test, struct ksmctl_ptree *pt,
				 unsigned int root)
{
	unsigned long *in = kunit_kcalloc(test, BITS_TO_LONGS(pt->n),
					  sizeof(long), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, in);
	ksmctl_ptree_subtree(pt, pt->ents[root].pid, in);
	return in;
}

/* Children and grandchildren are in; the root, its parent, others not. */
static void ptree_subtree_descendants(struct kunit *test)
{
	/* init, root, a (root's), b (a's), other (init's), c (b's) */
	static const pid_t nrs[] = { 1, 100, 101, 102, 103, 104 };
	static const int parents[] = { -1, 0, 1, 2, 0, 3 };
	struct ksmctl_ptree *pt = fake_ptree(test, 6, nrs, parents);
	unsigned long *in = subtree_of(test, pt, 1);

	KUNIT_EXPECT_FALSE(test, test_bit(0, in));
	KUNIT_EXPECT_FALSE(test, test_bit(1, in));
	KUNIT_EXPECT_TRUE(test, test_bit(2, in));
	KUNIT_EXPECT_TRUE(test, test_bit(3, in));
	KUNIT_EXPECT_FALSE(test, test_bit(4, in));
	KUNIT_EXPECT_TRUE(test, test_bit(5, in));
}

/* A parent found only after its child (a race) leaves the child out. */
static void ptree_parent_after_child(struct kunit *test)
{
	/* root, x (y's, listed first), y (root's) */
	static const pid_t nrs[] = { 100, 101, 102 };
	static const int parents[] = { -1, 2, 0 };
	struct ksmctl_ptree *pt = fake_ptree(test, 3, nrs, parents);
	unsigned long *in = subtree_of(test, pt, 0);

	KUNIT_EXPECT_EQ(test, pt->ents[1].up, -1);
	KUNIT_EXPECT_FALSE(test, test_bit(1, in));
	KUNIT_EXPECT_TRUE(test, test_bit(2, in));
}

/* A number seen twice (an exit, then a reuse) names two processes. */
static void ptree_reused_number(struct kunit *test)
{
	/* root, old 200 (root's), its child, new 200 (init's), its child */
	static const pid_t nrs[] = { 100, 200, 201, 200, 202 };
	static const int parents[] = { -1, 0, 1, -1, 3 };
	struct ksmctl_ptree *pt = fake_ptree(test, 5, nrs, parents);
	unsigned long *in = subtree_of(test, pt, 0);

	KUNIT_EXPECT_EQ(test, pt->ents[2].up, 1);
	KUNIT_EXPECT_EQ(test, pt->ents[4].up, 3);
	KUNIT_EXPECT_TRUE(test, test_bit(1, in));
	KUNIT_EXPECT_TRUE(test, test_bit(2, in));
	KUNIT_EXPECT_FALSE(test, test_bit(3, in));
	KUNIT_EXPECT_FALSE(test, test_bit(4, in));
}

/* A chain 5,000 deep: its deepest process is in, in one pass. */
static void ptree_deep_chain(struct kunit *test)
{
	unsigned int i, n = 5000;
	pid_t *nrs = kunit_kcalloc(test, n, sizeof(*nrs), GFP_KERNEL);
	int *parents = kunit_kcalloc(test, n, sizeof(*parents), GFP_KERNEL);
	struct ksmctl_ptree *pt;
	unsigned long *in;

	KUNIT_ASSERT_NOT_NULL(test, nrs);
	KUNIT_ASSERT_NOT_NULL(test, parents);
	for (i = 0; i < n; i++) {
		/* numbers wrap: not in the list's order */
		nrs[i] = 300 + (i * 7919) % n;
		parents[i] = (int)i - 1;
	}
	pt = fake_ptree(test, n, nrs, parents);
	in = subtree_of(test, pt, 0);
	KUNIT_EXPECT_EQ(test, (unsigned int)bitmap_weight(in, n), n - 1);
	KUNIT_EXPECT_TRUE(test, test_bit(n - 1, in));
}

static struct kunit_case ptree_cases[] = {
	KUNIT_CASE(ptree_subtree_descendants),
	KUNIT_CASE(ptree_parent_after_child),
	KUNIT_CASE(ptree_reused_number),
	KUNIT_CASE(ptree_deep_chain),
	{}
};

static struct kunit_suite ptree_suite = {
	.name = "ksmctl_ptree",
	.test_cases = ptree_cases,
};
