// SPDX-License-Identifier: GPL-2.0
/*
 * A program that never calls madvise() (unless told to), holding data that
 * is identical in every copy: an mmap()ed region, the heap (many 16 KiB
 * malloc()s, as real programs have), .bss and its stack. It checks every
 * byte of it on request, so merging can be shown to corrupt nothing.
 *
 *   ksm_target [--madvise] [--prctl] MIB
 *
 * --madvise: madvise(MADV_MERGEABLE) every mapping in /proc/self/maps, the
 *            best a program can do for itself; --prctl: PR_SET_MEMORY_MERGE.
 *
 * Prints "ready <pid>" when set up, then reads commands from stdin, one a
 * line, and answers each with one line:
 *   check   "ok" if every page holds what was written, else "bad <where>"
 *   write   rewrite every other page (copy-on-write of merged pages): "ok"
 *   quit    exit
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "madvise_all.h"

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif

#define PAGE		4096
#define HEAP_CHUNK	(16 * 1024)
#define HEAP_CHUNKS	256			/* 4 MiB of small allocations */
#define BSS_PAGES	64
#define STACK_PAGES	16

static char bss[BSS_PAGES * PAGE] __attribute__((aligned(PAGE)));

struct region {
	const char *name;
	char *base;
	size_t pages;
	unsigned char *gen;	/* per page: how often it was rewritten */
};

static void fill_page(char *p, int region, size_t i, unsigned int gen)
{
	uint64_t x = ((uint64_t)region << 40) ^ ((uint64_t)i << 8) ^ gen;
	size_t k;

	for (k = 0; k < PAGE / 8; k++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(p + k * 8, &x, 8);
	}
}

static int check_page(const char *p, int region, size_t i, unsigned int gen)
{
	char want[PAGE];

	fill_page(want, region, i, gen);
	return memcmp(p, want, PAGE) == 0;
}

static struct region regions[3 + HEAP_CHUNKS];
static int nregions;

static void add_region(const char *name, char *base, size_t pages)
{
	struct region *r = &regions[nregions];
	size_t i;

	r->name = name;
	r->base = base;
	r->pages = pages;
	r->gen = calloc(pages, 1);
	if (!r->gen)
		exit(1);
	for (i = 0; i < pages; i++)
		fill_page(base + i * PAGE, nregions, i, 0);
	nregions++;
}

static int serve(void)
{
	char cmd[64];
	int r;
	size_t i;

	while (fgets(cmd, sizeof(cmd), stdin)) {
		if (!strncmp(cmd, "check", 5)) {
			const char *bad = NULL;

			for (r = 0; r < nregions && !bad; r++)
				for (i = 0; i < regions[r].pages; i++)
					if (!check_page(regions[r].base + i * PAGE, r, i,
							regions[r].gen[i])) {
						bad = regions[r].name;
						break;
					}
			if (bad)
				printf("bad %s\n", bad);
			else
				printf("ok\n");
		} else if (!strncmp(cmd, "write", 5)) {
			for (r = 0; r < nregions; r++)
				for (i = 0; i < regions[r].pages; i += 2) {
					regions[r].gen[i]++;
					fill_page(regions[r].base + i * PAGE, r, i,
						  regions[r].gen[i]);
				}
			printf("ok\n");
		} else if (!strncmp(cmd, "quit", 4)) {
			return 0;
		} else {
			printf("unknown\n");
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char *argv[])
{
	char stack[STACK_PAGES * PAGE + PAGE];
	int self_madvise = 0, self_prctl = 0, i = 1, c;
	size_t mib;
	char *mem;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--madvise"))
			self_madvise = 1;
		else if (!strcmp(argv[i], "--prctl"))
			self_prctl = 1;
	}
	if (i >= argc) {
		fprintf(stderr, "Usage: %s [--madvise] [--prctl] MIB\n", argv[0]);
		return 2;
	}
	mib = strtoul(argv[i], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);

	mem = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	add_region("mmap", mem, (mib << 20) / PAGE);
	add_region("bss", bss, BSS_PAGES);
	add_region("stack", (char *)(((uintptr_t)stack + PAGE - 1) & ~(uintptr_t)(PAGE - 1)),
		   STACK_PAGES);
	for (c = 0; c < HEAP_CHUNKS; c++) {
		/* page-aligned so page contents are the same in every copy */
		char *p = aligned_alloc(PAGE, HEAP_CHUNK);

		if (!p)
			return 1;
		add_region("heap", p, HEAP_CHUNK / PAGE);
	}

	if (self_prctl && prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0)) {
		printf("noprctl\n");
		return 3;
	}
	if (self_madvise)
		madvise_all();
	printf("ready %d %p\n", getpid(), (void *)mem);
	return serve();
}
