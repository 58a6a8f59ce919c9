/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User names, from the password database (getpwuid, getpwnam).
 */
#ifndef USERS_H
#define USERS_H

#include <stdint.h>

#include "procs.h"

/* The name of @uid, or the uid in decimal if it has none. */
char *user_name(char buf[static USER_NAME_MAX], uint32_t uid);

/*
 * A user given on the command line: a name, or a uid in decimal (which
 * need not exist). -ENOENT for an unknown name.
 */
int user_parse(const char *str, uint32_t *uid);

#endif
