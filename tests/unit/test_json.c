// SPDX-License-Identifier: GPL-2.0

#include <stdlib.h>

#include "json.h"
#include "tap.h"

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

int main(void)
{
	tap_begin("json");
	test_nesting();
	test_scalars();
	test_escaping();
	return tap_done();
}
