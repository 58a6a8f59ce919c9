/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ksmctl supports lives here. Kbuild
 * probes the target kernel's headers and defines COMPAT_* for what it finds;
 * logic files use the names below and never test version numbers.
 */
#ifndef _KSMCTL_COMPAT_H
#define _KSMCTL_COMPAT_H

#include <linux/kconfig.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "ksmctl needs Linux 5.10 or later"
#endif

#if !IS_ENABLED(CONFIG_KSM)
#error "ksmctl needs a kernel built with CONFIG_KSM=y"
#endif

#if !IS_ENABLED(CONFIG_SYSFS) || !IS_ENABLED(CONFIG_PROC_FS)
#error "ksmctl needs CONFIG_SYSFS and CONFIG_PROC_FS"
#endif

/*
 * Generic netlink: kernels with .resv_start_op reject unknown commands and
 * validate every attribute strictly for commands at or above it. Older
 * kernels validate strictly by default (no GENL_DONT_VALIDATE_STRICT).
 */
#ifdef COMPAT_HAS_GENL_RESV_START_OP
#define KSMCTL_GENL_RESV_START_OP(first)	.resv_start_op = (first),
#else
#define KSMCTL_GENL_RESV_START_OP(first)
#endif

/*
 * Flag bits are checked by the policy, NLA_POLICY_MASK(), which every
 * supported kernel has (5.10 included): no fallback here.
 */

/*
 * A required attribute that is absent: the ack names it
 * (NLMSGERR_ATTR_MISS_TYPE, with NLMSGERR_ATTR_MISS_NEST for one inside
 * @nest) on kernels that can (6.0 and later); the caller's extack message
 * says it on every kernel.
 */
#ifdef COMPAT_HAS_NL_SET_ERR_ATTR_MISS
#define ksmctl_err_attr_miss(extack, nest, type) \
	NL_SET_ERR_ATTR_MISS((extack), (nest), (type))
#else
#define ksmctl_err_attr_miss(extack, nest, type)	do { } while (0)
#endif

/* The parsed request attributes of a dump, in its callbacks. */
#ifdef COMPAT_HAS_GENL_INFO_DUMP
#define ksmctl_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define ksmctl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * Per-mm KSM counters. Kernels that keep them (ksm_merging_pages and
 * ksm_rmap_items; ksm_zero_pages later, first as unsigned long, then as
 * atomic_long_t) let us report without walking page tables.
 */
#ifdef COMPAT_HAS_MM_KSM_COUNTERS
#define KSMCTL_HAVE_MM_KSM_COUNTERS 1
#define ksmctl_mm_merging_pages(mm)	READ_ONCE((mm)->ksm_merging_pages)
#define ksmctl_mm_rmap_items(mm)	READ_ONCE((mm)->ksm_rmap_items)
#else
#define KSMCTL_HAVE_MM_KSM_COUNTERS 0
#define ksmctl_mm_merging_pages(mm)	0UL
#define ksmctl_mm_rmap_items(mm)	0UL
#endif

#if defined(COMPAT_HAS_MM_KSM_ZERO_PAGES_ATOMIC)
#define KSMCTL_HAVE_MM_KSM_ZERO_PAGES 1
#define ksmctl_mm_zero_pages(mm)	((unsigned long)atomic_long_read(&(mm)->ksm_zero_pages))
#elif defined(COMPAT_HAS_MM_KSM_ZERO_PAGES_ULONG)
#define KSMCTL_HAVE_MM_KSM_ZERO_PAGES 1
#define ksmctl_mm_zero_pages(mm)	READ_ONCE((mm)->ksm_zero_pages)
#else
#define KSMCTL_HAVE_MM_KSM_ZERO_PAGES 0
#define ksmctl_mm_zero_pages(mm)	0UL
#endif

/*
 * sizeof(struct ksm_rmap_item), private to mm/ksm.c, as the kernel's
 * ksm_process_profit() uses it: 64 bytes on 64-bit kernels from 5.10 to 7.2
 * (the selftests compare our profit with /proc/PID/ksm_stat where it exists).
 */
#define KSMCTL_RMAP_ITEM_SIZE	64

/*
 * Is the mm registered with KSM (ksmd scans it)? __ksm_enter() sets
 * MMF_VM_MERGEABLE; ksmd clears it, under the mmap read lock, when a full
 * scan finds no VM_MERGEABLE VMA left. An mm flag, read with mm_flags_test()
 * where the flags became a bitmap.
 */
#ifdef COMPAT_HAS_MM_FLAGS_TEST
#define ksmctl_mm_ksm_entered(mm)	mm_flags_test(MMF_VM_MERGEABLE, (mm))
#else
#define ksmctl_mm_ksm_entered(mm)	test_bit(MMF_VM_MERGEABLE, &(mm)->flags)
#endif

/* Whole-process opt-in (PR_SET_MEMORY_MERGE), a flag of the mm. */
#if defined(COMPAT_HAS_MMF_VM_MERGE_ANY) && defined(COMPAT_HAS_MM_FLAGS_TEST)
#define KSMCTL_HAVE_MERGE_ANY 1
#define ksmctl_mm_merge_any(mm)	mm_flags_test(MMF_VM_MERGE_ANY, (mm))
#elif defined(COMPAT_HAS_MMF_VM_MERGE_ANY)
#define KSMCTL_HAVE_MERGE_ANY 1
#define ksmctl_mm_merge_any(mm)	test_bit(MMF_VM_MERGE_ANY, &(mm)->flags)
#else
#define KSMCTL_HAVE_MERGE_ANY 0
#define ksmctl_mm_merge_any(mm)	false
#endif

/*
 * Setting and clearing it for another process, as ksm_enable_merge_any()
 * and ksm_disable_merge_any() (not exported) do: atomic bit operations,
 * which the kernel reads at mmap, brk, fork and exec. Only a never rule
 * does, to a process that set it itself (rules_follow.c).
 */
#if KSMCTL_HAVE_MERGE_ANY && defined(COMPAT_HAS_MM_FLAGS_TEST)
#define ksmctl_mm_set_merge_any(mm)	mm_flags_set(MMF_VM_MERGE_ANY, (mm))
#define ksmctl_mm_clear_merge_any(mm)	mm_flags_clear(MMF_VM_MERGE_ANY, (mm))
#elif KSMCTL_HAVE_MERGE_ANY
#define ksmctl_mm_set_merge_any(mm)	set_bit(MMF_VM_MERGE_ANY, &(mm)->flags)
#define ksmctl_mm_clear_merge_any(mm)	clear_bit(MMF_VM_MERGE_ANY, &(mm)->flags)
#else
#define ksmctl_mm_set_merge_any(mm)	do { } while (0)
#define ksmctl_mm_clear_merge_any(mm)	do { } while (0)
#endif

/*
 * A reference on the file an mm runs (/proc/PID/exe), as the kernel's
 * get_mm_exe_file() (not exported) takes it: it may be replaced (prctl
 * PR_SET_MM) and its last reference dropped at any time.
 */
#ifdef COMPAT_HAS_GET_FILE_RCU_PTR
#define ksmctl_mm_exe_file(mm) ({				\
	struct file *__f;					\
								\
	rcu_read_lock();					\
	__f = get_file_rcu(&(mm)->exe_file);			\
	rcu_read_unlock();					\
	__f;							\
})
#else
#define ksmctl_mm_exe_file(mm) ({				\
	struct file *__f;					\
								\
	rcu_read_lock();					\
	__f = rcu_dereference((mm)->exe_file);			\
	if (__f && !get_file_rcu(__f))				\
		__f = NULL;					\
	rcu_read_unlock();					\
	__f;							\
})
#endif

/*
 * ksmctl_mm_change_seq(): a value that changes when the VMAs of an mm (or
 * their flags) change, read under the mmap read lock or without a lock.
 *
 * Exact (KSMCTL_MM_CHANGE_EXACT): the count of the mmap write-lock
 * sections, which VMAs and their flags only change in: the per-VMA-lock
 * sequence (6.12 and later, with CONFIG_PER_VMA_LOCK).
 *
 * Otherwise a fingerprint of the counters a VMA change moves: the number of
 * VMAs, the virtual sizes, the resident pages. A mapping replaced by one of
 * the same size whose pages come back to the same count between two reads
 * goes unseen: callers must look at the VMAs themselves now and then.
 */
#if defined(CONFIG_PER_VMA_LOCK) && defined(COMPAT_HAS_MM_LOCK_SEQCOUNT)
#define KSMCTL_MM_CHANGE_EXACT 1
#define ksmctl_mm_change_seq(mm) \
	((unsigned long)raw_read_seqcount(&(mm)->mm_lock_seq))
#else
#define KSMCTL_MM_CHANGE_EXACT 0
#define ksmctl_mm_change_seq(mm) ({					\
	struct mm_struct *__mm = (mm);					\
	unsigned long __h = READ_ONCE(__mm->map_count);			\
									\
	__h = __h * 1000003 + READ_ONCE(__mm->total_vm);		\
	__h = __h * 1000003 + READ_ONCE(__mm->data_vm);			\
	__h = __h * 1000003 + READ_ONCE(__mm->stack_vm);		\
	__h = __h * 1000003 + READ_ONCE(__mm->exec_vm);			\
	__h = __h * 1000003 + get_mm_counter(__mm, MM_ANONPAGES);	\
	__h = __h * 1000003 + get_mm_counter(__mm, MM_FILEPAGES);	\
	__h * 1000003 + get_mm_counter(__mm, MM_SHMEMPAGES);		\
})
#endif

/*
 * Is the process dumpable by its owner (SUID_DUMP_USER)? The rule /proc uses
 * before showing a process's memory to its unprivileged owner. Kept in the
 * mm until 7.1, then in the task's exec_state (accessors not exported).
 */
#ifdef COMPAT_HAS_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>
static inline bool ksmctl_dumpable_by_owner(struct task_struct *task,
					    struct mm_struct *mm)
{
	struct task_exec_state *es;
	bool ret;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	ret = es && es->dumpable == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
	return ret;
}
#else
#include <linux/sched/coredump.h>
#define ksmctl_dumpable_by_owner(task, mm) (get_dumpable(mm) == SUID_DUMP_USER)
#endif

/* VMA iteration: the maple tree iterator, or the old linked list. */
#ifdef COMPAT_HAS_VMA_ITERATOR
#define ksmctl_vma_iter_decl(it, mm, addr)	VMA_ITERATOR(it, mm, addr)
#define ksmctl_for_each_vma(it, vma)		for_each_vma(it, vma)
#else
#define ksmctl_vma_iter_decl(it, mm_, addr_)				\
	struct { struct mm_struct *mm; unsigned long addr; }		\
	it = { (mm_), (addr_) }
#define ksmctl_for_each_vma(it, vma)					\
	for ((vma) = find_vma((it).mm, (it).addr); (vma);		\
	     (vma) = (vma)->vm_next)
#endif

/*
 * The next pid at or above nr in a namespace (the /proc readdir walk).
 * find_ge_pid() is that idr lookup, but not exported by every kernel.
 */
#ifdef COMPAT_HAS_EXPORTED_FIND_GE_PID
#define ksmctl_find_ge_pid(nr, ns)	find_ge_pid((nr), (ns))
#else
#include <linux/idr.h>
#include <linux/pid_namespace.h>
static inline struct pid *ksmctl_find_ge_pid(int nr, struct pid_namespace *ns)
{
	return idr_get_next(&ns->idr, &nr);
}
#endif

/* Is this page a KSM page? */
#ifdef COMPAT_HAS_FOLIO_TEST_KSM
#define ksmctl_page_is_ksm(page)	folio_test_ksm(page_folio(page))
#else
#define ksmctl_page_is_ksm(page)	PageKsm(page)
#endif

/* KSM pages are always order 0: their mapcount is the page's own. */
#define ksmctl_ksm_page_mapcount(page)	(atomic_read(&(page)->_mapcount) + 1)

/*
 * Changing a VMA's flags: newer kernels make vm_flags const and give
 * helpers that also take the per-VMA lock; older ones let us write it.
 * Either way the caller holds the mmap write lock.
 */
#ifdef COMPAT_HAS_VM_FLAGS_SET
#define ksmctl_vma_set_mergeable(vma)	vm_flags_set((vma), VM_MERGEABLE)
#define ksmctl_vma_clear_mergeable(vma)	vm_flags_clear((vma), VM_MERGEABLE)
#else
#define ksmctl_vma_set_mergeable(vma)	((vma)->vm_flags |= VM_MERGEABLE)
#define ksmctl_vma_clear_mergeable(vma)	((vma)->vm_flags &= ~VM_MERGEABLE)
#endif

/* VMA flags that only some kernels (or architectures) have. */
#include <linux/mm.h>
#ifndef VM_DROPPABLE
#define VM_DROPPABLE	0
#endif
#ifndef VM_SAO
#define VM_SAO		0
#endif
#ifndef VM_SPARC_ADI
#define VM_SPARC_ADI	0
#endif

/*
 * Multicast groups only CAP_SYS_ADMIN may join (the rule monitor shows pids
 * and names of every process): a flag on newer kernels, a bit field on some
 * stable ones; kernels with neither let anyone join.
 */
#if defined(COMPAT_HAS_GENL_MCAST_CAP_SYS_ADMIN)
#define KSMCTL_GENL_MCGRP_ADMIN		.flags = GENL_MCAST_CAP_SYS_ADMIN
#elif defined(COMPAT_HAS_GENL_MCGRP_CAP_SYS_ADMIN_BIT)
#define KSMCTL_GENL_MCGRP_ADMIN		.cap_sys_admin = 1
#else
#define KSMCTL_GENL_MCGRP_ADMIN		.flags = 0
#endif

#endif /* _KSMCTL_COMPAT_H */
