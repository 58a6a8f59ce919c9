/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ksmctl: generic netlink interface to kernel samepage merging (KSM).
 *
 * This header is the wire format of the "ksmctl" generic netlink family and
 * its documentation. It is shared, unchanged, by the kernel module (kmod/)
 * and the command-line tool (user/).
 *
 * Family name: KSMCTL_GENL_NAME ("ksmctl"), version KSMCTL_GENL_VERSION.
 * Every request is validated strictly: unknown attributes, attributes of the
 * wrong type or length, and unknown flag bits are rejected with -EINVAL and
 * an extended-ack message naming the offending attribute.
 *
 * Commands
 * --------
 *
 * KSMCTL_CMD_GET_STATUS (doit, no privilege needed)
 *   Returns the module version and the kernel's global KSM state, the same
 *   numbers as /sys/kernel/mm/ksm/, read in the kernel.
 *
 *   Request:
 *     KSMCTL_A_FLAGS              NLA_U32, optional, must be 0 (reserved)
 *
 *   Reply:
 *     KSMCTL_A_VERSION            NLA_NUL_STRING, module version
 *     KSMCTL_A_STATUS             NLA_NESTED
 *       KSMCTL_A_STATUS_PAGE_SIZE       NLA_U32, bytes per page
 *       KSMCTL_A_STATUS_RUN             NLA_U32, /sys/kernel/mm/ksm/run
 *       KSMCTL_A_STATUS_PAGES_SHARED    NLA_U64, KSM pages in use
 *       KSMCTL_A_STATUS_PAGES_SHARING   NLA_U64, mappings of them (saving)
 *       KSMCTL_A_STATUS_PAGES_UNSHARED  NLA_U64, unique pages checked
 *       KSMCTL_A_STATUS_PAGES_VOLATILE  NLA_U64, pages changing too fast
 *       KSMCTL_A_STATUS_FULL_SCANS      NLA_U64, completed scans
 *       KSMCTL_A_STATUS_PAGES_TO_SCAN   NLA_U64, pages per ksmd batch
 *       KSMCTL_A_STATUS_SLEEP_MSECS     NLA_U64, ksmd sleep between batches
 *       KSMCTL_A_STATUS_MAX_PAGE_SHARING NLA_U64, mappings per KSM page
 *       KSMCTL_A_STATUS_GENERAL_PROFIT  NLA_S64, bytes; present only if the
 *                                       kernel computes it (6.4+)
 *       KSMCTL_A_STATUS_ZERO_PAGES      NLA_U64, present only if the kernel
 *                                       counts KSM zero pages (6.6+)
 *       KSMCTL_A_STATUS_STABLE_NODE_CHAINS NLA_U64, present if the kernel
 *                                       has it
 *
 * KSMCTL_CMD_GET_PROC (doit: one process; dump: every visible process)
 *   KSM figures of processes (thread-group leaders that have an mm).
 *   Processes the caller may not see are left out of a dump and give
 *   -ESRCH to a doit, exactly like processes that do not exist.
 *
 *   Request:
 *     KSMCTL_A_PID                NLA_U32, doit: required; dump: ignored
 *     KSMCTL_A_FLAGS              NLA_U32, optional, KSMCTL_PROC_F_*
 *
 *   Reply (one message per process):
 *     KSMCTL_A_PROC               NLA_NESTED
 *       KSMCTL_A_PROC_PID              NLA_U32, in the caller's pid namespace
 *       KSMCTL_A_PROC_PPID             NLA_U32, idem, 0 if not visible
 *       KSMCTL_A_PROC_COMM             NLA_NUL_STRING
 *       KSMCTL_A_PROC_UID              NLA_U32, in the caller's user namespace
 *       KSMCTL_A_PROC_CGROUP_ID        NLA_U64, cgroup v2 id (0: none)
 *       KSMCTL_A_PROC_CGROUP_PATH      NLA_NUL_STRING, in the caller's cgroup
 *                                      namespace
 *       KSMCTL_A_PROC_MERGING_PAGES    NLA_U64, pages of this process mapped
 *                                      to KSM pages (ksm_merging_pages)
 *       KSMCTL_A_PROC_RMAP_ITEMS       NLA_U64, KSM rmap items of this
 *                                      process (kernels that count them)
 *       KSMCTL_A_PROC_ZERO_PAGES       NLA_U64, pages merged with the zero
 *                                      page (kernels that count them)
 *       KSMCTL_A_PROC_PROFIT           NLA_S64, bytes, as the kernel's
 *                                      ksm_process_profit(): (merging + zero)
 *                                      * page size - rmap items * rmap item
 *                                      size (kernels that count rmap items)
 *       KSMCTL_A_PROC_MERGEABLE_VMAS   NLA_U32, VMAs marked VM_MERGEABLE
 *       KSMCTL_A_PROC_MERGEABLE_BYTES  NLA_U64, their size
 *       KSMCTL_A_PROC_ELIGIBLE_BYTES   NLA_U64, size of VMAs KSM could merge
 *                                      (what MADV_MERGEABLE would accept)
 *       KSMCTL_A_PROC_ANON_RSS_BYTES   NLA_U64, resident anonymous memory
 *       KSMCTL_A_PROC_MERGE_ANY        NLA_U8, 1 if the whole process is
 *                                      opted in (PR_SET_MEMORY_MERGE);
 *                                      kernels that have it
 *       KSMCTL_A_PROC_PROP_SAVED_BYTES NLA_U64, with KSMCTL_PROC_F_PROPORTIONAL:
 *                                      each KSM page mapped n times saves
 *                                      n - 1 pages; every mapping of it is
 *                                      credited (n - 1) / n page, so the sum
 *                                      over all processes is pages_sharing
 *                                      (to the byte per process, once ksmd
 *                                      is idle)
 *       KSMCTL_A_PROC_KSM_MAPPED_PAGES NLA_U64, with KSMCTL_PROC_F_PROPORTIONAL:
 *                                      present page-table entries that map
 *                                      KSM pages, counted by the walk
 *
 * KSMCTL_CMD_GET_VMAS (dump, for one process)
 *   The process's VMAs, one message per VMA, in address order.
 *
 *   Request:
 *     KSMCTL_A_PID                NLA_U32, required
 *
 *   Reply:
 *     KSMCTL_A_PID                NLA_U32
 *     KSMCTL_A_VMA                NLA_NESTED
 *       KSMCTL_A_VMA_START             NLA_U64
 *       KSMCTL_A_VMA_END               NLA_U64, exclusive
 *       KSMCTL_A_VMA_FLAGS             NLA_U32, KSMCTL_VMA_F_*
 *       KSMCTL_A_VMA_NAME              NLA_NUL_STRING, file path, or [heap],
 *                                      [stack], [vdso]...; absent for plain
 *                                      anonymous memory
 *       KSMCTL_A_VMA_KSM_PAGES         NLA_U64, present PTEs mapping KSM pages
 *
 * Permissions
 * -----------
 * GET_STATUS is open to everyone (the same numbers are world-readable in
 * sysfs). GET_PROC and GET_VMAS show a process to a caller whose socket
 * opener has CAP_SYS_PTRACE in the initial user namespace (root), or whose
 * filesystem uid and gid match the process's real, effective and saved ids
 * while the process is dumpable: the rule /proc/PID/ uses for its private
 * files. Pids are those of the caller's pid namespace: a process outside it
 * is invisible.
 *
 * Errors
 * ------
 * Every error is a negative errno in the netlink ack; where the cause is a
 * request attribute, NLMSGERR_ATTR_MSG explains it and NLMSGERR_ATTR_OFFS
 * points at the attribute.
 */

#ifndef _UAPI_LINUX_KSMCTL_H
#define _UAPI_LINUX_KSMCTL_H

#define KSMCTL_GENL_NAME	"ksmctl"
#define KSMCTL_GENL_VERSION	1

enum ksmctl_cmd {
	KSMCTL_CMD_UNSPEC,
	KSMCTL_CMD_GET_STATUS,
	KSMCTL_CMD_GET_PROC,
	KSMCTL_CMD_GET_VMAS,

	__KSMCTL_CMD_LAST
};
#define KSMCTL_CMD_MAX (__KSMCTL_CMD_LAST - 1)

/* Top-level attributes, shared by requests and replies of every command. */
enum ksmctl_attr {
	KSMCTL_A_UNSPEC,
	KSMCTL_A_PAD,
	KSMCTL_A_VERSION,
	KSMCTL_A_FLAGS,
	KSMCTL_A_STATUS,
	KSMCTL_A_PID,
	KSMCTL_A_PROC,
	KSMCTL_A_VMA,

	__KSMCTL_A_LAST
};
#define KSMCTL_A_MAX (__KSMCTL_A_LAST - 1)

/* Attributes nested in KSMCTL_A_STATUS. */
enum ksmctl_status_attr {
	KSMCTL_A_STATUS_UNSPEC,
	KSMCTL_A_STATUS_PAD,
	KSMCTL_A_STATUS_PAGE_SIZE,
	KSMCTL_A_STATUS_RUN,
	KSMCTL_A_STATUS_PAGES_SHARED,
	KSMCTL_A_STATUS_PAGES_SHARING,
	KSMCTL_A_STATUS_PAGES_UNSHARED,
	KSMCTL_A_STATUS_PAGES_VOLATILE,
	KSMCTL_A_STATUS_FULL_SCANS,
	KSMCTL_A_STATUS_PAGES_TO_SCAN,
	KSMCTL_A_STATUS_SLEEP_MSECS,
	KSMCTL_A_STATUS_MAX_PAGE_SHARING,
	KSMCTL_A_STATUS_GENERAL_PROFIT,
	KSMCTL_A_STATUS_ZERO_PAGES,
	KSMCTL_A_STATUS_STABLE_NODE_CHAINS,

	__KSMCTL_A_STATUS_LAST
};
#define KSMCTL_A_STATUS_MAX (__KSMCTL_A_STATUS_LAST - 1)

/* KSMCTL_A_FLAGS of GET_PROC */
enum ksmctl_proc_flags {
	/* walk page tables for KSMCTL_A_PROC_PROP_SAVED_BYTES (slower) */
	KSMCTL_PROC_F_PROPORTIONAL	= 1U << 0,
	/* dump only processes with merging or zero pages > 0 */
	KSMCTL_PROC_F_MERGING_ONLY	= 1U << 1,
};
#define KSMCTL_PROC_F_ALL (KSMCTL_PROC_F_PROPORTIONAL | KSMCTL_PROC_F_MERGING_ONLY)

/* Attributes nested in KSMCTL_A_PROC. */
enum ksmctl_proc_attr {
	KSMCTL_A_PROC_UNSPEC,
	KSMCTL_A_PROC_PAD,
	KSMCTL_A_PROC_PID,
	KSMCTL_A_PROC_PPID,
	KSMCTL_A_PROC_COMM,
	KSMCTL_A_PROC_UID,
	KSMCTL_A_PROC_CGROUP_ID,
	KSMCTL_A_PROC_CGROUP_PATH,
	KSMCTL_A_PROC_MERGING_PAGES,
	KSMCTL_A_PROC_RMAP_ITEMS,
	KSMCTL_A_PROC_ZERO_PAGES,
	KSMCTL_A_PROC_PROFIT,
	KSMCTL_A_PROC_MERGEABLE_VMAS,
	KSMCTL_A_PROC_MERGEABLE_BYTES,
	KSMCTL_A_PROC_ELIGIBLE_BYTES,
	KSMCTL_A_PROC_ANON_RSS_BYTES,
	KSMCTL_A_PROC_MERGE_ANY,
	KSMCTL_A_PROC_PROP_SAVED_BYTES,
	KSMCTL_A_PROC_KSM_MAPPED_PAGES,

	__KSMCTL_A_PROC_LAST
};
#define KSMCTL_A_PROC_MAX (__KSMCTL_A_PROC_LAST - 1)

/* KSMCTL_A_VMA_FLAGS */
enum ksmctl_vma_flags {
	KSMCTL_VMA_F_MERGEABLE	= 1U << 0,	/* VM_MERGEABLE is set */
	KSMCTL_VMA_F_ELIGIBLE	= 1U << 1,	/* KSM could merge it */
	KSMCTL_VMA_F_ANON	= 1U << 2,	/* anonymous memory */
	KSMCTL_VMA_F_FILE	= 1U << 3,	/* file-backed */
	KSMCTL_VMA_F_SHARED	= 1U << 4,	/* MAP_SHARED */
	KSMCTL_VMA_F_HEAP	= 1U << 5,	/* the brk heap */
	KSMCTL_VMA_F_STACK	= 1U << 6,	/* a stack */
	KSMCTL_VMA_F_READ	= 1U << 7,
	KSMCTL_VMA_F_WRITE	= 1U << 8,
	KSMCTL_VMA_F_EXEC	= 1U << 9,
};

/* Attributes nested in KSMCTL_A_VMA. */
enum ksmctl_vma_attr {
	KSMCTL_A_VMA_UNSPEC,
	KSMCTL_A_VMA_PAD,
	KSMCTL_A_VMA_START,
	KSMCTL_A_VMA_END,
	KSMCTL_A_VMA_FLAGS,
	KSMCTL_A_VMA_NAME,
	KSMCTL_A_VMA_KSM_PAGES,

	__KSMCTL_A_VMA_LAST
};
#define KSMCTL_A_VMA_MAX (__KSMCTL_A_VMA_LAST - 1)

#endif /* _UAPI_LINUX_KSMCTL_H */
