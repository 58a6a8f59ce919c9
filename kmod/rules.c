// SPDX-License-Identifier: GPL-2.0
/*
 * Sticky rules: the rule store (ids, add, delete, the lookups of the
 * dumps), what the rules cost, and the start and stop of their work.
 * rules_engine.h tells how the rules engine is laid out in files.
 */

#include <linux/cgroup.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <linux/ksmctl.h>

#include "rules_engine.h"

struct ksmctl_rules_engine ksmctl_rules = {
	.lock = __MUTEX_INITIALIZER(ksmctl_rules.lock),
	.list = LIST_HEAD_INIT(ksmctl_rules.list),
	.next_id = 1,
	.pass_work = KTHREAD_DELAYED_WORK_INIT(ksmctl_rules.pass_work,
					       ksmctl_rules_pass_fn),
	.period_ms = KSMCTL_RULES_PERIOD_MS,
	.scan_min_ms = KSMCTL_RULES_SCAN_MS,
	.pending = {
		.lock = __SPIN_LOCK_UNLOCKED(ksmctl_rules.pending.lock),
		.buf = ksmctl_rules.pending.bufs[0],
		.work = KTHREAD_DELAYED_WORK_INIT(ksmctl_rules.pending.work,
						  ksmctl_rules_pending_fn),
	},
	.followed = XARRAY_INIT(ksmctl_rules.followed, 0),
	.followed_list = LIST_HEAD_INIT(ksmctl_rules.followed_list),
	.release_work = __DELAYED_WORK_INITIALIZER(ksmctl_rules.release_work,
						   ksmctl_rules_release_fn, 0),
};

/* a period of the rules, in ms: at least 1, at most KSMCTL_RULES_MAX_MS */
static int period_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int err = kstrtouint(val, 0, &ms);

	if (err)
		return err;
	if (!ms || ms > KSMCTL_RULES_MAX_MS)
		return -EINVAL;
	*(unsigned int *)kp->arg = ms;
	return 0;
}

static const struct kernel_param_ops period_ops = {
	.set = period_set,
	.get = param_get_uint,
};

/* set at load; read-only in sysfs, where the tests read them */
module_param_cb(rules_period_ms, &period_ops, &ksmctl_rules.period_ms, 0444);
MODULE_PARM_DESC(rules_period_ms,
		 "ms between the passes over the processes rules match "
		 "(default " __stringify(KSMCTL_RULES_PERIOD_MS) ")");
module_param_cb(rules_scan_min_ms, &period_ops, &ksmctl_rules.scan_min_ms,
		0444);
MODULE_PARM_DESC(rules_scan_min_ms,
		 "least ms between the scans of every process (default "
		 __stringify(KSMCTL_RULES_SCAN_MS) ")");

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
		if (ksmctl_rule_same(o, r)) {
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
		ksmctl_rules.hooked = ksmctl_rules_hooks_attach();
	ksmctl_rules.nr++;
	ksmctl_rules.gen++;
	WRITE_ONCE(ksmctl_rules.active, true);
	ksmctl_rules_kick_pass();
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
		ksmctl_rules_hooks_detach();
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
		      READ_ONCE(ksmctl_rules.scan_ms) : ksmctl_rules.period_ms;
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
	ksmctl_rules.scan_ms = ksmctl_rules.scan_min_ms;

	ksmctl_rules_hooks_find();
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
	ksmctl_rules_hooks_detach();
	ksmctl_rules.hooked = false;
	mutex_unlock(&ksmctl_rules.lock);
	kthread_cancel_delayed_work_sync(&ksmctl_rules.pending.work);
	kthread_cancel_delayed_work_sync(&ksmctl_rules.pass_work);
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
	ksmctl_rules_drain_pending();
	ksmctl_rules_unfollow_all();
	flush_delayed_work(&ksmctl_rules.release_work);
	xa_destroy(&ksmctl_rules.followed);
	list_for_each_entry_safe(r, tmp, &ksmctl_rules.list, node) {
		list_del(&r->node);
		ksmctl_rule_free(r);
	}
	ksmctl_rules.nr = 0;
	ksmctl_rules.nr_exe = 0;
}
