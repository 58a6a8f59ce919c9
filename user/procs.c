// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "procs.h"

typedef unsigned __int128 u128;

int proc_list_append(struct proc_list *l, const struct ksmctl_proc *p)
{
	struct ksmctl_proc *procs = array_grow(l->procs, &l->cap, l->n, sizeof(*procs), 64);

	if (!procs)
		return -ENOMEM;
	l->procs = procs;
	l->procs[l->n++] = *p;
	return 0;
}

void proc_release(struct ksmctl_proc *p)
{
	free(p->cgroup_path);
	p->cgroup_path = NULL;
}

void proc_list_free(struct proc_list *l)
{
	size_t i;

	for (i = 0; i < l->n; ++i)
		free(l->procs[i].cgroup_path);
	free(l->procs);
	*l = (struct proc_list){ 0 };
}

int vma_list_append(struct vma_list *l, const struct ksmctl_vma *v)
{
	struct ksmctl_vma *vmas = array_grow(l->vmas, &l->cap, l->n, sizeof(*vmas), 64);

	if (!vmas)
		return -ENOMEM;
	l->vmas = vmas;
	l->vmas[l->n++] = *v;
	return 0;
}

void vma_list_free(struct vma_list *l)
{
	size_t i;

	for (i = 0; i < l->n; ++i)
		free(l->vmas[i].name);
	free(l->vmas);
	*l = (struct vma_list){ 0 };
}

uint64_t pages_to_bytes(uint64_t pages, uint32_t page_size)
{
	uint64_t bytes;

	if (__builtin_mul_overflow(pages, (uint64_t)page_size, &bytes))
		return UINT64_MAX;
	return bytes;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

char *fmt_coverage(char buf[static COVERAGE_STR_MAX], uint64_t mergeable, uint64_t eligible)
{
	u128 percent;

	if (!eligible) {
		snprintf(buf, COVERAGE_STR_MAX, "-");
		return buf;
	}
	percent = (u128)mergeable * 100 / eligible;
	if (!percent && mergeable)
		snprintf(buf, COVERAGE_STR_MAX, "<1%%");
	else if (percent > UINT64_MAX)
		snprintf(buf, COVERAGE_STR_MAX, ">%" PRIu64 "%%", UINT64_MAX);
	else
		snprintf(buf, COVERAGE_STR_MAX, "%" PRIu64 "%%", (uint64_t)percent);
	return buf;
}

#define PROC_FIG_ENTRY(A, m, type, unit, req, json, label)				\
	{ KSMCTL_A_PROC_##A, PROC_FIG_##type, PROC_FIG_##unit, req, json, label,		\
	  offsetof(struct ksmctl_proc, m), PROC_FIG_SUM_OFF_##type(m) },
#define PROC_FIG_SUM_OFF_u32(m)		offsetof(struct proc_sum, m)
#define PROC_FIG_SUM_OFF_u64(m)		offsetof(struct proc_sum, m)
#define PROC_FIG_SUM_OFF_s64(m)		offsetof(struct proc_sum, m)
#define PROC_FIG_SUM_OFF_flag(m)	-1

const struct proc_figure proc_figures[] = { PROC_FIGURES(PROC_FIG_ENTRY) };
const size_t proc_figures_n = sizeof(proc_figures) / sizeof(proc_figures[0]);

const struct proc_figure *proc_figure_of(enum ksmctl_proc_attr attr)
{
	size_t i;

	for (i = 0; i < proc_figures_n; ++i) {
		if (proc_figures[i].attr == attr)
			return &proc_figures[i];
	}
	return NULL;
}

/* The value of the member at @at, of type @type */
static void figure_read(enum proc_fig_type type, const char *at, uint64_t *u, int64_t *s)
{
	*u = 0;
	*s = 0;
	switch (type) {
	case PROC_FIG_u32:
		*u = *(const uint32_t *)at;
		break;
	case PROC_FIG_u64:
		*u = *(const uint64_t *)at;
		break;
	case PROC_FIG_s64:
		*s = *(const int64_t *)at;
		break;
	case PROC_FIG_flag:
		*u = *(const bool *)at;
		break;
	}
}

bool proc_figure_get(const struct proc_figure *f, const struct ksmctl_proc *p, uint64_t *u,
		     int64_t *s)
{
	figure_read(f->type, (const char *)p + f->proc_off, u, s);
	return f->required || proc_has(p, f->attr);
}

bool sum_figure_get(const struct proc_figure *f, const struct proc_sum *sum, uint64_t *u,
		    int64_t *s)
{
	/* sums of u32 figures are u64 */
	enum proc_fig_type type = f->type == PROC_FIG_u32 ? PROC_FIG_u64 : f->type;

	if (f->sum_off < 0)
		return false;
	figure_read(type, (const char *)sum + f->sum_off, u, s);
	return f->required || sum_has(sum, f->attr);
}

void proc_sum_add(struct proc_sum *s, const struct ksmctl_proc *p, uint32_t page_size)
{
	size_t i;

	++s->processes;
	s->saved_bytes = add_sat(s->saved_bytes, pages_to_bytes(p->merging_pages, page_size));
	for (i = 0; i < proc_figures_n; ++i) {
		const struct proc_figure *f = &proc_figures[i];
		char *at = (char *)s + f->sum_off;
		uint64_t u;
		int64_t v;

		if (f->sum_off < 0 || !proc_figure_get(f, p, &u, &v))
			continue;
		if (f->type == PROC_FIG_s64)
			*(int64_t *)at += v;
		else
			*(uint64_t *)at = add_sat(*(uint64_t *)at, u);
	}
	s->present |= p->present;
}

int sort_key_parse(const char *str, enum sort_key *key)
{
	static const char *const names[] = {
		[SORT_SAVED] = "saved",
		[SORT_MERGING] = "merging",
		[SORT_COVERAGE] = "coverage",
		[SORT_PID] = "pid",
		[SORT_PROFIT] = "profit",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
		if (!strcmp(str, names[i])) {
			*key = (enum sort_key)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool cgroup_path_match(const char *path, const char *prefix)
{
	size_t len = strlen(prefix);

	while (len > 1 && prefix[len - 1] == '/')
		--len;
	if (len == 1 && prefix[0] == '/')
		return path[0] == '/';
	return !strncmp(path, prefix, len) && (path[len] == '\0' || path[len] == '/');
}

bool proc_match(const struct ksmctl_proc *p, const struct proc_filter *f)
{
	if (f->by_uid && p->uid != f->uid)
		return false;
	if (f->cgroup_prefix && !cgroup_path_match(p->cgroup_path ? p->cgroup_path : "",
						   f->cgroup_prefix))
		return false;
	if (f->command && !strstr(p->comm, f->command))
		return false;
	return true;
}

size_t proc_select(const struct proc_list *l, const struct proc_filter *f,
		   const struct ksmctl_proc **out)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; ++i) {
		if (proc_match(&l->procs[i], f))
			out[n++] = &l->procs[i];
	}
	return n;
}

uint64_t proc_saved(const struct ksmctl_proc *p, bool proportional, uint32_t page_size)
{
	if (proportional)
		return proc_has(p, KSMCTL_A_PROC_PROP_SAVED_BYTES) ? p->prop_saved_bytes : 0;
	return pages_to_bytes(p->merging_pages, page_size);
}

uint64_t sum_saved(const struct proc_sum *s, bool proportional)
{
	return proportional ? s->prop_saved_bytes : s->saved_bytes;
}

/* The sort key of one row, reduced to what the comparisons need. */
struct key {
	uint64_t saved, merging;
	uint64_t mergeable, eligible;
	bool has_profit;
	int64_t profit;
};

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* Negative if @a goes first. 0 if the key does not tell them apart. */
static int key_cmp(const struct key *a, const struct key *b, enum sort_key key)
{
	switch (key) {
	case SORT_SAVED:
		return cmp_u64_desc(a->saved, b->saved);
	case SORT_MERGING:
		return cmp_u64_desc(a->merging, b->merging);
	case SORT_COVERAGE:
		/* a->m / a->e against b->m / b->e, exactly; no coverage goes last */
		if (!a->eligible || !b->eligible)
			return !a->eligible - !b->eligible;
		{
			u128 l = (u128)a->mergeable * b->eligible;
			u128 r = (u128)b->mergeable * a->eligible;

			return l > r ? -1 : l < r;
		}
	case SORT_PROFIT:
		if (a->has_profit != b->has_profit)
			return a->has_profit ? -1 : 1;
		return a->profit > b->profit ? -1 : a->profit < b->profit;
	case SORT_PID:
		break;
	}
	return 0;
}

/* qsort() has no context argument everywhere: the tool is single-threaded. */
static struct {
	enum sort_key key;
	bool proportional;
	uint32_t page_size;
} sort_ctx;

static struct key proc_key(const struct ksmctl_proc *p)
{
	return (struct key){
		.saved = proc_saved(p, sort_ctx.proportional, sort_ctx.page_size),
		.merging = p->merging_pages,
		.mergeable = p->mergeable_bytes,
		.eligible = p->eligible_bytes,
		.has_profit = proc_has(p, KSMCTL_A_PROC_PROFIT),
		.profit = p->profit,
	};
}

static int proc_cmp(const void *a, const void *b)
{
	const struct ksmctl_proc *pa = *(const struct ksmctl_proc *const *)a;
	const struct ksmctl_proc *pb = *(const struct ksmctl_proc *const *)b;
	struct key ka = proc_key(pa), kb = proc_key(pb);
	int ret = key_cmp(&ka, &kb, sort_ctx.key);

	if (ret)
		return ret;
	return pa->pid < pb->pid ? -1 : pa->pid > pb->pid;
}

void proc_sort(const struct ksmctl_proc **rows, size_t n, enum sort_key key, bool proportional,
	       uint32_t page_size)
{
	sort_ctx.key = key;
	sort_ctx.proportional = proportional;
	sort_ctx.page_size = page_size;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), proc_cmp);
}

static struct key sum_key(const struct proc_sum *s)
{
	return (struct key){
		.saved = sum_saved(s, sort_ctx.proportional),
		.merging = s->merging_pages,
		.mergeable = s->mergeable_bytes,
		.eligible = s->eligible_bytes,
		.has_profit = sum_has(s, KSMCTL_A_PROC_PROFIT),
		.profit = s->profit,
	};
}

static int sum_cmp(const void *a, const void *b)
{
	const struct proc_sum *sa = a, *sb = b;
	struct key ka = sum_key(sa), kb = sum_key(sb);
	int ret = key_cmp(&ka, &kb, sort_ctx.key);

	if (ret)
		return ret;
	return strcmp(sa->cgroup_path ? sa->cgroup_path : "", sb->cgroup_path ? sb->cgroup_path : "");
}

void sum_sort(struct proc_sum *rows, size_t n, enum sort_key key, bool proportional)
{
	sort_ctx.key = key;
	sort_ctx.proportional = proportional;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), sum_cmp);
}

size_t proc_group_by_cgroup(const struct ksmctl_proc *const *rows, size_t n, uint32_t page_size,
			    struct proc_sum *out)
{
	size_t i, g, groups = 0;

	/* Quadratic in the number of cgroups, which stays small. */
	for (i = 0; i < n; ++i) {
		const char *path = rows[i]->cgroup_path ? rows[i]->cgroup_path : "";

		for (g = 0; g < groups && strcmp(out[g].cgroup_path, path); ++g)
			;
		if (g == groups) {
			out[groups++] = (struct proc_sum){
				.cgroup_path = path,
				.cgroup_id = rows[i]->cgroup_id,
			};
		}
		proc_sum_add(&out[g], rows[i], page_size);
	}
	return groups;
}

const char *cgroup2_root(void)
{
	static char root[512];
	const char *env = getenv("KSMCTL_CGROUP2_ROOT");
	char line[1024];
	FILE *f;

	if (env && *env)
		return env;
	if (root[0])
		return root;
	snprintf(root, sizeof(root), "/sys/fs/cgroup");
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[512], *sep = strstr(line, " - ");
		char fstype[32];

		/* 36 35 98:0 / /mnt rw,... - cgroup2 cgroup2 rw */
		if (sep && sscanf(sep, " - %31s", fstype) == 1 && !strcmp(fstype, "cgroup2") &&
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			snprintf(root, sizeof(root), "%s", mnt);
			break;
		}
	}
	if (f)
		fclose(f);
	return root;
}

/* @in with the mount point @mnt at its start taken off, or NULL */
static const char *under(const char *in, const char *mnt)
{
	size_t len = strlen(mnt);

	while (len > 1 && mnt[len - 1] == '/')
		--len;
	if (len < 2 || strncmp(in, mnt, len) || (in[len] != '/' && in[len]))
		return NULL;
	return in[len] ? in + len : "/";
}

int cgroup_path_normalize(const char *in, char *out, size_t size)
{
	const char *rest = under(in, cgroup2_root());
	size_t len;

	if (!rest)
		rest = under(in, "/sys/fs/cgroup");
	if (rest)
		in = rest;
	while (*in == '/' && in[1] == '/')
		in++;
	len = strlen(in);
	if (!len)
		return -EINVAL;
	if (len + 2 > size)
		return -ENAMETOOLONG;
	if (*in == '/')
		snprintf(out, size, "%s", in);
	else
		snprintf(out, size, "/%s", in);
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	return 0;
}

int cgroup_exists(const char *path)
{
	char full[PATH_MAX + 512];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", cgroup2_root(), strcmp(path, "/") ? path : "");
	if (stat(full, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}
