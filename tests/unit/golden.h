/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Golden-text tests: each case renders into a stream, and what it wrote
 * must be the text the case holds, byte for byte. "test_x dump" prints
 * every case's output instead, to write or review the golden text.
 */
#ifndef GOLDEN_H
#define GOLDEN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct golden {
	const char *name;
	void (*render)(FILE *f);
	const char *want;
};

/* With the argument "dump": print every case's output; true if so. */
static inline bool golden_dump(int argc, char *argv[], const struct golden *cases, size_t n)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "dump"))
		return false;
	for (i = 0; i < n; ++i) {
		printf("=== %s\n", cases[i].name);
		cases[i].render(stdout);
	}
	return true;
}

/* Each case as a TAP test. */
static inline void golden_check(const struct golden *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; ++i) {
		char *data = NULL;
		size_t len;
		FILE *f = open_memstream(&data, &len);

		if (!f)
			abort();
		cases[i].render(f);
		fclose(f);
		is_str(data, cases[i].want, "%s", cases[i].name);
		free(data);
	}
}

#endif
