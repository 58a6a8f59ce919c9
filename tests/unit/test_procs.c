// SPDX-License-Identifier: GPL-2.0
/*
 * The pure functions under "ksmctl ps": coverage, filters, sorting and
 * per-cgroup sums, whose totals must equal the per-process totals.
 */

#include <stdlib.h>

#include "array.h"
#include "procs.h"
#include "tap.h"

#define PAGE 4096

static struct ksmctl_proc mk(uint32_t pid, const char *comm, uint32_t uid, const char *cgroup,
			     uint64_t merging, uint64_t mergeable, uint64_t eligible)
{
	struct ksmctl_proc p = {
		.pid = pid,
		.uid = uid,
		.cgroup_path = (char *)cgroup,
		.cgroup_id = 100 + strlen(cgroup),
		.merging_pages = merging,
		.mergeable_bytes = mergeable,
		.eligible_bytes = eligible,
		.anon_rss_bytes = merging * PAGE * 2,
		.mergeable_vmas = 1,
	};
	int a;

	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	for (a = KSMCTL_A_PROC_PID; a <= KSMCTL_A_PROC_ANON_RSS_BYTES; ++a) {
		if (a != KSMCTL_A_PROC_RMAP_ITEMS && a != KSMCTL_A_PROC_ZERO_PAGES &&
		    a != KSMCTL_A_PROC_PROFIT)
			proc_set_present(&p, a);
	}
	return p;
}

static void test_coverage(void)
{
	char buf[COVERAGE_STR_MAX];

	is_str(fmt_coverage(buf, 0, 0), "-", "nothing eligible: -");
	is_str(fmt_coverage(buf, 4096, 0), "-", "mergeable without eligible: -");
	is_str(fmt_coverage(buf, 0, 4096), "0%", "nothing mergeable: 0%%");
	is_str(fmt_coverage(buf, 4096, 4096), "100%", "all of it: 100%%");
	is_str(fmt_coverage(buf, 37, 100), "37%", "37 of 100: 37%%");
	is_str(fmt_coverage(buf, 999, 1000), "99%", "99.9%% rounds down, 100%% means all");
	is_str(fmt_coverage(buf, 1, 1000), "<1%", "0.1%%: <1%%");
	is_str(fmt_coverage(buf, 1, 100), "1%", "exactly 1%%");
	is_str(fmt_coverage(buf, 8192, 4096), "200%", "mergeable above eligible is shown as is");
	is_str(fmt_coverage(buf, UINT64_MAX, UINT64_MAX), "100%", "no overflow at 2^64 - 1");
	is_str(fmt_coverage(buf, UINT64_MAX - 1, UINT64_MAX), "99%", "exact at 2^64");
}

static void test_cgroup_match(void)
{
	ok(cgroup_path_match("/system.slice", "/system.slice"), "exact path");
	ok(cgroup_path_match("/system.slice/a.service", "/system.slice"), "below the prefix");
	ok(cgroup_path_match("/system.slice/a.service", "/system.slice/"), "prefix with a slash");
	ok(!cgroup_path_match("/system.slice2", "/system.slice"), "components, not characters");
	ok(!cgroup_path_match("/system", "/system.slice"), "shorter path");
	ok(cgroup_path_match("/user.slice", "/"), "/ matches everything");
	ok(cgroup_path_match("/", "/"), "/ matches /");
	ok(!cgroup_path_match("", "/"), "no cgroup does not match /");
	ok(cgroup_path_match("/a/b", "//"), "// is /");
}

static void test_filter(void)
{
	struct ksmctl_proc procs[] = {
		mk(10, "httpd", 33, "/system.slice/httpd.service", 5, 1, 1),
		mk(11, "httpd-worker", 33, "/system.slice/httpd.service", 5, 1, 1),
		mk(12, "qemu-kvm", 0, "/machine.slice/vm1.scope", 5, 1, 1),
		mk(13, "bash", 1000, "/user.slice/user-1000.slice", 5, 1, 1),
	};
	struct proc_list l = { procs, 4, 4 };
	const struct ksmctl_proc *out[4];
	struct proc_filter f = { 0 };
	size_t n;

	n = proc_select(&l, &f, out);
	ok(n == 4 && out[0] == &procs[0] && out[3] == &procs[3], "no filter keeps all, in order");

	f = (struct proc_filter){ .by_uid = true, .uid = 33 };
	n = proc_select(&l, &f, out);
	ok(n == 2 && out[0]->pid == 10 && out[1]->pid == 11, "--user by uid");

	f = (struct proc_filter){ .by_uid = true, .uid = 0 };
	n = proc_select(&l, &f, out);
	ok(n == 1 && out[0]->pid == 12, "--user root");

	f = (struct proc_filter){ .command = "httpd" };
	n = proc_select(&l, &f, out);
	ok(n == 2, "--command is a substring");
	f = (struct proc_filter){ .command = "worker" };
	n = proc_select(&l, &f, out);
	ok(n == 1 && out[0]->pid == 11, "--command matches inside");
	f = (struct proc_filter){ .command = "HTTPD" };
	ok(proc_select(&l, &f, out) == 0, "--command is case-sensitive");

	f = (struct proc_filter){ .cgroup_prefix = "/system.slice" };
	n = proc_select(&l, &f, out);
	ok(n == 2, "--cgroup prefix");
	f = (struct proc_filter){ .cgroup_prefix = "/machine.slice", .by_uid = true, .uid = 33 };
	ok(proc_select(&l, &f, out) == 0, "filters combine");
	f = (struct proc_filter){ .cgroup_prefix = "/user.slice", .command = "ba", .by_uid = true,
				  .uid = 1000 };
	n = proc_select(&l, &f, out);
	ok(n == 1 && out[0]->pid == 13, "all three filters");
}

static bool order_is(const struct ksmctl_proc **rows, size_t n, const uint32_t *pids)
{
	size_t i;

	for (i = 0; i < n; ++i) {
		if (rows[i]->pid != pids[i])
			return false;
	}
	return true;
}

static void diag_order(const struct ksmctl_proc **rows, size_t n)
{
	size_t i;

	fputs("#   order:", tap_out);
	for (i = 0; i < n; ++i)
		fprintf(tap_out, " %" PRIu32, rows[i]->pid);
	fputc('\n', tap_out);
}

static void check_sort(struct ksmctl_proc *procs, size_t n, enum sort_key key, bool prop,
		       const uint32_t *want, const char *what)
{
	const struct ksmctl_proc *rows[8];
	size_t i;

	/* Start from the reverse order, to show ties do not depend on input order. */
	for (i = 0; i < n; ++i)
		rows[i] = &procs[n - 1 - i];
	proc_sort(rows, n, key, prop, PAGE);
	if (!ok(order_is(rows, n, want), "%s", what))
		diag_order(rows, n);
}

static void test_sort(void)
{
	struct ksmctl_proc procs[] = {
		mk(5, "a", 0, "/a", 100, 50, 100),	/* 50% */
		mk(3, "b", 0, "/a", 300, 0, 0),		/* - */
		mk(9, "c", 0, "/b", 100, 100, 100),	/* 100% */
		mk(1, "d", 0, "/b", 0, 1, 3),		/* 33% */
		mk(7, "e", 0, "/c", 300, 2, 4),		/* 50% */
	};
	const size_t n = 5;

	procs[0].profit = -4096;
	procs[2].profit = 1 << 20;
	procs[4].profit = 0;
	proc_set_present(&procs[0], KSMCTL_A_PROC_PROFIT);
	proc_set_present(&procs[2], KSMCTL_A_PROC_PROFIT);
	proc_set_present(&procs[4], KSMCTL_A_PROC_PROFIT);
	procs[0].prop_saved_bytes = 900;
	procs[1].prop_saved_bytes = 100;
	procs[2].prop_saved_bytes = 900;
	procs[3].prop_saved_bytes = 5000;
	procs[4].prop_saved_bytes = 10;
	for (size_t i = 0; i < n; ++i)
		proc_set_present(&procs[i], KSMCTL_A_PROC_PROP_SAVED_BYTES);

	check_sort(procs, n, SORT_SAVED, false, (const uint32_t[]){ 3, 7, 5, 9, 1 },
		   "saved, descending, ties by pid");
	check_sort(procs, n, SORT_SAVED, true, (const uint32_t[]){ 1, 5, 9, 3, 7 },
		   "proportional saved, descending, ties by pid");
	check_sort(procs, n, SORT_MERGING, false, (const uint32_t[]){ 3, 7, 5, 9, 1 },
		   "merging, descending");
	check_sort(procs, n, SORT_COVERAGE, false, (const uint32_t[]){ 9, 5, 7, 1, 3 },
		   "coverage, descending, exact ratios, - last");
	check_sort(procs, n, SORT_PID, false, (const uint32_t[]){ 1, 3, 5, 7, 9 }, "pid, ascending");
	check_sort(procs, n, SORT_PROFIT, false, (const uint32_t[]){ 9, 7, 5, 1, 3 },
		   "profit, descending, negative below zero, absent last");
	check_sort(procs, 0, SORT_SAVED, false, (const uint32_t[]){ 0 }, "empty list");
}

static void test_group(void)
{
	struct ksmctl_proc procs[] = {
		mk(5, "a", 0, "/a", 100, 50, 100),
		mk(3, "b", 0, "/b", 300, 0, 0),
		mk(9, "c", 0, "/a", 7, 100, 100),
		mk(1, "d", 0, "", 11, 1, 3),
		mk(7, "e", 0, "/b", 300, 2, 4),
		mk(8, "f", 0, "/a/x", 1, 2, 4),
	};
	const struct ksmctl_proc *rows[6];
	struct proc_sum groups[6], total = { 0 }, sum = { 0 };
	size_t n = 6, ng, i;

	procs[0].zero_pages = 4;
	proc_set_present(&procs[0], KSMCTL_A_PROC_ZERO_PAGES);
	procs[2].profit = -10;
	proc_set_present(&procs[2], KSMCTL_A_PROC_PROFIT);
	procs[5].profit = 25;
	proc_set_present(&procs[5], KSMCTL_A_PROC_PROFIT);
	for (i = 0; i < n; ++i) {
		rows[i] = &procs[i];
		proc_sum_add(&total, &procs[i], PAGE);
	}

	ng = proc_group_by_cgroup(rows, n, PAGE, groups);
	is_int((int64_t)ng, 4, "four cgroups, /a/x apart from /a");
	ok(!strcmp(groups[0].cgroup_path, "/a") && !strcmp(groups[1].cgroup_path, "/b") &&
	   !strcmp(groups[2].cgroup_path, "") && !strcmp(groups[3].cgroup_path, "/a/x"),
	   "groups in the order of their first process");
	ok(groups[0].processes == 2 && groups[0].merging_pages == 107 &&
	   groups[0].saved_bytes == 107 * PAGE && groups[0].mergeable_bytes == 150 &&
	   groups[0].eligible_bytes == 200 && groups[0].cgroup_id == procs[0].cgroup_id,
	   "/a sums its two processes");
	ok(sum_has(&groups[0], KSMCTL_A_PROC_ZERO_PAGES) && groups[0].zero_pages == 4 &&
	   sum_has(&groups[0], KSMCTL_A_PROC_PROFIT) && groups[0].profit == -10,
	   "optional fields are summed over those that have them");
	ok(!sum_has(&groups[1], KSMCTL_A_PROC_PROFIT) && !sum_has(&groups[1], KSMCTL_A_PROC_ZERO_PAGES),
	   "a group without optional fields does not have them");

	for (i = 0; i < ng; ++i) {
		sum.processes += groups[i].processes;
		sum.merging_pages += groups[i].merging_pages;
		sum.saved_bytes += groups[i].saved_bytes;
		sum.mergeable_bytes += groups[i].mergeable_bytes;
		sum.eligible_bytes += groups[i].eligible_bytes;
		sum.anon_rss_bytes += groups[i].anon_rss_bytes;
		sum.zero_pages += groups[i].zero_pages;
		sum.profit += groups[i].profit;
		sum.mergeable_vmas += groups[i].mergeable_vmas;
	}
	ok(sum.processes == total.processes && sum.merging_pages == total.merging_pages &&
	   sum.saved_bytes == total.saved_bytes && sum.mergeable_bytes == total.mergeable_bytes &&
	   sum.eligible_bytes == total.eligible_bytes && sum.anon_rss_bytes == total.anon_rss_bytes &&
	   sum.zero_pages == total.zero_pages && sum.profit == total.profit &&
	   sum.mergeable_vmas == total.mergeable_vmas,
	   "the groups add up to the per-process totals");
	is_u64(total.processes, 6, "total process count");
	is_u64(total.merging_pages, 719, "total merging pages");
	is_u64(total.saved_bytes, 719 * PAGE, "total saved bytes");

	sum_sort(groups, ng, SORT_SAVED, false);
	ok(!strcmp(groups[0].cgroup_path, "/b") && !strcmp(groups[1].cgroup_path, "/a") &&
	   !strcmp(groups[2].cgroup_path, "") && !strcmp(groups[3].cgroup_path, "/a/x"),
	   "cgroups sorted by saved");
	sum_sort(groups, ng, SORT_PID, false);
	ok(!strcmp(groups[0].cgroup_path, "") && !strcmp(groups[1].cgroup_path, "/a") &&
	   !strcmp(groups[2].cgroup_path, "/a/x") && !strcmp(groups[3].cgroup_path, "/b"),
	   "--sort pid orders cgroups by path");
	groups[0].merging_pages = groups[1].merging_pages = 5;
	groups[2].merging_pages = groups[3].merging_pages = 5;
	sum_sort(groups, ng, SORT_MERGING, false);
	ok(!strcmp(groups[0].cgroup_path, "") && !strcmp(groups[3].cgroup_path, "/b"),
	   "cgroup ties go by path");

	is_int((int64_t)proc_group_by_cgroup(rows, 0, PAGE, groups), 0, "no process, no cgroup");
}

static void test_saturation(void)
{
	struct ksmctl_proc a = mk(1, "a", 0, "/", UINT64_MAX / 2, 0, 0);
	struct proc_sum s = { 0 };

	is_u64(pages_to_bytes(UINT64_MAX / 2, PAGE), UINT64_MAX, "bytes saturate");
	proc_sum_add(&s, &a, PAGE);
	proc_sum_add(&s, &a, PAGE);
	is_u64(s.saved_bytes, UINT64_MAX, "sums saturate");
	is_u64(proc_saved(&a, true, PAGE), 0, "proportional saving of a process without it: 0");
}

static void test_lists(void)
{
	struct proc_list l = { 0 };
	struct vma_list vl = { 0 };
	struct ksmctl_proc p = { 0 };
	struct ksmctl_vma v = { 0 };
	int i, fails = 0;

	for (i = 0; i < 200; ++i) {
		p.pid = (uint32_t)i;
		p.cgroup_path = strdup("/x");
		fails += proc_list_append(&l, &p) != 0;
		v.start = (uint64_t)i;
		v.name = i % 2 ? strdup("[heap]") : NULL;
		fails += vma_list_append(&vl, &v) != 0;
	}
	ok(!fails && l.n == 200 && l.procs[199].pid == 199 && vl.n == 200 && vl.vmas[150].start == 150,
	   "lists grow");
	proc_list_free(&l);
	vma_list_free(&vl);
	ok(!l.procs && !l.n && !vl.vmas && !vl.n, "lists are empty after free");
}

/* array_grow(): doubles, starts at the first size, and refuses overflow */
static void test_array_grow(void)
{
	size_t cap = 0;
	char *a = array_grow(NULL, &cap, 0, 1, 4), *b;

	ok(a && cap == 4, "array_grow: the first size");
	b = array_grow(a, &cap, 3, 1, 4);
	ok(b == a && cap == 4, "array_grow: room left, nothing moves");
	a = array_grow(b, &cap, 4, 1, 4);
	ok(a && cap == 8, "array_grow: full, twice the capacity");
	cap = SIZE_MAX / 2 + 1;
	ok(!array_grow(a, &cap, cap, 1, 4) && cap == SIZE_MAX / 2 + 1,
	   "array_grow: a capacity that would overflow is refused, unchanged");
	cap = 8;
	ok(!array_grow(a, &cap, 8, SIZE_MAX / 8, 4) && cap == 8,
	   "array_grow: a byte size that would overflow is refused, unchanged");
	free(a);
}

int main(void)
{
	tap_begin("procs");
	test_coverage();
	test_cgroup_match();
	test_filter();
	test_sort();
	test_group();
	test_saturation();
	test_lists();
	test_array_grow();
	return tap_done();
}
