/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_WALK_H
#define _KSMCTL_WALK_H

#include <linux/mm_types.h>

/**
 * struct ksmctl_walk - what a page-table walk found
 * @ksm_ptes: present PTEs mapping KSM pages
 * @prop_fp: proportional saving in pages, fixed point with 32 fraction bits:
 *	each PTE of a KSM page mapped n times adds (n - 1) / n
 */
struct ksmctl_walk {
	u64 ksm_ptes;
	u64 prop_fp;
};

#define KSMCTL_PROP_SHIFT 32

int ksmctl_walk_vma(struct vm_area_struct *vma, struct ksmctl_walk *w);
u64 ksmctl_prop_fp_one(unsigned int mapcount);
u64 ksmctl_prop_bytes(u64 prop_fp);

#endif /* _KSMCTL_WALK_H */
