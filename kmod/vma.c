// SPDX-License-Identifier: GPL-2.0
/*
 * What a VMA is, for KSM: can it be merged, which class it belongs to, and
 * the name /proc/PID/maps would show. Called with the mmap lock held.
 */

#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/mm.h>

#include <linux/ksmctl.h>

#include "vma.h"

/*
 * VMAs KSM refuses whatever the caller asks: the test of the kernel's own
 * ksm_madvise(MADV_MERGEABLE) and of PR_SET_MEMORY_MERGE (vma_ksm_compatible)
 */
#define KSM_INCOMPATIBLE_FLAGS (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | \
				VM_DONTEXPAND | VM_HUGETLB | VM_MIXEDMAP |   \
				VM_DROPPABLE | VM_SAO | VM_SPARC_ADI)

/**
 * ksmctl_vma_eligible() - could KSM merge pages of this VMA?
 * @vma: the VMA, mmap lock held
 *
 * Return: true for the anonymous and private file-backed mappings that
 * madvise(MADV_MERGEABLE) would mark, whether or not they are marked.
 */
bool ksmctl_vma_eligible(struct vm_area_struct *vma)
{
	return ksmctl_vma_refusal(vma) == KSMCTL_SKIP_UNSPEC;
}

/**
 * ksmctl_vma_refusal() - why KSM would refuse this VMA
 * @vma: the VMA, mmap lock held
 *
 * Return: a KSMCTL_SKIP_* reason, or KSMCTL_SKIP_UNSPEC if KSM accepts it.
 */
enum ksmctl_skip ksmctl_vma_refusal(struct vm_area_struct *vma)
{
	unsigned long f = vma->vm_flags;

	if (f & (VM_SHARED | VM_MAYSHARE))
		return KSMCTL_SKIP_SHARED;
	if (f & (VM_PFNMAP | VM_IO | VM_MIXEDMAP))
		return KSMCTL_SKIP_IO;
	if (f & VM_HUGETLB)
		return KSMCTL_SKIP_HUGETLB;
	if (vma_is_dax(vma))
		return KSMCTL_SKIP_DAX;
	if (f & KSM_INCOMPATIBLE_FLAGS)
		return KSMCTL_SKIP_SPECIAL;
	return KSMCTL_SKIP_UNSPEC;
}

/**
 * ksmctl_vma_in_classes() - is the VMA of one of these classes?
 * @vma: the VMA, mmap lock held
 * @classes: KSMCTL_CLASS_* mask
 */
bool ksmctl_vma_in_classes(struct vm_area_struct *vma, u32 classes)
{
	if (vma->vm_file)
		return classes & KSMCTL_CLASS_FILE;
	if (classes & KSMCTL_CLASS_ANON)
		return true;
	if ((classes & KSMCTL_CLASS_HEAP) && ksmctl_vma_is_heap(vma))
		return true;
	return (classes & KSMCTL_CLASS_STACK) && ksmctl_vma_is_stack(vma);
}

bool ksmctl_vma_is_heap(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	return vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk;
}

/* the main stack, or a stack that grows (threads' stacks are plain anon) */
bool ksmctl_vma_is_stack(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_flags & (VM_GROWSDOWN | VM_GROWSUP))
		return true;
	return vma->vm_start <= mm->start_stack &&
	       vma->vm_end >= mm->start_stack;
}

u32 ksmctl_vma_flags(struct vm_area_struct *vma)
{
	u32 f = 0;

	if (vma->vm_flags & VM_MERGEABLE)
		f |= KSMCTL_VMA_F_MERGEABLE;
	if (ksmctl_vma_eligible(vma))
		f |= KSMCTL_VMA_F_ELIGIBLE;
	if (vma_is_anonymous(vma))
		f |= KSMCTL_VMA_F_ANON;
	if (vma->vm_file)
		f |= KSMCTL_VMA_F_FILE;
	if (vma->vm_flags & VM_SHARED)
		f |= KSMCTL_VMA_F_SHARED;
	if (!vma->vm_file && ksmctl_vma_is_heap(vma))
		f |= KSMCTL_VMA_F_HEAP;
	if (!vma->vm_file && ksmctl_vma_is_stack(vma))
		f |= KSMCTL_VMA_F_STACK;
	if (vma->vm_flags & VM_READ)
		f |= KSMCTL_VMA_F_READ;
	if (vma->vm_flags & VM_WRITE)
		f |= KSMCTL_VMA_F_WRITE;
	if (vma->vm_flags & VM_EXEC)
		f |= KSMCTL_VMA_F_EXEC;
	return f;
}

/**
 * ksmctl_vma_name() - the name /proc/PID/maps shows for a VMA
 * @vma: the VMA, mmap lock held
 * @buf: space for a file path
 * @len: size of @buf
 *
 * Return: the path of the mapped file, "[heap]", "[stack]", the special
 * mapping's own name ("[vdso]"...), or NULL for plain anonymous memory.
 */
const char *ksmctl_vma_name(struct vm_area_struct *vma, char *buf, int len)
{
	if (vma->vm_file) {
		char *p = d_path(&vma->vm_file->f_path, buf, len);

		return IS_ERR(p) ? "?" : p;
	}
	if (vma->vm_ops && vma->vm_ops->name) {
		const char *name = vma->vm_ops->name(vma);

		if (name)
			return name;
	}
	if (ksmctl_vma_is_heap(vma))
		return "[heap]";
	if (ksmctl_vma_is_stack(vma))
		return "[stack]";
	return NULL;
}
