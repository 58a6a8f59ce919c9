/* SPDX-License-Identifier: GPL-2.0 */
/* "ksmctl monitor": rendering of rule events. */
#ifndef MONITOR_H
#define MONITOR_H

#include <stdio.h>
#include <time.h>

struct ksmctl_event;

/* @ts as RFC 3339 local time with milliseconds: 2026-12-02T15:33:00.123+01:00 */
void monitor_time(char buf[40], const struct timespec *ts);

/* "<time> rule 3 merge: pid 1234 (java): 12 VMAs, 48.0 MiB", an event received at @ts */
void monitor_print_text(FILE *f, const struct ksmctl_event *ev, const struct timespec *ts);
/* one JSON object a line, its "time" first */
void monitor_print_json(FILE *f, const struct ksmctl_event *ev, const struct timespec *ts);

#endif
