// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl ksmd [-j] | ksmd set KNOB=VALUE... | ksmd start | ksmd stop
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "ksmd.h"
#include "ksmsys.h"
#include "options.h"
#include "subcommands.h"

const struct knob ksmd_knobs[] = {
	{ "run", KNOB_RUN, 0, 2, "0 stopped, 1 running, 2 unmerging everything" },
	{ "pages_to_scan", KNOB_UINT, 1, UINT32_MAX, "pages ksmd scans per batch" },
	{ "sleep_millisecs", KNOB_UINT, 0, UINT32_MAX, "milliseconds between batches" },
	{ "max_page_sharing", KNOB_UINT, 2, UINT32_MAX, "mappings of one KSM page at most" },
	{ "merge_across_nodes", KNOB_BOOL, 0, 1, "merge pages of different NUMA nodes" },
	{ "use_zero_pages", KNOB_BOOL, 0, 1, "merge empty pages with the zero page" },
	{ "stable_node_chains_prune_millisecs", KNOB_UINT, 0, UINT32_MAX,
	  "how often stale stable nodes are pruned" },
	{ "smart_scan", KNOB_BOOL, 0, 1, "skip pages that did not merge before" },
	{ "advisor_mode", KNOB_MODE, 0, 0, "none, or scan-time: the kernel tunes pages_to_scan" },
	{ "advisor_max_cpu", KNOB_UINT, 1, 100, "the advisor's CPU budget, in percent" },
	{ "advisor_target_scan_time", KNOB_UINT, 1, UINT32_MAX,
	  "the advisor's full-scan target, in seconds" },
	{ "advisor_min_pages_to_scan", KNOB_UINT, 1, UINT32_MAX, "the advisor's lowest rate" },
	{ "advisor_max_pages_to_scan", KNOB_UINT, 1, UINT32_MAX, "the advisor's highest rate" },
};
const size_t ksmd_nknobs = sizeof(ksmd_knobs) / sizeof(ksmd_knobs[0]);

static const char *const run_names[] = { "stopped", "running", "unmerging" };
/* what "run=" takes besides 0, 1 and 2 */
static const char *const run_words[] = { "stop", "start", "unmerge" };

void ksmd_read(const char *dir, struct knob_value *v)
{
	char line[128];
	size_t i;

	for (i = 0; i < ksmd_nknobs; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		if (ksm_sysfs_line(dir, ksmd_knobs[i].name, line, sizeof(line)))
			continue;
		v[i].present = true;
		if (ksmd_knobs[i].type == KNOB_MODE) {
			/* "[none] scan-time": the chosen one is in brackets */
			char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;

			if (open && close)
				snprintf(v[i].mode, sizeof(v[i].mode), "%.*s",
					 (int)(close - open - 1), open + 1);
			else
				snprintf(v[i].mode, sizeof(v[i].mode), "%.31s", line);
		} else {
			v[i].num = strtoull(line, NULL, 10);
		}
	}
}

static int parse_number(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end || errno ? -1 : 0;
}

int ksmd_parse(const char *arg, size_t *knob, struct knob_value *value, char *err,
	       size_t errsize)
{
	const char *eq = strchr(arg, '=');
	const struct knob *k = NULL;
	size_t i, len = eq ? (size_t)(eq - arg) : strlen(arg);

	for (i = 0; i < ksmd_nknobs && !k; i++)
		if (strlen(ksmd_knobs[i].name) == len && !strncmp(arg, ksmd_knobs[i].name, len))
			k = &ksmd_knobs[i], *knob = i;
	if (!k) {
		snprintf(err, errsize, "Unknown ksmd knob `%.*s'", (int)len, arg);
		return -1;
	}
	if (!eq) {
		snprintf(err, errsize, "Missing value: %s=VALUE", k->name);
		return -1;
	}
	memset(value, 0, sizeof(*value));
	value->present = true;
	eq++;
	switch (k->type) {
	case KNOB_MODE:
		if (!strcmp(eq, "none") || !strcmp(eq, "scan-time")) {
			snprintf(value->mode, sizeof(value->mode), "%s", eq);
			return 0;
		}
		snprintf(err, errsize, "Invalid value `%s' for %s (expected none or scan-time)", eq,
			 k->name);
		return -1;
	case KNOB_RUN:
		for (i = 0; i < sizeof(run_words) / sizeof(run_words[0]); i++) {
			if (!strcmp(eq, run_words[i])) {
				value->num = i;
				return 0;
			}
		}
		if (!parse_number(eq, &value->num) && value->num <= k->max)
			return 0;
		snprintf(err, errsize,
			 "Invalid value `%s' for run (expected stop, start, unmerge, 0, 1 or 2)", eq);
		return -1;
	default:
		if (!parse_number(eq, &value->num) && value->num >= k->min && value->num <= k->max)
			return 0;
		snprintf(err, errsize, "Invalid value `%s' for %s (expected %" PRIu64 " to %" PRIu64 ")",
			 eq, k->name, k->min, k->max);
		return -1;
	}
}

int ksmd_write(const char *dir, size_t knob, const struct knob_value *value)
{
	char path[512], buf[64];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, ksmd_knobs[knob].name);
	if (ksmd_knobs[knob].type == KNOB_MODE)
		len = snprintf(buf, sizeof(buf), "%s", value->mode);
	else
		len = snprintf(buf, sizeof(buf), "%" PRIu64, value->num);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);	/* sysfs ignores O_TRUNC */
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)len) != len)
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

void ksmd_print_text(FILE *f, const struct knob_value *v)
{
	size_t i;

	for (i = 0; i < ksmd_nknobs; i++) {
		if (!v[i].present)
			continue;
		if (ksmd_knobs[i].type == KNOB_MODE)
			fprintf(f, "%-35s %s\n", ksmd_knobs[i].name, v[i].mode);
		else if (ksmd_knobs[i].type == KNOB_RUN && v[i].num < 3)
			fprintf(f, "%-35s %" PRIu64 " (%s)\n", ksmd_knobs[i].name, v[i].num,
				run_names[v[i].num]);
		else
			fprintf(f, "%-35s %" PRIu64 "\n", ksmd_knobs[i].name, v[i].num);
	}
}

void ksmd_print_json(FILE *f, const struct knob_value *v)
{
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_object_begin(&j);
	for (i = 0; i < ksmd_nknobs; i++) {
		if (!v[i].present)
			continue;
		if (ksmd_knobs[i].type == KNOB_MODE)
			json_kv_string(&j, ksmd_knobs[i].name, v[i].mode);
		else
			json_kv_u64(&j, ksmd_knobs[i].name, v[i].num);
	}
	json_object_end(&j);
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " ksmd [-j]\n"
	      "       " PROG_NAME " ksmd set KNOB=VALUE...\n"
	      "       " PROG_NAME " ksmd start|stop\n", f);
}

/* The help: what ksmd does, the options, then every knob of ksmd_knobs[]. */
static int help(void)
{
	size_t i;

	show_help(usage, "The settings of the kernel's ksmd thread, from /sys/kernel/mm/ksm (no module\n"
		  "needed). set checks every KNOB=VALUE, then writes them in order; start and\n"
		  "stop are set run=1 and set run=0. Setting needs root.\n"
		  "\n"
		  "Options:\n"
		  "  -j, --json             Print JSON\n"
		  "  -h, --help             Show this help\n"
		  "\n"
		  "Knobs (those this kernel has):\n");
	for (i = 0; i < ksmd_nknobs; i++) {
		size_t len = strlen(ksmd_knobs[i].name);

		/* a long name on a line of its own */
		printf("  %s%s%-*s%s\n", ksmd_knobs[i].name, len > 22 ? "\n" : "",
		       len > 22 ? 25 : 23 - (int)len, "", ksmd_knobs[i].help);
	}
	return 0;
}

/* every KNOB=VALUE checked, then written in order: the exit status */
static int ksmd_set(int n, char *args[])
{
	struct knob_value *values = calloc((size_t)n, sizeof(*values));
	struct knob_value now[sizeof(ksmd_knobs) / sizeof(ksmd_knobs[0])];
	size_t *knobs = calloc((size_t)n, sizeof(*knobs));
	char err[160];
	int i, ret = 0;

	if (!values || !knobs) {
		fputs(PROG_NAME ": Out of memory\n", stderr);
		ret = 1;
		goto out;
	}
	ksmd_read(ksm_sysfs_dir(), now);
	for (i = 0; i < n && !ret; i++) {
		if (ksmd_parse(args[i], &knobs[i], &values[i], err, sizeof(err))) {
			fprintf(stderr, PROG_NAME ": %s\n", err);
			ret = 1;
		} else if (!now[knobs[i]].present) {
			fprintf(stderr, PROG_NAME ": This kernel has no ksmd knob `%s' (%s/%s)\n",
				ksmd_knobs[knobs[i]].name, ksm_sysfs_dir(),
				ksmd_knobs[knobs[i]].name);
			ret = 1;
		}
	}
	for (i = 0; i < n && !ret; i++) {
		int e = ksmd_write(ksm_sysfs_dir(), knobs[i], &values[i]);

		if (e) {
			fprintf(stderr, PROG_NAME ": Unable to set %s: %s\n",
				ksmd_knobs[knobs[i]].name, strerror(-e));
			ret = 1;
		}
	}
out:
	free(values);
	free(knobs);
	return ret;
}

int ksmd_main(int argc, char *argv[])
{
	struct knob_value v[sizeof(ksmd_knobs) / sizeof(ksmd_knobs[0])];
	bool json = opt_json;
	int i;

	i = flag_options(argc, argv, &json, usage, help);
	if (i >= 0)
		return i;
	i = optind;
	if (i < argc && !strcmp(argv[i], "set")) {
		if (i + 1 >= argc) {
			fputs(PROG_NAME ": Missing KNOB=VALUE\n", stderr);
			usage(stderr);
			return 1;
		}
		return ksmd_set(argc - i - 1, argv + i + 1);
	}
	if (i < argc && (!strcmp(argv[i], "start") || !strcmp(argv[i], "stop"))) {
		char arg[16];
		char *args[] = { arg };

		if (extra_arguments(argc, argv, i + 1, usage))
			return 1;
		snprintf(arg, sizeof(arg), "run=%s", argv[i]);
		return ksmd_set(1, args);
	}
	if (extra_arguments(argc, argv, i, usage))
		return 1;
	ksmd_read(ksm_sysfs_dir(), v);
	if (!v[0].present) {
		fprintf(stderr, PROG_NAME ": No ksmd here: %s cannot be read (CONFIG_KSM?)\n",
			ksm_sysfs_dir());
		return 1;
	}
	if (json)
		ksmd_print_json(stdout, v);
	else
		ksmd_print_text(stdout, v);
	return 0;
}
