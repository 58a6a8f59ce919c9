// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <string.h>

#include <linux/ksmctl.h>

#include "args.h"
#include "options.h"
#include "units.h"

enum output_format output_default(void)
{
	return opt_json ? OUTPUT_JSON : OUTPUT_TEXT;
}

int parse_output(const char *str, enum output_format *out)
{
	if (!strcmp(str, "text"))
		*out = OUTPUT_TEXT;
	else if (!strcmp(str, "json"))
		*out = OUTPUT_JSON;
	else if (!strcmp(str, "prometheus"))
		*out = OUTPUT_PROMETHEUS;
	else
		return -EINVAL;
	return 0;
}

/* Decimal digits only, within [min, max]. */
static int parse_decimal(const char *str, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!str[0] || strspn(str, "0123456789") != strlen(str))
		return -EINVAL;
	if (parse_u64(str, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_pid(const char *str, uint32_t *pid)
{
	uint64_t v;

	if (parse_decimal(str, 1, INT32_MAX, &v))
		return -EINVAL;
	*pid = (uint32_t)v;
	return 0;
}

int parse_count(const char *str, uint32_t *count)
{
	uint64_t v;

	if (parse_decimal(str, 1, UINT32_MAX, &v))
		return -EINVAL;
	*count = (uint32_t)v;
	return 0;
}

int parse_range(const char *str, uint64_t *start, uint64_t *end)
{
	const char *dash = strchr(str, '-');
	char first[32];
	uint64_t s, e;
	size_t len;

	if (!dash)
		return -EINVAL;
	len = (size_t)(dash - str);
	if (len >= sizeof(first))
		return -EINVAL;
	memcpy(first, str, len);
	first[len] = '\0';
	if (parse_u64(first, &s) || parse_u64(dash + 1, &e) || s >= e)
		return -EINVAL;
	*start = s;
	*end = e;
	return 0;
}

int parse_classes(const char *str, uint32_t *mask, const char **bad, size_t *bad_len)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} classes[] = {
		{ "heap", KSMCTL_CLASS_HEAP },
		{ "stack", KSMCTL_CLASS_STACK },
		{ "anon", KSMCTL_CLASS_ANON },
		{ "file", KSMCTL_CLASS_FILE },
	};
	const char *p = str;
	uint32_t m = 0;
	size_t len, i;

	for (;;) {
		len = strcspn(p, ",");
		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); ++i) {
			if (strlen(classes[i].name) == len && !strncmp(p, classes[i].name, len))
				break;
		}
		if (i == sizeof(classes) / sizeof(classes[0])) {
			*bad = p;
			*bad_len = len;
			return -EINVAL;
		}
		m |= classes[i].bit;
		if (!p[len])
			break;
		p += len + 1;
	}
	*mask = m;
	return 0;
}
