// SPDX-License-Identifier: GPL-2.0

#include <assert.h>
#include <string.h>

#include "json.h"

void outbuf_init(struct outbuf *o, FILE *f)
{
	/* Not the whole struct: the data needs no clearing. */
	o->f = f;
	o->len = 0;
}

void outbuf_flush(struct outbuf *o)
{
	if (o->len)
		fwrite(o->data, 1, o->len, o->f);
	o->len = 0;
}

void outbuf_put_slow(struct outbuf *o, const void *p, size_t n)
{
	outbuf_flush(o);
	if (n >= sizeof(o->data)) {
		fwrite(p, 1, n, o->f);
		return;
	}
	memcpy(o->data, p, n);
	o->len = n;
}

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->pretty = pretty;
	j->after_key = false;
	j->depth = 0;
	j->empty[0] = true;
	outbuf_init(&j->out, f);
}

void json_flush(struct json *j)
{
	outbuf_flush(&j->out);
}

static void newline_indent(struct json *j)
{
	size_t n = 1 + 2 * (size_t)j->depth;
	char *p;

	if (!j->pretty)
		return;
	p = outbuf_reserve(&j->out, n);
	p[0] = '\n';
	memset(p + 1, ' ', n - 1);
	outbuf_commit(&j->out, n);
}

/* Separate the coming key or value from what precedes it. */
static void separate(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	if (!j->empty[j->depth])
		outbuf_putc(&j->out, ',');
	j->empty[j->depth] = false;
	newline_indent(j);
}

/* After a value: the outermost one ends the document. */
static void value_done(struct json *j)
{
	if (!j->depth) {
		outbuf_putc(&j->out, '\n');
		outbuf_flush(&j->out);
	}
}

unsigned int utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned int len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;

	/* Overlong forms, UTF-16 surrogates and values above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;

	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; ++i) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return len;
}

/* The JSON escape of a byte that cannot appear as it is. */
static void put_escape(struct json *j, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char *p;

	switch (c) {
	case '"':
		outbuf_put(&j->out, "\\\"", 2);
		return;
	case '\\':
		outbuf_put(&j->out, "\\\\", 2);
		return;
	case '\b':
		outbuf_put(&j->out, "\\b", 2);
		return;
	case '\f':
		outbuf_put(&j->out, "\\f", 2);
		return;
	case '\n':
		outbuf_put(&j->out, "\\n", 2);
		return;
	case '\r':
		outbuf_put(&j->out, "\\r", 2);
		return;
	case '\t':
		outbuf_put(&j->out, "\\t", 2);
		return;
	}
	if (c >= 0x80) {
		outbuf_put(&j->out, "\\ufffd", 6);	/* not part of valid UTF-8 */
		return;
	}
	p = outbuf_reserve(&j->out, 6);
	memcpy(p, "\\u00", 4);
	p[4] = hex[c >> 4];
	p[5] = hex[c & 0xf];
	outbuf_commit(&j->out, 6);
}

/* Bytes that need no escaping are written in runs, as they are. */
static void write_string(struct json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	unsigned int len;

	outbuf_putc(&j->out, '"');
	for (;;) {
		unsigned char c = *s;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			++s;
			continue;
		}
		if (c >= 0x80 && (len = utf8_sequence(s))) {
			s += len;
			continue;
		}
		outbuf_put(&j->out, run, (size_t)(s - run));
		if (!c)
			break;
		put_escape(j, c);
		run = ++s;
	}
	outbuf_putc(&j->out, '"');
}

/* @v in decimal, after a minus sign if @minus, at @buf; the length. */
static unsigned int dec(char *buf, uint64_t v, bool minus)
{
	char tmp[DEC_MAX];
	unsigned int n = 0;

	do {
		tmp[DEC_MAX - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (minus)	/* 19 digits at most: 9223372036854775808 */
		tmp[DEC_MAX - ++n] = '-';
	memcpy(buf, tmp + DEC_MAX - n, n);
	return n;
}

unsigned int dec_u64(char buf[static DEC_MAX], uint64_t v)
{
	return dec(buf, v, false);
}

unsigned int dec_s64(char buf[static DEC_MAX], int64_t v)
{
	return v < 0 ? dec(buf, -(uint64_t)v, true) : dec(buf, (uint64_t)v, false);
}

static void container_begin(struct json *j, char open)
{
	separate(j);
	assert(j->depth < JSON_MAX_DEPTH);
	outbuf_putc(&j->out, open);
	j->empty[++j->depth] = true;
}

static void container_end(struct json *j, char close)
{
	assert(j->depth > 0 && !j->after_key);
	--j->depth;
	if (!j->empty[j->depth + 1])
		newline_indent(j);
	outbuf_putc(&j->out, close);
	value_done(j);
}

void json_object_begin(struct json *j)
{
	container_begin(j, '{');
}

void json_object_end(struct json *j)
{
	container_end(j, '}');
}

void json_array_begin(struct json *j)
{
	container_begin(j, '[');
}

void json_array_end(struct json *j)
{
	container_end(j, ']');
}

void json_key(struct json *j, const char *key)
{
	assert(j->depth > 0 && !j->after_key);
	separate(j);
	write_string(j, key);
	outbuf_put(&j->out, ": ", j->pretty ? 2 : 1);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	separate(j);
	write_string(j, s);
	value_done(j);
}

void json_u64(struct json *j, uint64_t v)
{
	char *p;

	separate(j);
	p = outbuf_reserve(&j->out, DEC_MAX);
	outbuf_commit(&j->out, dec_u64(p, v));
	value_done(j);
}

void json_s64(struct json *j, int64_t v)
{
	char *p;

	separate(j);
	p = outbuf_reserve(&j->out, DEC_MAX);
	outbuf_commit(&j->out, dec_s64(p, v));
	value_done(j);
}

void json_bool(struct json *j, bool v)
{
	separate(j);
	if (v)
		outbuf_put(&j->out, "true", 4);
	else
		outbuf_put(&j->out, "false", 5);
	value_done(j);
}

void json_null(struct json *j)
{
	separate(j);
	outbuf_put(&j->out, "null", 4);
	value_done(j);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_s64(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_s64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_kv_null(struct json *j, const char *key)
{
	json_key(j, key);
	json_null(j);
}
