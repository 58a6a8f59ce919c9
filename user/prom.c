// SPDX-License-Identifier: GPL-2.0

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "prom.h"

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void escape_value(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int len;

	while (*s) {
		if (*s == '\\') {
			fputs("\\\\", f);
		} else if (*s == '"') {
			fputs("\\\"", f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s < 0x80) {
			fputc(*s, f);
		} else if ((len = utf8_sequence(s))) {
			fwrite(s, 1, len, f);
			s += len;
			continue;
		} else {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
		}
		++s;
	}
}

char *prom_labels(unsigned int n, const char *const keys[], const char *const values[])
{
	char *buf = NULL;
	size_t len;
	unsigned int i;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (i = 0; i < n; ++i) {
		fprintf(f, "%s%s=\"", i ? "," : "{", keys[i]);
		escape_value(f, values[i]);
		fputc('"', f);
	}
	if (n)
		fputc('}', f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void prom_sample_u64(FILE *f, const char *name, const char *labels, uint64_t v)
{
	fprintf(f, "%s%s %" PRIu64 "\n", name, labels, v);
}

void prom_sample_s64(FILE *f, const char *name, const char *labels, int64_t v)
{
	fprintf(f, "%s%s %" PRId64 "\n", name, labels, v);
}
