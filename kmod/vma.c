// SPDX-License-Identifier: GPL-2.0
/*
 * What a VMA is, for KSM: the flags GET_VMAS reports and the name
 * /proc/PID/maps would show (the per-VMA tests are inline, in vma.h).
 * Called with the mmap lock held.
 */

#include <linux/fs.h>
#include <linux/mm.h>

#include <linux/ksmctl.h>

#include "vma.h"

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
