// SPDX-License-Identifier: GPL-2.0
/*
 * The screen of "ksmctl top": header, rows and keys (topview.h).
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "status.h"
#include "table.h"
#include "topview.h"
#include "units.h"
#include "users.h"

/* Lines above the rows: title, saving, pages and CPU, counts, prompt, heading. */
#define TOP_HEADER_LINES 6

void top_view_init(struct top_view *v)
{
	*v = (struct top_view){ .sort = SORT_SAVED };
}

int top_set_filter(struct top_view *v, enum top_prompt which, const char *text)
{
	char path[PROC_PATH_MAX];
	uint32_t uid;

	switch (which) {
	case TOP_PROMPT_COMMAND:
		snprintf(v->command, sizeof(v->command), "%s", text);
		v->filter.command = text[0] ? v->command : NULL;
		return 0;
	case TOP_PROMPT_USER:
		if (text[0] && user_parse(text, &uid)) {
			snprintf(v->message, sizeof(v->message), "Unknown user `%.100s'", text);
			return -1;
		}
		snprintf(v->user, sizeof(v->user), "%s", text);
		v->filter.by_uid = text[0];
		v->filter.uid = text[0] ? uid : 0;
		return 0;
	case TOP_PROMPT_CGROUP:
		if (text[0] && (cgroup_path_normalize(text, path, sizeof(path)) ||
				cgroup_exists(path))) {
			snprintf(v->message, sizeof(v->message), "No such cgroup `%.100s'", text);
			return -1;
		}
		if (text[0])
			memcpy(v->cgroup, path, sizeof(path));
		v->filter.cgroup_prefix = text[0] ? v->cgroup : NULL;
		return 0;
	case TOP_PROMPT_NONE:
		break;
	}
	return 0;
}

/* One row of the table: a process or a cgroup. */
struct top_row {
	uint32_t id;			/* pid, or the cgroup's processes */
	const char *user;		/* NULL for a cgroup */
	const char *name;		/* comm, or the cgroup's path */
	uint64_t saved, merging, mergeable, eligible;
	bool has_change;
	int64_t change;			/* saved, since the last refresh */
	size_t order;			/* place after the first sort: ties keep it */
};

static int64_t diff_u64(uint64_t now, uint64_t then)
{
	return now >= then ? (int64_t)(now - then) : -(int64_t)(then - now);
}

/* "+1.00 MiB", "-4.00 KiB", "0 B" */
static char *fmt_change(char buf[static BYTES_STR_MAX + 1], int64_t change)
{
	if (change <= 0)
		return fmt_bytes_signed(buf, change);
	buf[0] = '+';
	fmt_bytes(buf + 1, (uint64_t)change);
	return buf;
}

static int pid_cmp(const void *a, const void *b)
{
	uint32_t pa = (*(const struct ksmctl_proc *const *)a)->pid;
	uint32_t pb = (*(const struct ksmctl_proc *const *)b)->pid;

	return pa < pb ? -1 : pa > pb;
}

/* The processes of @l in pid order, for find_pid(); NULL if out of memory. */
static const struct ksmctl_proc **by_pid(const struct proc_list *l)
{
	const struct ksmctl_proc **idx = calloc(l->n ? l->n : 1, sizeof(*idx));
	size_t i;

	if (!idx)
		return NULL;
	for (i = 0; i < l->n; ++i)
		idx[i] = &l->procs[i];
	qsort(idx, l->n, sizeof(*idx), pid_cmp);
	return idx;
}

static const struct ksmctl_proc *find_pid(const struct ksmctl_proc **idx, size_t n, uint32_t pid)
{
	struct ksmctl_proc key = { .pid = pid };
	const struct ksmctl_proc *k = &key, **found;

	found = bsearch(&k, idx, n, sizeof(*idx), pid_cmp);
	return found ? *found : NULL;
}

/* The filtered processes of @s, sorted as asked (by saved for "change"). */
static size_t select_sorted(const struct top_view *v, const struct top_sample *s,
			    const struct ksmctl_proc **sel)
{
	size_t n = proc_select(&s->procs, &v->filter, sel);

	proc_sort(sel, n, v->sort_change ? SORT_SAVED : v->sort, s->proportional, s->st.page_size);
	return n;
}

/* Rows of processes; @prev NULL: no change known. */
static size_t proc_rows(const struct top_view *v, const struct top_sample *cur,
			const struct top_sample *prev, const struct ksmctl_proc **sel,
			struct top_row *rows)
{
	const struct ksmctl_proc **idx = prev ? by_pid(&prev->procs) : NULL;
	uint32_t ps = cur->st.page_size;
	size_t i, n = select_sorted(v, cur, sel);

	for (i = 0; i < n; ++i) {
		const struct ksmctl_proc *p = sel[i];
		const struct ksmctl_proc *was = idx ? find_pid(idx, prev->procs.n, p->pid) : NULL;

		rows[i] = (struct top_row){
			.id = p->pid, .user = p->user, .name = p->comm,
			.saved = proc_saved(p, cur->proportional, ps), .merging = p->merging_pages,
			.mergeable = p->mergeable_bytes, .eligible = p->eligible_bytes,
			.has_change = idx != NULL, .order = i,
		};
		/* a process not listed before had nothing merged */
		if (idx)
			rows[i].change = diff_u64(rows[i].saved,
						  was ? proc_saved(was, cur->proportional, ps) : 0);
	}
	free(idx);
	return n;
}

/* @s's processes grouped by cgroup into @groups (room for every process) */
static size_t cgroup_sums(const struct top_view *v, const struct top_sample *s,
			  const struct ksmctl_proc **sel, struct proc_sum *groups)
{
	size_t n = select_sorted(v, s, sel);

	n = proc_group_by_cgroup(sel, n, s->st.page_size, groups);
	sum_sort(groups, n, v->sort_change ? SORT_SAVED : v->sort, s->proportional);
	return n;
}

/* Rows of cgroups; @prev NULL: no change known. -1 if out of memory. */
static ssize_t cgroup_rows(const struct top_view *v, const struct top_sample *cur,
			   const struct top_sample *prev, const struct ksmctl_proc **sel,
			   struct top_row *rows)
{
	size_t room = cur->procs.n + (prev ? prev->procs.n : 0) + 1;
	struct proc_sum *groups = calloc(room, sizeof(*groups));
	size_t i, j, n, nprev = 0;

	if (!groups)
		return -1;
	n = cgroup_sums(v, cur, sel, groups);
	if (prev)
		nprev = cgroup_sums(v, prev, sel, groups + n);
	for (i = 0; i < n; ++i) {
		const struct proc_sum *g = &groups[i];
		uint64_t then = 0;

		for (j = n; j < n + nprev; ++j)
			if (!strcmp(groups[j].cgroup_path, g->cgroup_path))
				then = sum_saved(&groups[j], cur->proportional);
		rows[i] = (struct top_row){
			.id = g->processes, .name = g->cgroup_path[0] ? g->cgroup_path : "-",
			.saved = sum_saved(g, cur->proportional), .merging = g->merging_pages,
			.mergeable = g->mergeable_bytes, .eligible = g->eligible_bytes,
			.has_change = prev != NULL, .order = i,
		};
		rows[i].change = prev ? diff_u64(rows[i].saved, then) : 0;
	}
	free(groups);
	return (ssize_t)n;
}

static int change_cmp(const void *a, const void *b)
{
	const struct top_row *ra = a, *rb = b;

	if (ra->has_change != rb->has_change)
		return ra->has_change ? -1 : 1;
	if (ra->change != rb->change)
		return ra->change > rb->change ? -1 : 1;
	return ra->order < rb->order ? -1 : ra->order > rb->order;
}

static void title_line(FILE *f, const struct top_view *v, const struct top_sample *cur)
{
	const char *run = status_run_name(cur->st.run);
	char clock[16] = "";
	struct tm tm;

	if (localtime_r(&cur->wall, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	fprintf(f, "ksmctl top - %s - ksmd %s, pages_to_scan %" PRIu64 ", sleep %" PRIu64 " ms%s\n",
		clock, run ? run : "in an unknown state", cur->st.pages_to_scan,
		cur->st.sleep_millisecs, v->paused ? "  [paused]" : "");
}

/* The saving and ksmd's work, with their change since @prev */
static void global_lines(FILE *f, const struct top_sample *cur, const struct top_sample *prev)
{
	const struct ksmctl_status *st = &cur->st, *was = prev ? &prev->st : NULL;
	char saved[BYTES_STR_MAX], change[BYTES_STR_MAX + 1], profit[BYTES_STR_MAX];
	uint64_t bytes = pages_to_bytes(st->pages_sharing, st->page_size);

	fprintf(f, "saved %s", fmt_bytes(saved, bytes));
	if (was)
		fprintf(f, " (%s)", fmt_change(change, diff_u64(bytes, pages_to_bytes(
			was->pages_sharing, was->page_size))));
	if (status_has(st, KSMCTL_A_STATUS_GENERAL_PROFIT))
		fprintf(f, ", profit %s", fmt_bytes_signed(profit, st->general_profit));
	fprintf(f, ", full scans %" PRIu64, st->full_scans);
	if (was)
		fprintf(f, " (%+" PRId64 ")", diff_u64(st->full_scans, was->full_scans));
	fprintf(f, "\npages %" PRIu64 " shared, %" PRIu64 " sharing, %" PRIu64 " unshared, %"
		PRIu64 " volatile", st->pages_shared, st->pages_sharing, st->pages_unshared,
		st->pages_volatile);
	if (st->has_ksmd_cpu) {
		fputs("; ksmd cpu ", f);
		if (was && was->has_ksmd_cpu && cur->mono_ms > prev->mono_ms &&
		    st->ksmd_cpu_ms >= was->ksmd_cpu_ms) {
			uint64_t permille = (st->ksmd_cpu_ms - was->ksmd_cpu_ms) * 1000 /
					    (cur->mono_ms - prev->mono_ms);

			fprintf(f, "%" PRIu64 ".%" PRIu64 "%% ", permille / 10, permille % 10);
		}
		fprintf(f, "(%" PRIu64 ".%" PRIu64 " s)", st->ksmd_cpu_ms / 1000,
			st->ksmd_cpu_ms % 1000 / 100);
	}
	fputc('\n', f);
}

static const char *const sort_names[] = {
	[SORT_SAVED] = "saved", [SORT_MERGING] = "merging", [SORT_COVERAGE] = "coverage",
	[SORT_PID] = "pid", [SORT_PROFIT] = "profit",
};

/* "6 processes, sort: saved, filter: none" and the prompt or message line */
static void state_lines(FILE *f, const struct top_view *v, const struct top_sample *cur,
			size_t nrows, size_t nprocs)
{
	const char *sort = v->sort_change ? "change" :
			   v->cgroups && v->sort == SORT_PID ? "cgroup" : sort_names[v->sort];
	const char *sep = "";

	if (v->cgroups)
		fprintf(f, "%zu cgroup%s (%zu process%s)", nrows, nrows == 1 ? "" : "s", nprocs,
			nprocs == 1 ? "" : "es");
	else
		fprintf(f, "%zu process%s", nrows, nrows == 1 ? "" : "es");
	fprintf(f, ", sort: %s%s, filter: ", sort, cur->proportional ? " (proportional)" : "");
	if (v->filter.command) {
		fprintf(f, "command \"%s\"", v->command);
		sep = ", ";
	}
	if (v->filter.by_uid) {
		fprintf(f, "%suser %s", sep, v->user);
		sep = ", ";
	}
	if (v->filter.cgroup_prefix) {
		fprintf(f, "%scgroup %s", sep, v->cgroup);
		sep = ", ";
	}
	if (!sep[0])
		fputs("none", f);
	fputs(v->width ? "; h: keys\n" : "\n", f);

	if (v->prompt != TOP_PROMPT_NONE)
		fprintf(f, "%s filter (empty: none, Esc: cancel): %s_\n",
			v->prompt == TOP_PROMPT_COMMAND ? "Command" :
			v->prompt == TOP_PROMPT_USER ? "User" : "Cgroup", v->input);
	else
		fprintf(f, "%s\n", v->message);
}

#define PROC_ROW_FMT	"%7s %-8s %9s %9s %8s %8s  %s\n"
#define CGROUP_ROW_FMT	"%7s %9s %9s %8s %8s  %s\n"

static void heading(FILE *f, const struct top_view *v, const struct top_sample *cur)
{
	const char *saved = cur->proportional ? "PSAVED" : "SAVED";

	if (v->cgroups)
		fprintf(f, CGROUP_ROW_FMT, "PROCS", saved, "CHANGE", "MERGING", "COVERAGE", "CGROUP");
	else
		fprintf(f, PROC_ROW_FMT, "PID", "USER", saved, "CHANGE", "MERGING", "COVERAGE",
			"COMMAND");
}

static void row_line(FILE *f, const struct top_view *v, const struct top_row *r)
{
	char id[16], user[16], saved[BYTES_STR_MAX], change[BYTES_STR_MAX + 1], merging[24];
	char coverage[COVERAGE_STR_MAX];
	char *name = text_escape(r->name), *u = r->user ? text_escape(r->user) : NULL;

	snprintf(id, sizeof(id), "%" PRIu32, r->id);
	snprintf(merging, sizeof(merging), "%" PRIu64, r->merging);
	fmt_bytes(saved, r->saved);
	fmt_coverage(coverage, r->mergeable, r->eligible);
	if (r->has_change)
		fmt_change(change, r->change);
	else
		snprintf(change, sizeof(change), "-");
	/* a long user name ends in '+', as in top(1) */
	snprintf(user, sizeof(user), u && strlen(u) > 8 ? "%.7s+" : "%s", u ? u : "");
	if (v->cgroups)
		fprintf(f, CGROUP_ROW_FMT, id, saved, change, merging, coverage, name ? name : "?");
	else
		fprintf(f, PROC_ROW_FMT, id, user, saved, change, merging, coverage,
			name ? name : "?");
	free(name);
	free(u);
}

static const char top_keys_help[] =
	"Keys:\n"
	"  q, Ctrl-C   quit\n"
	"  space       pause, resume\n"
	"  c           processes or cgroups\n"
	"  s d m o n   sort by saved, change, merging, coverage, pid (cgroup path)\n"
	"  p           proportional saving (each sharer credited its share), or not\n"
	"  / u g       filter: command substring, user (name, uid), cgroup (and below)\n"
	"  =           no filter\n"
	"  h, ?        this help; any key goes back\n";

/* Everything, unclipped. */
static void render_all(FILE *f, const struct top_view *v, const struct top_sample *cur,
		       const struct top_sample *prev)
{
	size_t room = cur->procs.n + 1, i, nprocs;
	const struct ksmctl_proc **sel = calloc(room + (prev ? prev->procs.n : 0), sizeof(*sel));
	struct top_row *rows = calloc(room, sizeof(*rows));
	/* a change is known against a sample that counted the same saving */
	const struct top_sample *base = prev && prev->proportional == cur->proportional ? prev : NULL;
	ssize_t n = -1;

	if (sel && rows)
		n = v->cgroups ? cgroup_rows(v, cur, base, sel, rows) :
				 (ssize_t)proc_rows(v, cur, base, sel, rows);
	if (n < 0) {
		fputs("Out of memory\n", f);
		goto out;
	}
	if (v->sort_change)
		qsort(rows, (size_t)n, sizeof(*rows), change_cmp);
	nprocs = proc_select(&cur->procs, &v->filter, sel);
	title_line(f, v, cur);
	global_lines(f, cur, prev);
	state_lines(f, v, cur, (size_t)n, nprocs);
	if (v->help) {
		fputs(top_keys_help, f);
		goto out;
	}
	heading(f, v, cur);
	for (i = 0; i < (size_t)n; ++i)
		row_line(f, v, &rows[i]);
out:
	free(sel);
	free(rows);
}

/*
 * The columns the first @len bytes of @s take at most: a character from
 * U+1000 on may be two columns wide, and a byte that is not UTF-8 shows as
 * one replacement character. Counting high keeps a cut line from wrapping.
 */
static size_t cut_at(const char *s, size_t len, size_t cols)
{
	size_t i = 0, used = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t seq = c < 0xc2 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 1;
		size_t w = seq >= 3 && (c > 0xe0 || seq == 4) ? 2 : 1;
		size_t k;

		for (k = 1; k < seq; ++k)
			if (i + k >= len || ((unsigned char)s[i + k] & 0xc0) != 0x80)
				seq = w = 1;	/* a broken sequence: its lead byte alone */
		if (used + w > cols)
			break;
		used += w;
		i += seq;
	}
	return i;
}

void top_render(FILE *f, const struct top_view *v, const struct top_sample *cur,
		const struct top_sample *prev)
{
	char *text = NULL, *line, *end;
	unsigned int lines = 0;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return;
	render_all(mem, v, cur, prev);
	if (fclose(mem))
		return;
	for (line = text; *line && (!v->height || lines < v->height); line = end + 1, ++lines) {
		size_t n;

		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		n = (size_t)(end - line);
		if (v->width)
			n = cut_at(line, n, v->width);
		fprintf(f, "%.*s\n", (int)n, line);
		if (!*end)
			break;
	}
	free(text);
}

/* Typing at a prompt: Enter sets the filter, Esc leaves it as it was. */
static enum top_action prompt_key(struct top_view *v, int key)
{
	size_t len = strlen(v->input);

	if (key == '\n' || key == '\r') {
		if (!top_set_filter(v, v->prompt, v->input))
			v->message[0] = '\0';
		v->prompt = TOP_PROMPT_NONE;
	} else if (key == 27) {			/* Esc */
		v->prompt = TOP_PROMPT_NONE;
	} else if (key == 127 || key == 8) {	/* Backspace: one character */
		while (len && ((unsigned char)v->input[--len] & 0xc0) == 0x80)
			;
		v->input[len] = '\0';
	} else if (key == 21) {			/* Ctrl-U */
		v->input[0] = '\0';
	} else if (key >= 0x20 && len + 1 < sizeof(v->input)) {
		v->input[len] = (char)key;
		v->input[len + 1] = '\0';
	} else {
		return TOP_NONE;
	}
	return TOP_REDRAW;
}

static void open_prompt(struct top_view *v, enum top_prompt which, const char *now)
{
	v->prompt = which;
	snprintf(v->input, sizeof(v->input), "%s", now);
}

static const char sort_keys[] = "sdmon";

enum top_action top_key(struct top_view *v, int key)
{
	const char *k = key > 0 ? strchr(sort_keys, key) : NULL;

	if (v->prompt != TOP_PROMPT_NONE)
		return prompt_key(v, key);
	v->message[0] = '\0';
	if (v->help && key != 'q' && key != 3) {
		v->help = false;
		return TOP_REDRAW;
	}
	if (k) {
		static const enum sort_key keys[] = { SORT_SAVED, SORT_SAVED, SORT_MERGING,
						      SORT_COVERAGE, SORT_PID };

		v->sort = keys[k - sort_keys];
		v->sort_change = key == 'd';
		return TOP_REDRAW;
	}
	switch (key) {
	case 'q':
	case 3:		/* Ctrl-C, when the terminal does not make it a signal */
		return TOP_QUIT;
	case ' ':
		v->paused = !v->paused;
		break;
	case 'c':
		v->cgroups = !v->cgroups;
		break;
	case 'p':
		v->proportional = !v->proportional;
		return TOP_REFETCH;
	case '/':
		open_prompt(v, TOP_PROMPT_COMMAND, v->filter.command ? v->command : "");
		break;
	case 'u':
		open_prompt(v, TOP_PROMPT_USER, v->filter.by_uid ? v->user : "");
		break;
	case 'g':
		open_prompt(v, TOP_PROMPT_CGROUP, v->filter.cgroup_prefix ? v->cgroup : "");
		break;
	case '=':
		v->filter = (struct proc_filter){ 0 };
		break;
	case 'h':
	case '?':
		v->help = true;
		break;
	case 12:	/* Ctrl-L */
		break;
	default:
		return TOP_NONE;
	}
	return TOP_REDRAW;
}
