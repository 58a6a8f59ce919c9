/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KSMCTL_CMD_MARK and KSMCTL_CMD_UNMARK ("ksmctl merge" and "ksmctl
 * unmerge"): the rendering of their results (the request and result are
 * in wire.h).
 */
#ifndef MERGE_H
#define MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ksmctl.h>

#include "wire.h"

/* What the kernel counted for skip reason @skip, "shared", ...; NULL for [0]. */
const char *mark_skip_key(unsigned int skip);

/*
 * One line per result, for a request with @rq's command and flags:
 *   pid 42: marked 12 VMAs (48.0 MiB) mergeable; 3 already mergeable
 *   (1.00 MiB); skipped 4: 2 shared, 1 special, 1 partly outside the range
 * Failed results print nothing: their error went to stderr.
 */
void mark_print_text(FILE *f, const struct ksmctl_mark_req *rq, const struct ksmctl_mark_result *res);

/* A JSON array of every result, failed ones included. */
void mark_print_json(FILE *f, const struct ksmctl_mark_req *rq,
		     const struct ksmctl_mark_result *res, size_t n);

#endif
