/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SUBCOMMANDS_H
#define SUBCOMMANDS_H

#include <stddef.h>

/*
 * Each subcommand gets argv[0] = its own name and the arguments after it,
 * and returns the exit status. Each takes -h/--help (show_help(): its
 * "Usage:" lines, what it does, every option) and "--" to end its options.
 */
int status_main(int argc, char *argv[]);
int ps_main(int argc, char *argv[]);
int top_main(int argc, char *argv[]);
int show_main(int argc, char *argv[]);
int merge_main(int argc, char *argv[]);
int unmerge_main(int argc, char *argv[]);
int version_main(int argc, char *argv[]);
int rule_main(int argc, char *argv[]);
int apply_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);
int run_main(int argc, char *argv[]);
int ksmd_main(int argc, char *argv[]);

/* The dispatch table of ksmctl.c, in the order the usage lists them. */
struct subcommand {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *description;
};
extern const struct subcommand subcommands[];
extern const size_t subcommands_n;

#endif
