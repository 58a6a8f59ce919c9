// SPDX-License-Identifier: GPL-2.0

#include <inttypes.h>
#include <stdlib.h>

#include "json.h"
#include "tap.h"
#include "testdata.h"

/* A json writer on a memory stream; done() returns what it wrote. */
struct buf {
	FILE *f;
	char *data;
	size_t len;
	struct json j;
};

static struct json *start(struct buf *b, bool pretty)
{
	b->data = NULL;
	b->f = open_memstream(&b->data, &b->len);
	if (!b->f)
		abort();
	json_init(&b->j, b->f, pretty);
	return &b->j;
}

static const char *done(struct buf *b)
{
	fclose(b->f);
	return b->data;
}

static void check(struct buf *b, const char *want, const char *what)
{
	is_str(done(b), want, "%s", what);
	free(b->data);
}

static void write_sample(struct json *j)
{
	json_object_begin(j);
	json_kv_u64(j, "a", 1);
	json_key(j, "b");
	json_array_begin(j);
	json_bool(j, true);
	json_bool(j, false);
	json_null(j);
	json_array_end(j);
	json_key(j, "c");
	json_object_begin(j);
	json_object_end(j);
	json_key(j, "d");
	json_array_begin(j);
	json_array_end(j);
	json_key(j, "e");
	json_object_begin(j);
	json_kv_s64(j, "f", -5);
	json_kv_string(j, "g", "x");
	json_object_end(j);
	json_key(j, "h");
	json_array_begin(j);
	json_object_begin(j);
	json_kv_null(j, "i");
	json_object_end(j);
	json_array_begin(j);
	json_u64(j, 7);
	json_array_end(j);
	json_array_end(j);
	json_object_end(j);
}

static void test_nesting(void)
{
	struct buf b;

	write_sample(start(&b, false));
	check(&b, "{\"a\":1,\"b\":[true,false,null],\"c\":{},\"d\":[],"
		  "\"e\":{\"f\":-5,\"g\":\"x\"},\"h\":[{\"i\":null},[7]]}\n",
	      "compact nesting, commas and empty containers");

	write_sample(start(&b, true));
	check(&b,
	      "{\n"
	      "  \"a\": 1,\n"
	      "  \"b\": [\n"
	      "    true,\n"
	      "    false,\n"
	      "    null\n"
	      "  ],\n"
	      "  \"c\": {},\n"
	      "  \"d\": [],\n"
	      "  \"e\": {\n"
	      "    \"f\": -5,\n"
	      "    \"g\": \"x\"\n"
	      "  },\n"
	      "  \"h\": [\n"
	      "    {\n"
	      "      \"i\": null\n"
	      "    },\n"
	      "    [\n"
	      "      7\n"
	      "    ]\n"
	      "  ]\n"
	      "}\n",
	      "pretty nesting with two-space indentation");
}

static void test_scalars(void)
{
	struct buf b;
	struct json *j;

	json_u64(start(&b, true), 42);
	check(&b, "42\n", "top-level number ends with a newline");

	json_string(start(&b, false), "top");
	check(&b, "\"top\"\n", "top-level string");

	j = start(&b, false);
	json_array_begin(j);
	json_u64(j, 0);
	json_u64(j, UINT64_MAX);
	json_s64(j, INT64_MIN);
	json_s64(j, INT64_MAX);
	json_s64(j, 0);
	json_array_end(j);
	check(&b, "[0,18446744073709551615,-9223372036854775808,9223372036854775807,0]\n",
	      "u64 and s64 limits are exact");

	j = start(&b, false);
	json_object_begin(j);
	json_object_end(j);
	check(&b, "{}\n", "empty top-level object");

	j = start(&b, true);
	json_array_begin(j);
	json_array_end(j);
	check(&b, "[]\n", "empty top-level array, pretty");
}

static void string_case(const char *in, const char *want, const char *what)
{
	struct buf b;

	json_string(start(&b, false), in);
	check(&b, want, what);
}

static void test_escaping(void)
{
	struct buf b;
	struct json *j;

	string_case("", "\"\"\n", "empty string");
	string_case("say \"hi\"", "\"say \\\"hi\\\"\"\n", "double quotes are escaped");
	string_case("a\\b", "\"a\\\\b\"\n", "backslash is escaped");
	string_case("/", "\"/\"\n", "slash is not escaped");
	string_case("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"\n", "short escapes for b f n r t");
	string_case("\x01\x07\x0b\x1b\x1f", "\"\\u0001\\u0007\\u000b\\u001b\\u001f\"\n",
		    "other control characters as \\u00XX");
	string_case("\x7f", "\"\x7f\"\n", "DEL passes through");
	string_case("h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e \xef\xbf\xbf",
		    "\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e \xef\xbf\xbf\"\n",
		    "valid UTF-8 (2, 3 and 4 bytes) passes through");
	string_case("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"\n", "U+10FFFF passes through");
	string_case("a\xff" "b", "\"a\\ufffdb\"\n", "invalid byte becomes U+FFFD");
	string_case("\xc3", "\"\\ufffd\"\n", "truncated sequence at the end");
	string_case("\xe2\x82x", "\"\\ufffd\\ufffdx\"\n", "truncated sequence before ASCII");
	string_case("\xc0\xaf", "\"\\ufffd\\ufffd\"\n", "overlong 2-byte form is rejected");
	string_case("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"\n", "overlong 3-byte form is rejected");
	string_case("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"\n", "UTF-16 surrogate is rejected");
	string_case("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n",
		    "code point above U+10FFFF is rejected");
	string_case("\x80" "ok", "\"\\ufffdok\"\n", "lone continuation byte");

	j = start(&b, false);
	json_object_begin(j);
	json_kv_string(j, "k\"ey\n", "v");
	json_object_end(j);
	check(&b, "{\"k\\\"ey\\n\":\"v\"}\n", "keys are escaped like values");
}

/*
 * The escaping rules byte by byte, as simply as they can be written: what
 * the buffered writer must match wherever its buffer ends.
 */
static void ref_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int len;

	fputc('"', f);
	while (*s) {
		if (*s == '"') {
			fputs("\\\"", f);
		} else if (*s == '\\') {
			fputs("\\\\", f);
		} else if (*s == '\b') {
			fputs("\\b", f);
		} else if (*s == '\f') {
			fputs("\\f", f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s == '\r') {
			fputs("\\r", f);
		} else if (*s == '\t') {
			fputs("\\t", f);
		} else if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s);
		} else if (*s < 0x80) {
			fputc(*s, f);
		} else if ((len = utf8_sequence(s))) {
			fwrite(s, 1, len, f);
			s += len;
			continue;
		} else {
			fputs("\\ufffd", f);
		}
		++s;
	}
	fputc('"', f);
}

/* A value @levels arrays deep, pretty, inside a container at @depth. */
static void ref_nest(FILE *f, unsigned int depth, unsigned int levels)
{
	if (!levels) {
		fputc('1', f);
		return;
	}
	fprintf(f, "[\n%*s", 2 * (int)(depth + 1), "");
	ref_nest(f, depth + 1, levels - 1);
	fprintf(f, "\n%*s]", 2 * (int)depth, "");
}

/*
 * Strings whose escapes and UTF-8 sequences fall on every position
 * around the end of the writer's buffer, and strings longer than the
 * buffer, against ref_string().
 */
static void test_buffer_boundaries(void)
{
	static const char mixed[] = "a\"b\\c\n\x01\x1f\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\xff\xc3\x7f";
	const char *units[] = { mixed, "\xe2\x82\xac", "\\", "x\x02", "\xf0\x9d\x84\x9e-" };
	unsigned int u, shift, bad = 0;
	struct buf b;
	struct json *j;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); ++u) {
		for (shift = 0; shift < 16; ++shift) {
			char *pad = repeat("p", OUTBUF_SIZE - 16 + shift);
			char *str = repeat(units[u], OUTBUF_SIZE + 100 + shift);
			char *want = NULL;
			size_t want_len;
			FILE *f = open_memstream(&want, &want_len);

			if (!f)
				abort();
			fputs("[\"", f);
			fputs(pad, f);
			fputs("\",", f);
			ref_string(f, str);
			fputs(",", f);
			ref_string(f, str + shift);
			fputs("]\n", f);
			fclose(f);

			j = start(&b, false);
			json_array_begin(j);
			json_string(j, pad);
			json_string(j, str);
			json_string(j, str + shift);
			json_array_end(j);
			if (strcmp(done(&b), want) && !bad++)
				tap_diag_string("first mismatch, expected", want);
			free(b.data);
			free(want);
			free(pad);
			free(str);
		}
	}
	is_int(bad, 0, "escapes and UTF-8 across the buffer's end, strings longer than the buffer");


	/* Pretty output of the deepest nesting, several times the buffer. */
	j = start(&b, true);
	json_array_begin(j);
	for (u = 0; u < 8; ++u) {
		for (shift = 1; shift < JSON_MAX_DEPTH; ++shift)
			json_array_begin(j);
		json_u64(j, 1);
		for (shift = 1; shift < JSON_MAX_DEPTH; ++shift)
			json_array_end(j);
	}
	json_array_end(j);
	{
		char *want = NULL;
		size_t want_len;
		FILE *f = open_memstream(&want, &want_len);

		if (!f)
			abort();
		fputc('[', f);
		for (u = 0; u < 8; ++u) {
			fputs(u ? ",\n  " : "\n  ", f);
			ref_nest(f, 1, JSON_MAX_DEPTH - 1);
		}
		fputs("\n]\n", f);
		fclose(f);
		check(&b, want, "deepest pretty indentation, several times the buffer");
		free(want);
	}
}

/* Decimal forms against printf's, at every power of ten and the limits. */
static void test_numbers(void)
{
	char got[DEC_MAX + 1], want[32];
	unsigned int bad = 0, n, i;
	uint64_t p = 1;
	struct buf b;
	struct json *j;

	for (i = 0; i < 20; ++i, p *= 10) {
		const uint64_t u[] = { p - 1, p, p + 1 };
		const int64_t s[] = { (int64_t)(p - 1), -(int64_t)(p - 1), -(int64_t)p };
		unsigned int k;

		for (k = 0; k < 3; ++k) {
			n = dec_u64(got, u[k]);
			got[n] = '\0';
			snprintf(want, sizeof(want), "%" PRIu64, u[k]);
			bad += strcmp(got, want) != 0;
			if (i == 19)	/* 10^19 - 1 > INT64_MAX */
				continue;
			n = dec_s64(got, s[k]);
			got[n] = '\0';
			snprintf(want, sizeof(want), "%" PRId64, s[k]);
			bad += strcmp(got, want) != 0;
		}
	}
	is_int(bad, 0, "dec_u64() and dec_s64() around every power of ten");

	n = dec_u64(got, UINT64_MAX);
	got[n] = '\0';
	is_str(got, "18446744073709551615", "dec_u64(UINT64_MAX) fills DEC_MAX");
	n = dec_s64(got, INT64_MIN);
	got[n] = '\0';
	is_str(got, "-9223372036854775808", "dec_s64(INT64_MIN) fills DEC_MAX");
	n = dec_s64(got, INT64_MIN + 1);
	got[n] = '\0';
	is_str(got, "-9223372036854775807", "dec_s64(INT64_MIN + 1)");

	/* Numbers at every position around the end of the buffer. */
	j = start(&b, false);
	json_array_begin(j);
	for (i = 0; i < OUTBUF_SIZE / 10 + 10; ++i) {
		json_u64(j, UINT64_MAX);
		json_s64(j, INT64_MIN);
		json_u64(j, 0);
	}
	json_array_end(j);
	{
		char *want_all = NULL;
		size_t len;
		FILE *f = open_memstream(&want_all, &len);

		if (!f)
			abort();
		for (i = 0; i < OUTBUF_SIZE / 10 + 10; ++i)
			fprintf(f, "%c18446744073709551615,-9223372036854775808,0", i ? ',' : '[');
		fputs("]\n", f);
		fclose(f);
		check(&b, want_all, "0, UINT64_MAX and INT64_MIN across the buffer's end");
		free(want_all);
	}
}

/* Output that the caller writes to the same FILE stays in order. */
static void test_flush_order(void)
{
	char *big = repeat("0123456789", 2 * OUTBUF_SIZE);
	char *want = NULL;
	size_t want_len;
	struct buf b;
	struct json *j;
	FILE *f;

	j = start(&b, true);
	fputs("before\n", b.f);
	json_object_begin(j);
	json_kv_string(j, "k", "v");
	json_object_end(j);
	fputs("between\n", b.f);
	json_init(j, b.f, false);
	json_array_begin(j);
	json_string(j, big);
	json_array_end(j);
	fputs("after\n", b.f);
	f = open_memstream(&want, &want_len);
	if (!f)
		abort();
	fprintf(f, "before\n{\n  \"k\": \"v\"\n}\nbetween\n[\"%s\"]\nafter\n", big);
	fclose(f);
	check(&b, want, "documents reach the FILE whole, in order with other output");
	free(want);
	free(big);

	j = start(&b, false);
	json_object_begin(j);
	json_key(j, "a");
	json_flush(j);
	fflush(b.f);
	is_str(b.data, "{\"a\":", "json_flush() hands over an unfinished document");
	json_u64(j, 1);
	json_object_end(j);
	check(&b, "{\"a\":1}\n", "and the rest follows it");
}

int main(void)
{
	tap_begin("json");
	test_nesting();
	test_scalars();
	test_escaping();
	test_buffer_boundaries();
	test_numbers();
	test_flush_order();
	return tap_done();
}
