// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "users.h"

/*
 * Look a user up by name (@name not NULL) or by uid; store the name (room
 * for USER_NAME_MAX) and uid of the match. Return false if there is none.
 *
 * A static build must not use the NSS functions: glibc would load the
 * shared NSS modules (libnss_systemd...) of the running system into it,
 * which crashes. It reads /etc/passwd alone instead.
 */
static bool lookup(const char *name, uint32_t uid, char *name_out, uint32_t *uid_out)
{
	struct passwd *pw;
	bool found = false;
#ifdef KSMCTL_NO_NSS
	FILE *f = fopen("/etc/passwd", "re");

	if (!f)
		return false;
	while (!found && (pw = fgetpwent(f)))
		found = name ? !strcmp(pw->pw_name, name) : pw->pw_uid == (uid_t)uid;
#else
	pw = name ? getpwnam(name) : getpwuid((uid_t)uid);
	found = pw != NULL;
#endif
	if (found && pw->pw_name && pw->pw_name[0] && strlen(pw->pw_name) < USER_NAME_MAX) {
		snprintf(name_out, USER_NAME_MAX, "%s", pw->pw_name);
		*uid_out = (uint32_t)pw->pw_uid;
	} else {
		found = false;
	}
#ifdef KSMCTL_NO_NSS
	fclose(f);
#endif
	return found;
}

/*
 * Names already looked up, by uid: an open-addressing hash table that grows
 * with the distinct uids seen (processes belong to a few users), so no uid
 * is looked up twice.
 */
struct user_entry {
	bool used;
	uint32_t uid;
	char name[USER_NAME_MAX];
};

static struct {
	struct user_entry *slots;
	size_t size;		/* a power of two, or 0 */
	size_t count;
} cache;

static size_t slot_of(uint32_t uid, size_t size)
{
	uint32_t h = uid;

	h ^= h >> 16;
	h *= 0x45d9f3bU;
	h ^= h >> 16;
	return h & (size - 1);
}

static struct user_entry *cache_find(uint32_t uid)
{
	size_t i;

	if (!cache.size)
		return NULL;
	for (i = slot_of(uid, cache.size); cache.slots[i].used; i = (i + 1) & (cache.size - 1)) {
		if (cache.slots[i].uid == uid)
			return &cache.slots[i];
	}
	return NULL;
}

static void cache_insert(struct user_entry *slots, size_t size, const struct user_entry *e)
{
	size_t i;

	for (i = slot_of(e->uid, size); slots[i].used; i = (i + 1) & (size - 1))
		;
	slots[i] = *e;
}

/* Remember @name for @uid; out of memory, the next call looks it up again. */
static void cache_add(uint32_t uid, const char *name)
{
	struct user_entry e = { .used = true, .uid = uid };

	/* At most three quarters full, so that probes stay short. */
	if ((cache.count + 1) * 4 > cache.size * 3) {
		size_t size = cache.size ? cache.size * 2 : 64, i;
		struct user_entry *slots = calloc(size, sizeof(*slots));

		if (!slots)
			return;
		for (i = 0; i < cache.size; ++i) {
			if (cache.slots[i].used)
				cache_insert(slots, size, &cache.slots[i]);
		}
		free(cache.slots);
		cache.slots = slots;
		cache.size = size;
	}
	snprintf(e.name, sizeof(e.name), "%s", name);
	cache_insert(cache.slots, cache.size, &e);
	++cache.count;
}

char *user_name(char buf[static USER_NAME_MAX], uint32_t uid)
{
	const struct user_entry *e = cache_find(uid);
	uint32_t found_uid;

	if (e) {
		memcpy(buf, e->name, USER_NAME_MAX);
		return buf;
	}
	if (!lookup(NULL, uid, buf, &found_uid))
		snprintf(buf, USER_NAME_MAX, "%" PRIu32, uid);
	cache_add(uid, buf);
	return buf;
}

int user_parse(const char *str, uint32_t *uid)
{
	char name[USER_NAME_MAX];
	uint64_t v;

	if (str[0] && lookup(str, 0, name, uid))
		return 0;
	if (str[0] && strspn(str, "0123456789") == strlen(str) && !parse_u64(str, &v) &&
	    v < UINT32_MAX) {
		*uid = (uint32_t)v;
		return 0;
	}
	return -ENOENT;
}
