// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ksmctl/: read-only views for cat and scripts.
 *
 * status: one "name value" pair per line; names match /sys/kernel/mm/ksm/,
 * then the rules_* figures of the module's rules (ksmctl_rules_stats()).
 * processes: a table of the processes with merging or zero pages, as the
 * reader may see them (the permission rule of GET_PROC).
 * rules: the rules, in the syntax of /etc/ksmctl.conf (ksmctl(8)); readable
 * by all: rules are configuration, like that file.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

#include <linux/ksmctl.h>

#include "ksm_state.h"
#include "proc.h"
#include "procfs.h"
#include "rules.h"

static struct proc_dir_entry *ksmctl_proc_dir;

static int status_show(struct seq_file *m, void *v)
{
	struct ksmctl_rules_stats rs;
	struct ksmctl_ksm_state st;
	enum ksmctl_ksm_field f;
	int err;

	err = ksmctl_ksm_read(&st);
	if (err)
		return err;

	seq_printf(m, "version %s\n", KSMCTL_VERSION);
	seq_printf(m, "page_size %lu\n", PAGE_SIZE);
	for (f = 0; f < KSMCTL_KSM_F_COUNT; f++)
		if (ksmctl_ksm_has(&st, f))
			seq_printf(m, "%s %lld\n", ksmctl_ksm_field_name(f),
				   st.val[f]);

	ksmctl_rules_stats(&rs);
	seq_printf(m, "rules %u\n", rs.rules);
	seq_printf(m, "rules_followed %lu\n", rs.followed);
	seq_printf(m, "rules_scans %llu\n", rs.scans);
	seq_printf(m, "rules_scan_ms %u\n", rs.scan_ms);
	seq_printf(m, "rules_ticks %llu\n", rs.ticks);
	seq_printf(m, "rules_looks %llu\n", rs.looks);
	seq_printf(m, "rules_walks %llu\n", rs.walks);
	seq_printf(m, "rules_cpu_ns %llu\n", rs.cpu_ns);
	return 0;
}

static int rules_show(struct seq_file *m, void *v)
{
	struct user_namespace *ns = seq_user_ns(m);
	struct ksmctl_rule *r;

	seq_puts(m, "ID ACTION HITS MATCH\n");
	ksmctl_rules_lock();
	for (r = ksmctl_rule_find_ge(0); r;
	     r = r->id < U32_MAX ? ksmctl_rule_find_ge(r->id + 1) : NULL) {
		seq_printf(m, "%u %s %llu", r->id,
			   r->action == KSMCTL_RULE_NEVER ? "never" : "merge",
			   r->hits);
		if (r->pid)
			seq_printf(m, " pid=%d%s", pid_vnr(r->pid),
				   r->flags & KSMCTL_RULE_F_TREE ? " tree" : "");
		if (r->cgrp)
			seq_printf(m, " cgroup=%s%s", r->cgroup_path,
				   r->flags & KSMCTL_RULE_F_RECURSIVE ?
				   " recursive" : "");
		if (r->has_exe)
			seq_printf(m, " exe=%s", r->exe_path);
		if (r->comm[0])
			seq_printf(m, " comm=%s", r->comm);
		if (r->has_uid)
			seq_printf(m, " uid=%u", from_kuid_munged(ns, r->uid));
		seq_putc(m, '\n');
	}
	ksmctl_rules_unlock();
	return 0;
}

struct processes_iter {
	struct ksmctl_viewer viewer;
	struct ksmctl_proc_stats st;
};

/* *pos is the tgid to look from; 0 is the header line */
static void *processes_find(struct seq_file *m, loff_t *pos)
{
	struct processes_iter *it = m->private;
	struct task_struct *task;
	pid_t nr = *pos;

	if (*pos > PID_MAX_LIMIT)
		return NULL;
	task = ksmctl_next_process(&it->viewer, &nr);
	*pos = task ? nr : PID_MAX_LIMIT + 1;
	return task;
}

static void *processes_start(struct seq_file *m, loff_t *pos)
{
	return *pos ? processes_find(m, pos) : SEQ_START_TOKEN;
}

static void *processes_next(struct seq_file *m, void *v, loff_t *pos)
{
	if (v != SEQ_START_TOKEN)
		put_task_struct(v);
	(*pos)++;
	return processes_find(m, pos);
}

static void processes_stop(struct seq_file *m, void *v)
{
	if (v && v != SEQ_START_TOKEN)
		put_task_struct(v);
}

static int processes_show(struct seq_file *m, void *v)
{
	struct processes_iter *it = m->private;
	struct ksmctl_proc_stats *st = &it->st;
	int shown;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "%7s %10s %10s %10s %14s %5s %s\n", "PID",
			   "MERGING", "ZERO", "RMAP_ITEMS", "PROFIT",
			   "VMAS", "COMMAND");
		return 0;
	}
	shown = ksmctl_proc_collect_shown(&it->viewer, v, false, true, st);
	if (shown <= 0)
		return shown;
	seq_printf(m, "%7d %10llu ", st->pid, st->merging_pages);
	if (st->has & KSMCTL_HAS_ZERO_PAGES)
		seq_printf(m, "%10llu ", st->zero_pages);
	else
		seq_printf(m, "%10s ", "-");
	if (st->has & KSMCTL_HAS_RMAP_ITEMS)
		seq_printf(m, "%10llu %14lld ", st->rmap_items, st->profit);
	else
		seq_printf(m, "%10s %14s ", "-", "-");
	seq_printf(m, "%5u %s\n", st->mergeable_vmas, st->comm);
	return 0;
}

static const struct seq_operations processes_seq_ops = {
	.start	= processes_start,
	.next	= processes_next,
	.stop	= processes_stop,
	.show	= processes_show,
};

static int processes_open(struct inode *inode, struct file *file)
{
	struct processes_iter *it;

	it = __seq_open_private(file, &processes_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	ksmctl_viewer_init(&it->viewer, file->f_cred,
			   file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE) &&
			   ns_capable_noaudit(&init_user_ns, CAP_SYS_PTRACE));
	return 0;
}

static int processes_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct processes_iter *it = m->private;

	ksmctl_viewer_release(&it->viewer);
	return seq_release_private(inode, file);
}

static const struct proc_ops processes_proc_ops = {
	.proc_open	= processes_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= processes_release,
};

int __init ksmctl_procfs_init(void)
{
	ksmctl_proc_dir = proc_mkdir("ksmctl", NULL);
	if (!ksmctl_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("status", 0444, ksmctl_proc_dir, status_show) ||
	    !proc_create("processes", 0444, ksmctl_proc_dir,
			 &processes_proc_ops) ||
	    !proc_create_single("rules", 0444, ksmctl_proc_dir, rules_show)) {
		proc_remove(ksmctl_proc_dir);
		ksmctl_proc_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

void ksmctl_procfs_uninit(void)
{
	proc_remove(ksmctl_proc_dir);
	ksmctl_proc_dir = NULL;
}
