/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "ksmctl status": the rendering of the global KSM state that
 * KSMCTL_CMD_GET_STATUS reports (wire.h); it needs no kernel.
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ksmctl.h>

#include "wire.h"

/* "running", "stopped", "unmerging", or NULL for another value. */
const char *status_run_name(uint32_t run);

void status_print_text(FILE *f, const struct ksmctl_status *st);
void status_print_json(FILE *f, const struct ksmctl_status *st);

/* node_exporter textfile format: ksmctl_pages_shared, ..., ksmctl_info. */
void status_print_prometheus(FILE *f, const struct ksmctl_status *st);

#endif
