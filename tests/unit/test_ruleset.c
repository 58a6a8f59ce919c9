// SPDX-License-Identifier: GPL-2.0
/*
 * Sticky rules in the tool: configuration lines (good and bad, with the
 * messages), the text form and its round trip, cgroup paths, "ksmctl apply"
 * (line-numbered errors, replacing the module's rules), "ksmctl rule" and
 * the monitor's event lines.
 */

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture.h"
#include "fake_ipc.h"
#include "monitor.h"
#include "procs.h"
#include "ruleset.h"
#include "tap.h"

int ksmctl_main(int argc, char *argv[]);

static void good_line(const char *line, const char *want)
{
	struct ksmctl_rule r;
	char err[256] = "", text[512];
	int ret = rule_parse_line(line, &r, err, sizeof(err));

	if (!is_int(ret, 1, "parse `%s'", line)) {
		tap_diag_string("error", err);
		return;
	}
	rule_format(&r, text, sizeof(text));
	is_str(text, want, "render `%s'", line);
}

static void bad_line(const char *line, const char *want)
{
	struct ksmctl_rule r;
	char err[256] = "";
	int ret = rule_parse_line(line, &r, err, sizeof(err));

	is_int(ret, -EINVAL, "reject `%s'", line);
	is_str(err, want, "message for `%s'", line);
}

static void lines(void)
{
	struct ksmctl_rule r;
	char err[64];

	is_int(rule_parse_line("", &r, err, sizeof(err)), 0, "empty line");
	is_int(rule_parse_line("   \t ", &r, err, sizeof(err)), 0, "blank line");
	is_int(rule_parse_line("# merge comm=x", &r, err, sizeof(err)), 0, "comment");

	good_line("merge comm=java", "merge comm=java");
	good_line("  never   exe=/usr/bin/x   # trailing comment", "never exe=/usr/bin/x");
	good_line("merge pid=42 tree", "merge pid=42 tree");
	good_line("merge tree pid=42", "merge pid=42 tree");
	good_line("merge cgroup=/sys/fs/cgroup/machine.slice/ recursive",
		  "merge cgroup=/machine.slice recursive");
	good_line("merge cgroup=a/b", "merge cgroup=/a/b");
	good_line("merge uid=1000 comm=postgres exe=/usr/lib/postgresql/bin/postgres",
		  "merge exe=/usr/lib/postgresql/bin/postgres comm=postgres uid=1000");
	good_line("never uid=0", "never uid=0");
	good_line("never uid=root", "never uid=0");
	good_line("merge comm=123456789012345", "merge comm=123456789012345");

	bad_line("mrege comm=x", "Unknown action `mrege'");
	bad_line("merge", "Missing match (pid, cgroup, exe, comm or uid)");
	bad_line("merge foo=1", "Unknown match `foo'");
	bad_line("merge comm=x sticky", "Unknown word `sticky'");
	bad_line("merge pid=0", "Invalid pid `0'");
	bad_line("merge pid=12x", "Invalid pid `12x'");
	bad_line("merge uid=-1", "Invalid uid `-1'");
	bad_line("merge uid=4294967295", "Invalid uid `4294967295'");
	bad_line("merge uid=no-such-user-xyz", "Unknown user `no-such-user-xyz'");
	bad_line("merge exe=bin/x", "Executable path must be absolute: `bin/x'");
	bad_line("merge comm=", "Process name must be 1 to 15 bytes: `'");
	bad_line("merge comm=1234567890123456",
		 "Process name must be 1 to 15 bytes: `1234567890123456'");
	bad_line("merge comm=x tree", "`tree' needs a pid");
	bad_line("merge comm=x recursive", "`recursive' needs a cgroup");
	bad_line("merge comm=x comm=y", "Duplicate `comm'");
	bad_line("merge cgroup=", "Invalid cgroup `'");
}

/* rule list -o conf, read back as apply reads a file: the same rules */
static void conf_round_trip(const char *const *texts, size_t n)
{
	struct rule_list l = { 0 }, back = { 0 };
	char *conf = NULL, a[512], b[512];
	size_t len, i;
	bool same;
	FILE *f;

	for (i = 0; i < n; i++) {
		struct ksmctl_rule r;
		char err[64];

		if (rule_parse_line(texts[i], &r, err, sizeof(err)) != 1 || rule_list_add(&l, &r))
			abort();
	}
	f = open_memstream(&conf, &len);
	if (!f)
		abort();
	rule_print_list_conf(f, &l);
	fclose(f);
	ok(!strncmp(conf, "# ", 2), "rule list -o conf starts with a comment");
	f = fmemopen(conf, len, "r");
	if (!f)
		abort();
	is_int(rule_parse_file(f, "conf", &back), 0, "rule list -o conf parses as a file");
	fclose(f);
	same = back.n == l.n;
	for (i = 0; same && i < l.n; i++) {
		rule_format(&l.rules[i], a, sizeof(a));
		rule_format(&back.rules[i], b, sizeof(b));
		same = !strcmp(a, b);
	}
	ok(same, "rule list -o conf reads back as the same %zu rules", n);
	rule_list_free(&l);
	rule_list_free(&back);
	free(conf);
}

static void round_trip(void)
{
	static const char *const texts[] = {
		"merge pid=1 tree cgroup=/a/b recursive exe=/bin/sh comm=sh uid=7",
		"never cgroup=/",
		"merge pid=99",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct ksmctl_rule r;
		char err[64], text[512];

		rule_parse_line(texts[i], &r, err, sizeof(err));
		rule_format(&r, text, sizeof(text));
		is_str(text, texts[i], "round trip %zu", i);
	}
	conf_round_trip(texts, sizeof(texts) / sizeof(texts[0]));
}

static void cgroup_paths(void)
{
	char out[64];

	/* the cgroup v2 mount point as on most hosts, and as on a hybrid one */
	setenv("KSMCTL_CGROUP2_ROOT", "/sys/fs/cgroup", 1);

	cgroup_path_normalize("/sys/fs/cgroup", out, sizeof(out));
	is_str(out, "/", "the mount point is the root");
	cgroup_path_normalize("/sys/fs/cgroupx", out, sizeof(out));
	is_str(out, "/sys/fs/cgroupx", "only the mount point itself is stripped");
	cgroup_path_normalize("///a//", out, sizeof(out));
	is_str(out, "/a", "leading slashes squeezed, trailing ones dropped");
	is_int(cgroup_path_normalize("", out, sizeof(out)), -EINVAL, "empty cgroup");
	is_int(cgroup_path_normalize("/0123456789", out, 8), -ENAMETOOLONG, "too long");
	setenv("KSMCTL_CGROUP2_ROOT", "/sys/fs/cgroup/unified", 1);
	cgroup_path_normalize("/sys/fs/cgroup/unified/system.slice/", out, sizeof(out));
	is_str(out, "/system.slice", "under a hybrid host's cgroup v2 mount point");
	cgroup_path_normalize("/sys/fs/cgroup/a", out, sizeof(out));
	is_str(out, "/a", "under /sys/fs/cgroup too");
	cgroup_path_normalize("system.slice", out, sizeof(out));
	is_str(out, "/system.slice", "relative to the root");
	unsetenv("KSMCTL_CGROUP2_ROOT");
}

struct run {
	int ret;
	struct capture c;
};

static void run(struct run *r, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	capture_begin(&r->c);
	r->ret = ksmctl_main(argc, argv);
	capture_end(&r->c);
}

static char *write_conf(const char *text)
{
	static char name[] = "/tmp/ksmctl-test-XXXXXX";
	int fd;

	strcpy(name, "/tmp/ksmctl-test-XXXXXX");
	fd = mkstemp(name);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return name;
}

static void apply(void)
{
	struct ksmctl_rule old = { .id = 7, .action = KSMCTL_RULE_MERGE, .has_uid = true };
	char *name = write_conf("# example\n"
				"merge cgroup=/machine.slice recursive\n"
				"\n"
				"never comm=sshd   # never this one\n");
	char *argv[] = { "ksmctl", "apply", name, NULL };
	char *check[] = { "ksmctl", "apply", "--check", name, NULL };
	char want[512];
	struct run r;

	fake_ipc_reset();
	rule_list_add(&fake_rules, &old);
	fake_next_rule_id = 8;
	run(&r, argv);
	is_int(r.ret, 0, "apply: exit 0");
	is_str(r.c.err, "", "apply: no error");
	is_int(fake_nrule_ops, 4, "apply: list, delete the old rule, add two");
	is_str(fake_rule_ops[0], "list", "apply: lists first");
	is_str(fake_rule_ops[1], "del 7", "apply: deletes the old rule");
	is_str(fake_rule_ops[2], "add merge cgroup=/machine.slice recursive", "apply: adds line 2");
	is_str(fake_rule_ops[3], "add never comm=sshd", "apply: adds line 4");
	capture_free(&r.c);

	fake_ipc_reset();
	run(&r, check);
	is_int(r.ret, 0, "apply --check: exit 0");
	is_int(fake_nrule_ops, 0, "apply --check: no request");
	capture_free(&r.c);
	unlink(name);

	name = write_conf("merge comm=ok\nmrege comm=x\nmerge\n");
	argv[2] = name;
	fake_ipc_reset();
	run(&r, argv);
	is_int(r.ret, 1, "bad file: exit 1");
	snprintf(want, sizeof(want),
		 "ksmctl: %s:2: Unknown action `mrege'\n"
		 "ksmctl: %s:3: Missing match (pid, cgroup, exe, comm or uid)\n", name, name);
	is_str(r.c.err, want, "bad file: every error, with its line");
	is_int(fake_nrule_ops, 0, "bad file: nothing changed");
	capture_free(&r.c);
	unlink(name);

	/* a rule the kernel refuses: named by its line, the others applied */
	name = write_conf("merge comm=ok\n\nmerge cgroup=/gone\n");
	argv[2] = name;
	fake_ipc_reset();
	fake_rule_add_ret = -ENOENT;
	run(&r, argv);
	is_int(r.ret, 1, "refused rule: exit 1");
	snprintf(want, sizeof(want),
		 "ksmctl: Unable to add the rule of %s:1: No such file or directory\n"
		 "ksmctl: Unable to add the rule of %s:3: No such file or directory\n",
		 name, name);
	is_str(r.c.err, want, "refused rule: named with its file and line");
	is_int(fake_nrule_ops, 3, "refused rule: every rule is still tried");
	capture_free(&r.c);
	unlink(name);

	argv[2] = "/nonexistent/ksmctl.conf";
	run(&r, argv);
	is_int(r.ret, 1, "missing file: exit 1");
	is_str(r.c.err, "ksmctl: Unable to open `/nonexistent/ksmctl.conf': No such file or directory\n",
	       "missing file: message");
	capture_free(&r.c);
}

static void rule_cmd(void)
{
	char *add[] = { "ksmctl", "rule", "add", "--cgroup", "/sys/fs/cgroup/a", "--recursive",
			"--action", "never", NULL };
	char *bad[] = { "ksmctl", "rule", "add", "--comm", "x", "--action", "mrege", NULL };
	char *list[] = { "ksmctl", "rule", "list", NULL };
	char *json[] = { "ksmctl", "-j", "rule", NULL };
	char *del[] = { "ksmctl", "rule", "del", "1", NULL };
	struct run r;

	fake_ipc_reset();
	run(&r, add);
	is_int(r.ret, 0, "rule add: exit 0");
	is_str(r.c.out, "1\n", "rule add: prints the id");
	is_str(fake_rule_ops[0], "add never cgroup=/a recursive", "rule add: the request");
	capture_free(&r.c);

	run(&r, bad);
	is_int(r.ret, 1, "rule add: bad action fails");
	is_str(r.c.err, "ksmctl: Unknown action `mrege' (expected merge or never)\n",
	       "rule add: bad action message");
	capture_free(&r.c);

	fake_rules.rules[0].hits = 3;
	run(&r, list);
	is_str(r.c.out, "  ID     HITS  RULE\n"
			"   1        3  never cgroup=/a recursive\n", "rule list: text");
	capture_free(&r.c);

	run(&r, json);
	is_str(r.c.out, "[\n  {\n    \"id\": 1,\n    \"action\": \"never\",\n    \"hits\": 3,\n"
			"    \"cgroup\": \"/a\",\n    \"recursive\": true\n  }\n]\n",
	       "rule list: JSON (ksmctl -j rule)");
	capture_free(&r.c);

	run(&r, del);
	is_int(r.ret, 0, "rule del: exit 0");
	is_int(fake_rules.n, 0, "rule del: deleted");
	capture_free(&r.c);
	run(&r, del);
	is_int(r.ret, 1, "rule del: unknown id fails");
	capture_free(&r.c);
}

static void monitor(void)
{
	struct ksmctl_event ev = { .rule_id = 3, .action = KSMCTL_RULE_MERGE, .pid = 1234,
				   .comm = "java", .vmas = 12, .bytes = 48 << 20 };
	/* 2026-12-02 15:33:00.123456789 UTC, shown in UTC+1 */
	struct timespec ts = { .tv_sec = 1796225580, .tv_nsec = 123456789 };
	struct capture c;
	char t[40];

	setenv("TZ", "CET-1", 1);
	tzset();
	capture_begin(&c);
	monitor_print_text(stdout, &ev, &ts);
	monitor_print_json(stdout, &ev, &ts);
	capture_end(&c);
	is_str(c.out, "2026-12-02T16:33:00.123+01:00 rule 3 merge: pid 1234 (java): 12 VMAs, 48.0 MiB\n"
		      "{\"time\":\"2026-12-02T16:33:00.123+01:00\",\"rule\":3,\"action\":\"merge\","
		      "\"pid\":1234,\"comm\":\"java\",\"vmas\":12,\"bytes\":50331648}\n",
		      "monitor: text and JSON lines, with the time they came (RFC 3339)");
	capture_free(&c);
	setenv("TZ", "UTC0", 1);
	tzset();
	monitor_time(t, &ts);
	is_str(t, "2026-12-02T15:33:00.123+00:00", "monitor: the time in UTC");
	unsetenv("TZ");
	tzset();
}

int main(void)
{
	tap_begin("ruleset");
	lines();
	round_trip();
	cgroup_paths();
	apply();
	rule_cmd();
	monitor();
	fake_ipc_reset();
	return tap_done();
}
