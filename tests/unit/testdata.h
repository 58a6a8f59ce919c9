/* SPDX-License-Identifier: GPL-2.0 */
/* Inputs the tests build. */
#ifndef TESTDATA_H
#define TESTDATA_H

#include <stdlib.h>
#include <string.h>

/* @n bytes of @unit repeated, NUL-terminated, malloc()ed. */
static inline char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	for (i = 0; i < n; ++i)
		s[i] = unit[i % len];
	s[n] = '\0';
	return s;
}

#endif
