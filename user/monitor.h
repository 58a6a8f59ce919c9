/* SPDX-License-Identifier: GPL-2.0 */
/* "ksmctl monitor": rendering of rule events. */
#ifndef MONITOR_H
#define MONITOR_H

#include <stdio.h>

struct ksmctl_event;

/* "rule 3 merge: pid 1234 (java): 12 VMAs, 48.0 MiB" */
void monitor_print_text(FILE *f, const struct ksmctl_event *ev);
/* one JSON object a line */
void monitor_print_json(FILE *f, const struct ksmctl_event *ev);

#endif
