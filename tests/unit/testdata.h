/* SPDX-License-Identifier: GPL-2.0 */
/* Inputs the tests build. */
#ifndef TESTDATA_H
#define TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @n bytes of @unit repeated, NUL-terminated, malloc()ed. */
static inline char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	for (i = 0; i < n; ++i)
		s[i] = unit[i % len];
	s[n] = '\0';
	return s;
}

/* @dir/@name holds @text, or the test aborts. */
static inline void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

/*
 * The start of "status -o prometheus" for the status both test_cli and
 * test_ps render: ksmd running, 3072 pages shared by 12288.
 */
#define STATUS_PROM_HEAD \
	"# HELP ksmctl_info Version of the ksmctl kernel module.\n" \
	"# TYPE ksmctl_info gauge\n" \
	"ksmctl_info{module_version=\"0.1.0\"} 1\n" \
	"# HELP ksmctl_run State of ksmd: 0 stopped, 1 running, 2 unmerging (/sys/kernel/mm/ksm/run).\n" \
	"# TYPE ksmctl_run gauge\n" \
	"ksmctl_run 1\n" \
	"# HELP ksmctl_page_size_bytes Bytes per page.\n" \
	"# TYPE ksmctl_page_size_bytes gauge\n" \
	"ksmctl_page_size_bytes 4096\n" \
	"# HELP ksmctl_pages_to_scan Pages ksmd scans per batch.\n" \
	"# TYPE ksmctl_pages_to_scan gauge\n" \
	"ksmctl_pages_to_scan 100\n" \
	"# HELP ksmctl_sleep_seconds Time ksmd sleeps between batches (sleep_millisecs).\n" \
	"# TYPE ksmctl_sleep_seconds gauge\n" \
	"ksmctl_sleep_seconds 0.020\n" \
	"# HELP ksmctl_max_page_sharing Maximum mappings of one KSM page.\n" \
	"# TYPE ksmctl_max_page_sharing gauge\n" \
	"ksmctl_max_page_sharing 256\n" \
	"# HELP ksmctl_pages_shared KSM pages in use.\n" \
	"# TYPE ksmctl_pages_shared gauge\n" \
	"ksmctl_pages_shared 3072\n" \
	"# HELP ksmctl_pages_sharing Mappings of KSM pages beyond the first: pages saved.\n" \
	"# TYPE ksmctl_pages_sharing gauge\n" \
	"ksmctl_pages_sharing 12288\n"

#endif
