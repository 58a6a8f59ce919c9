// SPDX-License-Identifier: GPL-2.0
/*
 * A read-only page-table walk that counts the KSM pages a VMA maps.
 *
 * walk_page_range() is not exported, so we walk with the architecture's
 * inline accessors, under the mmap read lock and, for each PTE table, under
 * rcu_read_lock(): page tables of VMAs that have an anon_vma are freed only
 * under the mmap write lock, or after an RCU grace period where the kernel
 * reclaims empty PTE tables. Huge and non-present PMDs are skipped (THPs are
 * never KSM pages). Entries are read locklessly: a count may be off by the
 * pages that change while we look, and is exact once ksmd is idle.
 */

#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>

#include "walk.h"

/**
 * ksmctl_prop_fp_one() - share of one mapping of a KSM page mapped n times
 * @mapcount: n, the number of PTEs that map the page
 *
 * Return: (n - 1) / n pages in fixed point; 0 for n <= 1.
 */
u64 ksmctl_prop_fp_one(unsigned int mapcount)
{
	if (mapcount <= 1)
		return 0;
	return div_u64((u64)(mapcount - 1) << KSMCTL_PROP_SHIFT, mapcount);
}

/* Return: a fixed-point page count in bytes, rounded to nearest. */
u64 ksmctl_prop_bytes(u64 prop_fp)
{
	return mul_u64_u32_shr(prop_fp + ((1ULL << KSMCTL_PROP_SHIFT) /
					  PAGE_SIZE / 2),
			       PAGE_SIZE, KSMCTL_PROP_SHIFT);
}

static void walk_ptes(pmd_t pmdval, unsigned long addr, unsigned long end,
		      struct ksmctl_walk *w)
{
	pte_t *ptep;

	rcu_read_lock();
	ptep = pte_offset_kernel(&pmdval, addr);
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get(ptep);
		unsigned long pfn;
		struct page *page;

		if (!pte_present(pte) || pte_special(pte))
			continue;
		pfn = pte_pfn(pte);
		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (!ksmctl_page_is_ksm(page))
			continue;
		w->ksm_ptes++;
		w->prop_fp += ksmctl_prop_fp_one(ksmctl_ksm_page_mapcount(page));
	}
	rcu_read_unlock();
}

/**
 * ksmctl_walk_vma() - count the KSM pages a VMA maps
 * @vma: the VMA; the caller holds its mm's mmap lock for reading
 * @w: counts are added to it
 *
 * Return: 0, or -EINTR if a fatal signal is pending.
 */
int ksmctl_walk_vma(struct vm_area_struct *vma, struct ksmctl_walk *w)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = vma->vm_start, next;

	/*
	 * KSM pages are anonymous: no anon_vma, none of them here. A VMA
	 * that is no longer VM_MERGEABLE can still map KSM pages (until they
	 * are written or unmerged), so it is walked too.
	 */
	if (!vma->anon_vma || (vma->vm_flags & (VM_HUGETLB | VM_PFNMAP | VM_IO)))
		return 0;

	for (; addr < vma->vm_end; addr = next) {
		pgd_t *pgd = pgd_offset(mm, addr);
		pgd_t pgdval = READ_ONCE(*pgd);
		p4d_t *p4d;
		pud_t *pud;
		pmd_t *pmd, pmdval;

		next = pmd_addr_end(addr, vma->vm_end);
		if (pgd_none(pgdval) || pgd_bad(pgdval))
			goto next;
		p4d = p4d_offset(pgd, addr);
		if (p4d_none(READ_ONCE(*p4d)) || p4d_bad(READ_ONCE(*p4d)))
			goto next;
		pud = pud_offset(p4d, addr);
		if (pud_none(READ_ONCE(*pud)) || pud_bad(READ_ONCE(*pud)))
			goto next;
		pmd = pmd_offset(pud, addr);
		pmdval = READ_ONCE(*pmd);
		/* none, huge, migrating or otherwise not a PTE table */
		if (pmd_none(pmdval) || !pmd_present(pmdval) ||
		    pmd_bad(pmdval))
			goto next;
		walk_ptes(pmdval, addr, next, w);
next:
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}
