// SPDX-License-Identifier: GPL-2.0

#include <errno.h>

#include "tap.h"
#include "units.h"

#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)
#define TiB (GiB * 1024)
#define PiB (TiB * 1024)
#define EiB (PiB * 1024)

static void test_fmt_bytes(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ 1, "1 B" },
		{ 512, "512 B" },
		{ 1023, "1023 B" },			/* last exact byte count */
		{ 1024, "1.00 KiB" },
		{ 1025, "1.00 KiB" },
		{ 1152, "1.13 KiB" },			/* 1.125: half away from zero */
		{ 1535, "1.50 KiB" },
		{ 4096, "4.00 KiB" },
		{ 5000, "4.88 KiB" },
		{ 10234, "9.99 KiB" },			/* 9.994 */
		{ 10235, "10.0 KiB" },			/* 9.9951 carries a decade */
		{ 10240, "10.0 KiB" },
		{ 102348, "99.9 KiB" },			/* 99.949 */
		{ 102349, "100 KiB" },			/* 99.9502 carries a decade */
		{ 524288, "512 KiB" },
		{ 1048063, "1023 KiB" },		/* 1023.499 */
		{ 1048064, "1.00 MiB" },		/* 1023.5 carries a unit */
		{ 1048575, "1.00 MiB" },
		{ MiB, "1.00 MiB" },
		{ 12 * MiB, "12.0 MiB" },
		{ 12897485, "12.3 MiB" },
		{ 48 * MiB, "48.0 MiB" },
		{ GiB + GiB / 2, "1.50 GiB" },
		{ 2 * TiB, "2.00 TiB" },
		{ PiB, "1.00 PiB" },
		{ EiB - 1, "1.00 EiB" },		/* 1023.99 PiB carries into EiB */
		{ EiB, "1.00 EiB" },
		{ UINT64_MAX, "16.0 EiB" },
	};
	char buf[BYTES_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i)
		is_str(fmt_bytes(buf, cases[i].v), cases[i].want, "fmt_bytes(%" PRIu64 ") is \"%s\"",
		       cases[i].v, cases[i].want);
}

static void test_fmt_bytes_signed(void)
{
	static const struct {
		int64_t v;
		const char *want;
	} cases[] = {
		{ 0, "0 B" },
		{ -1, "-1 B" },
		{ -1023, "-1023 B" },
		{ -4096, "-4.00 KiB" },
		{ -1048064, "-1.00 MiB" },
		{ 3 * (int64_t)MiB, "3.00 MiB" },
		{ INT64_MAX, "8.00 EiB" },
		{ INT64_MIN, "-8.00 EiB" },
	};
	char buf[BYTES_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i)
		is_str(fmt_bytes_signed(buf, cases[i].v), cases[i].want,
		       "fmt_bytes_signed(%" PRId64 ") is \"%s\"", cases[i].v, cases[i].want);
}

struct parse_case {
	const char *in;
	int ret;
	uint64_t v;
};

static void check_parse(const char *name, int (*parse)(const char *, uint64_t *),
			const struct parse_case *cases, size_t n)
{
	static const uint64_t untouched = UINT64_C(0xdeadbeef);
	size_t i;

	for (i = 0; i < n; ++i) {
		uint64_t v = untouched;
		int ret = parse(cases[i].in, &v);
		uint64_t want = cases[i].ret ? untouched : cases[i].v;
		bool pass = ret == cases[i].ret && v == want;

		if (cases[i].ret)
			ok(pass, "%s(\"%s\") fails with %s", name, cases[i].in,
			   cases[i].ret == -ERANGE ? "ERANGE" : "EINVAL");
		else
			ok(pass, "%s(\"%s\") is %" PRIu64, name, cases[i].in, cases[i].v);
		if (!pass)
			fprintf(tap_out, "#   got: ret %d, value %" PRIu64 "\n", ret, v);
	}
}

static void test_parse_u64(void)
{
	static const struct parse_case cases[] = {
		{ "0", 0, 0 },
		{ "42", 0, 42 },
		{ "010", 0, 10 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "0x0", 0, 0 },
		{ "0xff", 0, 255 },
		{ "0XFf", 0, 255 },
		{ "0x7fffffffffff", 0, UINT64_C(0x7fffffffffff) },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "0x10000000000000000", -ERANGE, 0 },
		{ "", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "0x0x5", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "12abc", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ "0xfg", -EINVAL, 0 },
		{ "99999999999999999999x", -EINVAL, 0 },
		{ "16M", -EINVAL, 0 },
	};

	check_parse("parse_u64", parse_u64, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_parse_size(void)
{
	static const struct parse_case cases[] = {
		{ "0", 0, 0 },
		{ "512", 0, 512 },
		{ "512B", 0, 512 },
		{ "4K", 0, 4 * KiB },
		{ "4k", 0, 4 * KiB },
		{ "4KiB", 0, 4 * KiB },
		{ "16M", 0, 16 * MiB },
		{ "16MiB", 0, 16 * MiB },
		{ "1G", 0, GiB },
		{ "1g", 0, GiB },
		{ "2T", 0, 2 * TiB },
		{ "3P", 0, 3 * PiB },
		{ "15E", 0, 15 * EiB },
		{ "16E", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 },
		{ "17179869183G", 0, 17179869183 * GiB },
		{ "99999999999999999999K", -ERANGE, 0 },
		{ "0x1000", 0, 4096 },
		{ "0x10M", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "K", -EINVAL, 0 },
		{ "1KB", -EINVAL, 0 },
		{ "1Ki", -EINVAL, 0 },
		{ "1kib", -EINVAL, 0 },
		{ "1KiBx", -EINVAL, 0 },
		{ "1 K", -EINVAL, 0 },
		{ "1.5G", -EINVAL, 0 },
		{ "-1K", -EINVAL, 0 },
		{ "1X", -EINVAL, 0 },
		{ "1BB", -EINVAL, 0 },
	};

	check_parse("parse_size", parse_size, cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	tap_begin("units");
	test_fmt_bytes();
	test_fmt_bytes_signed();
	test_parse_u64();
	test_parse_size();
	return tap_done();
}
