/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_HOOKS_H
#define _KSMCTL_HOOKS_H

#include <linux/types.h>

struct tracepoint;

/**
 * struct ksmctl_hook - a probe on a kernel tracepoint found by name
 * @name: the tracepoint's name ("sched_process_fork")
 * @probe: the probe, of the tracepoint's prototype (check it at build time
 *	with its check_trace_callback_type_<name>())
 * @tp: the tracepoint, once found (ksmctl_hooks_find())
 * @on: the probe is attached
 */
struct ksmctl_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool on;
};

void ksmctl_hooks_find(struct ksmctl_hook *hooks, unsigned int n);
bool ksmctl_hooks_attach(struct ksmctl_hook *hooks, unsigned int n);
void ksmctl_hooks_detach(struct ksmctl_hook *hooks, unsigned int n);

#endif /* _KSMCTL_HOOKS_H */
