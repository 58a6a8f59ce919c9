// SPDX-License-Identifier: GPL-2.0

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

char *text_escape(const char *s)
{
	size_t len = 0, i;
	char *out, *o;

	for (i = 0; s[i]; ++i)
		len += is_control((unsigned char)s[i]) ? 4 : 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	for (o = out, i = 0; s[i]; ++i) {
		unsigned char c = (unsigned char)s[i];

		if (is_control(c)) {
			*o++ = '\\';
			*o++ = (char)('0' + (c >> 6));
			*o++ = (char)('0' + ((c >> 3) & 7));
			*o++ = (char)('0' + (c & 7));
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
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

void table_add(struct table *t, ...)
{
	unsigned int c;
	va_list ap;

	if (t->failed)
		return;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));

		if (!cells) {
			t->failed = true;
			return;
		}
		t->cells = cells;
		t->cap = cap;
	}
	va_start(ap, t);
	for (c = 0; c < t->ncols; ++c) {
		const char *s = va_arg(ap, const char *);
		char *copy = text_escape(s ? s : "");

		if (!copy)
			t->failed = true;
		t->cells[t->nrows * t->ncols + c] = copy;
	}
	va_end(ap);
	++t->nrows;
}

/* Display width of a cell: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; ++s)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Blanks are held back until text follows them: no line ends in blanks. */
static void print_row(const struct table *t, FILE *f, const size_t *widths, const char *const *cells)
{
	size_t pending = 0;
	unsigned int c;

	for (c = 0; c < t->ncols; ++c) {
		size_t w = width(cells[c]);

		if (c)
			pending += 2;
		if (t->cols[c].right)
			pending += widths[c] - w;
		if (w) {
			fprintf(f, "%*s%s", (int)pending, "", cells[c]);
			pending = 0;
		}
		if (!t->cols[c].right)
			pending += widths[c] - w;
	}
	fputc('\n', f);
}

int table_print(const struct table *t, FILE *f)
{
	size_t widths[TABLE_MAX_COLS] = { 0 };
	const char *heads[TABLE_MAX_COLS];
	unsigned int c;
	size_t r;

	if (t->failed)
		return -ENOMEM;
	for (c = 0; c < t->ncols; ++c) {
		heads[c] = t->cols[c].head;
		widths[c] = width(heads[c]);
		for (r = 0; r < t->nrows; ++r) {
			size_t w = width(t->cells[r * t->ncols + c]);

			if (w > widths[c])
				widths[c] = w;
		}
	}
	print_row(t, f, widths, heads);
	for (r = 0; r < t->nrows; ++r)
		print_row(t, f, widths, (const char *const *)&t->cells[r * t->ncols]);
	return 0;
}

void table_free(struct table *t)
{
	size_t i, n = t->nrows * t->ncols;

	/* A failed row may have NULL cells: free(NULL) is fine. */
	for (i = 0; i < n; ++i)
		free(t->cells[i]);
	free(t->cells);
	*t = (struct table){ 0 };
}
