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
 *
 * The writer collects its output in an outbuf and hands it to the FILE when
 * the buffer is full and when the outermost value ends, so the FILE has
 * every document complete before other output follows it.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * Output gathered in memory and handed to a FILE in large writes: stdio
 * writes to a pipe 4 KiB at a time, and each write is a system call that
 * may wake the reader. Shared with the table and Prometheus writers. It
 * belongs on the stack of the function that prints (64 KiB, nothing to
 * free), which flushes it before anything else writes to the FILE.
 */
#define OUTBUF_SIZE 65536

struct outbuf {
	FILE *f;
	size_t len;			/* bytes waiting in data */
	char data[OUTBUF_SIZE];
};

void outbuf_init(struct outbuf *o, FILE *f);
/* Write out what is waiting. */
void outbuf_flush(struct outbuf *o);
/* For outbuf_put(): @n bytes that do not fit. */
void outbuf_put_slow(struct outbuf *o, const void *p, size_t n);

static inline void outbuf_put(struct outbuf *o, const void *p, size_t n)
{
	if (n > sizeof(o->data) - o->len) {
		outbuf_put_slow(o, p, n);
		return;
	}
	memcpy(o->data + o->len, p, n);
	o->len += n;
}

static inline void outbuf_putc(struct outbuf *o, char c)
{
	if (o->len == sizeof(o->data))
		outbuf_flush(o);
	o->data[o->len++] = c;
}

/* Room for @n bytes (up to OUTBUF_SIZE) at the end; outbuf_commit() them. */
static inline char *outbuf_reserve(struct outbuf *o, size_t n)
{
	if (n > sizeof(o->data) - o->len)
		outbuf_flush(o);
	return o->data + o->len;
}

static inline void outbuf_commit(struct outbuf *o, size_t n)
{
	o->len += n;
}

#define JSON_MAX_DEPTH 32

struct json {
	bool pretty;
	bool after_key;
	unsigned int depth;
	bool empty[JSON_MAX_DEPTH + 1];
	struct outbuf out;
};

void json_init(struct json *j, FILE *f, bool pretty);

/* Hand what is buffered to the FILE (the end of the outermost value does it). */
void json_flush(struct json *j);

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

/*
 * @v in decimal at @buf, without a terminating NUL; return the length.
 * Shared with the Prometheus writer.
 */
#define DEC_MAX 20	/* UINT64_MAX and INT64_MIN */
unsigned int dec_u64(char buf[static DEC_MAX], uint64_t v);
unsigned int dec_s64(char buf[static DEC_MAX], int64_t v);

#endif
