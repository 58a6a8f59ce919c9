// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: global options, dispatch and per-subcommand options, run
 * through the tool's own main() (built as ksmctl_main) with the fake ipc.
 */

#include <errno.h>
#include <stdlib.h>

#include "capture.h"
#include "fake_ipc.h"
#include "ipc.h"
#include "tap.h"

int ksmctl_main(int argc, char *argv[]);

#define MAX_ARGS 8

struct run {
	int ret;
	struct capture c;
};

/* Run "ksmctl <args...>"; the list ends with NULL. */
static struct run *run(struct run *r, ...)
{
	char *argv[MAX_ARGS + 2] = { "ksmctl" };
	int argc = 1;
	va_list ap;
	char *arg;

	va_start(ap, r);
	while ((arg = va_arg(ap, char *)) && argc <= MAX_ARGS)
		argv[argc++] = arg;
	va_end(ap);

	capture_begin(&r->c);
	r->ret = ksmctl_main(argc, argv);
	capture_end(&r->c);
	return r;
}

/* One TAP result: exit status, stdout and stderr all as expected. */
static void expect(struct run *r, int ret, const char *out, const char *err, const char *what)
{
	bool pass = r->ret == ret && !strcmp(r->c.out, out) && !strcmp(r->c.err, err);

	ok(pass, "%s", what);
	if (!pass) {
		fprintf(tap_out, "#   exit: got %d, expected %d\n", r->ret, ret);
		tap_diag_string("stdout", r->c.out);
		tap_diag_string("expected stdout", out);
		tap_diag_string("stderr", r->c.err);
		tap_diag_string("expected stderr", err);
	}
	if (fake_open_sockets) {
		ok(false, "%s: sockets are closed", what);
		fake_open_sockets = 0;
	}
	capture_free(&r->c);
}

static const char status_text[] =
	"ksmd:             running (pages_to_scan 100, sleep 20 ms)\n"
	"shared:           12.0 MiB (3072 pages)\n"
	"sharing:          48.0 MiB (12288 pages)\n"
	"saved:            48.0 MiB\n"
	"unshared:         0 B (0 pages)\n"
	"volatile:         0 B (0 pages)\n"
	"full scans:       7\n"
	"module:           ksmctl 0.1.0\n";

static const char status_json[] =
	"{\n"
	"  \"module_version\": \"0.1.0\",\n"
	"  \"page_size\": 4096,\n"
	"  \"run\": 1,\n"
	"  \"run_state\": \"running\",\n"
	"  \"pages_to_scan\": 100,\n"
	"  \"sleep_millisecs\": 20,\n"
	"  \"max_page_sharing\": 256,\n"
	"  \"pages_shared\": 3072,\n"
	"  \"pages_sharing\": 12288,\n"
	"  \"pages_unshared\": 0,\n"
	"  \"pages_volatile\": 0,\n"
	"  \"full_scans\": 7,\n"
	"  \"saved_bytes\": 50331648\n"
	"}\n";

static const char main_usage[] =
	"Usage: ksmctl [-j] [<command> [<args>]]\n"
	"\n"
	"Commands:\n"
	"  status     Show the KSM state and how much memory it saves (default)\n"
	"  version    Show the versions of this tool and of the kernel module\n"
	"\n"
	"Options:\n"
	"  -j, --json     Print JSON instead of text\n"
	"  -h, --help     Show this help\n"
	"  -V, --version  Show the tool's version\n"
	"\n"
	"Pass `--help' to a command to see its usage.\n";

/* @line followed by the main usage; valid until the next call. */
static const char *with_usage(const char *line)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), "%s%s", line, main_usage);
	return buf;
}

static const char status_usage[] = "Usage: ksmctl status [-j]\n";
static const char version_usage[] = "Usage: ksmctl version [-j]\n";

static void module_loaded(void)
{
	int a;

	fake_ipc_reset();
	fake_status = (struct ksmctl_status){
		.module_version = "0.1.0",
		.page_size = 4096,
		.run = 1,
		.pages_shared = 3072,
		.pages_sharing = 12288,
		.full_scans = 7,
		.pages_to_scan = 100,
		.sleep_millisecs = 20,
		.max_page_sharing = 256,
	};
	for (a = KSMCTL_A_STATUS_PAGE_SIZE; a <= KSMCTL_A_STATUS_MAX_PAGE_SHARING; ++a)
		status_set_present(&fake_status, a);
}

static void test_dispatch(void)
{
	struct run r;

	module_loaded();
	expect(run(&r, NULL), 0, status_text, "", "no arguments runs status");
	expect(run(&r, "status", NULL), 0, status_text, "", "status prints text");
	expect(run(&r, "-j", NULL), 0, status_json, "", "-j alone runs status as JSON");
	expect(run(&r, "-j", "status", NULL), 0, status_json, "", "-j before the command");
	expect(run(&r, "--json", "status", NULL), 0, status_json, "", "--json before the command");
	expect(run(&r, "status", "-j", NULL), 0, status_json, "", "-j after the command");
	expect(run(&r, "status", "--json", NULL), 0, status_json, "", "--json after the command");
	expect(run(&r, "-j", "status", "-j", NULL), 0, status_json, "", "-j on both sides");
	expect(run(&r, "status", NULL), 0, status_text, "",
	       "-j of an earlier run does not stick");
	expect(run(&r, "--", "status", NULL), 0, status_text, "", "-- ends the global options");

	expect(run(&r, "foo", NULL), 1, "", with_usage("ksmctl: Invalid command `foo'\n"),
	       "unknown command: usage on stderr, exit 1");
	expect(run(&r, "-j", "stat", NULL), 1, "", with_usage("ksmctl: Invalid command `stat'\n"),
	       "no prefix matching of commands");
	expect(run(&r, "-h", NULL), 0, main_usage, "", "-h prints the usage on stdout");
	expect(run(&r, "--help", "status", NULL), 0, main_usage, "", "--help wins over a command");
	expect(run(&r, "help", NULL), 0, main_usage, "", "help prints the usage");
	expect(run(&r, "-V", NULL), 0, "ksmctl " KSMCTL_VERSION "\n", "", "-V prints the version");
	expect(run(&r, "--version", NULL), 0, "ksmctl " KSMCTL_VERSION "\n", "",
	       "--version prints the version");
}

static void test_global_option_errors(void)
{
	struct run r;

	module_loaded();
	expect(run(&r, "--foo", NULL), 1, "", with_usage("ksmctl: Invalid option `--foo'\n"),
	       "unknown global long option");
	expect(run(&r, "-x", "status", NULL), 1, "", with_usage("ksmctl: Invalid option `-x'\n"),
	       "unknown global short option");
	expect(run(&r, "-jx", NULL), 1, "", with_usage("ksmctl: Invalid option `-x'\n"),
	       "unknown option in a cluster");
	expect(run(&r, "--json=yes", NULL), 1, "",
	       with_usage("ksmctl: Option `--json' does not take an argument\n"),
	       "argument to a flag");
}

static void test_subcommand_options(void)
{
	struct run r;

	module_loaded();
	expect(run(&r, "status", "-h", NULL), 0, status_usage, "", "status -h");
	expect(run(&r, "status", "--help", NULL), 0, status_usage, "", "status --help");
	expect(run(&r, "-j", "status", "-h", NULL), 0, status_usage, "", "-j status -h");
	expect(run(&r, "version", "-h", NULL), 0, version_usage, "", "version -h");
	expect(run(&r, "status", "--foo", NULL), 1, "",
	       "ksmctl: Invalid option `--foo'\nUsage: ksmctl status [-j]\n", "status --foo");
	expect(run(&r, "status", "-x", NULL), 1, "",
	       "ksmctl: Invalid option `-x'\nUsage: ksmctl status [-j]\n", "status -x");
	expect(run(&r, "status", "-jx", NULL), 1, "",
	       "ksmctl: Invalid option `-x'\nUsage: ksmctl status [-j]\n", "status -jx");
	expect(run(&r, "status", "--json=1", NULL), 1, "",
	       "ksmctl: Option `--json' does not take an argument\nUsage: ksmctl status [-j]\n",
	       "status --json=1");
	expect(run(&r, "status", "now", NULL), 1, "",
	       "ksmctl: Unexpected argument `now'\nUsage: ksmctl status [-j]\n",
	       "status with an argument");
	expect(run(&r, "status", "now", "-j", NULL), 1, "",
	       "ksmctl: Unexpected argument `now'\nUsage: ksmctl status [-j]\n",
	       "status with an argument before -j");
	expect(run(&r, "version", "--bar", NULL), 1, "",
	       "ksmctl: Invalid option `--bar'\nUsage: ksmctl version [-j]\n", "version --bar");
	expect(run(&r, "version", "x", NULL), 1, "",
	       "ksmctl: Unexpected argument `x'\nUsage: ksmctl version [-j]\n",
	       "version with an argument");
	expect(run(&r, "status", "-h", "--foo", NULL), 0, status_usage, "",
	       "options are handled in order");
}

static void test_ipc_errors(void)
{
	struct run r;

	module_loaded();
	fake_open_ret = -ENOENT;
	expect(run(&r, "status", NULL), 1, "", "", "status fails when the module is absent");
	is_int(fake_open_flags, 0, "status asks ipc_open() to report a missing module");

	module_loaded();
	fake_get_ret = -EINVAL;
	expect(run(&r, "-j", NULL), 1, "", "", "status fails when the request fails");
}

static void test_version(void)
{
	struct run r;

	module_loaded();
	fake_open_ret = -ENOENT;
	expect(run(&r, "version", NULL), 0,
	       "tool:   " KSMCTL_VERSION "\nmodule: not loaded\n", "",
	       "version without the module");
	is_int(fake_open_flags, IPC_QUIET_NOT_LOADED, "version opens quietly");
	expect(run(&r, "-j", "version", NULL), 0,
	       "{\n"
	       "  \"tool_version\": \"" KSMCTL_VERSION "\",\n"
	       "  \"module_loaded\": false,\n"
	       "  \"module_version\": null\n"
	       "}\n", "", "version -j without the module");

	module_loaded();
	snprintf(fake_status.module_version, sizeof(fake_status.module_version), "0.2.0-rc1");
	expect(run(&r, "version", NULL), 0,
	       "tool:   " KSMCTL_VERSION "\nmodule: 0.2.0-rc1\n", "", "version with the module");
	expect(run(&r, "version", "--json", NULL), 0,
	       "{\n"
	       "  \"tool_version\": \"" KSMCTL_VERSION "\",\n"
	       "  \"module_loaded\": true,\n"
	       "  \"module_version\": \"0.2.0-rc1\"\n"
	       "}\n", "", "version --json with the module");

	module_loaded();
	fake_get_ret = -EPERM;
	expect(run(&r, "version", NULL), 1,
	       "tool:   " KSMCTL_VERSION "\nmodule: unknown\n", "",
	       "version when the module does not answer");

	module_loaded();
	fake_open_ret = -EACCES;
	expect(run(&r, "version", NULL), 1,
	       "tool:   " KSMCTL_VERSION "\nmodule: unknown\n", "",
	       "version when netlink cannot be opened");
}

int main(void)
{
	tap_begin("cli");
	test_dispatch();
	test_global_option_errors();
	test_subcommand_options();
	test_ipc_errors();
	test_version();
	return tap_done();
}
