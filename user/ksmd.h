/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "ksmctl ksmd": the settings of the kernel's ksmd thread, as
 * /sys/kernel/mm/ksm/ has them (a kernel has some of them). No module
 * needed. Functions take the directory, for tests.
 */
#ifndef KSMD_H
#define KSMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum knob_type {
	KNOB_RUN,	/* 0 stop, 1 run, 2 unmerge; or stop, start, unmerge */
	KNOB_UINT,	/* a number in [min, max] */
	KNOB_BOOL,	/* 0 or 1 */
	KNOB_MODE,	/* advisor_mode: none or scan-time */
};

struct knob {
	const char *name;
	enum knob_type type;
	uint64_t min, max;
	const char *help;
};

extern const struct knob ksmd_knobs[];
extern const size_t ksmd_nknobs;

/* A knob's value: a number, or the mode's name */
struct knob_value {
	bool present;		/* this kernel has the knob */
	uint64_t num;
	char mode[32];
};

/* Every knob of @dir into @v (ksmd_nknobs of them). */
void ksmd_read(const char *dir, struct knob_value *v);

/*
 * "KNOB=VALUE" into @knob (an index of ksmd_knobs) and @value: 0, or -1
 * with what is wrong in @err.
 */
int ksmd_parse(const char *arg, size_t *knob, struct knob_value *value, char *err,
	       size_t errsize);

/* Write @value to knob @knob of @dir: 0 or -errno. */
int ksmd_write(const char *dir, size_t knob, const struct knob_value *value);

void ksmd_print_text(FILE *f, const struct knob_value *v);
void ksmd_print_json(FILE *f, const struct knob_value *v);

#endif
