/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The global KSM state as reported by KSMCTL_CMD_GET_STATUS, and its
 * rendering. Rendering needs no kernel: it only reads the struct.
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ksmctl.h>

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
};

static inline bool status_has(const struct ksmctl_status *st, enum ksmctl_status_attr attr)
{
	return st->present & (UINT64_C(1) << attr);
}

static inline void status_set_present(struct ksmctl_status *st, enum ksmctl_status_attr attr)
{
	st->present |= UINT64_C(1) << attr;
}

/* "running", "stopped", "unmerging", or NULL for another value. */
const char *status_run_name(uint32_t run);

void status_print_text(FILE *f, const struct ksmctl_status *st);
void status_print_json(FILE *f, const struct ksmctl_status *st);

/* node_exporter textfile format: ksmctl_pages_shared, ..., ksmctl_info. */
void status_print_prometheus(FILE *f, const struct ksmctl_status *st);

#endif
