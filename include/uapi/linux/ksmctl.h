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
 * an extended-ack message naming the offending attribute (for flag bits the
 * kernel's "reserved bit set": each command's policy carries its mask).
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
 *       KSMCTL_A_STATUS_MAX_PAGE_SHARING NLA_U64, mappings per KSM page;
 *                                       present if the kernel has it
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
 * KSMCTL_CMD_MARK, KSMCTL_CMD_UNMARK (doit, CAP_SYS_ADMIN)
 *   Make the VMAs of another process mergeable (as if it had called
 *   madvise(MADV_MERGEABLE) on them), or take that back and unmerge their
 *   pages (MADV_UNMERGEABLE). Only whole VMAs are changed. By default every
 *   VMA KSM accepts (the set PR_SET_MEMORY_MERGE would cover); the request
 *   can narrow it to an address range and to classes of memory, and extend
 *   it to every descendant of the process.
 *
 *   UNMARK copies merged pages back. It works in bounded steps, drops the
 *   mmap lock between them, and stops at a signal: the reply then says how
 *   far it got (KSMCTL_A_MARK_INTERRUPTED) and the request fails with
 *   -EINTR only if nothing at all was done.
 *
 *   Request:
 *     KSMCTL_A_PID                NLA_U32, required
 *     KSMCTL_A_FLAGS              NLA_U32, optional, KSMCTL_MARK_F_*
 *     KSMCTL_A_RANGE_START        NLA_U64, optional, with RANGE_END: only
 *     KSMCTL_A_RANGE_END          NLA_U64  VMAs wholly inside [START, END)
 *     KSMCTL_A_CLASSES            NLA_U32, optional, KSMCTL_CLASS_* mask;
 *                                 default: all
 *
 *   Reply:
 *     KSMCTL_A_MARK               NLA_NESTED
 *       KSMCTL_A_MARK_PROCESSES        NLA_U32, processes the request
 *                                      reached (done, or partly done)
 *       KSMCTL_A_MARK_VMAS             NLA_U32, VMAs changed
 *       KSMCTL_A_MARK_BYTES            NLA_U64, their size
 *       KSMCTL_A_MARK_ALREADY_VMAS     NLA_U32, VMAs already as asked
 *       KSMCTL_A_MARK_ALREADY_BYTES    NLA_U64, their size
 *       KSMCTL_A_MARK_SKIPPED          NLA_NESTED, VMAs left alone, by
 *                                      reason: attribute type =
 *                                      KSMCTL_SKIP_*, NLA_U32 count
 *       KSMCTL_A_MARK_INTERRUPTED      NLA_FLAG, UNMARK stopped at a signal
 *       KSMCTL_A_MARK_FAILED_PROCESSES NLA_U32, with KSMCTL_MARK_F_TREE:
 *                                      descendants that exited meanwhile
 *                                      or could not be changed
 *
 * KSMCTL_CMD_RULE_ADD (doit, CAP_SYS_ADMIN)
 *   Add a sticky rule. The module keeps it until RULE_DEL or module unload
 *   and applies it, asynchronously, to every process it matches, now and
 *   later (see "Sticky rules" below). Every match attribute given must
 *   match (AND); at least one is needed.
 *
 *   Request:
 *     KSMCTL_A_RULE               NLA_NESTED, required
 *       KSMCTL_A_RULE_ACTION           NLA_U32, required, KSMCTL_RULE_*
 *       KSMCTL_A_RULE_FLAGS            NLA_U32, optional, KSMCTL_RULE_F_*
 *       KSMCTL_A_RULE_PID              NLA_U32, a process (caller's pid
 *                                      namespace); with KSMCTL_RULE_F_TREE
 *                                      its descendants too
 *       KSMCTL_A_RULE_CGROUP           NLA_NUL_STRING, cgroup v2 path from
 *                                      the root of the caller's cgroup
 *                                      namespace ("/a/b"), must exist; with
 *                                      KSMCTL_RULE_F_RECURSIVE its
 *                                      descendant cgroups too. The rule
 *                                      holds that cgroup: removed, it
 *                                      matches nothing (even if a new one
 *                                      gets the same path)
 *       KSMCTL_A_RULE_EXE              NLA_NUL_STRING, absolute path of an
 *                                      executable (matched as stat(2)
 *                                      tells the file, device and inode
 *                                      number, with the inode's
 *                                      generation: symlinks and hard
 *                                      links match; not held: its
 *                                      filesystem can be unmounted, a
 *                                      replaced file is another file)
 *       KSMCTL_A_RULE_COMM             NLA_NUL_STRING, 1-15 bytes, the
 *                                      process name (comm) exactly
 *       KSMCTL_A_RULE_UID              NLA_U32, real uid, caller's user ns
 *
 *   Reply: the rule as RULE_GET shows it (with its new KSMCTL_A_RULE_ID).
 *   Errors: -EINVAL bad attribute, -ESRCH no such pid, -ENOENT no such
 *   cgroup or file, -EEXIST the same rule exists, -ENOSPC too many rules
 *   (KSMCTL_RULES_MAX).
 *
 * KSMCTL_CMD_RULE_DEL (doit, CAP_SYS_ADMIN)
 *   Request:
 *     KSMCTL_A_RULE               NLA_NESTED, required
 *       KSMCTL_A_RULE_ID               NLA_U32, required
 *   Deleting a rule undoes nothing: VMAs it marked stay mergeable.
 *
 * KSMCTL_CMD_RULE_GET (dump, no privilege needed)
 *   One message per rule, in id order:
 *     KSMCTL_A_RULE               NLA_NESTED
 *       KSMCTL_A_RULE_ID, _ACTION, _FLAGS and the match attributes it was
 *       added with (PID in the caller's pid namespace, 0 if the process is
 *       gone or invisible; UID in the caller's user namespace)
 *       KSMCTL_A_RULE_HITS             NLA_U64, processes the rule changed
 *
 * KSMCTL_CMD_RULE_EVENT (notification on the "monitor" multicast group,
 * KSMCTL_MCGRP_MONITOR; joining it needs CAP_SYS_ADMIN where the kernel
 * can enforce that)
 *   Sent each time a rule changed a process (VMAs marked or unmarked):
 *     KSMCTL_A_EVENT              NLA_NESTED
 *       KSMCTL_A_EVENT_RULE_ID         NLA_U32
 *       KSMCTL_A_EVENT_ACTION          NLA_U32, KSMCTL_RULE_*
 *       KSMCTL_A_EVENT_PID             NLA_U32, in the initial pid namespace
 *       KSMCTL_A_EVENT_COMM            NLA_NUL_STRING
 *       KSMCTL_A_EVENT_VMAS            NLA_U32, VMAs changed
 *       KSMCTL_A_EVENT_BYTES           NLA_U64, their size
 *
 * Sticky rules
 * ------------
 * A process (thread-group leader with an mm) is "merge" if some merge rule
 * matches it and no never rule does: never wins. The module makes every
 * VMA KSM accepts of a merge process mergeable, and takes VM_MERGEABLE
 * away from (and unmerges) every VMA of a never process, including VMAs
 * the process madvise()d itself. It does so
 *   - at once (asynchronously) when a rule is added: a scan of every
 *     process finds those a rule matches, which the module then follows;
 *   - for a process that forks, execs or moves to another cgroup: the
 *     tracepoints sched_process_fork, sched_process_exec and
 *     cgroup_attach_task queue its pid if it is followed or a rule may
 *     match it (all but the exe, matched under RCU in the probe; most new
 *     processes on a host cost nothing more), and a work item decides
 *     about it about 50 ms later (one look for the fork and exec of a
 *     process);
 *   - every rules_period_ms (400 ms), while rules exist, for the
 *     followed processes only: new VMAs (heap growth, mmaps, thread
 *     stacks). A
 *     followed process whose VMAs are already as the rule wants costs one
 *     walk of its VMA list under the mmap read lock, or nothing when its
 *     mm did not change since: on kernels that count mmap write-lock
 *     sections (6.12 and later, per-VMA locks) by that count, exactly;
 *     before, by a fingerprint of the mm's counters (VMA count, virtual
 *     sizes, resident pages), and the scan walks every followed process;
 *   - every rules_scan_min_ms (10 s) in a scan of every process: what no
 *     event announces (uid changes). The scan matches all but the exe
 *     under RCU, with no reference and no lock of the process, and looks
 *     closer only at those a rule may match. On a host so large that a
 *     scan takes more than 1/400 of that period, the next one waits 400
 *     times as long as it took (at most a minute): scans cost at most
 *     0.25% of a CPU, and rules_scan_ms of /proc/ksmctl/status shows the
 *     period. A kernel without those tracepoints scans every
 *     rules_period_ms instead.
 * rules_period_ms and rules_scan_min_ms are parameters of the module, set
 * when it is loaded (read-only in /sys/module/ksmctl/parameters/), not
 * part of this interface.
 * All of it runs in one kernel thread, ksmctl_rules: its CPU time is what
 * the rules cost (rules_cpu_ns of /proc/ksmctl/status, or top(1)).
 * A process that changed is announced on the monitor group. The passes
 * run one at a time; unmerging a large never process (copying
 * its merged pages back) delays the other work until done.
 * A pid rule follows the process through exec; TREE follows the real
 * parent chain, so a descendant reparented away (its ancestor exited)
 * stops matching at the next scan (its VMAs stay as they were). Deleting a rule, or
 * unloading the module (which drops every rule), undoes nothing: marked
 * VMAs stay mergeable, as after madvise(MADV_MERGEABLE).
 *
 * Merge-any (PR_SET_MEMORY_MERGE, 6.4 and later): the flag is the
 * process's own, and rules never set it (GET_PROC shows it,
 * KSMCTL_A_PROC_MERGE_ANY, as does /proc/PID/ksm_stat). A never rule wins
 * over it: it clears the flag of a process that set it while the rule
 * holds, and gives it back (the flag set again, the VMAs marked) when it
 * lets go: the process stops matching, the rule is deleted, the module
 * unloads. Children forked and images exec'd in between start without it;
 * a PR_SET_MEMORY_MERGE 0 of the process in between (which the kernel
 * ignores, the flag being clear) is undone by the give-back.
 *
 * Processes that share one mm (clone() with CLONE_VM, vfork) get one
 * verdict for it: never if one of the followed ones is followed as never;
 * when that one goes, the others' verdict holds again, and a flag taken
 * from the mm is given back.
 *
 * Permissions
 * -----------
 * GET_STATUS is open to everyone (the same numbers are world-readable in
 * sysfs). GET_PROC and GET_VMAS show a process to a caller whose socket
 * opener has CAP_SYS_PTRACE in the initial user namespace (root), or whose
 * filesystem uid and gid match the process's real, effective and saved ids
 * while the process is dumpable: the rule /proc/PID/ uses for its private
 * files. Pids are those of the caller's pid namespace: a process outside it
 * is invisible. To such a caller, a process it may not see (another
 * user's, not dumpable, a kernel thread, exiting) is exactly a pid that
 * does not exist: -ESRCH, "no such process". The process is checked under
 * its exec lock, with the mm and credentials of a live thread. With the
 * module parameter unprivileged_view=0, only CAP_SYS_PTRACE callers see
 * processes. A GET_VMAS dump whose process execs or exits before the end
 * stops, and its NLMSG_DONE carries NLM_F_DUMP_INTR.
 *
 * MARK and UNMARK change the memory behaviour of another process, and
 * merging makes page contents of different processes observable through
 * copy-on-write timing: they need CAP_SYS_ADMIN in the initial user
 * namespace (for the opener of the socket and for the caller).
 *
 * Dumps
 * -----
 * One dump message can carry a path of up to PATH_MAX bytes (a cgroup, an
 * executable, a rule's paths), and every dump round has room for the
 * largest: read dumps with a buffer of at least 32 KiB, as for rtnetlink.
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
	KSMCTL_CMD_MARK,
	KSMCTL_CMD_UNMARK,
	KSMCTL_CMD_RULE_ADD,
	KSMCTL_CMD_RULE_DEL,
	KSMCTL_CMD_RULE_GET,
	KSMCTL_CMD_RULE_EVENT,

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
	KSMCTL_A_RANGE_START,
	KSMCTL_A_RANGE_END,
	KSMCTL_A_CLASSES,
	KSMCTL_A_MARK,
	KSMCTL_A_RULE,
	KSMCTL_A_EVENT,

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

/* KSMCTL_A_FLAGS of MARK and UNMARK */
enum ksmctl_mark_flags {
	KSMCTL_MARK_F_TREE	= 1U << 0,	/* the process and its descendants */
};
#define KSMCTL_MARK_F_ALL KSMCTL_MARK_F_TREE

/* KSMCTL_A_CLASSES: which memory MARK and UNMARK change */
enum ksmctl_class {
	KSMCTL_CLASS_HEAP	= 1U << 0,	/* the brk heap */
	KSMCTL_CLASS_STACK	= 1U << 1,	/* stacks */
	KSMCTL_CLASS_ANON	= 1U << 2,	/* any anonymous memory (incl. the
						   heap and stacks) */
	KSMCTL_CLASS_FILE	= 1U << 3,	/* private file mappings */
};
#define KSMCTL_CLASS_ALL (KSMCTL_CLASS_HEAP | KSMCTL_CLASS_STACK | \
			  KSMCTL_CLASS_ANON | KSMCTL_CLASS_FILE)

/* Attributes nested in KSMCTL_A_MARK. */
enum ksmctl_mark_attr {
	KSMCTL_A_MARK_UNSPEC,
	KSMCTL_A_MARK_PAD,
	KSMCTL_A_MARK_PROCESSES,
	KSMCTL_A_MARK_VMAS,
	KSMCTL_A_MARK_BYTES,
	KSMCTL_A_MARK_ALREADY_VMAS,
	KSMCTL_A_MARK_ALREADY_BYTES,
	KSMCTL_A_MARK_SKIPPED,
	KSMCTL_A_MARK_INTERRUPTED,
	KSMCTL_A_MARK_FAILED_PROCESSES,

	__KSMCTL_A_MARK_LAST
};
#define KSMCTL_A_MARK_MAX (__KSMCTL_A_MARK_LAST - 1)

/* Why a VMA was left alone: attribute types in KSMCTL_A_MARK_SKIPPED. */
enum ksmctl_skip {
	KSMCTL_SKIP_UNSPEC,
	KSMCTL_SKIP_SHARED,	/* MAP_SHARED: KSM never merges it */
	KSMCTL_SKIP_IO,		/* PFN, I/O or mixed mapping (devices) */
	KSMCTL_SKIP_HUGETLB,	/* hugetlbfs */
	KSMCTL_SKIP_DAX,	/* DAX */
	KSMCTL_SKIP_SPECIAL,	/* VM_DONTEXPAND (vdso, vvar...) or another
				   flag KSM refuses */
	KSMCTL_SKIP_CLASS,	/* not of the classes asked for */
	KSMCTL_SKIP_RANGE,	/* only partly inside the range asked for */

	__KSMCTL_SKIP_LAST
};
#define KSMCTL_SKIP_MAX (__KSMCTL_SKIP_LAST - 1)

/* multicast group of KSMCTL_CMD_RULE_EVENT */
#define KSMCTL_MCGRP_MONITOR	"monitor"

/* most rules the module holds */
#define KSMCTL_RULES_MAX	256

/* KSMCTL_A_RULE_ACTION */
enum ksmctl_rule_action {
	KSMCTL_RULE_UNSPEC,
	KSMCTL_RULE_MERGE,	/* make matching processes mergeable */
	KSMCTL_RULE_NEVER,	/* keep them unmergeable; wins over MERGE */

	__KSMCTL_RULE_LAST
};
#define KSMCTL_RULE_ACTION_MAX (__KSMCTL_RULE_LAST - 1)

/* KSMCTL_A_RULE_FLAGS */
enum ksmctl_rule_flags {
	KSMCTL_RULE_F_TREE	= 1U << 0,	/* PID and its descendants */
	KSMCTL_RULE_F_RECURSIVE	= 1U << 1,	/* CGROUP and cgroups below */
};
#define KSMCTL_RULE_F_ALL (KSMCTL_RULE_F_TREE | KSMCTL_RULE_F_RECURSIVE)

/* Attributes nested in KSMCTL_A_RULE. */
enum ksmctl_rule_attr {
	KSMCTL_A_RULE_UNSPEC,
	KSMCTL_A_RULE_PAD,
	KSMCTL_A_RULE_ID,
	KSMCTL_A_RULE_ACTION,
	KSMCTL_A_RULE_FLAGS,
	KSMCTL_A_RULE_PID,
	KSMCTL_A_RULE_CGROUP,
	KSMCTL_A_RULE_EXE,
	KSMCTL_A_RULE_COMM,
	KSMCTL_A_RULE_UID,
	KSMCTL_A_RULE_HITS,

	__KSMCTL_A_RULE_LAST
};
#define KSMCTL_A_RULE_MAX (__KSMCTL_A_RULE_LAST - 1)

/* Attributes nested in KSMCTL_A_EVENT. */
enum ksmctl_event_attr {
	KSMCTL_A_EVENT_UNSPEC,
	KSMCTL_A_EVENT_PAD,
	KSMCTL_A_EVENT_RULE_ID,
	KSMCTL_A_EVENT_ACTION,
	KSMCTL_A_EVENT_PID,
	KSMCTL_A_EVENT_COMM,
	KSMCTL_A_EVENT_VMAS,
	KSMCTL_A_EVENT_BYTES,

	__KSMCTL_A_EVENT_LAST
};
#define KSMCTL_A_EVENT_MAX (__KSMCTL_A_EVENT_LAST - 1)

#endif /* _UAPI_LINUX_KSMCTL_H */
