// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl rule add|del|list: the module's sticky rules.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ipc.h"
#include "ksmsys.h"
#include "options.h"
#include "procs.h"
#include "ruleset.h"
#include "users.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " rule add [--pid PID [--tree]] [--cgroup PATH [--recursive]]\n"
	      "                  [--exe PATH] [--comm NAME] [--uid USER] [--action merge|never]\n"
	      "       " PROG_NAME " rule del ID...\n"
	      "       " PROG_NAME " rule list [-j] [-o text|json|conf]\n", f);
}

static const char help_text[] =
	"Sticky rules, kept by the module: a process a rule matches has its memory\n"
	"marked mergeable (merge), now and from each exec, or never marked, whatever\n"
	"another rule says (never). add prints the new rule's id; rule alone lists.\n"
	"\n"
	"Options of rule add (a process must match every one given):\n"
	"      --pid PID          The process PID\n"
	"      --tree             With --pid: its descendants too, also later ones\n"
	"      --cgroup PATH      The processes in the cgroup PATH\n"
	"      --recursive        With --cgroup: in the cgroups below it too\n"
	"      --exe PATH         The processes running the executable PATH\n"
	"      --comm NAME        The processes named NAME (1 to 15 bytes)\n"
	"      --uid USER         The processes of USER (a name or a uid)\n"
	"      --action ACTION    merge (default) or never\n"
	"Options of rule list, and of rule alone:\n"
	"  -j, --json             Print JSON (as -o json)\n"
	"  -o, --output FORMAT    text, json, or conf (what apply reads back)\n"
	"Options of every form:\n"
	"  -h, --help             Show this help\n";

static int help(void)
{
	return show_help(usage, help_text);
}

enum {
	OPT_PID = 256, OPT_TREE, OPT_CGROUP, OPT_RECURSIVE, OPT_EXE, OPT_COMM, OPT_UID, OPT_ACTION,
};


/* Parse the options of "rule add" into @r; 0, or 1 after printing the error. */
/* One option of "rule add" that takes a value, into @r: 0, or 1 after an error. */
static int rule_value_option(int c, char *arg, struct ksmctl_rule *r)
{
	char path[PATH_MAX];

	switch (c) {
	case OPT_PID:
		if (parse_pid(arg, &r->pid))
			goto invalid;
		r->has_pid = true;
		return 0;
	case OPT_CGROUP:
		if (cgroup_path_normalize(arg, r->cgroup, sizeof(r->cgroup)))
			goto invalid;
		return 0;
	case OPT_EXE:
		/* the kernel wants an absolute path; resolve ours */
		if (arg[0] != '/' && realpath(arg, path))
			arg = path;
		if (arg[0] != '/' || strlen(arg) >= sizeof(r->exe))
			goto invalid;
		snprintf(r->exe, sizeof(r->exe), "%s", arg);
		return 0;
	case OPT_COMM:
		if (!arg[0] || strlen(arg) >= sizeof(r->comm)) {
			fprintf(stderr, PROG_NAME ": Process name must be 1 to 15 bytes: `%s'\n", arg);
			return 1;
		}
		snprintf(r->comm, sizeof(r->comm), "%s", arg);
		return 0;
	case OPT_UID:
		if (user_parse(arg, &r->uid)) {
			fprintf(stderr, PROG_NAME ": Unknown user `%s'\n", arg);
			return 1;
		}
		r->has_uid = true;
		return 0;
	default:	/* OPT_ACTION */
		if (rule_parse_action(arg, &r->action)) {
			fprintf(stderr, PROG_NAME ": Unknown action `%s' (expected merge or never)\n",
				arg);
			return 1;
		}
		return 0;
	}
invalid:
	fprintf(stderr, PROG_NAME ": Invalid %s `%s'\n",
		c == OPT_PID ? "pid" : c == OPT_CGROUP ? "cgroup" :
		"executable path", arg);
	return 1;
}

int rule_parse_args(int argc, char *argv[], struct ksmctl_rule *r)
{
	static const char optstring[] = "+:h";
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "tree", no_argument, NULL, OPT_TREE },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "recursive", no_argument, NULL, OPT_RECURSIVE },
		{ "exe", required_argument, NULL, OPT_EXE },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "action", required_argument, NULL, OPT_ACTION },
		{ NULL, 0, NULL, 0 }
	};
	const char *why;
	int c;

	memset(r, 0, sizeof(*r));
	r->action = KSMCTL_RULE_MERGE;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return 2;
		case OPT_TREE:
			r->flags |= KSMCTL_RULE_F_TREE;
			break;
		case OPT_RECURSIVE:
			r->flags |= KSMCTL_RULE_F_RECURSIVE;
			break;
		case OPT_PID:
		case OPT_CGROUP:
		case OPT_EXE:
		case OPT_COMM:
		case OPT_UID:
		case OPT_ACTION:
			if (rule_value_option(c, optarg, r))
				return 1;
			break;
		default:
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		}
	}
	if (extra_arguments(argc, argv, optind, usage))
		return 1;
	if (rule_check(r, &why)) {
		fprintf(stderr, PROG_NAME ": %s\n", why);
		usage(stderr);
		return 1;
	}
	return 0;
}

static int rule_add_main(int argc, char *argv[])
{
	struct ksmctl_rule r;
	struct ipc *ipc;
	uint32_t id = 0;
	int ret;

	ret = rule_parse_args(argc, argv, &r);
	if (ret)
		return ret == 2 ? 0 : 1;
	if (ipc_open(&ipc, 0))
		return 1;
	ret = ipc_rule_add(ipc, &r, &id, NULL);
	ipc_close(ipc);
	if (ret)
		return 1;
	printf("%" PRIu32 "\n", id);
	if (r.action == KSMCTL_RULE_MERGE)
		warn_if_ksmd_stopped();
	return 0;
}

static int rule_del_main(int argc, char *argv[])
{
	struct ipc *ipc;
	uint32_t id;
	int i, first, failed = 0;

	i = flag_options(argc, argv, NULL, usage, help);
	if (i >= 0)
		return i;
	first = optind;
	if (first >= argc) {
		fputs(PROG_NAME ": Missing rule id\n", stderr);
		usage(stderr);
		return 1;
	}
	for (i = first; i < argc; i++) {
		if (parse_pid(argv[i], &id)) {	/* same range: 1 to 2^31 - 1 */
			fprintf(stderr, PROG_NAME ": Invalid rule id `%s'\n", argv[i]);
			return 1;
		}
	}
	if (ipc_open(&ipc, 0))
		return 1;
	for (i = first; i < argc; i++) {
		parse_pid(argv[i], &id);
		if (ipc_rule_del(ipc, id))
			failed = 1;
	}
	ipc_close(ipc);
	return failed;
}

enum list_format { LIST_TEXT, LIST_JSON, LIST_CONF };

/* "-o FORMAT" of rule list: 0, or 1 after saying what is wrong */
static int list_format(const char *arg, enum list_format *format)
{
	static const char *const names[] = { "text", "json", "conf" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (arg && !strcmp(arg, names[i])) {
			*format = (enum list_format)i;
			return 0;
		}
	}
	fprintf(stderr, PROG_NAME ": Invalid output format `%s' (expected text, json or conf)\n",
		arg ? arg : "");
	return 1;
}

/* The options of rule list into @format: -1 to go on, or the exit status. */
static int list_options(int argc, char *argv[], enum list_format *format)
{
	static const char optstring[] = "+:jho:";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		if (c == 'j') {
			*format = LIST_JSON;
		} else if (c == 'h') {
			return help();
		} else if (c == 'o') {
			if (list_format(optarg, format))
				return 1;
		} else {
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		}
	}
	if (extra_arguments(argc, argv, optind, usage))
		return 1;
	return -1;
}

static int rule_list_main(int argc, char *argv[], bool json)
{
	enum list_format format = json ? LIST_JSON : LIST_TEXT;
	struct rule_list l = { 0 };
	struct ipc *ipc;
	int ret;

	ret = list_options(argc, argv, &format);
	if (ret >= 0)
		return ret;
	if (ipc_open(&ipc, 0))
		return 1;
	ret = ipc_rule_list(ipc, &l);
	ipc_close(ipc);
	if (ret)
		return 1;
	if (format == LIST_JSON)
		rule_print_list_json(stdout, &l);
	else if (format == LIST_CONF)
		rule_print_list_conf(stdout, &l);
	else
		rule_print_list_text(stdout, &l);
	rule_list_free(&l);
	return 0;
}

int rule_main(int argc, char *argv[])
{
	bool json = opt_json;
	int i;

	i = flag_options(argc, argv, &json, usage, help);
	if (i >= 0)
		return i;
	i = optind;
	if (i >= argc)
		return rule_list_main(1, argv, json);
	if (!strcmp(argv[i], "add"))
		return rule_add_main(argc - i, argv + i);
	if (!strcmp(argv[i], "del"))
		return rule_del_main(argc - i, argv + i);
	if (!strcmp(argv[i], "list"))
		return rule_list_main(argc - i, argv + i, json);
	fprintf(stderr, PROG_NAME ": Invalid rule command `%s'\n", argv[i]);
	usage(stderr);
	return 1;
}
