/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of processes and per-cgroup sums ("ksmctl ps", "ksmctl show"):
 * text, JSON and Prometheus, from structs only.
 */
#ifndef PS_H
#define PS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "procs.h"

struct ps_view {
	uint32_t page_size;	/* from GET_STATUS */
	bool proportional;	/* SAVED is the proportional saving */
};

/*
 * The members of a process's JSON object: every field the kernel sent,
 * optional ones only when present, and saved_bytes = merging_pages * page
 * size.
 */
void proc_json_members(struct json *j, const struct ksmctl_proc *p, uint32_t page_size);

/*
 * A table, PID USER SAVED MERGING COVERAGE COMMAND, and a total line; SAVED
 * is headed PSAVED with the proportional saving.
 */
void ps_print_text(FILE *f, const struct ksmctl_proc *const *rows, size_t n,
		   const struct ps_view *v);
void ps_print_json(FILE *f, const struct ksmctl_proc *const *rows, size_t n,
		   const struct ps_view *v);
void ps_print_prometheus(FILE *f, const struct ksmctl_proc *const *rows, size_t n,
			 const struct ps_view *v);

/* The same per cgroup: PROCS SAVED MERGING COVERAGE CGROUP. */
void cgroups_print_text(FILE *f, const struct proc_sum *rows, size_t n, const struct ps_view *v);
void cgroups_print_json(FILE *f, const struct proc_sum *rows, size_t n, const struct ps_view *v);
void cgroups_print_prometheus(FILE *f, const struct proc_sum *rows, size_t n,
			      const struct ps_view *v);

#endif
