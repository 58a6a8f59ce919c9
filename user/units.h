/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human-readable sizes, and strict parsing of numbers and sizes.
 *
 * Formatting rule (fmt_bytes, fmt_bytes_signed):
 *   - below 1024 bytes the exact count is printed: "0 B", "1023 B";
 *   - otherwise the largest binary unit (KiB, MiB, GiB, TiB, PiB, EiB) that
 *     leaves a value of at least 1 is used, with three significant digits:
 *     two decimals below 10, one decimal below 100, none from 100 to 1023
 *     ("4.00 KiB", "12.3 MiB", "512 MiB", "1023 MiB");
 *   - rounding is half away from zero, computed exactly in integers; when it
 *     carries into the next decade or unit the shorter form is used
 *     (9.996 KiB -> "10.0 KiB", 1023.5 KiB -> "1.00 MiB");
 *   - negative values get a leading '-': "-4.00 KiB".
 */
#ifndef UNITS_H
#define UNITS_H

#include <stdint.h>

/* Room for every string fmt_bytes() and fmt_bytes_signed() produce. */
#define BYTES_STR_MAX 32

char *fmt_bytes(char buf[static BYTES_STR_MAX], uint64_t bytes);
char *fmt_bytes_signed(char buf[static BYTES_STR_MAX], int64_t bytes);

/*
 * parse_u64() accepts decimal digits, or "0x"/"0X" followed by hex digits.
 * Nothing else: no sign, no white space, no empty string, no trailing text.
 * Leading zeros are decimal ("010" is ten).
 *
 * parse_size() accepts what parse_u64() accepts and, for decimal numbers
 * only, one binary suffix: K, M, G, T, P or E (either case, powers of 1024),
 * optionally followed by "iB"; or "B" alone. "16M", "16MiB", "1g", "512B".
 *
 * Both return 0 and store the value, -EINVAL for malformed input or -ERANGE
 * when the value does not fit in 64 bits; *out is untouched on error.
 */
int parse_u64(const char *str, uint64_t *out);
int parse_size(const char *str, uint64_t *out);

#endif
