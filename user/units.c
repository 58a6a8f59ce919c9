// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "units.h"

static const char *const unit_names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

static char *fmt_magnitude(char *buf, const char *sign, uint64_t v)
{
	unsigned int k, shift, decimals, i;
	uint64_t mask, rem, r, scale;

	if (v < 1024) {
		snprintf(buf, BYTES_STR_MAX, "%s%" PRIu64 " B", sign, v);
		return buf;
	}

	/* Largest unit 1024^k not above v; EiB is the last one. */
	for (k = 1; k < 6 && v >> (10 * (k + 1)); ++k)
		;
	shift = 10 * k;
	mask = (UINT64_C(1) << shift) - 1;
	r = v >> shift;
	rem = v & mask;
	decimals = r < 10 ? 2 : r < 100 ? 1 : 0;

	/* Long division for the decimals; rem < 2^60 so rem * 10 fits. */
	for (i = 0, scale = 1; i < decimals; ++i, scale *= 10) {
		rem *= 10;
		r = r * 10 + (rem >> shift);
		rem &= mask;
	}
	if (rem >= UINT64_C(1) << (shift - 1))
		++r;

	/*
	 * r holds three significant digits, unless rounding carried into a
	 * fourth: 9.995 -> 10.0, 99.95 -> 100.
	 */
	if (decimals && r == 1000) {
		r /= 10;
		scale /= 10;
		--decimals;
	}
	/* Rounding carried into the next unit: 1023.5 KiB -> 1.00 MiB. */
	if (!decimals && r >= 1024) {
		++k;
		r = 100;
		scale = 100;
		decimals = 2;
	}

	if (decimals)
		snprintf(buf, BYTES_STR_MAX, "%s%" PRIu64 ".%0*" PRIu64 " %s", sign,
			 r / scale, (int)decimals, r % scale, unit_names[k]);
	else
		snprintf(buf, BYTES_STR_MAX, "%s%" PRIu64 " %s", sign, r, unit_names[k]);
	return buf;
}

char *fmt_bytes(char buf[static BYTES_STR_MAX], uint64_t bytes)
{
	return fmt_magnitude(buf, "", bytes);
}

char *fmt_bytes_signed(char buf[static BYTES_STR_MAX], int64_t bytes)
{
	if (bytes < 0)
		return fmt_magnitude(buf, "-", UINT64_C(0) - (uint64_t)bytes);
	return fmt_magnitude(buf, "", (uint64_t)bytes);
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse the digits at *strp in @base, leaving *strp at the first character
 * that is not a digit. At least one digit is required.
 */
static int parse_digits(const char **strp, unsigned int base, uint64_t *out)
{
	const char *p = *strp;
	bool overflow = false;
	uint64_t v = 0;
	int d;

	for (; (d = digit_value(*p)) >= 0 && (unsigned int)d < base; ++p) {
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			overflow = true;
		else
			v = v * base + (unsigned int)d;
	}
	if (p == *strp)
		return -EINVAL;
	*strp = p;
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

static bool is_hex_prefix(const char *str)
{
	return str[0] == '0' && (str[1] == 'x' || str[1] == 'X');
}

int parse_u64(const char *str, uint64_t *out)
{
	const char *p = str;
	unsigned int base = 10;
	uint64_t v;
	int ret;

	if (!str)
		return -EINVAL;
	if (is_hex_prefix(p)) {
		base = 16;
		p += 2;
	}
	ret = parse_digits(&p, base, &v);
	if (ret == -EINVAL || *p)
		return -EINVAL;
	if (ret)
		return ret;
	*out = v;
	return 0;
}

int parse_size(const char *str, uint64_t *out)
{
	static const char suffixes[] = "KMGTPE";
	const char *p = str;
	unsigned int shift = 0, i;
	uint64_t v;
	int ret;

	if (!str)
		return -EINVAL;
	if (is_hex_prefix(str))
		return parse_u64(str, out);

	ret = parse_digits(&p, 10, &v);
	if (ret == -EINVAL)
		return ret;

	if (*p == 'B') {
		++p;
	} else if (*p) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;

		for (i = 0; suffixes[i] && suffixes[i] != c; ++i)
			;
		if (!suffixes[i])
			return -EINVAL;
		shift = 10 * (i + 1);
		++p;
		if (p[0] == 'i' && p[1] == 'B')
			p += 2;
	}
	if (*p)
		return -EINVAL;
	if (ret)
		return ret;
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}
