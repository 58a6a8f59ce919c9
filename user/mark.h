/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KSMCTL_CMD_MARK and KSMCTL_CMD_UNMARK ("ksmctl merge" and "ksmctl
 * unmerge"): the request, its result and their rendering.
 */
#ifndef MARK_H
#define MARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ksmctl.h>

struct ksmctl_mark_req {
	bool unmark;			/* KSMCTL_CMD_UNMARK */
	uint32_t pid;
	uint32_t flags;			/* KSMCTL_MARK_F_* */
	bool has_range;
	uint64_t start, end;		/* with has_range */
	uint32_t classes;		/* KSMCTL_CLASS_*; 0: not sent (all) */
};

#define MARK_ERROR_MAX 384

struct ksmctl_mark_result {
	uint32_t pid;
	/* 0, or the negative errno and its explanation: "no such process" */
	int err;
	char error[MARK_ERROR_MAX];
	uint32_t processes;
	uint32_t vmas;
	uint64_t bytes;
	uint32_t already_vmas;
	uint64_t already_bytes;
	uint32_t skipped[KSMCTL_SKIP_MAX + 1];	/* [0]: reasons this tool does not know */
	bool interrupted;
	bool has_failed_processes;
	uint32_t failed_processes;
};

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
