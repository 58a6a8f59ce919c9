// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "ipc.h"
#include "options.h"
#include "prom.h"
#include "ps.h"
#include "subcommands.h"
#include "table.h"
#include "units.h"
#include "users.h"

/* The figures of proc_figures[] that @get finds, in -j form */
static void figures_json(struct json *j, const void *row,
			 bool (*get)(const struct proc_figure *, const void *, uint64_t *, int64_t *))
{
	size_t i;

	for (i = 0; i < proc_figures_n; ++i) {
		const struct proc_figure *f = &proc_figures[i];
		uint64_t u;
		int64_t s;

		if (!get(f, row, &u, &s))
			continue;
		if (f->type == PROC_FIG_s64)
			json_kv_s64(j, f->json, s);
		else if (f->type == PROC_FIG_flag)
			json_kv_bool(j, f->json, u);
		else
			json_kv_u64(j, f->json, u);
	}
}

static bool proc_get(const struct proc_figure *f, const void *p, uint64_t *u, int64_t *s)
{
	return proc_figure_get(f, p, u, s);
}

static bool sum_get(const struct proc_figure *f, const void *sum, uint64_t *u, int64_t *s)
{
	return sum_figure_get(f, sum, u, s);
}

void proc_json_members(struct json *j, const struct ksmctl_proc *p, uint32_t page_size)
{
	json_kv_u64(j, "pid", p->pid);
	json_kv_u64(j, "ppid", p->ppid);
	json_kv_string(j, "comm", p->comm);
	json_kv_u64(j, "uid", p->uid);
	json_kv_string(j, "user", p->user);
	json_kv_u64(j, "cgroup_id", p->cgroup_id);
	json_kv_string(j, "cgroup_path", p->cgroup_path ? p->cgroup_path : "");
	figures_json(j, p, proc_get);
	json_kv_u64(j, "saved_bytes", pages_to_bytes(p->merging_pages, page_size));
}

static void sum_json_members(struct json *j, const struct proc_sum *s)
{
	json_kv_u64(j, "processes", s->processes);
	figures_json(j, s, sum_get);
	json_kv_u64(j, "saved_bytes", s->saved_bytes);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static const struct table_col proc_cols[] = {
	{ "PID", true },
	{ "USER", false },
	{ "SAVED", true },
	{ "MERGING", true },
	{ "COVERAGE", true },
	{ "COMMAND", false },
};

static const struct table_col proc_cols_prop[] = {
	{ "PID", true },
	{ "USER", false },
	{ "PSAVED", true },
	{ "MERGING", true },
	{ "COVERAGE", true },
	{ "COMMAND", false },
};

/* Print @t, or report that it could not be built. */
static void table_print_or_fail(struct table *t, FILE *f)
{
	if (table_print(t, f))
		fputs(PROG_NAME ": Unable to print the table: Cannot allocate memory\n", stderr);
	table_free(t);
}

/* @v in decimal at @buf, a string. */
static char *dec_str(char buf[static DEC_MAX + 1], uint64_t v)
{
	buf[dec_u64(buf, v)] = '\0';
	return buf;
}

void ps_print_text(FILE *f, const struct ksmctl_proc *const *rows, size_t n,
		   const struct ps_view *v)
{
	char pid[DEC_MAX + 1], saved[BYTES_STR_MAX], merging[DEC_MAX + 1];
	char coverage[COVERAGE_STR_MAX], what[48];
	struct proc_sum total = { 0 };
	struct table t;
	size_t i;

	table_init(&t, v->proportional ? proc_cols_prop : proc_cols, 6);
	for (i = 0; i < n; ++i) {
		const struct ksmctl_proc *p = rows[i];

		proc_sum_add(&total, p, v->page_size);
		table_add(&t, dec_str(pid, p->pid), p->user,
			  fmt_bytes(saved, proc_saved(p, v->proportional, v->page_size)),
			  dec_str(merging, p->merging_pages),
			  fmt_coverage(coverage, p->mergeable_bytes, p->eligible_bytes), p->comm);
	}
	snprintf(merging, sizeof(merging), "%" PRIu64, total.merging_pages);
	/* without --proportional, a shared page is in each sharer's SAVED */
	snprintf(what, sizeof(what), "%s (%zu %s)", v->proportional ? "total" : "sum", n,
		 plural(n, "process", "processes"));
	table_add(&t, "", "", fmt_bytes(saved, sum_saved(&total, v->proportional)), merging,
		  fmt_coverage(coverage, total.mergeable_bytes, total.eligible_bytes), what);
	table_print_or_fail(&t, f);
}

void ps_print_json(FILE *f, const struct ksmctl_proc *const *rows, size_t n,
		   const struct ps_view *v)
{
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_array_begin(&j);
	for (i = 0; i < n; ++i) {
		json_object_begin(&j);
		proc_json_members(&j, rows[i], v->page_size);
		json_object_end(&j);
	}
	json_array_end(&j);
}

static const struct table_col cgroup_cols[] = {
	{ "PROCS", true },
	{ "SAVED", true },
	{ "MERGING", true },
	{ "COVERAGE", true },
	{ "CGROUP", false },
};

static const struct table_col cgroup_cols_prop[] = {
	{ "PROCS", true },
	{ "PSAVED", true },
	{ "MERGING", true },
	{ "COVERAGE", true },
	{ "CGROUP", false },
};

void cgroups_print_text(FILE *f, const struct proc_sum *rows, size_t n, const struct ps_view *v)
{
	char procs[16], saved[BYTES_STR_MAX], merging[24], coverage[COVERAGE_STR_MAX], what[48];
	struct proc_sum total = { 0 };
	struct table t;
	size_t i;

	table_init(&t, v->proportional ? cgroup_cols_prop : cgroup_cols, 5);
	for (i = 0; i < n; ++i) {
		const struct proc_sum *s = &rows[i];
		const char *path = s->cgroup_path && s->cgroup_path[0] ? s->cgroup_path : "-";

		total.processes += s->processes;
		total.merging_pages += s->merging_pages;
		total.saved_bytes += s->saved_bytes;
		total.prop_saved_bytes += s->prop_saved_bytes;
		total.mergeable_bytes += s->mergeable_bytes;
		total.eligible_bytes += s->eligible_bytes;
		snprintf(procs, sizeof(procs), "%" PRIu32, s->processes);
		snprintf(merging, sizeof(merging), "%" PRIu64, s->merging_pages);
		table_add(&t, procs, fmt_bytes(saved, sum_saved(s, v->proportional)), merging,
			  fmt_coverage(coverage, s->mergeable_bytes, s->eligible_bytes), path);
	}
	snprintf(procs, sizeof(procs), "%" PRIu32, total.processes);
	snprintf(merging, sizeof(merging), "%" PRIu64, total.merging_pages);
	snprintf(what, sizeof(what), "%s (%zu %s)", v->proportional ? "total" : "sum", n,
		 plural(n, "cgroup", "cgroups"));
	table_add(&t, procs, fmt_bytes(saved, sum_saved(&total, v->proportional)), merging,
		  fmt_coverage(coverage, total.mergeable_bytes, total.eligible_bytes), what);
	table_print_or_fail(&t, f);
}

void cgroups_print_json(FILE *f, const struct proc_sum *rows, size_t n, const struct ps_view *v)
{
	struct json j;
	size_t i;

	(void)v;
	json_init(&j, f, true);
	json_array_begin(&j);
	for (i = 0; i < n; ++i) {
		json_object_begin(&j);
		json_kv_string(&j, "cgroup_path", rows[i].cgroup_path ? rows[i].cgroup_path : "");
		json_kv_u64(&j, "cgroup_id", rows[i].cgroup_id);
		sum_json_members(&j, &rows[i]);
		json_object_end(&j);
	}
	json_array_end(&j);
}

/* The Prometheus metrics of a process, and of a cgroup (the sums). */
enum metric {
	M_PROCESSES,		/* cgroups only */
	M_MERGING,
	M_SAVED,
	M_PROP_SAVED,
	M_ZERO,
	M_PROFIT,
	M_MERGEABLE,
	M_ELIGIBLE,
	M_ANON_RSS,
	M_COUNT
};

/* @attr: the figure it shows, 0 for one the tool computes */
static const struct {
	const char *suffix;
	const char *help;
	enum ksmctl_proc_attr attr;
} metrics[M_COUNT] = {
	[M_PROCESSES] = { "processes", "Processes counted in the cgroup's figures.", 0 },
	[M_MERGING] = { "merging_pages", "Pages mapped to KSM pages (ksm_merging_pages).",
			KSMCTL_A_PROC_MERGING_PAGES },
	[M_SAVED] = { "saved_bytes", "Merging pages times the page size.", 0 },
	[M_PROP_SAVED] = { "proportional_saved_bytes",
			   "Proportional saving: each KSM page mapped n times credits (n - 1) / n page to each mapping.",
			   KSMCTL_A_PROC_PROP_SAVED_BYTES },
	[M_ZERO] = { "zero_pages", "Pages merged with the zero page (ksm_zero_pages).",
		     KSMCTL_A_PROC_ZERO_PAGES },
	[M_PROFIT] = { "profit_bytes", "KSM profit as the kernel computes it (ksm_process_profit), may be negative.",
		       KSMCTL_A_PROC_PROFIT },
	[M_MERGEABLE] = { "mergeable_bytes", "Size of the VMAs marked mergeable.",
			  KSMCTL_A_PROC_MERGEABLE_BYTES },
	[M_ELIGIBLE] = { "eligible_bytes", "Size of the VMAs KSM could merge.",
			 KSMCTL_A_PROC_ELIGIBLE_BYTES },
	[M_ANON_RSS] = { "anon_rss_bytes", "Resident anonymous memory.", KSMCTL_A_PROC_ANON_RSS_BYTES },
};

struct value {
	bool present;
	bool is_signed;
	uint64_t u;
	int64_t s;
};

static struct value proc_metric(const struct ksmctl_proc *p, enum metric m, const struct ps_view *v)
{
	const struct proc_figure *f = proc_figure_of(metrics[m].attr);
	struct value val = { 0 };

	if (m == M_SAVED)
		return (struct value){ true, false, pages_to_bytes(p->merging_pages, v->page_size), 0 };
	if (f) {
		val.present = proc_figure_get(f, p, &val.u, &val.s);
		val.is_signed = f->type == PROC_FIG_s64;
	}
	return val;
}

static struct value sum_metric(const struct proc_sum *s, enum metric m)
{
	const struct proc_figure *f = proc_figure_of(metrics[m].attr);
	struct value val = { 0 };

	if (m == M_PROCESSES)
		return (struct value){ true, false, s->processes, 0 };
	if (m == M_SAVED)
		return (struct value){ true, false, s->saved_bytes, 0 };
	if (f) {
		val.present = sum_figure_get(f, s, &val.u, &val.s);
		val.is_signed = f->type == PROC_FIG_s64;
	}
	return val;
}

/*
 * One family per metric, with HELP and TYPE, then one sample per row that
 * has the value; a family without samples is left out.
 */
static void print_families(FILE *f, const char *prefix, size_t n, char *const *labels,
			   struct value (*get)(const void *ctx, size_t i, enum metric m),
			   const void *ctx, enum metric first)
{
	struct outbuf o;
	char name[96];
	unsigned int m;
	size_t i;

	outbuf_init(&o, f);
	for (m = first; m < M_COUNT; ++m) {
		bool any = false;

		snprintf(name, sizeof(name), "%s%s", prefix, metrics[m].suffix);
		for (i = 0; i < n; ++i) {
			struct value val = get(ctx, i, (enum metric)m);

			if (!val.present || !labels[i])
				continue;
			if (!any)
				prom_family_out(&o, name, "gauge", metrics[m].help);
			any = true;
			if (val.is_signed)
				prom_sample_s64_out(&o, name, labels[i], val.s);
			else
				prom_sample_u64_out(&o, name, labels[i], val.u);
		}
	}
	outbuf_flush(&o);
}

struct proc_ctx {
	const struct ksmctl_proc *const *rows;
	const struct ps_view *v;
};

static struct value get_proc(const void *ctx, size_t i, enum metric m)
{
	const struct proc_ctx *c = ctx;

	return proc_metric(c->rows[i], m, c->v);
}

static struct value get_sum(const void *ctx, size_t i, enum metric m)
{
	return sum_metric(&((const struct proc_sum *)ctx)[i], m);
}

static void free_labels(char **labels, size_t n)
{
	size_t i;

	for (i = 0; i < n; ++i)
		free(labels[i]);
	free(labels);
}

static void labels_failed(void)
{
	fputs(PROG_NAME ": Unable to print metrics: Cannot allocate memory\n", stderr);
}

void ps_print_prometheus(FILE *f, const struct ksmctl_proc *const *rows, size_t n,
			 const struct ps_view *v)
{
	static const char *const keys[] = { "pid", "comm", "user", "cgroup" };
	struct proc_ctx ctx = { rows, v };
	char **labels = calloc(n ? n : 1, sizeof(*labels));
	char pid[DEC_MAX + 1];
	size_t i;

	if (!labels) {
		labels_failed();
		return;
	}
	for (i = 0; i < n; ++i) {
		const char *values[] = { pid, rows[i]->comm, rows[i]->user,
					 rows[i]->cgroup_path ? rows[i]->cgroup_path : "" };

		dec_str(pid, rows[i]->pid);
		labels[i] = prom_labels(4, keys, values);
		if (!labels[i])
			labels_failed();
	}
	print_families(f, "ksmctl_process_", n, labels, get_proc, &ctx, M_MERGING);
	free_labels(labels, n);
}

void cgroups_print_prometheus(FILE *f, const struct proc_sum *rows, size_t n,
			      const struct ps_view *v)
{
	static const char *const keys[] = { "cgroup" };
	char **labels = calloc(n ? n : 1, sizeof(*labels));
	size_t i;

	(void)v;
	if (!labels) {
		labels_failed();
		return;
	}
	for (i = 0; i < n; ++i) {
		const char *values[] = { rows[i].cgroup_path ? rows[i].cgroup_path : "" };

		labels[i] = prom_labels(1, keys, values);
		if (!labels[i])
			labels_failed();
	}
	print_families(f, "ksmctl_cgroup_", n, labels, get_sum, rows, M_PROCESSES);
	free_labels(labels, n);
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " ps [-j] [-o text|json|prometheus] [--all] [--proportional]\n"
	      "          [--sort saved|merging|coverage|pid|profit] [--top N] [--user USER]\n"
	      "          [--cgroup CGROUP] [--command SUBSTRING] [--by cgroup]\n", f);
}

static const char help_text[] =
	"Processes with merged pages and what KSM saves in each, largest first.\n"
	"SAVED counts a page that N processes share in each of them: their sum is\n"
	"more than the host saves. With --proportional each is credited (N-1)/N of it,\n"
	"and the total is what the host saves.\n"
	"\n"
	"Options:\n"
	"  -j, --json             Print JSON (as -o json)\n"
	"  -o, --output FORMAT    text, json, or prometheus (node_exporter's textfile\n"
	"                         format)\n"
	"  -a, --all              Every process, also those with nothing merged\n"
	"  -p, --proportional     The proportional saving (PSAVED) instead of SAVED\n"
	"  -s, --sort KEY         saved (default), merging, coverage, pid or profit\n"
	"  -n, --top N            Only the first N rows\n"
	"  -u, --user USER        Only the processes of USER (a name or a uid)\n"
	"      --cgroup CGROUP    Only the processes in CGROUP or below it\n"
	"      --command SUBSTRING  Only the processes whose name contains SUBSTRING\n"
	"      --by cgroup        A row per cgroup, with the sums of its processes\n"
	"  -h, --help             Show this help\n";

struct ps_args {
	enum output_format format;
	enum sort_key sort;
	uint32_t top;			/* 0: every row */
	struct proc_filter filter;
	char cgroup[PROC_PATH_MAX];	/* --cgroup, as the module writes it */
	bool by_cgroup;
	bool proportional;
	bool all;
};

enum { OPT_CGROUP = 256, OPT_COMMAND, OPT_BY };

/* One option of ps that takes a value, into @a: 0, or 1 after an error. */
static int ps_value_option(int c, const char *arg, struct ps_args *a)
{
	switch (c) {
	case 'o':
		if (parse_output(arg, &a->format)) {
			fprintf(stderr, PROG_NAME ": Invalid output format `%s' (expected text, json or prometheus)\n",
				arg);
			return 1;
		}
		return 0;
	case 's':
		if (sort_key_parse(arg, &a->sort)) {
			fprintf(stderr, PROG_NAME ": Invalid sort key `%s' (expected saved, merging, coverage, pid or profit)\n",
				arg);
			return 1;
		}
		return 0;
	case 'n':
		if (parse_count(arg, &a->top)) {
			fprintf(stderr, PROG_NAME ": Invalid --top value `%s' (expected 1 to %" PRIu32 ")\n",
				arg, UINT32_MAX);
			return 1;
		}
		return 0;
	case 'u':
		if (user_parse(arg, &a->filter.uid)) {
			fprintf(stderr, PROG_NAME ": Unknown user `%s'\n", arg);
			return 1;
		}
		a->filter.by_uid = true;
		return 0;
	case OPT_CGROUP:
		if (cgroup_path_normalize(arg, a->cgroup, sizeof(a->cgroup))) {
			fprintf(stderr, PROG_NAME ": Invalid cgroup path `%s'\n", arg);
			return 1;
		}
		if (cgroup_exists(a->cgroup)) {
			fprintf(stderr, PROG_NAME ": No such cgroup `%s' (in %s)\n", arg,
				cgroup2_root());
			return 1;
		}
		a->filter.cgroup_prefix = a->cgroup;
		return 0;
	case OPT_BY:
		if (strcmp(arg, "cgroup")) {
			fprintf(stderr, PROG_NAME ": Invalid grouping `%s' (expected cgroup)\n", arg);
			return 1;
		}
		a->by_cgroup = true;
		return 0;
	}
	return 0;
}

/* Options into @a; 0, or the exit status after printing what is wrong. */
static int parse_args(int argc, char *argv[], struct ps_args *a)
{
	static const char optstring[] = ":jho:s:n:u:ap";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "sort", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "command", required_argument, NULL, OPT_COMMAND },
		{ "by", required_argument, NULL, OPT_BY },
		{ "all", no_argument, NULL, 'a' },
		{ "proportional", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*a = (struct ps_args){ .format = output_default(), .sort = SORT_SAVED };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'j':
			a->format = OUTPUT_JSON;
			break;
		case 'h':
			return show_help(usage, help_text);
		case 'o':
		case 's':
		case 'n':
		case 'u':
		case OPT_CGROUP:
		case OPT_BY:
			if (ps_value_option(c, optarg, a))
				return 1;
			break;
		case OPT_COMMAND:
			a->filter.command = optarg;
			break;
		case 'a':
			a->all = true;
			break;
		case 'p':
			a->proportional = true;
			break;
		default:
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		}
	}
	if (extra_arguments(argc, argv, optind, usage))
		return 1;
	return -1;
}

static void render_procs(const struct ps_args *a, const struct ps_view *v,
			 const struct ksmctl_proc **rows, size_t n)
{
	proc_sort(rows, n, a->sort, a->proportional, v->page_size);
	if (a->top && n > a->top)
		n = a->top;
	switch (a->format) {
	case OUTPUT_TEXT:
		ps_print_text(stdout, rows, n, v);
		break;
	case OUTPUT_JSON:
		ps_print_json(stdout, rows, n, v);
		break;
	case OUTPUT_PROMETHEUS:
		ps_print_prometheus(stdout, rows, n, v);
		break;
	}
}

static int render_cgroups(const struct ps_args *a, const struct ps_view *v,
			  const struct ksmctl_proc **rows, size_t n)
{
	struct proc_sum *groups = calloc(n ? n : 1, sizeof(*groups));
	size_t ngroups;

	if (!groups) {
		fputs(PROG_NAME ": Unable to group processes: Cannot allocate memory\n", stderr);
		return 1;
	}
	ngroups = proc_group_by_cgroup(rows, n, v->page_size, groups);
	sum_sort(groups, ngroups, a->sort, a->proportional);
	if (a->top && ngroups > a->top)
		ngroups = a->top;
	switch (a->format) {
	case OUTPUT_TEXT:
		cgroups_print_text(stdout, groups, ngroups, v);
		break;
	case OUTPUT_JSON:
		cgroups_print_json(stdout, groups, ngroups, v);
		break;
	case OUTPUT_PROMETHEUS:
		cgroups_print_prometheus(stdout, groups, ngroups, v);
		break;
	}
	free(groups);
	return 0;
}

int ps_main(int argc, char *argv[])
{
	struct proc_list list = { 0 };
	const struct ksmctl_proc **rows;
	struct ps_args a;
	struct ps_view v;
	struct ipc *ipc;
	uint32_t flags;
	size_t i, n;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;

	flags = (a.proportional ? KSMCTL_PROC_F_PROPORTIONAL : 0) |
		(a.all ? 0 : KSMCTL_PROC_F_MERGING_ONLY);
	if (ipc_open(&ipc, 0))
		return 1;
	ret = ipc_get_procs(ipc, flags, &list);
	ipc_close(ipc);
	if (ret)
		return 1;

	for (i = 0; i < list.n; ++i)
		user_name(list.procs[i].user, list.procs[i].uid);
	/* The kernel's page size, without asking the module for its status. */
	v = (struct ps_view){ .page_size = (uint32_t)sysconf(_SC_PAGESIZE),
			      .proportional = a.proportional };

	ret = 0;
	rows = calloc(list.n ? list.n : 1, sizeof(*rows));
	if (!rows) {
		fputs(PROG_NAME ": Unable to list processes: Cannot allocate memory\n", stderr);
		ret = 1;
		goto out;
	}
	n = proc_select(&list, &a.filter, rows);
	if (a.by_cgroup)
		ret = render_cgroups(&a, &v, rows, n);
	else
		render_procs(&a, &v, rows, n);
	free(rows);
out:
	proc_list_free(&list);
	return ret;
}
