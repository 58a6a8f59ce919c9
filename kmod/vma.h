/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_VMA_H
#define _KSMCTL_VMA_H

#include <linux/mm_types.h>

#include <linux/ksmctl.h>

bool ksmctl_vma_eligible(struct vm_area_struct *vma);
enum ksmctl_skip ksmctl_vma_refusal(struct vm_area_struct *vma);
bool ksmctl_vma_in_classes(struct vm_area_struct *vma, u32 classes);
bool ksmctl_vma_is_heap(struct vm_area_struct *vma);
bool ksmctl_vma_is_stack(struct vm_area_struct *vma);
u32 ksmctl_vma_flags(struct vm_area_struct *vma);
const char *ksmctl_vma_name(struct vm_area_struct *vma, char *buf, int len);

#endif /* _KSMCTL_VMA_H */
