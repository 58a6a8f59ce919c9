/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growable arrays: the lists of processes, VMAs and rules.
 */
#ifndef ARRAY_H
#define ARRAY_H

#include <stdint.h>
#include <stdlib.h>

/*
 * Room for one more in @items, an array of @size-byte items of which @n
 * are used and *@cap allocated: the array, reallocated to twice its
 * capacity (or to @first items) when it is full; NULL when that fails or
 * overflows, and then @items and *@cap are unchanged.
 */
static inline void *array_grow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want = *cap ? *cap * 2 : first;
	void *p;

	if (n < *cap)
		return items;
	if (want < *cap || want > SIZE_MAX / size)
		return NULL;
	p = realloc(items, want * size);
	if (p)
		*cap = want;
	return p;
}

#endif
