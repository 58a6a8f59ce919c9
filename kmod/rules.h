/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_RULES_H
#define _KSMCTL_RULES_H

#include <linux/list.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

struct cgroup;
struct pid;
struct netlink_ext_ack;

/*
 * The rules' timing, by default: the module parameters rules_period_ms
 * and rules_scan_min_ms (read-only in /sys/module/ksmctl/parameters/ once
 * loaded) can change the first two at load.
 *
 * KSMCTL_RULES_PERIOD_MS: the period of the pass over the processes rules
 * match (new VMAs); and of the scan of every process without the probes.
 * KSMCTL_RULES_SCAN_MS: the least period of the scan of every process
 * (uid changes, missed events); longer where a scan takes more than
 * 1/KSMCTL_RULES_SCAN_SHARE of it: KSMCTL_RULES_SCAN_SHARE times as long
 * as it took (rules_scan_ms of /proc/ksmctl/status says how long it is
 * now), at most KSMCTL_RULES_MAX_MS.
 */
#define KSMCTL_RULES_PERIOD_MS	400
#define KSMCTL_RULES_SCAN_MS	10000
#define KSMCTL_RULES_SCAN_SHARE	400
#define KSMCTL_RULES_MAX_MS	60000

/**
 * struct ksmctl_rule - one sticky rule (include/uapi/linux/ksmctl.h)
 * @node: in the rule list, by increasing @id
 * @id: assigned by ksmctl_rule_add()
 * @action: KSMCTL_RULE_MERGE or KSMCTL_RULE_NEVER
 * @flags: KSMCTL_RULE_F_*
 * @pid: match this process (with a reference), or NULL
 * @cgrp: match this cgroup (with a reference), or NULL
 * @cgroup_path: as given, for display
 * @has_exe: match processes running the file @exe_dev, @exe_ino and
 *	@exe_gen name (stat(2)'s device and inode number, and the inode's
 *	generation: the rule holds no reference, so the filesystem can be
 *	unmounted)
 * @exe_path: as given, for display
 * @comm: match this comm, "" when not matched on
 * @uid: match this real uid, when @has_uid
 * @has_uid: see @uid
 * @hits: processes this rule changed
 * @members: with KSMCTL_RULE_F_TREE, the processes below @pid: a
 *	reference to each one's struct pid, by tgid (initial pid namespace);
 *	found by the scans, and added by the fork probe as they are born
 */
struct ksmctl_rule {
	struct list_head node;
	u32 id;
	u32 action;
	u32 flags;
	struct pid *pid;
	struct cgroup *cgrp;
	char *cgroup_path;
	bool has_exe;
	u64 exe_dev;
	u64 exe_ino;
	u32 exe_gen;
	char *exe_path;
	char comm[TASK_COMM_LEN];
	kuid_t uid;
	bool has_uid;
	u64 hits;
	struct xarray members;
};

unsigned int ksmctl_rules_gen(void);
struct ksmctl_rule *ksmctl_rule_alloc(void);
struct path;
int ksmctl_rule_set_exe(struct ksmctl_rule *r, const struct path *exe);
void ksmctl_rule_free(struct ksmctl_rule *r);
int ksmctl_rule_add(struct ksmctl_rule *r, struct netlink_ext_ack *extack,
		    void (*added)(const struct ksmctl_rule *r, void *arg),
		    void *arg);
int ksmctl_rule_del(u32 id);

/* rule list access for dumps: under ksmctl_rules_lock() */
void ksmctl_rules_lock(void);
void ksmctl_rules_unlock(void);
struct ksmctl_rule *ksmctl_rule_find_ge(u32 id);

/**
 * struct ksmctl_rules_stats - the rules and what their work cost
 * @rules: rules held
 * @followed: processes some rule matches, followed between scans
 * @cpu_ns: CPU time of the rules' kernel thread (scans, ticks, events)
 * @scans: scans of every process
 * @ticks: passes over the followed processes
 * @looks: processes looked at (by a scan, a tick or an event)
 * @walks: of them, VMA lists walked (the others had not changed)
 */
struct ksmctl_rules_stats {
	unsigned int rules;
	unsigned long followed;
	unsigned int scan_ms;
	u64 cpu_ns, scans, ticks, looks, walks;
};

void ksmctl_rules_stats(struct ksmctl_rules_stats *st);


/*
 * Called by the rules' thread when a rule changed a process (the netlink
 * family sends it to its monitor group): which rule, its action, the
 * process, and how many VMAs and bytes changed.
 */
typedef void (*ksmctl_rule_event_fn)(u32 rule_id, u32 action,
				     struct task_struct *task, u32 vmas,
				     u64 bytes);

int ksmctl_rules_init(ksmctl_rule_event_fn event);
void ksmctl_rules_stop(void);
void ksmctl_rules_uninit(void);

#endif /* _KSMCTL_RULES_H */
