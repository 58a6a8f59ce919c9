// SPDX-License-Identifier: GPL-2.0

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "json.h"
#include "table.h"

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/*
 * The escaped length and the display width of @s: a control character
 * becomes four bytes, and UTF-8 continuation bytes take no column.
 */
static void escape_measure(const char *s, size_t *len, size_t *width)
{
	size_t l = 0, w = 0;

	for (; *s; ++s) {
		unsigned char c = (unsigned char)*s;

		if (is_control(c)) {
			l += 4;
			w += 4;
		} else {
			l += 1;
			w += (c & 0xc0) != 0x80;
		}
	}
	*len = l;
	*width = w;
}

/* @s escaped at @out (room for its escaped length); no NUL is added. */
static void escape_to(char *out, const char *s, size_t len)
{
	size_t i;

	if (len == strlen(s)) {		/* nothing to escape */
		memcpy(out, s, len);
		return;
	}
	for (i = 0; s[i]; ++i) {
		unsigned char c = (unsigned char)s[i];

		if (is_control(c)) {
			*out++ = '\\';
			*out++ = (char)('0' + (c >> 6));
			*out++ = (char)('0' + ((c >> 3) & 7));
			*out++ = (char)('0' + (c & 7));
		} else {
			*out++ = (char)c;
		}
	}
}

char *text_escape(const char *s)
{
	size_t len, width;
	char *out;

	escape_measure(s, &len, &width);
	out = malloc(len + 1);
	if (!out)
		return NULL;
	escape_to(out, s, len);
	out[len] = '\0';
	return out;
}

void field(FILE *f, const char *label, const char *fmt, ...)
{
	int pad = FIELD_LABEL_WIDTH - 1 - (int)strlen(label);
	va_list ap;

	fprintf(f, "%s:%*s", label, pad > 1 ? pad : 1, "");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void table_init(struct table *t, const struct table_col *cols, unsigned int ncols)
{
	assert(ncols <= TABLE_MAX_COLS);
	*t = (struct table){ .ncols = ncols, .cols = cols };
}

/* Append @s, escaped, to t->text and describe it in @cell; -ENOMEM. */
static int add_cell(struct table *t, const char *s, struct table_cell *cell)
{
	size_t len, width;

	escape_measure(s, &len, &width);
	if (len > UINT_MAX)
		return -ENOMEM;
	*cell = (struct table_cell){ .text = t->text_len, .len = (unsigned int)len,
				     .width = (unsigned int)width };
	if (!len)
		return 0;
	if (t->text_cap - t->text_len < len) {
		size_t cap = t->text_cap ? t->text_cap : 4096;
		char *text;

		while (cap - t->text_len < len)
			cap *= 2;
		text = realloc(t->text, cap);
		if (!text)
			return -ENOMEM;
		t->text = text;
		t->text_cap = cap;
	}
	escape_to(t->text + t->text_len, s, len);
	t->text_len += len;
	return 0;
}

void table_add(struct table *t, ...)
{
	struct table_cell *row, *cells;
	unsigned int c;
	va_list ap;

	if (t->failed)
		return;
	cells = array_grow(t->cells, &t->cap, t->nrows, t->ncols * sizeof(*cells), 32);
	if (!cells) {
		t->failed = true;
		return;
	}
	t->cells = cells;
	row = &t->cells[t->nrows * t->ncols];
	va_start(ap, t);
	for (c = 0; c < t->ncols; ++c) {
		const char *s = va_arg(ap, const char *);

		if (add_cell(t, s ? s : "", &row[c])) {
			t->failed = true;
			break;
		}
		if (row[c].width > t->widths[c])
			t->widths[c] = row[c].width;
	}
	va_end(ap);
	++t->nrows;
}

static void put_blanks(struct outbuf *o, size_t n)
{
	while (n) {
		size_t k = n < 256 ? n : 256;

		memset(outbuf_reserve(o, k), ' ', k);
		outbuf_commit(o, k);
		n -= k;
	}
}

/* What print_row() needs of a cell. */
struct cell_text {
	const char *s;
	size_t len, width;
};

/* Blanks are held back until text follows them: no line ends in blanks. */
static void print_row(const struct table *t, struct outbuf *o, const size_t *widths,
		      const struct cell_text *cells)
{
	size_t pending = 0;
	unsigned int c;

	for (c = 0; c < t->ncols; ++c) {
		size_t w = cells[c].width;

		if (c)
			pending += 2;
		if (t->cols[c].right)
			pending += widths[c] - w;
		if (w) {
			put_blanks(o, pending);
			outbuf_put(o, cells[c].s, cells[c].len);
			pending = 0;
		}
		if (!t->cols[c].right)
			pending += widths[c] - w;
	}
	outbuf_putc(o, '\n');
}

/* Display width of a heading: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; ++s)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

int table_print(const struct table *t, FILE *f)
{
	struct cell_text cells[TABLE_MAX_COLS];
	size_t widths[TABLE_MAX_COLS];
	unsigned int c;
	struct outbuf o;
	size_t r;

	if (t->failed)
		return -ENOMEM;
	outbuf_init(&o, f);
	for (c = 0; c < t->ncols; ++c) {
		const char *head = t->cols[c].head;

		cells[c] = (struct cell_text){ head, strlen(head), width(head) };
		widths[c] = cells[c].width > t->widths[c] ? cells[c].width : t->widths[c];
	}
	print_row(t, &o, widths, cells);
	for (r = 0; r < t->nrows; ++r) {
		const struct table_cell *row = &t->cells[r * t->ncols];

		for (c = 0; c < t->ncols; ++c)
			cells[c] = (struct cell_text){ row[c].len ? t->text + row[c].text : "",
						       row[c].len, row[c].width };
		print_row(t, &o, widths, cells);
	}
	outbuf_flush(&o);
	return 0;
}

void table_free(struct table *t)
{
	free(t->cells);
	free(t->text);
	*t = (struct table){ 0 };
}
