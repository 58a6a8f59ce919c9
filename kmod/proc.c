// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process KSM figures, and who may see them.
 */

#include <linux/cgroup.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <net/netlink.h>

#include <linux/ksmctl.h>

#include "proc.h"
#include "vma.h"
#include "walk.h"

/**
 * ksmctl_viewer_init() - describe the caller
 * @v: filled in; release with ksmctl_viewer_release()
 * @cred: credentials of the opener of the socket or file asked through
 * @privileged: whether the caller passed the CAP_SYS_PTRACE check
 *
 * Namespaces are those of current, the task that asks.
 */
void ksmctl_viewer_init(struct ksmctl_viewer *v, const struct cred *cred,
			bool privileged)
{
	v->pid_ns = get_pid_ns(task_active_pid_ns(current));
	v->user_ns = cred->user_ns;
	v->fsuid = cred->fsuid;
	v->fsgid = cred->fsgid;
	v->privileged = privileged;
}

void ksmctl_viewer_release(struct ksmctl_viewer *v)
{
	if (v->pid_ns)
		put_pid_ns(v->pid_ns);
	v->pid_ns = NULL;
}

/*
 * Whether callers without CAP_SYS_PTRACE see their own processes at all.
 * The module cannot ask a security module the ptrace question /proc asks
 * (ptrace_may_access() is not exported): on a host whose LSM policy keeps
 * processes of one user from reading each other's maps, turn it off.
 */
static bool unprivileged_view = true;
module_param(unprivileged_view, bool, 0644);
MODULE_PARM_DESC(unprivileged_view,
		 "callers without CAP_SYS_PTRACE see their own dumpable processes (default: yes)");

/**
 * ksmctl_may_see() - may the viewer see this process's memory figures?
 * @v: the viewer
 * @task: the process
 * @mm: its mm
 *
 * The rule of /proc/PID/ files that reveal memory layout: privileged
 * callers see all; others (unless unprivileged_view is off) see processes
 * whose real, effective and saved uid and gid all equal their filesystem
 * ids, and that are dumpable.
 */
bool ksmctl_may_see(const struct ksmctl_viewer *v, struct task_struct *task,
		    struct mm_struct *mm)
{
	const struct cred *tcred;
	bool same;

	if (v->privileged)
		return true;
	if (!READ_ONCE(unprivileged_view))
		return false;

	rcu_read_lock();
	tcred = __task_cred(task);
	same = uid_eq(v->fsuid, tcred->uid) && uid_eq(v->fsuid, tcred->euid) &&
	       uid_eq(v->fsuid, tcred->suid) && gid_eq(v->fsgid, tcred->gid) &&
	       gid_eq(v->fsgid, tcred->egid) && gid_eq(v->fsgid, tcred->sgid);
	rcu_read_unlock();

	return same && ksmctl_dumpable_by_owner(task, mm);
}

/**
 * ksmctl_process_mm() - a process's mm, and the thread that holds it
 * @leader: the thread-group leader
 * @holder: set to the thread the mm was taken from, with a reference held
 *	(put_task_struct() it)
 *
 * The leader's mm; when the leader has exited while other threads live on
 * (pthread_exit() in main), the mm of a live thread.
 *
 * Return: the mm with a reference held (mmput() it), or NULL for a kernel
 * thread or a process that is exiting.
 */
struct mm_struct *ksmctl_process_mm(struct task_struct *leader,
				    struct task_struct **holder)
{
	struct mm_struct *mm = NULL;
	struct task_struct *t;

	rcu_read_lock();
	for_each_thread(leader, t) {
		task_lock(t);
		if (t->mm && !(t->flags & PF_KTHREAD)) {
			mm = t->mm;
			mmget(mm);
			get_task_struct(t);
			*holder = t;
		}
		task_unlock(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

/**
 * ksmctl_visible_mm() - the mm of a process the viewer may see
 * @v: the viewer
 * @leader: the thread-group leader
 *
 * Takes the process's exec_update_lock around "take the mm, check the
 * viewer", as mm_access() does for /proc/PID/maps: an exec cannot put a new
 * program (a setuid one) in the mm between the two while the checked
 * credentials are still the old ones.
 *
 * Return: the mm with a reference held; NULL if the process has none
 * (exiting, kernel thread) or the viewer may not see it; ERR_PTR(-EINTR)
 * on a fatal signal.
 */
struct mm_struct *ksmctl_visible_mm(const struct ksmctl_viewer *v,
				    struct task_struct *leader)
{
	struct task_struct *holder;
	struct mm_struct *mm;
	bool visible = false;

	if (down_read_killable(&leader->signal->exec_update_lock))
		return ERR_PTR(-EINTR);
	mm = ksmctl_process_mm(leader, &holder);
	if (mm) {
		visible = ksmctl_may_see(v, holder, mm);
		put_task_struct(holder);
	}
	up_read(&leader->signal->exec_update_lock);
	if (mm && !visible) {
		mmput(mm);
		mm = NULL;
	}
	return mm;
}

/**
 * ksmctl_find_process() - resolve a request's pid to a process the caller may see
 * @v: the caller
 * @pid_attr: KSMCTL_A_PID, or NULL
 * @extack: for the error message
 * @mmp: the process's mm, with a reference held (mmput() it)
 *
 * Thread ids resolve to their process. An unprivileged caller gets the
 * same answer, -ESRCH "no such process", for a pid that does not exist
 * and for one it may not see (another user's, not dumpable, a kernel
 * thread, exiting): nothing tells it which pids exist that /proc would
 * hide (hidepid=invisible). Privileged callers are told which it is.
 *
 * Return: the thread-group leader with a reference held, or an ERR_PTR.
 */
struct task_struct *ksmctl_find_process(const struct ksmctl_viewer *v,
					const struct nlattr *pid_attr,
					struct netlink_ext_ack *extack,
					struct mm_struct **mmp)
{
	struct task_struct *task, *leader;
	struct mm_struct *mm;
	u32 nr;

	if (!pid_attr) {
		NL_SET_ERR_MSG(extack, "missing pid (KSMCTL_A_PID)");
		ksmctl_err_attr_miss(extack, NULL, KSMCTL_A_PID);
		return ERR_PTR(-EINVAL);
	}
	nr = nla_get_u32(pid_attr);
	if (nr == 0 || nr > PID_MAX_LIMIT) {
		NL_SET_ERR_MSG_ATTR(extack, pid_attr, "invalid pid");
		return ERR_PTR(-EINVAL);
	}

	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, v->pid_ns), PIDTYPE_PID);
	leader = task ? task->group_leader : NULL;
	if (leader)
		get_task_struct(leader);
	rcu_read_unlock();
	if (!leader)
		goto hidden;
	if (leader->flags & PF_KTHREAD) {
		put_task_struct(leader);
		if (!v->privileged)
			goto hidden;
		NL_SET_ERR_MSG_ATTR(extack, pid_attr,
				    "is a kernel thread, it has no user memory");
		return ERR_PTR(-EINVAL);
	}
	mm = ksmctl_visible_mm(v, leader);
	if (IS_ERR_OR_NULL(mm)) {
		put_task_struct(leader);
		if (IS_ERR(mm)) {
			NL_SET_ERR_MSG(extack, "interrupted");
			return ERR_CAST(mm);
		}
		if (!v->privileged)
			goto hidden;
		/* a privileged viewer sees every process that has an mm */
		NL_SET_ERR_MSG_ATTR(extack, pid_attr, "process is exiting");
		return ERR_PTR(-ESRCH);
	}
	*mmp = mm;
	return leader;

hidden:
	NL_SET_ERR_MSG_ATTR(extack, pid_attr, "no such process");
	return ERR_PTR(-ESRCH);
}

/**
 * ksmctl_process_uses_mm() - does the process still run in this mm?
 * @pid: the process
 * @mm: the mm it ran in
 *
 * False once the process exited or exec'd another program.
 */
bool ksmctl_process_uses_mm(struct pid *pid, struct mm_struct *mm)
{
	struct task_struct *leader, *t;
	bool uses = false;

	rcu_read_lock();
	leader = pid_task(pid, PIDTYPE_TGID);
	if (leader) {
		for_each_thread(leader, t) {
			if (READ_ONCE(t->mm) == mm) {
				uses = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return uses;
}

/**
 * ksmctl_next_process() - the process with the lowest tgid >= *nr
 * @v: the viewer, whose pid namespace is searched
 * @nr: in: where to start; out: the tgid found
 *
 * The iteration /proc's readdir uses: nothing is held between calls, so
 * processes may come and go, but a cursor moving up visits each tgid once.
 *
 * Return: the process with a reference held, or NULL at the end.
 */
struct task_struct *ksmctl_next_process(const struct ksmctl_viewer *v,
					pid_t *nr)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	for (;;) {
		pid = ksmctl_find_ge_pid(*nr, v->pid_ns);
		if (!pid)
			break;
		*nr = pid_nr_ns(pid, v->pid_ns);
		task = pid_task(pid, PIDTYPE_TGID);
		if (task) {
			get_task_struct(task);
			break;
		}
		(*nr)++;
	}
	rcu_read_unlock();
	return task;
}

/**
 * ksmctl_cgroup_path() - the process's cgroup v2 path, as the caller sees it
 * @task: the process
 * @buf: output
 * @len: size of @buf
 *
 * Return: length of the path, or a negative errno.
 */
int ksmctl_cgroup_path(struct task_struct *task, char *buf, size_t len)
{
	struct cgroup_subsys_state *css;
	int ret;

	rcu_read_lock();
	css = &task_dfl_cgroup(task)->self;
	if (!css_tryget(css))
		css = NULL;
	rcu_read_unlock();
	if (!css)
		return -ENOENT;
	ret = cgroup_path_ns(css->cgroup, buf, len,
			     current->nsproxy->cgroup_ns);
	css_put(css);
	return ret;
}

/**
 * ksmctl_cgpath_cache_init() - an empty cache, for the caller's namespace
 * @c: the cache, zeroed; ksmctl_cgpath_cache_release() it
 *
 * The paths will be relative to current's cgroup namespace, whichever
 * task goes on with the dump later.
 */
void ksmctl_cgpath_cache_init(struct ksmctl_cgpath_cache *c)
{
	c->ns = current->nsproxy->cgroup_ns;
	get_cgroup_ns(c->ns);
}

void ksmctl_cgpath_cache_release(struct ksmctl_cgpath_cache *c)
{
	unsigned int i;

	for (i = 0; i < KSMCTL_CGPATH_CACHE; i++) {
		kfree(c->path[i]);
		c->path[i] = NULL;
		c->id[i] = 0;
	}
	if (c->ns)
		put_cgroup_ns(c->ns);
	c->ns = NULL;
}

/**
 * ksmctl_cgroup_path_cached() - the process's cgroup v2 path, cached
 * @c: the cache of the dump
 * @task: the process
 * @buf: room for a path the cache does not have
 * @len: size of @buf
 * @id: the id of the cgroup named
 *
 * The cgroup the process is in now: its id may differ from one read
 * before, if the process moved.
 *
 * Return: the path, in the cache or in @buf; "" if the cgroup has none we
 * can name.
 */
const char *ksmctl_cgroup_path_cached(struct ksmctl_cgpath_cache *c,
				      struct task_struct *task, char *buf,
				      size_t len, u64 *id)
{
	struct cgroup *cgrp;
	unsigned int i;
	int ret;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(task);
	*id = cgroup_id(cgrp);
	for (i = 0; i < KSMCTL_CGPATH_CACHE; i++) {
		if (c->id[i] == *id && c->path[i]) {
			rcu_read_unlock();
			return c->path[i];
		}
	}
	if (!css_tryget(&cgrp->self))
		cgrp = NULL;
	rcu_read_unlock();
	if (!cgrp)
		goto none;
	ret = cgroup_path_ns(cgrp, buf, len, c->ns);
	css_put(&cgrp->self);
	if (ret < 0)
		goto none;

	i = c->next;
	c->next = (i + 1) % KSMCTL_CGPATH_CACHE;
	kfree(c->path[i]);
	c->path[i] = kstrdup(buf, GFP_KERNEL);
	c->id[i] = c->path[i] ? *id : 0;
	return buf;

none:
	buf[0] = '\0';
	return buf;
}

static u64 task_cgroup_id(struct task_struct *task)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(task));
	rcu_read_unlock();
	return id;
}

/**
 * ksmctl_proc_collect() - gather the KSM figures of one process
 * @v: the viewer (for pid and uid numbering)
 * @task: the thread-group leader
 * @mm: its mm, with a reference held
 * @proportional: also walk page tables for the proportional saving
 * @st: output
 *
 * Takes @mm's mmap lock for reading. Sleeps.
 *
 * Return: 0, or -EINTR if interrupted by a fatal signal.
 */
int ksmctl_proc_collect(const struct ksmctl_viewer *v,
			struct task_struct *task, struct mm_struct *mm,
			bool proportional, struct ksmctl_proc_stats *st)
{
	bool walk = proportional || !KSMCTL_HAVE_MM_KSM_COUNTERS;
	struct ksmctl_walk w = { 0 };
	struct vm_area_struct *vma;
	struct task_struct *parent;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	st->pid = task_tgid_nr_ns(task, v->pid_ns);
	rcu_read_lock();
	parent = rcu_dereference(task->real_parent);
	st->ppid = pid_alive(task) ? task_tgid_nr_ns(parent, v->pid_ns) : 0;
	rcu_read_unlock();
	st->uid = from_kuid_munged(v->user_ns, task_uid(task));
	task_lock(task);
	strscpy(st->comm, task->comm, sizeof(st->comm));
	task_unlock(task);
	st->cgroup_id = task_cgroup_id(task);

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	{
		ksmctl_vma_iter_decl(it, mm, 0);

		ksmctl_for_each_vma(it, vma) {
			unsigned long size = vma->vm_end - vma->vm_start;

			if (vma->vm_flags & VM_MERGEABLE) {
				st->mergeable_vmas++;
				st->mergeable_bytes += size;
			}
			if (ksmctl_vma_eligible(vma))
				st->eligible_bytes += size;
			if (walk) {
				ret = ksmctl_walk_vma(vma, &w);
				if (ret)
					break;
			}
		}
	}
	mmap_read_unlock(mm);
	if (ret)
		return ret;

	st->anon_rss_bytes = (u64)get_mm_counter(mm, MM_ANONPAGES) << PAGE_SHIFT;
	if (KSMCTL_HAVE_MM_KSM_COUNTERS) {
		st->merging_pages = ksmctl_mm_merging_pages(mm);
		st->rmap_items = ksmctl_mm_rmap_items(mm);
		st->has |= KSMCTL_HAS_RMAP_ITEMS;
	} else {
		st->merging_pages = w.ksm_ptes;
	}
	if (KSMCTL_HAVE_MM_KSM_ZERO_PAGES) {
		st->zero_pages = ksmctl_mm_zero_pages(mm);
		st->has |= KSMCTL_HAS_ZERO_PAGES;
	}
	if (st->has & KSMCTL_HAS_RMAP_ITEMS)
		st->profit = (s64)((st->merging_pages + st->zero_pages) << PAGE_SHIFT) -
			     (s64)st->rmap_items * KSMCTL_RMAP_ITEM_SIZE;
	if (KSMCTL_HAVE_MERGE_ANY) {
		st->merge_any = ksmctl_mm_merge_any(mm);
		st->has |= KSMCTL_HAS_MERGE_ANY;
	}
	if (proportional) {
		st->prop_saved_bytes = ksmctl_prop_bytes(w.prop_fp);
		st->ksm_mapped_pages = w.ksm_ptes;
		st->has |= KSMCTL_HAS_PROPORTIONAL;
	}
	return 0;
}

/**
 * ksmctl_proc_collect_shown() - the figures of a process, if it is shown
 * @v: the viewer
 * @task: the thread-group leader, with a reference held
 * @proportional: also walk page tables for the proportional saving
 * @merging_only: show only processes with merging or zero pages; where the
 *	kernel keeps per-mm counters they are tested before the costly part
 * @st: output
 *
 * Return: 1 and @st filled; 0 if the process is not shown (no mm, not
 * visible to @v, or nothing merged); -EINTR on a fatal signal.
 */
int ksmctl_proc_collect_shown(const struct ksmctl_viewer *v,
			      struct task_struct *task, bool proportional,
			      bool merging_only, struct ksmctl_proc_stats *st)
{
	struct mm_struct *mm = ksmctl_visible_mm(v, task);
	int ret = 0;

	if (IS_ERR_OR_NULL(mm))
		return PTR_ERR_OR_ZERO(mm);
	if (merging_only && KSMCTL_HAVE_MM_KSM_COUNTERS &&
	    !ksmctl_mm_merging_pages(mm) && !ksmctl_mm_zero_pages(mm))
		goto out;
	ret = ksmctl_proc_collect(v, task, mm, proportional, st);
	if (!ret)
		ret = !merging_only || st->merging_pages || st->zero_pages;
out:
	mmput(mm);
	return ret;
}
