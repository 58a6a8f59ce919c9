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
 * What -h/--help prints, on stdout: @usage, a blank line, then @text (what
 * the command does, and its options under "Options:", one line each, every
 * line within 80 columns). Returns 0, the exit status.
 */
int show_help(void (*usage)(FILE *f), const char *text);

/*
 * The options of a command that has no others than -h/--help (@help shows
 * it and returns 0) and, if @json is not NULL, -j/--json, up to its first
 * argument or "--": -1 to go on with the arguments from optind, or the exit
 * status after the help or an error (with @usage on stderr).
 */
int flag_options(int argc, char *argv[], bool *json, void (*usage)(FILE *f), int (*help)(void));

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
