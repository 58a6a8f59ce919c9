// SPDX-License-Identifier: GPL-2.0
/*
 * Sticky rules: the rule list, matching, and the work that keeps the
 * matching processes' VMAs as the rules want them.
 *
 * Everything that changes a process runs in one ordered workqueue, so
 * never two passes at once:
 *   - pass_work, a delayed work: a pass over every process, queued at once
 *     when a rule is added and then every KSMCTL_RULES_PERIOD_MS while
 *     rules exist (new VMAs, cgroup moves, uid changes);
 *   - pending_work: the processes the tracepoint probes (hooks.c) saw fork
 *     or exec, handled one by one. The probes run in atomic context: they
 *     only put the pid in a small array under a spinlock and queue the
 *     work; if the array is full the next pass is brought forward instead.
 *
 * A process is looked at as: get_task_mm(); the verdict of the rules under
 * rules_lock (a mutex; RCU inside for the cgroup, parent chain and exe
 * file); then, without rules_lock, a cheap check under the mmap read lock
 * (does any VMA differ from the verdict?) and only then ksmctl_mark_mm(),
 * which takes the mmap write lock in bounded batches. A process that exits
 * meanwhile is harmless: we hold its task and mm until done.
 */

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <linux/ksmctl.h>

#include "mark.h"
#include "netlink.h"
#include "rules.h"
#include "vma.h"

#define PENDING_MAX	64	/* pids queued by the probes between works */

static DEFINE_MUTEX(rules_mutex);	/* rules, next_id, stopping */
static LIST_HEAD(rules);
static unsigned int nr_rules;
static u32 next_id = 1;
static bool stopping;

/* read by the probes without a lock: is there anything to do? */
bool ksmctl_rules_active;

static struct workqueue_struct *rules_wq;
static void pass_fn(struct work_struct *work);
static void pending_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(pass_work, pass_fn);
static DECLARE_WORK(pending_work, pending_fn);

static DEFINE_SPINLOCK(pending_lock);	/* pending, nr_pending, overflow */
static pid_t pending[PENDING_MAX];
static unsigned int nr_pending;
static bool pending_overflow;

void ksmctl_rules_lock(void)
{
	mutex_lock(&rules_mutex);
}

void ksmctl_rules_unlock(void)
{
	mutex_unlock(&rules_mutex);
}

/**
 * ksmctl_rule_find_ge() - the rule with the smallest id >= @id
 * @id: where to look from
 *
 * Context: under ksmctl_rules_lock().
 * Return: the rule, or NULL.
 */
struct ksmctl_rule *ksmctl_rule_find_ge(u32 id)
{
	struct ksmctl_rule *r;

	lockdep_assert_held(&rules_mutex);
	list_for_each_entry(r, &rules, node)
		if (r->id >= id)
			return r;
	return NULL;
}

void ksmctl_rule_free(struct ksmctl_rule *r)
{
	if (!r)
		return;
	put_pid(r->pid);
	if (r->cgrp)
		cgroup_put(r->cgrp);
	if (r->exe.dentry)
		path_put(&r->exe);
	kfree(r->cgroup_path);
	kfree(r->exe_path);
	kfree(r);
}

static bool rule_same(const struct ksmctl_rule *a, const struct ksmctl_rule *b)
{
	return a->action == b->action && a->flags == b->flags &&
	       a->pid == b->pid && a->cgrp == b->cgrp &&
	       a->exe.dentry == b->exe.dentry &&
	       !strcmp(a->comm, b->comm) && a->has_uid == b->has_uid &&
	       (!a->has_uid || uid_eq(a->uid, b->uid));
}

/* bring the next pass forward to now; under rules_mutex */
static void kick_pass(void)
{
	lockdep_assert_held(&rules_mutex);
	if (!stopping && nr_rules)
		mod_delayed_work(rules_wq, &pass_work, 0);
}

/**
 * ksmctl_rule_add() - add a rule, and apply it (asynchronously)
 * @r: the rule, all but @r->id filled; owned by the list on success
 * @extack: for the error message
 *
 * Return: 0, -EEXIST, -ENOSPC or -ESHUTDOWN.
 */
int ksmctl_rule_add(struct ksmctl_rule *r, struct netlink_ext_ack *extack)
{
	struct ksmctl_rule *o;
	int err = 0;

	mutex_lock(&rules_mutex);
	if (stopping) {
		err = -ESHUTDOWN;
		goto out;
	}
	list_for_each_entry(o, &rules, node) {
		if (rule_same(o, r)) {
			NL_SET_ERR_MSG(extack, "the same rule exists");
			err = -EEXIST;
			goto out;
		}
	}
	if (nr_rules >= KSMCTL_RULES_MAX) {
		NL_SET_ERR_MSG(extack, "too many rules");
		err = -ENOSPC;
		goto out;
	}
	r->id = next_id++;
	list_add_tail(&r->node, &rules);
	nr_rules++;
	WRITE_ONCE(ksmctl_rules_active, true);
	kick_pass();
out:
	mutex_unlock(&rules_mutex);
	return err;
}

/**
 * ksmctl_rule_del() - delete a rule; what it did stays
 * @id: the rule's id
 *
 * Return: 0 or -ENOENT.
 */
int ksmctl_rule_del(u32 id)
{
	struct ksmctl_rule *r, *found = NULL;

	mutex_lock(&rules_mutex);
	list_for_each_entry(r, &rules, node) {
		if (r->id == id) {
			found = r;
			list_del(&r->node);
			nr_rules--;
			break;
		}
	}
	if (!nr_rules)
		WRITE_ONCE(ksmctl_rules_active, false);
	mutex_unlock(&rules_mutex);
	ksmctl_rule_free(found);
	return found ? 0 : -ENOENT;
}

/* Matching. Under rules_mutex and rcu_read_lock(). */

static bool match_pid(const struct ksmctl_rule *r, struct task_struct *task)
{
	struct task_struct *t = task, *parent;

	if (task_tgid(task) == r->pid)
		return true;
	if (!(r->flags & KSMCTL_RULE_F_TREE))
		return false;
	for (;;) {
		parent = rcu_dereference(t->real_parent);
		if (parent == t || parent == &init_task || !pid_alive(parent))
			return false;
		if (task_tgid(parent) == r->pid)
			return true;
		t = parent;
	}
}

static bool match_cgroup(const struct ksmctl_rule *r, struct task_struct *task)
{
	struct cgroup *cgrp = task_dfl_cgroup(task);

	if (cgrp == r->cgrp)
		return true;
	return (r->flags & KSMCTL_RULE_F_RECURSIVE) &&
	       cgroup_is_descendant(cgrp, r->cgrp);
}

static bool match_exe(const struct ksmctl_rule *r, struct mm_struct *mm)
{
	struct file *exe = rcu_dereference(mm->exe_file);

	return exe && file_inode(exe) == d_inode(r->exe.dentry);
}

static bool rule_matches(const struct ksmctl_rule *r, struct task_struct *task,
			 struct mm_struct *mm, const char *comm)
{
	if (r->pid && !match_pid(r, task))
		return false;
	if (r->cgrp && !match_cgroup(r, task))
		return false;
	if (r->exe.dentry && !match_exe(r, mm))
		return false;
	if (r->comm[0] && strcmp(r->comm, comm))
		return false;
	if (r->has_uid && !uid_eq(task_uid(task), r->uid))
		return false;
	return true;
}

/* KSMCTL_RULE_* the rules want for this process (UNSPEC: none), and which */
static u32 verdict(struct task_struct *task, struct mm_struct *mm, u32 *id)
{
	char comm[TASK_COMM_LEN];
	struct ksmctl_rule *r;
	u32 v = KSMCTL_RULE_UNSPEC;

	get_task_comm(comm, task);
	mutex_lock(&rules_mutex);
	rcu_read_lock();
	list_for_each_entry(r, &rules, node) {
		if (r->action <= v || !rule_matches(r, task, mm, comm))
			continue;
		v = r->action;		/* NEVER > MERGE: never wins */
		*id = r->id;
		if (v == KSMCTL_RULE_NEVER)
			break;
	}
	rcu_read_unlock();
	mutex_unlock(&rules_mutex);
	return v;
}

/* Does any VMA differ from what the verdict wants? */
static bool mm_differs(struct mm_struct *mm, bool unmark)
{
	struct vm_area_struct *vma;
	bool ret = false;

	mmap_read_lock(mm);
	{
		ksmctl_vma_iter_decl(it, mm, 0);

		ksmctl_for_each_vma(it, vma) {
			bool mergeable = vma->vm_flags & VM_MERGEABLE;

			if (unmark ? mergeable :
			    !mergeable && ksmctl_vma_eligible(vma)) {
				ret = true;
				break;
			}
		}
	}
	mmap_read_unlock(mm);
	return ret;
}

static void count_hit(u32 id)
{
	struct ksmctl_rule *r;

	mutex_lock(&rules_mutex);
	r = ksmctl_rule_find_ge(id);
	if (r && r->id == id)
		r->hits++;
	mutex_unlock(&rules_mutex);
}

/* apply the rules to one process; in the workqueue */
static void apply_task(struct task_struct *task)
{
	struct ksmctl_mark_req rq = {
		.start = 0, .end = ULONG_MAX, .classes = KSMCTL_CLASS_ALL,
	};
	struct ksmctl_mark_res res = { 0 };
	struct mm_struct *mm;
	u32 v, id = 0;
	int err;

	mm = get_task_mm(task);
	if (!mm)
		return;		/* exited, or a kernel thread */
	v = verdict(task, mm, &id);
	if (v == KSMCTL_RULE_UNSPEC)
		goto out;
	rq.unmark = v == KSMCTL_RULE_NEVER;
	if (!mm_differs(mm, rq.unmark))
		goto out;
	err = ksmctl_mark_mm(mm, &rq, &res);
	if (err)
		pr_debug("rule %u: pid %d: error %d\n", id, task_tgid_nr(task),
			 err);
	if (res.vmas) {
		count_hit(id);
		ksmctl_nl_rule_event(id, v, task, res.vmas, res.bytes);
	}
out:
	mmput(mm);
}

/* user processes (thread-group leaders with an mm), with a reference */
static struct task_struct **collect_processes(unsigned int *n)
{
	struct task_struct **tasks, *p;
	unsigned int cap = 0, i = 0;

	rcu_read_lock();
	for_each_process(p)
		cap++;
	rcu_read_unlock();
	cap += 64;
	tasks = kvmalloc_array(cap, sizeof(*tasks), GFP_KERNEL);
	if (!tasks)
		return NULL;
	rcu_read_lock();
	for_each_process(p) {
		if (i == cap)
			break;
		if ((p->flags & PF_KTHREAD) || !READ_ONCE(p->mm))
			continue;
		get_task_struct(p);
		tasks[i++] = p;
	}
	rcu_read_unlock();
	*n = i;
	return tasks;
}

static void pass_fn(struct work_struct *work)
{
	struct task_struct **tasks;
	unsigned int n = 0, i;

	if (!READ_ONCE(ksmctl_rules_active))
		return;
	tasks = collect_processes(&n);
	for (i = 0; i < n; i++) {
		apply_task(tasks[i]);
		put_task_struct(tasks[i]);
		cond_resched();
	}
	kvfree(tasks);

	mutex_lock(&rules_mutex);
	if (!stopping && nr_rules)
		queue_delayed_work(rules_wq, &pass_work,
				   msecs_to_jiffies(KSMCTL_RULES_PERIOD_MS));
	mutex_unlock(&rules_mutex);
}

static void pending_fn(struct work_struct *work)
{
	pid_t nrs[PENDING_MAX];
	unsigned int n, i;
	bool overflow;

	spin_lock_irq(&pending_lock);
	n = nr_pending;
	memcpy(nrs, pending, n * sizeof(*nrs));
	nr_pending = 0;
	overflow = pending_overflow;
	pending_overflow = false;
	spin_unlock_irq(&pending_lock);

	for (i = 0; i < n; i++) {
		struct task_struct *task;
		struct pid *pid;

		pid = find_get_pid(nrs[i]);
		task = pid ? get_pid_task(pid, PIDTYPE_TGID) : NULL;
		put_pid(pid);
		if (!task)
			continue;	/* gone already */
		apply_task(task);
		put_task_struct(task);
		cond_resched();
	}
	if (overflow) {
		mutex_lock(&rules_mutex);
		kick_pass();
		mutex_unlock(&rules_mutex);
	}
}

/**
 * ksmctl_rules_note_pid() - look at this process soon
 * @nr: its tgid in the initial pid namespace
 *
 * Context: any, called by the tracepoint probes; does not sleep.
 */
void ksmctl_rules_note_pid(pid_t nr)
{
	unsigned long irqflags;
	unsigned int i;

	spin_lock_irqsave(&pending_lock, irqflags);
	for (i = 0; i < nr_pending; i++)
		if (pending[i] == nr)
			break;
	if (i == nr_pending) {
		if (nr_pending < PENDING_MAX)
			pending[nr_pending++] = nr;
		else
			pending_overflow = true;
	}
	spin_unlock_irqrestore(&pending_lock, irqflags);
	/* rules_wq exists from init to uninit, and the probes are gone first */
	queue_work(rules_wq, &pending_work);
}

/* /proc/ksmctl/rules */

static int rules_show(struct seq_file *m, void *v)
{
	struct user_namespace *ns = seq_user_ns(m);
	struct ksmctl_rule *r;

	/* the match is in the syntax of /etc/ksmctl.conf (ksmctl(8)) */
	seq_puts(m, "ID ACTION HITS MATCH\n");
	mutex_lock(&rules_mutex);
	list_for_each_entry(r, &rules, node) {
		seq_printf(m, "%u %s %llu", r->id,
			   r->action == KSMCTL_RULE_NEVER ? "never" : "merge",
			   r->hits);
		if (r->pid)
			seq_printf(m, " pid=%d%s", pid_vnr(r->pid),
				   r->flags & KSMCTL_RULE_F_TREE ? " tree" : "");
		if (r->cgrp)
			seq_printf(m, " cgroup=%s%s", r->cgroup_path,
				   r->flags & KSMCTL_RULE_F_RECURSIVE ?
				   " recursive" : "");
		if (r->exe.dentry)
			seq_printf(m, " exe=%s", r->exe_path);
		if (r->comm[0])
			seq_printf(m, " comm=%s", r->comm);
		if (r->has_uid)
			seq_printf(m, " uid=%u", from_kuid_munged(ns, r->uid));
		seq_putc(m, '\n');
	}
	mutex_unlock(&rules_mutex);
	return 0;
}

int __init ksmctl_rules_init(void)
{
	rules_wq = alloc_ordered_workqueue("ksmctl_rules", 0);
	if (!rules_wq)
		return -ENOMEM;
	/* readable by all: rules are configuration, like /etc/ksmctl.conf */
	if (!proc_create_single("ksmctl/rules", 0444, NULL, rules_show)) {
		destroy_workqueue(rules_wq);
		return -ENOMEM;
	}
	return 0;
}

/**
 * ksmctl_rules_stop() - stop applying rules; nothing is queued after this
 *
 * Context: the tracepoint probes are already unregistered.
 */
void ksmctl_rules_stop(void)
{
	mutex_lock(&rules_mutex);
	stopping = true;
	WRITE_ONCE(ksmctl_rules_active, false);
	mutex_unlock(&rules_mutex);
	cancel_work_sync(&pending_work);
	cancel_delayed_work_sync(&pass_work);
}

/* Drop every rule. What they did stays (module unload, documented). */
void ksmctl_rules_uninit(void)
{
	struct ksmctl_rule *r, *tmp;

	remove_proc_entry("ksmctl/rules", NULL);
	destroy_workqueue(rules_wq);
	list_for_each_entry_safe(r, tmp, &rules, node) {
		list_del(&r->node);
		ksmctl_rule_free(r);
	}
	nr_rules = 0;
}
