/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tool and the kernel module exchange, as the tool holds it: the
 * replies ipc.c decodes and the requests it encodes. The commands and ipc.c
 * include this; ipc.c includes no command's header.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/ksmctl.h>

/* GET_STATUS */

#define KSMCTL_MODULE_VERSION_MAX 64

struct ksmctl_status {
	char module_version[KSMCTL_MODULE_VERSION_MAX];
	uint32_t page_size;
	uint32_t run;
	uint64_t pages_shared;
	uint64_t pages_sharing;
	uint64_t pages_unshared;
	uint64_t pages_volatile;
	uint64_t full_scans;
	uint64_t pages_to_scan;
	uint64_t sleep_millisecs;
	uint64_t max_page_sharing;	/* optional, like the next three */
	int64_t general_profit;		/* bytes */
	uint64_t zero_pages;
	uint64_t stable_node_chains;
	/* Bit n set: attribute n of enum ksmctl_status_attr was in the reply. */
	uint64_t present;
	/* Not from the wire: ksmd's CPU time since boot (/proc), if found. */
	bool has_ksmd_cpu;
	uint64_t ksmd_cpu_ms;
	/*
	 * Not from the wire: with ksmd stopped, the memory marked mergeable in
	 * the processes the caller may see (a GET_PROC dump), that nothing
	 * scans.
	 */
	bool has_unscanned;
	uint64_t unscanned_bytes;
	uint32_t unscanned_processes;
};

static inline bool status_has(const struct ksmctl_status *st, enum ksmctl_status_attr attr)
{
	return st->present & (UINT64_C(1) << attr);
}

static inline void status_set_present(struct ksmctl_status *st, enum ksmctl_status_attr attr)
{
	st->present |= UINT64_C(1) << attr;
}

/* MARK and UNMARK */

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

#endif /* WIRE_H */
