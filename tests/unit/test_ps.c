// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of "ksmctl ps" (processes and cgroups), "ksmctl status -o
 * prometheus" and the table and Prometheus helpers: exact output from
 * structs. Run "./test_ps dump" to see what every case renders.
 */

#include <stdlib.h>

#include "json.h"
#include "prom.h"
#include "ps.h"
#include "status.h"
#include "table.h"
#include "golden.h"
#include "tap.h"
#include "testdata.h"

#define PAGE 4096

static struct ksmctl_proc mk(uint32_t pid, const char *comm, const char *user, uint32_t uid,
			     const char *cgroup, uint64_t merging, uint64_t mergeable,
			     uint64_t eligible)
{
	struct ksmctl_proc p = {
		.pid = pid,
		.ppid = 1,
		.uid = uid,
		.cgroup_id = 4000 + pid,
		.cgroup_path = (char *)cgroup,
		.merging_pages = merging,
		.mergeable_vmas = 2,
		.mergeable_bytes = mergeable,
		.eligible_bytes = eligible,
		.anon_rss_bytes = 64 << 20,
	};
	int a;

	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	snprintf(p.user, sizeof(p.user), "%s", user);
	/* What every kernel has; the optional ones are added by the cases. */
	for (a = KSMCTL_A_PROC_PID; a <= KSMCTL_A_PROC_ANON_RSS_BYTES; ++a) {
		if (a != KSMCTL_A_PROC_RMAP_ITEMS && a != KSMCTL_A_PROC_ZERO_PAGES &&
		    a != KSMCTL_A_PROC_PROFIT)
			proc_set_present(&p, a);
	}
	return p;
}

static void add_optional(struct ksmctl_proc *p, uint64_t rmap, uint64_t zero, int64_t profit,
			 bool merge_any)
{
	p->rmap_items = rmap;
	p->zero_pages = zero;
	p->profit = profit;
	p->merge_any = merge_any;
	proc_set_present(p, KSMCTL_A_PROC_RMAP_ITEMS);
	proc_set_present(p, KSMCTL_A_PROC_ZERO_PAGES);
	proc_set_present(p, KSMCTL_A_PROC_PROFIT);
	proc_set_present(p, KSMCTL_A_PROC_MERGE_ANY);
}

static void add_proportional(struct ksmctl_proc *p, uint64_t saved, uint64_t mapped)
{
	p->prop_saved_bytes = saved;
	p->ksm_mapped_pages = mapped;
	proc_set_present(p, KSMCTL_A_PROC_PROP_SAVED_BYTES);
	proc_set_present(p, KSMCTL_A_PROC_KSM_MAPPED_PAGES);
}

/* Three processes as a 6.6 kernel reports them, sorted by saved. */
static struct ksmctl_proc procs[3];
static const struct ksmctl_proc *rows[3] = { &procs[0], &procs[1], &procs[2] };

static void sample(bool optional, bool proportional)
{
	procs[0] = mk(977, "qemu-system-x86", "root", 0, "/machine.slice/vm1.scope", 262144,
		      1536ULL << 20, 4096ULL << 20);
	procs[1] = mk(4242, "httpd", "www-data", 33, "/system.slice/httpd.service", 12288,
		      48 << 20, 48 << 20);
	procs[2] = mk(31337, "bash", "1000", 1000, "/user.slice", 0, 0, 0);
	procs[2].mergeable_vmas = 0;
	if (optional) {
		add_optional(&procs[0], 300000, 0, -1234, true);
		add_optional(&procs[1], 12300, 16, 50000000, false);
		add_optional(&procs[2], 0, 3, 12288, false);
	}
	if (proportional) {
		add_proportional(&procs[0], 1000000000, 262144);
		add_proportional(&procs[1], 25165824, 12288);
		add_proportional(&procs[2], 0, 0);
	}
}

static void ps_text(FILE *f)
{
	sample(true, false);
	ps_print_text(f, rows, 3, &(struct ps_view){ PAGE, false });
}

static void ps_text_prop(FILE *f)
{
	sample(true, true);
	ps_print_text(f, rows, 3, &(struct ps_view){ PAGE, true });
}

static void ps_text_empty(FILE *f)
{
	ps_print_text(f, rows, 0, &(struct ps_view){ PAGE, false });
}

static void ps_text_odd(FILE *f)
{
	sample(false, false);
	snprintf(procs[1].comm, sizeof(procs[1].comm), "we\nird\x7f");
	snprintf(procs[2].comm, sizeof(procs[2].comm), "caf\xc3\xa9");
	procs[2].merging_pages = 1;
	procs[2].mergeable_bytes = 1;
	procs[2].eligible_bytes = 1000;
	snprintf(procs[0].user, sizeof(procs[0].user), "a-rather-long-user-name");
	ps_print_text(f, rows, 3, &(struct ps_view){ 65536, false });
}

static void ps_json(FILE *f)
{
	sample(true, true);
	ps_print_json(f, rows, 2, &(struct ps_view){ PAGE, true });
}

static void ps_json_old_kernel(FILE *f)
{
	sample(false, false);
	snprintf(procs[1].comm, sizeof(procs[1].comm), "a\"b\\c\n");
	procs[1].cgroup_path = "";
	ps_print_json(f, rows + 1, 1, &(struct ps_view){ PAGE, false });
}

static void ps_json_empty(FILE *f)
{
	ps_print_json(f, rows, 0, &(struct ps_view){ PAGE, false });
}

static void ps_prom(FILE *f)
{
	sample(true, false);
	ps_print_prometheus(f, rows, 2, &(struct ps_view){ PAGE, false });
}

static void ps_prom_escape(FILE *f)
{
	sample(false, true);
	add_proportional(&procs[1], 1, 2);
	snprintf(procs[1].comm, sizeof(procs[1].comm), "a\"b\\c\nd\xff\xc3\xa9");
	procs[1].cgroup_path = "/x\"y";
	ps_print_prometheus(f, rows + 1, 1, &(struct ps_view){ PAGE, true });
}

static void ps_prom_empty(FILE *f)
{
	ps_print_prometheus(f, rows, 0, &(struct ps_view){ PAGE, false });
}

/* Four processes in three cgroups, one of them without a cgroup. */
static size_t groups(struct proc_sum *g, bool proportional)
{
	static struct ksmctl_proc more[4];
	const struct ksmctl_proc *r[4] = { &more[0], &more[1], &more[2], &more[3] };
	size_t n;

	more[0] = mk(10, "httpd", "www-data", 33, "/system.slice/httpd.service", 1000, 8 << 20,
		     16 << 20);
	more[1] = mk(11, "httpd", "www-data", 33, "/system.slice/httpd.service", 3000, 8 << 20,
		     16 << 20);
	more[2] = mk(12, "qemu", "root", 0, "/machine.slice/vm1.scope", 500000, 2ULL << 30,
		     2ULL << 30);
	more[3] = mk(13, "init", "root", 0, "", 7, 0, 0);
	add_optional(&more[0], 1000, 1, -4096, false);
	add_optional(&more[1], 3000, 2, 8192, false);
	add_optional(&more[2], 400000, 3, 1 << 30, true);
	add_optional(&more[3], 7, 0, 0, false);
	if (proportional) {
		add_proportional(&more[0], 2000000, 1000);
		add_proportional(&more[1], 6000000, 3000);
		add_proportional(&more[2], 2000000000, 500000);
		add_proportional(&more[3], 28672, 7);
	}
	n = proc_group_by_cgroup(r, 4, PAGE, g);
	sum_sort(g, n, SORT_SAVED, proportional);
	return n;
}

static void cgroups_text(FILE *f)
{
	struct proc_sum g[4];
	size_t n = groups(g, false);

	cgroups_print_text(f, g, n, &(struct ps_view){ PAGE, false });
}

static void cgroups_text_prop(FILE *f)
{
	struct proc_sum g[4];
	size_t n = groups(g, true);

	cgroups_print_text(f, g, n, &(struct ps_view){ PAGE, true });
}

static void cgroups_json(FILE *f)
{
	struct proc_sum g[4];
	size_t n = groups(g, true);

	cgroups_print_json(f, g, n, &(struct ps_view){ PAGE, true });
}

static void cgroups_prom(FILE *f)
{
	struct proc_sum g[4];
	size_t n = groups(g, false);

	cgroups_print_prometheus(f, g, n, &(struct ps_view){ PAGE, false });
}

static struct ksmctl_status status_sample(bool optional)
{
	struct ksmctl_status st = {
		.module_version = "0.1.0",
		.page_size = 4096,
		.run = 1,
		.pages_shared = 3072,
		.pages_sharing = 12288,
		.pages_unshared = 500,
		.pages_volatile = 1,
		.full_scans = 7,
		.pages_to_scan = 100,
		.sleep_millisecs = 20,
		.max_page_sharing = 256,
	};
	int a;

	for (a = KSMCTL_A_STATUS_PAGE_SIZE; a <= KSMCTL_A_STATUS_MAX_PAGE_SHARING; ++a)
		status_set_present(&st, a);
	if (optional) {
		st.general_profit = -8192;
		st.zero_pages = 256;
		st.stable_node_chains = 3;
		status_set_present(&st, KSMCTL_A_STATUS_GENERAL_PROFIT);
		status_set_present(&st, KSMCTL_A_STATUS_ZERO_PAGES);
		status_set_present(&st, KSMCTL_A_STATUS_STABLE_NODE_CHAINS);
	}
	return st;
}

static void status_prom(FILE *f)
{
	struct ksmctl_status st = status_sample(true);

	status_print_prometheus(f, &st);
}

static void status_prom_old_kernel(FILE *f)
{
	struct ksmctl_status st = status_sample(false);

	st.present &= ~(UINT64_C(1) << KSMCTL_A_STATUS_MAX_PAGE_SHARING);
	snprintf(st.module_version, sizeof(st.module_version), "0.1.0-\"rc1\"");
	status_print_prometheus(f, &st);
}

static void prom_label_sets(FILE *f)
{
	static const char *const keys[] = { "a", "b", "c" };
	const char *values[] = { "", "\\\\n\"\n", "\xe2\x82\xac \xc0\xaf \xed\xa0\x80" };
	char *l = prom_labels(3, keys, values);

	fprintf(f, "%s\n", l);
	free(l);
	l = prom_labels(0, keys, values);
	fprintf(f, "[%s]\n", l);
	free(l);
}

static void table_layout(FILE *f)
{
	static const struct table_col cols[] = {
		{ "N", true },
		{ "NAME", false },
		{ "LONGER HEAD", true },
		{ "LAST", false },
	};
	struct table t;

	table_init(&t, cols, 4);
	table_add(&t, "1", "caf\xc3\xa9", "x", "short");
	table_add(&t, "1000", "a\tb", NULL, "");
	table_add(&t, "", "", "", "last column is not padded");
	table_print(&t, f);
	table_free(&t);
	field(f, "label", "%d", 42);
	field(f, "a label longer than the column", "%s", "value");
}

static const struct golden cases[] = {
	{ "ps text: sorted rows, numbers right-aligned, total line", ps_text,
	  "  PID  USER         SAVED  MERGING  COVERAGE  COMMAND\n"
	  "  977  root      1.00 GiB   262144       37%  qemu-system-x86\n"
	  " 4242  www-data  48.0 MiB    12288      100%  httpd\n"
	  "31337  1000           0 B        0         -  bash\n"
	  "                 1.05 GiB   274432       38%  sum (3 processes)\n" },
	{ "ps text --proportional: PSAVED column", ps_text_prop,
	  "  PID  USER        PSAVED  MERGING  COVERAGE  COMMAND\n"
	  "  977  root       954 MiB   262144       37%  qemu-system-x86\n"
	  " 4242  www-data  24.0 MiB    12288      100%  httpd\n"
	  "31337  1000           0 B        0         -  bash\n"
	  "                  978 MiB   274432       38%  total (3 processes)\n" },
	{ "ps text without processes: heading and a zero total", ps_text_empty,
	  "PID  USER  SAVED  MERGING  COVERAGE  COMMAND\n"
	  "             0 B        0         -  sum (0 processes)\n" },
	{ "ps text: 64 KiB pages, control characters escaped, UTF-8 width, <1% coverage", ps_text_odd,
	  "  PID  USER                        SAVED  MERGING  COVERAGE  COMMAND\n"
	  "  977  a-rather-long-user-name  16.0 GiB   262144       37%  qemu-system-x86\n"
	  " 4242  www-data                  768 MiB    12288      100%  we\\012ird\\177\n"
	  "31337  1000                     64.0 KiB        1       <1%  caf\xc3\xa9\n"
	  "                                16.8 GiB   274433       38%  sum (3 processes)\n" },
	{ "ps JSON: every field, exact integers, proportional fields", ps_json,
	  "[\n"
	  "  {\n"
	  "    \"pid\": 977,\n"
	  "    \"ppid\": 1,\n"
	  "    \"comm\": \"qemu-system-x86\",\n"
	  "    \"uid\": 0,\n"
	  "    \"user\": \"root\",\n"
	  "    \"cgroup_id\": 4977,\n"
	  "    \"cgroup_path\": \"/machine.slice/vm1.scope\",\n"
	  "    \"merging_pages\": 262144,\n"
	  "    \"zero_pages\": 0,\n"
	  "    \"rmap_items\": 300000,\n"
	  "    \"profit_bytes\": -1234,\n"
	  "    \"prop_saved_bytes\": 1000000000,\n"
	  "    \"ksm_mapped_pages\": 262144,\n"
	  "    \"mergeable_vmas\": 2,\n"
	  "    \"mergeable_bytes\": 1610612736,\n"
	  "    \"eligible_bytes\": 4294967296,\n"
	  "    \"anon_rss_bytes\": 67108864,\n"
	  "    \"merge_any\": true,\n"
	  "    \"saved_bytes\": 1073741824\n"
	  "  },\n"
	  "  {\n"
	  "    \"pid\": 4242,\n"
	  "    \"ppid\": 1,\n"
	  "    \"comm\": \"httpd\",\n"
	  "    \"uid\": 33,\n"
	  "    \"user\": \"www-data\",\n"
	  "    \"cgroup_id\": 8242,\n"
	  "    \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	  "    \"merging_pages\": 12288,\n"
	  "    \"zero_pages\": 16,\n"
	  "    \"rmap_items\": 12300,\n"
	  "    \"profit_bytes\": 50000000,\n"
	  "    \"prop_saved_bytes\": 25165824,\n"
	  "    \"ksm_mapped_pages\": 12288,\n"
	  "    \"mergeable_vmas\": 2,\n"
	  "    \"mergeable_bytes\": 50331648,\n"
	  "    \"eligible_bytes\": 50331648,\n"
	  "    \"anon_rss_bytes\": 67108864,\n"
	  "    \"merge_any\": false,\n"
	  "    \"saved_bytes\": 50331648\n"
	  "  }\n"
	  "]\n" },
	{ "ps JSON: optional fields absent, strings escaped, no cgroup", ps_json_old_kernel,
	  "[\n"
	  "  {\n"
	  "    \"pid\": 4242,\n"
	  "    \"ppid\": 1,\n"
	  "    \"comm\": \"a\\\"b\\\\c\\n\",\n"
	  "    \"uid\": 33,\n"
	  "    \"user\": \"www-data\",\n"
	  "    \"cgroup_id\": 8242,\n"
	  "    \"cgroup_path\": \"\",\n"
	  "    \"merging_pages\": 12288,\n"
	  "    \"mergeable_vmas\": 2,\n"
	  "    \"mergeable_bytes\": 50331648,\n"
	  "    \"eligible_bytes\": 50331648,\n"
	  "    \"anon_rss_bytes\": 67108864,\n"
	  "    \"saved_bytes\": 50331648\n"
	  "  }\n"
	  "]\n" },
	{ "ps JSON without processes: []", ps_json_empty,
	  "[]\n" },
	{ "ps prometheus: families with HELP and TYPE, labels, negative profit", ps_prom,
	  "# HELP ksmctl_process_merging_pages Pages mapped to KSM pages (ksm_merging_pages).\n"
	  "# TYPE ksmctl_process_merging_pages gauge\n"
	  "ksmctl_process_merging_pages{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} 262144\n"
	  "ksmctl_process_merging_pages{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 12288\n"
	  "# HELP ksmctl_process_saved_bytes Merging pages times the page size.\n"
	  "# TYPE ksmctl_process_saved_bytes gauge\n"
	  "ksmctl_process_saved_bytes{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} 1073741824\n"
	  "ksmctl_process_saved_bytes{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 50331648\n"
	  "# HELP ksmctl_process_zero_pages Pages merged with the zero page (ksm_zero_pages).\n"
	  "# TYPE ksmctl_process_zero_pages gauge\n"
	  "ksmctl_process_zero_pages{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} 0\n"
	  "ksmctl_process_zero_pages{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 16\n"
	  "# HELP ksmctl_process_profit_bytes KSM profit as the kernel computes it (ksm_process_profit), may be negative.\n"
	  "# TYPE ksmctl_process_profit_bytes gauge\n"
	  "ksmctl_process_profit_bytes{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} -1234\n"
	  "ksmctl_process_profit_bytes{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 50000000\n"
	  "# HELP ksmctl_process_mergeable_bytes Size of the VMAs marked mergeable.\n"
	  "# TYPE ksmctl_process_mergeable_bytes gauge\n"
	  "ksmctl_process_mergeable_bytes{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} 1610612736\n"
	  "ksmctl_process_mergeable_bytes{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 50331648\n"
	  "# HELP ksmctl_process_eligible_bytes Size of the VMAs KSM could merge.\n"
	  "# TYPE ksmctl_process_eligible_bytes gauge\n"
	  "ksmctl_process_eligible_bytes{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} 4294967296\n"
	  "ksmctl_process_eligible_bytes{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 50331648\n"
	  "# HELP ksmctl_process_anon_rss_bytes Resident anonymous memory.\n"
	  "# TYPE ksmctl_process_anon_rss_bytes gauge\n"
	  "ksmctl_process_anon_rss_bytes{pid=\"977\",comm=\"qemu-system-x86\",user=\"root\",cgroup=\"/machine.slice/vm1.scope\"} 67108864\n"
	  "ksmctl_process_anon_rss_bytes{pid=\"4242\",comm=\"httpd\",user=\"www-data\",cgroup=\"/system.slice/httpd.service\"} 67108864\n" },
	{ "ps prometheus: label values escaped, invalid UTF-8 replaced, absent families left out", ps_prom_escape,
	  "# HELP ksmctl_process_merging_pages Pages mapped to KSM pages (ksm_merging_pages).\n"
	  "# TYPE ksmctl_process_merging_pages gauge\n"
	  "ksmctl_process_merging_pages{pid=\"4242\",comm=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\xc3\xa9\",user=\"www-data\",cgroup=\"/x\\\"y\"} 12288\n"
	  "# HELP ksmctl_process_saved_bytes Merging pages times the page size.\n"
	  "# TYPE ksmctl_process_saved_bytes gauge\n"
	  "ksmctl_process_saved_bytes{pid=\"4242\",comm=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\xc3\xa9\",user=\"www-data\",cgroup=\"/x\\\"y\"} 50331648\n"
	  "# HELP ksmctl_process_proportional_saved_bytes Proportional saving: each KSM page mapped n times credits (n - 1) / n page to each mapping.\n"
	  "# TYPE ksmctl_process_proportional_saved_bytes gauge\n"
	  "ksmctl_process_proportional_saved_bytes{pid=\"4242\",comm=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\xc3\xa9\",user=\"www-data\",cgroup=\"/x\\\"y\"} 1\n"
	  "# HELP ksmctl_process_mergeable_bytes Size of the VMAs marked mergeable.\n"
	  "# TYPE ksmctl_process_mergeable_bytes gauge\n"
	  "ksmctl_process_mergeable_bytes{pid=\"4242\",comm=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\xc3\xa9\",user=\"www-data\",cgroup=\"/x\\\"y\"} 50331648\n"
	  "# HELP ksmctl_process_eligible_bytes Size of the VMAs KSM could merge.\n"
	  "# TYPE ksmctl_process_eligible_bytes gauge\n"
	  "ksmctl_process_eligible_bytes{pid=\"4242\",comm=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\xc3\xa9\",user=\"www-data\",cgroup=\"/x\\\"y\"} 50331648\n"
	  "# HELP ksmctl_process_anon_rss_bytes Resident anonymous memory.\n"
	  "# TYPE ksmctl_process_anon_rss_bytes gauge\n"
	  "ksmctl_process_anon_rss_bytes{pid=\"4242\",comm=\"a\\\"b\\\\c\\nd\xef\xbf\xbd\xc3\xa9\",user=\"www-data\",cgroup=\"/x\\\"y\"} 67108864\n" },
	{ "ps prometheus without processes: nothing", ps_prom_empty,
	  "" },
	{ "ps --by cgroup text: sums per cgroup, - for no cgroup", cgroups_text,
	  "PROCS     SAVED  MERGING  COVERAGE  CGROUP\n"
	  "    1  1.91 GiB   500000      100%  /machine.slice/vm1.scope\n"
	  "    2  15.6 MiB     4000       50%  /system.slice/httpd.service\n"
	  "    1  28.0 KiB        7         -  -\n"
	  "    4  1.92 GiB   504007       99%  sum (3 cgroups)\n" },
	{ "ps --by cgroup text --proportional", cgroups_text_prop,
	  "PROCS    PSAVED  MERGING  COVERAGE  CGROUP\n"
	  "    1  1.86 GiB   500000      100%  /machine.slice/vm1.scope\n"
	  "    2  7.63 MiB     4000       50%  /system.slice/httpd.service\n"
	  "    1  28.0 KiB        7         -  -\n"
	  "    4  1.87 GiB   504007       99%  total (3 cgroups)\n" },
	{ "ps --by cgroup JSON: exact sums", cgroups_json,
	  "[\n"
	  "  {\n"
	  "    \"cgroup_path\": \"/machine.slice/vm1.scope\",\n"
	  "    \"cgroup_id\": 4012,\n"
	  "    \"processes\": 1,\n"
	  "    \"merging_pages\": 500000,\n"
	  "    \"zero_pages\": 3,\n"
	  "    \"rmap_items\": 400000,\n"
	  "    \"profit_bytes\": 1073741824,\n"
	  "    \"prop_saved_bytes\": 2000000000,\n"
	  "    \"ksm_mapped_pages\": 500000,\n"
	  "    \"mergeable_vmas\": 2,\n"
	  "    \"mergeable_bytes\": 2147483648,\n"
	  "    \"eligible_bytes\": 2147483648,\n"
	  "    \"anon_rss_bytes\": 67108864,\n"
	  "    \"saved_bytes\": 2048000000\n"
	  "  },\n"
	  "  {\n"
	  "    \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	  "    \"cgroup_id\": 4010,\n"
	  "    \"processes\": 2,\n"
	  "    \"merging_pages\": 4000,\n"
	  "    \"zero_pages\": 3,\n"
	  "    \"rmap_items\": 4000,\n"
	  "    \"profit_bytes\": 4096,\n"
	  "    \"prop_saved_bytes\": 8000000,\n"
	  "    \"ksm_mapped_pages\": 4000,\n"
	  "    \"mergeable_vmas\": 4,\n"
	  "    \"mergeable_bytes\": 16777216,\n"
	  "    \"eligible_bytes\": 33554432,\n"
	  "    \"anon_rss_bytes\": 134217728,\n"
	  "    \"saved_bytes\": 16384000\n"
	  "  },\n"
	  "  {\n"
	  "    \"cgroup_path\": \"\",\n"
	  "    \"cgroup_id\": 4013,\n"
	  "    \"processes\": 1,\n"
	  "    \"merging_pages\": 7,\n"
	  "    \"zero_pages\": 0,\n"
	  "    \"rmap_items\": 7,\n"
	  "    \"profit_bytes\": 0,\n"
	  "    \"prop_saved_bytes\": 28672,\n"
	  "    \"ksm_mapped_pages\": 7,\n"
	  "    \"mergeable_vmas\": 2,\n"
	  "    \"mergeable_bytes\": 0,\n"
	  "    \"eligible_bytes\": 0,\n"
	  "    \"anon_rss_bytes\": 67108864,\n"
	  "    \"saved_bytes\": 28672\n"
	  "  }\n"
	  "]\n" },
	{ "ps --by cgroup prometheus", cgroups_prom,
	  "# HELP ksmctl_cgroup_processes Processes counted in the cgroup's figures.\n"
	  "# TYPE ksmctl_cgroup_processes gauge\n"
	  "ksmctl_cgroup_processes{cgroup=\"/machine.slice/vm1.scope\"} 1\n"
	  "ksmctl_cgroup_processes{cgroup=\"/system.slice/httpd.service\"} 2\n"
	  "ksmctl_cgroup_processes{cgroup=\"\"} 1\n"
	  "# HELP ksmctl_cgroup_merging_pages Pages mapped to KSM pages (ksm_merging_pages).\n"
	  "# TYPE ksmctl_cgroup_merging_pages gauge\n"
	  "ksmctl_cgroup_merging_pages{cgroup=\"/machine.slice/vm1.scope\"} 500000\n"
	  "ksmctl_cgroup_merging_pages{cgroup=\"/system.slice/httpd.service\"} 4000\n"
	  "ksmctl_cgroup_merging_pages{cgroup=\"\"} 7\n"
	  "# HELP ksmctl_cgroup_saved_bytes Merging pages times the page size.\n"
	  "# TYPE ksmctl_cgroup_saved_bytes gauge\n"
	  "ksmctl_cgroup_saved_bytes{cgroup=\"/machine.slice/vm1.scope\"} 2048000000\n"
	  "ksmctl_cgroup_saved_bytes{cgroup=\"/system.slice/httpd.service\"} 16384000\n"
	  "ksmctl_cgroup_saved_bytes{cgroup=\"\"} 28672\n"
	  "# HELP ksmctl_cgroup_zero_pages Pages merged with the zero page (ksm_zero_pages).\n"
	  "# TYPE ksmctl_cgroup_zero_pages gauge\n"
	  "ksmctl_cgroup_zero_pages{cgroup=\"/machine.slice/vm1.scope\"} 3\n"
	  "ksmctl_cgroup_zero_pages{cgroup=\"/system.slice/httpd.service\"} 3\n"
	  "ksmctl_cgroup_zero_pages{cgroup=\"\"} 0\n"
	  "# HELP ksmctl_cgroup_profit_bytes KSM profit as the kernel computes it (ksm_process_profit), may be negative.\n"
	  "# TYPE ksmctl_cgroup_profit_bytes gauge\n"
	  "ksmctl_cgroup_profit_bytes{cgroup=\"/machine.slice/vm1.scope\"} 1073741824\n"
	  "ksmctl_cgroup_profit_bytes{cgroup=\"/system.slice/httpd.service\"} 4096\n"
	  "ksmctl_cgroup_profit_bytes{cgroup=\"\"} 0\n"
	  "# HELP ksmctl_cgroup_mergeable_bytes Size of the VMAs marked mergeable.\n"
	  "# TYPE ksmctl_cgroup_mergeable_bytes gauge\n"
	  "ksmctl_cgroup_mergeable_bytes{cgroup=\"/machine.slice/vm1.scope\"} 2147483648\n"
	  "ksmctl_cgroup_mergeable_bytes{cgroup=\"/system.slice/httpd.service\"} 16777216\n"
	  "ksmctl_cgroup_mergeable_bytes{cgroup=\"\"} 0\n"
	  "# HELP ksmctl_cgroup_eligible_bytes Size of the VMAs KSM could merge.\n"
	  "# TYPE ksmctl_cgroup_eligible_bytes gauge\n"
	  "ksmctl_cgroup_eligible_bytes{cgroup=\"/machine.slice/vm1.scope\"} 2147483648\n"
	  "ksmctl_cgroup_eligible_bytes{cgroup=\"/system.slice/httpd.service\"} 33554432\n"
	  "ksmctl_cgroup_eligible_bytes{cgroup=\"\"} 0\n"
	  "# HELP ksmctl_cgroup_anon_rss_bytes Resident anonymous memory.\n"
	  "# TYPE ksmctl_cgroup_anon_rss_bytes gauge\n"
	  "ksmctl_cgroup_anon_rss_bytes{cgroup=\"/machine.slice/vm1.scope\"} 67108864\n"
	  "ksmctl_cgroup_anon_rss_bytes{cgroup=\"/system.slice/httpd.service\"} 134217728\n"
	  "ksmctl_cgroup_anon_rss_bytes{cgroup=\"\"} 67108864\n" },
	{ "status prometheus with the optional counters", status_prom,
	  STATUS_PROM_HEAD
	  "# HELP ksmctl_pages_unshared Pages checked that are unique.\n"
	  "# TYPE ksmctl_pages_unshared gauge\n"
	  "ksmctl_pages_unshared 500\n"
	  "# HELP ksmctl_pages_volatile Pages changing too fast to be merged.\n"
	  "# TYPE ksmctl_pages_volatile gauge\n"
	  "ksmctl_pages_volatile 1\n"
	  "# HELP ksmctl_zero_pages Pages merged with the zero page (ksm_zero_pages).\n"
	  "# TYPE ksmctl_zero_pages gauge\n"
	  "ksmctl_zero_pages 256\n"
	  "# HELP ksmctl_stable_node_chains Chains of KSM pages for one content.\n"
	  "# TYPE ksmctl_stable_node_chains gauge\n"
	  "ksmctl_stable_node_chains 3\n"
	  "# HELP ksmctl_saved_bytes Memory saved: pages_sharing times the page size.\n"
	  "# TYPE ksmctl_saved_bytes gauge\n"
	  "ksmctl_saved_bytes 50331648\n"
	  "# HELP ksmctl_general_profit_bytes KSM profit as the kernel computes it (general_profit), may be negative.\n"
	  "# TYPE ksmctl_general_profit_bytes gauge\n"
	  "ksmctl_general_profit_bytes -8192\n"
	  "# HELP ksmctl_full_scans_total Full scans ksmd has completed.\n"
	  "# TYPE ksmctl_full_scans_total counter\n"
	  "ksmctl_full_scans_total 7\n" },
	{ "status prometheus without them, version label escaped", status_prom_old_kernel,
	  "# HELP ksmctl_info Version of the ksmctl kernel module.\n"
	  "# TYPE ksmctl_info gauge\n"
	  "ksmctl_info{module_version=\"0.1.0-\\\"rc1\\\"\"} 1\n"
	  "# HELP ksmctl_run State of ksmd: 0 stopped, 1 running, 2 unmerging (/sys/kernel/mm/ksm/run).\n"
	  "# TYPE ksmctl_run gauge\n"
	  "ksmctl_run 1\n"
	  "# HELP ksmctl_page_size_bytes Bytes per page.\n"
	  "# TYPE ksmctl_page_size_bytes gauge\n"
	  "ksmctl_page_size_bytes 4096\n"
	  "# HELP ksmctl_pages_to_scan Pages ksmd scans per batch.\n"
	  "# TYPE ksmctl_pages_to_scan gauge\n"
	  "ksmctl_pages_to_scan 100\n"
	  "# HELP ksmctl_sleep_seconds Time ksmd sleeps between batches (sleep_millisecs).\n"
	  "# TYPE ksmctl_sleep_seconds gauge\n"
	  "ksmctl_sleep_seconds 0.020\n"
	  "# HELP ksmctl_pages_shared KSM pages in use.\n"
	  "# TYPE ksmctl_pages_shared gauge\n"
	  "ksmctl_pages_shared 3072\n"
	  "# HELP ksmctl_pages_sharing Mappings of KSM pages beyond the first: pages saved.\n"
	  "# TYPE ksmctl_pages_sharing gauge\n"
	  "ksmctl_pages_sharing 12288\n"
	  "# HELP ksmctl_pages_unshared Pages checked that are unique.\n"
	  "# TYPE ksmctl_pages_unshared gauge\n"
	  "ksmctl_pages_unshared 500\n"
	  "# HELP ksmctl_pages_volatile Pages changing too fast to be merged.\n"
	  "# TYPE ksmctl_pages_volatile gauge\n"
	  "ksmctl_pages_volatile 1\n"
	  "# HELP ksmctl_saved_bytes Memory saved: pages_sharing times the page size.\n"
	  "# TYPE ksmctl_saved_bytes gauge\n"
	  "ksmctl_saved_bytes 50331648\n"
	  "# HELP ksmctl_full_scans_total Full scans ksmd has completed.\n"
	  "# TYPE ksmctl_full_scans_total counter\n"
	  "ksmctl_full_scans_total 7\n" },
	{ "prometheus label sets: escaping and UTF-8", prom_label_sets,
	  "{a=\"\",b=\"\\\\\\\\n\\\"\\n\",c=\"\xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}\n"
	  "[]\n" },
	{ "table widths, escaping and fields", table_layout,
	  "   N  NAME    LONGER HEAD  LAST\n"
	  "   1  caf\xc3\xa9              x  short\n"
	  "1000  a\\011b\n"
	  "                           last column is not padded\n"
	  "label:            42\n"
	  "a label longer than the column: value\n" },
};

/* The label escaping rules byte by byte, as a reference for prom_labels(). */
static void ref_label_value(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int len;

	while (*s) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s < 0x80)
			fputc(*s, f);
		else if ((len = utf8_sequence(s))) {
			fwrite(s, 1, len, f);
			s += len;
			continue;
		} else
			fputs("\xef\xbf\xbd", f);
		++s;
	}
}

/* Label sets and samples with every kind of byte, long values and the integer limits. */
static void test_prom_writer(void)
{
	static const char *const units[] = {
		"plain/path.service", "a\\b\"c\nd\te", "\xff\xc3\xa9\xe2\x82\xac\xc0\xaf\xed\xa0\x80\xf0\x9d\x84\x9e",
		"\xe2\x82", "\\", "\x01\x7f",
	};
	static const char *const keys[] = { "pid", "comm", "cgroup" };
	unsigned int u, bad = 0;
	char *data = NULL, *want = NULL;
	size_t len, want_len;
	FILE *f, *w;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); ++u) {
		size_t n;

		for (n = 0; n < 40; n += 13) {
			char *v1 = repeat(units[u], n), *v2 = repeat(units[(u + 1) % 6], 5000 + n);
			const char *values[] = { "42", v1, v2 };
			char *got = prom_labels(3, keys, values);

			w = open_memstream(&want, &want_len);
			if (!w || !got)
				abort();
			fputs("{pid=\"42\",comm=\"", w);
			ref_label_value(w, v1);
			fputs("\",cgroup=\"", w);
			ref_label_value(w, v2);
			fputs("\"}", w);
			fclose(w);
			if (strcmp(got, want) && !bad++) {
				tap_diag_string("first mismatch", got);
				tap_diag_string("expected", want);
			}
			free(got);
			free(want);
			free(v1);
			free(v2);
		}
	}
	is_int(bad, 0, "prom_labels() escapes like the format wants, values of 5,000 bytes and more");

	f = open_memstream(&data, &len);
	if (!f)
		abort();
	prom_sample_u64(f, "m", "", 0);
	prom_sample_u64(f, "m", "{a=\"b\"}", UINT64_MAX);
	prom_sample_s64(f, "n", "", INT64_MIN);
	prom_sample_s64(f, "n", "{a=\"b\"}", INT64_MAX);
	prom_sample_s64(f, "n", "", -1);
	prom_sample_s64(f, "n", "", 0);
	fclose(f);
	is_str(data,
	       "m 0\n"
	       "m{a=\"b\"} 18446744073709551615\n"
	       "n -9223372036854775808\n"
	       "n{a=\"b\"} 9223372036854775807\n"
	       "n -1\n"
	       "n 0\n", "prometheus samples at 0 and the integer limits");
	free(data);
}

/*
 * The table layout as simply as it can be written, from text_escape():
 * the reference for table_print().
 */
static size_t ref_width(const char *s)
{
	size_t w = 0;

	for (; *s; ++s)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void ref_table(FILE *f, const struct table_col *cols, unsigned int ncols,
		      const char *const *cells, size_t nrows)
{
	size_t widths[TABLE_MAX_COLS] = { 0 }, r;
	char **esc = calloc((nrows + 1) * ncols, sizeof(*esc));
	unsigned int c;

	if (!esc)
		abort();
	for (c = 0; c < ncols; ++c) {
		esc[c] = strdup(cols[c].head);
		for (r = 0; r < nrows; ++r)
			esc[(r + 1) * ncols + c] = text_escape(cells[r * ncols + c] ?
							       cells[r * ncols + c] : "");
	}
	for (r = 0; r <= nrows; ++r) {
		for (c = 0; c < ncols; ++c) {
			size_t w = ref_width(esc[r * ncols + c]);

			if (w > widths[c])
				widths[c] = w;
		}
	}
	for (r = 0; r <= nrows; ++r) {
		size_t pending = 0;

		for (c = 0; c < ncols; ++c) {
			const char *s = esc[r * ncols + c];
			size_t w = ref_width(s);

			if (c)
				pending += 2;
			if (cols[c].right)
				pending += widths[c] - w;
			if (w) {
				fprintf(f, "%*s%s", (int)pending, "", s);
				pending = 0;
			}
			if (!cols[c].right)
				pending += widths[c] - w;
		}
		fputc('\n', f);
	}
	for (r = 0; r < (nrows + 1) * ncols; ++r)
		free(esc[r]);
	free(esc);
}

/* Thousands of rows, cells longer than any buffer, every kind of byte. */
static void test_table_writer(void)
{
	static const struct table_col cols[] = {
		{ "N", true },
		{ "WHAT", false },
		{ "SIZE", true },
		{ "NAME", false },
	};
	static const char *const samples[] = {
		"", NULL, "x", "caf\xc3\xa9", "tab\there", "\x7f\x01", "\x80", "\xe2\x82\xac\xe2\x82\xac",
		"a rather longer cell than the others",
	};
	enum { ROWS = 3000 };
	const char **cells = calloc(ROWS * 4, sizeof(*cells));
	char *big = repeat("long\x1b", 20000), (*num)[16] = calloc(ROWS, sizeof(*num));
	char *data = NULL, *want = NULL;
	size_t len, want_len, r;
	struct table t;
	FILE *f;

	if (!cells || !num)
		abort();
	table_init(&t, cols, 4);
	for (r = 0; r < ROWS; ++r) {
		snprintf(num[r], sizeof(num[r]), "%zu", r * 37 % 100000);
		cells[r * 4] = num[r];
		cells[r * 4 + 1] = samples[r % 9];
		cells[r * 4 + 2] = samples[r * 7 % 9];
		cells[r * 4 + 3] = r == ROWS / 2 ? big : samples[r * 5 % 9];
		table_add(&t, cells[r * 4], cells[r * 4 + 1], cells[r * 4 + 2], cells[r * 4 + 3]);
	}
	f = open_memstream(&data, &len);
	if (!f)
		abort();
	is_int(table_print(&t, f), 0, "table_print() of 3,000 rows");
	fclose(f);
	table_free(&t);
	f = open_memstream(&want, &want_len);
	if (!f)
		abort();
	ref_table(f, cols, 4, cells, ROWS);
	fclose(f);
	ok(len == want_len && !memcmp(data, want, len),
	   "the table as the simple layout has it (%zu bytes), a cell of 20,000 bytes", len);
	free(data);
	free(want);
	free(big);
	free(num);
	free(cells);
}

int main(int argc, char *argv[])
{
	if (golden_dump(argc, argv, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	tap_begin("ps");
	golden_check(cases, sizeof(cases) / sizeof(cases[0]));
	test_prom_writer();
	test_table_writer();
	return tap_done();
}
