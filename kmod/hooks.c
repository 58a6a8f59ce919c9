// SPDX-License-Identifier: GPL-2.0
/*
 * Probes on the scheduler's and the cgroup core's tracepoints, so that the
 * rules reach a process as soon as something that may change its verdict
 * happens to it:
 *   sched_process_fork   a new process (a new mm; not a new thread)
 *   sched_process_exec   a new program (comm, exe, a new mm)
 *   cgroup_attach_task   moved into another cgroup
 *
 * The tracepoint structures are not exported: they are found by name with
 * for_each_kernel_tracepoint() at load, and the probes are attached with
 * tracepoint_probe_register() only while rules exist (enabling a
 * tracepoint patches kernel text: a module without rules leaves it alone).
 * The probes run in atomic context: they only match the process against
 * the rules under RCU, and queue its pid if a rule may want it (rules.c).
 *
 * A kernel without some of these tracepoints (CONFIG_TRACEPOINTS=n, e.g. a
 * tinyconfig) leaves the events to the rules' scan of all processes, which
 * then runs every KSMCTL_RULES_PERIOD_MS instead of every
 * KSMCTL_RULES_SCAN_MS (ksmctl_hooks_attach() says so).
 */

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
/* the events' declarations, for their prototypes only */
#include <trace/events/cgroup.h>
#include <trace/events/sched.h>

#include "hooks.h"
#include "rules.h"

static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	if (!READ_ONCE(ksmctl_rules_active) || (child->flags & PF_KTHREAD))
		return;
	/* a new thread has no new mm: the periodic pass sees its stack */
	if (child->tgid == parent->tgid)
		return;
	ksmctl_rules_note_fork(child);
}

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	if (!READ_ONCE(ksmctl_rules_active))
		return;
	ksmctl_rules_note_task(p);
}

static void probe_attach(void *data, struct cgroup *dst_cgrp,
			 const char *path, struct task_struct *task,
			 bool threadgroup)
{
	if (!READ_ONCE(ksmctl_rules_active) || (task->flags & PF_KTHREAD))
		return;
	ksmctl_rules_note_task(task);
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

static struct hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool on;
} hooks[] = {
	{ "sched_process_fork", probe_fork },
	{ "sched_process_exec", probe_exec },
	{ "cgroup_attach_task", probe_attach },
};

static void find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!strcmp(tp->name, hooks[i].name))
			hooks[i].tp = tp;
}

/**
 * ksmctl_hooks_detach() - detach the probes; none runs after this
 *
 * Context: process context; serialised with ksmctl_hooks_attach() by the
 * caller (the rules' mutex).
 */
void ksmctl_hooks_detach(void)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (hooks[i].on) {
			tracepoint_probe_unregister(hooks[i].tp,
						    hooks[i].probe, NULL);
			any = true;
		}
		hooks[i].on = false;
	}
	if (any)
		tracepoint_synchronize_unregister();
}

/**
 * ksmctl_hooks_attach() - attach the probes to the tracepoints found
 *
 * Context: process context; see ksmctl_hooks_detach().
 * Return: true if every event the rules follow has its probe.
 */
bool ksmctl_hooks_attach(void)
{
	unsigned int i, on = 0;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (hooks[i].tp && !hooks[i].on &&
		    !tracepoint_probe_register(hooks[i].tp, hooks[i].probe,
					       NULL))
			hooks[i].on = true;
		on += hooks[i].on;
	}
	return on == ARRAY_SIZE(hooks);
}

int __init ksmctl_hooks_init(void)
{
	unsigned int i;

	for_each_kernel_tracepoint(find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!hooks[i].tp)
			pr_info("no %s tracepoint: rules see its events at their next scan\n",
				hooks[i].name);
	return 0;
}
