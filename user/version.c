// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "ipc.h"
#include "json.h"
#include "options.h"
#include "status.h"
#include "subcommands.h"

/* @module_version is NULL when the module is not loaded, "" when unknown. */
static void version_print(FILE *f, const char *module_version)
{
	struct json j;

	if (!opt_json) {
		fprintf(f, "tool:   %s\n", KSMCTL_VERSION);
		fprintf(f, "module: %s\n", !module_version ? "not loaded" :
			*module_version ? module_version : "unknown");
		return;
	}
	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_string(&j, "tool_version", KSMCTL_VERSION);
	json_kv_bool(&j, "module_loaded", module_version != NULL);
	if (module_version && *module_version)
		json_kv_string(&j, "module_version", module_version);
	else
		json_kv_null(&j, "module_version");
	json_object_end(&j);
}

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " version [-j]\n", f);
}

static const char help_text[] =
	"The versions of this tool and of the loaded kernel module.\n"
	"\n"
	"Options:\n"
	"  -j, --json             Print JSON\n"
	"  -h, --help             Show this help\n";

int version_main(int argc, char *argv[])
{
	static const char optstring[] = ":jh";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ksmctl_status st = { .module_version = "" };
	struct ipc *ipc;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			return show_help(usage, help_text);
		default:
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		}
	}
	if (extra_arguments(argc, argv, optind, usage))
		return 1;

	/* The tool's version is printed even when the module cannot be asked. */
	ret = ipc_open(&ipc, IPC_QUIET_NOT_LOADED);
	if (ret == -ENOENT) {
		version_print(stdout, NULL);
		return 0;
	}
	if (!ret) {
		ret = ipc_get_status(ipc, &st);
		ipc_close(ipc);
	}
	version_print(stdout, ret ? "" : st.module_version);
	return ret ? 1 : 0;
}
