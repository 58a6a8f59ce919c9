// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl apply FILE: make the module's rules those of a configuration file
 * (format: ksmctl(8), CONFIGURATION FILE).
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ipc.h"
#include "options.h"
#include "ruleset.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " apply [-n|--check] FILE\n", f);
}

static const char help_text[] =
	"Replace the module's rules with those of FILE (- for standard input), as\n"
	"ksmctl.service does at boot with /etc/ksmctl.conf. The format is in\n"
	"ksmctl(8), CONFIGURATION FILE; an error names the file and the line.\n"
	"\n"
	"Options:\n"
	"  -n, --check            Only read FILE and report its errors; change nothing\n"
	"  -h, --help             Show this help\n";

/* The options into @check_only, and the file's name: NULL to stop with *@ret. */
static const char *apply_options(int argc, char *argv[], bool *check_only, int *ret)
{
	static const char optstring[] = "+:hn";
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "check", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;
	opterr = 0;
	*ret = 1;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		if (c == 'h') {
			*ret = show_help(usage, help_text);
			return NULL;
		} else if (c == 'n') {
			*check_only = true;
		} else {
			option_error(c, argv, optstring);
			usage(stderr);
			return NULL;
		}
	}
	if (optind >= argc) {
		fputs(PROG_NAME ": Missing configuration file\n", stderr);
		usage(stderr);
		return NULL;
	}
	if (extra_arguments(argc, argv, optind + 1, usage))
		return NULL;
	return argv[optind];
}

int apply_main(int argc, char *argv[])
{
	struct rule_list want = { 0 }, have = { 0 };
	const char *name;
	bool check_only = false;
	struct ipc *ipc;
	size_t i;
	int ret, failed = 0;
	FILE *f;

	name = apply_options(argc, argv, &check_only, &ret);
	if (!name)
		return ret;
	f = strcmp(name, "-") ? fopen(name, "re") : stdin;
	if (!f) {
		fprintf(stderr, PROG_NAME ": Unable to open `%s': %s\n", name, strerror(errno));
		return 1;
	}
	ret = rule_parse_file(f, name, &want);
	if (f != stdin)
		fclose(f);
	if (ret) {
		rule_list_free(&want);
		return 1;
	}
	if (check_only) {
		rule_list_free(&want);
		return 0;
	}

	/* the file replaces every rule of the module */
	if (ipc_open(&ipc, 0)) {
		rule_list_free(&want);
		return 1;
	}
	ret = ipc_rule_list(ipc, &have);
	for (i = 0; !ret && i < have.n; i++)
		if (ipc_rule_del(ipc, have.rules[i].id) && !failed)
			failed = 1;
	for (i = 0; !ret && i < want.n; i++)
		if (ipc_rule_add(ipc, &want.rules[i], NULL, name))
			failed = 1;
	ipc_close(ipc);
	rule_list_free(&have);
	rule_list_free(&want);
	return ret || failed ? 1 : 0;
}
