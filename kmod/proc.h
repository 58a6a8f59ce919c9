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

/**
 * struct ksmctl_proc_stats - KSM figures of one process
 *
 * Fields the kernel cannot provide are left 0; @has says which are valid.
 */
struct ksmctl_proc_stats {
	pid_t pid;
	pid_t ppid;
	uid_t uid;
	char comm[TASK_COMM_LEN];
	u64 cgroup_id;
	u64 merging_pages;
	u64 rmap_items;
	u64 zero_pages;
	s64 profit;
	u32 mergeable_vmas;
	u64 mergeable_bytes;
	u64 eligible_bytes;
	u64 anon_rss_bytes;
	bool merge_any;
	u64 prop_saved_bytes;
	u64 ksm_mapped_pages;
	unsigned int has;
};

enum {
	KSMCTL_HAS_RMAP_ITEMS	= 1 << 0,	/* and PROFIT */
	KSMCTL_HAS_ZERO_PAGES	= 1 << 1,
	KSMCTL_HAS_MERGE_ANY	= 1 << 2,
	KSMCTL_HAS_PROPORTIONAL	= 1 << 3,	/* and KSM_MAPPED_PAGES */
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
