// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of "ksmctl merge" and "ksmctl unmerge" results: the per-pid
 * line, skip reasons, --tree, interruption, and the JSON array. Run
 * "./test_merge dump" to see every case.
 */

#include <stdlib.h>

#include "merge.h"
#include "golden.h"
#include "tap.h"

#define MiB (UINT64_C(1) << 20)

static const struct ksmctl_mark_req mark = { .pid = 42 };
static const struct ksmctl_mark_req unmark = { .unmark = true, .pid = 42 };
static const struct ksmctl_mark_req mark_tree = { .pid = 42, .flags = KSMCTL_MARK_F_TREE };
static const struct ksmctl_mark_req unmark_tree = { .unmark = true, .pid = 42,
						    .flags = KSMCTL_MARK_F_TREE };

static struct ksmctl_mark_result result(void)
{
	struct ksmctl_mark_result r = {
		.pid = 42,
		.processes = 1,
		.vmas = 12,
		.bytes = 48 * MiB,
		.already_vmas = 3,
		.already_bytes = 1 * MiB,
		.has_failed_processes = true,
	};

	r.skipped[KSMCTL_SKIP_SHARED] = 2;
	r.skipped[KSMCTL_SKIP_SPECIAL] = 1;
	r.skipped[KSMCTL_SKIP_RANGE] = 1;
	return r;
}

static void text(FILE *f)
{
	struct ksmctl_mark_result r = result();

	mark_print_text(f, &mark, &r);
}

static void text_plain(FILE *f)
{
	struct ksmctl_mark_result r = { .pid = 7, .processes = 1, .vmas = 1, .bytes = 4096 };

	mark_print_text(f, &mark, &r);
	r.vmas = 0;
	r.bytes = 0;
	r.already_vmas = 1;
	r.already_bytes = 8192;
	mark_print_text(f, &mark, &r);
}

static void text_every_reason(FILE *f)
{
	struct ksmctl_mark_result r = result();
	unsigned int i;

	for (i = 0; i <= KSMCTL_SKIP_MAX; ++i)
		r.skipped[i] = i + 1;
	r.already_vmas = 0;
	mark_print_text(f, &mark, &r);
}

static void text_unmark(FILE *f)
{
	struct ksmctl_mark_result r = result();

	mark_print_text(f, &unmark, &r);
}

static void text_tree(FILE *f)
{
	struct ksmctl_mark_result r = result();

	r.processes = 5;
	r.failed_processes = 2;
	mark_print_text(f, &mark_tree, &r);
	r.processes = 1;
	r.failed_processes = 0;
	memset(r.skipped, 0, sizeof(r.skipped));
	mark_print_text(f, &unmark_tree, &r);
}

static void text_interrupted(FILE *f)
{
	struct ksmctl_mark_result r = result();

	r.interrupted = true;
	r.skipped[KSMCTL_SKIP_SPECIAL] = 0;
	mark_print_text(f, &unmark, &r);
}

static void text_failed(FILE *f)
{
	struct ksmctl_mark_result r = { .pid = 42, .err = -3 };

	snprintf(r.error, sizeof(r.error), "no such process");
	mark_print_text(f, &mark, &r);
}

static void json(FILE *f)
{
	struct ksmctl_mark_result r[3] = { result(), { .pid = 43, .err = -1 }, result() };

	snprintf(r[1].error, sizeof(r[1].error), "changing another process's \"memory\"");
	r[2].pid = 44;
	r[2].interrupted = true;
	r[2].skipped[0] = 9;
	mark_print_json(f, &unmark, r, 3);
}

static void json_tree(FILE *f)
{
	struct ksmctl_mark_result r = result();

	r.processes = 5;
	r.failed_processes = 2;
	mark_print_json(f, &mark_tree, &r, 1);
}

static void json_empty(FILE *f)
{
	mark_print_json(f, &mark, NULL, 0);
}

static void skip_keys(FILE *f)
{
	unsigned int i;

	for (i = 0; i <= KSMCTL_SKIP_MAX + 1; ++i)
		fprintf(f, "%u %s\n", i, mark_skip_key(i) ? mark_skip_key(i) : "(null)");
}

static const struct golden cases[] = {
	{ "merge: changed, already and skipped VMAs with their reasons", text,
	  "pid 42: marked 12 VMAs (48.0 MiB) mergeable; 3 already mergeable (1.00 MiB); skipped 4: 2 shared, 1 special, 1 partly outside the range\n" },
	{ "merge: singular words, parts that are zero left out", text_plain,
	  "pid 7: marked 1 VMA (4.00 KiB) mergeable\n"
	  "pid 7: marked 0 VMAs (0 B) mergeable; 1 already mergeable (8.00 KiB)\n" },
	{ "every skip reason in order, unknown ones last", text_every_reason,
	  "pid 42: marked 12 VMAs (48.0 MiB) mergeable; skipped 36: 2 shared, 3 I/O or PFN mappings, 4 hugetlb, 5 DAX, 6 special, 7 of other classes, 8 partly outside the range, 1 for other reasons\n" },
	{ "unmerge wording", text_unmark,
	  "pid 42: unmerged 12 VMAs (48.0 MiB); 3 already unmergeable (1.00 MiB); skipped 4: 2 shared, 1 special, 1 partly outside the range\n" },
	{ "--tree: processes changed and processes that failed", text_tree,
	  "pid 42 and descendants: marked 12 VMAs (48.0 MiB) mergeable in 5 processes; 3 already mergeable (1.00 MiB); skipped 4: 2 shared, 1 special, 1 partly outside the range; 2 processes exited or could not be changed\n"
	  "pid 42 and descendants: unmerged 12 VMAs (48.0 MiB) in 1 process; 3 already unmergeable (1.00 MiB)\n" },
	{ "interrupted unmerge says the figures are partial", text_interrupted,
	  "pid 42: unmerged 12 VMAs (48.0 MiB); 3 already unmergeable (1.00 MiB); skipped 3: 2 shared, 1 partly outside the range; interrupted: stopped early, the figures are partial\n" },
	{ "a failed pid prints nothing on stdout", text_failed,
	  "" },
	{ "JSON: ok, failed and interrupted results, unknown skip reasons as other", json,
	  "[\n"
	  "  {\n"
	  "    \"pid\": 42,\n"
	  "    \"ok\": true,\n"
	  "    \"error\": null,\n"
	  "    \"processes\": 1,\n"
	  "    \"vmas\": 12,\n"
	  "    \"bytes\": 50331648,\n"
	  "    \"already_vmas\": 3,\n"
	  "    \"already_bytes\": 1048576,\n"
	  "    \"skipped\": {\n"
	  "      \"shared\": 2,\n"
	  "      \"io\": 0,\n"
	  "      \"hugetlb\": 0,\n"
	  "      \"dax\": 0,\n"
	  "      \"special\": 1,\n"
	  "      \"class\": 0,\n"
	  "      \"range\": 1\n"
	  "    },\n"
	  "    \"interrupted\": false\n"
	  "  },\n"
	  "  {\n"
	  "    \"pid\": 43,\n"
	  "    \"ok\": false,\n"
	  "    \"error\": \"changing another process's \\\"memory\\\"\"\n"
	  "  },\n"
	  "  {\n"
	  "    \"pid\": 44,\n"
	  "    \"ok\": true,\n"
	  "    \"error\": null,\n"
	  "    \"processes\": 1,\n"
	  "    \"vmas\": 12,\n"
	  "    \"bytes\": 50331648,\n"
	  "    \"already_vmas\": 3,\n"
	  "    \"already_bytes\": 1048576,\n"
	  "    \"skipped\": {\n"
	  "      \"shared\": 2,\n"
	  "      \"io\": 0,\n"
	  "      \"hugetlb\": 0,\n"
	  "      \"dax\": 0,\n"
	  "      \"special\": 1,\n"
	  "      \"class\": 0,\n"
	  "      \"range\": 1,\n"
	  "      \"other\": 9\n"
	  "    },\n"
	  "    \"interrupted\": true\n"
	  "  }\n"
	  "]\n" },
	{ "JSON --tree: failed_processes", json_tree,
	  "[\n"
	  "  {\n"
	  "    \"pid\": 42,\n"
	  "    \"ok\": true,\n"
	  "    \"error\": null,\n"
	  "    \"processes\": 5,\n"
	  "    \"vmas\": 12,\n"
	  "    \"bytes\": 50331648,\n"
	  "    \"already_vmas\": 3,\n"
	  "    \"already_bytes\": 1048576,\n"
	  "    \"skipped\": {\n"
	  "      \"shared\": 2,\n"
	  "      \"io\": 0,\n"
	  "      \"hugetlb\": 0,\n"
	  "      \"dax\": 0,\n"
	  "      \"special\": 1,\n"
	  "      \"class\": 0,\n"
	  "      \"range\": 1\n"
	  "    },\n"
	  "    \"failed_processes\": 2,\n"
	  "    \"interrupted\": false\n"
	  "  }\n"
	  "]\n" },
	{ "JSON without results", json_empty,
	  "[]\n" },
	{ "skip reason keys", skip_keys,
	  "0 (null)\n"
	  "1 shared\n"
	  "2 io\n"
	  "3 hugetlb\n"
	  "4 dax\n"
	  "5 special\n"
	  "6 class\n"
	  "7 range\n"
	  "8 (null)\n" },
};

int main(int argc, char *argv[])
{
	if (golden_dump(argc, argv, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	tap_begin("merge");
	golden_check(cases, sizeof(cases) / sizeof(cases[0]));
	return tap_done();
}
