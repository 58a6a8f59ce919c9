// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
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

char *user_name(char buf[static USER_NAME_MAX], uint32_t uid)
{
	/* Processes belong to a few users: remember the last ones asked for. */
	static struct {
		bool used;
		uint32_t uid;
		char name[USER_NAME_MAX];
	} cache[32];
	static unsigned int next;
	uint32_t found_uid;
	unsigned int i;

	for (i = 0; i < sizeof(cache) / sizeof(cache[0]); ++i) {
		if (cache[i].used && cache[i].uid == uid) {
			snprintf(buf, USER_NAME_MAX, "%s", cache[i].name);
			return buf;
		}
	}
	if (!lookup(NULL, uid, buf, &found_uid))
		snprintf(buf, USER_NAME_MAX, "%" PRIu32, uid);
	i = next++ % (sizeof(cache) / sizeof(cache[0]));
	cache[i].used = true;
	cache[i].uid = uid;
	snprintf(cache[i].name, sizeof(cache[i].name), "%s", buf);
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
