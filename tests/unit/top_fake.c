// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl with the fake ipc and three made-up processes, for running "ksmctl
 * top" on a real terminal (top-tmux): at each refresh the first process
 * and the global saving grow by 1 MiB. With FAKE_TOP_FAIL_AT=N the Nth
 * refresh fails, as when the module goes away.
 *
 *   top_fake top [OPTIONS]
 */

#include <errno.h>
#include <stdlib.h>

#include "fake_ipc.h"

int ksmctl_main(int argc, char *argv[]);

static unsigned int refreshes, fail_at;

static void tick(void)
{
	/* 256 pages of 4 KiB: 1 MiB more saved at each refresh */
	if (++refreshes > 1) {
		fake_procs[0].merging_pages += 256;
		fake_status.pages_sharing += 256;
	}
	if (fail_at && refreshes >= fail_at)
		fake_procs_ret = -EIO;
}

static void add(uint32_t pid, const char *comm, uint32_t uid, const char *cgroup,
		uint64_t merging)
{
	struct ksmctl_proc *p = &fake_procs[fake_nprocs++];

	*p = (struct ksmctl_proc){ .pid = pid, .ppid = 1, .uid = uid, .cgroup_path = (char *)cgroup,
				   .merging_pages = merging, .mergeable_bytes = 64 << 20,
				   .eligible_bytes = 128 << 20 };
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
}

int main(int argc, char *argv[])
{
	const char *fail = getenv("FAKE_TOP_FAIL_AT");

	fake_ipc_reset();
	fail_at = fail ? (unsigned int)atoi(fail) : 0;
	fake_status = (struct ksmctl_status){ .module_version = "0.1.0", .page_size = 4096,
					      .run = 1, .pages_to_scan = 100, .sleep_millisecs = 20,
					      .pages_shared = 1000, .pages_sharing = 20000 };
	add(977, "qemu-system-x86", 0, "/machine.slice/vm1.scope", 16384);
	add(4242, "httpd", 0, "/system.slice/httpd.service", 2048);
	add(4243, "httpd", 0, "/system.slice/httpd.service", 1024);
	fake_get_procs_hook = tick;
	setenv("KSMCTL_PROC", "/nonexistent", 1);
	return ksmctl_main(argc, argv);
}
