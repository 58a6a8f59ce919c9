/* SPDX-License-Identifier: GPL-2.0 */
/*
 * All communication with the ksmctl kernel module. Functions that fail print
 * the reason on stderr themselves (except ipc_mark(), which leaves it to its
 * caller), as
 *   ksmctl: Unable to <action>: <kernel's extack message>: <strerror>
 * or, for requests about one process, where the kernel's message says it all,
 *   ksmctl: Unable to get pid 42: no such process
 * and return a negative errno.
 */
#ifndef IPC_H
#define IPC_H

#include <stdint.h>

struct ipc;
struct ksmctl_status;
struct ksmctl_proc;
struct proc_list;
struct vma_list;
struct ksmctl_mark_req;
struct ksmctl_mark_result;

/* ipc_open() flags */
#define IPC_QUIET_NOT_LOADED	(1U << 0)	/* no message when the module is absent */

/*
 * Open a generic netlink socket and resolve the ksmctl family. Returns 0,
 * -ENOENT when the module is not loaded (after printing
 * "ksmctl: ksmctl kernel module is not loaded (try: modprobe ksmctl)" unless
 * IPC_QUIET_NOT_LOADED), or another negative errno.
 */
int ipc_open(struct ipc **ipcp, unsigned int flags);
void ipc_close(struct ipc *ipc);

/* KSMCTL_CMD_GET_STATUS: fill @st, including its presence bits. */
int ipc_get_status(struct ipc *ipc, struct ksmctl_status *st);

/*
 * KSMCTL_CMD_GET_PROC for one process (doit), with KSMCTL_PROC_F_* @flags:
 * fill @p, including its presence bits; free it with proc_release(). Errors
 * name the pid: "ksmctl: Unable to get pid 42: no such process".
 */
int ipc_get_proc(struct ipc *ipc, uint32_t pid, uint32_t flags, struct ksmctl_proc *p);

/*
 * KSMCTL_CMD_GET_PROC dump: every process the caller may see (with
 * KSMCTL_PROC_F_MERGING_ONLY, those with merging or zero pages), appended
 * to @list, which is emptied on error. A dump that fails part-way reports
 * the kernel's error and extack from its NLMSG_DONE.
 */
int ipc_get_procs(struct ipc *ipc, uint32_t flags, struct proc_list *list);

/* KSMCTL_CMD_GET_VMAS dump: the VMAs of @pid in address order, into @list. */
int ipc_get_vmas(struct ipc *ipc, uint32_t pid, struct vma_list *list);

/*
 * KSMCTL_CMD_MARK or KSMCTL_CMD_UNMARK for rq->pid. Prints nothing: on
 * failure res->err is the negative errno (also returned) and res->error the
 * explanation, e.g. "no such process", for the caller to print as
 * "Unable to mark pid 42: <error>".
 */
int ipc_mark(struct ipc *ipc, const struct ksmctl_mark_req *rq, struct ksmctl_mark_result *res);

/*
 * Sticky rules. ipc_rule_add() stores the new rule's id in *id (may be
 * NULL); @file (may be NULL) is the configuration file the rule was read
 * from, named with the rule's line in an error.
 */
struct ksmctl_rule;
struct rule_list;
int ipc_rule_add(struct ipc *ipc, const struct ksmctl_rule *r, uint32_t *id,
		 const char *file);
int ipc_rule_del(struct ipc *ipc, uint32_t id);
/* KSMCTL_CMD_RULE_GET dump, appended to @l (emptied on error). */
int ipc_rule_list(struct ipc *ipc, struct rule_list *l);

/* One KSMCTL_CMD_RULE_EVENT of the "monitor" multicast group. */
struct ksmctl_event {
	uint32_t rule_id, action, pid, vmas;
	char comm[16];
	uint64_t bytes;
};
/* Return 0 to go on, non-zero to stop ipc_monitor() (which returns it if < 0). */
typedef int (*ipc_event_fn)(const struct ksmctl_event *ev, void *arg);
/* Join the monitor group and call @fn for every event, until it says stop. */
int ipc_monitor(struct ipc *ipc, ipc_event_fn fn, void *arg);

#endif
