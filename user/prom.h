/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition format (version 0.0.4), as read by
 * node_exporter's textfile collector: every metric family is one
 * "# HELP" line, one "# TYPE" line and its samples, together.
 */
#ifndef PROM_H
#define PROM_H

#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* "# HELP @name @help" and "# TYPE @name @type" ("gauge", "counter"). */
void prom_family(FILE *f, const char *name, const char *type, const char *help);

/*
 * A malloc()ed label set, "{k1="v1",k2="v2"}", for @n keys and values, or
 * "" for none; NULL if out of memory. Values are escaped as the format
 * wants (backslash, double quote and newline become \\, \" and \n) and
 * bytes that are not UTF-8 become U+FFFD.
 */
char *prom_labels(unsigned int n, const char *const keys[], const char *const values[]);

void prom_sample_u64(FILE *f, const char *name, const char *labels, uint64_t v);
void prom_sample_s64(FILE *f, const char *name, const char *labels, int64_t v);
/* @num / 1000, exactly, in decimal: milliseconds as seconds */
void prom_sample_milli(FILE *f, const char *name, const char *labels, uint64_t num);

/* The same gathered in @o, for output of many samples. */
void prom_family_out(struct outbuf *o, const char *name, const char *type, const char *help);
void prom_sample_u64_out(struct outbuf *o, const char *name, const char *labels, uint64_t v);
void prom_sample_s64_out(struct outbuf *o, const char *name, const char *labels, int64_t v);

#endif
