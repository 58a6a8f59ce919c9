// SPDX-License-Identifier: GPL-2.0
/*
 * The process tree, as one pass over the process list saw it, for what
 * needs a subtree (a tree rule's members, a tree MARK's processes).
 *
 * A subtree is found in one pass over the snapshot, not by following each
 * process's parent chain (which costs depth x processes, and an
 * unprivileged user can make a chain as deep as the pid space): the
 * kernel's process list is in creation order, and a process's real parent
 * (or the process it was reparented to: a thread of its own group, a
 * subreaper above it, init) was created before it, so it comes first. A
 * process whose parent is not found before it (a kernel thread's child, a
 * race with an exit or a reparenting) is in no subtree until the next
 * snapshot. Nothing loops: each entry looks at one entry before it.
 *
 * Cost: one pass over the processes under RCU (a pid reference each; the
 * kernel's own walks of every process, the OOM killer's, hold RCU as
 * long), then a sort by pid number, without RCU and without a lock.
 */

#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/bitops.h>

#include "ptree.h"

static int ptree_cmp_key(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

/* the first key >= @key, in the sorted @keys */
static unsigned int ptree_lower_bound(const u64 *keys, unsigned int n,
				      u64 key)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* each entry's @up: its parent's entry, if that comes before it */
static int ptree_link(struct ksmctl_ptree *pt)
{
	unsigned int i, k;
	u64 *keys;

	keys = kvmalloc_array(max(pt->n, 1U), sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < pt->n; i++)
		keys[i] = (u64)pt->ents[i].nr << 32 | i;
	sort(keys, pt->n, sizeof(*keys), ptree_cmp_key, NULL);
	for (i = 0; i < pt->n; i++) {
		struct ksmctl_ptree_ent *e = &pt->ents[i];

		e->up = -1;
		if (!e->parent)
			continue;
		/* a number may be there twice: an exit and a reuse */
		for (k = ptree_lower_bound(keys, pt->n, (u64)e->pnr << 32);
		     k < pt->n && keys[k] >> 32 == (u64)e->pnr; k++) {
			unsigned int j = (u32)keys[k];

			if (j < i && pt->ents[j].pid == e->parent) {
				e->up = j;
				break;
			}
		}
		if (!(i % 4096))
			cond_resched();
	}
	kvfree(keys);
	return 0;
}

/**
 * ksmctl_ptree_take() - snapshot the user processes and who their parents
 * are
 * @pt: filled; ksmctl_ptree_release() it
 *
 * Context: process context, may sleep; no lock that a fork takes.
 * Return: 0 or -ENOMEM.
 */
int ksmctl_ptree_take(struct ksmctl_ptree *pt)
{
	struct task_struct *p;
	unsigned int cap = 0, n = 0;
	int err;

	rcu_read_lock();
	for_each_process(p)
		cap++;
	rcu_read_unlock();
	cap += 64;
	pt->n = 0;
	pt->partial = false;
	pt->ents = kvmalloc_array(cap, sizeof(*pt->ents), GFP_KERNEL);
	if (!pt->ents)
		return -ENOMEM;

	rcu_read_lock();
	for_each_process(p) {
		struct ksmctl_ptree_ent *e = &pt->ents[n];
		struct pid *pid = task_tgid(p);

		if (n == cap) {
			pt->partial = true;
			break;
		}
		/* an exiting process may be unhashed already */
		if ((p->flags & PF_KTHREAD) || !pid)
			continue;
		e->pid = get_pid(pid);
		e->nr = pid_nr(pid);
		e->parent = task_tgid(rcu_dereference(p->real_parent));
		e->pnr = e->parent ? pid_nr(e->parent) : 0;
		n++;
	}
	rcu_read_unlock();
	pt->n = n;

	err = ptree_link(pt);
	if (err)
		ksmctl_ptree_release(pt);
	return err;
}

void ksmctl_ptree_release(struct ksmctl_ptree *pt)
{
	unsigned int i;

	for (i = 0; i < pt->n; i++)
		put_pid(pt->ents[i].pid);
	kvfree(pt->ents);
	pt->ents = NULL;
	pt->n = 0;
}

/**
 * ksmctl_ptree_subtree() - the processes below @root
 * @pt: the snapshot
 * @root: a tgid, with a reference held by the caller
 * @in: a bitmap of @pt->n bits: the entries below @root are set (@root's
 *	own is not), the others left alone
 */
void ksmctl_ptree_subtree(const struct ksmctl_ptree *pt, struct pid *root,
			  unsigned long *in)
{
	unsigned int i;

	for (i = 0; i < pt->n; i++) {
		const struct ksmctl_ptree_ent *e = &pt->ents[i];

		if (e->parent == root || (e->up >= 0 && test_bit(e->up, in)))
			__set_bit(i, in);
	}
}
