// SPDX-License-Identifier: GPL-2.0
/* KUnit: the rule store (rules.c) */

#include <kunit/test.h>

#include "../rules_engine.h"

/* Rule ids are never reused: once they ran out, adding is refused. */
static void rule_ids_do_not_wrap(struct kunit *test)
{
	struct ksmctl_rule *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u32 saved;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->action = KSMCTL_RULE_MERGE;
	strscpy(r->comm, "ksmctl-kunit", sizeof(r->comm));
	mutex_lock(&ksmctl_rules.lock);
	saved = ksmctl_rules.next_id;
	ksmctl_rules.next_id = 0;		/* as after U32_MAX */
	mutex_unlock(&ksmctl_rules.lock);
	KUNIT_EXPECT_EQ(test, ksmctl_rule_add(r, NULL, NULL, NULL), -ENOSPC);
	mutex_lock(&ksmctl_rules.lock);
	ksmctl_rules.next_id = saved;
	mutex_unlock(&ksmctl_rules.lock);
}

static struct kunit_case rules_cases[] = {
	KUNIT_CASE(rule_ids_do_not_wrap),
	{}
};

static struct kunit_suite rules_suite = {
	.name = "ksmctl_rules",
	.test_cases = rules_cases,
};
