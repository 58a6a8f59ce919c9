// SPDX-License-Identifier: GPL-2.0

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "subcommands.h"

const struct subcommand subcommands[] = {
	{ "status", status_main, "Show the KSM state and how much memory it saves (default)" },
	{ "ps", ps_main, "List processes with merged pages and what KSM saves in each" },
	{ "top", top_main, "Show the saving and the processes that save most, refreshed live" },
	{ "show", show_main, "Show one process's KSM figures and its mergeable memory areas" },
	{ "merge", merge_main, "Make the memory of running processes mergeable" },
	{ "unmerge", unmerge_main, "Undo merge: make memory unmergeable, copy merged pages back" },
	{ "rule", rule_main, "Add, delete or list the module's sticky rules" },
	{ "apply", apply_main, "Replace the module's rules with those of a file (/etc/ksmctl.conf)" },
	{ "monitor", monitor_main, "Print what the rules do, as it happens" },
	{ "run", run_main, "Run a command with its memory mergeable all its life" },
	{ "ksmd", ksmd_main, "Show or set the settings of the kernel's ksmd (no module needed)" },
	{ "version", version_main, "Show the versions of this tool and of the kernel module" },
};

const size_t subcommands_n = sizeof(subcommands) / sizeof(subcommands[0]);

#define DEFAULT_SUBCOMMAND 0

static void show_usage(FILE *f)
{
	size_t i;

	fputs("Usage: " PROG_NAME " [-j] [<command> [<args>]]\n\n", f);
	fputs("Commands:\n", f);
	for (i = 0; i < subcommands_n; ++i)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].description);
	fputs("\nOptions:\n"
	      "  -j, --json     Print JSON instead of text\n"
	      "  -h, --help     Show this help\n"
	      "  -V, --version  Show the tool's version\n"
	      "\nPass `--help' to a command, or run `ksmctl help COMMAND', to see its usage.\n", f);
}

int main(int argc, char *argv[])
{
	static const char optstring[] = "+:jhV";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *default_argv[] = { (char *)subcommands[DEFAULT_SUBCOMMAND].name, NULL };
	int c, ret = -1;
	size_t i;

	opt_json = false;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			show_usage(stdout);
			return 0;
		case 'V':
			printf(PROG_NAME " %s\n", KSMCTL_VERSION);
			return 0;
		default:
			option_error(c, argv, optstring);
			show_usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;

	if (!argc) {
		ret = subcommands[DEFAULT_SUBCOMMAND].fn(1, default_argv);
	} else if (!strcmp(argv[0], "help") && argc < 2) {
		show_usage(stdout);
		ret = 0;
	} else {
		char *help_argv[] = { NULL, "--help", NULL };

		/* "help CMD" is "CMD --help" */
		if (!strcmp(argv[0], "help")) {
			help_argv[0] = argv[1];
			argc = 2;
			argv = help_argv;
		}
		for (i = 0; i < subcommands_n; ++i) {
			if (!strcmp(argv[0], subcommands[i].name)) {
				ret = subcommands[i].fn(argc, argv);
				break;
			}
		}
		if (ret < 0) {
			fprintf(stderr, PROG_NAME ": Invalid command `%s'\n", argv[0]);
			show_usage(stderr);
			return 1;
		}
	}

	if (fflush(stdout) || ferror(stdout)) {
		perror(PROG_NAME ": Unable to write output");
		return 1;
	}
	return ret;
}
