// SPDX-License-Identifier: GPL-2.0
/* KUnit: the classification and names of VMAs (vma.c) */

#include <kunit/test.h>
#include <linux/mm.h>

#include "../vma.h"
#include "fake_vma.h"

/*
 * why KSM refuses @vma, as the int a KSMCTL_SKIP_* constant is (KUnit
 * compares values of one type)
 */
static int refusal(struct vm_area_struct *vma)
{
	return ksmctl_vma_refusal(vma);
}

/* Private anonymous memory is what KSM merges. */
static void refusal_anon_private(struct kunit *test)
{
	struct vm_area_struct *vma = anon_vma_with(test, 0);

	KUNIT_EXPECT_EQ(test, refusal(vma), KSMCTL_SKIP_UNSPEC);
	KUNIT_EXPECT_TRUE(test, ksmctl_vma_eligible(vma));
}

/* Private file mappings too (their anonymous copies of pages). */
static void refusal_file_private(struct kunit *test)
{
	struct vm_area_struct *vma = fake_vma(test, fake_mm(test), FAKE_PLAIN_START,
					      FAKE_PLAIN_END, FAKE_RW, fake_file(test));

	KUNIT_EXPECT_EQ(test, refusal(vma), KSMCTL_SKIP_UNSPEC);
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

	KUNIT_EXPECT_EQ(test, refusal(shared), KSMCTL_SKIP_SHARED);
	KUNIT_EXPECT_EQ(test, refusal(mayshare), KSMCTL_SKIP_SHARED);
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_eligible(shared));
}

/* PFN, I/O and mixed mappings are device memory. */
static void refusal_io(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test, VM_PFNMAP)),
			KSMCTL_SKIP_IO);
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test, VM_IO)),
			KSMCTL_SKIP_IO);
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test, VM_MIXEDMAP)),
			KSMCTL_SKIP_IO);
	KUNIT_EXPECT_FALSE(test, ksmctl_vma_eligible(anon_vma_with(test, VM_IO)));
}

static void refusal_hugetlb(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test, VM_HUGETLB)),
			KSMCTL_SKIP_HUGETLB);
}

/* VM_DONTEXPAND (vdso, vvar...) is refused as "special". */
static void refusal_dontexpand(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test, VM_DONTEXPAND)),
			KSMCTL_SKIP_SPECIAL);
}

/* With several reasons, the first of shared, I/O, hugetlb, special wins. */
static void refusal_first_reason(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test,
			VM_SHARED | VM_PFNMAP | VM_HUGETLB)), KSMCTL_SKIP_SHARED);
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test,
			VM_PFNMAP | VM_HUGETLB | VM_DONTEXPAND)), KSMCTL_SKIP_IO);
	KUNIT_EXPECT_EQ(test, refusal(anon_vma_with(test,
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

static struct kunit_suite vma_suite = {
	.name = "ksmctl_vma",
	.test_cases = vma_cases,
};
