/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_PTREE_H
#define _KSMCTL_PTREE_H

#include <linux/types.h>

struct pid;

/**
 * struct ksmctl_ptree_ent - one process of a snapshot
 * @pid: its tgid (a reference): the process, whatever its number becomes
 * @parent: its real parent's tgid then; compared, never dereferenced (no
 *	reference)
 * @nr: the number of @pid in the initial pid namespace
 * @pnr: the number of @parent there
 * @up: the index of @parent's entry, or -1 (not found before this one)
 */
struct ksmctl_ptree_ent {
	struct pid *pid;
	struct pid *parent;
	pid_t nr, pnr;
	int up;
};

/**
 * struct ksmctl_ptree - the user processes, in the kernel's list order
 * @n: entries
 * @ents: @n entries
 * @partial: processes were born faster than the snapshot took them: the
 *	newest are missing
 */
struct ksmctl_ptree {
	unsigned int n;
	struct ksmctl_ptree_ent *ents;
	bool partial;
};

int ksmctl_ptree_take(struct ksmctl_ptree *pt);
void ksmctl_ptree_release(struct ksmctl_ptree *pt);
void ksmctl_ptree_subtree(const struct ksmctl_ptree *pt, struct pid *root,
			  unsigned long *in);

#endif /* _KSMCTL_PTREE_H */
