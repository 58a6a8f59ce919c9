// SPDX-License-Identifier: GPL-2.0
/*
 * dump [-p]: the GET_PROC dump of every process and nothing else: resolve
 * the family, send the request, read the messages and count them (with -p,
 * KSMCTL_PROC_F_PROPORTIONAL). What ksmctl ps costs minus the tool's own
 * work (libnl parsing, user names, sorting, formatting).
 *
 * Prints "processes <n>".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../include/uapi/linux/ksmctl.h"
#include "ksmctl_lib.h"
#include "nl.h"

static int count(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	++*(unsigned long *)arg;
	return 0;
}

int main(int argc, char *argv[])
{
	uint32_t flags = 0;
	unsigned long n = 0;
	static struct nl_ans ans;
	struct nl_req req;
	int fd, family, err;

	if (argc == 2 && !strcmp(argv[1], "-p"))
		flags = KSMCTL_PROC_F_PROPORTIONAL;
	else if (argc != 1) {
		fprintf(stderr, "Usage: dump [-p]\n");
		return 2;
	}
	fd = nl_open();
	if (fd < 0) {
		fprintf(stderr, "dump: netlink socket: %s\n", strerror(-fd));
		return 1;
	}
	family = ksmctl_family(fd);
	if (family < 0) {
		fprintf(stderr, "dump: family %s: %s\n", KSMCTL_GENL_NAME, strerror(-family));
		return 1;
	}
	nl_req_init(&req, family, KSMCTL_CMD_GET_PROC, KSMCTL_GENL_VERSION, 0);
	if (flags)
		nl_put_u32(&req, KSMCTL_A_FLAGS, flags);
	err = nl_dump(fd, &req, &ans, count, &n);
	if (err) {
		fprintf(stderr, "dump: GET_PROC: %s %s\n", strerror(-err), ans.extack_msg);
		return 1;
	}
	close(fd);
	printf("processes %lu\n", n);
	return 0;
}
