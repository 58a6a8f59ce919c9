/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for user/ipc.c, so that the subcommands can run without the
 * kernel module: ipc_open() and ipc_get_status() return what the test set.
 */
#ifndef FAKE_IPC_H
#define FAKE_IPC_H

#include "ipc.h"
#include "status.h"

extern int fake_open_ret;		/* returned by ipc_open() */
extern unsigned int fake_open_flags;	/* flags of the last ipc_open() */
extern int fake_get_ret;		/* returned by ipc_get_status() */
extern struct ksmctl_status fake_status;	/* copied out when it returns 0 */
extern int fake_open_sockets;		/* opened and not closed */

void fake_ipc_reset(void);

#endif
