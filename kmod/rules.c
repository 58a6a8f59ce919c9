// SPDX-License-Identifier: GPL-2.0
/*
 * Sticky rules: the rule list, matching, and the work that keeps the
 * matching processes' VMAs as the rules want them.
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
 *     KSMCTL_RULES_SCAN_MS (uid changes and anything an event missed), or
 *     KSMCTL_RULES_SCAN_SHARE times as long as the last scan took if that
 *     is longer;
 *   - between scans, every KSMCTL_RULES_PERIOD_MS, a tick over the
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
 * every KSMCTL_RULES_PERIOD_MS instead.
 *
 * A process is looked at as: the mm of a live thread of it (its main
 * thread may have exited, pthread_exit()); the verdict of the rules under
 * the rules' lock (RCU inside for the cgroup, tree rules and exe file),
 * kept until the rules change (their gen) or an event or scan asks again;
 * then, without the lock, a cheap check under the mmap read lock (does any VMA
 * differ from the verdict?) and only then ksmctl_mark_mm(), which takes the
 * mmap write lock in bounded batches. An unchanged ksmctl_mm_change_seq()
 * since the VMAs were last found right skips even the check: where the
 * kernel counts the mmap write-lock sections of an mm, exactly (VMAs and
 * their flags change only under the write lock); elsewhere a fingerprint
 * of its counters, and then a scan walks every followed process anyway.
 * A process that exits meanwhile is harmless: we hold its task and mm
 * until done.
 *
 * One address space, one verdict: what the rules did to an mm is kept
 * once (struct followed_mm) for the followed processes that share it
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

#include <linux/bitmap.h>
#include <linux/cgroup.h>
#include <linux/hashtable.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
/* the events' declarations, for the probes' prototypes only */
#include <trace/events/cgroup.h>
#include <trace/events/sched.h>

#include <linux/ksmctl.h>

#include "hooks.h"
#include "mark.h"
#include "proc.h"
#include "ptree.h"
#include "rules.h"
#include "vma.h"

#define PENDING_MAX	1024	/* processes queued by the probes between works */
#define PENDING_RECENT	8	/* one among the last ones queued is not added */
#define PENDING_DELAY_MS 50	/* gather the fork and exec of one process */
#define RELEASE_DELAY_MS 100	/* gather the entries let go of */

/**
 * struct exe_id - which file a process runs, as stat(2) tells it: the
 *	identity an exe rule compares (ksmctl_rule_set_exe())
 * @dev: st_dev (a btrfs subvolume's own, an overlay's)
 * @ino: st_ino
 * @gen: the inode's generation, told apart from a file that got @ino
 *	again after this one was deleted
 * @known: found (a process without an exe file, or one whose file's
 *	attributes cannot be read, matches no exe rule)
 */
struct exe_id {
	u64 dev;
	u64 ino;
	u32 gen;
	bool known;
};

/**
 * struct followed_mm - an address space of followed processes, and what
 * the rules did to it: one verdict for it, however many processes share
 * it (clone() with CLONE_VM but not CLONE_THREAD, vfork)
 * @mm: with a reference on the struct (mmgrab(), not its address space): a
 *	tick reads its write sequence without looking a process up
 * @users: the followed processes whose mm it is (their @fm)
 * @nevers: of which followed as never: the verdict of the mm is never while
 *	there is one, the verdict that wins, instead of each process marking
 *	what another unmarked, at every tick
 * @never_id: the rule of one of them, for hits and events
 * @clean: its VMAs were found as @applied wants them, at @seq
 * @applied: that verdict
 * @seq: ksmctl_mm_change_seq() then
 * @took_any: a never verdict cleared the merge-any flag the processes had
 *	asked for (PR_SET_MEMORY_MERGE): given back when no never verdict
 *	holds the mm any more, or when it is let go of
 * @exe: the file it runs, as an exe rule compares it, once needed
 * @exe_file: the mm's exe_file when @exe was found (a cookie: compared,
 *	never followed), or NULL if @exe is not known yet
 * @node: in ksmctl_rules.followed_mms, by @mm
 * @free_node: in ksmctl_rules.unfollowed_mms, once let go of
 *
 * Used by the worker only (and by ksmctl_rules_uninit() once it is gone).
 */
struct followed_mm {
	struct mm_struct *mm;
	unsigned int users;
	unsigned int nevers;
	u32 never_id;
	bool clean;
	u32 applied;
	unsigned long seq;
	bool took_any;
	struct exe_id exe;
	const void *exe_file;
	struct hlist_node node;
	struct llist_node free_node;
};

/**
 * struct followed - a process some rule matches
 * @pid: its struct pid (a reference): tells a reused tgid apart
 * @verdict: KSMCTL_RULE_MERGE or KSMCTL_RULE_NEVER
 * @rule_id: the rule that decided it
 * @gen: the rules' gen when decided
 * @fm: the mm it had when last looked at, and what was done to it (a
 *	reference), or NULL
 * @node: in the followed_list, which ticks go through
 * @free_node: in unfollowed, once let go of
 * @rcu: freed after a grace period: the probes look entries up under RCU
 *
 * In the engine's xarray "followed", by tgid in the initial pid namespace,
 * and in its followed_list; used by the worker only (and by
 * ksmctl_rules_uninit() once it is gone).
 */
struct followed {
	struct list_head node;
	struct pid *pid;
	u32 verdict;
	u32 rule_id;
	unsigned int gen;
	struct followed_mm *fm;
	struct llist_node free_node;
	struct rcu_head rcu;
};


/**
 * struct ksmctl_rules_engine - the state of the rules and of their work
 *
 * The rules, protected by @lock:
 * @lock: the rule list and what goes with it (below), @stopping,
 *	@scan_now, @hooked, @worker; taken by the worker around its reads,
 *	never across a look at a process
 * @list: the rules, by increasing id; changed under @lock, read under it,
 *	or under RCU by the probes (list_add_tail_rcu(), list_del_rcu())
 * @nr: rules in @list
 * @nr_exe: of which match on the exe (only then is a process's exe looked
 *	up); changed under @lock, READ_ONCE() by the worker
 * @next_id: the id of the next rule added; 0 once ids ran out
 * @gen: bumped by every rule added or deleted; READ_ONCE() by the worker
 * @stopping: the module is going away; READ_ONCE() by rules_stopping()
 * @scan_now: the next pass scans every process
 * @hooked: the probes report every event; READ_ONCE() by the worker
 * @active: there are rules and we are not stopping: changed under @lock,
 *	read by the probes (and the pending work) without it
 * @event: called when a rule changed a process; set at init
 *
 * The rules' thread:
 * @worker: the kthread_worker every look at a process runs in; set and
 *	cleared under @lock (ksmctl_rules_stats() reads its CPU time)
 * @pass_work: a scan or a tick (pass_fn())
 * @next_scan: when the next pass scans (jiffies); the worker's only
 * @scan_ms: the scan's period now; written by the worker, READ_ONCE()
 *	by ksmctl_rules_stats()
 * @stats: what the work did; written by the worker, read by anyone
 *
 * The probes' queue, under @pending.lock (irq-safe: the probes run in
 * any context). The probes fill @pending.buf; pending_fn() swaps the two
 * buffers and reads the other one outside the lock (it is the only
 * reader, one at a time). A process is queued by its struct pid, with a
 * reference: its number may name another process by the time it is
 * looked at.
 * @pending.lock: protects @pending.buf, @pending.n, @pending.overflow
 * @pending.bufs: the two buffers
 * @pending.buf: the one the probes fill
 * @pending.n: entries in @pending.buf
 * @pending.overflow: a process was not queued: scan sooner
 * @pending.work: pending_fn(), queued by the probes
 * @trees_lost: a probe could not record a tree rule's new member: scan
 *	sooner; WRITE_ONCE() by the probes, cleared by the scan
 *
 * The followed processes, the worker's only (ksmctl_rules_uninit()'s once
 * it is gone); the probes xa_load() @followed under RCU:
 * @followed: struct followed, by tgid in the initial pid namespace
 * @followed_list: the same, which ticks go through
 * @nr_followed: entries; READ_ONCE() by ksmctl_rules_stats()
 * @followed_mms: struct followed_mm, by mm
 * @unfollowed: entries let go of, for @release_work to free (any context
 *	adds, lock-free)
 * @unfollowed_mms: the same for struct followed_mm. A followed_mm's is
 *	often the last reference on the mm of a process that exited: the
 *	mmdrop() frees its mm_struct and page tables, the exit's own
 *	teardown, which without our reference the exiting process does; it
 *	runs in a kworker, as mmput_async() has the rest of it, not in the
 *	rules' thread; after a delay, so that the exits a tick finds cost
 *	one kworker wake-up.
 * @release_work: release_fn()
 */
struct ksmctl_rules_engine {
	struct mutex lock;
	struct list_head list;
	unsigned int nr;
	unsigned int nr_exe;
	u32 next_id;
	unsigned int gen;
	bool stopping;
	bool scan_now;
	bool hooked;
	bool active;
	ksmctl_rule_event_fn event;

	struct kthread_worker *worker;
	struct kthread_delayed_work pass_work;
	unsigned long next_scan;
	unsigned int scan_ms;
	struct {
		atomic64_t scans;
		atomic64_t ticks;
		atomic64_t looks;
		atomic64_t walks;
	} stats;

	struct ksmctl_rules_pending {
		spinlock_t lock;
		struct pid *bufs[2][PENDING_MAX];
		struct pid **buf;
		unsigned int n;
		bool overflow;
		struct kthread_delayed_work work;
	} pending;
	bool trees_lost;

	struct xarray followed;
	struct list_head followed_list;
	unsigned long nr_followed;
	DECLARE_HASHTABLE(followed_mms, 12);
	struct llist_head unfollowed;
	struct llist_head unfollowed_mms;
	struct delayed_work release_work;
};

static bool hooks_attach(void);
static void hooks_detach(void);
static void pass_fn(struct kthread_work *work);
static void pending_fn(struct kthread_work *work);
static void release_fn(struct work_struct *work);

static struct ksmctl_rules_engine ksmctl_rules = {
	.lock = __MUTEX_INITIALIZER(ksmctl_rules.lock),
	.list = LIST_HEAD_INIT(ksmctl_rules.list),
	.next_id = 1,
	.pass_work = KTHREAD_DELAYED_WORK_INIT(ksmctl_rules.pass_work, pass_fn),
	.scan_ms = KSMCTL_RULES_SCAN_MS,
	.pending = {
		.lock = __SPIN_LOCK_UNLOCKED(ksmctl_rules.pending.lock),
		.buf = ksmctl_rules.pending.bufs[0],
		.work = KTHREAD_DELAYED_WORK_INIT(ksmctl_rules.pending.work,
						  pending_fn),
	},
	.followed = XARRAY_INIT(ksmctl_rules.followed, 0),
	.followed_list = LIST_HEAD_INIT(ksmctl_rules.followed_list),
	.release_work = __DELAYED_WORK_INITIALIZER(ksmctl_rules.release_work,
						   release_fn, 0),
};

void ksmctl_rules_lock(void)
{
	mutex_lock(&ksmctl_rules.lock);
}

void ksmctl_rules_unlock(void)
{
	mutex_unlock(&ksmctl_rules.lock);
}

/**
 * ksmctl_rules_gen() - a number that changes with every rule added or
 * deleted (a dump of the rules that sees it change is not whole)
 *
 * Context: under ksmctl_rules_lock().
 */
unsigned int ksmctl_rules_gen(void)
{
	lockdep_assert_held(&ksmctl_rules.lock);
	return ksmctl_rules.gen;
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

	lockdep_assert_held(&ksmctl_rules.lock);
	list_for_each_entry(r, &ksmctl_rules.list, node)
		if (r->id >= id)
			return r;
	return NULL;
}

/**
 * ksmctl_rule_alloc() - a new, empty rule, for ksmctl_rule_add() or
 * ksmctl_rule_free()
 *
 * Return: the rule, or NULL.
 */
struct ksmctl_rule *ksmctl_rule_alloc(void)
{
	struct ksmctl_rule *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (r)
		xa_init(&r->members);
	return r;
}

/* unused, or out of the list for a grace period: no probe reads it */
void ksmctl_rule_free(struct ksmctl_rule *r)
{
	struct pid *pid;
	unsigned long nr;

	if (!r)
		return;
	xa_for_each(&r->members, nr, pid)
		put_pid(pid);
	xa_destroy(&r->members);
	put_pid(r->pid);
	if (r->cgrp)
		cgroup_put(r->cgrp);
	kfree(r->cgroup_path);
	kfree(r->exe_path);
	kfree(r);
}

static bool rule_same(const struct ksmctl_rule *a, const struct ksmctl_rule *b)
{
	return a->action == b->action && a->flags == b->flags &&
	       a->pid == b->pid && a->cgrp == b->cgrp &&
	       a->has_exe == b->has_exe && a->exe_dev == b->exe_dev &&
	       a->exe_ino == b->exe_ino && a->exe_gen == b->exe_gen &&
	       !strcmp(a->comm, b->comm) && a->has_uid == b->has_uid &&
	       (!a->has_uid || uid_eq(a->uid, b->uid));
}

/* have the next pass scan all processes, now; under ksmctl_rules.lock */
static void kick_pass(void)
{
	lockdep_assert_held(&ksmctl_rules.lock);
	if (!ksmctl_rules.stopping && ksmctl_rules.nr) {
		ksmctl_rules.scan_now = true;
		kthread_mod_delayed_work(ksmctl_rules.worker,
					 &ksmctl_rules.pass_work, 0);
	}
}

/**
 * ksmctl_rule_add() - add a rule, and apply it (asynchronously)
 * @r: the rule, all but @r->id filled; owned by the list on success, and
 *	then freed by whoever deletes it: not to be touched after
 * @extack: for the error message
 * @added: called with the rule just added, before anyone else may delete
 *	it (under the rules' lock: it must not sleep long), or NULL
 * @arg: for @added
 *
 * Return: 0, -EEXIST, -ENOSPC or -ESHUTDOWN.
 */
int ksmctl_rule_add(struct ksmctl_rule *r, struct netlink_ext_ack *extack,
		    void (*added)(const struct ksmctl_rule *r, void *arg),
		    void *arg)
{
	struct ksmctl_rule *o;
	int err = 0;

	mutex_lock(&ksmctl_rules.lock);
	if (ksmctl_rules.stopping) {
		err = -ESHUTDOWN;
		goto out;
	}
	list_for_each_entry(o, &ksmctl_rules.list, node) {
		if (rule_same(o, r)) {
			NL_SET_ERR_MSG(extack, "the same rule exists");
			err = -EEXIST;
			goto out;
		}
	}
	if (ksmctl_rules.nr >= KSMCTL_RULES_MAX) {
		NL_SET_ERR_MSG(extack, "too many rules");
		err = -ENOSPC;
		goto out;
	}
	if (!ksmctl_rules.next_id) {	/* wrapped: ids are never reused */
		NL_SET_ERR_MSG(extack, "no rule ids left until the module is reloaded");
		err = -ENOSPC;
		goto out;
	}
	r->id = ksmctl_rules.next_id++;
	list_add_tail_rcu(&r->node, &ksmctl_rules.list);
	if (r->has_exe)
		WRITE_ONCE(ksmctl_rules.nr_exe, ksmctl_rules.nr_exe + 1);
	if (added)
		added(r, arg);
	if (!ksmctl_rules.nr)
		ksmctl_rules.hooked = hooks_attach();
	ksmctl_rules.nr++;
	ksmctl_rules.gen++;
	WRITE_ONCE(ksmctl_rules.active, true);
	kick_pass();
out:
	mutex_unlock(&ksmctl_rules.lock);
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

	mutex_lock(&ksmctl_rules.lock);
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		if (r->id == id) {
			found = r;
			list_del_rcu(&r->node);
			if (r->has_exe)
				WRITE_ONCE(ksmctl_rules.nr_exe,
					   ksmctl_rules.nr_exe - 1);
			ksmctl_rules.nr--;
			ksmctl_rules.gen++;
			break;
		}
	}
	/*
	 * The followed processes get their verdicts again at the next tick;
	 * without rules, the next pass lets them all go.
	 */
	if (found && !ksmctl_rules.nr) {
		WRITE_ONCE(ksmctl_rules.active, false);
		hooks_detach();
		ksmctl_rules.hooked = false;
		if (!ksmctl_rules.stopping)
			kthread_mod_delayed_work(ksmctl_rules.worker,
						 &ksmctl_rules.pass_work, 0);
	}
	mutex_unlock(&ksmctl_rules.lock);
	if (!found)
		return -ENOENT;
	synchronize_rcu();	/* the probes may be matching it */
	ksmctl_rule_free(found);
	return 0;
}

/* Matching. Under rcu_read_lock(), and ksmctl_rules.lock or from a probe. */

/*
 * The process's comm, as /proc reads it: without the task lock, which a
 * probe cannot take; a racing exec announces itself with its own event.
 */
static void comm_now(char comm[TASK_COMM_LEN], struct task_struct *p)
{
	memcpy(comm, p->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = '\0';
}

/*
 * Tree rules. The processes below a tree rule's pid are its members
 * (r->members), not found by following each process's parent chain, once
 * per rule, at each match (an unprivileged user can make that chain as
 * deep as the pid space): each scan finds them from a snapshot of the
 * process tree (ptree.c), and between scans the fork probe adds a new
 * process whose real parent is the rule's process or a member. So a
 * descendant reparented away (its ancestor exited) leaves at the next
 * scan. A member is known by its struct pid (a reference): a reused tgid
 * is not a member. TREE_STALE marks, during a scan, the members it has not
 * found (yet): those left then exited or were reparented away; the probe
 * clears it on those it adds meanwhile.
 */
#define TREE_STALE	XA_MARK_0

/* is the process of @pid (tgid @nr) below @r's? Under RCU, or any context */
static bool tree_has(struct ksmctl_rule *r, pid_t nr, struct pid *pid)
{
	return pid && xa_load(&r->members, nr) == pid;
}

/* make the process of @pid (tgid @nr) a member of @r's tree; 0 or -errno */
static int tree_add(struct ksmctl_rule *r, pid_t nr, struct pid *pid,
		    gfp_t gfp)
{
	void *old;

	xa_lock(&r->members);
	if (xa_load(&r->members, nr) == pid) {
		__xa_clear_mark(&r->members, nr, TREE_STALE);
		xa_unlock(&r->members);
		return 0;
	}
	old = __xa_store(&r->members, nr, get_pid(pid), gfp);
	if (!xa_is_err(old))
		__xa_clear_mark(&r->members, nr, TREE_STALE);
	xa_unlock(&r->members);
	if (xa_is_err(old)) {
		put_pid(pid);
		return xa_err(old);
	}
	put_pid(old);	/* a process gone, whose tgid this one has now */
	return 0;
}

/*
 * A new process: a member of the trees its real parent is in, or whose
 * root its real parent is. Atomic context (the fork probe), under RCU.
 */
static void trees_fork(struct task_struct *child)
{
	struct task_struct *parent = rcu_dereference(child->real_parent);
	struct pid *ppid = task_tgid(parent), *pid = task_tgid(child);
	pid_t pnr = task_tgid_nr(parent), nr = task_tgid_nr(child);
	struct ksmctl_rule *r;

	if (!ppid || !pid)
		return;
	list_for_each_entry_rcu(r, &ksmctl_rules.list, node) {
		if (!(r->flags & KSMCTL_RULE_F_TREE) ||
		    (r->pid != ppid && !tree_has(r, pnr, ppid)))
			continue;
		if (tree_add(r, nr, pid, GFP_NOWAIT | __GFP_NOWARN))
			WRITE_ONCE(ksmctl_rules.trees_lost, true);
	}
}

/*
 * The scan, under ksmctl_rules.lock: before its snapshot, mark every member
 * stale; after, trees_update() keeps those it finds again.
 */
static void trees_mark_stale(void)
{
	struct ksmctl_rule *r;
	struct pid *pid;
	unsigned long nr;
	unsigned int n = 0;

	lockdep_assert_held(&ksmctl_rules.lock);
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		if (!(r->flags & KSMCTL_RULE_F_TREE))
			continue;
		xa_for_each(&r->members, nr, pid) {
			xa_set_mark(&r->members, nr, TREE_STALE);
			if (!(++n % 1024))
				cond_resched();
		}
	}
}

/* each tree rule's members: those of @pt below its pid, and the new ones */
static void trees_update(const struct ksmctl_ptree *pt)
{
	struct ksmctl_rule *r;
	unsigned long *in;
	unsigned int i, n = 0;

	lockdep_assert_held(&ksmctl_rules.lock);
	in = bitmap_alloc(max(pt->n, 1U), GFP_KERNEL);
	if (!in)
		return;		/* the members stay as they were */
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		struct pid *pid;
		unsigned long nr;

		if (!(r->flags & KSMCTL_RULE_F_TREE))
			continue;
		bitmap_zero(in, pt->n);
		ksmctl_ptree_subtree(pt, r->pid, in);
		for_each_set_bit(i, in, pt->n) {
			/* failed: a member missing until the next scan */
			tree_add(r, pt->ents[i].nr, pt->ents[i].pid,
				 GFP_KERNEL);
			if (!(++n % 256))
				cond_resched();
		}
		/* the newest missing from @pt: stale but perhaps members */
		if (pt->partial)
			continue;
		xa_for_each_marked(&r->members, nr, pid, TREE_STALE) {
			void *gone = NULL;

			xa_lock(&r->members);
			if (xa_get_mark(&r->members, nr, TREE_STALE) &&
			    xa_load(&r->members, nr) == pid)
				gone = __xa_erase(&r->members, nr);
			xa_unlock(&r->members);
			put_pid(gone);
			if (!(++n % 256))
				cond_resched();
		}
	}
	bitmap_free(in);
}

static bool match_pid(struct ksmctl_rule *r, struct task_struct *task)
{
	struct pid *pid = task_tgid(task);

	if (pid == r->pid)
		return true;
	return (r->flags & KSMCTL_RULE_F_TREE) &&
	       tree_has(r, task_tgid_nr(task), pid);
}

static bool match_cgroup(const struct ksmctl_rule *r, struct task_struct *task)
{
	struct cgroup *cgrp = task_dfl_cgroup(task);

	if (cgrp == r->cgrp)
		return true;
	return (r->flags & KSMCTL_RULE_F_RECURSIVE) &&
	       cgroup_is_descendant(cgrp, r->cgrp);
}

/*
 * The identity of the file at @path as exe rules compare it, the rule's
 * file and a process's alike: stat(2)'s device and inode number and the
 * generation of that path's inode. @flags: AT_STATX_*. 0 or -errno.
 */
static int path_exe_id(const struct path *path, unsigned int flags,
		       struct exe_id *id)
{
	struct kstat st;
	int err = vfs_getattr_nosec(path, &st, STATX_INO, flags);

	if (err)
		return err;
	id->dev = st.dev;
	id->ino = st.ino;
	id->gen = d_inode(path->dentry)->i_generation;
	id->known = true;
	return 0;
}

/**
 * ksmctl_rule_set_exe() - match processes running this file
 * @r: the rule
 * @exe: the file's path
 *
 * By identity, as stat(2) tells it, without holding the file (its
 * filesystem can be unmounted): device and inode number, and the inode's
 * generation, which tells this file from one that gets its number again
 * after it is deleted (on the filesystems that keep one).
 *
 * Return: 0, or the -errno of reading the file's attributes.
 */
int ksmctl_rule_set_exe(struct ksmctl_rule *r, const struct path *exe)
{
	struct exe_id id;
	int err = path_exe_id(exe, AT_STATX_SYNC_AS_STAT, &id);

	if (err)
		return err;
	r->has_exe = true;
	r->exe_dev = id.dev;
	r->exe_ino = id.ino;
	r->exe_gen = id.gen;
	return 0;
}
/*
 * the file @mm runs, as an exe rule compares it; may sleep, but does not
 * wait for a network filesystem (its attributes as cached)
 */
static void exe_id_of(struct mm_struct *mm, struct exe_id *id)
{
	struct file *exe = ksmctl_mm_exe_file(mm);

	id->known = false;
	if (exe) {
		path_exe_id(&exe->f_path, AT_STATX_DONT_SYNC, id);
		fput(exe);
	}
}
/*
 * The exe of @mm as exe rules compare it, in @id: unknown while no rule
 * compares it; kept in @fm (may be NULL) until the mm runs another file
 * (PR_SET_MM's exe_fd).
 */
static void mm_exe(struct mm_struct *mm, struct followed_mm *fm,
		   struct exe_id *id)
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
	exe_id_of(mm, id);
	if (fm) {
		fm->exe = *id;
		fm->exe_file = file;
	}
}

/* @exe NULL: the exe is not known, taken as matching */
static bool rule_matches(struct ksmctl_rule *r, struct task_struct *task,
			 const struct exe_id *exe, const char *comm)
{
	if (r->pid && !match_pid(r, task))
		return false;
	if (r->cgrp && !match_cgroup(r, task))
		return false;
	if (r->has_exe && exe &&
	    !(exe->known && exe->ino == r->exe_ino && exe->dev == r->exe_dev &&
	      exe->gen == r->exe_gen))
		return false;
	if (r->comm[0] && strcmp(r->comm, comm))
		return false;
	if (r->has_uid && !uid_eq(task_uid(task), r->uid))
		return false;
	return true;
}

/*
 * KSMCTL_RULE_* the rules want for a process (UNSPEC: none), and which
 * rule decided (@id): the first of the highest action that matches. @task
 * is a live thread of it, whose cgroup and credentials are the process's
 * (its main thread may have exited); @comm the process's name.
 */
static u32 verdict_locked(struct task_struct *task, const struct exe_id *exe,
			  const char *comm, u32 *id)
{
	struct ksmctl_rule *r;
	u32 v = KSMCTL_RULE_UNSPEC;

	lockdep_assert_held(&ksmctl_rules.lock);
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		if (r->action <= v || !rule_matches(r, task, exe, comm))
			continue;
		v = r->action;	/* NEVER > MERGE: never wins */
		*id = r->id;
		if (v == KSMCTL_RULE_NEVER)
			break;
	}
	return v;
}

/* ...and ksmctl_rules.gen then (@gen); @leader gives the name */
static u32 verdict(struct task_struct *leader, struct task_struct *task,
		   const struct exe_id *exe, u32 *id, unsigned int *gen)
{
	char comm[TASK_COMM_LEN];
	u32 v;

	comm_now(comm, leader);
	mutex_lock(&ksmctl_rules.lock);
	rcu_read_lock();
	v = verdict_locked(task, exe, comm, id);
	rcu_read_unlock();
	*gen = ksmctl_rules.gen;
	mutex_unlock(&ksmctl_rules.lock);
	return v;
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

static void count_hit(u32 id)
{
	struct ksmctl_rule *r;

	mutex_lock(&ksmctl_rules.lock);
	r = ksmctl_rule_find_ge(id);
	if (r && r->id == id)
		r->hits++;
	mutex_unlock(&ksmctl_rules.lock);
}

/* the module is going away: the rules' long unmerges stop, as at a signal */
static bool rules_stopping(void)
{
	return READ_ONCE(ksmctl_rules.stopping);
}

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
static struct followed_mm *fm_get(struct mm_struct *mm)
{
	struct followed_mm *fm;

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
static void fm_put(struct followed_mm *fm)
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
static void set_verdict(struct followed *f, u32 v, u32 id)
{
	struct followed_mm *fm = f->fm;

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
static void follow_mm(struct followed *f, struct mm_struct *mm)
{
	struct followed_mm *old = f->fm;
	u32 v = f->verdict, id = f->rule_id;

	if (old && old->mm == mm)
		return;
	set_verdict(f, KSMCTL_RULE_UNSPEC, 0);
	f->fm = fm_get(mm);		/* NULL: out of memory, no state kept */
	set_verdict(f, v, id);
	fm_put(old);
}

/* the verdict of @f's mm: never if any of its processes is followed as never */
static u32 mm_verdict(const struct followed *f, u32 *id)
{
	if (f->fm && f->fm->nevers && f->verdict != KSMCTL_RULE_NEVER) {
		*id = f->fm->never_id;
		return KSMCTL_RULE_NEVER;
	}
	*id = f->rule_id;
	return f->verdict;
}

/* the mm of @fm was found as @verdict wants it: a tick has nothing to do */
static bool fm_quiet(const struct followed_mm *fm, u32 verdict)
{
	return fm->clean && fm->applied == verdict &&
	       ksmctl_mm_change_seq(fm->mm) == fm->seq;
}

/*
 * make the VMAs of @mm as @verdict wants them, or the verdict of the mm
 * (@f's, if followed: never if another process of it is followed as
 * never); @walk: look at the VMAs even if nothing changed since they were
 * found right
 */
static void apply(struct task_struct *task, struct mm_struct *mm,
		  struct followed *f, u32 verdict, u32 id, bool walk)
{
	struct ksmctl_mark_req rq = {
		.start = 0, .end = ULONG_MAX, .classes = KSMCTL_CLASS_ALL,
		.stop = rules_stopping,
	};
	struct ksmctl_mark_res res = { 0 };
	struct followed_mm *fm = NULL;
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

static void release_fn(struct work_struct *work)
{
	struct followed *f, *next;

	struct followed_mm *fm, *fm_next;

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

static void unfollow(unsigned long nr)
{
	struct followed *f = xa_erase(&ksmctl_rules.followed, nr);

	if (f) {
		set_verdict(f, KSMCTL_RULE_UNSPEC, 0);
		fm_put(f->fm);
		f->fm = NULL;
		list_del(&f->node);
		ksmctl_rules.nr_followed--;
		/* a probe may still see @f: kfree_rcu() in release_fn() */
		if (llist_add(&f->free_node, &ksmctl_rules.unfollowed))
			schedule_delayed_work(&ksmctl_rules.release_work,
				msecs_to_jiffies(RELEASE_DELAY_MS));
	}
}

static struct followed *follow(struct task_struct *task)
{
	struct followed *f = kzalloc(sizeof(*f), GFP_KERNEL);

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

static void unfollow_all(void)
{
	struct followed *f;
	unsigned long nr;

	xa_for_each(&ksmctl_rules.followed, nr, f)
		unfollow(nr);
}

/* why a process is looked at */
enum look {
	LOOK_TICK,	/* followed: its verdict stands unless the rules changed */
	LOOK_SCAN,	/* the scan: decide again */
	LOOK_EVENT,	/* fork, exec or cgroup move: decide again, a new mm */
};

/* apply the rules to one process; in the worker */
static void look_at(struct task_struct *task, enum look why)
{
	pid_t nr = task_tgid_nr(task);
	struct followed *f = xa_load(&ksmctl_rules.followed, nr);
	struct task_struct *holder;
	struct mm_struct *mm;
	struct exe_id exe;
	unsigned int gen;
	u32 v, id = 0;

	if (f && f->pid != task_tgid(task)) {
		unfollow(nr);	/* the tgid was reused */
		f = NULL;
	}
	/* a live thread's: the main thread may have exited */
	mm = ksmctl_process_mm(task, &holder);
	if (!mm) {
		if (f)
			unfollow(nr);	/* exited, or a kernel thread */
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
			unfollow(nr);
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

/* unchanged since found right: a tick has nothing to do for it */
static bool quiet(const struct followed *f, unsigned int gen)
{
	u32 id;

	return f->gen == gen && f->fm && fm_quiet(f->fm, mm_verdict(f, &id));
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
 * Could a rule match @p? All but the exe is matched here, under RCU (and
 * ksmctl_rules.lock but from the probes), without a reference on anything: a
 * look (with the mm) decides.
 */
static bool maybe_matched(struct task_struct *p, const char *comm)
{
	struct ksmctl_rule *r;

	list_for_each_entry_rcu(r, &ksmctl_rules.list, node)
		if (rule_matches(r, p, NULL, comm))
			return true;
	return false;
}

/*
 * Is @p a followed process that nothing changed: not its VMAs (the mm it
 * had, held by @f), not its verdict? @t is its live thread. Under
 * ksmctl_rules.lock and RCU.
 */
static bool followed_as_before(struct task_struct *p, struct task_struct *t,
			       struct followed *f, const char *comm)
{
	u32 id = 0;

	return KSMCTL_MM_CHANGE_EXACT && f->pid == task_tgid(p) && f->fm &&
	       f->fm->mm == READ_ONCE(t->mm) && quiet(f, ksmctl_rules.gen) &&
	       verdict_locked(t, f->fm->exe_file ? &f->fm->exe : NULL, comm,
			      &id) == f->verdict &&
	       id == f->rule_id;
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
	struct followed *f;

	lockdep_assert_held(&ksmctl_rules.lock);
	tasks = kvmalloc_array(max(pt->n, 1U), sizeof(*tasks), GFP_KERNEL);
	if (!tasks)
		return NULL;
	for (i = 0; i < pt->n; i++) {
		rcu_read_lock();
		p = pid_task(pt->ents[i].pid, PIDTYPE_TGID);
		t = p && !(p->flags & PF_KTHREAD) ? live_thread(p) : NULL;
		if (t) {
			comm_now(comm, p);
			f = xa_load(&ksmctl_rules.followed, task_tgid_nr(p));
			if (f ? !followed_as_before(p, t, f, comm) :
				maybe_matched(t, comm)) {
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
	struct followed *f;
	unsigned long nr;
	bool gone;

	xa_for_each(&ksmctl_rules.followed, nr, f) {
		rcu_read_lock();
		gone = !pid_task(f->pid, PIDTYPE_TGID);
		rcu_read_unlock();
		if (gone)
			unfollow(nr);
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
	trees_mark_stale();
	if (!ksmctl_ptree_take(&pt)) {
		trees_update(&pt);
		tasks = collect_candidates(&pt, &n);
		ksmctl_ptree_release(&pt);
	}
	mutex_unlock(&ksmctl_rules.lock);
	if (!tasks)
		return;		/* out of memory: the next scan, then */
	for (i = 0; i < n; i++) {
		look_at(tasks[i], LOOK_SCAN);
		put_task_struct(tasks[i]);
		cond_resched();
	}
	kvfree(tasks);
}

/* has @f's process exited (no thread left with an mm)? */
static bool exited(const struct followed *f)
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
	struct followed *f, *next;
	struct task_struct *task;

	atomic64_inc(&ksmctl_rules.stats.ticks);
	/* a look may unfollow the process it looks at, and no other */
	list_for_each_entry_safe(f, next, &ksmctl_rules.followed_list, node) {
		/*
		 * The exit of a process whose mm others share changes nothing
		 * the mm shows, but may change its verdict: looked for here.
		 */
		if (quiet(f, gen) && !(f->fm->users > 1 && exited(f))) {
			if (!(++n % 1024))
				cond_resched();
			continue;
		}
		task = get_pid_task(f->pid, PIDTYPE_TGID);
		if (task) {
			look_at(task, LOOK_TICK);
			put_task_struct(task);
		} else {
			unfollow(pid_nr(f->pid));
		}
		cond_resched();
	}
}

#define SCAN_MAX_MS	60000	/* the longest period a slow scan gets */

/*
 * The period after a scan that took @took_ns: with the probes, at least
 * KSMCTL_RULES_SCAN_MS and KSMCTL_RULES_SCAN_SHARE times the scan's own
 * (wall) time, so that scans take a bounded share of a CPU however many
 * processes there are, and less when the host is busy; without them,
 * KSMCTL_RULES_PERIOD_MS (the scan is then all there is).
 */
static unsigned int scan_period_ms(u64 took_ns)
{
	u64 ms = div_u64(took_ns, NSEC_PER_MSEC) * KSMCTL_RULES_SCAN_SHARE;

	if (!READ_ONCE(ksmctl_rules.hooked))
		return KSMCTL_RULES_PERIOD_MS;
	return clamp_t(u64, ms, KSMCTL_RULES_SCAN_MS, SCAN_MAX_MS);
}

static void pass_fn(struct kthread_work *work)
{
	bool active, scan_all;

	mutex_lock(&ksmctl_rules.lock);
	active = ksmctl_rules.nr && !ksmctl_rules.stopping;
	scan_all = ksmctl_rules.scan_now ||
		   time_after_eq(jiffies, ksmctl_rules.next_scan);
	ksmctl_rules.scan_now = false;
	mutex_unlock(&ksmctl_rules.lock);

	if (!active) {
		unfollow_all();
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
				msecs_to_jiffies(KSMCTL_RULES_PERIOD_MS));
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
	look_at(task, LOOK_EVENT);
	put_task_struct(task);
}

/* queue a process for pending_fn(); atomic context */
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
	 * them. pending_fn() drops the duplicates this misses.
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

static void pending_fn(struct kthread_work *work)
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
		kick_pass();
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
		comm_now(comm, p);
		ret = maybe_matched(p, comm);
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
	trees_fork(child);
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
 * which then runs every KSMCTL_RULES_PERIOD_MS instead)
 */
static struct ksmctl_hook rule_hooks[] = {
	{ "sched_process_fork", probe_fork },	/* a new mm; not a new thread */
	{ "sched_process_exec", probe_exec },	/* comm, exe, a new mm */
	{ "cgroup_attach_task", probe_attach },	/* into another cgroup */
};

/* true if every event has its probe; under ksmctl_rules.lock */
static bool hooks_attach(void)
{
	return ksmctl_hooks_attach(rule_hooks, ARRAY_SIZE(rule_hooks));
}

/* no probe runs after this; under ksmctl_rules.lock */
static void hooks_detach(void)
{
	ksmctl_hooks_detach(rule_hooks, ARRAY_SIZE(rule_hooks));
}

/**
 * ksmctl_rules_stats() - what the rules cost so far, for /proc/ksmctl/status
 * @st: filled
 */
void ksmctl_rules_stats(struct ksmctl_rules_stats *st)
{
	mutex_lock(&ksmctl_rules.lock);
	st->rules = ksmctl_rules.nr;
	/* as of the thread's last context switch or tick */
	st->cpu_ns = ksmctl_rules.worker ?
		READ_ONCE(ksmctl_rules.worker->task->se.sum_exec_runtime) : 0;
	mutex_unlock(&ksmctl_rules.lock);
	st->followed = READ_ONCE(ksmctl_rules.nr_followed);
	st->scan_ms = READ_ONCE(ksmctl_rules.hooked) ?
		      READ_ONCE(ksmctl_rules.scan_ms) : KSMCTL_RULES_PERIOD_MS;
	st->scans = atomic64_read(&ksmctl_rules.stats.scans);
	st->ticks = atomic64_read(&ksmctl_rules.stats.ticks);
	st->looks = atomic64_read(&ksmctl_rules.stats.looks);
	st->walks = atomic64_read(&ksmctl_rules.stats.walks);
}

/**
 * ksmctl_rules_init() - start the rules' thread, with no rule
 * @event: called when a rule changed a process
 *
 * Return: 0 or -errno.
 */
int __init ksmctl_rules_init(ksmctl_rule_event_fn event)
{
	struct kthread_worker *worker;

	ksmctl_rules.event = event;

	ksmctl_hooks_find(rule_hooks, ARRAY_SIZE(rule_hooks));
	worker = kthread_create_worker(0, "ksmctl_rules");
	if (IS_ERR(worker))
		return PTR_ERR(worker);
	mutex_lock(&ksmctl_rules.lock);	/* /proc/ksmctl/status may be read */
	ksmctl_rules.worker = worker;
	mutex_unlock(&ksmctl_rules.lock);
	return 0;
}

/**
 * ksmctl_rules_stop() - stop applying rules: the probes are detached for
 * good and nothing is queued after this
 */
void ksmctl_rules_stop(void)
{
	mutex_lock(&ksmctl_rules.lock);
	/* read by rules_stopping() too */
	WRITE_ONCE(ksmctl_rules.stopping, true);
	WRITE_ONCE(ksmctl_rules.active, false);
	hooks_detach();
	ksmctl_rules.hooked = false;
	mutex_unlock(&ksmctl_rules.lock);
	kthread_cancel_delayed_work_sync(&ksmctl_rules.pending.work);
	kthread_cancel_delayed_work_sync(&ksmctl_rules.pass_work);
}

/* the processes queued but not looked at: once the probes and worker are gone */
static void drain_pending(void)
{
	struct ksmctl_rules_pending *q = &ksmctl_rules.pending;
	unsigned int i;

	for (i = 0; i < q->n; i++)
		put_pid(q->buf[i]);
	q->n = 0;
}

/*
 * Drop every rule. What they did stays (module unload, documented), but
 * for the merge-any flags never rules took: given back.
 */
void ksmctl_rules_uninit(void)
{
	struct kthread_worker *worker;
	struct ksmctl_rule *r, *tmp;

	mutex_lock(&ksmctl_rules.lock);	/* against ksmctl_rules_stats() */
	worker = ksmctl_rules.worker;
	ksmctl_rules.worker = NULL;
	mutex_unlock(&ksmctl_rules.lock);
	kthread_destroy_worker(worker);
	drain_pending();
	unfollow_all();
	flush_delayed_work(&ksmctl_rules.release_work);
	xa_destroy(&ksmctl_rules.followed);
	list_for_each_entry_safe(r, tmp, &ksmctl_rules.list, node) {
		list_del(&r->node);
		ksmctl_rule_free(r);
	}
	ksmctl_rules.nr = 0;
	ksmctl_rules.nr_exe = 0;
}
