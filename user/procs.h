/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes and VMAs as reported by KSMCTL_CMD_GET_PROC and
 * KSMCTL_CMD_GET_VMAS, and the pure functions the commands build on:
 * coverage, filtering, sorting and per-cgroup sums. Nothing here talks to
 * the kernel or prints.
 */
#ifndef PROCS_H
#define PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ksmctl.h>

#define PROC_COMM_MAX	64	/* the kernel sends TASK_COMM_LEN (16) */
#define PROC_PATH_MAX	4096	/* cgroup paths and VMA names (PATH_MAX) */
#define USER_NAME_MAX	64

/*
 * The figures of a process that KSMCTL_CMD_GET_PROC reports, one line
 * each. The line is all the tool needs to read a new attribute and show
 * it: its member in struct ksmctl_proc and struct proc_sum, its decoding,
 * its key in -j output, its line in `show' and its sum come from here
 * (the proc_figures[] table of procs.c).
 *
 *   X(ATTR, member, type, unit, req, json, label)
 *	ATTR	the attribute is KSMCTL_A_PROC_<ATTR>
 *	type	u32, u64, s64 or flag (a u8 on the wire, a bool here)
 *	unit	what the number counts: PAGES, BYTES, COUNT, or YESNO
 *	req	every reply has it; else its bit in `present' says
 *	json	its key in -j output
 *	label	its line in `show'; NULL: none of its own
 *
 * In the order -j and `show' print them. Sums add every figure but flags.
 */
#define PROC_FIGURES(X)								\
	X(MERGING_PAGES, merging_pages, u64, PAGES, true, "merging_pages", "merging")	\
	X(ZERO_PAGES, zero_pages, u64, PAGES, false, "zero_pages", "zero pages")	\
	X(RMAP_ITEMS, rmap_items, u64, COUNT, false, "rmap_items", "rmap items")	\
	X(PROFIT, profit, s64, BYTES, false, "profit_bytes", "profit")		\
	X(PROP_SAVED_BYTES, prop_saved_bytes, u64, BYTES, false, "prop_saved_bytes",	\
	  "prop. saved")							\
	X(KSM_MAPPED_PAGES, ksm_mapped_pages, u64, PAGES, false, "ksm_mapped_pages",	\
	  "ksm mapped")								\
	X(MERGEABLE_VMAS, mergeable_vmas, u32, COUNT, true, "mergeable_vmas", NULL)	\
	X(MERGEABLE_BYTES, mergeable_bytes, u64, BYTES, true, "mergeable_bytes",	\
	  "mergeable")								\
	X(ELIGIBLE_BYTES, eligible_bytes, u64, BYTES, true, "eligible_bytes", "eligible") \
	X(ANON_RSS_BYTES, anon_rss_bytes, u64, BYTES, true, "anon_rss_bytes", "anon rss") \
	X(MERGE_ANY, merge_any, flag, YESNO, false, "merge_any", "merge any")

/* A figure's C type in struct ksmctl_proc, and in struct proc_sum */
#define PROC_FIG_CTYPE_u32	uint32_t
#define PROC_FIG_CTYPE_u64	uint64_t
#define PROC_FIG_CTYPE_s64	int64_t
#define PROC_FIG_CTYPE_flag	bool
#define PROC_FIG_SUM_u32(m)	uint64_t m;
#define PROC_FIG_SUM_u64(m)	uint64_t m;
#define PROC_FIG_SUM_s64(m)	int64_t m;
#define PROC_FIG_SUM_flag(m)	/* not summed */

#define PROC_FIG_MEMBER(A, m, type, unit, req, json, label) PROC_FIG_CTYPE_##type m;
#define PROC_FIG_SUM_MEMBER(A, m, type, unit, req, json, label) PROC_FIG_SUM_##type(m)

struct ksmctl_proc {
	uint32_t pid;
	uint32_t ppid;
	char comm[PROC_COMM_MAX];
	uint32_t uid;
	uint64_t cgroup_id;
	char *cgroup_path;		/* malloc()ed, never NULL once parsed */
	PROC_FIGURES(PROC_FIG_MEMBER)	/* profit in bytes */
	/* Bit n set: attribute n of enum ksmctl_proc_attr was in the reply. */
	uint64_t present;
	/* Not from the kernel: the uid's name, or the uid in decimal. */
	char user[USER_NAME_MAX];
};

enum proc_fig_type { PROC_FIG_u32, PROC_FIG_u64, PROC_FIG_s64, PROC_FIG_flag };
enum proc_fig_unit { PROC_FIG_PAGES, PROC_FIG_BYTES, PROC_FIG_COUNT, PROC_FIG_YESNO };

/**
 * struct proc_figure - one line of PROC_FIGURES, for code that loops over them
 * @attr: KSMCTL_A_PROC_*
 * @type: PROC_FIG_u32...
 * @unit: PROC_FIG_PAGES...
 * @required: every reply has it
 * @json: key in -j output
 * @label: line in `show', or NULL
 * @proc_off: offset of its member in struct ksmctl_proc
 * @sum_off: offset in struct proc_sum; -1 for flags
 */
struct proc_figure {
	enum ksmctl_proc_attr attr;
	enum proc_fig_type type;
	enum proc_fig_unit unit;
	bool required;
	const char *json;
	const char *label;
	size_t proc_off;
	ptrdiff_t sum_off;
};

extern const struct proc_figure proc_figures[];
extern const size_t proc_figures_n;

/* The figure of attribute @attr, or NULL */
const struct proc_figure *proc_figure_of(enum ksmctl_proc_attr attr);

/*
 * Figure @f of @p, and whether @p has it (a required one always). Signed
 * values come back in @s, others in @u.
 */
bool proc_figure_get(const struct proc_figure *f, const struct ksmctl_proc *p, uint64_t *u,
		     int64_t *s);

struct ksmctl_vma {
	uint64_t start;
	uint64_t end;			/* exclusive */
	uint32_t flags;			/* KSMCTL_VMA_F_* */
	char *name;			/* malloc()ed; NULL for plain anonymous memory */
	uint64_t ksm_pages;
};

struct proc_list {
	struct ksmctl_proc *procs;
	size_t n, cap;
};

struct vma_list {
	struct ksmctl_vma *vmas;
	size_t n, cap;
};

static inline bool proc_has(const struct ksmctl_proc *p, enum ksmctl_proc_attr attr)
{
	return p->present & (UINT64_C(1) << attr);
}

static inline void proc_set_present(struct ksmctl_proc *p, enum ksmctl_proc_attr attr)
{
	p->present |= UINT64_C(1) << attr;
}

/*
 * Append a copy of @p (or @v); the list takes over its strings. Return 0 or
 * -ENOMEM, in which case the strings are left to the caller.
 */
int proc_list_append(struct proc_list *l, const struct ksmctl_proc *p);
/* Free the strings of a process that is in no list. */
void proc_release(struct ksmctl_proc *p);
void proc_list_free(struct proc_list *l);
int vma_list_append(struct vma_list *l, const struct ksmctl_vma *v);
void vma_list_free(struct vma_list *l);

/* pages * page_size, saturating at UINT64_MAX. */
uint64_t pages_to_bytes(uint64_t pages, uint32_t page_size);

/*
 * Coverage, the share of the memory KSM could merge that is marked
 * mergeable, as "100%", "37%" (rounded down, so 100% means all of it), "<1%"
 * for a share above 0 and below 1%, or "-" when @eligible is 0.
 */
#define COVERAGE_STR_MAX 24
char *fmt_coverage(char buf[static COVERAGE_STR_MAX], uint64_t mergeable, uint64_t eligible);

/*
 * Sums over a set of processes: a cgroup's row, or the total line. Optional
 * fields are summed over the processes that have them and are present when
 * one of them has it.
 */
struct proc_sum {
	const char *cgroup_path;	/* a cgroup row's path (the processes' own string) */
	uint64_t cgroup_id;		/* that of its first process */
	uint32_t processes;
	uint64_t saved_bytes;		/* sum of merging_pages * page size */
	PROC_FIGURES(PROC_FIG_SUM_MEMBER)
	uint64_t present;		/* as struct ksmctl_proc's */
};

/* Figure @f of @s, as proc_figure_get(); false for flags. */
bool sum_figure_get(const struct proc_figure *f, const struct proc_sum *s, uint64_t *u,
		    int64_t *v);

static inline bool sum_has(const struct proc_sum *s, enum ksmctl_proc_attr attr)
{
	return s->present & (UINT64_C(1) << attr);
}

/* Add @p to @s; @page_size converts merging pages to saved bytes. */
void proc_sum_add(struct proc_sum *s, const struct ksmctl_proc *p, uint32_t page_size);

enum sort_key {
	SORT_SAVED,		/* descending; proportional saving if asked */
	SORT_MERGING,		/* descending */
	SORT_COVERAGE,		/* descending, "-" last */
	SORT_PID,		/* ascending; a cgroup's path for cgroup rows */
	SORT_PROFIT,		/* descending, absent last */
};

/* "saved", ... as on the command line; -EINVAL for another word. */
int sort_key_parse(const char *str, enum sort_key *key);

/* Which processes to show. */
struct proc_filter {
	bool by_uid;
	uint32_t uid;
	const char *cgroup_prefix;	/* NULL: any */
	const char *command;		/* substring of comm; NULL: any */
};

/*
 * True if @path is @prefix or lies below it, path component by component:
 * "/system.slice" matches "/system.slice" and "/system.slice/a.service",
 * not "/system.slice2"; "/" matches every path.
 */
bool cgroup_path_match(const char *path, const char *prefix);

/*
 * Where cgroup v2 is mounted: $KSMCTL_CGROUP2_ROOT if set, else the first
 * cgroup2 mount of /proc/self/mountinfo (/sys/fs/cgroup/unified on a
 * hybrid host), else /sys/fs/cgroup.
 */
const char *cgroup2_root(void);

/*
 * A cgroup given as the module's path ("/system.slice/x.service"), as one
 * relative to the cgroup v2 root ("system.slice/x.service"), or as a path
 * under its mount point ("/sys/fs/cgroup/system.slice/x.service"), into
 * the module's form in @out: 0, -EINVAL (empty) or -ENAMETOOLONG.
 */
int cgroup_path_normalize(const char *in, char *out, size_t size);

/* 0 if the cgroup of @path (normalized) exists, else -errno */
int cgroup_exists(const char *path);

bool proc_match(const struct ksmctl_proc *p, const struct proc_filter *f);

/*
 * Fill @out (room for l->n) with the processes of @l that @f lets through,
 * in list order, and return their count.
 */
size_t proc_select(const struct proc_list *l, const struct proc_filter *f,
		   const struct ksmctl_proc **out);

/*
 * Sort @rows by @key; ties go by pid, ascending, so the order is stable
 * whatever the kernel's order. With @proportional "saved" means the
 * proportional saving.
 */
void proc_sort(const struct ksmctl_proc **rows, size_t n, enum sort_key key, bool proportional,
	       uint32_t page_size);

/*
 * Group @rows by cgroup path into @out (room for @n) and return the number
 * of cgroups, in the order of their first process. Every process is in
 * exactly one group, so the groups add up to the sum over @rows.
 */
size_t proc_group_by_cgroup(const struct ksmctl_proc *const *rows, size_t n, uint32_t page_size,
			    struct proc_sum *out);

/* Sort cgroup rows like proc_sort(); ties go by path. */
void sum_sort(struct proc_sum *rows, size_t n, enum sort_key key, bool proportional);

/* What "SAVED" shows: the proportional saving, or merging pages * page size. */
uint64_t proc_saved(const struct ksmctl_proc *p, bool proportional, uint32_t page_size);
uint64_t sum_saved(const struct proc_sum *s, bool proportional);

#endif
