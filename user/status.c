// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ipc.h"
#include "json.h"
#include "options.h"
#include "ksmsys.h"
#include "procs.h"
#include "prom.h"
#include "status.h"
#include "subcommands.h"
#include "units.h"

#define LABEL_WIDTH 18

const char *status_run_name(uint32_t run)
{
	switch (run) {
	case 0:
		return "stopped";
	case 1:
		return "running";
	case 2:
		return "unmerging";
	default:
		return NULL;
	}
}

static void field(FILE *f, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void field(FILE *f, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s:%*s", label, LABEL_WIDTH - 1 - (int)strlen(label), "");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static void pages_field(FILE *f, const char *label, const struct ksmctl_status *st, uint64_t pages)
{
	char buf[BYTES_STR_MAX];

	field(f, label, "%s (%" PRIu64 " page%s)", fmt_bytes(buf, pages_to_bytes(pages, st->page_size)),
	      pages, pages == 1 ? "" : "s");
}

void status_print_text(FILE *f, const struct ksmctl_status *st)
{
	const char *run = status_run_name(st->run);
	char buf[BYTES_STR_MAX];

	if (run)
		field(f, "ksmd", "%s (pages_to_scan %" PRIu64 ", sleep %" PRIu64 " ms)",
		      run, st->pages_to_scan, st->sleep_millisecs);
	else
		field(f, "ksmd", "unknown state %" PRIu32 " (pages_to_scan %" PRIu64 ", sleep %" PRIu64 " ms)",
		      st->run, st->pages_to_scan, st->sleep_millisecs);
	if (st->has_unscanned && st->unscanned_processes)
		field(f, "not scanned", "%s marked mergeable in %" PRIu32 " process%s: "
		      PROG_NAME " ksmd start", fmt_bytes(buf, st->unscanned_bytes),
		      st->unscanned_processes, st->unscanned_processes == 1 ? "" : "es");
	pages_field(f, "shared", st, st->pages_shared);
	pages_field(f, "sharing", st, st->pages_sharing);
	field(f, "saved", "%s", fmt_bytes(buf, pages_to_bytes(st->pages_sharing, st->page_size)));
	if (status_has(st, KSMCTL_A_STATUS_GENERAL_PROFIT))
		field(f, "profit", "%s", fmt_bytes_signed(buf, st->general_profit));
	pages_field(f, "unshared", st, st->pages_unshared);
	pages_field(f, "volatile", st, st->pages_volatile);
	if (status_has(st, KSMCTL_A_STATUS_ZERO_PAGES))
		pages_field(f, "zero pages", st, st->zero_pages);
	if (status_has(st, KSMCTL_A_STATUS_STABLE_NODE_CHAINS))
		field(f, "stable chains", "%" PRIu64, st->stable_node_chains);
	field(f, "full scans", "%" PRIu64, st->full_scans);
	if (st->has_ksmd_cpu)
		field(f, "ksmd cpu", "%" PRIu64 ".%03u s since boot", st->ksmd_cpu_ms / 1000,
		      (unsigned int)(st->ksmd_cpu_ms % 1000));
	if (st->module_version[0]) {
		field(f, "module", "ksmctl %s", st->module_version);
	} else {
		char hint[256];

		field(f, "module", "not loaded: per-process figures need it (%s)",
		      module_hint(hint, sizeof(hint)));
	}
}

void status_print_json(FILE *f, const struct ksmctl_status *st)
{
	const char *run = status_run_name(st->run);
	struct json j;

	json_init(&j, f, true);
	json_object_begin(&j);
	if (st->module_version[0])
		json_kv_string(&j, "module_version", st->module_version);
	else
		json_kv_null(&j, "module_version");
	json_kv_u64(&j, "page_size", st->page_size);
	json_kv_u64(&j, "run", st->run);
	json_kv_string(&j, "run_state", run ? run : "unknown");
	if (st->has_unscanned) {
		json_kv_u64(&j, "unscanned_mergeable_bytes", st->unscanned_bytes);
		json_kv_u64(&j, "unscanned_processes", st->unscanned_processes);
	}
	json_kv_u64(&j, "pages_to_scan", st->pages_to_scan);
	json_kv_u64(&j, "sleep_millisecs", st->sleep_millisecs);
	if (status_has(st, KSMCTL_A_STATUS_MAX_PAGE_SHARING))
		json_kv_u64(&j, "max_page_sharing", st->max_page_sharing);
	json_kv_u64(&j, "pages_shared", st->pages_shared);
	json_kv_u64(&j, "pages_sharing", st->pages_sharing);
	json_kv_u64(&j, "pages_unshared", st->pages_unshared);
	json_kv_u64(&j, "pages_volatile", st->pages_volatile);
	if (status_has(st, KSMCTL_A_STATUS_ZERO_PAGES))
		json_kv_u64(&j, "ksm_zero_pages", st->zero_pages);
	if (status_has(st, KSMCTL_A_STATUS_STABLE_NODE_CHAINS))
		json_kv_u64(&j, "stable_node_chains", st->stable_node_chains);
	json_kv_u64(&j, "full_scans", st->full_scans);
	if (st->has_ksmd_cpu)
		json_kv_u64(&j, "ksmd_cpu_ms", st->ksmd_cpu_ms);
	json_kv_u64(&j, "saved_bytes", pages_to_bytes(st->pages_sharing, st->page_size));
	if (status_has(st, KSMCTL_A_STATUS_GENERAL_PROFIT))
		json_kv_s64(&j, "general_profit_bytes", st->general_profit);
	json_object_end(&j);
}

static void gauge(FILE *f, const char *name, const char *help, uint64_t v)
{
	prom_family(f, name, "gauge", help);
	prom_sample_u64(f, name, "", v);
}

void status_print_prometheus(FILE *f, const struct ksmctl_status *st)
{
	static const char *const keys[] = { "module_version" };
	const char *values[] = { st->module_version };
	char *labels = prom_labels(1, keys, values);

	/* only with the module: without it, the kernel's own figures alone */
	if (st->module_version[0]) {
		prom_family(f, "ksmctl_info", "gauge", "Version of the ksmctl kernel module.");
		prom_sample_u64(f, "ksmctl_info", labels ? labels : "", 1);
	}
	free(labels);
	gauge(f, "ksmctl_run", "State of ksmd: 0 stopped, 1 running, 2 unmerging (/sys/kernel/mm/ksm/run).",
	      st->run);
	gauge(f, "ksmctl_page_size_bytes", "Bytes per page.", st->page_size);
	gauge(f, "ksmctl_pages_to_scan", "Pages ksmd scans per batch.", st->pages_to_scan);
	prom_family(f, "ksmctl_sleep_seconds", "gauge",
		    "Time ksmd sleeps between batches (sleep_millisecs).");
	prom_sample_milli(f, "ksmctl_sleep_seconds", "", st->sleep_millisecs);
	if (status_has(st, KSMCTL_A_STATUS_MAX_PAGE_SHARING))
		gauge(f, "ksmctl_max_page_sharing", "Maximum mappings of one KSM page.",
		      st->max_page_sharing);
	gauge(f, "ksmctl_pages_shared", "KSM pages in use.", st->pages_shared);
	gauge(f, "ksmctl_pages_sharing", "Mappings of KSM pages beyond the first: pages saved.",
	      st->pages_sharing);
	gauge(f, "ksmctl_pages_unshared", "Pages checked that are unique.", st->pages_unshared);
	gauge(f, "ksmctl_pages_volatile", "Pages changing too fast to be merged.", st->pages_volatile);
	if (status_has(st, KSMCTL_A_STATUS_ZERO_PAGES))
		gauge(f, "ksmctl_zero_pages", "Pages merged with the zero page (ksm_zero_pages).",
		      st->zero_pages);
	if (status_has(st, KSMCTL_A_STATUS_STABLE_NODE_CHAINS))
		gauge(f, "ksmctl_stable_node_chains", "Chains of KSM pages for one content.",
		      st->stable_node_chains);
	gauge(f, "ksmctl_saved_bytes", "Memory saved: pages_sharing times the page size.",
	      pages_to_bytes(st->pages_sharing, st->page_size));
	if (status_has(st, KSMCTL_A_STATUS_GENERAL_PROFIT)) {
		prom_family(f, "ksmctl_general_profit_bytes", "gauge",
			    "KSM profit as the kernel computes it (general_profit), may be negative.");
		prom_sample_s64(f, "ksmctl_general_profit_bytes", "", st->general_profit);
	}
	prom_family(f, "ksmctl_full_scans_total", "counter", "Full scans ksmd has completed.");
	prom_sample_u64(f, "ksmctl_full_scans_total", "", st->full_scans);
	if (st->has_ksmd_cpu) {
		prom_family(f, "ksmctl_ksmd_cpu_seconds_total", "counter",
			    "CPU time of the ksmd kernel thread since boot.");
		prom_sample_milli(f, "ksmctl_ksmd_cpu_seconds_total", "", st->ksmd_cpu_ms);
	}
}

/*
 * With ksmd stopped, the memory marked mergeable that waits for it, in the
 * processes the caller may see: what `status' warns of.
 */
static int count_unscanned(struct ipc *ipc, struct ksmctl_status *st)
{
	struct proc_list l = { 0 };
	size_t i;
	int ret;

	ret = ipc_get_procs(ipc, 0, &l);
	if (ret)
		return ret;
	for (i = 0; i < l.n; ++i) {
		if (!l.procs[i].mergeable_bytes)
			continue;
		++st->unscanned_processes;
		if (__builtin_add_overflow(st->unscanned_bytes, l.procs[i].mergeable_bytes,
					   &st->unscanned_bytes))
			st->unscanned_bytes = UINT64_MAX;
	}
	st->has_unscanned = true;
	proc_list_free(&l);
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " status [-j] [-o text|json|prometheus]\n", f);
}

static const char help_text[] =
	"The global KSM state: ksmd and its settings, the pages shared and sharing,\n"
	"the memory saved, full scans, ksmd's CPU time and the module's version.\n"
	"Without the module, what /sys/kernel/mm/ksm shows.\n"
	"\n"
	"Options:\n"
	"  -j, --json             Print JSON (as -o json)\n"
	"  -o, --output FORMAT    text, json, or prometheus (node_exporter's textfile\n"
	"                         format)\n"
	"  -h, --help             Show this help\n";

int status_main(int argc, char *argv[])
{
	static const char optstring[] = ":jho:";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	enum output_format format = output_default();
	struct ksmctl_status st;
	struct ipc *ipc;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'j':
			format = OUTPUT_JSON;
			break;
		case 'h':
			return show_help(usage, help_text);
		case 'o':
			if (parse_output(optarg, &format)) {
				fprintf(stderr, PROG_NAME ": Invalid output format `%s' (expected text, json or prometheus)\n",
					optarg);
				return 1;
			}
			break;
		default:
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		}
	}
	if (extra_arguments(argc, argv, optind, usage))
		return 1;

	ret = ipc_open(&ipc, IPC_QUIET_NOT_LOADED);
	if (ret == -ENOENT) {
		/* what the kernel itself shows; per-process figures need the module */
		ret = ksm_sysfs_read(ksm_sysfs_dir(), &st);
		if (ret) {
			fprintf(stderr, PROG_NAME ": ksmctl kernel module is not loaded, and %s "
				"cannot be read: %s\n", ksm_sysfs_dir(), strerror(-ret));
			return 1;
		}
	} else if (ret) {
		return 1;
	} else {
		ret = ipc_get_status(ipc, &st);
		/* text and JSON say it; Prometheus, scraped often, does not */
		if (!ret && st.run == 0 && format != OUTPUT_PROMETHEUS)
			ret = count_unscanned(ipc, &st);
		ipc_close(ipc);
		if (ret)
			return 1;
	}
	st.has_ksmd_cpu = !ksmd_cpu_ms(proc_dir(), &st.ksmd_cpu_ms);

	switch (format) {
	case OUTPUT_TEXT:
		status_print_text(stdout, &st);
		break;
	case OUTPUT_JSON:
		status_print_json(stdout, &st);
		break;
	case OUTPUT_PROMETHEUS:
		status_print_prometheus(stdout, &st);
		break;
	}
	return 0;
}
