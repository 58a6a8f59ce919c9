// SPDX-License-Identifier: GPL-2.0
/*
 * Marking another process's VMAs mergeable, and back.
 *
 * The kernel's own madvise(MADV_MERGEABLE) path does two things: ask
 * ksm_madvise() (which registers the mm with ksmd, or unmerges pages) and
 * store the flags it returns in the VMA. We do the same, under the target's
 * mmap write lock, for whole VMAs only: no VMA is split. Once the mm is
 * registered, ksm_madvise(MADV_MERGEABLE) would only repeat the checks
 * ksmctl_vma_refusal() made, so the flag is set directly, as
 * PR_SET_MEMORY_MERGE does. The lock is dropped whenever someone waits for
 * it or for the CPU, and every UNMERGE_CHUNK bytes of unmerging, so a
 * process with a huge address space is never stalled for long, and a
 * signal stops the work between VMAs.
 */

#include <linux/ksm.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "mark.h"
#include "vma.h"
#include "walk.h"

#define UNMERGE_CHUNK	(1UL << 20)	/* bytes unmerged per hold */

struct mark_range {
	unsigned long start, end;
};

/* the VMA ranges UNMARK has cleared, to unmerge after */
struct ranges {
	struct mark_range *r;
	unsigned int n, cap;
};

static int ranges_add(struct ranges *rs, unsigned long start,
		      unsigned long end)
{
	if (rs->n && rs->r[rs->n - 1].end == start) {
		rs->r[rs->n - 1].end = end;
		return 0;
	}
	if (rs->n == rs->cap) {
		unsigned int cap = rs->cap ? rs->cap * 2 : 16;
		struct mark_range *r = kvmalloc_array(cap, sizeof(*r), GFP_KERNEL);

		if (!r)
			return -ENOMEM;
		if (rs->n)
			memcpy(r, rs->r, rs->n * sizeof(*r));
		kvfree(rs->r);
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n++] = (struct mark_range){ start, end };
	return 0;
}

/* a signal to the caller, or (the rules' thread) the module going away */
static bool stop_requested(const struct ksmctl_mark_req *rq)
{
	return signal_pending(current) || (rq->stop && rq->stop());
}

/*
 * Let go of the mmap lock now? Yes when a signal is pending, when another
 * task waits for the lock (the target's own page faults, a reader of its
 * /proc files, ksmd) or when the CPU is wanted elsewhere, as the kernel's
 * own long walks do. Otherwise holding on costs no one anything, and each
 * drop costs a lock round trip.
 */
static bool should_yield(struct mm_struct *mm, const struct ksmctl_mark_req *rq)
{
	return need_resched() || mmap_lock_is_contended(mm) || stop_requested(rq);
}

/* Mark or unmark one VMA; the mmap write lock is held. */
static int mark_vma(struct vm_area_struct *vma, const struct ksmctl_mark_req *rq,
		    struct ksmctl_mark_res *res, struct ranges *cleared)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	enum ksmctl_skip why;
	vm_flags_t flags;
	int err;

	if (vma->vm_start < rq->start || vma->vm_end > rq->end) {
		res->skipped[KSMCTL_SKIP_RANGE]++;
		return 0;
	}
	why = ksmctl_vma_refusal(vma);
	if (why != KSMCTL_SKIP_UNSPEC) {
		res->skipped[why]++;
		return 0;
	}
	if (!ksmctl_vma_in_classes(vma, rq->classes)) {
		res->skipped[KSMCTL_SKIP_CLASS]++;
		return 0;
	}
	if (!!(vma->vm_flags & VM_MERGEABLE) == !rq->unmark) {
		res->already_vmas++;
		res->already_bytes += size;
		/*
		 * Unmergeable, but still mapping merged pages (an earlier
		 * UNMARK was interrupted): copy those back too.
		 */
		if (rq->unmark) {
			struct ksmctl_walk w = { 0 };

			err = ksmctl_walk_vma(vma, &w);
			if (!err && w.ksm_ptes)
				err = ranges_add(cleared, vma->vm_start,
						 vma->vm_end);
			return err;
		}
		return 0;
	}

	if (rq->unmark) {
		/*
		 * ksmd stops merging here at once; the pages already merged
		 * are copied back afterwards, in steps (unmerge_ranges()).
		 */
		err = ranges_add(cleared, vma->vm_start, vma->vm_end);
		if (err)
			return err;
		ksmctl_vma_clear_mergeable(vma);
	} else if (ksmctl_mm_ksm_entered(vma->vm_mm)) {
		/*
		 * All ksm_madvise(MADV_MERGEABLE) would do: its checks are
		 * those of ksmctl_vma_refusal() above, and the mm is already
		 * registered with ksmd. Tested for each VMA: ksmd may
		 * unregister an mm while we do not hold its lock.
		 */
		ksmctl_vma_set_mergeable(vma);
	} else {
		/* the first VMA: ksm_madvise() registers the mm (__ksm_enter) */
		flags = vma->vm_flags;
		err = ksm_madvise(vma, vma->vm_start, vma->vm_end,
				  MADV_MERGEABLE, &flags);
		if (err)
			return err;
		if (!(flags & VM_MERGEABLE)) {	/* KSM refused it after all */
			res->skipped[KSMCTL_SKIP_SPECIAL]++;
			return 0;
		}
		ksmctl_vma_set_mergeable(vma);
	}
	res->vmas++;
	res->bytes += size;
	return 0;
}

/*
 * An UNMARK stopped before it copied every merged page back: mark again
 * the VMAs from @addr in range @from on, so that none is left unmarked
 * with pages still merged. (madvise(MADV_UNMERGEABLE) interrupted by a
 * signal likewise leaves its VMAs mergeable.) Their count and size are
 * taken off what the reply says was unmarked.
 */
static void remark_ranges(struct mm_struct *mm, const struct ranges *rs,
			  unsigned int from, unsigned long addr,
			  struct ksmctl_mark_res *res)
{
	struct vm_area_struct *vma;
	unsigned int i;

	/* not killable: this is what a signal leaves to do, and it is short */
	mmap_write_lock(mm);
	/* ksmd let the mm go (it exited): nothing would scan the marks */
	if (!ksmctl_mm_ksm_entered(mm))
		goto out;
	for (i = from; i < rs->n; i++) {
		ksmctl_vma_iter_decl(it, mm, i == from ? addr : rs->r[i].start);

		ksmctl_for_each_vma(it, vma) {
			unsigned long size = vma->vm_end - vma->vm_start;

			if (vma->vm_start >= rs->r[i].end)
				break;
			if ((vma->vm_flags & VM_MERGEABLE) ||
			    ksmctl_vma_refusal(vma) != KSMCTL_SKIP_UNSPEC)
				continue;
			ksmctl_vma_set_mergeable(vma);
			res->vmas -= min_t(u32, res->vmas, 1);
			res->bytes -= min_t(u64, res->bytes, size);
		}
	}
out:
	mmap_write_unlock(mm);
}

/*
 * Copy merged pages of the ranges UNMARK cleared back into private pages:
 * ksm_madvise(MADV_UNMERGEABLE) on each piece, given the flags the VMA had.
 * VMAs may have changed while the lock was dropped: pieces are looked up
 * again each time, and only still-anonymous memory is touched. Stopped
 * half way, it marks again what it had not finished with.
 */
static int unmerge_ranges(struct mm_struct *mm, const struct ksmctl_mark_req *rq,
			  const struct ranges *rs, struct ksmctl_mark_res *res)
{
	unsigned long addr = 0;
	unsigned int i;
	int err = 0;

	for (i = 0; i < rs->n && !err; i++) {
		addr = rs->r[i].start;
		while (addr < rs->r[i].end) {
			struct vm_area_struct *vma;
			unsigned long end;
			vm_flags_t flags;

			if (stop_requested(rq) || mmap_write_lock_killable(mm)) {
				err = -EINTR;
				break;
			}
			vma = find_vma(mm, addr);
			if (!vma || vma->vm_start >= rs->r[i].end) {
				mmap_write_unlock(mm);
				break;
			}
			addr = max(addr, vma->vm_start);
			end = min3(vma->vm_end, rs->r[i].end, addr + UNMERGE_CHUNK);
			flags = vma->vm_flags | VM_MERGEABLE;
			if (vma->anon_vma && !(vma->vm_flags & VM_MERGEABLE))
				err = ksm_madvise(vma, addr, end, MADV_UNMERGEABLE,
						  &flags);
			mmap_write_unlock(mm);
			if (err == -ERESTARTSYS || err == -EINTR)
				err = -EINTR;
			if (err)
				break;
			addr = end;
			cond_resched();
		}
	}
	if (err == -EINTR)
		remark_ranges(mm, rs, i - 1, addr, res);
	return err;
}

/**
 * ksmctl_mark_mm() - mark or unmark the VMAs of one address space
 * @mm: the target, with a reference (mmget) held
 * @rq: what to do
 * @res: counts are added to it
 *
 * Return: 0; -EINTR if stopped by a signal (@res says what was done);
 * another negative errno if the kernel refused.
 */
int ksmctl_mark_mm(struct mm_struct *mm, const struct ksmctl_mark_req *rq,
		   struct ksmctl_mark_res *res)
{
	struct ranges cleared = { 0 };
	unsigned long addr = rq->start;
	struct vm_area_struct *vma;
	int err = 0;

	while (addr < rq->end && !err) {
		if (stop_requested(rq)) {
			err = -EINTR;
			break;
		}
		if (mmap_write_lock_killable(mm)) {
			err = -EINTR;
			break;
		}
		/* new VMAs are no longer marked by the kernel from here on */
		if (rq->clear_any && ksmctl_mm_merge_any(mm)) {
			ksmctl_mm_clear_merge_any(mm);
			res->any_cleared = true;
		}
		{
			ksmctl_vma_iter_decl(it, mm, addr);

			addr = rq->end;		/* unless we stop early */
			ksmctl_for_each_vma(it, vma) {
				if (vma->vm_start >= rq->end)
					break;
				err = mark_vma(vma, rq, res, &cleared);
				if (err)
					break;
				if (should_yield(mm, rq)) {
					addr = vma->vm_end;
					break;
				}
			}
		}
		/*
		 * The kernel marks new VMAs of the mm itself from here on, as
		 * after PR_SET_MEMORY_MERGE: only once the mm is registered
		 * with ksmd (the first VMA marked did it), or they would be
		 * marked and never scanned.
		 */
		if (rq->set_any && !err && !ksmctl_mm_merge_any(mm) &&
		    ksmctl_mm_ksm_entered(mm)) {
			ksmctl_mm_set_merge_any(mm);
			res->any_set = true;
		}
		mmap_write_unlock(mm);
		cond_resched();
	}

	if (rq->unmark && !err)
		err = unmerge_ranges(mm, rq, &cleared, res);
	else if (rq->unmark && err == -EINTR && cleared.n)
		remark_ranges(mm, &cleared, 0, cleared.r[0].start, res);
	kvfree(cleared.r);
	if (err == -EINTR)
		res->interrupted = true;
	return err;
}
