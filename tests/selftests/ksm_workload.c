// SPDX-License-Identifier: GPL-2.0
/* Processes with known duplicate content, and driving ksmd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ksmctl_lib.h"
#include "nl.h"

/* a page whose content is a function of seed only, different for each */
static void fill(char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(i * 7 + 1);
	memcpy(p, &seed, sizeof(seed));
}

pid_t wl_start(int self_madvise, int uid)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		long psz = sysconf(_SC_PAGESIZE);
		char *mem;
		int i;

		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (uid >= 0 && (setgid(uid) || setuid(uid)))
			_exit(1);
		/* changing ids made us non-dumpable: be an ordinary process */
		prctl(PR_SET_DUMPABLE, 1);
		mem = mmap(NULL, WL_PAGES * psz, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			_exit(1);
		for (i = 0; i < WL_PAGES; i++) {
			unsigned int seed;

			if (i < WL_SAME_PAGES)
				seed = 0xAA;
			else if (i < WL_SAME_PAGES + WL_PAIR_PAGES)
				seed = 0x100 + i;
			else
				seed = 0x10000 + getpid() * 64 + i;
			fill(mem + i * psz, psz, seed);
		}
		if (self_madvise && madvise(mem, WL_PAGES * psz, MADV_MERGEABLE))
			_exit(1);
		if (write(pfd[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		return -ECHILD;
	}
	close(pfd[0]);
	return pid;
}

void wl_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * pages_volatile moves while ksmd meets pages for the first time (it makes
 * an rmap item for each), in a first scan that merges nothing and leaves
 * the others alone: seconds on a slow (debug, emulated) kernel.
 */
static int ksm_counters(uint64_t c[5])
{
	static const char *const f[5] = { "pages_shared", "pages_sharing",
					  "pages_unshared", "full_scans",
					  "pages_volatile" };
	char path[96];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), KSM_SYSFS "%s", f[i]);
		if (read_u64_file(path, &c[i]))
			return -EIO;
	}
	return 0;
}

int ksm_settle(int timeout_s)
{
	uint64_t last[5] = { 0 }, now[5] = { 0 }, prev[5];
	time_t end = time(NULL) + timeout_s, idle_since;
	int stable = 0;

	write_str_file(KSM_SYSFS "sleep_millisecs", "0");
	write_str_file(KSM_SYSFS "pages_to_scan", "10000");
	write_str_file(KSM_SYSFS "run", "1");
	ksm_counters(last);
	memcpy(prev, last, sizeof(prev));
	idle_since = time(NULL);
	while (time(NULL) < end) {
		usleep(10000);
		if (ksm_counters(now))
			break;
		if (memcmp(now, prev, sizeof(now)))
			idle_since = time(NULL);
		memcpy(prev, now, sizeof(prev));
		if (now[3] == last[3]) {
			/*
			 * ksmd drops every mm left without mergeable VMAs and
			 * then sleeps: no more full scans. Nothing merged and
			 * nothing moving for 3 s is settled too.
			 */
			if (!now[0] && !now[1] && !now[2] &&
			    time(NULL) - idle_since >= 3) {
				write_str_file(KSM_SYSFS "run", "0");
				return 0;
			}
			continue;	/* wait for a full scan */
		}
		idle_since = time(NULL);
		if (!memcmp(now, last, 3 * sizeof(now[0])))
			stable++;
		else
			stable = 0;
		memcpy(last, now, sizeof(last));
		if (stable >= 2) {
			write_str_file(KSM_SYSFS "run", "0");
			return 0;
		}
	}
	write_str_file(KSM_SYSFS "run", "0");
	fprintf(stderr, "# ksmd did not settle in %d s: shared %llu sharing %llu "
		"unshared %llu full_scans %llu, before: %llu %llu %llu\n",
		timeout_s, (unsigned long long)now[0], (unsigned long long)now[1],
		(unsigned long long)now[2], (unsigned long long)now[3],
		(unsigned long long)last[0], (unsigned long long)last[1],
		(unsigned long long)last[2]);
	return -ETIMEDOUT;
}

void ksm_reset(void)
{
	write_str_file(KSM_SYSFS "run", "2");
	write_str_file(KSM_SYSFS "run", "0");
	write_str_file(KSM_SYSFS "sleep_millisecs", "20");
	write_str_file(KSM_SYSFS "pages_to_scan", "100");
}

int proc_pid_field(pid_t pid, const char *file, const char *name, int64_t *v)
{
	char path[64], line[256];
	size_t n = strlen(name);
	FILE *f;
	int ret = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		if (name[0]) {
			if (strncmp(line, name, n) || line[n] != ' ')
				continue;
			p = line + n + 1;
		}
		*v = strtoll(p, NULL, 10);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}
