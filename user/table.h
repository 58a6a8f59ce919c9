/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text layout shared by the commands: "label:   value" blocks and tables
 * whose columns are as wide as their widest cell. Columns are separated by
 * two spaces; the last one is not padded, so no line ends in blanks.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * A malloc()ed copy of @s for a terminal: control characters (bytes below
 * 0x20, and 0x7f) become \ooo octal escapes, as in /proc/PID/maps. NULL if
 * out of memory.
 */
char *text_escape(const char *s);

/* Width of the label column of a block, colon included, as in "status". */
#define FIELD_LABEL_WIDTH 18

/* "label:" padded to FIELD_LABEL_WIDTH, then the value and a newline. */
void field(FILE *f, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TABLE_MAX_COLS 8

struct table_col {
	const char *head;
	bool right;		/* right-aligned (numbers) */
};

/* A cell: its escaped text in table.text, and how wide it shows. */
struct table_cell {
	size_t text;			/* offset in table.text */
	unsigned int len;		/* bytes */
	unsigned int width;		/* columns, as the padding counts them */
};

struct table {
	unsigned int ncols;
	const struct table_col *cols;
	struct table_cell *cells;	/* row-major, ncols per row */
	size_t nrows, cap;
	char *text;			/* the text of every cell, one after the other */
	size_t text_len, text_cap;
	size_t widths[TABLE_MAX_COLS];	/* the widest cell of each column */
	bool failed;			/* out of memory: table_print() reports it */
};

void table_init(struct table *t, const struct table_col *cols, unsigned int ncols);

/* Add a row of ncols cells (copied through text_escape(); NULL is empty). */
void table_add(struct table *t, ...);

/* Print the heading and the rows; -ENOMEM if a row could not be added. */
int table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

#endif
