/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of command-line values. Every function returns 0 and stores the
 * value, or -EINVAL (-ERANGE where noted) and leaves the output untouched;
 * the caller prints the error, quoting the input.
 */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>
#include <stdint.h>

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_PROMETHEUS,
};

/* The output format of a command: -j sets JSON, -o can change it. */
enum output_format output_default(void);

/* "text", "json" or "prometheus". */
int parse_output(const char *str, enum output_format *out);

/*
 * A process id: decimal digits only (no sign, no "0x", no blanks), from 1
 * to 2^31 - 1, the range of pid_t. "42x", "0", "-1", "+1" and "" are
 * rejected.
 */
int parse_pid(const char *str, uint32_t *pid);

/* A row count for --top: decimal, 1 to 2^32 - 1. */
int parse_count(const char *str, uint32_t *count);

/*
 * An address range "START-END": each bound decimal or "0x" hex (as
 * parse_u64()), END exclusive and above START. Blanks, a missing bound, a
 * second '-' and START >= END are rejected.
 */
int parse_range(const char *str, uint64_t *start, uint64_t *end);

/*
 * A comma-separated list of memory classes, "heap", "stack", "anon" and
 * "file", into a KSMCTL_CLASS_* mask. On -EINVAL *bad and *bad_len point at
 * the item that is not a class (possibly empty: "heap,,file").
 */
int parse_classes(const char *str, uint32_t *mask, const char **bad, size_t *bad_len);

#endif
