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

struct ksmctl_proc {
	uint32_t pid;
	uint32_t ppid;
	char comm[PROC_COMM_MAX];
	uint32_t uid;
	uint64_t cgroup_id;
	char *cgroup_path;		/* malloc()ed, never NULL once parsed */
	uint64_t merging_pages;
	uint64_t rmap_items;		/* optional, like the next two */
	uint64_t zero_pages;
	int64_t profit;			/* bytes */
	uint32_t mergeable_vmas;
	uint64_t mergeable_bytes;
	uint64_t eligible_bytes;
	uint64_t anon_rss_bytes;
	bool merge_any;			/* optional */
	uint64_t prop_saved_bytes;	/* with KSMCTL_PROC_F_PROPORTIONAL */
	uint64_t ksm_mapped_pages;	/* idem */
	/* Bit n set: attribute n of enum ksmctl_proc_attr was in the reply. */
	uint64_t present;
	/* Not from the kernel: the uid's name, or the uid in decimal. */
	char user[USER_NAME_MAX];
};

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
	uint64_t merging_pages;
	uint64_t saved_bytes;		/* sum of merging_pages * page size */
	uint64_t rmap_items;
	uint64_t zero_pages;
	int64_t profit;
	uint64_t mergeable_vmas;
	uint64_t mergeable_bytes;
	uint64_t eligible_bytes;
	uint64_t anon_rss_bytes;
	uint64_t prop_saved_bytes;
	uint64_t ksm_mapped_pages;
	uint64_t present;		/* as struct ksmctl_proc's */
};

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
