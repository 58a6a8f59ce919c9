// SPDX-License-Identifier: GPL-2.0
/*
 * A look at one process: the processes and mms the rules follow, and
 * making an mm's VMAs as its verdict wants them.
 *
 * A process is looked at as: the mm of a live thread of it (its main
 * thread may have exited, pthread_exit()); the verdict of the rules under
 * their lock (RCU inside for the cgroup, tree rules and exe file), kept
 * until the rules change (their gen) or an event or scan asks again;
 * then, without the lock, a cheap check under the mmap read lock (does any
 * VMA differ from the verdict?) and only then ksmctl_mark_mm(), which takes the
 * mmap write lock in bounded batches. An unchanged ksmctl_mm_change_seq()
 * since the VMAs were last found right skips even the check: where the
 * kernel counts the mmap write-lock sections of an mm, exactly (VMAs and
 * their flags change only under the write lock); elsewhere a fingerprint
 * of its counters, and then a scan walks every followed process anyway.
 * A process that exits meanwhile is harmless: we hold its task and mm
 * until done.
 *
 * One address space, one verdict: what the rules did to an mm is kept
 * once (struct ksmctl_followed_mm) for the followed processes that share it
 * (clone() with CLONE_VM but not CLONE_THREAD, vfork); if one of them is
 * followed as never, never is the mm's verdict, instead of each marking
 * what the other unmarked at every tick, and a change of the mm costs one
 * walk, not one per process.
 *
 * The merge-any flag of PR_SET_MEMORY_MERGE (6.4 and later) is the
 * process's own: PR_GET_MEMORY_MERGE tells the process what it asked for,
 * and its children inherit it. Rules never set it: the ticks mark the new
 * VMAs of a followed process, the probes bring its children and exec'd
 * images, so nothing a rule did outlives it in the kernel's hands (a fork
 * racing the rule's deletion or the unload, a queue overflow). Only a
 * never rule touches it, as never wins: it clears the flag of an mm whose
 * process asked for it (@took_any, of the mm) while it holds, and when no
 * never verdict holds the mm any more (the process stops matching, the
 * rule goes, the module unloads, a never process that shared the mm
 * exits) the flag is given back and the VMAs marked, as PR_SET_MEMORY_MERGE
 * does. Children forked and images exec'd meanwhile start without it, as
 * their parent then was; a PR_SET_MEMORY_MERGE 0 asked meanwhile is
 * undone by the give-back (the kernel ignores it then: the flag is clear).
 */

#include <linux/hashtable.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <linux/ksmctl.h>

#include "mark.h"
#include "proc.h"
#include "rules_engine.h"
#include "vma.h"

/*
 * Give the merge-any flag back to @mm, as PR_SET_MEMORY_MERGE sets it: the
 * VMAs marked, then the flag (once the mm is registered with ksmd). If
 * marking stops early (a signal, as at a killed rmmod), the flag is not
 * set: marked and never scanned VMAs would be worse.
 */
static void give_back(struct mm_struct *mm)
{
	struct ksmctl_mark_req rq = {
		.start = 0, .end = ULONG_MAX, .classes = KSMCTL_CLASS_ALL,
		.set_any = true,
	};
	struct ksmctl_mark_res res = { 0 };

	if (!mmget_not_zero(mm))
		return;		/* no one runs in it any more */
	if (!ksmctl_mm_merge_any(mm))
		ksmctl_mark_mm(mm, &rq, &res);
	mmput_async(mm);
}

/* the followed_mm of @mm, with one more user; NULL if out of memory */
static struct ksmctl_followed_mm *fm_get(struct mm_struct *mm)
{
	struct ksmctl_followed_mm *fm;

	hash_for_each_possible(ksmctl_rules.followed_mms, fm, node,
			       (unsigned long)mm)
		if (fm->mm == mm)
			goto found;
	fm = kzalloc(sizeof(*fm), GFP_KERNEL);
	if (!fm)
		return NULL;
	mmgrab(mm);
	fm->mm = mm;
	hash_add(ksmctl_rules.followed_mms, &fm->node, (unsigned long)mm);
found:
	fm->users++;
	return fm;
}

/* one user less; the last one gives back what a never verdict took */
static void fm_put(struct ksmctl_followed_mm *fm)
{
	if (!fm || --fm->users)
		return;
	hash_del(&fm->node);
	if (fm->took_any)
		give_back(fm->mm);
	if (llist_add(&fm->free_node, &ksmctl_rules.unfollowed_mms))
		schedule_delayed_work(&ksmctl_rules.release_work,
				      msecs_to_jiffies(RELEASE_DELAY_MS));
}

/*
 * @f's verdict is @v from now on: the count of never verdicts of its mm
 * follows, and the mm is walked again at the next look of any of its
 * processes when that changes what the mm's verdict is.
 */
static void set_verdict(struct ksmctl_followed *f, u32 v, u32 id)
{
	struct ksmctl_followed_mm *fm = f->fm;

	if (fm && (f->verdict == KSMCTL_RULE_NEVER) != (v == KSMCTL_RULE_NEVER)) {
		if (v == KSMCTL_RULE_NEVER) {
			fm->nevers++;
		} else {
			fm->nevers--;
			fm->never_id = 0;	/* another never process's look sets it */
		}
		fm->clean = false;
	}
	if (fm && v == KSMCTL_RULE_NEVER)
		fm->never_id = id;
	f->verdict = v;
	f->rule_id = id;
}

/* @f's process has @mm now: move it to @mm's followed_mm */
static void follow_mm(struct ksmctl_followed *f, struct mm_struct *mm)
{
	struct ksmctl_followed_mm *old = f->fm;
	u32 v = f->verdict, id = f->rule_id;

	if (old && old->mm == mm)
		return;
	set_verdict(f, KSMCTL_RULE_UNSPEC, 0);
	f->fm = fm_get(mm);		/* NULL: out of memory, no state kept */
	set_verdict(f, v, id);
	fm_put(old);
}

/* the verdict of @f's mm: never if any of its processes is followed as never */
static u32 mm_verdict(const struct ksmctl_followed *f, u32 *id)
{
	if (f->fm && f->fm->nevers && f->verdict != KSMCTL_RULE_NEVER) {
		*id = f->fm->never_id;
		return KSMCTL_RULE_NEVER;
	}
	*id = f->rule_id;
	return f->verdict;
}

/* the mm of @fm was found as @verdict wants it: a tick has nothing to do */
static bool fm_quiet(const struct ksmctl_followed_mm *fm, u32 verdict)
{
	return fm->clean && fm->applied == verdict &&
	       ksmctl_mm_change_seq(fm->mm) == fm->seq;
}

/* unchanged since found right: a tick has nothing to do for it */
bool ksmctl_rules_quiet(const struct ksmctl_followed *f, unsigned int gen)
{
	u32 id;

	return f->gen == gen && f->fm && fm_quiet(f->fm, mm_verdict(f, &id));
}

/*
 * The exe of @mm as exe rules compare it, in @id: unknown while no rule
 * compares it; kept in @fm (may be NULL) until the mm runs another file
 * (PR_SET_MM's exe_fd).
 */
static void mm_exe(struct mm_struct *mm, struct ksmctl_followed_mm *fm,
		   struct ksmctl_exe_id *id)
{
	const void *file = rcu_access_pointer(mm->exe_file);

	if (!READ_ONCE(ksmctl_rules.nr_exe)) {
		id->known = false;
		return;
	}
	if (fm && fm->exe_file && fm->exe_file == file) {
		*id = fm->exe;
		return;
	}
	ksmctl_rules_exe_id(mm, id);
	if (fm) {
		fm->exe = *id;
		fm->exe_file = file;
	}
}

/* free the entries let go of */
void ksmctl_rules_release_fn(struct work_struct *work)
{
	struct ksmctl_followed *f, *next;
	struct ksmctl_followed_mm *fm, *fm_next;

	llist_for_each_entry_safe(f, next,
				  llist_del_all(&ksmctl_rules.unfollowed),
				  free_node) {
		put_pid(f->pid);
		kfree_rcu(f, rcu);
	}
	llist_for_each_entry_safe(fm, fm_next,
				  llist_del_all(&ksmctl_rules.unfollowed_mms),
				  free_node) {
		mmdrop(fm->mm);
		kfree(fm);
	}
}

/* let go of the process of tgid @nr */
void ksmctl_rules_unfollow(unsigned long nr)
{
	struct ksmctl_followed *f = xa_erase(&ksmctl_rules.followed, nr);

	if (f) {
		set_verdict(f, KSMCTL_RULE_UNSPEC, 0);
		fm_put(f->fm);
		f->fm = NULL;
		list_del(&f->node);
		ksmctl_rules.nr_followed--;
		/* a probe may still see @f: kfree_rcu() at release */
		if (llist_add(&f->free_node, &ksmctl_rules.unfollowed))
			schedule_delayed_work(&ksmctl_rules.release_work,
				msecs_to_jiffies(RELEASE_DELAY_MS));
	}
}

/* follow @task's process; NULL if out of memory */
static struct ksmctl_followed *follow(struct task_struct *task)
{
	struct ksmctl_followed *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->pid = get_task_pid(task, PIDTYPE_TGID);
	if (!f->pid || xa_err(xa_store(&ksmctl_rules.followed,
				       task_tgid_nr(task), f, GFP_KERNEL))) {
		put_pid(f->pid);
		kfree(f);
		return NULL;	/* looked at by the next scan instead */
	}
	f->verdict = KSMCTL_RULE_UNSPEC;
	list_add_tail(&f->node, &ksmctl_rules.followed_list);
	ksmctl_rules.nr_followed++;
	return f;
}

/* let go of every followed process */
void ksmctl_rules_unfollow_all(void)
{
	struct ksmctl_followed *f;
	unsigned long nr;

	xa_for_each(&ksmctl_rules.followed, nr, f)
		ksmctl_rules_unfollow(nr);
}

/*
 * Does any VMA, or the merge-any flag, differ from what the request wants?
 * @seq gets the mm's write sequence, read under the lock, i.e. of the VMAs
 * looked at.
 */
static bool mm_differs(struct mm_struct *mm, const struct ksmctl_mark_req *rq,
		       unsigned long *seq)
{
	bool unmark = rq->unmark, any = ksmctl_mm_merge_any(mm);
	struct vm_area_struct *vma;
	bool ret = (rq->set_any && !any) || (rq->clear_any && any);

	mmap_read_lock(mm);
	*seq = ksmctl_mm_change_seq(mm);
	if (!ret) {
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

/* rule @id changed a process */
static void count_hit(u32 id)
{
	struct ksmctl_rule *r;

	mutex_lock(&ksmctl_rules.lock);
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		if (r->id == id) {
			r->hits++;
			break;
		}
	}
	mutex_unlock(&ksmctl_rules.lock);
}

/* the module is going away: the rules' long unmerges stop, as at a signal */
static bool rules_stopping(void)
{
	return READ_ONCE(ksmctl_rules.stopping);
}

/*
 * make the VMAs of @mm as @verdict wants them, or the verdict of the mm
 * (@f's, if followed: never if another process of it is followed as
 * never); @walk: look at the VMAs even if nothing changed since they were
 * found right
 */
static void apply(struct task_struct *task, struct mm_struct *mm,
		  struct ksmctl_followed *f, u32 verdict, u32 id, bool walk)
{
	struct ksmctl_mark_req rq = {
		.start = 0, .end = ULONG_MAX, .classes = KSMCTL_CLASS_ALL,
		.stop = rules_stopping,
	};
	struct ksmctl_mark_res res = { 0 };
	struct ksmctl_followed_mm *fm = NULL;
	unsigned long seq;
	int err;

	if (f) {
		follow_mm(f, mm);
		fm = f->fm;
		verdict = mm_verdict(f, &id);
	}
	if (!walk && fm && fm_quiet(fm, verdict))
		return;		/* not a VMA changed since found right */
	atomic64_inc(&ksmctl_rules.stats.walks);
	rq.unmark = verdict == KSMCTL_RULE_NEVER;
	/*
	 * Never wins over the process's own PR_SET_MEMORY_MERGE while it
	 * holds, with a followed_mm to remember it; the process asked for it
	 * again meanwhile: nothing left to give back.
	 */
	rq.clear_any = KSMCTL_HAVE_MERGE_ANY && rq.unmark && fm;
	if (fm && !rq.unmark && fm->took_any && ksmctl_mm_merge_any(mm))
		fm->took_any = false;
	rq.set_any = KSMCTL_HAVE_MERGE_ANY && !rq.unmark && fm && fm->took_any;
	if (!mm_differs(mm, &rq, &seq)) {
		if (fm) {
			fm->seq = seq;
			fm->applied = verdict;
			fm->clean = true;
		}
		return;
	}
	if (fm)
		fm->clean = false;	/* the next look checks our work */
	err = ksmctl_mark_mm(mm, &rq, &res);
	if (fm && res.any_cleared)
		fm->took_any = true;
	if (fm && res.any_set)
		fm->took_any = false;
	if (err)
		pr_debug("rule %u: pid %d: error %d\n", id, task_tgid_nr(task),
			 err);
	if (res.vmas && id) {
		count_hit(id);
		ksmctl_rules.event(id, verdict, task, res.vmas, res.bytes);
	}
}

/*
 * The verdict of the rules for the process of @leader, whose live thread
 * is @task and exe @exe (ksmctl_rules_verdict()), and their gen then (@gen)
 */
static u32 verdict(struct task_struct *leader, struct task_struct *task,
		   const struct ksmctl_exe_id *exe, u32 *id, unsigned int *gen)
{
	char comm[TASK_COMM_LEN];
	struct ksmctl_subject s;
	u32 v;

	ksmctl_rules_comm(comm, leader);
	mutex_lock(&ksmctl_rules.lock);
	rcu_read_lock();
	ksmctl_subject_init(&s, task, comm, exe);
	v = ksmctl_rules_verdict(&ksmctl_rules.list, &s, id);
	rcu_read_unlock();
	*gen = ksmctl_rules.gen;
	mutex_unlock(&ksmctl_rules.lock);
	return v;
}

/* apply the rules to one process; in the worker */
void ksmctl_rules_look_at(struct task_struct *task,
			  enum ksmctl_rules_look why)
{
	pid_t nr = task_tgid_nr(task);
	struct ksmctl_followed *f = xa_load(&ksmctl_rules.followed, nr);
	struct task_struct *holder;
	struct mm_struct *mm;
	struct ksmctl_exe_id exe;
	unsigned int gen;
	u32 v, id = 0;

	if (f && f->pid != task_tgid(task)) {
		ksmctl_rules_unfollow(nr);	/* the tgid was reused */
		f = NULL;
	}
	/* a live thread's: the main thread may have exited */
	mm = ksmctl_process_mm(task, &holder);
	if (!mm) {
		if (f)
			/* exited, or a kernel thread */
			ksmctl_rules_unfollow(nr);
		return;
	}
	atomic64_inc(&ksmctl_rules.stats.looks);
	/* the verdict stands for the mm it was made for (not after an exec) */
	if (why == LOOK_TICK && f && f->gen == READ_ONCE(ksmctl_rules.gen) &&
	    f->fm && f->fm->mm == mm) {
		apply(task, mm, f, f->verdict, f->rule_id, false);
		goto out;
	}

	mm_exe(mm, f && f->fm && f->fm->mm == mm ? f->fm : NULL, &exe);
	v = verdict(task, holder, &exe, &id, &gen);
	if (v == KSMCTL_RULE_UNSPEC) {
		if (f)
			ksmctl_rules_unfollow(nr);
		goto out;
	}
	if (!f)
		f = follow(task);
	if (f) {
		if (why == LOOK_EVENT && f->fm)
			f->fm->clean = false;
		set_verdict(f, v, id);
		f->gen = gen;
	}
	/* without an exact change count, a scan checks every VMA list */
	apply(task, mm, f, v, id, why == LOOK_SCAN && !KSMCTL_MM_CHANGE_EXACT);
out:
	put_task_struct(holder);
	/* if it exited meanwhile, its teardown is not the rules' work */
	mmput_async(mm);
}
