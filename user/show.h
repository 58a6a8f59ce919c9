/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "ksmctl show PID": one process and its VMAs, rendered from structs.
 */
#ifndef SHOW_H
#define SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "procs.h"

struct show_view {
	uint32_t page_size;
	bool all_vmas;		/* every VMA, not only mergeable ones or with KSM pages */
};

/* True if @v is listed without --all-vmas. */
bool vma_interesting(const struct ksmctl_vma *v);

/* "rw-p": read, write, exec, then 's'hared or 'p'rivate, as in /proc/PID/maps. */
char *vma_perm(char buf[static 5], uint32_t flags);

/* "me heap": 'm' mergeable, 'e' eligible ('-' if not), then heap, stack, anon, file or -. */
char *vma_kind(char buf[static 16], uint32_t flags);

void show_print_text(FILE *f, const struct ksmctl_proc *p, const struct vma_list *vmas,
		     const struct show_view *v);
void show_print_json(FILE *f, const struct ksmctl_proc *p, const struct vma_list *vmas,
		     const struct show_view *v);

#endif
