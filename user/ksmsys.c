// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mm/ksm/ without the module (ksmsys.h).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ksmsys.h"
#include "options.h"

static const struct {
	const char *file;
	enum ksmctl_status_attr attr;
	bool required;
} files[] = {
	{ "run",		KSMCTL_A_STATUS_RUN,			true },
	{ "pages_shared",	KSMCTL_A_STATUS_PAGES_SHARED,		true },
	{ "pages_sharing",	KSMCTL_A_STATUS_PAGES_SHARING,		true },
	{ "pages_unshared",	KSMCTL_A_STATUS_PAGES_UNSHARED,		true },
	{ "pages_volatile",	KSMCTL_A_STATUS_PAGES_VOLATILE,		true },
	{ "full_scans",		KSMCTL_A_STATUS_FULL_SCANS,		true },
	{ "pages_to_scan",	KSMCTL_A_STATUS_PAGES_TO_SCAN,		true },
	{ "sleep_millisecs",	KSMCTL_A_STATUS_SLEEP_MSECS,		true },
	{ "max_page_sharing",	KSMCTL_A_STATUS_MAX_PAGE_SHARING,	false },
	{ "stable_node_chains",	KSMCTL_A_STATUS_STABLE_NODE_CHAINS,	false },
	{ "general_profit",	KSMCTL_A_STATUS_GENERAL_PROFIT,		false },
	{ "ksm_zero_pages",	KSMCTL_A_STATUS_ZERO_PAGES,		false },
};

/* One number from @dir/@name: 0 or -errno. */
int ksm_sysfs_line(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f))
		ret = -EINVAL;
	fclose(f);
	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

static int read_number(const char *dir, const char *name, int64_t *v)
{
	char line[64], *end;
	int ret = ksm_sysfs_line(dir, name, line, sizeof(line));

	if (ret)
		return ret;
	errno = 0;
	*v = strtoll(line, &end, 10);
	return !errno && end != line && !*end ? 0 : -EINVAL;
}

static void set_field(struct ksmctl_status *st, enum ksmctl_status_attr attr, int64_t v)
{
	uint64_t u = (uint64_t)v;

	switch (attr) {
	case KSMCTL_A_STATUS_RUN:		st->run = (uint32_t)v; break;
	case KSMCTL_A_STATUS_PAGES_SHARED:	st->pages_shared = u; break;
	case KSMCTL_A_STATUS_PAGES_SHARING:	st->pages_sharing = u; break;
	case KSMCTL_A_STATUS_PAGES_UNSHARED:	st->pages_unshared = u; break;
	case KSMCTL_A_STATUS_PAGES_VOLATILE:	st->pages_volatile = u; break;
	case KSMCTL_A_STATUS_FULL_SCANS:	st->full_scans = u; break;
	case KSMCTL_A_STATUS_PAGES_TO_SCAN:	st->pages_to_scan = u; break;
	case KSMCTL_A_STATUS_SLEEP_MSECS:	st->sleep_millisecs = u; break;
	case KSMCTL_A_STATUS_MAX_PAGE_SHARING:	st->max_page_sharing = u; break;
	case KSMCTL_A_STATUS_STABLE_NODE_CHAINS: st->stable_node_chains = u; break;
	case KSMCTL_A_STATUS_GENERAL_PROFIT:	st->general_profit = v; break;
	case KSMCTL_A_STATUS_ZERO_PAGES:	st->zero_pages = u; break;
	default:				return;
	}
	status_set_present(st, attr);
}

int ksm_sysfs_read(const char *dir, struct ksmctl_status *st)
{
	size_t i;
	int64_t v;
	int ret;

	memset(st, 0, sizeof(*st));
	st->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	status_set_present(st, KSMCTL_A_STATUS_PAGE_SIZE);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); ++i) {
		ret = read_number(dir, files[i].file, &v);
		if (ret && files[i].required)
			return ret;
		if (!ret)
			set_field(st, files[i].attr, v);
	}
	return 0;
}

const char *module_hint(char *buf, size_t size)
{
	struct utsname u;
	char path[512], line[1024];
	bool installed = false;
	FILE *f;

	if (uname(&u)) {
		snprintf(buf, size, "modprobe ksmctl");
		return buf;
	}
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(path, "re");
	while (f && !installed && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (colon) {
			*colon = '\0';
			installed = strstr(line, "/ksmctl.ko") != NULL;
		}
	}
	if (f)
		fclose(f);
	if (installed)
		snprintf(buf, size, "modprobe ksmctl");
	else
		snprintf(buf, size, "it is not installed for Linux %s: dkms install ksmctl/%s -k %s",
			 u.release, KSMCTL_VERSION, u.release);
	return buf;
}

/* $@name if set and not empty, else @dflt */
static const char *env_dir(const char *name, const char *dflt)
{
	const char *dir = getenv(name);

	return dir && *dir ? dir : dflt;
}

const char *ksm_sysfs_dir(void)
{
	return env_dir("KSMCTL_KSM_SYSFS", KSM_SYSFS_DIR);
}

const char *proc_dir(void)
{
	return env_dir("KSMCTL_PROC", "/proc");
}

void warn_if_ksmd_stopped(void)
{
	int64_t run;

	if (!read_number(ksm_sysfs_dir(), "run", &run) && run == 0)
		fputs(PROG_NAME ": Warning: ksmd is stopped: nothing is merged until "
		      "'ksmctl ksmd start'\n", stderr);
}

int ksmd_cpu_ms(const char *proc, uint64_t *ms)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct dirent *e;
	DIR *d = opendir(proc);
	int ret = -ENOENT;

	if (!d)
		return -errno;
	while (ret && (e = readdir(d))) {
		char path[300], line[512], *p;
		unsigned long long utime, stime;
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s/stat", proc, e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
		fclose(f);
		/* "pid (ksmd) S ppid ...": utime and stime are fields 14 and 15 */
		if (!p || strncmp(strchr(line, '(') ?: "", "(ksmd)", 6) ||
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			   &utime, &stime) != 2)
			continue;
		*ms = (utime + stime) * 1000 / (unsigned long long)(hz > 0 ? hz : 100);
		ret = 0;
	}
	closedir(d);
	return ret;
}
