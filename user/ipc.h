/* SPDX-License-Identifier: GPL-2.0 */
/*
 * All communication with the ksmctl kernel module. Functions that fail print
 * the reason on stderr themselves, as
 *   ksmctl: Unable to <action>: <kernel's extack message>: <strerror>
 * and return a negative errno.
 */
#ifndef IPC_H
#define IPC_H

struct ipc;
struct ksmctl_status;

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

#endif
