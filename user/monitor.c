// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl monitor: print the module's rule events as they happen.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipc.h"
#include "json.h"
#include "monitor.h"
#include "options.h"
#include "ruleset.h"
#include "subcommands.h"
#include "units.h"

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " monitor [-j]\n", f);
}

/*
 *   rule 3 merge: pid 1234 (java): 12 VMAs, 48.0 MiB
 */
void monitor_print_text(FILE *f, const struct ksmctl_event *ev)
{
	char b[BYTES_STR_MAX];

	fprintf(f, "rule %u %s: pid %u (%s): %u VMA%s, %s\n", ev->rule_id,
		rule_action_name(ev->action), ev->pid, ev->comm, ev->vmas,
		ev->vmas == 1 ? "" : "s", fmt_bytes(b, ev->bytes));
}

/* one JSON object a line */
void monitor_print_json(FILE *f, const struct ksmctl_event *ev)
{
	struct json j;

	json_init(&j, f, false);
	json_object_begin(&j);
	json_kv_u64(&j, "rule", ev->rule_id);
	json_kv_string(&j, "action", rule_action_name(ev->action));
	json_kv_u64(&j, "pid", ev->pid);
	json_kv_string(&j, "comm", ev->comm);
	json_kv_u64(&j, "vmas", ev->vmas);
	json_kv_u64(&j, "bytes", ev->bytes);
	json_object_end(&j);
}

static int on_event(const struct ksmctl_event *ev, void *arg)
{
	bool json = *(bool *)arg;

	if (json)
		monitor_print_json(stdout, ev);
	else
		monitor_print_text(stdout, ev);
	return fflush(stdout) ? -EIO : 0;
}

int monitor_main(int argc, char *argv[])
{
	bool json = opt_json;
	struct ipc *ipc;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else {
			return unexpected_argument(argv[i], usage);
		}
	}
	if (ipc_open(&ipc, 0))
		return 1;
	ret = ipc_monitor(ipc, on_event, &json);
	ipc_close(ipc);
	return ret ? 1 : 0;
}
