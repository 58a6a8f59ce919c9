/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SUBCOMMANDS_H
#define SUBCOMMANDS_H

/*
 * Each subcommand gets argv[0] = its own name and the arguments after it,
 * prints its own "Usage:" line for -h/--help, and returns the exit status.
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

#endif
