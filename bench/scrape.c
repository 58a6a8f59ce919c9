// SPDX-License-Identifier: GPL-2.0
/*
 * scrape: per-process KSM figures the way an exporter gets them without
 * ksmctl: readdir(/proc), and for every pid open, read and close
 * /proc/PID/ksm_stat and /proc/PID/ksm_merging_pages, parsing the numbers.
 * Processes that vanish meanwhile, kernel threads and files the kernel
 * lacks are simply skipped, as an exporter would.
 *
 * Prints "processes <n> merging_pages <sum> ksm_stat_values <sum>".
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the file's numbers, "name value" lines or a bare value, added to *sum */
static int read_numbers(const char *path, uint64_t *sum)
{
	char buf[4096], *p, *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; *p; p = end) {
		p += strcspn(p, "-0123456789\n");
		if (!*p)
			break;
		if (*p == '\n') {
			end = p + 1;
			continue;
		}
		*sum += (uint64_t)strtoll(p, &end, 10);
		end += strcspn(end, "\n");
	}
	return 0;
}

int main(void)
{
	uint64_t merging = 0, stat = 0, procs = 0;
	char path[300];
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d) {
		perror("scrape: /proc");
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ksm_stat", de->d_name);
		if (read_numbers(path, &stat) == 0)
			procs++;
		snprintf(path, sizeof(path), "/proc/%s/ksm_merging_pages", de->d_name);
		read_numbers(path, &merging);
	}
	closedir(d);
	printf("processes %llu merging_pages %llu ksm_stat_values %llu\n",
	       (unsigned long long)procs, (unsigned long long)merging,
	       (unsigned long long)stat);
	return 0;
}
