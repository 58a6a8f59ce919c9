// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: global options, dispatch and per-subcommand options, run
 * through the tool's own main() (built as ksmctl_main) with the fake ipc.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "fake_ipc.h"
#include "ipc.h"
#include "subcommands.h"
#include "tap.h"
#include "testdata.h"

int ksmctl_main(int argc, char *argv[]);

#define MAX_ARGS 16

static void ksmd_run(int run);
/* ksmd's "run" file, as $KSMCTL_KSM_SYSFS: running unless a test says */
static char ksm_dir[] = "/tmp/ksmctl-ksm-XXXXXX";

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

/* status's text after the ksmd line (and the "not scanned" one) */
#define STATUS_TEXT_TAIL \
	"shared:           12.0 MiB (3072 pages)\n" \
	"sharing:          48.0 MiB (12288 pages)\n" \
	"saved:            48.0 MiB\n" \
	"unshared:         0 B (0 pages)\n" \
	"volatile:         0 B (0 pages)\n" \
	"full scans:       7\n" \
	"module:           ksmctl 0.1.0\n"

static const char status_text[] =
	"ksmd:             running (pages_to_scan 100, sleep 20 ms)\n"
	STATUS_TEXT_TAIL;

/* status's JSON from pages_to_scan on */
#define STATUS_JSON_TAIL \
	"  \"pages_to_scan\": 100,\n" \
	"  \"sleep_millisecs\": 20,\n" \
	"  \"max_page_sharing\": 256,\n" \
	"  \"pages_shared\": 3072,\n" \
	"  \"pages_sharing\": 12288,\n" \
	"  \"pages_unshared\": 0,\n" \
	"  \"pages_volatile\": 0,\n" \
	"  \"full_scans\": 7,\n" \
	"  \"saved_bytes\": 50331648\n" \
	"}\n"

static const char status_json[] =
	"{\n"
	"  \"module_version\": \"0.1.0\",\n"
	"  \"page_size\": 4096,\n"
	"  \"run\": 1,\n"
	"  \"run_state\": \"running\",\n"
	STATUS_JSON_TAIL;

#define MAIN_USAGE \
	"Usage: ksmctl [-j] [<command> [<args>]]\n" \
	"\n" \
	"Commands:\n" \
	"  status     Show the KSM state and how much memory it saves (default)\n" \
	"  ps         List processes with merged pages and what KSM saves in each\n" \
	"  top        Show the saving and the processes that save most, refreshed live\n" \
	"  show       Show one process's KSM figures and its mergeable memory areas\n" \
	"  merge      Make the memory of running processes mergeable\n" \
	"  unmerge    Undo merge: make memory unmergeable, copy merged pages back\n" \
	"  rule       Add, delete or list the module's sticky rules\n" \
	"  apply      Replace the module's rules with those of a file (/etc/ksmctl.conf)\n" \
	"  monitor    Print what the rules do, as it happens\n" \
	"  run        Run a command with its memory mergeable all its life\n" \
	"  ksmd       Show or set the settings of the kernel's ksmd (no module needed)\n" \
	"  version    Show the versions of this tool and of the kernel module\n" \
	"\n" \
	"Options:\n" \
	"  -j, --json     Print JSON instead of text\n" \
	"  -h, --help     Show this help\n" \
	"  -V, --version  Show the tool's version\n" \
	"\n" \
	"Pass `--help' to a command, or run `ksmctl help COMMAND', to see its usage.\n"

static const char main_usage[] = MAIN_USAGE;

/* @a followed by @b; valid until the next call. */
static const char *with_prefix(const char *a, const char *b)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", a, b);
	return buf;
}

/* @line followed by the main usage; valid until the next call. */
static const char *with_usage(const char *line)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), "%s%s", line, main_usage);
	return buf;
}

/*
 * A help on stdout, exit 0: @usage, a blank line, then @text somewhere
 * (every command's help is checked in full by test_every_command).
 */
static void expect_help(struct run *r, const char *usage, const char *text, const char *what)
{
	size_t len = strlen(usage);
	bool pass = r->ret == 0 && !r->c.err[0] && !strncmp(r->c.out, usage, len) &&
		    r->c.out[len] == '\n' && strstr(r->c.out + len, text);

	ok(pass, "%s", what);
	if (!pass)
		tap_diag_string("stdout", r->c.out);
	capture_free(&r->c);
}

static const char status_usage[] = "Usage: ksmctl status [-j] [-o text|json|prometheus]\n";
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

/* Fake processes and VMAs shared by test_cli and the dump helper. */
static void cli_processes(void)
{
	static const struct {
		uint32_t pid;
		const char *comm;
		uint32_t uid;
		const char *cgroup;
		uint64_t merging, mergeable, eligible;
	} p[] = {
		{ 100, "httpd", 0, "/system.slice/httpd.service", 1000, 8 << 20, 8 << 20 },
		{ 200, "qemu", 4000000, "/machine.slice/vm.scope", 5000, 16 << 20, 32 << 20 },
		{ 300, "httpd-worker", 0, "/system.slice/httpd.service", 1000, 4 << 20, 8 << 20 },
	};
	unsigned int i;
	int a;

	for (i = 0; i < 3; ++i) {
		struct ksmctl_proc *f = &fake_procs[i];

		*f = (struct ksmctl_proc){
			.pid = p[i].pid,
			.ppid = 1,
			.uid = p[i].uid,
			.cgroup_id = 1000 + i,
			.cgroup_path = (char *)p[i].cgroup,
			.merging_pages = p[i].merging,
			.mergeable_vmas = 1,
			.mergeable_bytes = p[i].mergeable,
			.eligible_bytes = p[i].eligible,
			.anon_rss_bytes = p[i].eligible,
			.prop_saved_bytes = p[i].merging * 2048,
			.ksm_mapped_pages = p[i].merging,
			.profit = (int64_t)p[i].merging * 4000,
		};
		snprintf(f->comm, sizeof(f->comm), "%s", p[i].comm);
		for (a = KSMCTL_A_PROC_PID; a <= KSMCTL_A_PROC_ANON_RSS_BYTES; ++a) {
			if (a != KSMCTL_A_PROC_RMAP_ITEMS && a != KSMCTL_A_PROC_ZERO_PAGES)
				proc_set_present(f, a);
		}
		/* The kernel sends these with KSMCTL_PROC_F_PROPORTIONAL only. */
		proc_set_present(f, KSMCTL_A_PROC_PROP_SAVED_BYTES);
		proc_set_present(f, KSMCTL_A_PROC_KSM_MAPPED_PAGES);
	}
	fake_nprocs = 3;
	fake_vmas[0] = (struct ksmctl_vma){ 0x400000, 0x401000, KSMCTL_VMA_F_READ | KSMCTL_VMA_F_FILE,
					    "/usr/bin/qemu", 0 };
	fake_vmas[1] = (struct ksmctl_vma){ 0x7f0000000000, 0x7f0001000000,
					    KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_ANON |
					    KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ELIGIBLE, NULL, 5000 };
	fake_nvmas = 2;
}

#define PS_USAGE \
	"Usage: ksmctl ps [-j] [-o text|json|prometheus] [--all] [--proportional]\n" \
	"          [--sort saved|merging|coverage|pid|profit] [--top N] [--user USER]\n" \
	"          [--cgroup CGROUP] [--command SUBSTRING] [--by cgroup]\n"

static const char ps_text[] =
	"PID  USER        SAVED  MERGING  COVERAGE  COMMAND\n"
	"200  4000000  19.5 MiB     5000       50%  qemu\n"
	"100  root     3.91 MiB     1000      100%  httpd\n"
	"300  root     3.91 MiB     1000       50%  httpd-worker\n"
	"              27.3 MiB     7000       58%  sum (3 processes)\n";

static void test_ps(void)
{
	struct run r;

	module_loaded();
	cli_processes();
	expect(run(&r, "ps", NULL), 0, ps_text, "", "ps: processes by saved memory, then pid");
	is_int(fake_proc_flags, KSMCTL_PROC_F_MERGING_ONLY, "ps asks for merging processes only");
	expect(run(&r, "ps", "--all", NULL), 0, ps_text, "", "ps --all");
	is_int(fake_proc_flags, 0, "ps --all asks for every process");
	expect(run(&r, "ps", "--proportional", "--sort", "pid", "-a", NULL), 0,
	       "PID  USER       PSAVED  MERGING  COVERAGE  COMMAND\n"
	       "100  root     1.95 MiB     1000      100%  httpd\n"
	       "200  4000000  9.77 MiB     5000       50%  qemu\n"
	       "300  root     1.95 MiB     1000       50%  httpd-worker\n"
	       "              13.7 MiB     7000       58%  total (3 processes)\n", "",
	       "ps --proportional --sort pid");
	is_int(fake_proc_flags, KSMCTL_PROC_F_PROPORTIONAL, "ps --proportional asks for the walk");
	expect(run(&r, "ps", "--top", "1", NULL), 0,
	       "PID  USER        SAVED  MERGING  COVERAGE  COMMAND\n"
	       "200  4000000  19.5 MiB     5000       50%  qemu\n"
	       "              19.5 MiB     5000       50%  sum (1 process)\n", "",
	       "ps --top 1: the total is over the rows shown");
	expect(run(&r, "ps", "--sort", "coverage", "-n", "2", NULL), 0,
	       "PID  USER        SAVED  MERGING  COVERAGE  COMMAND\n"
	       "100  root     3.91 MiB     1000      100%  httpd\n"
	       "200  4000000  19.5 MiB     5000       50%  qemu\n"
	       "              23.4 MiB     6000       60%  sum (2 processes)\n", "",
	       "ps --sort coverage -n 2");
	expect(run(&r, "ps", "--user", "root", "--command", "worker", NULL), 0,
	       "PID  USER     SAVED  MERGING  COVERAGE  COMMAND\n"
	       "300  root  3.91 MiB     1000       50%  httpd-worker\n"
	       "           3.91 MiB     1000       50%  sum (1 process)\n", "",
	       "ps --user root --command worker");
	expect(run(&r, "ps", "-u", "4000000", "--cgroup", "/system.slice", NULL), 0,
	       "PID  USER  SAVED  MERGING  COVERAGE  COMMAND\n"
	       "             0 B        0         -  sum (0 processes)\n", "",
	       "ps: filters that match nothing");
	expect(run(&r, "ps", "--by", "cgroup", NULL), 0,
	       "PROCS     SAVED  MERGING  COVERAGE  CGROUP\n"
	       "    1  19.5 MiB     5000       50%  /machine.slice/vm.scope\n"
	       "    2  7.81 MiB     2000       75%  /system.slice/httpd.service\n"
	       "    3  27.3 MiB     7000       58%  sum (2 cgroups)\n", "",
	       "ps --by cgroup");
	expect(run(&r, "ps", "--by", "cgroup", "-o", "prometheus", "--top", "1", NULL), 0,
	       "# HELP ksmctl_cgroup_processes Processes counted in the cgroup's figures.\n"
	       "# TYPE ksmctl_cgroup_processes gauge\n"
	       "ksmctl_cgroup_processes{cgroup=\"/machine.slice/vm.scope\"} 1\n"
	       "# HELP ksmctl_cgroup_merging_pages Pages mapped to KSM pages (ksm_merging_pages).\n"
	       "# TYPE ksmctl_cgroup_merging_pages gauge\n"
	       "ksmctl_cgroup_merging_pages{cgroup=\"/machine.slice/vm.scope\"} 5000\n"
	       "# HELP ksmctl_cgroup_saved_bytes Merging pages times the page size.\n"
	       "# TYPE ksmctl_cgroup_saved_bytes gauge\n"
	       "ksmctl_cgroup_saved_bytes{cgroup=\"/machine.slice/vm.scope\"} 20480000\n"
	       "# HELP ksmctl_cgroup_profit_bytes KSM profit as the kernel computes it (ksm_process_profit), may be negative.\n"
	       "# TYPE ksmctl_cgroup_profit_bytes gauge\n"
	       "ksmctl_cgroup_profit_bytes{cgroup=\"/machine.slice/vm.scope\"} 20000000\n"
	       "# HELP ksmctl_cgroup_mergeable_bytes Size of the VMAs marked mergeable.\n"
	       "# TYPE ksmctl_cgroup_mergeable_bytes gauge\n"
	       "ksmctl_cgroup_mergeable_bytes{cgroup=\"/machine.slice/vm.scope\"} 16777216\n"
	       "# HELP ksmctl_cgroup_eligible_bytes Size of the VMAs KSM could merge.\n"
	       "# TYPE ksmctl_cgroup_eligible_bytes gauge\n"
	       "ksmctl_cgroup_eligible_bytes{cgroup=\"/machine.slice/vm.scope\"} 33554432\n"
	       "# HELP ksmctl_cgroup_anon_rss_bytes Resident anonymous memory.\n"
	       "# TYPE ksmctl_cgroup_anon_rss_bytes gauge\n"
	       "ksmctl_cgroup_anon_rss_bytes{cgroup=\"/machine.slice/vm.scope\"} 33554432\n", "",
	       "ps --by cgroup -o prometheus --top 1");
	expect(run(&r, "-j", "ps", "--by", "cgroup", "--command", "httpd", NULL), 0,
	       "[\n"
	       "  {\n"
	       "    \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	       "    \"cgroup_id\": 1000,\n"
	       "    \"processes\": 2,\n"
	       "    \"merging_pages\": 2000,\n"
	       "    \"profit_bytes\": 8000000,\n"
	       "    \"mergeable_vmas\": 2,\n"
	       "    \"mergeable_bytes\": 12582912,\n"
	       "    \"eligible_bytes\": 16777216,\n"
	       "    \"anon_rss_bytes\": 16777216,\n"
	       "    \"saved_bytes\": 8192000\n"
	       "  }\n"
	       "]\n", "", "-j ps --by cgroup --command httpd");
	expect(run(&r, "ps", "-o", "json", "--sort", "merging", "--top", "1", NULL), 0,
	       "[\n"
	       "  {\n"
	       "    \"pid\": 200,\n"
	       "    \"ppid\": 1,\n"
	       "    \"comm\": \"qemu\",\n"
	       "    \"uid\": 4000000,\n"
	       "    \"user\": \"4000000\",\n"
	       "    \"cgroup_id\": 1001,\n"
	       "    \"cgroup_path\": \"/machine.slice/vm.scope\",\n"
	       "    \"merging_pages\": 5000,\n"
	       "    \"profit_bytes\": 20000000,\n"
	       "    \"mergeable_vmas\": 1,\n"
	       "    \"mergeable_bytes\": 16777216,\n"
	       "    \"eligible_bytes\": 33554432,\n"
	       "    \"anon_rss_bytes\": 33554432,\n"
	       "    \"saved_bytes\": 20480000\n"
	       "  }\n"
	       "]\n", "", "ps -o json --sort merging --top 1");
	expect(run(&r, "-j", "ps", "-o", "text", "--user", "root", "--sort", "profit", NULL), 0,
	       "PID  USER     SAVED  MERGING  COVERAGE  COMMAND\n"
	       "100  root  3.91 MiB     1000      100%  httpd\n"
	       "300  root  3.91 MiB     1000       50%  httpd-worker\n"
	       "           7.81 MiB     2000       75%  sum (2 processes)\n", "",
	       "-o text after -j wins; --sort profit");
	expect(run(&r, "ps", "-o", "prometheus", "--user", "4000000", NULL), 0,
	       "# HELP ksmctl_process_merging_pages Pages mapped to KSM pages (ksm_merging_pages).\n"
	       "# TYPE ksmctl_process_merging_pages gauge\n"
	       "ksmctl_process_merging_pages{pid=\"200\",comm=\"qemu\",user=\"4000000\",cgroup=\"/machine.slice/vm.scope\"} 5000\n"
	       "# HELP ksmctl_process_saved_bytes Merging pages times the page size.\n"
	       "# TYPE ksmctl_process_saved_bytes gauge\n"
	       "ksmctl_process_saved_bytes{pid=\"200\",comm=\"qemu\",user=\"4000000\",cgroup=\"/machine.slice/vm.scope\"} 20480000\n"
	       "# HELP ksmctl_process_profit_bytes KSM profit as the kernel computes it (ksm_process_profit), may be negative.\n"
	       "# TYPE ksmctl_process_profit_bytes gauge\n"
	       "ksmctl_process_profit_bytes{pid=\"200\",comm=\"qemu\",user=\"4000000\",cgroup=\"/machine.slice/vm.scope\"} 20000000\n"
	       "# HELP ksmctl_process_mergeable_bytes Size of the VMAs marked mergeable.\n"
	       "# TYPE ksmctl_process_mergeable_bytes gauge\n"
	       "ksmctl_process_mergeable_bytes{pid=\"200\",comm=\"qemu\",user=\"4000000\",cgroup=\"/machine.slice/vm.scope\"} 16777216\n"
	       "# HELP ksmctl_process_eligible_bytes Size of the VMAs KSM could merge.\n"
	       "# TYPE ksmctl_process_eligible_bytes gauge\n"
	       "ksmctl_process_eligible_bytes{pid=\"200\",comm=\"qemu\",user=\"4000000\",cgroup=\"/machine.slice/vm.scope\"} 33554432\n"
	       "# HELP ksmctl_process_anon_rss_bytes Resident anonymous memory.\n"
	       "# TYPE ksmctl_process_anon_rss_bytes gauge\n"
	       "ksmctl_process_anon_rss_bytes{pid=\"200\",comm=\"qemu\",user=\"4000000\",cgroup=\"/machine.slice/vm.scope\"} 33554432\n",
	       "", "ps -o prometheus");
}

static void test_ps_errors(void)
{
	struct run r;
	char want[256];

	module_loaded();
	cli_processes();
	expect_help(run(&r, "ps", "-h", NULL), PS_USAGE,
		    "SAVED counts a page that N processes share in each of them: their sum is\n"
		    "more than the host saves. With --proportional each is credited (N-1)/N of it,\n"
		    "and the total is what the host saves.\n", "ps -h: usage, and what the sum is");
	expect(run(&r, "ps", "--sort", "rss", NULL), 1, "",
	       "ksmctl: Invalid sort key `rss' (expected saved, merging, coverage, pid or profit)\n",
	       "ps --sort rss");
	expect(run(&r, "ps", "--top", "0", NULL), 1, "",
	       "ksmctl: Invalid --top value `0' (expected 1 to 4294967295)\n", "ps --top 0");
	expect(run(&r, "ps", "--top", "-1", NULL), 1, "",
	       "ksmctl: Invalid --top value `-1' (expected 1 to 4294967295)\n", "ps --top -1");
	expect(run(&r, "ps", "--top", "4294967296", NULL), 1, "",
	       "ksmctl: Invalid --top value `4294967296' (expected 1 to 4294967295)\n",
	       "ps --top 2^32");
	expect(run(&r, "ps", "--top", NULL), 1, "",
	       "ksmctl: Option `--top' requires an argument\n" "Usage: ksmctl ps [-j] [-o text|json|prometheus] [--all] [--proportional]\n"
	       "          [--sort saved|merging|coverage|pid|profit] [--top N] [--user USER]\n"
	       "          [--cgroup CGROUP] [--command SUBSTRING] [--by cgroup]\n",
	       "ps --top without a value");
	expect(run(&r, "ps", "--by", "user", NULL), 1, "",
	       "ksmctl: Invalid grouping `user' (expected cgroup)\n", "ps --by user");
	expect(run(&r, "ps", "--user", "no-such-user-xyz", NULL), 1, "",
	       "ksmctl: Unknown user `no-such-user-xyz'\n", "ps --user unknown");
	expect(run(&r, "ps", "-o", "xml", NULL), 1, "",
	       "ksmctl: Invalid output format `xml' (expected text, json or prometheus)\n",
	       "ps -o xml");
	expect(run(&r, "ps", "-u", "4000000", "--cgroup", "system.slice", NULL), 0,
	       "PID  USER  SAVED  MERGING  COVERAGE  COMMAND\n"
	       "             0 B        0         -  sum (0 processes)\n", "",
	       "ps --cgroup relative to the cgroup v2 root");
	snprintf(want, sizeof(want), "ksmctl: No such cgroup `/no-such-cgroup' (in %s)\n",
		 getenv("KSMCTL_CGROUP2_ROOT"));
	expect(run(&r, "ps", "--cgroup", "/no-such-cgroup", NULL), 1, "", want,
	       "ps --cgroup that does not exist");
	expect(run(&r, "ps", "42", NULL), 1, "",
	       "ksmctl: Unexpected argument `42'\n" "Usage: ksmctl ps [-j] [-o text|json|prometheus] [--all] [--proportional]\n"
	       "          [--sort saved|merging|coverage|pid|profit] [--top N] [--user USER]\n"
	       "          [--cgroup CGROUP] [--command SUBSTRING] [--by cgroup]\n",
	       "ps with an argument");
	fake_open_ret = -ENOENT;
	expect(run(&r, "ps", NULL), 1, "", "", "ps without the module fails");
	module_loaded();
	fake_procs_ret = -ENOBUFS;
	expect(run(&r, "ps", "-j", NULL), 1, "",
	       "ksmctl: Unable to list processes: fake failure: No buffer space available\n",
	       "ps: a failed dump prints nothing on stdout");
	/* The rows above assume 4 KiB pages, the host's on x86-64. */
	module_loaded();
	cli_processes();
	fake_get_ret = -EPERM;
	expect(run(&r, "ps", NULL), 0, ps_text, "",
	       "ps takes the page size from the host, not from a status request");
}

static const char show_text[] =
	"pid:              200\n"
	"ppid:             1\n"
	"command:          qemu\n"
	"user:             uid 4000000\n"
	"cgroup:           /machine.slice/vm.scope\n"
	"merging:          19.5 MiB (5000 pages)\n"
	"profit:           19.1 MiB\n"
	"prop. saved:      9.77 MiB\n"
	"ksm mapped:       19.5 MiB (5000 pages)\n"
	"mergeable:        16.0 MiB in 1 VMA\n"
	"eligible:         32.0 MiB\n"
	"coverage:         50%\n"
	"anon rss:         32.0 MiB\n"
	"\n";

static void test_show(void)
{
	static const char usage[] = "Usage: ksmctl show [-j] [--all-vmas] PID\n";
	struct run r;

	module_loaded();
	cli_processes();
	expect(run(&r, "show", "200", NULL), 0,
	       with_prefix(show_text,
			   "START-END                          SIZE  PERM  FLAGS     KSM  NAME\n"
			   "0x7f0000000000-0x7f0001000000  16.0 MiB  rw-p  me anon  5000\n"),
	       "", "show PID");
	is_int(fake_proc_flags, KSMCTL_PROC_F_PROPORTIONAL, "show asks for the proportional saving");
	expect(run(&r, "show", "--all-vmas", "200", NULL), 0,
	       with_prefix(show_text,
			   "START-END                          SIZE  PERM  FLAGS     KSM  NAME\n"
			   "0x000000400000-0x000000401000  4.00 KiB  r--p  -- file     0  /usr/bin/qemu\n"
			   "0x7f0000000000-0x7f0001000000  16.0 MiB  rw-p  me anon  5000\n"),
	       "", "show --all-vmas PID");
	expect(run(&r, "-j", "show", "100", NULL), 0,
	       "{\n"
	       "  \"pid\": 100,\n"
	       "  \"ppid\": 1,\n"
	       "  \"comm\": \"httpd\",\n"
	       "  \"uid\": 0,\n"
	       "  \"user\": \"root\",\n"
	       "  \"cgroup_id\": 1000,\n"
	       "  \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	       "  \"merging_pages\": 1000,\n"
	       "  \"profit_bytes\": 4000000,\n"
	       "  \"prop_saved_bytes\": 2048000,\n"
	       "  \"ksm_mapped_pages\": 1000,\n"
	       "  \"mergeable_vmas\": 1,\n"
	       "  \"mergeable_bytes\": 8388608,\n"
	       "  \"eligible_bytes\": 8388608,\n"
	       "  \"anon_rss_bytes\": 8388608,\n"
	       "  \"saved_bytes\": 4096000,\n"
	       "  \"vmas\": [\n"
	       "    {\n"
	       "      \"start\": 139637976727552,\n"
	       "      \"end\": 139637993504768,\n"
	       "      \"size_bytes\": 16777216,\n"
	       "      \"flags\": 391,\n"
	       "      \"flag_names\": [\n"
	       "        \"read\",\n"
	       "        \"write\",\n"
	       "        \"mergeable\",\n"
	       "        \"eligible\",\n"
	       "        \"anon\"\n"
	       "      ],\n"
	       "      \"ksm_pages\": 5000\n"
	       "    }\n"
	       "  ]\n"
	       "}\n", "", "-j show PID");

	expect_help(run(&r, "show", "-h", NULL), usage, "  -a, --all-vmas ", "show -h");
	expect(run(&r, "show", NULL), 1, "", with_prefix("ksmctl: Missing process id\n", usage),
	       "show without a pid");
	expect(run(&r, "show", "1", "2", NULL), 1, "",
	       with_prefix("ksmctl: Unexpected argument `2'\n", usage), "show with two pids");
	expect(run(&r, "show", "42x", NULL), 1, "", "ksmctl: Invalid pid `42x'\n", "show 42x");
	expect(run(&r, "show", "0", NULL), 1, "", "ksmctl: Invalid pid `0'\n", "show 0");
	expect(run(&r, "show", "--", "-1", NULL), 1, "", "ksmctl: Invalid pid `-1'\n", "show -- -1");
	expect(run(&r, "show", "-1", NULL), 1, "",
	       with_prefix("ksmctl: Invalid option `-1'\n", usage), "show -1 is an option");
	expect(run(&r, "show", "999", NULL), 1, "",
	       "ksmctl: Unable to get pid 999: no such process\n", "show of a missing process");
	fake_open_ret = -ENOENT;
	expect(run(&r, "show", "100", NULL), 1, "", "", "show without the module fails");
}

static const char merge_usage[] =
	"Usage: ksmctl merge [-j] [--tree] [--range START-END]\n"
	"          [--only heap|stack|anon|file[,...]] PID...\n";

static void mark_results(void)
{
	struct ksmctl_mark_result *r = fake_mark_results;

	r[0] = (struct ksmctl_mark_result){ .pid = 100, .processes = 1, .vmas = 12,
		.bytes = 48 << 20, .already_vmas = 3, .already_bytes = 1 << 20,
		.has_failed_processes = true };
	r[0].skipped[KSMCTL_SKIP_SHARED] = 2;
	r[0].skipped[KSMCTL_SKIP_SPECIAL] = 1;
	r[1] = (struct ksmctl_mark_result){ .pid = 200, .err = -EPERM,
		.error = "changing another process's memory needs CAP_SYS_ADMIN" };
	r[2] = (struct ksmctl_mark_result){ .pid = 300, .processes = 4, .vmas = 2, .bytes = 8192,
		.has_failed_processes = true, .failed_processes = 1 };
	r[3] = (struct ksmctl_mark_result){ .pid = 400, .processes = 1, .vmas = 5,
		.bytes = 5 << 20, .interrupted = true, .has_failed_processes = true };
	fake_nmark_results = 4;
}

static void test_merge(void)
{
	const struct ksmctl_mark_req *c = fake_mark_calls;
	struct sigaction sa;
	struct run r;

	module_loaded();
	mark_results();
	expect(run(&r, "merge", "100", NULL), 0,
	       "pid 100: marked 12 VMAs (48.0 MiB) mergeable; 3 already mergeable (1.00 MiB); skipped 3: 2 shared, 1 special\n",
	       "", "merge PID");
	ok(fake_nmark_calls == 1 && !c[0].unmark && c[0].pid == 100 && !c[0].flags &&
	   !c[0].has_range && !c[0].classes, "merge PID sends MARK with the pid only");
	/* ksmd stopped: the same, and a word about it */
	module_loaded();
	ksmd_run(0);
	mark_results();
	expect(run(&r, "merge", "100", NULL), 0,
	       "pid 100: marked 12 VMAs (48.0 MiB) mergeable; 3 already mergeable (1.00 MiB); skipped 3: 2 shared, 1 special\n",
	       "ksmctl: Warning: ksmd is stopped: nothing is merged until 'ksmctl ksmd start'\n",
	       "merge while ksmd is stopped says so");
	ksmd_run(1);

	module_loaded();
	mark_results();
	expect(run(&r, "unmerge", "--tree", "--range", "0x1000-8192", "--only", "heap,stack",
		   "300", NULL), 0,
	       "pid 300 and descendants: unmerged 2 VMAs (8.00 KiB) in 4 processes; 1 process exited or could not be changed\n",
	       "", "unmerge --tree --range --only");
	ok(fake_nmark_calls == 1 && c[0].unmark && c[0].pid == 300 &&
	   c[0].flags == KSMCTL_MARK_F_TREE && c[0].has_range && c[0].start == 0x1000 &&
	   c[0].end == 8192 && c[0].classes == (KSMCTL_CLASS_HEAP | KSMCTL_CLASS_STACK),
	   "unmerge sends UNMARK with the flags, the range and the classes");

	module_loaded();
	mark_results();
	expect(run(&r, "merge", "100", "200", "999", "300", NULL), 1,
	       "pid 100: marked 12 VMAs (48.0 MiB) mergeable; 3 already mergeable (1.00 MiB); skipped 3: 2 shared, 1 special\n"
	       "pid 300: marked 2 VMAs (8.00 KiB) mergeable\n",
	       "ksmctl: Unable to mark pid 200: changing another process's memory needs CAP_SYS_ADMIN\n"
	       "ksmctl: Unable to mark pid 999: no such process\n",
	       "merge goes on after a failed pid and exits 1");
	is_int(fake_nmark_calls, 4, "every pid was asked for");

	module_loaded();
	mark_results();
	expect(run(&r, "unmerge", "-j", "200", "400", NULL), 1,
	       "[\n"
	       "  {\n"
	       "    \"pid\": 200,\n"
	       "    \"ok\": false,\n"
	       "    \"error\": \"changing another process's memory needs CAP_SYS_ADMIN\"\n"
	       "  },\n"
	       "  {\n"
	       "    \"pid\": 400,\n"
	       "    \"ok\": true,\n"
	       "    \"error\": null,\n"
	       "    \"processes\": 1,\n"
	       "    \"vmas\": 5,\n"
	       "    \"bytes\": 5242880,\n"
	       "    \"already_vmas\": 0,\n"
	       "    \"already_bytes\": 0,\n"
	       "    \"skipped\": {\n"
	       "      \"shared\": 0,\n"
	       "      \"io\": 0,\n"
	       "      \"hugetlb\": 0,\n"
	       "      \"dax\": 0,\n"
	       "      \"special\": 0,\n"
	       "      \"class\": 0,\n"
	       "      \"range\": 0\n"
	       "    },\n"
	       "    \"interrupted\": true\n"
	       "  }\n"
	       "]\n",
	       "ksmctl: Unable to unmerge pid 200: changing another process's memory needs CAP_SYS_ADMIN\n",
	       "unmerge -j: failed and interrupted results in the array, exit 1");

	module_loaded();
	mark_results();
	expect(run(&r, "unmerge", "400", NULL), 1,
	       "pid 400: unmerged 5 VMAs (5.00 MiB); interrupted: stopped early, the figures are partial\n",
	       "", "an interrupted unmerge exits 1");

	/*
	 * SIGINT while the kernel works on the second pid: its reply is printed,
	 * then stop. From the default action (a shell starts a background job
	 * with SIGINT ignored), to which merge must come back.
	 */
	signal(SIGINT, SIG_DFL);
	module_loaded();
	mark_results();
	fake_mark_sigint_pid = 300;
	expect(run(&r, "unmerge", "100", "300", "400", NULL), 1,
	       "pid 100: unmerged 12 VMAs (48.0 MiB); 3 already unmergeable (1.00 MiB); skipped 3: 2 shared, 1 special\n"
	       "pid 300: unmerged 2 VMAs (8.00 KiB)\n",
	       "ksmctl: Interrupted, 1 pid left alone\n", "SIGINT: the current reply is printed, then stop");
	is_int(fake_nmark_calls, 2, "no request after SIGINT");
	sigaction(SIGINT, NULL, &sa);
	ok(sa.sa_handler == SIG_DFL, "SIGINT is back to the action it had");
}

static void test_merge_errors(void)
{
	struct run r;

	module_loaded();
	mark_results();
	expect_help(run(&r, "merge", "-h", NULL), merge_usage, "\nMark the memory", "merge -h");
	expect_help(run(&r, "unmerge", "--help", NULL),
		    "Usage: ksmctl unmerge [-j] [--tree] [--range START-END]\n"
		    "          [--only heap|stack|anon|file[,...]] PID...\n", "\nUndo merge: ",
		    "unmerge --help");
	expect(run(&r, "merge", NULL), 1, "", with_prefix("ksmctl: Missing process id\n", merge_usage),
	       "merge without a pid");
	expect(run(&r, "merge", "--range", "0x2000-0x1000", "100", NULL), 1, "",
	       "ksmctl: Invalid range `0x2000-0x1000'\n", "inverted range");
	expect(run(&r, "merge", "--range", "0x1000", "100", NULL), 1, "",
	       "ksmctl: Invalid range `0x1000'\n", "range without an end");
	expect(run(&r, "merge", "--range", "4k-8k", "100", NULL), 1, "",
	       "ksmctl: Invalid range `4k-8k'\n", "range with sizes");
	expect(run(&r, "merge", "--only", "heap,code", "100", NULL), 1, "",
	       "ksmctl: Invalid memory class `code' (expected heap, stack, anon or file)\n",
	       "unknown memory class");
	expect(run(&r, "merge", "--only", "", "100", NULL), 1, "",
	       "ksmctl: Invalid memory class `' (expected heap, stack, anon or file)\n",
	       "empty memory class");
	expect(run(&r, "merge", "100", "42x", NULL), 1, "", "ksmctl: Invalid pid `42x'\n",
	       "a bad pid among good ones");
	expect(run(&r, "merge", "0", NULL), 1, "", "ksmctl: Invalid pid `0'\n", "pid 0");
	expect(run(&r, "merge", "--", "-1", NULL), 1, "", "ksmctl: Invalid pid `-1'\n", "pid -1");
	expect(run(&r, "merge", "--tree=1", "100", NULL), 1, "",
	       with_prefix("ksmctl: Option `--tree' does not take an argument\n", merge_usage),
	       "--tree=1");
	is_int(fake_nmark_calls, 0, "nothing is sent when the command line is wrong");
	fake_open_ret = -ENOENT;
	expect(run(&r, "merge", "100", NULL), 1, "", "", "merge without the module fails");
}

static void test_status_output(void)
{
	struct run r;

	module_loaded();
	expect(run(&r, "status", "-o", "prometheus", NULL), 0,
	       STATUS_PROM_HEAD
	       "# HELP ksmctl_pages_unshared Pages checked that are unique.\n"
	       "# TYPE ksmctl_pages_unshared gauge\n"
	       "ksmctl_pages_unshared 0\n"
	       "# HELP ksmctl_pages_volatile Pages changing too fast to be merged.\n"
	       "# TYPE ksmctl_pages_volatile gauge\n"
	       "ksmctl_pages_volatile 0\n"
	       "# HELP ksmctl_saved_bytes Memory saved: pages_sharing times the page size.\n"
	       "# TYPE ksmctl_saved_bytes gauge\n"
	       "ksmctl_saved_bytes 50331648\n"
	       "# HELP ksmctl_full_scans_total Full scans ksmd has completed.\n"
	       "# TYPE ksmctl_full_scans_total counter\n"
	       "ksmctl_full_scans_total 7\n", "", "status -o prometheus");
	expect(run(&r, "status", "-o", "json", NULL), 0, status_json, "", "status -o json");
	expect(run(&r, "-j", "status", "--output=text", NULL), 0, status_text, "",
	       "status --output=text after -j");
	expect(run(&r, "status", "-o", "yaml", NULL), 1, "",
	       "ksmctl: Invalid output format `yaml' (expected text, json or prometheus)\n",
	       "status -o yaml");
}

/* ksmd stopped while processes have memory marked mergeable: status says so */
static void test_status_ksmd_stopped(void)
{
	struct run r;

	module_loaded();
	cli_processes();
	fake_status.run = 0;
	expect(run(&r, "status", NULL), 0,
	       "ksmd:             stopped (pages_to_scan 100, sleep 20 ms)\n"
	       "not scanned:      28.0 MiB marked mergeable in 3 processes: ksmctl ksmd start\n"
	       STATUS_TEXT_TAIL, "", "status: ksmd stopped with mergeable memory");
	is_int(fake_proc_flags, 0, "status asks for every process, without costly figures");
	expect(run(&r, "status", "-j", NULL), 0,
	       "{\n"
	       "  \"module_version\": \"0.1.0\",\n"
	       "  \"page_size\": 4096,\n"
	       "  \"run\": 0,\n"
	       "  \"run_state\": \"stopped\",\n"
	       "  \"unscanned_mergeable_bytes\": 29360128,\n"
	       "  \"unscanned_processes\": 3,\n"
	       STATUS_JSON_TAIL, "", "status -j: ksmd stopped with mergeable memory");

	fake_proc_flags = UINT32_MAX;
	run(&r, "status", "-o", "prometheus", NULL);
	capture_free(&r.c);
	is_int(fake_proc_flags, UINT32_MAX, "status -o prometheus makes no GET_PROC dump");

	/* nothing marked: no line */
	fake_nprocs = 0;
	expect(run(&r, "status", NULL), 0,
	       "ksmd:             stopped (pages_to_scan 100, sleep 20 ms)\n"
	       STATUS_TEXT_TAIL, "", "status: ksmd stopped, nothing mergeable");

	/* running: the processes are not even asked for */
	cli_processes();
	fake_status.run = 1;
	fake_proc_flags = UINT32_MAX;
	expect(run(&r, "status", NULL), 0, status_text, "", "status: ksmd running, no line");
	is_int(fake_proc_flags, UINT32_MAX, "status with ksmd running makes no GET_PROC dump");
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
	expect_help(run(&r, "help", "version", NULL), "Usage: ksmctl version [-j]\n",
		    "\nOptions:\n", "help COMMAND is COMMAND --help");
	expect(run(&r, "help", "nope", NULL), 1, "",
	       "ksmctl: Invalid command `nope'\n" MAIN_USAGE, "help of an unknown command");
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
	expect_help(run(&r, "status", "-h", NULL), status_usage, "\nOptions:\n", "status -h");
	expect_help(run(&r, "status", "--help", NULL), status_usage, "\nOptions:\n", "status --help");
	expect_help(run(&r, "-j", "status", "-h", NULL), status_usage, "\nOptions:\n", "-j status -h");
	expect_help(run(&r, "version", "-h", NULL), version_usage, "\nOptions:\n", "version -h");
	expect(run(&r, "status", "--foo", NULL), 1, "",
	       "ksmctl: Invalid option `--foo'\nUsage: ksmctl status [-j] [-o text|json|prometheus]\n", "status --foo");
	expect(run(&r, "status", "-x", NULL), 1, "",
	       "ksmctl: Invalid option `-x'\nUsage: ksmctl status [-j] [-o text|json|prometheus]\n", "status -x");
	expect(run(&r, "status", "-jx", NULL), 1, "",
	       "ksmctl: Invalid option `-x'\nUsage: ksmctl status [-j] [-o text|json|prometheus]\n", "status -jx");
	expect(run(&r, "status", "--json=1", NULL), 1, "",
	       "ksmctl: Option `--json' does not take an argument\nUsage: ksmctl status [-j] [-o text|json|prometheus]\n",
	       "status --json=1");
	expect(run(&r, "status", "now", NULL), 1, "",
	       "ksmctl: Unexpected argument `now'\nUsage: ksmctl status [-j] [-o text|json|prometheus]\n",
	       "status with an argument");
	expect(run(&r, "status", "now", "-j", NULL), 1, "",
	       "ksmctl: Unexpected argument `now'\nUsage: ksmctl status [-j] [-o text|json|prometheus]\n",
	       "status with an argument before -j");
	expect(run(&r, "version", "--bar", NULL), 1, "",
	       "ksmctl: Invalid option `--bar'\nUsage: ksmctl version [-j]\n", "version --bar");
	expect(run(&r, "version", "x", NULL), 1, "",
	       "ksmctl: Unexpected argument `x'\nUsage: ksmctl version [-j]\n",
	       "version with an argument");
	expect_help(run(&r, "status", "-h", "--foo", NULL), status_usage, "\nOptions:\n",
	       "options are handled in order");
}

/*
 * The options a usage synopsis names ("-j", "--all", ...) into @opts, each
 * once: a '-' that starts a word, after a blank, '[' or '|'; "--" alone,
 * the end of options, is not one.
 */
static size_t synopsis_options(const char *usage, char opts[][32], size_t max)
{
	const char *p;
	size_t n = 0, len, i;

	for (p = usage; *p; ++p) {
		if (*p != '-' || (p > usage && !strchr(" [|", p[-1])))
			continue;
		len = strspn(p, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (len < 2 || len >= 32 || !strncmp(p, "--", len))
			continue;
		for (i = 0; i < n && (strlen(opts[i]) != len || strncmp(opts[i], p, len)); ++i)
			;
		if (i == n && n < max) {
			memcpy(opts[n], p, len);
			opts[n++][len] = '\0';
		}
		p += len - 1;
	}
	return n;
}

/*
 * True if a line of the options part of @help (after its first line that
 * starts with "Options") describes @opt: the line starts with blanks and
 * '-', and @opt is one of the names before the description (two blanks).
 */
static bool described(const char *help, const char *opt)
{
	const char *line = strstr(help, "\nOptions");
	size_t len = strlen(opt);

	for (; line && *line; line = strchr(line + 1, '\n')) {
		const char *names = line + 1 + strspn(line + 1, " ");
		const char *end = strstr(names, "  "), *nl = strchr(names, '\n'), *p;

		if (*names != '-')
			continue;
		if (!end || (nl && nl < end))
			end = nl ? nl : names + strlen(names);
		for (p = names; p + len <= end && (p = strstr(p, opt)) && p + len <= end; p += len)
			if ((p == names || p[-1] == ' ') && strchr(", =\n", p[len] ? p[len] : '\n'))
				return true;
	}
	return false;
}

/* Every line of @s at most 80 bytes (the help text is ASCII). */
static bool lines_fit(const char *s)
{
	size_t len;

	for (; *s; s += len + (s[len] == '\n')) {
		len = strcspn(s, "\n");
		if (len > 80)
			return false;
	}
	return true;
}

/* What "CMD --help" printed is a help: usage, a blank line, the options. */
static bool help_well_formed(const char *cmd, const char *out)
{
	char start[64], opts[40][32];
	const char *blank = strstr(out, "\n\n");
	char *usage = blank ? strndup(out, (size_t)(blank - out)) : NULL;
	size_t n, i;
	bool good;

	snprintf(start, sizeof(start), "Usage: ksmctl %s", cmd);
	good = usage && !strncmp(out, start, strlen(start)) && strchr(" \n", out[strlen(start)]) &&
	       strstr(out, "\nOptions") && lines_fit(out) && described(out, "-h") &&
	       described(out, "--help");
	n = usage ? synopsis_options(usage, opts, 40) : 0;
	for (i = 0; good && i < n; ++i) {
		if (!described(out, opts[i])) {
			fprintf(tap_out, "#   %s: %s is in the usage, not under Options\n", cmd, opts[i]);
			good = false;
		}
	}
	free(usage);
	return good;
}

/*
 * Every command of the dispatch table, so that a new one cannot miss it:
 * -h, --help and "help CMD" print the same help; "--" ends the options;
 * an unknown option is an error with the usage.
 */
static void test_every_command(void)
{
	size_t i;

	module_loaded();
	for (i = 0; i < subcommands_n; ++i) {
		char *cmd = (char *)subcommands[i].name, *help;
		char want_err[160];
		struct run r;

		run(&r, cmd, "--help", NULL);
		help = strdup(r.c.out);
		ok(r.ret == 0 && !r.c.err[0] && help_well_formed(cmd, r.c.out),
		   "%s --help: usage, what it does, every option of the usage described", cmd);
		if (r.ret || r.c.err[0] || !help_well_formed(cmd, r.c.out))
			tap_diag_string("stdout", r.c.out);
		capture_free(&r.c);
		expect(run(&r, cmd, "-h", NULL), 0, help, "", "-h is --help");
		expect(run(&r, "help", cmd, NULL), 0, help, "", "help CMD is CMD --help");
		run(&r, cmd, "--", "--help", NULL);
		ok(r.ret != 0 && !strstr(r.c.out, "Usage:") && !strstr(r.c.err, "Invalid option"),
		   "%s -- --help: --help is an argument after --, not an option", cmd);
		capture_free(&r.c);
		snprintf(want_err, sizeof(want_err),
			 "ksmctl: Invalid option `--no-such-option'\nUsage: ksmctl %s", cmd);
		run(&r, cmd, "--no-such-option", NULL);
		ok(r.ret == 1 && !r.c.out[0] && !strncmp(r.c.err, want_err, strlen(want_err)),
		   "%s --no-such-option: the error, the usage on stderr, exit 1", cmd);
		capture_free(&r.c);
		free(help);
	}
}

static void test_ipc_errors(void)
{
	struct run r;

	/* without the module, status reads the kernel's own /sys/kernel/mm/ksm */
	module_loaded();
	fake_open_ret = -ENOENT;
	unsetenv("KSMCTL_KSM_SYSFS");	/* the real one, if the host has it */
	run(&r, "status", NULL);
	setenv("KSMCTL_KSM_SYSFS", ksm_dir, 1);
	is_int(fake_open_flags, IPC_QUIET_NOT_LOADED,
	       "status asks ipc_open() to say nothing of a missing module");
	if (access("/sys/kernel/mm/ksm/run", R_OK))
		ok(r.ret == 1 && strstr(r.c.err, "cannot be read"),
		   "status without the module or sysfs fails, and says why");
	else
		ok(r.ret == 0 && !*r.c.err && strstr(r.c.out, "\nmodule:           not loaded: "),
		   "status without the module shows sysfs and says the module is not loaded");
	capture_free(&r.c);

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

/* a cgroup v2 tree of the cgroups the tests name, as $KSMCTL_CGROUP2_ROOT */
static char cgroup_root[] = "/tmp/ksmctl-cgroup-XXXXXX";

static void cgroups_make(void)
{
	char path[128];

	if (!mkdtemp(cgroup_root))
		abort();
	snprintf(path, sizeof(path), "%s/system.slice", cgroup_root);
	if (mkdir(path, 0755))
		abort();
	setenv("KSMCTL_CGROUP2_ROOT", cgroup_root, 1);
}

static void ksmd_run(int run)
{
	put_file(ksm_dir, "run", run ? "1\n" : "0\n");
}

static void cgroups_remove(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/system.slice", cgroup_root);
	rmdir(path);
	rmdir(cgroup_root);
	snprintf(path, sizeof(path), "%s/run", ksm_dir);
	unlink(path);
	rmdir(ksm_dir);
}

int main(void)
{
	cgroups_make();
	if (!mkdtemp(ksm_dir))
		abort();
	ksmd_run(1);
	setenv("KSMCTL_KSM_SYSFS", ksm_dir, 1);
	setenv("KSMCTL_PROC", ksm_dir, 1);	/* no ksmd there: no CPU line */
	tap_begin("cli");
	test_dispatch();
	test_global_option_errors();
	test_subcommand_options();
	test_every_command();
	test_ipc_errors();
	test_version();
	test_status_output();
	test_status_ksmd_stopped();
	test_ps();
	test_ps_errors();
	test_show();
	test_merge();
	test_merge_errors();
	cgroups_remove();
	return tap_done();
}
