// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which rules match a process and what they decide for it
 * (rules_match.c), one verdict for an mm that processes share
 * (rules_follow.c), and the period of the scans (rules_work.c).
 *
 * The rules are on a list of the test's own, never the engine's; the
 * processes are struct ksmctl_subject, with fake pids and cgroups
 * (zeroed memory, compared as pointers, never released).
 */

#include <kunit/test.h>
#include <linux/cgroup.h>
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include <linux/ksmctl.h>

#include "../rules_engine.h"

/* the rules of the running case, for rules_match_exit() */
static LIST_HEAD(test_rules);

/* a rule of @action, with id @id, at the end of test_rules: matches all */
static struct ksmctl_rule *add_rule(struct kunit *test, u32 id, u32 action)
{
	struct ksmctl_rule *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	xa_init(&r->members);
	r->id = id;
	r->action = action;
	list_add_tail(&r->node, &test_rules);
	return r;
}

/* a struct pid with one reference, which nothing drops */
static struct pid *fake_pid(struct kunit *test)
{
	struct pid *pid = kunit_kzalloc(test, sizeof(*pid), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pid);
	refcount_set(&pid->count, 1);
	return pid;
}

/*
 * a cgroup to compare with: zeroed, in no hierarchy (cgroup_is_descendant()
 * finds no cgroup of a real hierarchy below it), with room for its
 * ancestors
 */
static struct cgroup *fake_cgroup(struct kunit *test)
{
	struct cgroup *cgrp = kunit_kzalloc(test, sizeof(*cgrp) + 64,
					    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cgrp);
	return cgrp;
}

/* a process named @comm, of uid @uid, its pid fake, its exe not known */
static struct ksmctl_subject subject(struct kunit *test, const char *comm,
				     uid_t uid)
{
	struct ksmctl_subject s = {
		.pid = fake_pid(test),
		.nr = 1000,
		.cgrp = fake_cgroup(test),
		.uid = KUIDT_INIT(uid),
		.comm = comm,
	};

	return s;
}

/* the verdict of test_rules for @s, and the rule that decided in @id */
static u32 verdict_of(const struct ksmctl_subject *s, u32 *id)
{
	*id = 0;
	return ksmctl_rules_verdict(&test_rules, s, id);
}

static bool matches(struct ksmctl_rule *r, const struct ksmctl_subject *s)
{
	bool ret;

	rcu_read_lock();
	ret = rule_matches(r, s);
	rcu_read_unlock();
	return ret;
}

/* Without rules, nothing is decided. */
static void verdict_without_rules(struct kunit *test)
{
	struct ksmctl_subject s = subject(test, "app", 0);
	u32 id;

	KUNIT_EXPECT_EQ(test, verdict_of(&s, &id), (u32)KSMCTL_RULE_UNSPEC);
	KUNIT_EXPECT_EQ(test, id, 0U);
}

/* A never rule wins over a merge rule, before or after it. */
static void verdict_never_wins(struct kunit *test)
{
	struct ksmctl_subject s = subject(test, "app", 0);
	struct ksmctl_rule *never;
	u32 id;

	add_rule(test, 1, KSMCTL_RULE_MERGE);
	never = add_rule(test, 2, KSMCTL_RULE_NEVER);
	KUNIT_EXPECT_EQ(test, verdict_of(&s, &id), (u32)KSMCTL_RULE_NEVER);
	KUNIT_EXPECT_EQ(test, id, 2U);

	/* first on the list: still never, and decided by it */
	list_move(&never->node, &test_rules);
	KUNIT_EXPECT_EQ(test, verdict_of(&s, &id), (u32)KSMCTL_RULE_NEVER);
	KUNIT_EXPECT_EQ(test, id, 2U);

	/* a never rule that does not match leaves the merge */
	strscpy(never->comm, "other", sizeof(never->comm));
	KUNIT_EXPECT_EQ(test, verdict_of(&s, &id), (u32)KSMCTL_RULE_MERGE);
	KUNIT_EXPECT_EQ(test, id, 1U);
}

/* Of two matching rules of one action, the first decides. */
static void verdict_first_rule_decides(struct kunit *test)
{
	struct ksmctl_subject s = subject(test, "app", 1000);
	struct ksmctl_rule *by_uid, *by_comm;
	u32 id;

	by_uid = add_rule(test, 3, KSMCTL_RULE_MERGE);
	by_uid->has_uid = true;
	by_uid->uid = KUIDT_INIT(1000);
	by_comm = add_rule(test, 7, KSMCTL_RULE_MERGE);
	strscpy(by_comm->comm, "app", sizeof(by_comm->comm));
	KUNIT_EXPECT_EQ(test, verdict_of(&s, &id), (u32)KSMCTL_RULE_MERGE);
	KUNIT_EXPECT_EQ(test, id, 3U);

	/* the first one stops matching: the second decides */
	s.uid = KUIDT_INIT(1001);
	KUNIT_EXPECT_EQ(test, verdict_of(&s, &id), (u32)KSMCTL_RULE_MERGE);
	KUNIT_EXPECT_EQ(test, id, 7U);
}

/* A rule matches a process only if every criterion it has matches. */
static void match_every_criterion(struct kunit *test)
{
	struct ksmctl_rule *r = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_subject s = subject(test, "app", 1000);

	strscpy(r->comm, "app", sizeof(r->comm));
	r->has_uid = true;
	r->uid = KUIDT_INIT(1000);
	KUNIT_EXPECT_TRUE(test, matches(r, &s));
	s.comm = "ap";
	KUNIT_EXPECT_FALSE(test, matches(r, &s));
	s.comm = "app";
	s.uid = GLOBAL_ROOT_UID;
	KUNIT_EXPECT_FALSE(test, matches(r, &s));
}

/* A criterion the rule does not have matches anything. */
static void match_unset_criteria(struct kunit *test)
{
	struct ksmctl_rule *r = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_subject s = subject(test, "app", 0);

	r->uid = KUIDT_INIT(1000);	/* without has_uid */
	r->exe_ino = 42;		/* without has_exe */
	KUNIT_EXPECT_TRUE(test, matches(r, &s));
}

/* A pid rule matches that process only, by its struct pid. */
static void match_by_pid(struct kunit *test)
{
	struct ksmctl_rule *r = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_subject s = subject(test, "app", 0);
	struct ksmctl_subject other = subject(test, "app", 0);

	r->pid = s.pid;
	KUNIT_EXPECT_TRUE(test, matches(r, &s));
	other.nr = s.nr;	/* the same number, another process */
	KUNIT_EXPECT_FALSE(test, matches(r, &other));
}

/* A tree rule matches its members too, by struct pid, not by number. */
static void match_by_tree(struct kunit *test)
{
	struct ksmctl_rule *r = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_subject root = subject(test, "app", 0);
	struct ksmctl_subject child = subject(test, "app", 0);
	struct ksmctl_subject reused = subject(test, "app", 0);

	r->pid = root.pid;
	r->flags = KSMCTL_RULE_F_TREE;
	child.nr = 1001;
	KUNIT_EXPECT_FALSE(test, matches(r, &child));
	KUNIT_ASSERT_EQ(test, tree_add(r, child.nr, child.pid, GFP_KERNEL), 0);
	KUNIT_EXPECT_TRUE(test, matches(r, &root));
	KUNIT_EXPECT_TRUE(test, matches(r, &child));
	reused.nr = child.nr;
	KUNIT_EXPECT_FALSE(test, matches(r, &reused));

	/* without TREE, the members are not looked at */
	r->flags = 0;
	KUNIT_EXPECT_FALSE(test, matches(r, &child));
}

/* An exe rule compares device, inode and generation; unknown may match. */
static void match_by_exe(struct kunit *test)
{
	struct ksmctl_rule *r = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_subject s = subject(test, "app", 0);
	struct ksmctl_exe_id exe = {
		.dev = 8, .ino = 1234, .gen = 5, .known = true,
	};

	r->has_exe = true;
	r->exe_dev = 8;
	r->exe_ino = 1234;
	r->exe_gen = 5;
	s.exe = &exe;
	KUNIT_EXPECT_TRUE(test, matches(r, &s));
	exe.gen = 6;		/* deleted, and the number given again */
	KUNIT_EXPECT_FALSE(test, matches(r, &s));
	exe.gen = 5;
	exe.dev = 9;
	KUNIT_EXPECT_FALSE(test, matches(r, &s));
	exe.dev = 8;
	exe.known = false;	/* no exe, or its attributes unreadable */
	KUNIT_EXPECT_FALSE(test, matches(r, &s));

	/* not looked up yet: a look will tell */
	s.exe = NULL;
	KUNIT_EXPECT_TRUE(test, matches(r, &s));
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, maybe_matched(&test_rules, &s));
	s.comm = "other";
	strscpy(r->comm, "app", sizeof(r->comm));
	KUNIT_EXPECT_FALSE(test, maybe_matched(&test_rules, &s));
	rcu_read_unlock();
}

/* A cgroup rule matches its cgroup; below it only if recursive. */
static void match_by_cgroup(struct kunit *test)
{
	struct ksmctl_rule *r = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_subject s = subject(test, "app", 0);
	struct cgroup *cgrp, *top;

	r->cgrp = s.cgrp;
	KUNIT_EXPECT_TRUE(test, matches(r, &s));
	r->cgrp = fake_cgroup(test);
	KUNIT_EXPECT_FALSE(test, matches(r, &s));

	/* a real cgroup is not below one of no hierarchy */
	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	for (top = cgrp; cgroup_parent(top); top = cgroup_parent(top))
		;
	s.cgrp = cgrp;
	r->flags = KSMCTL_RULE_F_RECURSIVE;
	KUNIT_EXPECT_FALSE(test, rule_matches(r, &s));
	/* every cgroup is below the root of its hierarchy, or is it */
	r->cgrp = top;
	KUNIT_EXPECT_TRUE(test, rule_matches(r, &s));
	rcu_read_unlock();
}

/* Rules that match the same processes the same way are the same rule. */
static void same_rules(struct kunit *test)
{
	struct ksmctl_rule *a = add_rule(test, 1, KSMCTL_RULE_MERGE);
	struct ksmctl_rule *b = add_rule(test, 2, KSMCTL_RULE_MERGE);

	strscpy(a->comm, "app", sizeof(a->comm));
	strscpy(b->comm, "app", sizeof(b->comm));
	b->uid = KUIDT_INIT(1000);	/* not matched on */
	KUNIT_EXPECT_TRUE(test, ksmctl_rule_same(a, b));
	b->has_uid = true;
	KUNIT_EXPECT_FALSE(test, ksmctl_rule_same(a, b));
	b->has_uid = false;
	b->action = KSMCTL_RULE_NEVER;
	KUNIT_EXPECT_FALSE(test, ksmctl_rule_same(a, b));
}

/* Processes that share an mm share its verdict: never, if one is never. */
static void shared_mm_one_verdict(struct kunit *test)
{
	struct ksmctl_followed_mm fm = { .users = 2, .clean = true };
	struct ksmctl_followed a = { .fm = &fm }, b = { .fm = &fm };
	struct ksmctl_followed alone = { };
	u32 id;

	set_verdict(&a, KSMCTL_RULE_MERGE, 1);
	set_verdict(&b, KSMCTL_RULE_MERGE, 1);
	KUNIT_EXPECT_EQ(test, mm_verdict(&a, &id), (u32)KSMCTL_RULE_MERGE);
	KUNIT_EXPECT_EQ(test, id, 1U);
	KUNIT_EXPECT_TRUE(test, fm.clean);

	/* b becomes never: the mm is never, for a too, walked again */
	set_verdict(&b, KSMCTL_RULE_NEVER, 2);
	KUNIT_EXPECT_EQ(test, mm_verdict(&a, &id), (u32)KSMCTL_RULE_NEVER);
	KUNIT_EXPECT_EQ(test, id, 2U);
	KUNIT_EXPECT_FALSE(test, fm.clean);
	KUNIT_EXPECT_EQ(test, mm_verdict(&b, &id), (u32)KSMCTL_RULE_NEVER);

	/* and merge again once it is not */
	fm.clean = true;
	set_verdict(&b, KSMCTL_RULE_UNSPEC, 0);
	KUNIT_EXPECT_EQ(test, fm.nevers, 0U);
	KUNIT_EXPECT_EQ(test, mm_verdict(&a, &id), (u32)KSMCTL_RULE_MERGE);
	KUNIT_EXPECT_EQ(test, id, 1U);
	KUNIT_EXPECT_FALSE(test, fm.clean);

	/* no mm kept (out of memory): its own verdict */
	set_verdict(&alone, KSMCTL_RULE_MERGE, 4);
	KUNIT_EXPECT_EQ(test, mm_verdict(&alone, &id), (u32)KSMCTL_RULE_MERGE);
	KUNIT_EXPECT_EQ(test, id, 4U);
}

/* Scans take a bounded share of a CPU; without the probes, every pass. */
static void scan_period(struct kunit *test)
{
	bool hooked = ksmctl_rules.hooked;
	const u64 ms = NSEC_PER_MSEC;

	WRITE_ONCE(ksmctl_rules.hooked, true);
	KUNIT_EXPECT_EQ(test, scan_period_ms(1 * ms), ksmctl_rules.scan_min_ms);
	KUNIT_EXPECT_EQ(test, scan_period_ms(100 * ms),
			100U * KSMCTL_RULES_SCAN_SHARE);
	KUNIT_EXPECT_EQ(test, scan_period_ms(10000 * ms),
			(unsigned int)KSMCTL_RULES_MAX_MS);
	WRITE_ONCE(ksmctl_rules.hooked, false);
	KUNIT_EXPECT_EQ(test, scan_period_ms(100 * ms), ksmctl_rules.period_ms);
	WRITE_ONCE(ksmctl_rules.hooked, hooked);
}

static int rules_match_init(struct kunit *test)
{
	INIT_LIST_HEAD(&test_rules);
	return 0;
}

/* the members' xarrays (their pids are the test's) */
static void rules_match_exit(struct kunit *test)
{
	struct ksmctl_rule *r;

	list_for_each_entry(r, &test_rules, node)
		xa_destroy(&r->members);
}

static struct kunit_case rules_match_cases[] = {
	KUNIT_CASE(verdict_without_rules),
	KUNIT_CASE(verdict_never_wins),
	KUNIT_CASE(verdict_first_rule_decides),
	KUNIT_CASE(match_every_criterion),
	KUNIT_CASE(match_unset_criteria),
	KUNIT_CASE(match_by_pid),
	KUNIT_CASE(match_by_tree),
	KUNIT_CASE(match_by_exe),
	KUNIT_CASE(match_by_cgroup),
	KUNIT_CASE(same_rules),
	KUNIT_CASE(shared_mm_one_verdict),
	KUNIT_CASE(scan_period),
	{}
};

static struct kunit_suite rules_match_suite = {
	.name = "ksmctl_rules_match",
	.init = rules_match_init,
	.exit = rules_match_exit,
	.test_cases = rules_match_cases,
};
