// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <string.h>

#include "fake_ipc.h"

struct ipc {
	int unused;
};

static struct ipc fake_socket;

int fake_open_ret;
unsigned int fake_open_flags;
int fake_get_ret;
struct ksmctl_status fake_status;
int fake_open_sockets;

void fake_ipc_reset(void)
{
	fake_open_ret = 0;
	fake_open_flags = ~0U;
	fake_get_ret = 0;
	memset(&fake_status, 0, sizeof(fake_status));
	fake_open_sockets = 0;
}

int ipc_open(struct ipc **ipcp, unsigned int flags)
{
	fake_open_flags = flags;
	*ipcp = NULL;
	if (fake_open_ret)
		return fake_open_ret;
	++fake_open_sockets;
	*ipcp = &fake_socket;
	return 0;
}

void ipc_close(struct ipc *ipc)
{
	if (ipc)
		--fake_open_sockets;
}

int ipc_get_status(struct ipc *ipc, struct ksmctl_status *st)
{
	if (ipc != &fake_socket)
		return -EBADF;
	memset(st, 0, sizeof(*st));
	if (fake_get_ret)
		return fake_get_ret;
	*st = fake_status;
	return 0;
}
