// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of command-line values: pids, --top, --range, --only, -o, --sort
 * and --user.
 */

#include <errno.h>
#include <pwd.h>

#include "args.h"
#include "procs.h"
#include "tap.h"
#include "users.h"

static void test_pid(void)
{
	static const struct {
		const char *str;
		int ret;
		uint32_t want;
	} cases[] = {
		{ "1", 0, 1 },
		{ "42", 0, 42 },
		{ "042", 0, 42 },
		{ "4194304", 0, 4194304 },
		{ "2147483647", 0, 2147483647 },
		{ "2147483648", -EINVAL, 0 },		/* above pid_t */
		{ "99999999999999999999999", -EINVAL, 0 },
		{ "0", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ "42x", -EINVAL, 0 },
		{ "x42", -EINVAL, 0 },
		{ "0x2a", -EINVAL, 0 },
		{ " 42", -EINVAL, 0 },
		{ "42 ", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		uint32_t pid = 7;
		int ret = parse_pid(cases[i].str, &pid);

		ok(ret == cases[i].ret && pid == (ret ? 7 : cases[i].want),
		   "pid `%s' -> %s", cases[i].str, cases[i].ret ? "rejected" : "accepted");
	}
}

static void test_count(void)
{
	uint32_t n = 9;

	ok(!parse_count("1", &n) && n == 1, "--top 1");
	ok(!parse_count("4294967295", &n) && n == UINT32_MAX, "--top 2^32 - 1");
	n = 9;
	ok(parse_count("4294967296", &n) == -EINVAL && n == 9, "--top 2^32 is rejected");
	ok(parse_count("0", &n) == -EINVAL, "--top 0 is rejected");
	ok(parse_count("-3", &n) == -EINVAL, "--top -3 is rejected");
	ok(parse_count("10k", &n) == -EINVAL, "--top 10k is rejected");
	ok(parse_count("", &n) == -EINVAL && n == 9, "--top '' is rejected");
}

static void test_range(void)
{
	static const struct {
		const char *str;
		int ret;
		uint64_t start, end;
	} cases[] = {
		{ "0x1000-0x2000", 0, 0x1000, 0x2000 },
		{ "4096-8192", 0, 4096, 8192 },
		{ "0-1", 0, 0, 1 },
		{ "0x7f0000000000-0X7f0000400000", 0, 0x7f0000000000, 0x7f0000400000 },
		{ "0-0xffffffffffffffff", 0, 0, UINT64_MAX },
		{ "0x2000-0x1000", -EINVAL, 0, 0 },	/* inverted */
		{ "0x1000-0x1000", -EINVAL, 0, 0 },	/* empty */
		{ "0x1000", -EINVAL, 0, 0 },
		{ "0x1000-", -EINVAL, 0, 0 },
		{ "-0x1000", -EINVAL, 0, 0 },
		{ "-", -EINVAL, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ "0x1000-0x2000-0x3000", -EINVAL, 0, 0 },
		{ "0x1000 - 0x2000", -EINVAL, 0, 0 },
		{ "1M-2M", -EINVAL, 0, 0 },		/* no sizes */
		{ "0xg-0x10", -EINVAL, 0, 0 },
		{ "0-0x10000000000000000", -EINVAL, 0, 0 },	/* 2^64 */
		{ "000000000000000000000000000000001-2", -EINVAL, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
		uint64_t start = 5, end = 6;
		int ret = parse_range(cases[i].str, &start, &end);

		if (cases[i].ret)
			ok(ret == cases[i].ret && start == 5 && end == 6, "range `%s' is rejected",
			   cases[i].str);
		else
			ok(!ret && start == cases[i].start && end == cases[i].end,
			   "range `%s' is [%#" PRIx64 ", %#" PRIx64 ")", cases[i].str, cases[i].start,
			   cases[i].end);
	}
}

static void test_classes(void)
{
	const char *bad = NULL;
	size_t bad_len = 0;
	uint32_t mask = 0;

	ok(!parse_classes("heap", &mask, &bad, &bad_len) && mask == KSMCTL_CLASS_HEAP, "--only heap");
	ok(!parse_classes("stack,file", &mask, &bad, &bad_len) &&
	   mask == (KSMCTL_CLASS_STACK | KSMCTL_CLASS_FILE), "--only stack,file");
	ok(!parse_classes("file,anon,heap,stack", &mask, &bad, &bad_len) && mask == KSMCTL_CLASS_ALL,
	   "--only with every class");
	ok(!parse_classes("anon,anon", &mask, &bad, &bad_len) && mask == KSMCTL_CLASS_ANON,
	   "a class named twice");
	mask = 77;
	ok(parse_classes("heap,foo,file", &mask, &bad, &bad_len) == -EINVAL && mask == 77 &&
	   bad_len == 3 && !strncmp(bad, "foo", 3), "unknown class is pointed at");
	ok(parse_classes("heap,,file", &mask, &bad, &bad_len) == -EINVAL && bad_len == 0,
	   "empty item is rejected");
	ok(parse_classes("", &mask, &bad, &bad_len) == -EINVAL && bad_len == 0, "empty list");
	ok(parse_classes("heap,", &mask, &bad, &bad_len) == -EINVAL && bad_len == 0,
	   "trailing comma");
	ok(parse_classes("Heap", &mask, &bad, &bad_len) == -EINVAL, "classes are lowercase");
	ok(parse_classes("heaps", &mask, &bad, &bad_len) == -EINVAL && bad_len == 5,
	   "no prefix matching");
}

static void test_words(void)
{
	enum output_format out = OUTPUT_TEXT;
	enum sort_key key = SORT_PID;

	ok(!parse_output("json", &out) && out == OUTPUT_JSON, "-o json");
	ok(!parse_output("prometheus", &out) && out == OUTPUT_PROMETHEUS, "-o prometheus");
	ok(!parse_output("text", &out) && out == OUTPUT_TEXT, "-o text");
	ok(parse_output("JSON", &out) == -EINVAL && out == OUTPUT_TEXT, "-o JSON is rejected");
	ok(parse_output("prom", &out) == -EINVAL, "-o prom is rejected");

	ok(!sort_key_parse("saved", &key) && key == SORT_SAVED, "--sort saved");
	ok(!sort_key_parse("merging", &key) && key == SORT_MERGING, "--sort merging");
	ok(!sort_key_parse("coverage", &key) && key == SORT_COVERAGE, "--sort coverage");
	ok(!sort_key_parse("profit", &key) && key == SORT_PROFIT, "--sort profit");
	ok(!sort_key_parse("pid", &key) && key == SORT_PID, "--sort pid");
	ok(sort_key_parse("rss", &key) == -EINVAL && key == SORT_PID, "--sort rss is rejected");
	ok(sort_key_parse("", &key) == -EINVAL, "--sort '' is rejected");
}

static void test_users(void)
{
	char buf[USER_NAME_MAX];
	struct passwd *pw = getpwuid(0);
	uint32_t uid = 7;

	ok(!user_parse("12345", &uid) && uid == 12345, "--user with a numeric uid");
	uid = 7;
	ok(user_parse("no-such-user-xyz", &uid) == -ENOENT && uid == 7, "unknown user name");
	ok(user_parse("", &uid) == -ENOENT, "empty user name");
	ok(user_parse("4294967295", &uid) == -ENOENT, "uid -1 is not a user");
	is_str(user_name(buf, 3999999999U), "3999999999", "a uid without a name is printed as a number");
	if (!pw || strcmp(pw->pw_name, "root")) {
		tap_skip("no root in the password database", "uid 0 is root");
		tap_skip("no root in the password database", "--user root");
		return;
	}
	is_str(user_name(buf, 0), "root", "uid 0 is root");
	ok(!user_parse("root", &uid) && uid == 0, "--user root");
}

/* The cache of names keeps every uid, however many: its table grows. */
static void test_user_cache(void)
{
	char buf[USER_NAME_MAX], want[USER_NAME_MAX];
	struct passwd *pw = getpwuid(0);
	bool root = pw && !strcmp(pw->pw_name, "root");
	unsigned int i, pass, bad = 0;

	/* Uids far above any system's, twice over: looked up, then remembered. */
	for (pass = 0; pass < 2; ++pass) {
		for (i = 0; i < 1000; ++i) {
			uint32_t u = 3900000000U + i * 7919;

			snprintf(want, sizeof(want), "%" PRIu32, u);
			bad += strcmp(user_name(buf, u), want) != 0;
			if (root)
				bad += strcmp(user_name(buf, 0), "root") != 0;
		}
	}
	is_int(bad, 0, "1,000 distinct uids, each asked for twice, with root in between");
}

int main(void)
{
#ifdef KSMCTL_NO_NSS
	tap_begin("args (static build, no NSS)");
#else
	tap_begin("args");
#endif
	test_pid();
	test_count();
	test_range();
	test_classes();
	test_words();
	test_users();
	test_user_cache();
	return tap_done();
}
