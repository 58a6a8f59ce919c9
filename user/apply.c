// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl apply FILE: make the module's rules those of a configuration file
 * (format: ksmctl(8), CONFIGURATION FILE).
 */

#include <errno.h>
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

int apply_main(int argc, char *argv[])
{
	struct rule_list want = { 0 }, have = { 0 };
	const char *name = NULL;
	bool check_only = false;
	struct ipc *ipc;
	size_t i;
	int ret, failed = 0;
	FILE *f;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--check")) {
			check_only = true;
		} else if (!name) {
			name = argv[i];
		} else {
			return unexpected_argument(argv[i], usage);
		}
	}
	if (!name) {
		fputs(PROG_NAME ": Missing configuration file\n", stderr);
		usage(stderr);
		return 1;
	}
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
