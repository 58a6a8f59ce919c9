// SPDX-License-Identifier: GPL-2.0

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ipc.h"
#include "json.h"
#include "options.h"
#include "ps.h"
#include "show.h"
#include "status.h"
#include "subcommands.h"
#include "table.h"
#include "units.h"
#include "users.h"

bool vma_interesting(const struct ksmctl_vma *v)
{
	return (v->flags & KSMCTL_VMA_F_MERGEABLE) || v->ksm_pages;
}

char *vma_perm(char buf[static 5], uint32_t flags)
{
	buf[0] = flags & KSMCTL_VMA_F_READ ? 'r' : '-';
	buf[1] = flags & KSMCTL_VMA_F_WRITE ? 'w' : '-';
	buf[2] = flags & KSMCTL_VMA_F_EXEC ? 'x' : '-';
	buf[3] = flags & KSMCTL_VMA_F_SHARED ? 's' : 'p';
	buf[4] = '\0';
	return buf;
}

char *vma_kind(char buf[static 16], uint32_t flags)
{
	const char *kind = flags & KSMCTL_VMA_F_HEAP ? "heap" :
			   flags & KSMCTL_VMA_F_STACK ? "stack" :
			   flags & KSMCTL_VMA_F_ANON ? "anon" :
			   flags & KSMCTL_VMA_F_FILE ? "file" : "-";

	snprintf(buf, 16, "%c%c %s", flags & KSMCTL_VMA_F_MERGEABLE ? 'm' : '-',
		 flags & KSMCTL_VMA_F_ELIGIBLE ? 'e' : '-', kind);
	return buf;
}

static void pages_field(FILE *f, const char *label, uint64_t pages, uint32_t page_size)
{
	char buf[BYTES_STR_MAX];

	field(f, label, "%s (%" PRIu64 " page%s)", fmt_bytes(buf, pages_to_bytes(pages, page_size)),
	      pages, pages == 1 ? "" : "s");
}

/* A field whose value comes from the kernel and may hold control characters. */
static void string_field(FILE *f, const char *label, const char *value)
{
	char *escaped = text_escape(value);

	field(f, label, "%s", escaped ? escaped : "?");
	free(escaped);
}

/* Figure @fig of @p as its `show' line, if it has one */
static void figure_field(FILE *f, const struct proc_figure *fig, const struct ksmctl_proc *p,
			 uint32_t page_size)
{
	char buf[BYTES_STR_MAX], coverage[COVERAGE_STR_MAX];
	uint64_t u;
	int64_t s;

	if (!fig->label || !proc_figure_get(fig, p, &u, &s))
		return;
	if (fig->attr == KSMCTL_A_PROC_MERGEABLE_BYTES) {
		field(f, fig->label, "%s in %" PRIu32 " VMA%s", fmt_bytes(buf, u),
		      p->mergeable_vmas, p->mergeable_vmas == 1 ? "" : "s");
		return;
	}
	switch (fig->unit) {
	case PROC_FIG_PAGES:
		pages_field(f, fig->label, u, page_size);
		break;
	case PROC_FIG_BYTES:
		field(f, fig->label, "%s",
		      fig->type == PROC_FIG_s64 ? fmt_bytes_signed(buf, s) : fmt_bytes(buf, u));
		break;
	case PROC_FIG_COUNT:
		field(f, fig->label, "%" PRIu64, u);
		break;
	case PROC_FIG_YESNO:
		field(f, fig->label, "%s", u ? "yes" : "no");
		break;
	}
	if (fig->attr == KSMCTL_A_PROC_ELIGIBLE_BYTES)
		field(f, "coverage", "%s",
		      fmt_coverage(coverage, p->mergeable_bytes, p->eligible_bytes));
}

static void print_block(FILE *f, const struct ksmctl_proc *p, uint32_t page_size)
{
	char uid[16];
	size_t i;

	field(f, "pid", "%" PRIu32, p->pid);
	field(f, "ppid", "%" PRIu32, p->ppid);
	string_field(f, "command", p->comm);
	snprintf(uid, sizeof(uid), "%" PRIu32, p->uid);
	if (strcmp(uid, p->user))
		field(f, "user", "%s (uid %s)", p->user, uid);
	else
		field(f, "user", "uid %s", uid);
	string_field(f, "cgroup", p->cgroup_path && p->cgroup_path[0] ? p->cgroup_path : "-");
	for (i = 0; i < proc_figures_n; ++i)
		figure_field(f, &proc_figures[i], p, page_size);
}

static const struct table_col vma_cols[] = {
	{ "START-END", false },
	{ "SIZE", true },
	{ "PERM", false },
	{ "FLAGS", false },
	{ "KSM", true },
	{ "NAME", false },
};

void show_print_text(FILE *f, const struct ksmctl_proc *p, const struct vma_list *vmas,
		     const struct show_view *v)
{
	char range[48], size[BYTES_STR_MAX], perm[5], kind[16], ksm[24];
	struct table t;
	size_t i, shown = 0;

	print_block(f, p, v->page_size);
	fputc('\n', f);

	table_init(&t, vma_cols, 6);
	for (i = 0; i < vmas->n; ++i) {
		const struct ksmctl_vma *vma = &vmas->vmas[i];

		if (!v->all_vmas && !vma_interesting(vma))
			continue;
		++shown;
		snprintf(range, sizeof(range), "0x%012" PRIx64 "-0x%012" PRIx64, vma->start, vma->end);
		snprintf(ksm, sizeof(ksm), "%" PRIu64, vma->ksm_pages);
		table_add(&t, range, fmt_bytes(size, vma->end - vma->start), vma_perm(perm, vma->flags),
			  vma_kind(kind, vma->flags), ksm, vma->name);
	}
	if (shown) {
		if (table_print(&t, f))
			fputs(PROG_NAME ": Unable to print the table: Cannot allocate memory\n", stderr);
	} else if (v->all_vmas) {
		fputs("No VMA\n", f);
	} else {
		fputs("No VMA is mergeable or has KSM pages (--all-vmas lists every VMA)\n", f);
	}
	table_free(&t);
}

static void vma_json(struct json *j, const struct ksmctl_vma *vma)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ KSMCTL_VMA_F_READ, "read" },
		{ KSMCTL_VMA_F_WRITE, "write" },
		{ KSMCTL_VMA_F_EXEC, "exec" },
		{ KSMCTL_VMA_F_SHARED, "shared" },
		{ KSMCTL_VMA_F_MERGEABLE, "mergeable" },
		{ KSMCTL_VMA_F_ELIGIBLE, "eligible" },
		{ KSMCTL_VMA_F_ANON, "anon" },
		{ KSMCTL_VMA_F_FILE, "file" },
		{ KSMCTL_VMA_F_HEAP, "heap" },
		{ KSMCTL_VMA_F_STACK, "stack" },
	};
	size_t i;

	json_object_begin(j);
	json_kv_u64(j, "start", vma->start);
	json_kv_u64(j, "end", vma->end);
	json_kv_u64(j, "size_bytes", vma->end - vma->start);
	json_kv_u64(j, "flags", vma->flags);
	json_key(j, "flag_names");
	json_array_begin(j);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
		if (vma->flags & names[i].bit)
			json_string(j, names[i].name);
	}
	json_array_end(j);
	if (vma->name)
		json_kv_string(j, "name", vma->name);
	json_kv_u64(j, "ksm_pages", vma->ksm_pages);
	json_object_end(j);
}

void show_print_json(FILE *f, const struct ksmctl_proc *p, const struct vma_list *vmas,
		     const struct show_view *v)
{
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_object_begin(&j);
	proc_json_members(&j, p, v->page_size);
	json_key(&j, "vmas");
	json_array_begin(&j);
	for (i = 0; i < vmas->n; ++i) {
		if (v->all_vmas || vma_interesting(&vmas->vmas[i]))
			vma_json(&j, &vmas->vmas[i]);
	}
	json_array_end(&j);
	json_object_end(&j);
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " show [-j] [--all-vmas] PID\n", f);
}

static const char help_text[] =
	"One process's KSM figures, then its memory areas (VMAs) that are marked\n"
	"mergeable or hold KSM pages.\n"
	"\n"
	"Options:\n"
	"  -j, --json             Print JSON\n"
	"  -a, --all-vmas         Every memory area of the process\n"
	"  -h, --help             Show this help\n";

int show_main(int argc, char *argv[])
{
	static const char optstring[] = ":jha";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "all-vmas", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct show_view v = { 0 };
	struct vma_list vmas = { 0 };
	struct ksmctl_status st;
	struct ksmctl_proc p;
	struct ipc *ipc;
	uint32_t pid;
	bool json = opt_json;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			return show_help(usage, help_text);
		case 'a':
			v.all_vmas = true;
			break;
		default:
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		fputs(PROG_NAME ": Missing process id\n", stderr);
		usage(stderr);
		return 1;
	}
	if (extra_arguments(argc, argv, optind + 1, usage))
		return 1;
	if (parse_pid(argv[optind], &pid)) {
		fprintf(stderr, PROG_NAME ": Invalid pid `%s'\n", argv[optind]);
		return 1;
	}

	if (ipc_open(&ipc, 0))
		return 1;
	ret = ipc_get_status(ipc, &st);
	if (!ret)
		ret = ipc_get_proc(ipc, pid, KSMCTL_PROC_F_PROPORTIONAL, &p);
	if (!ret) {
		ret = ipc_get_vmas(ipc, p.pid, &vmas);
		if (ret)
			proc_release(&p);
	}
	ipc_close(ipc);
	if (ret)
		return 1;

	user_name(p.user, p.uid);
	v.page_size = st.page_size;
	if (json)
		show_print_json(stdout, &p, &vmas, &v);
	else
		show_print_text(stdout, &p, &vmas, &v);
	vma_list_free(&vmas);
	proc_release(&p);
	return 0;
}
