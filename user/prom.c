// SPDX-License-Identifier: GPL-2.0

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * @str escaped as a label value at @out, or only measured if @out is NULL;
 * return the length. Runs of bytes that need no escaping are copied whole.
 */
static size_t escape_value(char *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	unsigned int len;
	size_t n = 0;

	for (;;) {
		unsigned char c = *s;
		const char *esc;

		if (c && c < 0x80 && c != '\\' && c != '"' && c != '\n') {
			++s;
			continue;
		}
		if (c >= 0x80 && (len = utf8_sequence(s))) {
			s += len;
			continue;
		}
		if (out)
			memcpy(out + n, run, (size_t)(s - run));
		n += (size_t)(s - run);
		if (!c)
			return n;
		if (c == '\\')
			esc = "\\\\";
		else if (c == '"')
			esc = "\\\"";
		else if (c == '\n')
			esc = "\\n";
		else
			esc = "\xef\xbf\xbd";	/* U+FFFD */
		len = (unsigned int)strlen(esc);
		if (out)
			memcpy(out + n, esc, len);
		n += len;
		run = ++s;
	}
}

char *prom_labels(unsigned int n, const char *const keys[], const char *const values[])
{
	size_t len = 0, at = 0, klen;
	unsigned int i;
	char *buf;

	/* {k1="v1",k2="v2"}: 4 bytes around each pair, 1 for the end. */
	for (i = 0; i < n; ++i)
		len += strlen(keys[i]) + escape_value(NULL, values[i]) + 4;
	buf = malloc(len + (n ? 1 : 0) + 1);
	if (!buf)
		return NULL;
	for (i = 0; i < n; ++i) {
		buf[at++] = i ? ',' : '{';
		klen = strlen(keys[i]);
		memcpy(buf + at, keys[i], klen);
		at += klen;
		buf[at++] = '=';
		buf[at++] = '"';
		at += escape_value(buf + at, values[i]);
		buf[at++] = '"';
	}
	if (n)
		buf[at++] = '}';
	buf[at] = '\0';
	return buf;
}

/* "name{labels} value\n"; @value has the blank and the newline. */
static void sample(FILE *f, const char *name, const char *labels, const char *value, size_t len)
{
	fputs(name, f);
	fputs(labels, f);
	fwrite(value, 1, len, f);
}

void prom_sample_u64(FILE *f, const char *name, const char *labels, uint64_t v)
{
	char value[DEC_MAX + 2];
	size_t len;

	value[0] = ' ';
	len = 1 + dec_u64(value + 1, v);
	value[len++] = '\n';
	sample(f, name, labels, value, len);
}

void prom_sample_s64(FILE *f, const char *name, const char *labels, int64_t v)
{
	char value[DEC_MAX + 2];
	size_t len;

	value[0] = ' ';
	len = 1 + dec_s64(value + 1, v);
	value[len++] = '\n';
	sample(f, name, labels, value, len);
}

void prom_sample_milli(FILE *f, const char *name, const char *labels, uint64_t num)
{
	char value[DEC_MAX + 8];
	int len = snprintf(value, sizeof(value), " %" PRIu64 ".%03u\n", num / 1000,
			   (unsigned int)(num % 1000));

	sample(f, name, labels, value, (size_t)len);
}

static void put_str(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

void prom_family_out(struct outbuf *o, const char *name, const char *type, const char *help)
{
	put_str(o, "# HELP ");
	put_str(o, name);
	outbuf_putc(o, ' ');
	put_str(o, help);
	put_str(o, "\n# TYPE ");
	put_str(o, name);
	outbuf_putc(o, ' ');
	put_str(o, type);
	outbuf_putc(o, '\n');
}

/* "name{labels} ", then the value and a newline. */
static char *sample_start(struct outbuf *o, const char *name, const char *labels)
{
	char *p;

	put_str(o, name);
	put_str(o, labels);
	p = outbuf_reserve(o, DEC_MAX + 2);
	*p = ' ';
	return p + 1;
}

void prom_sample_u64_out(struct outbuf *o, const char *name, const char *labels, uint64_t v)
{
	char *p = sample_start(o, name, labels);
	unsigned int n = dec_u64(p, v);

	p[n] = '\n';
	outbuf_commit(o, n + 2);
}

void prom_sample_s64_out(struct outbuf *o, const char *name, const char *labels, int64_t v)
{
	char *p = sample_start(o, name, labels);
	unsigned int n = dec_s64(p, v);

	p[n] = '\n';
	outbuf_commit(o, n + 2);
}
