/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_PROC_H
#define _KSMCTL_PROC_H

#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>

/**
 * struct ksmctl_viewer - who asks, and so what they may see
 * @pid_ns: pids are reported in, and looked up in, this namespace
 * @user_ns: uids are reported in this namespace
 * @fsuid: filesystem uid of the opener of the asking socket or file
 * @fsgid: filesystem gid, idem
 * @privileged: CAP_SYS_PTRACE in the initial user namespace: sees all
 */
struct ksmctl_viewer {
	struct pid_namespace *pid_ns;
	struct user_namespace *user_ns;
	kuid_t fsuid;
	kgid_t fsgid;
	bool privileged;
};

/* which of the figures below the kernel can provide: &ksmctl_proc_stats.has */
enum {
	KSMCTL_HAS_RMAP_ITEMS	= 1 << 0,	/* and PROFIT */
	KSMCTL_HAS_ZERO_PAGES	= 1 << 1,
	KSMCTL_HAS_MERGE_ANY	= 1 << 2,
	KSMCTL_HAS_PROPORTIONAL	= 1 << 3,	/* and KSM_MAPPED_PAGES */
};

/*
 * KSMCTL_PROC_FIGURES(X) - the numbers GET_PROC gives of a process, in the
 * order it sends them. X(attr, member, type, has) for each:
 * @attr:   the attribute, KSMCTL_A_PROC_<attr>
 * @member: the member of &struct ksmctl_proc_stats that holds it
 * @type:   its type, in the struct and on the wire: u8, u32, u64 or s64
 * @has:    the KSMCTL_HAS_* bit without which it is not sent; 0: always
 *
 * The struct's members, the reply and the reply's size (nl_proc.c) are
 * made from this list: a new figure is a line here, an attribute in the
 * uapi header and the code in proc.c that computes it.
 */
#define KSMCTL_PROC_FIGURES(X)							\
	X(PID, pid, u32, 0)							\
	X(PPID, ppid, u32, 0)							\
	X(UID, uid, u32, 0)							\
	X(CGROUP_ID, cgroup_id, u64, 0)						\
	X(MERGING_PAGES, merging_pages, u64, 0)					\
	X(MERGEABLE_VMAS, mergeable_vmas, u32, 0)				\
	X(MERGEABLE_BYTES, mergeable_bytes, u64, 0)				\
	X(ELIGIBLE_BYTES, eligible_bytes, u64, 0)				\
	X(ANON_RSS_BYTES, anon_rss_bytes, u64, 0)				\
	X(RMAP_ITEMS, rmap_items, u64, KSMCTL_HAS_RMAP_ITEMS)			\
	X(PROFIT, profit, s64, KSMCTL_HAS_RMAP_ITEMS)				\
	X(ZERO_PAGES, zero_pages, u64, KSMCTL_HAS_ZERO_PAGES)			\
	X(MERGE_ANY, merge_any, u8, KSMCTL_HAS_MERGE_ANY)			\
	X(PROP_SAVED_BYTES, prop_saved_bytes, u64, KSMCTL_HAS_PROPORTIONAL)	\
	X(KSM_MAPPED_PAGES, ksm_mapped_pages, u64, KSMCTL_HAS_PROPORTIONAL)

/**
 * struct ksmctl_proc_stats - KSM figures of one process
 * @comm: its name
 * @has: KSMCTL_HAS_*: which figures are valid; the others are 0
 *
 * The figures are the members KSMCTL_PROC_FIGURES() lists.
 */
struct ksmctl_proc_stats {
	char comm[TASK_COMM_LEN];
#define KSMCTL_PROC_MEMBER(attr, member, type, has)	type member;
	KSMCTL_PROC_FIGURES(KSMCTL_PROC_MEMBER)
#undef KSMCTL_PROC_MEMBER
	unsigned int has;
};

void ksmctl_viewer_init(struct ksmctl_viewer *v, const struct cred *cred,
			bool privileged);
void ksmctl_viewer_release(struct ksmctl_viewer *v);
bool ksmctl_may_see(const struct ksmctl_viewer *v, struct task_struct *task,
		    struct mm_struct *mm);

struct mm_struct *ksmctl_process_mm(struct task_struct *leader,
				    struct task_struct **holder);
struct mm_struct *ksmctl_visible_mm(const struct ksmctl_viewer *v,
				    struct task_struct *leader);
bool ksmctl_process_uses_mm(struct pid *pid, struct mm_struct *mm);

struct nlattr;
struct netlink_ext_ack;
struct task_struct *ksmctl_find_process(const struct ksmctl_viewer *v,
					const struct nlattr *pid_attr,
					struct netlink_ext_ack *extack,
					struct mm_struct **mmp);
struct task_struct *ksmctl_next_process(const struct ksmctl_viewer *v,
					pid_t *nr);
int ksmctl_proc_collect(const struct ksmctl_viewer *v,
			struct task_struct *task, struct mm_struct *mm,
			bool proportional, struct ksmctl_proc_stats *st);
int ksmctl_proc_collect_shown(const struct ksmctl_viewer *v,
			      struct task_struct *task, bool proportional,
			      bool merging_only, struct ksmctl_proc_stats *st);
int ksmctl_cgroup_path(struct task_struct *task, char *buf, size_t len);

#define KSMCTL_CGPATH_CACHE	8

/**
 * struct ksmctl_cgpath_cache - the cgroup paths one dump named last
 * @ns: the cgroup namespace of the caller, that the paths are relative to
 *	(a reference is held)
 * @id: cgroup ids; 0 (no cgroup has it) marks a free slot
 * @path: their paths, kmalloc()ed
 * @next: the slot to replace next (round robin)
 *
 * Processes share few cgroups. A cgroup id is never reused and a cgroup v2
 * directory cannot be renamed, so a path once found stays right for the
 * dump.
 */
struct ksmctl_cgpath_cache {
	struct cgroup_namespace *ns;
	u64 id[KSMCTL_CGPATH_CACHE];
	char *path[KSMCTL_CGPATH_CACHE];
	unsigned int next;
};

void ksmctl_cgpath_cache_init(struct ksmctl_cgpath_cache *c);
void ksmctl_cgpath_cache_release(struct ksmctl_cgpath_cache *c);
const char *ksmctl_cgroup_path_cached(struct ksmctl_cgpath_cache *c,
				      struct task_struct *task, char *buf,
				      size_t len, u64 *id);

#endif /* _KSMCTL_PROC_H */
