// SPDX-License-Identifier: GPL-2.0
/*
 * Probes on the sched_process_fork and sched_process_exec tracepoints, so
 * that the rules reach a process as soon as it forks or execs.
 *
 * The tracepoint structures are not exported: they are found by name with
 * for_each_kernel_tracepoint() and attached with tracepoint_probe_register().
 * The probes run in atomic context: they only queue the pid (rules.c).
 *
 * A kernel without tracepoints (CONFIG_TRACEPOINTS=n, e.g. a tinyconfig)
 * has none to find: the rules then rely on their periodic pass alone, so a
 * new process is reached within one period instead of at once.
 */

#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "hooks.h"
#include "rules.h"

struct linux_binprm;

static struct tracepoint *tp_fork, *tp_exec;

static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	if (!READ_ONCE(ksmctl_rules_active) || (child->flags & PF_KTHREAD))
		return;
	/* a new thread has no new mm: the periodic pass sees its stack */
	if (child->tgid == parent->tgid)
		return;
	ksmctl_rules_note_pid(task_tgid_nr(child));
}

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	if (!READ_ONCE(ksmctl_rules_active))
		return;
	ksmctl_rules_note_pid(task_tgid_nr(p));
}

static void find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_fork"))
		tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_exec"))
		tp_exec = tp;
}

int __init ksmctl_hooks_init(void)
{
	int err;

	for_each_kernel_tracepoint(find_tp, NULL);
	if (!tp_fork || !tp_exec) {
		pr_info("no sched_process_fork/exec tracepoints: rules apply to new processes at the next pass\n");
		tp_fork = tp_exec = NULL;
		return 0;
	}
	err = tracepoint_probe_register(tp_fork, probe_fork, NULL);
	if (err)
		return err;
	err = tracepoint_probe_register(tp_exec, probe_exec, NULL);
	if (err) {
		tracepoint_probe_unregister(tp_fork, probe_fork, NULL);
		tracepoint_synchronize_unregister();
		return err;
	}
	return 0;
}

/* After this no probe runs, nor is about to. */
void ksmctl_hooks_uninit(void)
{
	if (!tp_fork)
		return;
	tracepoint_probe_unregister(tp_exec, probe_exec, NULL);
	tracepoint_probe_unregister(tp_fork, probe_fork, NULL);
	tracepoint_synchronize_unregister();
}
