/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State and helpers shared by main() and the subcommands.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#ifndef KSMCTL_VERSION
#error "KSMCTL_VERSION must be defined by the build (see user/Makefile)"
#endif

#define PROG_NAME "ksmctl"

/* Set by -j/--json, before the subcommand or after it. */
extern bool opt_json;

/*
 * Report a getopt_long() error: @c is what it returned ('?' or ':', with
 * @optstring starting with ':'), @argv the vector it parsed.
 */
void option_error(int c, char *argv[], const char *optstring);

/* "Unexpected argument `@arg'" and @usage on stderr; returns 1, the exit status. */
int unexpected_argument(const char *arg, void (*usage)(FILE *f));

/* unexpected_argument() for argv[@first], if @first < @argc: true if it was. */
bool extra_arguments(int argc, char *argv[], int first, void (*usage)(FILE *f));

#endif
