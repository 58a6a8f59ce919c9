// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ksmctl's in-kernel logic: the proportional-saving
 * arithmetic, the classification of VMAs, the validation of requests and
 * the subtrees of a process-tree snapshot.
 *
 * Built as ksmctl_kunit.ko when the target kernel has CONFIG_KUNIT, and run
 * by the rig's tests/selftests/kunit.sh: the suites run at insmod. The
 * functions under test are internal to ksmctl.ko, some static, so kmod/Kbuild
 * makes the test module one translation unit: tests/ksmctl_kunit.h, every
 * source of ksmctl.ko but main.c (given to the compiler with -include, in
 * ksmctl-y order), then this file. ksmctl.ko exports nothing for it, and
 * nothing here registers the family or touches a real process: the VMAs
 * and mms are fakes, zeroed and filled in by hand.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "../mark.h"
#include "../netlink.h"
#include "../ptree.h"
#include "../vma.h"
#include "../walk.h"

/* --- proportional saving (walk.c) --- */

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

/* --- fake mms and VMAs --- */

#define FAKE_HEAP_START	0x01000000UL
#define FAKE_HEAP_END	0x01021000UL
#define FAKE_STACK_START	0x7ffffffde000UL
#define FAKE_STACK_END	0x7ffffffff000UL
#define FAKE_PLAIN_START	0x7f0000000000UL
#define FAKE_PLAIN_END	0x7f0000010000UL

static struct mm_struct *fake_mm(struct kunit *test)
{
	struct mm_struct *mm = kunit_kzalloc(test, sizeof(*mm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mm);
	mm->start_brk = FAKE_HEAP_START;
	mm->brk = FAKE_HEAP_END;
	mm->start_stack = FAKE_STACK_END - 0x100;
	return mm;
}

/* a regular file, not DAX, that nothing else looks into */
static struct file *fake_file(struct kunit *test)
{
	struct address_space *mapping;
	struct inode *inode;
	struct file *file;

	inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	mapping = kunit_kzalloc(test, sizeof(*mapping), GFP_KERNEL);
	file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	KUNIT_ASSERT_NOT_NULL(test, mapping);
	KUNIT_ASSERT_NOT_NULL(test, file);
	inode->i_mode = S_IFREG | 0644;
	inode->i_mapping = mapping;
	mapping->host = inode;
	file->f_inode = inode;
	file->f_mapping = mapping;
	return file;
}

/* what vma_init() gives a file VMA (its own dummy ops are not exported on 6.12) */
static const struct vm_operations_struct fake_file_vm_ops;

/* a VMA of @mm, anonymous unless @file is given; never linked into @mm */
static struct vm_area_struct *fake_vma(struct kunit *test,
				       struct mm_struct *mm,
				       unsigned long start, unsigned long end,
				       unsigned long flags, struct file *file)
{
	struct vm_area_struct *vma = kunit_kzalloc(test, sizeof(*vma), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vma);
	vma->vm_mm = mm;
	vma->vm_ops = &fake_file_vm_ops;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	vma->vm_start = start;
	vma->vm_end = end;
#ifdef COMPAT_HAS_VM_FLAGS_SET
	vm_flags_init(vma, flags);
#else
	vma->vm_flags = flags;
#endif
	if (file)
		vma->vm_file = file;
	else
		vma_set_anonymous(vma);
	return vma;
}

#define FAKE_RW	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE)

static struct vm_area_struct *anon_vma_with(struct kunit *test,
					    unsigned long flags)
{
	return fake_vma(test, fake_mm(test), FAKE_PLAIN_START, FAKE_PLAIN_END,
			FAKE_RW | flags, NULL);
}

/* A VMA without an anon_vma maps no KSM page: nothing is walked. */
static void walk_vma_without_anon_vma(struct kunit *test)
{
	struct ksmctl_walk w = { .ksm_ptes = 7, .prop_fp = 9 };

	KUNIT_EXPECT_EQ(test, ksmctl_walk_vma(anon_vma_with(test, 0), &w), 0);
	KUNIT_EXPECT_EQ(test, w.ksm_ptes, 7ULL);
	KUNIT_EXPECT_EQ(test, w.prop_fp, 9ULL);
}

/* --- VMA classification (vma.c) --- */

/* Private anonymous memory is what KSM merges. */
static void refusal_anon_private(struct kunit *test)
{
	struct vm_area_struct *vma = anon_vma_with(test, 0);

	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(vma), KSMCTL_SKIP_UNSPEC);
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_eligible(vma));
}

/* Private file mappings too (their anonymous copies of pages). */
static void refusal_file_private(struct kunit *test)
{
	struct vm_area_struct *vma = fake_vma(test, fake_mm(test), FAKE_PLAIN_START,
					      FAKE_PLAIN_END, FAKE_RW, fake_file(test));

	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(vma), KSMCTL_SKIP_UNSPEC);
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_eligible(vma));
}

/* A VMA that is already mergeable stays eligible. */
static void refusal_mergeable(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_eligible(anon_vma_with(test, VM_MERGEABLE)));
}

/* Shared mappings, even read-only ones (VM_MAYSHARE only), are refused. */
static void refusal_shared(struct kunit *test)
{
	struct vm_area_struct *shared = anon_vma_with(test, VM_SHARED | VM_MAYSHARE);
	struct vm_area_struct *mayshare = anon_vma_with(test, VM_MAYSHARE);

	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(shared), KSMCTL_SKIP_SHARED);
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(mayshare), KSMCTL_SKIP_SHARED);
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_eligible(shared));
}

/* PFN, I/O and mixed mappings are device memory. */
static void refusal_io(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test, VM_PFNMAP)),
			KSMCTL_SKIP_IO);
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test, VM_IO)),
			KSMCTL_SKIP_IO);
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test, VM_MIXEDMAP)),
			KSMCTL_SKIP_IO);
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_eligible(anon_vma_with(test, VM_IO)));
}

static void refusal_hugetlb(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test, VM_HUGETLB)),
			KSMCTL_SKIP_HUGETLB);
}

/* VM_DONTEXPAND (vdso, vvar...) is refused as "special". */
static void refusal_dontexpand(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test, VM_DONTEXPAND)),
			KSMCTL_SKIP_SPECIAL);
}

/* With several reasons, the first of shared, I/O, hugetlb, special wins. */
static void refusal_first_reason(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test,
			VM_SHARED | VM_PFNMAP | VM_HUGETLB)), KSMCTL_SKIP_SHARED);
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test,
			VM_PFNMAP | VM_HUGETLB | VM_DONTEXPAND)), KSMCTL_SKIP_IO);
	KUNIT_EXPECT_EQ(test, ksmctl_vma_refusal(anon_vma_with(test,
			VM_HUGETLB | VM_DONTEXPAND)), KSMCTL_SKIP_HUGETLB);
}

/* The heap is the VMA that overlaps [start_brk, brk]. */
static void heap_range(struct kunit *test)
{
	struct mm_struct *mm = fake_mm(test);

	KUNIT_EXPECT_TRUE(test, ksmctl_vma_is_heap(fake_vma(test, mm,
			FAKE_HEAP_START, FAKE_HEAP_END, FAKE_RW, NULL)));
	/* grown past brk (brk rounds up to the page) */
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_is_heap(fake_vma(test, mm,
			FAKE_HEAP_START, FAKE_HEAP_END + PAGE_SIZE, FAKE_RW, NULL)));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_is_heap(fake_vma(test, mm,
			FAKE_HEAP_START - 4 * PAGE_SIZE, FAKE_HEAP_START - PAGE_SIZE, FAKE_RW, NULL)));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_is_heap(fake_vma(test, mm,
			FAKE_HEAP_END + PAGE_SIZE, FAKE_HEAP_END + 2 * PAGE_SIZE, FAKE_RW, NULL)));
}

/* A stack is the VMA holding start_stack, or one that grows. */
static void stack_range(struct kunit *test)
{
	struct mm_struct *mm = fake_mm(test);

	KUNIT_EXPECT_TRUE(test, ksmctl_vma_is_stack(fake_vma(test, mm,
			FAKE_STACK_START, FAKE_STACK_END, FAKE_RW, NULL)));
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_is_stack(fake_vma(test, mm,
			FAKE_PLAIN_START, FAKE_PLAIN_END, FAKE_RW | VM_GROWSDOWN, NULL)));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_is_stack(fake_vma(test, mm,
			FAKE_PLAIN_START, FAKE_PLAIN_END, FAKE_RW, NULL)));
}

/* A file mapping is of class FILE only, even inside the heap's range. */
static void classes_file(struct kunit *test)
{
	struct vm_area_struct *vma = fake_vma(test, fake_mm(test), FAKE_HEAP_START,
					      FAKE_HEAP_END, FAKE_RW, fake_file(test));

	KUNIT_EXPECT_TRUE(test, ksmctl_vma_in_classes(vma, KSMCTL_CLASS_FILE));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(vma, KSMCTL_CLASS_ANON |
			   KSMCTL_CLASS_HEAP | KSMCTL_CLASS_STACK));
}

/* Plain anonymous memory is ANON, not HEAP, STACK or FILE. */
static void classes_anon(struct kunit *test)
{
	struct vm_area_struct *vma = anon_vma_with(test, 0);

	KUNIT_EXPECT_TRUE(test, ksmctl_vma_in_classes(vma, KSMCTL_CLASS_ANON));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(vma, KSMCTL_CLASS_HEAP));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(vma, KSMCTL_CLASS_STACK));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(vma, KSMCTL_CLASS_FILE));
}

/* The heap and the stack are each their own class, and ANON covers both. */
static void classes_heap_stack(struct kunit *test)
{
	struct mm_struct *mm = fake_mm(test);
	struct vm_area_struct *heap = fake_vma(test, mm, FAKE_HEAP_START, FAKE_HEAP_END, FAKE_RW, NULL);
	struct vm_area_struct *stack = fake_vma(test, mm, FAKE_STACK_START, FAKE_STACK_END, FAKE_RW, NULL);

	KUNIT_EXPECT_TRUE(test, ksmctl_vma_in_classes(heap, KSMCTL_CLASS_HEAP));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(heap, KSMCTL_CLASS_STACK));
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_in_classes(stack, KSMCTL_CLASS_STACK));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(stack, KSMCTL_CLASS_HEAP));
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_in_classes(heap, KSMCTL_CLASS_ANON));
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_in_classes(stack, KSMCTL_CLASS_ANON));
}

/* No class selected: nothing matches. */
static void classes_none(struct kunit *test)
{
	struct mm_struct *mm = fake_mm(test);

	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(fake_vma(test, mm,
			FAKE_HEAP_START, FAKE_HEAP_END, FAKE_RW, NULL), 0));
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_in_classes(fake_vma(test, mm,
			FAKE_PLAIN_START, FAKE_PLAIN_END, FAKE_RW, fake_file(test)), 0));
}

static void flags_heap(struct kunit *test)
{
	struct vm_area_struct *vma = fake_vma(test, fake_mm(test), FAKE_HEAP_START,
					      FAKE_HEAP_END, FAKE_RW, NULL);

	KUNIT_EXPECT_EQ(test, ksmctl_vma_flags(vma),
			(u32)(KSMCTL_VMA_F_ELIGIBLE | KSMCTL_VMA_F_ANON |
			      KSMCTL_VMA_F_HEAP | KSMCTL_VMA_F_READ |
			      KSMCTL_VMA_F_WRITE));
}

static void flags_mergeable_stack(struct kunit *test)
{
	struct vm_area_struct *vma = fake_vma(test, fake_mm(test), FAKE_STACK_START,
					      FAKE_STACK_END, FAKE_RW | VM_MERGEABLE, NULL);

	KUNIT_EXPECT_EQ(test, ksmctl_vma_flags(vma),
			(u32)(KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ELIGIBLE |
			      KSMCTL_VMA_F_ANON | KSMCTL_VMA_F_STACK |
			      KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE));
}

/* A shared executable file mapping in the heap's range: not heap, not eligible. */
static void flags_shared_file(struct kunit *test)
{
	struct vm_area_struct *vma = fake_vma(test, fake_mm(test), FAKE_HEAP_START,
					      FAKE_HEAP_END, VM_READ | VM_EXEC |
					      VM_SHARED | VM_MAYSHARE,
					      fake_file(test));

	KUNIT_EXPECT_EQ(test, ksmctl_vma_flags(vma),
			(u32)(KSMCTL_VMA_F_FILE | KSMCTL_VMA_F_SHARED |
			      KSMCTL_VMA_F_READ | KSMCTL_VMA_F_EXEC));
}

static const char *special_name(struct vm_area_struct *vma)
{
	return "[special]";
}

static const struct vm_operations_struct special_ops = {
	.name = special_name,
};

/* Anonymous VMAs are named as /proc/PID/maps names them. */
static void vma_name_anon(struct kunit *test)
{
	struct mm_struct *mm = fake_mm(test);
	struct vm_area_struct *special;
	char buf[16];

	KUNIT_EXPECT_STREQ(test, ksmctl_vma_name(fake_vma(test, mm, FAKE_HEAP_START,
			   FAKE_HEAP_END, FAKE_RW, NULL), buf, sizeof(buf)), "[heap]");
	KUNIT_EXPECT_STREQ(test, ksmctl_vma_name(fake_vma(test, mm, FAKE_STACK_START,
			   FAKE_STACK_END, FAKE_RW, NULL), buf, sizeof(buf)), "[stack]");
	KUNIT_EXPECT_NULL(test, ksmctl_vma_name(fake_vma(test, mm, FAKE_PLAIN_START,
			  FAKE_PLAIN_END, FAKE_RW, NULL), buf, sizeof(buf)));
	special = fake_vma(test, mm, FAKE_PLAIN_START, FAKE_PLAIN_END, VM_READ, NULL);
	special->vm_ops = &special_ops;
	KUNIT_EXPECT_STREQ(test, ksmctl_vma_name(special, buf, sizeof(buf)),
			   "[special]");
}

/* --- request validation (nl_mark.c, nl_proc.c, netlink.c) --- */

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
	KUNIT_EXPECT_NOT_NULL(test, r->extack.bad_attr);
	KUNIT_EXPECT_PTR_EQ(test, r->extack.bad_attr, (const struct nlattr *)r->tb[type]);
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

static void mark_unknown_flags(struct kunit *test)
{
	struct req *r = new_req(test);

	req_put_u32(test, r, KSMCTL_A_FLAGS, KSMCTL_MARK_F_ALL + 1);
	expect_rejected(test, r, mark_parse(test, r),
			"unknown flags for MARK/UNMARK", KSMCTL_A_FLAGS);
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
	struct req *pid = new_req(test), *flags = new_req(test);

	req_put_u32(test, pid, KSMCTL_A_PID, 1);
	KUNIT_EXPECT_EQ(test, req_validate(pid, ksmctl_status_policy,
				       ARRAY_SIZE(ksmctl_status_policy) - 1), -EINVAL);
	req_put_u32(test, flags, KSMCTL_A_FLAGS, 1);
	KUNIT_ASSERT_EQ(test, req_validate(flags, ksmctl_status_policy,
				       ARRAY_SIZE(ksmctl_status_policy) - 1), 0);
	/* rejected before any reply is built: no skb needed */
	expect_rejected(test, flags, ksmctl_nl_get_status(NULL, &flags->info),
			"unknown flags for GET_STATUS", KSMCTL_A_FLAGS);
}

/* GET_PROC knows its two flags and no other. */
static void proc_flags_known(struct kunit *test)
{
	struct req *known = new_req(test), *unknown = new_req(test);
	u32 flags;

	req_put_u32(test, known, KSMCTL_A_FLAGS, KSMCTL_PROC_F_ALL);
	req_put_u32(test, known, KSMCTL_A_PID, 1);
	KUNIT_ASSERT_EQ(test, req_validate(known, ksmctl_proc_policy,
				       ARRAY_SIZE(ksmctl_proc_policy) - 1), 0);
	KUNIT_EXPECT_EQ(test, check_proc_flags(known->tb, &known->extack, &flags), 0);
	KUNIT_EXPECT_EQ(test, flags, (u32)KSMCTL_PROC_F_ALL);

	req_put_u32(test, unknown, KSMCTL_A_FLAGS, KSMCTL_PROC_F_ALL + 1);
	KUNIT_ASSERT_EQ(test, req_validate(unknown, ksmctl_proc_policy,
				       ARRAY_SIZE(ksmctl_proc_policy) - 1), 0);
	expect_rejected(test, unknown,
			check_proc_flags(unknown->tb, &unknown->extack, &flags),
			"unknown flags for GET_PROC", KSMCTL_A_FLAGS);
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

/* --- subtrees of a process-tree snapshot (ptree.c) --- */

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
	KUNIT_EXPECT_EQ(test, bitmap_weight(in, n), n - 1);
	KUNIT_EXPECT_TRUE(test, test_bit(n - 1, in));
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

static struct kunit_case vma_cases[] = {
	KUNIT_CASE(refusal_anon_private),
	KUNIT_CASE(refusal_file_private),
	KUNIT_CASE(refusal_mergeable),
	KUNIT_CASE(refusal_shared),
	KUNIT_CASE(refusal_io),
	KUNIT_CASE(refusal_hugetlb),
	KUNIT_CASE(refusal_dontexpand),
	KUNIT_CASE(refusal_first_reason),
	KUNIT_CASE(heap_range),
	KUNIT_CASE(stack_range),
	KUNIT_CASE(classes_file),
	KUNIT_CASE(classes_anon),
	KUNIT_CASE(classes_heap_stack),
	KUNIT_CASE(classes_none),
	KUNIT_CASE(flags_heap),
	KUNIT_CASE(flags_mergeable_stack),
	KUNIT_CASE(flags_shared_file),
	KUNIT_CASE(vma_name_anon),
	{}
};

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

static struct kunit_case ptree_cases[] = {
	KUNIT_CASE(ptree_subtree_descendants),
	KUNIT_CASE(ptree_parent_after_child),
	KUNIT_CASE(ptree_reused_number),
	KUNIT_CASE(ptree_deep_chain),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "ksmctl_walk",
	.test_cases = walk_cases,
};

static struct kunit_suite vma_suite = {
	.name = "ksmctl_vma",
	.test_cases = vma_cases,
};

static struct kunit_suite netlink_suite = {
	.name = "ksmctl_netlink",
	.test_cases = netlink_cases,
};

static struct kunit_suite ptree_suite = {
	.name = "ksmctl_ptree",
	.test_cases = ptree_cases,
};

kunit_test_suites(&walk_suite, &vma_suite, &netlink_suite, &rules_suite,
		  &ptree_suite);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("KUnit tests of ksmctl");
