// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven decoding of reply nests (decode.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>

#include "decode.h"

static const struct {
	uint16_t type, len;	/* exact length, or 0 */
} wire[] = {
	[FIELD_U8]	= { NLA_U8, sizeof(uint8_t) },
	[FIELD_U32]	= { NLA_U32, sizeof(uint32_t) },
	[FIELD_U64]	= { NLA_U64, sizeof(uint64_t) },
	[FIELD_S64]	= { NLA_S64, sizeof(int64_t) },
	[FIELD_STR]	= { NLA_STRING, 0 },
	[FIELD_STRDUP]	= { NLA_STRING, 0 },
	[FIELD_FLAG]	= { NLA_FLAG, 0 },
	[FIELD_NESTED]	= { NLA_NESTED, 0 },
};

/* The policy of @d, from its fields: exact sizes for numbers. */
static struct nla_policy *policy(const struct decoder *d)
{
	int i;

	if (d->policy[0].type || d->policy[0].maxlen)
		return d->policy;	/* filled: attribute 0 is never used */
	for (i = 0; i <= d->max; i++) {
		const struct field *f = &d->fields[i];

		if (!f->type)
			continue;
		d->policy[i].type = wire[f->type].type;
		d->policy[i].minlen = wire[f->type].len;
		d->policy[i].maxlen = wire[f->type].len ?: f->maxlen;
	}
	d->policy[0].maxlen = 1;	/* marks it filled; type 0 stays unspec */
	return d->policy;
}

static int copy(const struct field *f, const struct nlattr *a, char *out)
{
	char *dst = out + f->offset;

	switch (f->type) {
	case FIELD_U8:
		*(bool *)dst = nla_get_u8((struct nlattr *)a) != 0;
		break;
	case FIELD_U32:
		*(uint32_t *)dst = nla_get_u32((struct nlattr *)a);
		break;
	case FIELD_U64:
		*(uint64_t *)dst = nla_get_u64((struct nlattr *)a);
		break;
	case FIELD_S64:
		*(int64_t *)dst = (int64_t)nla_get_u64((struct nlattr *)a);
		break;
	case FIELD_STR:
		snprintf(dst, f->size, "%.*s", (int)strnlen(nla_data(a), nla_len(a)),
			 (const char *)nla_data(a));
		break;
	case FIELD_STRDUP:
		*(char **)dst = strndup(nla_data(a), nla_len(a));
		if (!*(char **)dst)
			return -ENOMEM;
		break;
	case FIELD_FLAG:
		*(bool *)dst = true;
		break;
	default:
		break;
	}
	if (f->has >= 0)
		*(bool *)(out + f->has) = true;
	return 0;
}

int decode_nest(const struct decoder *d, struct nlattr *nest, void *out,
		char *why, size_t whylen)
{
	struct nlattr *a[d->max + 1];
	int ret, i;

	if (!nest) {
		snprintf(why, whylen, "Reply lacks %s", d->name);
		return -EPROTO;
	}
	ret = nla_parse_nested(a, d->max, nest, policy(d));
	if (ret < 0) {
		snprintf(why, whylen, "Malformed %s: %s", d->name, nl_geterror(ret));
		return -EPROTO;
	}
	for (i = 0; i <= d->max; i++) {
		if (d->fields[i].required && !a[i]) {
			snprintf(why, whylen, "Reply lacks %s", d->fields[i].name);
			return -EPROTO;
		}
	}
	for (i = 0; i <= d->max; i++) {
		if (!a[i] || !d->fields[i].type)
			continue;	/* padding, or what a newer module sends */
		if (d->present >= 0 && i < 64)
			*(uint64_t *)((char *)out + d->present) |= UINT64_C(1) << i;
		if (copy(&d->fields[i], a[i], out)) {
			decode_release(d, out);
			snprintf(why, whylen, "Out of memory");
			return -ENOMEM;
		}
	}
	return 0;
}

void decode_release(const struct decoder *d, void *out)
{
	int i;

	for (i = 0; i <= d->max; i++) {
		if (d->fields[i].type == FIELD_STRDUP) {
			char **p = (char **)((char *)out + d->fields[i].offset);

			free(*p);
			*p = NULL;
		}
	}
}
