/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the C selftests: module state and the ksmctl family. */
#ifndef KSMCTL_TEST_LIB_H
#define KSMCTL_TEST_LIB_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct nl_ans;

#define KSM_SYSFS "/sys/kernel/mm/ksm/"

/* Load the module if it is not loaded (path in $KSMCTL_KO). 0 or -errno. */
int ksmctl_ensure_loaded(void);
/* Unload it if it is loaded. 0 or -errno. */
int ksmctl_ensure_unloaded(void);
int ksmctl_is_loaded(void);

/*
 * A pid no process has, below the kernel's pid_max (a kernel built with a
 * small PID_MAX_LIMIT rejects larger ones as invalid, not as unknown).
 */
pid_t unused_pid(void);

/* Family id of "ksmctl" on fd, or a negative errno. */
int ksmctl_family(int fd);

/* ---- who asks (the callers of the permission tests) ---- */

#define NOBODY	65534
#define OTHER	65533

#define CAPBIT(c) (1ULL << (c))

/* Become uid/gid (all ids; uid < 0: stay) with exactly the capabilities caps. */
int become(int uid, unsigned long long caps);
/* A sleeping child owned by uid (< 0: ours), dumpable or not; its pid or -1. */
pid_t sleeper(int uid, int dumpable);
/* SIGKILL and reap pid (if > 0). */
void stop(pid_t pid);

/* ---- KSM workloads (ksm_workload.c) ---- */

#define WL_SAME_PAGES	16	/* one content, in every page of every worker */
#define WL_PAIR_PAGES	64	/* content i in page i of every worker */
#define WL_UNIQUE_PAGES	16	/* content unique to the worker */
#define WL_PAGES	(WL_SAME_PAGES + WL_PAIR_PAGES + WL_UNIQUE_PAGES)

/*
 * Start a worker: a child that maps WL_PAGES pages with the contents above,
 * madvise(MADV_MERGEABLE)s them unless !self_madvise, and sleeps until
 * killed. Runs as uid/gid if uid >= 0. Returns its pid or -errno.
 */
pid_t wl_start(int self_madvise, int uid);
void wl_stop(pid_t pid);

/* Expected global counters with n workers, once ksmd is idle. */
#define WL_SHARED(n)	(1 + WL_PAIR_PAGES)
#define WL_SHARING(n)	(WL_SAME_PAGES * (n) - 1 + WL_PAIR_PAGES * ((n) - 1))
#define WL_MERGING	(WL_SAME_PAGES + WL_PAIR_PAGES)

/*
 * Run ksmd flat out until the counters stop changing over two full scans,
 * then stop it so they stay put. 0, or -ETIMEDOUT.
 */
int ksm_settle(int timeout_s);
/* Unmerge everything and restore the default tunables. */
void ksm_reset(void);

/* is the running kernel at least @major.@minor? */
int kernel_at_least(int major, int minor);
/*
 * The NLMSGERR_ATTR_MISS_TYPE of an ack that says attribute @type is
 * missing: @type where the kernel names missing attributes (6.0 and
 * later), -1 (none) before.
 */
int ack_miss_type(int type);

/* /proc/PID/<file> "name value" lookup; -ENOENT if the kernel lacks it */
int proc_pid_field(pid_t pid, const char *file, const char *name, int64_t *v);

/* ---- GET_PROC / GET_VMAS records ---- */

struct proc_rec {
	uint32_t pid, ppid, uid, mergeable_vmas;
	char comm[32];
	char cgroup_path[256];
	uint64_t cgroup_id, merging, rmap_items, zero_pages, mergeable_bytes,
		 eligible_bytes, anon_rss, prop_saved, ksm_mapped;
	int64_t profit;
	uint8_t merge_any;
	int has_rmap, has_zero, has_prop, has_merge_any;
};

struct vma_rec {
	uint64_t start, end, ksm_pages;
	uint32_t flags;
	char name[256];
};

/* doit for one pid: 0 and *r filled, or the kernel's -errno (ans) */
int proc_get(int fd, int family, uint32_t pid, uint32_t flags,
	     struct proc_rec *r, struct nl_ans *ans);
/* dump: *recs malloc()ed, *n records; 0 or -errno */
int proc_dump(int fd, int family, uint32_t flags, struct proc_rec **recs,
	      int *n, struct nl_ans *ans);
int vmas_dump(int fd, int family, uint32_t pid, struct vma_rec **recs,
	      int *n, struct nl_ans *ans);
/*
 * Mergeable / eligible bytes of pid, in per mille (0 when nothing is
 * eligible); -1 if the process is gone. Rules and benchmarks count a
 * process as covered at 990 (99%).
 */
int proc_coverage(int fd, int family, uint32_t pid);

/* ---- ksm_target processes (ksm_target.c), driven over pipes ---- */

struct target {
	pid_t pid;
	FILE *in;	/* its stdin */
	FILE *out;	/* its stdout */
	unsigned long mmap_addr;	/* its data region */
};

/*
 * start "prog args..." (NULL-terminated; prog in test_dir() unless an
 * absolute path); 0 once it said "ready"
 */
int target_start(struct target *t, const char *prog, ...);
/* send one command, return its one-line answer in buf (no newline) */
int target_cmd(struct target *t, const char *cmd, char *buf, size_t len);
void target_stop(struct target *t);
/* directory holding the test programs (of /proc/self/exe) */
const char *test_dir(void);

/* MARK / UNMARK */
struct mark_rec {
	uint32_t processes, vmas, already_vmas, failed_processes;
	uint64_t bytes, already_bytes;
	uint32_t skipped[16];
	int interrupted;
};

struct mark_opts {
	uint32_t flags, classes;
	uint64_t start, end;	/* range when end != 0 */
};

int mark(int fd, int family, int cmd, uint32_t pid,
	 const struct mark_opts *o, struct mark_rec *r, struct nl_ans *ans);

#endif /* KSMCTL_TEST_LIB_H */
