/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer. Every check prints one "ok N - suite: what" or
 * "not ok N - ..." line, with the values on "#" lines when it fails;
 * tap_done() prints the plan and returns the exit status. Results go to the
 * stdout of the start of the program, so tests may swap stdout and stderr.
 */
#ifndef TAP_H
#define TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static FILE *tap_out;
static const char *tap_suite;
static unsigned int tap_count, tap_failures;

static inline void tap_begin(const char *suite)
{
	tap_out = stdout;
	tap_suite = suite;
	fputs("TAP version 13\n", tap_out);
}

static inline int tap_done(void)
{
	fprintf(tap_out, "1..%u\n", tap_count);
	fflush(tap_out);
	return tap_failures ? 1 : 0;
}

static inline void tap_vresult(bool pass, const char *fmt, va_list ap)
{
	fprintf(tap_out, "%sok %u - %s: ", pass ? "" : "not ", ++tap_count, tap_suite);
	vfprintf(tap_out, fmt, ap);
	fputc('\n', tap_out);
	fflush(tap_out);
	if (!pass)
		++tap_failures;
}

/* Print @s on "#" lines, showing line ends and control bytes. */
static inline void tap_diag_string(const char *label, const char *s)
{
	fprintf(tap_out, "#   %s:", label);
	if (!s) {
		fputs(" (null)\n", tap_out);
		return;
	}
	fputs("\n#     |", tap_out);
	for (; *s; ++s) {
		if (*s == '\n')
			fputs(*(s + 1) ? "$\n#     |" : "$", tap_out);
		else if ((unsigned char)*s < 0x20)
			fprintf(tap_out, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, tap_out);
	}
	fputc('\n', tap_out);
}

static inline bool ok(bool pass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	return pass;
}

static inline void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	fprintf(tap_out, "ok %u - %s: ", ++tap_count, tap_suite);
	va_start(ap, fmt);
	vfprintf(tap_out, fmt, ap);
	va_end(ap);
	fprintf(tap_out, " # SKIP %s\n", reason);
	fflush(tap_out);
}

static inline bool is_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool is_str(const char *got, const char *want, const char *fmt, ...)
{
	bool pass = got && want ? !strcmp(got, want) : got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_diag_string("got", got);
		tap_diag_string("expected", want);
	}
	return pass;
}

static inline bool is_int(int64_t got, int64_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool is_int(int64_t got, int64_t want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		fprintf(tap_out, "#   got: %" PRId64 "\n#   expected: %" PRId64 "\n", got, want);
	return got == want;
}

static inline bool is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		fprintf(tap_out, "#   got: %" PRIu64 "\n#   expected: %" PRIu64 "\n", got, want);
	return got == want;
}

#endif
