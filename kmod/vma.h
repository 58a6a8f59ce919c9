/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a VMA is, for KSM. The tests MARK and the dumps make for every VMA
 * are inline: they run once per VMA of a process, under its mmap lock.
 */
#ifndef _KSMCTL_VMA_H
#define _KSMCTL_VMA_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_types.h>

#include <linux/ksmctl.h>

/*
 * VMAs KSM refuses whatever the caller asks: the test of the kernel's own
 * ksm_madvise(MADV_MERGEABLE) and of PR_SET_MEMORY_MERGE (vma_ksm_compatible)
 */
#define KSM_INCOMPATIBLE_FLAGS (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | \
				VM_DONTEXPAND | VM_HUGETLB | VM_MIXEDMAP |   \
				VM_DROPPABLE | VM_SAO | VM_SPARC_ADI)

/**
 * ksmctl_vma_refusal() - why KSM would refuse this VMA
 * @vma: the VMA, mmap lock held
 *
 * Exactly the checks of the kernel's vma_ksm_compatible() (mm/ksm.c), which
 * ksm_madvise(MADV_MERGEABLE) and PR_SET_MEMORY_MERGE apply, on every
 * kernel ksmctl supports: ksmctl_mark_mm() relies on it to set
 * VM_MERGEABLE without asking ksm_madvise() again.
 *
 * Return: a KSMCTL_SKIP_* reason, or KSMCTL_SKIP_UNSPEC if KSM accepts it.
 */
static inline enum ksmctl_skip ksmctl_vma_refusal(struct vm_area_struct *vma)
{
	unsigned long f = vma->vm_flags;

	if (likely(!(f & KSM_INCOMPATIBLE_FLAGS) && !vma_is_dax(vma)))
		return KSMCTL_SKIP_UNSPEC;
	if (f & (VM_SHARED | VM_MAYSHARE))
		return KSMCTL_SKIP_SHARED;
	if (f & (VM_PFNMAP | VM_IO | VM_MIXEDMAP))
		return KSMCTL_SKIP_IO;
	if (f & VM_HUGETLB)
		return KSMCTL_SKIP_HUGETLB;
	if (vma_is_dax(vma))
		return KSMCTL_SKIP_DAX;
	return KSMCTL_SKIP_SPECIAL;
}

/**
 * ksmctl_vma_eligible() - could KSM merge pages of this VMA?
 * @vma: the VMA, mmap lock held
 *
 * Return: true for the anonymous and private file-backed mappings that
 * madvise(MADV_MERGEABLE) would mark, whether or not they are marked.
 */
static inline bool ksmctl_vma_eligible(struct vm_area_struct *vma)
{
	return !(vma->vm_flags & KSM_INCOMPATIBLE_FLAGS) && !vma_is_dax(vma);
}

static inline bool ksmctl_vma_is_heap(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	return vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk;
}

/* the main stack, or a stack that grows (threads' stacks are plain anon) */
static inline bool ksmctl_vma_is_stack(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_flags & (VM_GROWSDOWN | VM_GROWSUP))
		return true;
	return vma->vm_start <= mm->start_stack &&
	       vma->vm_end >= mm->start_stack;
}

/**
 * ksmctl_vma_in_classes() - is the VMA of one of these classes?
 * @vma: the VMA, mmap lock held
 * @classes: KSMCTL_CLASS_* mask
 */
static inline bool ksmctl_vma_in_classes(struct vm_area_struct *vma,
					 u32 classes)
{
	if (vma->vm_file)
		return classes & KSMCTL_CLASS_FILE;
	if (classes & KSMCTL_CLASS_ANON)
		return true;
	if ((classes & KSMCTL_CLASS_HEAP) && ksmctl_vma_is_heap(vma))
		return true;
	return (classes & KSMCTL_CLASS_STACK) && ksmctl_vma_is_stack(vma);
}

u32 ksmctl_vma_flags(struct vm_area_struct *vma);
const char *ksmctl_vma_name(struct vm_area_struct *vma, char *buf, int len);

#endif /* _KSMCTL_VMA_H */
