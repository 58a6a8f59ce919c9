// SPDX-License-Identifier: GPL-2.0
/* run_as UID CMD [ARGS...]: run CMD as uid and gid UID, with no capabilities */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "Usage: run_as UID CMD [ARGS...]\n");
		return 2;
	}
	uid = atoi(argv[1]);
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid)) {
		perror("run_as");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("run_as: exec");
	return 127;
}
