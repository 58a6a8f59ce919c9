// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksmsys.h"
#include "status.h"
#include "tap.h"
#include "testdata.h"

static struct ksmctl_status sample(bool optional)
{
	struct ksmctl_status st = {
		.module_version = "0.1.0",
		.page_size = 4096,
		.run = 1,
		.pages_shared = 3072,
		.pages_sharing = 12288,
		.pages_unshared = 500,
		.pages_volatile = 1,
		.full_scans = 7,
		.pages_to_scan = 100,
		.sleep_millisecs = 20,
		.max_page_sharing = 256,
	};
	int a;

	for (a = KSMCTL_A_STATUS_PAGE_SIZE; a <= KSMCTL_A_STATUS_MAX_PAGE_SHARING; ++a)
		status_set_present(&st, a);
	if (optional) {
		st.general_profit = 40 * 1024 * 1024;
		st.zero_pages = 256;
		st.stable_node_chains = 3;
		status_set_present(&st, KSMCTL_A_STATUS_GENERAL_PROFIT);
		status_set_present(&st, KSMCTL_A_STATUS_ZERO_PAGES);
		status_set_present(&st, KSMCTL_A_STATUS_STABLE_NODE_CHAINS);
	}
	return st;
}

/* Render @st with @print into a string; the caller frees it. */
static char *render(void (*print)(FILE *, const struct ksmctl_status *),
		    const struct ksmctl_status *st)
{
	char *data = NULL;
	size_t len;
	FILE *f = open_memstream(&data, &len);

	if (!f)
		abort();
	print(f, st);
	fclose(f);
	return data;
}

static void check(void (*print)(FILE *, const struct ksmctl_status *),
		  const struct ksmctl_status *st, const char *want, const char *what)
{
	char *got = render(print, st);

	is_str(got, want, "%s", what);
	free(got);
}

/* The first line of the text rendering, without its newline. */
static void check_first_line(const struct ksmctl_status *st, const char *want, const char *what)
{
	char *got = render(status_print_text, st);

	got[strcspn(got, "\n")] = '\0';
	is_str(got, want, "%s", what);
	free(got);
}

static void test_text(void)
{
	struct ksmctl_status st = sample(true);

	check(status_print_text, &st,
	      "ksmd:             running (pages_to_scan 100, sleep 20 ms)\n"
	      "shared:           12.0 MiB (3072 pages)\n"
	      "sharing:          48.0 MiB (12288 pages)\n"
	      "saved:            48.0 MiB\n"
	      "profit:           40.0 MiB\n"
	      "unshared:         1.95 MiB (500 pages)\n"
	      "volatile:         4.00 KiB (1 page)\n"
	      "zero pages:       1.00 MiB (256 pages)\n"
	      "stable chains:    3\n"
	      "full scans:       7\n"
	      "module:           ksmctl 0.1.0\n",
	      "text with the optional counters");

	st = sample(false);
	check(status_print_text, &st,
	      "ksmd:             running (pages_to_scan 100, sleep 20 ms)\n"
	      "shared:           12.0 MiB (3072 pages)\n"
	      "sharing:          48.0 MiB (12288 pages)\n"
	      "saved:            48.0 MiB\n"
	      "unshared:         1.95 MiB (500 pages)\n"
	      "volatile:         4.00 KiB (1 page)\n"
	      "full scans:       7\n"
	      "module:           ksmctl 0.1.0\n",
	      "text without the optional counters");

	st = sample(true);
	st.general_profit = -4096;
	st.page_size = 65536;
	st.pages_shared = 0;
	st.pages_sharing = 0;
	st.pages_unshared = 0;
	st.pages_volatile = 0;
	st.zero_pages = 0;
	st.stable_node_chains = 0;
	st.full_scans = 0;
	check(status_print_text, &st,
	      "ksmd:             running (pages_to_scan 100, sleep 20 ms)\n"
	      "shared:           0 B (0 pages)\n"
	      "sharing:          0 B (0 pages)\n"
	      "saved:            0 B\n"
	      "profit:           -4.00 KiB\n"
	      "unshared:         0 B (0 pages)\n"
	      "volatile:         0 B (0 pages)\n"
	      "zero pages:       0 B (0 pages)\n"
	      "stable chains:    0\n"
	      "full scans:       0\n"
	      "module:           ksmctl 0.1.0\n",
	      "text with zero counters and a negative profit");

	st = sample(false);
	st.pages_sharing = UINT64_MAX / 2;
	st.pages_volatile = 16;
	st.page_size = 65536;
	check(status_print_text, &st,
	      "ksmd:             running (pages_to_scan 100, sleep 20 ms)\n"
	      "shared:           192 MiB (3072 pages)\n"
	      "sharing:          16.0 EiB (9223372036854775807 pages)\n"
	      "saved:            16.0 EiB\n"
	      "unshared:         31.3 MiB (500 pages)\n"
	      "volatile:         1.00 MiB (16 pages)\n"
	      "full scans:       7\n"
	      "module:           ksmctl 0.1.0\n",
	      "text with 64 KiB pages and a byte count that saturates");

	st = sample(false);
	st.run = 0;
	check_first_line(&st, "ksmd:             stopped (pages_to_scan 100, sleep 20 ms)",
			 "run 0 is stopped");
	st.run = 2;
	check_first_line(&st, "ksmd:             unmerging (pages_to_scan 100, sleep 20 ms)",
			 "run 2 is unmerging");
	st.run = 4;
	st.pages_to_scan = 5000;
	st.sleep_millisecs = 0;
	check_first_line(&st, "ksmd:             unknown state 4 (pages_to_scan 5000, sleep 0 ms)",
			 "another run value is shown as a number");
}

static void test_json(void)
{
	struct ksmctl_status st = sample(true);

	check(status_print_json, &st,
	      "{\n"
	      "  \"module_version\": \"0.1.0\",\n"
	      "  \"page_size\": 4096,\n"
	      "  \"run\": 1,\n"
	      "  \"run_state\": \"running\",\n"
	      "  \"pages_to_scan\": 100,\n"
	      "  \"sleep_millisecs\": 20,\n"
	      "  \"max_page_sharing\": 256,\n"
	      "  \"pages_shared\": 3072,\n"
	      "  \"pages_sharing\": 12288,\n"
	      "  \"pages_unshared\": 500,\n"
	      "  \"pages_volatile\": 1,\n"
	      "  \"ksm_zero_pages\": 256,\n"
	      "  \"stable_node_chains\": 3,\n"
	      "  \"full_scans\": 7,\n"
	      "  \"saved_bytes\": 50331648,\n"
	      "  \"general_profit_bytes\": 41943040\n"
	      "}\n",
	      "JSON with the optional counters");

	st = sample(false);
	check(status_print_json, &st,
	      "{\n"
	      "  \"module_version\": \"0.1.0\",\n"
	      "  \"page_size\": 4096,\n"
	      "  \"run\": 1,\n"
	      "  \"run_state\": \"running\",\n"
	      "  \"pages_to_scan\": 100,\n"
	      "  \"sleep_millisecs\": 20,\n"
	      "  \"max_page_sharing\": 256,\n"
	      "  \"pages_shared\": 3072,\n"
	      "  \"pages_sharing\": 12288,\n"
	      "  \"pages_unshared\": 500,\n"
	      "  \"pages_volatile\": 1,\n"
	      "  \"full_scans\": 7,\n"
	      "  \"saved_bytes\": 50331648\n"
	      "}\n",
	      "JSON without the optional counters");

	st = sample(false);
	st.present &= ~(UINT64_C(1) << KSMCTL_A_STATUS_MAX_PAGE_SHARING);
	check(status_print_json, &st,
	      "{\n"
	      "  \"module_version\": \"0.1.0\",\n"
	      "  \"page_size\": 4096,\n"
	      "  \"run\": 1,\n"
	      "  \"run_state\": \"running\",\n"
	      "  \"pages_to_scan\": 100,\n"
	      "  \"sleep_millisecs\": 20,\n"
	      "  \"pages_shared\": 3072,\n"
	      "  \"pages_sharing\": 12288,\n"
	      "  \"pages_unshared\": 500,\n"
	      "  \"pages_volatile\": 1,\n"
	      "  \"full_scans\": 7,\n"
	      "  \"saved_bytes\": 50331648\n"
	      "}\n",
	      "JSON without max_page_sharing");

	st = sample(true);
	st.run = 9;
	st.general_profit = INT64_MIN;
	st.present &= ~(UINT64_C(1) << KSMCTL_A_STATUS_ZERO_PAGES);
	st.present &= ~(UINT64_C(1) << KSMCTL_A_STATUS_STABLE_NODE_CHAINS);
	snprintf(st.module_version, sizeof(st.module_version), "0.1.0 \"dev\"");
	check(status_print_json, &st,
	      "{\n"
	      "  \"module_version\": \"0.1.0 \\\"dev\\\"\",\n"
	      "  \"page_size\": 4096,\n"
	      "  \"run\": 9,\n"
	      "  \"run_state\": \"unknown\",\n"
	      "  \"pages_to_scan\": 100,\n"
	      "  \"sleep_millisecs\": 20,\n"
	      "  \"max_page_sharing\": 256,\n"
	      "  \"pages_shared\": 3072,\n"
	      "  \"pages_sharing\": 12288,\n"
	      "  \"pages_unshared\": 500,\n"
	      "  \"pages_volatile\": 1,\n"
	      "  \"full_scans\": 7,\n"
	      "  \"saved_bytes\": 50331648,\n"
	      "  \"general_profit_bytes\": -9223372036854775808\n"
	      "}\n",
	      "JSON with only some optional counters, an unknown run value and an escaped version");
}

/* /sys/kernel/mm/ksm read without the module, from a directory made here */
static void test_sysfs(void)
{
	char dir[] = "/tmp/ksmctl-sysfs-XXXXXX", path[512];
	struct ksmctl_status st;
	int ret;

	if (!mkdtemp(dir))
		abort();
	put_file(dir, "run", "1\n");
	put_file(dir, "pages_shared", "3072\n");
	put_file(dir, "pages_sharing", "12288\n");
	put_file(dir, "pages_unshared", "5\n");
	put_file(dir, "pages_volatile", "6\n");
	put_file(dir, "full_scans", "7\n");
	put_file(dir, "pages_to_scan", "1234\n");
	put_file(dir, "sleep_millisecs", "20\n");
	put_file(dir, "general_profit", "-4096\n");
	ret = ksm_sysfs_read(dir, &st);
	ok(ret == 0 && st.run == 1 && st.pages_shared == 3072 && st.pages_sharing == 12288 &&
	   st.pages_unshared == 5 && st.pages_volatile == 6 && st.full_scans == 7 &&
	   st.pages_to_scan == 1234 && st.sleep_millisecs == 20 && st.general_profit == -4096 &&
	   st.page_size == (uint32_t)sysconf(_SC_PAGESIZE) && !st.module_version[0],
	   "sysfs: every file into its field, profit signed, no module version");
	ok(status_has(&st, KSMCTL_A_STATUS_GENERAL_PROFIT) &&
	   !status_has(&st, KSMCTL_A_STATUS_ZERO_PAGES) &&
	   !status_has(&st, KSMCTL_A_STATUS_MAX_PAGE_SHARING),
	   "sysfs: the files a kernel lacks are not present");
	put_file(dir, "pages_to_scan", "lots\n");
	is_int(ksm_sysfs_read(dir, &st), -EINVAL, "sysfs: a file that is not a number is an error");
	snprintf(path, sizeof(path), "%s/pages_to_scan", dir);
	unlink(path);
	is_int(ksm_sysfs_read(dir, &st), -ENOENT, "sysfs: a file every kernel has, missing, is an error");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		abort();
}

/* ksmd's CPU time, from a made-up /proc: fields 14 and 15, in clock ticks */
static void test_ksmd_cpu(void)
{
	char dir[] = "/tmp/ksmctl-proc-XXXXXX", path[512], line[256];
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t ms = 0;

	if (!mkdtemp(dir))
		abort();
	is_int(ksmd_cpu_ms(dir, &ms), -ENOENT, "ksmd cpu: no ksmd, -ENOENT");
	snprintf(path, sizeof(path), "%s/1", dir);
	if (mkdir(path, 0755))
		abort();
	put_file(path, "stat", "1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 500 500 0 0 20 0 1 0 5\n");
	snprintf(path, sizeof(path), "%s/37", dir);
	if (mkdir(path, 0755))
		abort();
	/* utime 3 s, stime 1.5 s, whatever the clock tick */
	snprintf(line, sizeof(line), "37 (ksmd) S 2 0 0 0 -1 2129984 0 0 0 0 %ld %ld 0 0 25 5 1 0 60\n",
		 3 * hz, 3 * hz / 2);
	put_file(path, "stat", line);
	is_int(ksmd_cpu_ms(dir, &ms), 0, "ksmd cpu: found among the processes");
	ok(ms == 4500, "ksmd cpu: utime + stime, in ms (%llu)", (unsigned long long)ms);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		abort();
}

int main(void)
{
	tap_begin("status");
	test_text();
	test_json();
	test_sysfs();
	test_ksmd_cpu();
	return tap_done();
}
