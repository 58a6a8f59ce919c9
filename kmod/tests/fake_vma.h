/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake mms and VMAs for the KUnit suites: zeroed and filled in by hand,
 * never linked into anything, freed with the test.
 */
#ifndef _KSMCTL_FAKE_VMA_H
#define _KSMCTL_FAKE_VMA_H

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/mm.h>

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

#endif /* _KSMCTL_FAKE_VMA_H */
