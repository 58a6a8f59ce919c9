// SPDX-License-Identifier: GPL-2.0
/*
 * ksmd's settings (user/ksmd.c) in a directory made here, as
 * /sys/kernel/mm/ksm/ has them: read, KNOB=VALUE checked, written back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksmd.h"
#include "tap.h"
#include "testdata.h"

static char dir[] = "/tmp/ksmctl-ksmd-XXXXXX";

static size_t knob(const char *name)
{
	size_t i;

	for (i = 0; i < ksmd_nknobs; i++)
		if (!strcmp(ksmd_knobs[i].name, name))
			return i;
	abort();
}

static void parse_ok(const char *arg, const char *name, uint64_t num, const char *mode)
{
	struct knob_value v;
	char err[160] = "";
	size_t k;
	int ret = ksmd_parse(arg, &k, &v, err, sizeof(err));

	ok(!ret && k == knob(name) && (mode ? !strcmp(v.mode, mode) : v.num == num),
	   "`%s' is %s", arg, name);
	if (ret)
		tap_diag_string("error", err);
}

static void parse_bad(const char *arg, const char *want)
{
	struct knob_value v;
	char err[160] = "";
	size_t k;

	ok(ksmd_parse(arg, &k, &v, err, sizeof(err)) == -1, "`%s' refused", arg);
	is_str(err, want, "`%s': the message", arg);
}

int main(void)
{
	struct knob_value v[32], w;
	char err[160], path[600];
	size_t k;

	tap_begin("ksmd");
	if (!mkdtemp(dir))
		abort();
	put_file(dir, "run", "1\n");
	put_file(dir, "pages_to_scan", "100\n");
	put_file(dir, "sleep_millisecs", "20\n");
	put_file(dir, "advisor_mode", "[none] scan-time\n");
	ksmd_read(dir, v);
	ok(v[knob("run")].present && v[knob("run")].num == 1 &&
	   v[knob("pages_to_scan")].num == 100 && v[knob("sleep_millisecs")].num == 20,
	   "read: the numbers");
	is_str(v[knob("advisor_mode")].mode, "none", "read: the chosen mode, of the bracketed one");
	ok(!v[knob("smart_scan")].present && !v[knob("max_page_sharing")].present,
	   "read: the knobs this kernel lacks are not present");

	parse_ok("run=start", "run", 1, NULL);
	parse_ok("run=unmerge", "run", 2, NULL);
	parse_ok("run=0", "run", 0, NULL);
	parse_ok("pages_to_scan=1250", "pages_to_scan", 1250, NULL);
	parse_ok("sleep_millisecs=0", "sleep_millisecs", 0, NULL);
	parse_ok("advisor_mode=scan-time", "advisor_mode", 0, "scan-time");
	parse_bad("pages_to_scan=0", "Invalid value `0' for pages_to_scan (expected 1 to 4294967295)");
	parse_bad("pages_to_scan=12x", "Invalid value `12x' for pages_to_scan (expected 1 to 4294967295)");
	parse_bad("use_zero_pages=2", "Invalid value `2' for use_zero_pages (expected 0 to 1)");
	parse_bad("run=3", "Invalid value `3' for run (expected stop, start, unmerge, 0, 1 or 2)");
	parse_bad("advisor_mode=fast", "Invalid value `fast' for advisor_mode (expected none or scan-time)");
	parse_bad("nope=1", "Unknown ksmd knob `nope'");
	parse_bad("pages_to_scan", "Missing value: pages_to_scan=VALUE");

	if (ksmd_parse("pages_to_scan=4321", &k, &w, err, sizeof(err)))
		abort();
	is_int(ksmd_write(dir, k, &w), 0, "write pages_to_scan");
	if (ksmd_parse("advisor_mode=scan-time", &k, &w, err, sizeof(err)))
		abort();
	is_int(ksmd_write(dir, k, &w), 0, "write advisor_mode");
	ksmd_read(dir, v);
	ok(v[knob("pages_to_scan")].num == 4321 && !strcmp(v[knob("advisor_mode")].mode, "scan-time"),
	   "written values read back");
	if (ksmd_parse("smart_scan=1", &k, &w, err, sizeof(err)))
		abort();
	is_int(ksmd_write(dir, k, &w) < 0, 1, "a knob this kernel lacks cannot be written");

	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		abort();
	return tap_done();
}
