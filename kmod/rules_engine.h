/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules engine (sticky rules): its shared state, and what its files
 * give each other. Nothing outside the rules_*.c files and rules.c
 * includes this; the rest of the module sees rules.h.
 *
 *   rules.c         the rule store (ids, add, delete, the lookups of the
 *                   dumps), the statistics, start and stop; it owns the
 *                   one struct ksmctl_rules_engine
 *   rules_work.c    the rules' thread: scans, ticks, and the tracepoint
 *                   probes with the queue of processes they saw
 *   rules_follow.c  a look at one process: the followed processes and
 *                   their mms, one verdict an mm, applying it
 *   rules_match.c   which rules match a process, and its verdict; the
 *                   members of tree rules; the identity of exe files
 *
 * A file calls only the files below it in that list: its own section of
 * this header is the only one the files above it use.
 */
#ifndef _KSMCTL_RULES_ENGINE_H
#define _KSMCTL_RULES_ENGINE_H

#include <linux/hashtable.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "rules.h"

struct ksmctl_ptree;

#define PENDING_MAX	1024	/* processes the probes queue between works */
#define RELEASE_DELAY_MS 100	/* gather the entries let go of */

/**
 * struct ksmctl_exe_id - which file a process runs, as stat(2) tells it: the
 *	identity an exe rule compares (ksmctl_rule_set_exe())
 * @dev: st_dev (a btrfs subvolume's own, an overlay's)
 * @ino: st_ino
 * @gen: the inode's generation, told apart from a file that got @ino
 *	again after this one was deleted
 * @known: found (a process without an exe file, or one whose file's
 *	attributes cannot be read, matches no exe rule)
 */
struct ksmctl_exe_id {
	u64 dev;
	u64 ino;
	u32 gen;
	bool known;
};

/**
 * struct ksmctl_followed_mm - an address space of followed processes, and what
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
struct ksmctl_followed_mm {
	struct mm_struct *mm;
	unsigned int users;
	unsigned int nevers;
	u32 never_id;
	bool clean;
	u32 applied;
	unsigned long seq;
	bool took_any;
	struct ksmctl_exe_id exe;
	const void *exe_file;
	struct hlist_node node;
	struct llist_node free_node;
};

/**
 * struct ksmctl_followed - a process some rule matches
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
struct ksmctl_followed {
	struct list_head node;
	struct pid *pid;
	u32 verdict;
	u32 rule_id;
	unsigned int gen;
	struct ksmctl_followed_mm *fm;
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
 * @stopping: the module is going away; READ_ONCE() by the mark's stop()
 * @scan_now: the next pass scans every process
 * @hooked: the probes report every event; READ_ONCE() by the worker
 * @active: there are rules and we are not stopping: changed under @lock,
 *	read by the probes (and the pending work) without it
 * @event: called when a rule changed a process; set at init
 * @period_ms: the module parameter rules_period_ms: set at load, before
 *	init, and read-only then
 * @scan_min_ms: the module parameter rules_scan_min_ms, likewise
 *
 * The rules' thread:
 * @worker: the kthread_worker every look at a process runs in; set and
 *	cleared under @lock (ksmctl_rules_stats() reads its CPU time)
 * @pass_work: a scan or a tick (ksmctl_rules_pass_fn())
 * @next_scan: when the next pass scans (jiffies); the worker's only
 * @scan_ms: the scan's period now; written by the worker, READ_ONCE()
 *	by ksmctl_rules_stats()
 * @stats: what the work did; written by the worker, read by anyone
 *
 * The probes' queue, under @pending.lock (irq-safe: the probes run in
 * any context). The probes fill @pending.buf; ksmctl_rules_pending_fn()
 * swaps the two buffers and reads the other one outside the lock (it is
 * the only reader, one at a time). A process is queued by its struct
 * pid, with a reference: its number may name another process by the time
 * it is looked at.
 * @pending.lock: protects @pending.buf, @pending.n, @pending.overflow
 * @pending.bufs: the two buffers
 * @pending.buf: the one the probes fill
 * @pending.n: entries in @pending.buf
 * @pending.overflow: a process was not queued: scan sooner
 * @pending.work: ksmctl_rules_pending_fn(), queued by the probes
 * @trees_lost: a probe could not record a tree rule's new member: scan
 *	sooner; WRITE_ONCE() by the probes, cleared by the scan
 *
 * The followed processes, the worker's only (ksmctl_rules_uninit()'s once
 * it is gone); the probes xa_load() @followed under RCU:
 * @followed: struct ksmctl_followed, by tgid in the initial pid namespace
 * @followed_list: the same, which ticks go through
 * @nr_followed: entries; READ_ONCE() by ksmctl_rules_stats()
 * @followed_mms: struct ksmctl_followed_mm, by mm
 * @unfollowed: entries let go of, for @release_work to free (any context
 *	adds, lock-free)
 * @unfollowed_mms: the same for struct ksmctl_followed_mm. A followed
 *	mm's is often the last reference on the mm of a process that exited: the
 *	mmdrop() frees its mm_struct and page tables, the exit's own
 *	teardown, which without our reference the exiting process does; it
 *	runs in a kworker, as mmput_async() has the rest of it, not in the
 *	rules' thread; after a delay, so that the exits a tick finds cost
 *	one kworker wake-up.
 * @release_work: ksmctl_rules_release_fn()
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
	unsigned int period_ms;
	unsigned int scan_min_ms;

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

/* why a process is looked at */
enum ksmctl_rules_look {
	LOOK_TICK,	/* followed: its verdict stands unless the rules changed */
	LOOK_SCAN,	/* the scan: decide again */
	LOOK_EVENT,	/* fork, exec or cgroup move: decide again, a new mm */
};

/* rules.c */
extern struct ksmctl_rules_engine ksmctl_rules;

/* rules_work.c */
void ksmctl_rules_kick_pass(void);
void ksmctl_rules_pass_fn(struct kthread_work *work);
void ksmctl_rules_pending_fn(struct kthread_work *work);
void ksmctl_rules_hooks_find(void);
bool ksmctl_rules_hooks_attach(void);
void ksmctl_rules_hooks_detach(void);
void ksmctl_rules_drain_pending(void);

/* rules_follow.c */
void ksmctl_rules_look_at(struct task_struct *task,
			  enum ksmctl_rules_look why);
bool ksmctl_rules_quiet(const struct ksmctl_followed *f, unsigned int gen);
void ksmctl_rules_unfollow(unsigned long nr);
void ksmctl_rules_unfollow_all(void);
void ksmctl_rules_release_fn(struct work_struct *work);

/* rules_match.c */

/**
 * struct ksmctl_subject - a process, as the rules match it
 * @pid: its tgid
 * @nr: the number of @pid in the initial pid namespace
 * @cgrp: its cgroup (v2)
 * @uid: its real uid
 * @comm: its name
 * @exe: the file it runs, or NULL if not known yet (taken as matching)
 */
struct ksmctl_subject {
	struct pid *pid;
	pid_t nr;
	struct cgroup *cgrp;
	kuid_t uid;
	const char *comm;
	const struct ksmctl_exe_id *exe;
};

void ksmctl_subject_init(struct ksmctl_subject *s, struct task_struct *task,
			 const char *comm, const struct ksmctl_exe_id *exe);
void ksmctl_rules_comm(char comm[TASK_COMM_LEN], struct task_struct *p);
bool ksmctl_rule_same(const struct ksmctl_rule *a,
		      const struct ksmctl_rule *b);
u32 ksmctl_rules_verdict(struct list_head *rules,
			 const struct ksmctl_subject *s, u32 *id);
bool ksmctl_rules_may_match(struct task_struct *t, const char *comm);
void ksmctl_rules_exe_id(struct mm_struct *mm, struct ksmctl_exe_id *id);
void ksmctl_rules_trees_fork(struct task_struct *child);
void ksmctl_rules_trees_mark_stale(void);
void ksmctl_rules_trees_update(const struct ksmctl_ptree *pt);

#endif /* _KSMCTL_RULES_ENGINE_H */
