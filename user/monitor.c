// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl monitor: print the module's rule events as they happen.
 */

#include <errno.h>
#include <getopt.h>
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

static const char help_text[] =
	"A line each time a rule marks a process mergeable (or takes it back), until\n"
	"interrupted: the time, the rule, the process and the memory it changed.\n"
	"\n"
	"Options:\n"
	"  -j, --json             A JSON object a line\n"
	"  -h, --help             Show this help\n";

static int help(void)
{
	return show_help(usage, help_text);
}

void monitor_time(char buf[40], const struct timespec *ts)
{
	char date[24] = "", zone[8] = "+0000";
	unsigned int ms = (unsigned int)(ts->tv_nsec / 1000000) % 1000;
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);	/* +0100 */
	snprintf(buf, 40, "%.19s.%03u%.3s:%.2s", date, ms, zone, zone + 3);
}

void monitor_print_text(FILE *f, const struct ksmctl_event *ev, const struct timespec *ts)
{
	char b[BYTES_STR_MAX], t[40];

	monitor_time(t, ts);
	fprintf(f, "%s rule %u %s: pid %u (%s): %u VMA%s, %s\n", t, ev->rule_id,
		rule_action_name(ev->action), ev->pid, ev->comm, ev->vmas,
		ev->vmas == 1 ? "" : "s", fmt_bytes(b, ev->bytes));
}

void monitor_print_json(FILE *f, const struct ksmctl_event *ev, const struct timespec *ts)
{
	struct json j;
	char t[40];

	monitor_time(t, ts);
	json_init(&j, f, false);
	json_object_begin(&j);
	json_kv_string(&j, "time", t);
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
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (json)
		monitor_print_json(stdout, ev, &ts);
	else
		monitor_print_text(stdout, ev, &ts);
	return fflush(stdout) ? -EIO : 0;
}

int monitor_main(int argc, char *argv[])
{
	bool json = opt_json;
	struct ipc *ipc;
	int ret;

	ret = flag_options(argc, argv, &json, usage, help);
	if (ret >= 0)
		return ret;
	if (extra_arguments(argc, argv, optind, usage))
		return 1;
	if (ipc_open(&ipc, 0))
		return 1;
	ret = ipc_monitor(ipc, on_event, &json);
	ipc_close(ipc);
	return ret ? 1 : 0;
}
