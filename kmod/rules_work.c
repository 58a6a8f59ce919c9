// SPDX-License-Identifier: GPL-2.0
/*
 * The rules' thread, and the tracepoint probes that feed it.
 *
 * The processes a rule matches are followed: an xarray, by tgid, holds a
 * reference to each one's struct pid, its verdict (merge or never), and
 * what its VMAs were when last found as the verdict wants them. Everything
 * that looks at a process runs in one kernel thread, "ksmctl_rules" (a
 * kthread_worker: never two at once, and its CPU time is the rules' cost,
 * in the scheduler's own account):
 *   - a scan of every process (a snapshot of the process tree, ptree.c,
 *     which also gives each tree rule its members), which finds the
 *     processes to follow: at once when a rule is added, then every
 *     rules_scan_min_ms (uid changes and anything an event missed), or
 *     KSMCTL_RULES_SCAN_SHARE times as long as the last scan took if that
 *     is longer;
 *   - between scans, every rules_period_ms, a tick over the
 *     followed processes only (new VMAs: heap growth, mmaps, thread
 *     stacks);
 *   - the pending work: the processes the tracepoint probes (hooks.c) saw
 *     fork, exec or move to another cgroup, looked at after a short delay
 *     (so that the fork and the exec of one new process are one look). The
 *     probes run in atomic context: a process that is not followed and
 *     that no rule may match (all but the exe, under RCU: the rule list is
 *     RCU-protected for them) is dropped there; they put the others'
 *     struct pids (with a reference: a number may be reused before the
 *     look) in a small array under a spinlock and queue the work; if the
 *     array is full the next scan is brought forward instead.
 * Without the probes (a kernel without those tracepoints) the scan runs
 * every rules_period_ms instead.
 */

#include <linux/kthread.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/xarray.h>
/* the events' declarations, for the probes' prototypes only */
#include <trace/events/cgroup.h>
#include <trace/events/sched.h>

#include <linux/ksmctl.h>

#include "hooks.h"
#include "ptree.h"
#include "rules_engine.h"

#define PENDING_RECENT	8	/* one of the last ones queued is not added */
#define PENDING_DELAY_MS 50	/* gather the fork and exec of one process */

/* have the next pass scan all processes, now; under the rules' lock */
void ksmctl_rules_kick_pass(void)
{
	lockdep_assert_held(&ksmctl_rules.lock);
	if (!ksmctl_rules.stopping && ksmctl_rules.nr) {
		ksmctl_rules.scan_now = true;
		kthread_mod_delayed_work(ksmctl_rules.worker,
					 &ksmctl_rules.pass_work, 0);
	}
}

/*
 * A live thread of @p, the thread-group leader, under RCU: the one whose
 * mm, cgroup and credentials are the process's when its main thread has
 * exited (no reference: for a look under RCU only).
 */
static struct task_struct *live_thread(struct task_struct *p)
{
	struct task_struct *t;

	for_each_thread(p, t)
		if (READ_ONCE(t->mm))
			return t;
	return NULL;
}

/*
 * Is @p a followed process that nothing changed: not its VMAs (the mm it
 * had, held by @f), not its verdict? @t is its live thread. Under the
 * rules' lock and RCU.
 */
static bool followed_as_before(struct task_struct *p, struct task_struct *t,
			       struct ksmctl_followed *f, const char *comm)
{
	struct ksmctl_subject s;
	u32 id = 0;

	if (!KSMCTL_MM_CHANGE_EXACT || f->pid != task_tgid(p) || !f->fm ||
	    f->fm->mm != READ_ONCE(t->mm) ||
	    !ksmctl_rules_quiet(f, ksmctl_rules.gen))
		return false;
	ksmctl_subject_init(&s, t, comm, f->fm->exe_file ? &f->fm->exe : NULL);
	return ksmctl_rules_verdict(&ksmctl_rules.list, &s, &id) ==
	       f->verdict && id == f->rule_id;
}


/*
 * Of the processes of @pt, those with an mm (user processes) a rule may
 * match or that are followed, with a reference, but for the followed ones
 * where nothing changed. The others cost a walk of the rule list under
 * RCU, no lock of theirs, no reference. Under the rules' lock; RCU is held
 * for one process at a time.
 */
static struct task_struct **collect_candidates(const struct ksmctl_ptree *pt,
					       unsigned int *n)
{
	char comm[TASK_COMM_LEN];
	struct task_struct **tasks, *p, *t;
	unsigned int i, k = 0;
	struct ksmctl_followed *f;

	lockdep_assert_held(&ksmctl_rules.lock);
	tasks = kvmalloc_array(max(pt->n, 1U), sizeof(*tasks), GFP_KERNEL);
	if (!tasks)
		return NULL;
	for (i = 0; i < pt->n; i++) {
		rcu_read_lock();
		p = pid_task(pt->ents[i].pid, PIDTYPE_TGID);
		t = p && !(p->flags & PF_KTHREAD) ? live_thread(p) : NULL;
		if (t) {
			ksmctl_rules_comm(comm, p);
			f = xa_load(&ksmctl_rules.followed, task_tgid_nr(p));
			if (f ? !followed_as_before(p, t, f, comm) :
				ksmctl_rules_may_match(t, comm)) {
				get_task_struct(p);
				tasks[k++] = p;
			}
		}
		rcu_read_unlock();
		if (!(i % 256))
			cond_resched();
	}
	*n = k;
	return tasks;
}

/* let go of the followed processes that exited */
static void sweep(void)
{
	struct ksmctl_followed *f;
	unsigned long nr;
	bool gone;

	xa_for_each(&ksmctl_rules.followed, nr, f) {
		rcu_read_lock();
		gone = !pid_task(f->pid, PIDTYPE_TGID);
		rcu_read_unlock();
		if (gone)
			ksmctl_rules_unfollow(nr);
	}
}

static void scan(void)
{
	struct task_struct **tasks = NULL;
	struct ksmctl_ptree pt;
	unsigned int n = 0, i;

	atomic64_inc(&ksmctl_rules.stats.scans);
	sweep();
	mutex_lock(&ksmctl_rules.lock);
	WRITE_ONCE(ksmctl_rules.trees_lost, false);
	ksmctl_rules_trees_mark_stale();
	if (!ksmctl_ptree_take(&pt)) {
		ksmctl_rules_trees_update(&pt);
		tasks = collect_candidates(&pt, &n);
		ksmctl_ptree_release(&pt);
	}
	mutex_unlock(&ksmctl_rules.lock);
	if (!tasks)
		return;		/* out of memory: the next scan, then */
	for (i = 0; i < n; i++) {
		ksmctl_rules_look_at(tasks[i], LOOK_SCAN);
		put_task_struct(tasks[i]);
		cond_resched();
	}
	kvfree(tasks);
}

/* has @f's process exited (no thread left with an mm)? */
static bool exited(const struct ksmctl_followed *f)
{
	struct task_struct *p;
	bool ret;

	rcu_read_lock();
	p = pid_task(f->pid, PIDTYPE_TGID);
	ret = !p || !live_thread(p);
	rcu_read_unlock();
	return ret;
}

static void tick(void)
{
	unsigned int gen = READ_ONCE(ksmctl_rules.gen), n = 0;
	struct ksmctl_followed *f, *next;
	struct task_struct *task;

	atomic64_inc(&ksmctl_rules.stats.ticks);
	/* a look may unfollow the process it looks at, and no other */
	list_for_each_entry_safe(f, next, &ksmctl_rules.followed_list, node) {
		/*
		 * The exit of a process whose mm others share changes nothing
		 * the mm shows, but may change its verdict: looked for here.
		 */
		if (ksmctl_rules_quiet(f, gen) &&
		    !(f->fm->users > 1 && exited(f))) {
			if (!(++n % 1024))
				cond_resched();
			continue;
		}
		task = get_pid_task(f->pid, PIDTYPE_TGID);
		if (task) {
			ksmctl_rules_look_at(task, LOOK_TICK);
			put_task_struct(task);
		} else {
			ksmctl_rules_unfollow(pid_nr(f->pid));
		}
		cond_resched();
	}
}

/*
 * The period after a scan that took @took_ns: with the probes, at least
 * rules_scan_min_ms and KSMCTL_RULES_SCAN_SHARE times the scan's own
 * (wall) time, so that scans take a bounded share of a CPU however many
 * processes there are, and less when the host is busy; without them,
 * rules_period_ms (the scan is then all there is).
 */
static unsigned int scan_period_ms(u64 took_ns)
{
	u64 ms = div_u64(took_ns, NSEC_PER_MSEC) * KSMCTL_RULES_SCAN_SHARE;

	if (!READ_ONCE(ksmctl_rules.hooked))
		return ksmctl_rules.period_ms;
	return clamp_t(u64, ms, ksmctl_rules.scan_min_ms, KSMCTL_RULES_MAX_MS);
}

/* a scan or a tick, and the next one queued */
void ksmctl_rules_pass_fn(struct kthread_work *work)
{
	bool active, scan_all;

	mutex_lock(&ksmctl_rules.lock);
	active = ksmctl_rules.nr && !ksmctl_rules.stopping;
	scan_all = ksmctl_rules.scan_now ||
		   time_after_eq(jiffies, ksmctl_rules.next_scan);
	ksmctl_rules.scan_now = false;
	mutex_unlock(&ksmctl_rules.lock);

	if (!active) {
		ksmctl_rules_unfollow_all();
		return;
	}
	if (scan_all) {
		u64 t0 = ktime_get_ns();
		unsigned int ms;

		scan();
		ms = scan_period_ms(ktime_get_ns() - t0);
		WRITE_ONCE(ksmctl_rules.scan_ms, ms);
		ksmctl_rules.next_scan = jiffies + msecs_to_jiffies(ms);
	} else {
		tick();
	}

	mutex_lock(&ksmctl_rules.lock);
	if (!ksmctl_rules.stopping && ksmctl_rules.nr)
		kthread_queue_delayed_work(ksmctl_rules.worker,
				&ksmctl_rules.pass_work,
				msecs_to_jiffies(ksmctl_rules.period_ms));
	mutex_unlock(&ksmctl_rules.lock);
}

static int cmp_pending(const void *a, const void *b)
{
	unsigned long x = (unsigned long)*(struct pid * const *)a;
	unsigned long y = (unsigned long)*(struct pid * const *)b;

	return (x > y) - (x < y);
}

/* look at a pending process */
static void look_at_pending(struct pid *pid)
{
	struct task_struct *task = get_pid_task(pid, PIDTYPE_TGID);

	if (!task)
		return;		/* gone already */
	ksmctl_rules_look_at(task, LOOK_EVENT);
	put_task_struct(task);
}

/* queue a process for the pending work; atomic context */
static void note_pid(struct pid *pid)
{
	struct ksmctl_rules_pending *q = &ksmctl_rules.pending;
	unsigned long irqflags;
	unsigned int i;

	if (!pid)
		return;
	spin_lock_irqsave(&q->lock, irqflags);
	/*
	 * The events of one process come close together (its fork and exec,
	 * the cgroup move of each of its threads): don't fill the buffer with
	 * them. The pending work drops the duplicates this misses.
	 */
	for (i = q->n; i > 0 && q->n - i < PENDING_RECENT; i--)
		if (q->buf[i - 1] == pid)
			goto queued;
	if (q->n < PENDING_MAX)
		q->buf[q->n++] = get_pid(pid);
	else
		q->overflow = true;
queued:
	spin_unlock_irqrestore(&q->lock, irqflags);
	/* the worker exists from init to uninit, and the probes go first */
	kthread_queue_delayed_work(ksmctl_rules.worker, &q->work,
				   msecs_to_jiffies(PENDING_DELAY_MS));
}

void ksmctl_rules_pending_fn(struct kthread_work *work)
{
	struct ksmctl_rules_pending *q = &ksmctl_rules.pending;
	struct pid **ents;
	unsigned int n, i;
	bool overflow;

	spin_lock_irq(&q->lock);
	ents = q->buf;
	n = q->n;
	q->buf = q->bufs[ents == q->bufs[0]];
	q->n = 0;
	overflow = q->overflow || READ_ONCE(ksmctl_rules.trees_lost);
	q->overflow = false;
	spin_unlock_irq(&q->lock);

	/* one look for all the events of a process */
	sort(ents, n, sizeof(*ents), cmp_pending, NULL);
	for (i = 0; i < n; i++) {
		struct pid *pid = ents[i];

		while (i + 1 < n && ents[i + 1] == pid) {
			i++;
			put_pid(pid);
		}
		if (READ_ONCE(ksmctl_rules.active))
			look_at_pending(pid);
		put_pid(pid);
		cond_resched();
	}
	if (overflow) {
		mutex_lock(&ksmctl_rules.lock);
		ksmctl_rules_kick_pass();
		mutex_unlock(&ksmctl_rules.lock);
	}
}

/*
 * Does an event of @p need a look: is it followed, or could a rule match
 * it? Most new processes on a host match no rule: they cost a walk of the
 * rule list here, in the probe, instead of a wake-up and a look. A process
 * a rule matches only by something that changes without an event (its
 * uid) is found by the next scan, as before. Atomic context.
 */
static bool wanted(struct task_struct *p)
{
	char comm[TASK_COMM_LEN];
	bool ret;

	rcu_read_lock();
	ret = xa_load(&ksmctl_rules.followed, task_tgid_nr(p)) != NULL;
	if (!ret) {
		ksmctl_rules_comm(comm, p);
		ret = ksmctl_rules_may_match(p, comm);
	}
	rcu_read_unlock();
	return ret;
}

/*
 * Look at this process soon, if a rule may want it. @p: a task of the
 * process (exec'd, or moved to another cgroup). Context: any, called by
 * the tracepoint probes; does not sleep.
 */
static void note_task(struct task_struct *p)
{
	if (wanted(p))
		note_pid(task_tgid(p));
}

/*
 * Look at a new process soon, if a rule may want it. It joins the trees
 * its parent is in; its exec, if any, is another event. Context: the fork
 * tracepoint (atomic); does not sleep.
 */
static void note_fork(struct task_struct *child)
{
	rcu_read_lock();
	ksmctl_rules_trees_fork(child);
	rcu_read_unlock();
	if (wanted(child))
		note_pid(task_tgid(child));
}

static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	if (!READ_ONCE(ksmctl_rules.active) || (child->flags & PF_KTHREAD))
		return;
	/* a new thread has no new mm: the periodic pass sees its stack */
	if (child->tgid == parent->tgid)
		return;
	note_fork(child);
}

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	if (!READ_ONCE(ksmctl_rules.active))
		return;
	note_task(p);
}

static void probe_attach(void *data, struct cgroup *dst_cgrp,
			 const char *path, struct task_struct *task,
			 bool threadgroup)
{
	if (!READ_ONCE(ksmctl_rules.active) || (task->flags & PF_KTHREAD))
		return;
	note_task(task);
}

/*
 * The probes are attached by name, so nothing else would notice a kernel
 * whose events pass other arguments: the build fails here instead.
 */
static void __maybe_unused check_probe_types(void)
{
	check_trace_callback_type_sched_process_fork(probe_fork);
	check_trace_callback_type_sched_process_exec(probe_exec);
	check_trace_callback_type_cgroup_attach_task(probe_attach);
}

/*
 * The events that may change a process's verdict, seen as they happen (a
 * kernel without one of these tracepoints leaves its events to the scan,
 * which then runs every rules_period_ms instead)
 */
static struct ksmctl_hook rule_hooks[] = {
	{ "sched_process_fork", probe_fork },	/* a new mm; not a new thread */
	{ "sched_process_exec", probe_exec },	/* comm, exe, a new mm */
	{ "cgroup_attach_task", probe_attach },	/* into another cgroup */
};

/* find the tracepoints, once, at init */
void ksmctl_rules_hooks_find(void)
{
	ksmctl_hooks_find(rule_hooks, ARRAY_SIZE(rule_hooks));
}

/* true if every event has its probe; under the rules' lock */
bool ksmctl_rules_hooks_attach(void)
{
	return ksmctl_hooks_attach(rule_hooks, ARRAY_SIZE(rule_hooks));
}

/* no probe runs after this; under the rules' lock */
void ksmctl_rules_hooks_detach(void)
{
	ksmctl_hooks_detach(rule_hooks, ARRAY_SIZE(rule_hooks));
}

/*
 * let go of the processes queued but not looked at, once the probes and
 * the worker are gone
 */
void ksmctl_rules_drain_pending(void)
{
	struct ksmctl_rules_pending *q = &ksmctl_rules.pending;
	unsigned int i;

	for (i = 0; i < q->n; i++)
		put_pid(q->buf[i]);
	q->n = 0;
}
