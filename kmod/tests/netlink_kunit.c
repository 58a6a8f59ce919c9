// SPDX-License-Identifier: GPL-2.0
/* KUnit: the validation of requests (nl_mark.c, nl_proc.c, netlink.c) */

#include <kunit/test.h>
#include <net/genetlink.h>

#include "../mark.h"
#include "../netlink.h"

/* a request's attributes, as genetlink would hand them to a doit */
struct req {
	u8 buf[128];
	int len;
	struct nlattr *tb[KSMCTL_A_MAX + 1];
	struct netlink_ext_ack extack;
	struct genl_info info;
	struct ksmctl_mark_req mark;
	u32 flags;
};

static struct req *new_req(struct kunit *test)
{
	struct req *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->info.attrs = r->tb;
	r->info.extack = &r->extack;
	return r;
}

static void req_put(struct kunit *test, struct req *r, int type, const void *data,
		int len)
{
	struct nlattr *nla = (struct nlattr *)(r->buf + r->len);

	KUNIT_ASSERT_LE(test, r->len + nla_total_size(len), (int)sizeof(r->buf));
	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memcpy(nla_data(nla), data, len);
	r->len += nla_total_size(len);
}

static void req_put_u16(struct kunit *test, struct req *r, int type, u16 v)
{
	req_put(test, r, type, &v, sizeof(v));
}

static void req_put_u32(struct kunit *test, struct req *r, int type, u32 v)
{
	req_put(test, r, type, &v, sizeof(v));
}

static void req_put_u64(struct kunit *test, struct req *r, int type, u64 v)
{
	req_put(test, r, type, &v, sizeof(v));
}

/* strict validation against @policy, as genetlink does for our commands */
static int req_validate(struct req *r, const struct nla_policy *policy, int maxattr)
{
	return nla_parse(r->tb, maxattr, (struct nlattr *)r->buf, r->len,
			 policy, &r->extack);
}

/* a MARK request through the policy, then parse_mark_req() */
static int mark_parse(struct kunit *test, struct req *r)
{
	KUNIT_ASSERT_EQ(test, req_validate(r, ksmctl_mark_policy,
				       ARRAY_SIZE(ksmctl_mark_policy) - 1), 0);
	return parse_mark_req(&r->info, &r->mark, &r->flags);
}

/* @err is -EINVAL with extack message @msg, pointing at attribute @type */
static void expect_rejected(struct kunit *test, struct req *r, int err,
			    const char *msg, int type)
{
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, r->extack._msg);
	KUNIT_EXPECT_STREQ(test, r->extack._msg, msg);
	KUNIT_ASSERT_NOT_NULL(test, r->extack.bad_attr);
	/* the policy refuses an attribute before it reaches r->tb */
	KUNIT_EXPECT_EQ(test, nla_type(r->extack.bad_attr), type);
}

/* Without attributes, MARK means every class, the whole address space. */
static void mark_defaults(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u32(test, r, KSMCTL_A_PID, 1);
	KUNIT_EXPECT_EQ(test, mark_parse(test, r), 0);
	KUNIT_EXPECT_EQ(test, r->flags, 0U);
	KUNIT_EXPECT_EQ(test, r->mark.classes, (u32)KSMCTL_CLASS_ALL);
	KUNIT_EXPECT_EQ(test, r->mark.start, 0UL);
	KUNIT_EXPECT_EQ(test, r->mark.end, ULONG_MAX);
	KUNIT_EXPECT_NULL(test, r->extack._msg);
}

/* Flags, classes and a range are taken as given. */
static void mark_all_attributes(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u32(test, r, KSMCTL_A_FLAGS, KSMCTL_MARK_F_TREE);
	req_put_u32(test, r, KSMCTL_A_CLASSES, KSMCTL_CLASS_HEAP | KSMCTL_CLASS_STACK);
	req_put_u64(test, r, KSMCTL_A_RANGE_START, 0x10000);
	req_put_u64(test, r, KSMCTL_A_RANGE_END, 0x20000);
	KUNIT_EXPECT_EQ(test, mark_parse(test, r), 0);
	KUNIT_EXPECT_EQ(test, r->flags, (u32)KSMCTL_MARK_F_TREE);
	KUNIT_EXPECT_EQ(test, r->mark.classes,
			(u32)(KSMCTL_CLASS_HEAP | KSMCTL_CLASS_STACK));
	KUNIT_EXPECT_EQ(test, r->mark.start, 0x10000UL);
	KUNIT_EXPECT_EQ(test, r->mark.end, 0x20000UL);
}

/* The range may end beyond the user address space if it starts inside. */
static void mark_range_end_beyond_task_size(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u64(test, r, KSMCTL_A_RANGE_START, TASK_SIZE_MAX - PAGE_SIZE);
	req_put_u64(test, r, KSMCTL_A_RANGE_END, U64_MAX);
	KUNIT_EXPECT_EQ(test, mark_parse(test, r), 0);
	KUNIT_EXPECT_EQ(test, r->mark.start, TASK_SIZE_MAX - PAGE_SIZE);
	/* kept within it: an unsigned long holds it on every architecture */
	KUNIT_EXPECT_EQ(test, r->mark.end, TASK_SIZE_MAX);
}

/* The MARK policy refuses flags it does not know. */
static void mark_unknown_flags(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u32(test, r, KSMCTL_A_FLAGS, KSMCTL_MARK_F_ALL + 1);
	expect_rejected(test, r, req_validate(r, ksmctl_mark_policy,
					      ARRAY_SIZE(ksmctl_mark_policy) - 1),
			"reserved bit set", KSMCTL_A_FLAGS);
}

static void mark_unknown_class(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u32(test, r, KSMCTL_A_CLASSES, KSMCTL_CLASS_HEAP | (KSMCTL_CLASS_ALL + 1));
	expect_rejected(test, r, mark_parse(test, r), "unknown memory class",
			KSMCTL_A_CLASSES);
}

static void mark_zero_class(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u32(test, r, KSMCTL_A_CLASSES, 0);
	expect_rejected(test, r, mark_parse(test, r), "no memory class selected",
			KSMCTL_A_CLASSES);
}

/* A range needs both ends; the error points at the one given. */
static void mark_half_range(struct kunit *test)
{
	struct req *start = new_req(test), *end = new_req(test);

	req_put_u64(test, start, KSMCTL_A_RANGE_START, 0x10000);
	expect_rejected(test, start, mark_parse(test, start),
			"range needs both RANGE_START and RANGE_END",
			KSMCTL_A_RANGE_START);
	req_put_u64(test, end, KSMCTL_A_RANGE_END, 0x10000);
	expect_rejected(test, end, mark_parse(test, end),
			"range needs both RANGE_START and RANGE_END",
			KSMCTL_A_RANGE_END);
}

/* An inverted or empty range is refused, pointing at RANGE_END. */
static void mark_inverted_range(struct kunit *test)
{
	struct req *inverted = new_req(test), *empty = new_req(test);

	req_put_u64(test, inverted, KSMCTL_A_RANGE_START, 0x20000);
	req_put_u64(test, inverted, KSMCTL_A_RANGE_END, 0x10000);
	expect_rejected(test, inverted, mark_parse(test, inverted),
			"range is empty or inverted", KSMCTL_A_RANGE_END);
	req_put_u64(test, empty, KSMCTL_A_RANGE_START, 0x10000);
	req_put_u64(test, empty, KSMCTL_A_RANGE_END, 0x10000);
	expect_rejected(test, empty, mark_parse(test, empty),
			"range is empty or inverted", KSMCTL_A_RANGE_END);
}

static void mark_range_beyond_task_size(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u64(test, r, KSMCTL_A_RANGE_START, TASK_SIZE_MAX);
	req_put_u64(test, r, KSMCTL_A_RANGE_END, U64_MAX);
	expect_rejected(test, r, mark_parse(test, r),
			"range is outside the user address space",
			KSMCTL_A_RANGE_START);
}

/* The MARK policy rejects a FLAGS of the wrong size and unknown attributes. */
static void mark_policy_strict(struct kunit *test)
{
	struct req *short_flags = new_req(test), *unknown = new_req(test);

	req_put_u16(test, short_flags, KSMCTL_A_FLAGS, 0);
	KUNIT_EXPECT_EQ(test, req_validate(short_flags, ksmctl_mark_policy,
				       ARRAY_SIZE(ksmctl_mark_policy) - 1), -EINVAL);
	req_put_u32(test, unknown, KSMCTL_A_MARK, 0);
	KUNIT_EXPECT_EQ(test, req_validate(unknown, ksmctl_mark_policy,
				       ARRAY_SIZE(ksmctl_mark_policy) - 1), -EINVAL);
}

/* GET_STATUS takes FLAGS only, and only 0. */
static void status_flags_zero_only(struct kunit *test)
{
	struct req *pid = new_req(test), *zero = new_req(test);
	struct req *flags = new_req(test);

	req_put_u32(test, pid, KSMCTL_A_PID, 1);
	KUNIT_EXPECT_EQ(test, req_validate(pid, ksmctl_status_policy,
				       ARRAY_SIZE(ksmctl_status_policy) - 1), -EINVAL);
	req_put_u32(test, zero, KSMCTL_A_FLAGS, 0);
	KUNIT_EXPECT_EQ(test, req_validate(zero, ksmctl_status_policy,
				       ARRAY_SIZE(ksmctl_status_policy) - 1), 0);
	req_put_u32(test, flags, KSMCTL_A_FLAGS, 1);
	expect_rejected(test, flags, req_validate(flags, ksmctl_status_policy,
					ARRAY_SIZE(ksmctl_status_policy) - 1),
			"reserved bit set", KSMCTL_A_FLAGS);
}

/* GET_PROC knows its two flags and no other. */
static void proc_flags_known(struct kunit *test)
{
	struct req *known = new_req(test), *unknown = new_req(test);

	req_put_u32(test, known, KSMCTL_A_FLAGS, KSMCTL_PROC_F_ALL);
	req_put_u32(test, known, KSMCTL_A_PID, 1);
	KUNIT_ASSERT_EQ(test, req_validate(known, ksmctl_proc_policy,
				       ARRAY_SIZE(ksmctl_proc_policy) - 1), 0);
	KUNIT_EXPECT_EQ(test, proc_flags(known->tb), (u32)KSMCTL_PROC_F_ALL);

	req_put_u32(test, unknown, KSMCTL_A_FLAGS, KSMCTL_PROC_F_ALL + 1);
	expect_rejected(test, unknown, req_validate(unknown, ksmctl_proc_policy,
					ARRAY_SIZE(ksmctl_proc_policy) - 1),
			"reserved bit set", KSMCTL_A_FLAGS);
}

/* GET_VMAS takes PID only. */
static void vmas_pid_only(struct kunit *test)
{
	struct req *pid = new_req(test), *flags = new_req(test);

	req_put_u32(test, pid, KSMCTL_A_PID, 1);
	KUNIT_EXPECT_EQ(test, req_validate(pid, ksmctl_vmas_policy,
				       ARRAY_SIZE(ksmctl_vmas_policy) - 1), 0);
	req_put_u32(test, flags, KSMCTL_A_FLAGS, 0);
	KUNIT_EXPECT_EQ(test, req_validate(flags, ksmctl_vmas_policy,
				       ARRAY_SIZE(ksmctl_vmas_policy) - 1), -EINVAL);
}

/* Every operation validates its attributes, with its own policy. */
static void every_op_has_a_policy(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ksmctl_genl_ops); i++) {
		const struct genl_ops *op = &ksmctl_genl_ops[i];

		KUNIT_EXPECT_NOT_NULL_MSG(test, op->policy, "command %u", op->cmd);
		KUNIT_EXPECT_GT_MSG(test, op->maxattr, 0U, "command %u", op->cmd);
		KUNIT_EXPECT_LE_MSG(test, op->maxattr, (u32)KSMCTL_A_MAX,
				    "command %u", op->cmd);
	}
}

static struct kunit_case netlink_cases[] = {
	KUNIT_CASE(mark_defaults),
	KUNIT_CASE(mark_all_attributes),
	KUNIT_CASE(mark_range_end_beyond_task_size),
	KUNIT_CASE(mark_unknown_flags),
	KUNIT_CASE(mark_unknown_class),
	KUNIT_CASE(mark_zero_class),
	KUNIT_CASE(mark_half_range),
	KUNIT_CASE(mark_inverted_range),
	KUNIT_CASE(mark_range_beyond_task_size),
	KUNIT_CASE(mark_policy_strict),
	KUNIT_CASE(status_flags_zero_only),
	KUNIT_CASE(proc_flags_known),
	KUNIT_CASE(vmas_pid_only),
	KUNIT_CASE(every_op_has_a_policy),
	{}
};

static struct kunit_suite netlink_suite = {
	.name = "ksmctl_netlink",
	.test_cases = netlink_cases,
};
