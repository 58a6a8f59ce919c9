/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_MARK_H
#define _KSMCTL_MARK_H

#include <linux/mm_types.h>
#include <linux/ksmctl.h>

/**
 * struct ksmctl_mark_req - what to mark or unmark in one process
 * @unmark: take VM_MERGEABLE away and unmerge, instead of setting it
 * @start: only VMAs wholly inside [@start, @end)
 * @end: see @start (ULONG_MAX: no limit)
 * @classes: KSMCTL_CLASS_* mask
 */
struct ksmctl_mark_req {
	bool unmark;
	unsigned long start, end;
	u32 classes;
	bool set_any;		/* and give the mm back its merge-any flag */
	bool clear_any;		/* first clear it (a never rule) */
	bool (*stop)(void);	/* true: stop now, as at a signal (or NULL) */
};

/**
 * struct ksmctl_mark_res - what was done, accumulated over processes
 */
struct ksmctl_mark_res {
	u32 processes;
	u32 failed_processes;
	u32 vmas;
	u64 bytes;
	u32 already_vmas;
	u64 already_bytes;
	u32 skipped[KSMCTL_SKIP_MAX + 1];
	bool interrupted;
	bool any_set;		/* the merge-any flag was clear, and is set */
	bool any_cleared;	/* the merge-any flag was set, and is clear */
};

int ksmctl_mark_mm(struct mm_struct *mm, const struct ksmctl_mark_req *rq,
		   struct ksmctl_mark_res *res);

#endif /* _KSMCTL_MARK_H */
