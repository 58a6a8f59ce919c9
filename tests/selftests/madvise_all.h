/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a program that opts itself in does: madvise(MADV_MERGEABLE) every
 * mapping of /proc/self/maps (the kernel refuses those KSM cannot take).
 * Shared by the test targets, which are single-file static programs.
 */
#ifndef MADVISE_ALL_H
#define MADVISE_ALL_H

#include <stdio.h>
#include <sys/mman.h>

static inline void madvise_all(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long s, e;
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2)
			madvise((void *)s, e - s, MADV_MERGEABLE);
	fclose(f);
}

#endif
