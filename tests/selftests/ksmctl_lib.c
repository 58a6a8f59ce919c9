// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "ksmctl_lib.h"
#include "nl.h"

int ksmctl_is_loaded(void)
{
	struct stat st;

	return stat("/sys/module/ksmctl", &st) == 0;
}

int ksmctl_ensure_loaded(void)
{
	const char *ko = getenv("KSMCTL_KO");
	int fd, ret;

	if (ksmctl_is_loaded())
		return 0;
	if (!ko)
		ko = "/ksmctl/ksmctl.ko";
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int ksmctl_ensure_unloaded(void)
{
	if (!ksmctl_is_loaded())
		return 0;
	return syscall(SYS_delete_module, "ksmctl", O_NONBLOCK) ? -errno : 0;
}

int ksmctl_family(int fd)
{
	return nl_family_id(fd, KSMCTL_GENL_NAME, NULL);
}
