// SPDX-License-Identifier: GPL-2.0
/*
 * Probes on kernel tracepoints, found by name: the tracepoint structures
 * are not exported. A user of this file (the rules, rules_work.c) owns a table
 * of struct ksmctl_hook; ksmctl_hooks_find() looks its tracepoints up with
 * for_each_kernel_tracepoint() at load, and the probes are attached with
 * tracepoint_probe_register() only while they are wanted (enabling a
 * tracepoint patches kernel text). The probes run in atomic context.
 *
 * A kernel without some of these tracepoints (CONFIG_TRACEPOINTS=n, e.g. a
 * tinyconfig) has them missing: ksmctl_hooks_attach() says so.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "hooks.h"

struct find {
	struct ksmctl_hook *hooks;
	unsigned int n;
};

static void find_tp(struct tracepoint *tp, void *priv)
{
	struct find *f = priv;
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(tp->name, f->hooks[i].name))
			f->hooks[i].tp = tp;
}

/**
 * ksmctl_hooks_detach() - detach the probes; none runs after this
 * @hooks: the table
 * @n: its size
 *
 * Context: process context; serialised with ksmctl_hooks_attach() by the
 * caller (the rules' mutex).
 */
void ksmctl_hooks_detach(struct ksmctl_hook *hooks, unsigned int n)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < n; i++) {
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
 * @hooks: the table
 * @n: its size
 *
 * Context: process context; see ksmctl_hooks_detach().
 * Return: true if every probe of the table is attached.
 */
bool ksmctl_hooks_attach(struct ksmctl_hook *hooks, unsigned int n)
{
	unsigned int i, on = 0;

	for (i = 0; i < n; i++) {
		if (hooks[i].tp && !hooks[i].on &&
		    !tracepoint_probe_register(hooks[i].tp, hooks[i].probe,
					       NULL))
			hooks[i].on = true;
		on += hooks[i].on;
	}
	return on == n;
}

/**
 * ksmctl_hooks_find() - look the tracepoints of a table up, at load
 * @hooks: the table
 * @n: its size
 */
void ksmctl_hooks_find(struct ksmctl_hook *hooks, unsigned int n)
{
	struct find f = { hooks, n };
	unsigned int i;

	for_each_kernel_tracepoint(find_tp, &f);
	for (i = 0; i < n; i++)
		if (!hooks[i].tp)
			pr_info("no %s tracepoint\n", hooks[i].name);
}
