/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer. The writer places commas, colons and (in
 * pretty mode) newlines and two-space indentation itself; the caller only
 * opens and closes containers, names object members and writes values.
 * A newline follows the outermost value.
 *
 * Strings are written as UTF-8: '"' and '\\' are escaped, control characters
 * use \b \f \n \r \t or \u00XX, valid UTF-8 sequences pass through unchanged
 * and each byte of an invalid sequence becomes \ufffd, so the output is always
 * valid JSON whatever the input bytes are.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	bool pretty;
	bool after_key;
	unsigned int depth;
	bool empty[JSON_MAX_DEPTH + 1];
};

void json_init(struct json *j, FILE *f, bool pretty);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Name the next member of the current object. */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* json_key() followed by the value. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_s64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

/*
 * Length (2 to 4) of the valid, shortest-form UTF-8 sequence of a character
 * above U+007F at @s, or 0 if @s does not start one. Shared with the
 * Prometheus writer, whose label values must be UTF-8 too.
 */
unsigned int utf8_sequence(const unsigned char *s);

#endif
