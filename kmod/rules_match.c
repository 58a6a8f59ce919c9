// SPDX-License-Identifier: GPL-2.0
/*
 * Which rules match a process, and the verdict of the rules for it; the
 * members of tree rules; the identity of the file a process runs, as exe
 * rules compare it.
 */

#include <linux/bitmap.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/xarray.h>

#include <linux/ksmctl.h>

#include "ptree.h"
#include "rules_engine.h"

/*
 * The process's comm, as /proc reads it: without the task lock, which a
 * probe cannot take; a racing exec announces itself with its own event.
 */
void ksmctl_rules_comm(char comm[TASK_COMM_LEN], struct task_struct *p)
{
	memcpy(comm, p->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = '\0';
}

/* do @a and @b match the same processes the same way? */
bool ksmctl_rule_same(const struct ksmctl_rule *a,
		      const struct ksmctl_rule *b)
{
	return a->action == b->action && a->flags == b->flags &&
	       a->pid == b->pid && a->cgrp == b->cgrp &&
	       a->has_exe == b->has_exe && a->exe_dev == b->exe_dev &&
	       a->exe_ino == b->exe_ino && a->exe_gen == b->exe_gen &&
	       !strcmp(a->comm, b->comm) && a->has_uid == b->has_uid &&
	       (!a->has_uid || uid_eq(a->uid, b->uid));
}

/*
 * Tree rules. The processes below a tree rule's pid are its members
 * (r->members), not found by following each process's parent chain, once
 * per rule, at each match (an unprivileged user can make that chain as
 * deep as the pid space): each scan finds them from a snapshot of the
 * process tree (ptree.c), and between scans the fork probe adds a new
 * process whose real parent is the rule's process or a member. So a
 * descendant reparented away (its ancestor exited) leaves at the next
 * scan. A member is known by its struct pid (a reference): a reused tgid
 * is not a member. TREE_STALE marks, during a scan, the members it has not
 * found (yet): those left then exited or were reparented away; the probe
 * clears it on those it adds meanwhile.
 */
#define TREE_STALE	XA_MARK_0

/* is the process of @pid (tgid @nr) below @r's? Under RCU, or any context */
static bool tree_has(struct ksmctl_rule *r, pid_t nr, struct pid *pid)
{
	return pid && xa_load(&r->members, nr) == pid;
}

/* make the process of @pid (tgid @nr) a member of @r's tree; 0 or -errno */
static int tree_add(struct ksmctl_rule *r, pid_t nr, struct pid *pid,
		    gfp_t gfp)
{
	void *old;

	xa_lock(&r->members);
	if (xa_load(&r->members, nr) == pid) {
		__xa_clear_mark(&r->members, nr, TREE_STALE);
		xa_unlock(&r->members);
		return 0;
	}
	old = __xa_store(&r->members, nr, get_pid(pid), gfp);
	if (!xa_is_err(old))
		__xa_clear_mark(&r->members, nr, TREE_STALE);
	xa_unlock(&r->members);
	if (xa_is_err(old)) {
		put_pid(pid);
		return xa_err(old);
	}
	put_pid(old);	/* a process gone, whose tgid this one has now */
	return 0;
}

/*
 * A new process: a member of the trees its real parent is in, or whose
 * root its real parent is. Atomic context (the fork probe), under RCU.
 */
void ksmctl_rules_trees_fork(struct task_struct *child)
{
	struct task_struct *parent = rcu_dereference(child->real_parent);
	struct pid *ppid = task_tgid(parent), *pid = task_tgid(child);
	pid_t pnr = task_tgid_nr(parent), nr = task_tgid_nr(child);
	struct ksmctl_rule *r;

	if (!ppid || !pid)
		return;
	list_for_each_entry_rcu(r, &ksmctl_rules.list, node) {
		if (!(r->flags & KSMCTL_RULE_F_TREE) ||
		    (r->pid != ppid && !tree_has(r, pnr, ppid)))
			continue;
		if (tree_add(r, nr, pid, GFP_NOWAIT | __GFP_NOWARN))
			WRITE_ONCE(ksmctl_rules.trees_lost, true);
	}
}

/*
 * The scan, under ksmctl_rules.lock: before its snapshot, mark every member
 * stale; after, ksmctl_rules_trees_update() keeps those it finds again.
 */
void ksmctl_rules_trees_mark_stale(void)
{
	struct ksmctl_rule *r;
	struct pid *pid;
	unsigned long nr;
	unsigned int n = 0;

	lockdep_assert_held(&ksmctl_rules.lock);
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		if (!(r->flags & KSMCTL_RULE_F_TREE))
			continue;
		xa_for_each(&r->members, nr, pid) {
			xa_set_mark(&r->members, nr, TREE_STALE);
			if (!(++n % 1024))
				cond_resched();
		}
	}
}

/* each tree rule's members: those of @pt below its pid, and the new ones */
void ksmctl_rules_trees_update(const struct ksmctl_ptree *pt)
{
	struct ksmctl_rule *r;
	unsigned long *in;
	unsigned int i, n = 0;

	lockdep_assert_held(&ksmctl_rules.lock);
	in = bitmap_alloc(max(pt->n, 1U), GFP_KERNEL);
	if (!in)
		return;		/* the members stay as they were */
	list_for_each_entry(r, &ksmctl_rules.list, node) {
		struct pid *pid;
		unsigned long nr;

		if (!(r->flags & KSMCTL_RULE_F_TREE))
			continue;
		bitmap_zero(in, pt->n);
		ksmctl_ptree_subtree(pt, r->pid, in);
		for_each_set_bit(i, in, pt->n) {
			/* failed: a member missing until the next scan */
			tree_add(r, pt->ents[i].nr, pt->ents[i].pid,
				 GFP_KERNEL);
			if (!(++n % 256))
				cond_resched();
		}
		/* the newest missing from @pt: stale but perhaps members */
		if (pt->partial)
			continue;
		xa_for_each_marked(&r->members, nr, pid, TREE_STALE) {
			void *gone = NULL;

			xa_lock(&r->members);
			if (xa_get_mark(&r->members, nr, TREE_STALE) &&
			    xa_load(&r->members, nr) == pid)
				gone = __xa_erase(&r->members, nr);
			xa_unlock(&r->members);
			put_pid(gone);
			if (!(++n % 256))
				cond_resched();
		}
	}
	bitmap_free(in);
}

/* Matching. Under rcu_read_lock(), and the rules' lock or from a probe. */

/**
 * ksmctl_subject_init() - what the rules match of a process
 * @s: filled
 * @task: a live thread of it, whose cgroup and credentials are the
 *	process's (its main thread may have exited)
 * @comm: the process's name (ksmctl_rules_comm() of its leader)
 * @exe: the file it runs, or NULL if not known (taken as matching)
 *
 * Context: under RCU, which @s needs as long as it is used (the cgroup).
 */
void ksmctl_subject_init(struct ksmctl_subject *s, struct task_struct *task,
			 const char *comm, const struct ksmctl_exe_id *exe)
{
	s->pid = task_tgid(task);
	s->nr = task_tgid_nr(task);
	s->cgrp = task_dfl_cgroup(task);
	s->uid = task_uid(task);
	s->comm = comm;
	s->exe = exe;
}

static bool match_pid(struct ksmctl_rule *r, const struct ksmctl_subject *s)
{
	if (s->pid == r->pid)
		return true;
	return (r->flags & KSMCTL_RULE_F_TREE) && tree_has(r, s->nr, s->pid);
}

static bool match_cgroup(const struct ksmctl_rule *r, struct cgroup *cgrp)
{
	if (cgrp == r->cgrp)
		return true;
	return (r->flags & KSMCTL_RULE_F_RECURSIVE) &&
	       cgroup_is_descendant(cgrp, r->cgrp);
}

/*
 * The identity of the file at @path as exe rules compare it, the rule's
 * file and a process's alike: stat(2)'s device and inode number and the
 * generation of that path's inode. @flags: AT_STATX_*. 0 or -errno.
 */
static int path_exe_id(const struct path *path, unsigned int flags,
		       struct ksmctl_exe_id *id)
{
	struct kstat st;
	int err = vfs_getattr_nosec(path, &st, STATX_INO, flags);

	if (err)
		return err;
	id->dev = st.dev;
	id->ino = st.ino;
	id->gen = d_inode(path->dentry)->i_generation;
	id->known = true;
	return 0;
}

/**
 * ksmctl_rule_set_exe() - match processes running this file
 * @r: the rule
 * @exe: the file's path
 *
 * By identity, as stat(2) tells it, without holding the file (its
 * filesystem can be unmounted): device and inode number, and the inode's
 * generation, which tells this file from one that gets its number again
 * after it is deleted (on the filesystems that keep one).
 *
 * Return: 0, or the -errno of reading the file's attributes.
 */
int ksmctl_rule_set_exe(struct ksmctl_rule *r, const struct path *exe)
{
	struct ksmctl_exe_id id;
	int err = path_exe_id(exe, AT_STATX_SYNC_AS_STAT, &id);

	if (err)
		return err;
	r->has_exe = true;
	r->exe_dev = id.dev;
	r->exe_ino = id.ino;
	r->exe_gen = id.gen;
	return 0;
}

/*
 * the file @mm runs, as an exe rule compares it; may sleep, but does not
 * wait for a network filesystem (its attributes as cached)
 */
void ksmctl_rules_exe_id(struct mm_struct *mm, struct ksmctl_exe_id *id)
{
	struct file *exe = ksmctl_mm_exe_file(mm);

	id->known = false;
	if (exe) {
		path_exe_id(&exe->f_path, AT_STATX_DONT_SYNC, id);
		fput(exe);
	}
}

/* does @r match @s? All its criteria must */
static bool rule_matches(struct ksmctl_rule *r, const struct ksmctl_subject *s)
{
	const struct ksmctl_exe_id *exe = s->exe;

	if (r->pid && !match_pid(r, s))
		return false;
	if (r->cgrp && !match_cgroup(r, s->cgrp))
		return false;
	if (r->has_exe && exe &&
	    !(exe->known && exe->ino == r->exe_ino && exe->dev == r->exe_dev &&
	      exe->gen == r->exe_gen))
		return false;
	if (r->comm[0] && strcmp(r->comm, s->comm))
		return false;
	if (r->has_uid && !uid_eq(s->uid, r->uid))
		return false;
	return true;
}

/*
 * KSMCTL_RULE_* the rules of @rules want for the process @s (UNSPEC:
 * none), and which rule decided (@id): the first of the highest action
 * that matches. Context: under the lock of @rules, and RCU.
 */
u32 ksmctl_rules_verdict(struct list_head *rules,
			 const struct ksmctl_subject *s, u32 *id)
{
	struct ksmctl_rule *r;
	u32 v = KSMCTL_RULE_UNSPEC;

	list_for_each_entry(r, rules, node) {
		if (r->action <= v || !rule_matches(r, s))
			continue;
		v = r->action;	/* NEVER > MERGE: never wins */
		*id = r->id;
		if (v == KSMCTL_RULE_NEVER)
			break;
	}
	return v;
}

/*
 * Could a rule of @rules match @s, a process whose exe is not known yet?
 * Under RCU (and the rules' lock but from the probes), without a
 * reference on anything: a look (with the mm) decides.
 */
static bool maybe_matched(struct list_head *rules,
			  const struct ksmctl_subject *s)
{
	struct ksmctl_rule *r;

	list_for_each_entry_rcu(r, rules, node)
		if (rule_matches(r, s))
			return true;
	return false;
}

/*
 * Could a rule match the process of @t (a live thread of it, or the task
 * of an event), named @comm, whatever its exe? Under RCU.
 */
bool ksmctl_rules_may_match(struct task_struct *t, const char *comm)
{
	struct ksmctl_subject s;

	ksmctl_subject_init(&s, t, comm, NULL);
	return maybe_matched(&ksmctl_rules.list, &s);
}
