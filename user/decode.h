/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reply decoding driven by tables: one table per nest of the wire
 * (include/uapi/linux/ksmctl.h) says, for each attribute, its type, whether
 * a reply must have it, its name, and where it goes in the tool's struct.
 * The policy, the "Reply lacks X" check and the copy all come from it, so
 * adding an attribute is one line here and one field in the struct.
 */
#ifndef KSMCTL_DECODE_H
#define KSMCTL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>

enum field_type {
	FIELD_NONE,	/* not an attribute the tool reads */
	FIELD_U8,	/* into a bool: not zero */
	FIELD_U32,	/* into a uint32_t */
	FIELD_U64,	/* into a uint64_t */
	FIELD_S64,	/* into an int64_t */
	FIELD_STR,	/* into a char array, cut to fit */
	FIELD_STRDUP,	/* into a char *, malloc()ed (free it) */
	FIELD_FLAG,	/* into a bool: present */
	FIELD_NESTED,	/* checked, not copied: the caller reads it */
};

/**
 * struct field - one attribute of a nest
 * @name: its name in the uapi header, for messages
 * @type: FIELD_*
 * @required: a reply without it is malformed
 * @maxlen: strings: the most bytes the kernel sends, with the NUL
 * @offset: where it goes in the destination struct
 * @size: the size of that member
 * @has: offset of a bool set when the attribute is present, or -1
 */
struct field {
	const char *name;
	enum field_type type;
	bool required;
	uint16_t maxlen;
	size_t offset, size;
	ptrdiff_t has;
};

/**
 * struct decoder - how to read one nest
 * @name: the nest's attribute name ("KSMCTL_A_PROC")
 * @max: its highest attribute
 * @fields: indexed by attribute, @max + 1 entries
 * @present: offset of a uint64_t with bit N set for each attribute N
 *	present, or -1
 * @policy: @max + 1 entries, filled from @fields at the first use
 */
struct decoder {
	const char *name;
	int max;
	const struct field *fields;
	ptrdiff_t present;
	struct nla_policy *policy;
};

/* [attr] = attribute @attr of type @type into member @m of struct @s */
#define FIELD(attr, type, req, s, m)					\
	[attr] = { #attr, type, req, 0, offsetof(s, m),			\
		   sizeof(((s *)0)->m), -1 }
/* ... and bool member @h of @s is set when it is present */
#define FIELD_HAS(attr, type, s, m, h)					\
	[attr] = { #attr, type, false, 0, offsetof(s, m),		\
		   sizeof(((s *)0)->m), offsetof(s, h) }
/* a string attribute of at most @len bytes with its NUL */
#define FIELD_S(attr, type, req, len, s, m)				\
	[attr] = { #attr, type, req, len, offsetof(s, m),		\
		   sizeof(((s *)0)->m), -1 }

/* The attributes of nest @a into @out; "Reply lacks X" etc. into @why. */
int decode_nest(const struct decoder *d, struct nlattr *a, void *out,
		char *why, size_t whylen);
/* Free what FIELD_STRDUP members of @out hold (decode_nest() failed) */
void decode_release(const struct decoder *d, void *out);

#endif /* KSMCTL_DECODE_H */
