/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture what the code under test writes to stdout and stderr. glibc lets
 * a program assign the stdout and stderr variables, so printf() and
 * fprintf(stderr, ...) land in memory streams until capture_end().
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

struct capture {
	FILE *saved_out, *saved_err;
	char *out, *err;
	size_t out_len, err_len;
};

static inline void capture_begin(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	c->saved_out = stdout;
	c->saved_err = stderr;
	c->out = c->err = NULL;
	stdout = open_memstream(&c->out, &c->out_len);
	stderr = open_memstream(&c->err, &c->err_len);
	if (!stdout || !stderr)
		abort();
}

static inline void capture_end(struct capture *c)
{
	fclose(stdout);
	fclose(stderr);
	stdout = c->saved_out;
	stderr = c->saved_err;
}

static inline void capture_free(struct capture *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

#endif
