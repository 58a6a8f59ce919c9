// SPDX-License-Identifier: GPL-2.0
/*
 * "ksmctl top": the screen drawn from made-up samples (golden text), its
 * size limits, the keys, and the command in plain-lines mode with the fake
 * ipc. Run "./test_top dump" to see what every case renders.
 */

#define _GNU_SOURCE	/* wcswidth */
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <wchar.h>

#include "capture.h"
#include "fake_ipc.h"
#include "golden.h"
#include "tap.h"
#include "testdata.h"
#include "topview.h"

int ksmctl_main(int argc, char *argv[]);

#define PAGE 4096

/* A process of a sample, as the kernel would report it. */
struct fake_proc {
	uint32_t pid;
	const char *comm, *user;
	uint32_t uid;
	const char *cgroup;
	uint64_t merging;		/* pages */
	uint64_t prop;			/* proportional saving, bytes */
	uint64_t mergeable, eligible;	/* MiB */
};

/* One refresh: global figures, then the processes. */
struct fake_sample {
	uint64_t mono_ms, cpu_ms, sharing, full_scans;
	bool proportional;
	size_t n;
	const struct fake_proc *procs;
};

static void sample_fill(struct top_sample *s, const struct fake_sample *f)
{
	size_t i;

	*s = (struct top_sample){
		.st = { .module_version = "0.1.0", .page_size = PAGE, .run = 1,
			.pages_to_scan = 100, .sleep_millisecs = 20, .pages_shared = 3072,
			.pages_sharing = f->sharing, .pages_unshared = 40, .pages_volatile = 2,
			.full_scans = f->full_scans, .general_profit = 40 << 20,
			.has_ksmd_cpu = true, .ksmd_cpu_ms = f->cpu_ms },
		.proportional = f->proportional,
		.mono_ms = f->mono_ms,
		.wall = 1700000000 + (time_t)(f->mono_ms / 1000),	/* 22:13:xx UTC */
	};
	status_set_present(&s->st, KSMCTL_A_STATUS_GENERAL_PROFIT);
	for (i = 0; i < f->n; ++i) {
		const struct fake_proc *fp = &f->procs[i];
		struct ksmctl_proc p = {
			.pid = fp->pid, .ppid = 1, .uid = fp->uid, .cgroup_path = strdup(fp->cgroup),
			.merging_pages = fp->merging, .mergeable_bytes = fp->mergeable << 20,
			.eligible_bytes = fp->eligible << 20, .prop_saved_bytes = fp->prop,
		};

		snprintf(p.comm, sizeof(p.comm), "%s", fp->comm);
		snprintf(p.user, sizeof(p.user), "%s", fp->user);
		if (f->proportional)
			proc_set_present(&p, KSMCTL_A_PROC_PROP_SAVED_BYTES);
		if (!p.cgroup_path || proc_list_append(&s->procs, &p))
			abort();
	}
}

static const struct fake_proc procs_t0[] = {
	{ 977, "qemu-system-x86", "root", 0, "/machine.slice/vm1.scope", 262144, 700 << 20, 1536, 4096 },
	{ 4242, "httpd", "www-data", 33, "/system.slice/httpd.service", 12288, 30 << 20, 48, 48 },
	{ 4243, "httpd", "www-data", 33, "/system.slice/httpd.service", 10000, 25 << 20, 48, 48 },
	{ 5000, "php-fpm", "www-data", 33, "/system.slice/php.service", 2000, 4 << 20, 16, 64 },
	{ 6001, "java", "appuser", 1000, "/user.slice/user-1000.slice", 500, 1 << 20, 0, 900 },
};

/* A second later: httpd 4242 gains 2 MiB, 4243 loses, java is gone, node is new. */
static const struct fake_proc procs_t1[] = {
	{ 977, "qemu-system-x86", "root", 0, "/machine.slice/vm1.scope", 262144, 700 << 20, 1536, 4096 },
	{ 4242, "httpd", "www-data", 33, "/system.slice/httpd.service", 12800, 31 << 20, 48, 48 },
	{ 4243, "httpd", "www-data", 33, "/system.slice/httpd.service", 9000, 24 << 20, 48, 48 },
	{ 5000, "php-fpm", "www-data", 33, "/system.slice/php.service", 2000, 4 << 20, 16, 64 },
	{ 7000, "node", "appuser", 1000, "/user.slice/user-1000.slice", 1000, 2 << 20, 8, 8 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct fake_sample t0 = { 10000, 1200, 12288, 7, false, N(procs_t0), procs_t0 };
static const struct fake_sample t1 = { 11000, 1235, 13000, 8, false, N(procs_t1), procs_t1 };

/* Render @v over @now with @before (NULL: the first refresh). */
static void render_samples(FILE *f, const struct top_view *v, const struct fake_sample *now,
			   const struct fake_sample *before)
{
	struct top_sample cur, prev;

	sample_fill(&cur, now);
	if (before)
		sample_fill(&prev, before);
	top_render(f, v, &cur, before ? &prev : NULL);
	proc_list_free(&cur.procs);
	if (before)
		proc_list_free(&prev.procs);
}

/* What a case shows: keys pressed, the screen size, and the samples. */
struct view_case {
	const char *keys;
	unsigned int width, height;
	const struct fake_sample *now, *before;
};

static void render_case(FILE *f, const struct view_case *c)
{
	struct top_view v;
	const char *k;

	top_view_init(&v);
	v.width = c->width;
	v.height = c->height;
	for (k = c->keys; *k; ++k)
		top_key(&v, (unsigned char)*k);
	render_samples(f, &v, c->now, c->before);
}

#define VIEW_CASE(fn, keys, width, height, now, before)				\
	static void fn(FILE *f)							\
	{									\
		static const struct view_case c = { keys, width, height, now, before };	\
		render_case(f, &c);						\
	}

/* The same samples as the kernel reports them with KSMCTL_PROC_F_PROPORTIONAL */
static const struct fake_sample t0p = { 10000, 1200, 12288, 7, true, N(procs_t0), procs_t0 };
static const struct fake_sample t1p = { 11000, 1235, 13000, 8, true, N(procs_t1), procs_t1 };

VIEW_CASE(first_refresh, "", 0, 0, &t0, NULL)
VIEW_CASE(with_change, "", 0, 0, &t1, &t0)
VIEW_CASE(by_change, "d", 0, 0, &t1, &t0)
VIEW_CASE(by_pid, "n", 0, 0, &t1, &t0)
VIEW_CASE(cgroups, "c", 0, 0, &t1, &t0)
VIEW_CASE(cgroups_by_change, "cd", 0, 0, &t1, &t0)
VIEW_CASE(filtered_paused, "/http\nu33\n ", 0, 0, &t1, &t0)
VIEW_CASE(proportional, "p", 0, 0, &t1p, &t0p)
/* the first proportional sample after plain ones: no change is known */
VIEW_CASE(proportional_switched, "p", 0, 0, &t1p, &t0)
VIEW_CASE(cgroups_narrow, "c", 50, 10, &t1, &t0)
VIEW_CASE(help_screen, "h", 80, 24, &t1, &t0)
VIEW_CASE(prompt_line, "/ph", 80, 8, &t1, &t0)

/* Many processes with long names on an 80x24 screen. */
#define MANY 40
static char many_comm[MANY][16];

/* @procs: MANY processes; the one of pid 10030 has @bump more pages. */
static struct fake_sample many_sample(struct fake_proc *procs, uint64_t mono, uint64_t bump)
{
	size_t i;

	for (i = 0; i < MANY; ++i) {
		snprintf(many_comm[i], sizeof(many_comm[i]), "worker-%02zu-long", i);
		procs[i] = (struct fake_proc){ 10000 + (uint32_t)i, many_comm[i],
					      i % 3 ? "a-very-long-user-name" : "root", i % 3 ? 1001 : 0,
					      "/system.slice/a-rather-long-unit-name-for-a-service.service",
					      100000 + i * 1000 + (i == 30 ? bump : 0), 0, 100, 200 };
	}
	return (struct fake_sample){ mono, 5000 + mono / 10, 1 << 22, 99, false, MANY, procs };
}

static void screen_80x24(FILE *f)
{
	struct fake_proc before[MANY], now[MANY];
	struct fake_sample s0 = many_sample(before, 1000, 0), s1 = many_sample(now, 3000, 5000);
	struct top_view v;

	top_view_init(&v);
	v.width = 80;
	v.height = 24;
	top_key(&v, 'd');
	render_samples(f, &v, &s1, &s0);
}

/* A name with control characters and wide characters, cut at 63 columns. */
static const struct fake_proc odd_procs[] = {
	{ 1, "\033[2Jevil\n", "root", 0, "/", 100, 0, 1, 1 },
	{ 2, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac", "root", 0,
	  "/\xe6\x97\xa5\xe6\x9c\xac", 90, 0, 1, 1 },
};

static const struct fake_sample odd = { 1000, 0, 190, 1, false, N(odd_procs), odd_procs };

VIEW_CASE(odd_names, "", 63, 0, &odd, NULL)

static const struct golden cases[] = {
	{ "processes, first refresh: no change known", first_refresh,
	  "ksmctl top - 22:13:30 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 48.0 MiB, profit 40.0 MiB, full scans 7\n"
	  "pages 3072 shared, 12288 sharing, 40 unshared, 2 volatile; ksmd cpu (1.2 s)\n"
	  "5 processes, sort: saved, filter: none\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "    977 root      1.00 GiB         -   262144      37%  qemu-system-x86\n"
	  "   4242 www-data  48.0 MiB         -    12288     100%  httpd\n"
	  "   4243 www-data  39.1 MiB         -    10000     100%  httpd\n"
	  "   5000 www-data  7.81 MiB         -     2000      25%  php-fpm\n"
	  "   6001 appuser   1.95 MiB         -      500       0%  java\n" },
	{ "processes, a second later: change, new and gone processes, ksmd's cpu", with_change,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: saved, filter: none\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "    977 root      1.00 GiB       0 B   262144      37%  qemu-system-x86\n"
	  "   4242 www-data  50.0 MiB +2.00 MiB    12800     100%  httpd\n"
	  "   4243 www-data  35.2 MiB -3.91 MiB     9000     100%  httpd\n"
	  "   5000 www-data  7.81 MiB       0 B     2000      25%  php-fpm\n"
	  "   7000 appuser   3.91 MiB +3.91 MiB     1000     100%  node\n" },
	{ "sorted by change (d)", by_change,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: change, filter: none\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "   7000 appuser   3.91 MiB +3.91 MiB     1000     100%  node\n"
	  "   4242 www-data  50.0 MiB +2.00 MiB    12800     100%  httpd\n"
	  "    977 root      1.00 GiB       0 B   262144      37%  qemu-system-x86\n"
	  "   5000 www-data  7.81 MiB       0 B     2000      25%  php-fpm\n"
	  "   4243 www-data  35.2 MiB -3.91 MiB     9000     100%  httpd\n" },
	{ "sorted by pid (n)", by_pid,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: pid, filter: none\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "    977 root      1.00 GiB       0 B   262144      37%  qemu-system-x86\n"
	  "   4242 www-data  50.0 MiB +2.00 MiB    12800     100%  httpd\n"
	  "   4243 www-data  35.2 MiB -3.91 MiB     9000     100%  httpd\n"
	  "   5000 www-data  7.81 MiB       0 B     2000      25%  php-fpm\n"
	  "   7000 appuser   3.91 MiB +3.91 MiB     1000     100%  node\n" },
	{ "cgroups (c): sums and their change", cgroups,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "4 cgroups (5 processes), sort: saved, filter: none\n"
	  "\n"
	  "  PROCS     SAVED    CHANGE  MERGING COVERAGE  CGROUP\n"
	  "      1  1.00 GiB       0 B   262144      37%  /machine.slice/vm1.scope\n"
	  "      2  85.2 MiB -1.91 MiB    21800     100%  /system.slice/httpd.service\n"
	  "      1  7.81 MiB       0 B     2000      25%  /system.slice/php.service\n"
	  "      1  3.91 MiB +1.95 MiB     1000     100%  /user.slice/user-1000.slice\n" },
	{ "cgroups sorted by change", cgroups_by_change,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "4 cgroups (5 processes), sort: change, filter: none\n"
	  "\n"
	  "  PROCS     SAVED    CHANGE  MERGING COVERAGE  CGROUP\n"
	  "      1  3.91 MiB +1.95 MiB     1000     100%  /user.slice/user-1000.slice\n"
	  "      1  1.00 GiB       0 B   262144      37%  /machine.slice/vm1.scope\n"
	  "      1  7.81 MiB       0 B     2000      25%  /system.slice/php.service\n"
	  "      2  85.2 MiB -1.91 MiB    21800     100%  /system.slice/httpd.service\n" },
	{ "filtered by command and uid, paused", filtered_paused,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms  [paused]\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "2 processes, sort: saved, filter: command \"http\", user 33\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "   4242 www-data  50.0 MiB +2.00 MiB    12800     100%  httpd\n"
	  "   4243 www-data  35.2 MiB -3.91 MiB     9000     100%  httpd\n" },
	{ "proportional saving and its change", proportional,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: saved (proportional), filter: none\n"
	  "\n"
	  "    PID USER        PSAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "    977 root       700 MiB       0 B   262144      37%  qemu-system-x86\n"
	  "   4242 www-data  31.0 MiB +1.00 MiB    12800     100%  httpd\n"
	  "   4243 www-data  24.0 MiB -1.00 MiB     9000     100%  httpd\n"
	  "   5000 www-data  4.00 MiB       0 B     2000      25%  php-fpm\n"
	  "   7000 appuser   2.00 MiB +2.00 MiB     1000     100%  node\n" },
	{ "proportional after plain: no change known", proportional_switched,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: saved (proportional), filter: none\n"
	  "\n"
	  "    PID USER        PSAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "    977 root       700 MiB         -   262144      37%  qemu-system-x86\n"
	  "   4242 www-data  31.0 MiB         -    12800     100%  httpd\n"
	  "   4243 www-data  24.0 MiB         -     9000     100%  httpd\n"
	  "   5000 www-data  4.00 MiB         -     2000      25%  php-fpm\n"
	  "   7000 appuser   2.00 MiB         -     1000     100%  node\n" },
	{ "80x24: 40 processes, long names cut, never wrapped", screen_80x24,
	  "ksmctl top - 22:13:23 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 16.0 GiB (0 B), profit 40.0 MiB, full scans 99 (+0)\n"
	  "pages 3072 shared, 4194304 sharing, 40 unshared, 2 volatile; ksmd cpu 10.0% (5.3\n"
	  "40 processes, sort: change, filter: none; h: keys\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "  10030 root       527 MiB +19.5 MiB   135000      50%  worker-30-long\n"
	  "  10039 root       543 MiB       0 B   139000      50%  worker-39-long\n"
	  "  10038 a-very-+   539 MiB       0 B   138000      50%  worker-38-long\n"
	  "  10037 a-very-+   535 MiB       0 B   137000      50%  worker-37-long\n"
	  "  10036 root       531 MiB       0 B   136000      50%  worker-36-long\n"
	  "  10035 a-very-+   527 MiB       0 B   135000      50%  worker-35-long\n"
	  "  10034 a-very-+   523 MiB       0 B   134000      50%  worker-34-long\n"
	  "  10033 root       520 MiB       0 B   133000      50%  worker-33-long\n"
	  "  10032 a-very-+   516 MiB       0 B   132000      50%  worker-32-long\n"
	  "  10031 a-very-+   512 MiB       0 B   131000      50%  worker-31-long\n"
	  "  10029 a-very-+   504 MiB       0 B   129000      50%  worker-29-long\n"
	  "  10028 a-very-+   500 MiB       0 B   128000      50%  worker-28-long\n"
	  "  10027 root       496 MiB       0 B   127000      50%  worker-27-long\n"
	  "  10026 a-very-+   492 MiB       0 B   126000      50%  worker-26-long\n"
	  "  10025 a-very-+   488 MiB       0 B   125000      50%  worker-25-long\n"
	  "  10024 root       484 MiB       0 B   124000      50%  worker-24-long\n"
	  "  10023 a-very-+   480 MiB       0 B   123000      50%  worker-23-long\n"
	  "  10022 a-very-+   477 MiB       0 B   122000      50%  worker-22-long\n" },
	{ "cgroups on 50x10", cgroups_narrow,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_sca\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full \n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 v\n"
	  "4 cgroups (5 processes), sort: saved, filter: none\n"
	  "\n"
	  "  PROCS     SAVED    CHANGE  MERGING COVERAGE  CGR\n"
	  "      1  1.00 GiB       0 B   262144      37%  /ma\n"
	  "      2  85.2 MiB -1.91 MiB    21800     100%  /sy\n"
	  "      1  7.81 MiB       0 B     2000      25%  /sy\n"
	  "      1  3.91 MiB +1.95 MiB     1000     100%  /us\n" },
	{ "help (h) on 80x24", help_screen,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: saved, filter: none; h: keys\n"
	  "\n"
	  "Keys:\n"
	  "  q, Ctrl-C   quit\n"
	  "  space       pause, resume\n"
	  "  c           processes or cgroups\n"
	  "  s d m o n   sort by saved, change, merging, coverage, pid (cgroup path)\n"
	  "  p           proportional saving (each sharer credited its share), or not\n"
	  "  / u g       filter: command substring, user (name, uid), cgroup (and below)\n"
	  "  =           no filter\n"
	  "  h, ?        this help; any key goes back\n" },
	{ "the filter prompt", prompt_line,
	  "ksmctl top - 22:13:31 - ksmd running, pages_to_scan 100, sleep 20 ms\n"
	  "saved 50.8 MiB (+2.78 MiB), profit 40.0 MiB, full scans 8 (+1)\n"
	  "pages 3072 shared, 13000 sharing, 40 unshared, 2 volatile; ksmd cpu 3.5% (1.2 s)\n"
	  "5 processes, sort: saved, filter: none; h: keys\n"
	  "Command filter (empty: none, Esc: cancel): ph_\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "    977 root      1.00 GiB       0 B   262144      37%  qemu-system-x86\n"
	  "   4242 www-data  50.0 MiB +2.00 MiB    12800     100%  httpd\n" },
	{ "control characters escaped, wide characters cut whole", odd_names,
	  "ksmctl top - 22:13:21 - ksmd running, pages_to_scan 100, sleep \n"
	  "saved 760 KiB, profit 40.0 MiB, full scans 1\n"
	  "pages 3072 shared, 190 sharing, 40 unshared, 2 volatile; ksmd c\n"
	  "2 processes, sort: saved, filter: none; h: keys\n"
	  "\n"
	  "    PID USER         SAVED    CHANGE  MERGING COVERAGE  COMMAND\n"
	  "      1 root       400 KiB         -      100     100%  \\033[2J\n"
	  "      2 root       360 KiB         -       90     100%  \346\227\245\346\234\254\350\252\236\n" },
};

/* Display columns of @line (C.UTF-8), or -1 if it holds a control character. */
static int columns(const char *line, size_t len)
{
	wchar_t wide[512];
	char buf[2048];
	size_t n;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	n = mbstowcs(wide, buf, N(wide));
	if (n == (size_t)-1 || n == N(wide))
		return -1;
	return wcswidth(wide, n);
}

/* Every line at most @w columns and at most @h lines, whatever is drawn. */
static bool fits(const struct top_view *v, const struct fake_sample *now,
		 const struct fake_sample *before)
{
	char *text = NULL, *line, *end;
	size_t len = 0;
	unsigned int lines = 0;
	bool good = true;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	render_samples(f, v, now, before);
	fclose(f);
	for (line = text; (end = strchr(line, '\n')); line = end + 1) {
		int c = columns(line, (size_t)(end - line));

		++lines;
		if (c < 0 || (unsigned int)c > v->width) {
			fprintf(tap_out, "#   %ux%u: %d columns: %.*s\n", v->width, v->height, c,
				(int)(end - line), line);
			good = false;
		}
	}
	if (lines > v->height || *line) {
		fprintf(tap_out, "#   %ux%u: %u lines\n", v->width, v->height, lines);
		good = false;
	}
	free(text);
	return good;
}

static void test_sizes(void)
{
	struct fake_proc before[MANY], now[MANY];
	struct fake_sample s0 = many_sample(before, 1000, 0), s1 = many_sample(now, 3000, 5000);
	unsigned int w, h, bad = 0, tried = 0;
	struct top_view v;
	int view;

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		tap_skip("no C.UTF-8 locale", "every size from 1x1 to 100x30");
		return;
	}
	for (view = 0; view < 4; ++view) {
		for (w = 1; w <= 100; ++w) {
			for (h = 1; h <= 30; h += 7) {
				top_view_init(&v);
				v.width = w;
				v.height = h;
				v.cgroups = view & 1;
				v.help = view == 3;
				bad += !fits(&v, view & 2 ? &odd : &s1, view & 2 ? NULL : &s0);
				++tried;
			}
		}
	}
	setlocale(LC_CTYPE, "C");
	ok(!bad, "every size from 1x1 to 100x30, processes, cgroups, help and odd names: "
	   "lines cut to the width, never more lines than the height (%u of %u screens)",
	   tried - bad, tried);
}

/* Each key of @keys in turn; the action of the last. */
static enum top_action keys(struct top_view *v, const char *keys)
{
	enum top_action act = TOP_NONE;

	for (; *keys; ++keys)
		act = top_key(v, (unsigned char)*keys);
	return act;
}

static void test_keys(void)
{
	struct top_view v;

	top_view_init(&v);
	ok(keys(&v, "c") == TOP_REDRAW && v.cgroups && keys(&v, "c") == TOP_REDRAW && !v.cgroups,
	   "c switches to cgroups and back");
	ok(keys(&v, "d") == TOP_REDRAW && v.sort_change && keys(&v, "m") == TOP_REDRAW &&
	   !v.sort_change && v.sort == SORT_MERGING && keys(&v, "o") && v.sort == SORT_COVERAGE &&
	   keys(&v, "n") && v.sort == SORT_PID && keys(&v, "s") && v.sort == SORT_SAVED,
	   "d m o n s sort by change, merging, coverage, pid, saved");
	ok(keys(&v, "p") == TOP_REFETCH && v.proportional && keys(&v, "p") == TOP_REFETCH &&
	   !v.proportional, "p asks the kernel again, for the proportional saving or without");
	ok(keys(&v, " ") == TOP_REDRAW && v.paused && keys(&v, " ") && !v.paused,
	   "space pauses and resumes");
	ok(keys(&v, "/php\n") == TOP_REDRAW && v.filter.command && !strcmp(v.command, "php"),
	   "/ then Enter filters by command");
	ok(keys(&v, "/\x7f\x7fq\n") == TOP_REDRAW && !strcmp(v.command, "pq"),
	   "the prompt starts from the filter; Backspace, and q is typed, not quit");
	ok(keys(&v, "/x\x1b") == TOP_REDRAW && v.prompt == TOP_PROMPT_NONE &&
	   !strcmp(v.command, "pq"), "Esc leaves the filter as it was");
	ok(keys(&v, "/\x15\n") == TOP_REDRAW && !v.filter.command, "Ctrl-U, Enter: no command filter");
	ok(keys(&v, "u0\n") == TOP_REDRAW && v.filter.by_uid && v.filter.uid == 0 &&
	   !v.message[0], "u filters by uid");
	ok(keys(&v, "u\x15no-such-user-ksmctl\n") == TOP_REDRAW && v.filter.by_uid &&
	   !strcmp(v.message, "Unknown user `no-such-user-ksmctl'"),
	   "an unknown user is said, and the filter stays");
	ok(keys(&v, "x") == TOP_NONE && !v.message[0], "the next key clears the message");
	ok(keys(&v, "g\x15/no/such/cgroup\n") == TOP_REDRAW && !v.filter.cgroup_prefix &&
	   !strncmp(v.message, "No such cgroup", 14), "a cgroup that does not exist is said");
	ok(keys(&v, "=") == TOP_REDRAW && !v.filter.by_uid && !v.filter.command &&
	   !v.filter.cgroup_prefix, "= removes every filter");
	ok(keys(&v, "h") == TOP_REDRAW && v.help && keys(&v, "s") == TOP_REDRAW && !v.help &&
	   keys(&v, "?") && v.help && keys(&v, "q") == TOP_QUIT, "h and ? show the keys, any key goes back, q quits");
	top_view_init(&v);
	ok(keys(&v, "q") == TOP_QUIT && keys(&v, "\x03") == TOP_QUIT, "q and Ctrl-C quit");
}

/* Run "ksmctl ARGS..." (NULL-terminated) with output captured. */
static int run_top(struct capture *c, ...)
{
	char *argv[16] = { "ksmctl" };
	int argc = 1;
	va_list ap;
	char *arg;

	va_start(ap, c);
	while ((arg = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = arg;
	va_end(ap);
	capture_begin(c);
	argc = ksmctl_main(argc, argv);
	capture_end(c);
	return argc;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		++n;
	return n;
}

static void test_command(void)
{
	static const struct {
		const char *args[4];
		const char *err;
	} bad[] = {
		{ { "-d", "0.05" }, "ksmctl: Invalid delay `0.05' (expected 0.1 to 86400 seconds)\n" },
		{ { "-d", "1.2345" }, "ksmctl: Invalid delay `1.2345' (expected 0.1 to 86400 seconds)\n" },
		{ { "-n", "0" }, "ksmctl: Invalid count `0' (expected 1 to 4294967295)\n" },
		{ { "-s", "size" }, "ksmctl: Invalid sort key `size' (expected saved, change, merging, coverage, pid or profit)\n" },
		{ { "--by", "user" }, "ksmctl: Invalid grouping `user' (expected cgroup)\n" },
		{ { "--user", "no-such-user-ksmctl" }, "ksmctl: Unknown user `no-such-user-ksmctl'\n" },
	};
	struct capture c;
	size_t i;
	int ret;

	fake_ipc_reset();
	fake_status = (struct ksmctl_status){ .module_version = "0.1.0", .page_size = PAGE,
					      .run = 1, .pages_sharing = 256 };
	for (i = 0; i < N(procs_t0) && i < FAKE_MAX; ++i) {
		fake_procs[i] = (struct ksmctl_proc){ .pid = procs_t0[i].pid,
			.merging_pages = procs_t0[i].merging, .cgroup_path = "/x" };
		snprintf(fake_procs[i].comm, sizeof(fake_procs[i].comm), "%s", procs_t0[i].comm);
	}
	fake_nprocs = (unsigned int)i;
	setenv("KSMCTL_PROC", "/nonexistent", 1);

	ret = run_top(&c, "top", "-n", "2", "-d", "0.1", "--sort", "change", NULL);
	ok(ret == 0 && !c.err[0] && count(c.out, "ksmctl top - ") == 2 &&
	   count(c.out, "\n\nksmctl top - ") == 1 && count(c.out, "qemu-system-x86") == 2 &&
	   count(c.out, "       0 B   262144") == 1 && fake_proc_flags == KSMCTL_PROC_F_MERGING_ONLY &&
	   !fake_open_sockets,
	   "top -n 2 without a terminal: two snapshots, a blank line between, the change in the second");
	if (ret || c.err[0])
		tap_diag_string("stderr", c.err);
	capture_free(&c);
	ret = run_top(&c, "top", "-b", "-n1", "-p", "-a", "--by", "cgroup", NULL);
	ok(ret == 0 && count(c.out, "PSAVED") == 1 && count(c.out, "  /x\n") == 1 &&
	   fake_proc_flags == KSMCTL_PROC_F_PROPORTIONAL,
	   "top -b -p -a --by cgroup: asks for every process, proportional, one row per cgroup");
	capture_free(&c);
	for (i = 0; i < N(bad); ++i) {
		ret = run_top(&c, "top", bad[i].args[0], bad[i].args[1], NULL);
		is_str(c.err, bad[i].err, "top %s %s: an error, exit %d", bad[i].args[0],
		       bad[i].args[1], ret);
		capture_free(&c);
	}
	ret = run_top(&c, "-j", "top", NULL);
	ok(ret == 1 && !c.out[0] && count(c.err, "top has no JSON output") == 1, "-j top: an error");
	capture_free(&c);
	fake_open_ret = -ENOENT;
	ret = run_top(&c, "top", "-n", "1", NULL);
	ok(ret == 1 && !c.out[0], "top without the module: exit 1");
	capture_free(&c);
	fake_ipc_reset();
}

int main(int argc, char *argv[])
{
	setenv("TZ", "UTC", 1);
	tzset();
	if (golden_dump(argc, argv, cases, N(cases)))
		return 0;
	tap_begin("top");
	golden_check(cases, N(cases));
	test_sizes();
	test_keys();
	test_command();
	return tap_done();
}
