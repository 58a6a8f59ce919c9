// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of "ksmctl show PID": the process block, the VMA table and the
 * JSON object, from structs. Run "./test_show dump" to see every case.
 */

#include <stdlib.h>

#include "show.h"
#include "golden.h"
#include "tap.h"

#define PAGE 4096

static struct ksmctl_proc proc;
static struct ksmctl_vma vmas[6];
static struct vma_list list;

static void sample(bool new_kernel)
{
	int a;

	proc = (struct ksmctl_proc){
		.pid = 4242,
		.ppid = 1,
		.comm = "httpd",
		.uid = 33,
		.user = "www-data",
		.cgroup_id = 8242,
		.cgroup_path = "/system.slice/httpd.service",
		.merging_pages = 12288,
		.mergeable_vmas = 3,
		.mergeable_bytes = 50331648,
		.eligible_bytes = 67108864,
		.anon_rss_bytes = 70 << 20,
	};
	for (a = KSMCTL_A_PROC_PID; a <= KSMCTL_A_PROC_ANON_RSS_BYTES; ++a) {
		if (a != KSMCTL_A_PROC_RMAP_ITEMS && a != KSMCTL_A_PROC_ZERO_PAGES &&
		    a != KSMCTL_A_PROC_PROFIT)
			proc_set_present(&proc, a);
	}
	if (new_kernel) {
		proc.rmap_items = 12300;
		proc.zero_pages = 1;
		proc.profit = 49531392;
		proc.merge_any = false;
		proc.prop_saved_bytes = 25165824;
		proc.ksm_mapped_pages = 12288;
		for (a = KSMCTL_A_PROC_RMAP_ITEMS; a <= KSMCTL_A_PROC_KSM_MAPPED_PAGES; ++a)
			proc_set_present(&proc, a);
	}

	vmas[0] = (struct ksmctl_vma){ 0x55d0c3a00000, 0x55d0c3a21000,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_EXEC | KSMCTL_VMA_F_FILE, "/usr/sbin/httpd", 0 };
	vmas[1] = (struct ksmctl_vma){ 0x55d0c4000000, 0x55d0c4200000,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_ANON | KSMCTL_VMA_F_HEAP |
		KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ELIGIBLE, "[heap]", 512 };
	vmas[2] = (struct ksmctl_vma){ 0x7f1200000000, 0x7f1203000000,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_ANON |
		KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ELIGIBLE, NULL, 11776 };
	vmas[3] = (struct ksmctl_vma){ 0x7f1210000000, 0x7f1210100000,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_ANON | KSMCTL_VMA_F_ELIGIBLE,
		NULL, 2 };
	vmas[4] = (struct ksmctl_vma){ 0x7f1220000000, 0x7f1220001000,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_SHARED | KSMCTL_VMA_F_FILE,
		"/dev/shm/a\nb", 0 };
	vmas[5] = (struct ksmctl_vma){ 0x7ffd5e000000, 0x7ffd5e021000,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_ANON | KSMCTL_VMA_F_STACK |
		KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ELIGIBLE, "[stack]", 0 };
	list = (struct vma_list){ vmas, 6, 6 };
}

static void text(FILE *f)
{
	sample(true);
	show_print_text(f, &proc, &list, &(struct show_view){ PAGE, false });
}

static void text_all(FILE *f)
{
	sample(true);
	show_print_text(f, &proc, &list, &(struct show_view){ PAGE, true });
}

static void text_old_kernel(FILE *f)
{
	sample(false);
	snprintf(proc.user, sizeof(proc.user), "1000");
	proc.uid = 1000;
	proc.cgroup_path = "";
	proc.comm[1] = '\t';
	proc.eligible_bytes = 0;
	proc.mergeable_vmas = 1;
	list.n = 1;
	show_print_text(f, &proc, &list, &(struct show_view){ PAGE, false });
}

static void text_no_vma(FILE *f)
{
	sample(false);
	list.n = 0;
	show_print_text(f, &proc, &list, &(struct show_view){ PAGE, true });
}

static void json(FILE *f)
{
	sample(true);
	list.n = 4;
	show_print_json(f, &proc, &list, &(struct show_view){ PAGE, false });
}

static void json_all_old_kernel(FILE *f)
{
	sample(false);
	list.vmas = &vmas[4];
	list.n = 1;
	show_print_json(f, &proc, &list, &(struct show_view){ PAGE, true });
}

static void json_no_vma(FILE *f)
{
	sample(false);
	list.n = 1;
	show_print_json(f, &proc, &list, &(struct show_view){ PAGE, false });
}

static void flags(FILE *f)
{
	static const uint32_t cases[] = {
		0,
		KSMCTL_VMA_F_READ | KSMCTL_VMA_F_WRITE | KSMCTL_VMA_F_EXEC | KSMCTL_VMA_F_SHARED,
		KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ELIGIBLE | KSMCTL_VMA_F_ANON,
		KSMCTL_VMA_F_ELIGIBLE | KSMCTL_VMA_F_ANON | KSMCTL_VMA_F_STACK,
		KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_FILE,
		KSMCTL_VMA_F_HEAP | KSMCTL_VMA_F_ANON | KSMCTL_VMA_F_STACK,
	};
	char perm[5], kind[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i)
		fprintf(f, "%#x: %s %s\n", cases[i], vma_perm(perm, cases[i]), vma_kind(kind, cases[i]));
}

static const struct golden cases[] = {
	{ "text: block with every field, mergeable VMAs and those with KSM pages", text,
	  "pid:              4242\n"
	  "ppid:             1\n"
	  "command:          httpd\n"
	  "user:             www-data (uid 33)\n"
	  "cgroup:           /system.slice/httpd.service\n"
	  "merging:          48.0 MiB (12288 pages)\n"
	  "zero pages:       4.00 KiB (1 page)\n"
	  "rmap items:       12300\n"
	  "profit:           47.2 MiB\n"
	  "prop. saved:      24.0 MiB\n"
	  "ksm mapped:       48.0 MiB (12288 pages)\n"
	  "mergeable:        48.0 MiB in 3 VMAs\n"
	  "eligible:         64.0 MiB\n"
	  "coverage:         75%\n"
	  "anon rss:         70.0 MiB\n"
	  "merge any:        no\n"
	  "\n"
	  "START-END                          SIZE  PERM  FLAGS       KSM  NAME\n"
	  "0x55d0c4000000-0x55d0c4200000  2.00 MiB  rw-p  me heap     512  [heap]\n"
	  "0x7f1200000000-0x7f1203000000  48.0 MiB  rw-p  me anon   11776\n"
	  "0x7f1210000000-0x7f1210100000  1.00 MiB  rw-p  -e anon       2\n"
	  "0x7ffd5e000000-0x7ffd5e021000   132 KiB  rw-p  me stack      0  [stack]\n" },
	{ "text --all-vmas: every VMA, names escaped", text_all,
	  "pid:              4242\n"
	  "ppid:             1\n"
	  "command:          httpd\n"
	  "user:             www-data (uid 33)\n"
	  "cgroup:           /system.slice/httpd.service\n"
	  "merging:          48.0 MiB (12288 pages)\n"
	  "zero pages:       4.00 KiB (1 page)\n"
	  "rmap items:       12300\n"
	  "profit:           47.2 MiB\n"
	  "prop. saved:      24.0 MiB\n"
	  "ksm mapped:       48.0 MiB (12288 pages)\n"
	  "mergeable:        48.0 MiB in 3 VMAs\n"
	  "eligible:         64.0 MiB\n"
	  "coverage:         75%\n"
	  "anon rss:         70.0 MiB\n"
	  "merge any:        no\n"
	  "\n"
	  "START-END                          SIZE  PERM  FLAGS       KSM  NAME\n"
	  "0x55d0c3a00000-0x55d0c3a21000   132 KiB  r-xp  -- file       0  /usr/sbin/httpd\n"
	  "0x55d0c4000000-0x55d0c4200000  2.00 MiB  rw-p  me heap     512  [heap]\n"
	  "0x7f1200000000-0x7f1203000000  48.0 MiB  rw-p  me anon   11776\n"
	  "0x7f1210000000-0x7f1210100000  1.00 MiB  rw-p  -e anon       2\n"
	  "0x7f1220000000-0x7f1220001000  4.00 KiB  rw-s  -- file       0  /dev/shm/a\\012b\n"
	  "0x7ffd5e000000-0x7ffd5e021000   132 KiB  rw-p  me stack      0  [stack]\n" },
	{ "text: kernel without the optional figures, no cgroup, numeric user, nothing listed", text_old_kernel,
	  "pid:              4242\n"
	  "ppid:             1\n"
	  "command:          h\\011tpd\n"
	  "user:             uid 1000\n"
	  "cgroup:           -\n"
	  "merging:          48.0 MiB (12288 pages)\n"
	  "mergeable:        48.0 MiB in 1 VMA\n"
	  "eligible:         0 B\n"
	  "coverage:         -\n"
	  "anon rss:         70.0 MiB\n"
	  "\n"
	  "No VMA is mergeable or has KSM pages (--all-vmas lists every VMA)\n" },
	{ "text --all-vmas without VMAs", text_no_vma,
	  "pid:              4242\n"
	  "ppid:             1\n"
	  "command:          httpd\n"
	  "user:             www-data (uid 33)\n"
	  "cgroup:           /system.slice/httpd.service\n"
	  "merging:          48.0 MiB (12288 pages)\n"
	  "mergeable:        48.0 MiB in 3 VMAs\n"
	  "eligible:         64.0 MiB\n"
	  "coverage:         75%\n"
	  "anon rss:         70.0 MiB\n"
	  "\n"
	  "No VMA\n" },
	{ "JSON: process fields and the listed VMAs", json,
	  "{\n"
	  "  \"pid\": 4242,\n"
	  "  \"ppid\": 1,\n"
	  "  \"comm\": \"httpd\",\n"
	  "  \"uid\": 33,\n"
	  "  \"user\": \"www-data\",\n"
	  "  \"cgroup_id\": 8242,\n"
	  "  \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	  "  \"merging_pages\": 12288,\n"
	  "  \"zero_pages\": 1,\n"
	  "  \"rmap_items\": 12300,\n"
	  "  \"profit_bytes\": 49531392,\n"
	  "  \"prop_saved_bytes\": 25165824,\n"
	  "  \"ksm_mapped_pages\": 12288,\n"
	  "  \"mergeable_vmas\": 3,\n"
	  "  \"mergeable_bytes\": 50331648,\n"
	  "  \"eligible_bytes\": 67108864,\n"
	  "  \"anon_rss_bytes\": 73400320,\n"
	  "  \"merge_any\": false,\n"
	  "  \"saved_bytes\": 50331648,\n"
	  "  \"vmas\": [\n"
	  "    {\n"
	  "      \"start\": 94355129892864,\n"
	  "      \"end\": 94355131990016,\n"
	  "      \"size_bytes\": 2097152,\n"
	  "      \"flags\": 423,\n"
	  "      \"flag_names\": [\n"
	  "        \"read\",\n"
	  "        \"write\",\n"
	  "        \"mergeable\",\n"
	  "        \"eligible\",\n"
	  "        \"anon\",\n"
	  "        \"heap\"\n"
	  "      ],\n"
	  "      \"name\": \"[heap]\",\n"
	  "      \"ksm_pages\": 512\n"
	  "    },\n"
	  "    {\n"
	  "      \"start\": 139715286138880,\n"
	  "      \"end\": 139715336470528,\n"
	  "      \"size_bytes\": 50331648,\n"
	  "      \"flags\": 391,\n"
	  "      \"flag_names\": [\n"
	  "        \"read\",\n"
	  "        \"write\",\n"
	  "        \"mergeable\",\n"
	  "        \"eligible\",\n"
	  "        \"anon\"\n"
	  "      ],\n"
	  "      \"ksm_pages\": 11776\n"
	  "    },\n"
	  "    {\n"
	  "      \"start\": 139715554574336,\n"
	  "      \"end\": 139715555622912,\n"
	  "      \"size_bytes\": 1048576,\n"
	  "      \"flags\": 390,\n"
	  "      \"flag_names\": [\n"
	  "        \"read\",\n"
	  "        \"write\",\n"
	  "        \"eligible\",\n"
	  "        \"anon\"\n"
	  "      ],\n"
	  "      \"ksm_pages\": 2\n"
	  "    }\n"
	  "  ]\n"
	  "}\n" },
	{ "JSON --all-vmas on an older kernel", json_all_old_kernel,
	  "{\n"
	  "  \"pid\": 4242,\n"
	  "  \"ppid\": 1,\n"
	  "  \"comm\": \"httpd\",\n"
	  "  \"uid\": 33,\n"
	  "  \"user\": \"www-data\",\n"
	  "  \"cgroup_id\": 8242,\n"
	  "  \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	  "  \"merging_pages\": 12288,\n"
	  "  \"mergeable_vmas\": 3,\n"
	  "  \"mergeable_bytes\": 50331648,\n"
	  "  \"eligible_bytes\": 67108864,\n"
	  "  \"anon_rss_bytes\": 73400320,\n"
	  "  \"saved_bytes\": 50331648,\n"
	  "  \"vmas\": [\n"
	  "    {\n"
	  "      \"start\": 139715823009792,\n"
	  "      \"end\": 139715823013888,\n"
	  "      \"size_bytes\": 4096,\n"
	  "      \"flags\": 408,\n"
	  "      \"flag_names\": [\n"
	  "        \"read\",\n"
	  "        \"write\",\n"
	  "        \"shared\",\n"
	  "        \"file\"\n"
	  "      ],\n"
	  "      \"name\": \"/dev/shm/a\\nb\",\n"
	  "      \"ksm_pages\": 0\n"
	  "    }\n"
	  "  ]\n"
	  "}\n" },
	{ "JSON without listed VMAs: empty array", json_no_vma,
	  "{\n"
	  "  \"pid\": 4242,\n"
	  "  \"ppid\": 1,\n"
	  "  \"comm\": \"httpd\",\n"
	  "  \"uid\": 33,\n"
	  "  \"user\": \"www-data\",\n"
	  "  \"cgroup_id\": 8242,\n"
	  "  \"cgroup_path\": \"/system.slice/httpd.service\",\n"
	  "  \"merging_pages\": 12288,\n"
	  "  \"mergeable_vmas\": 3,\n"
	  "  \"mergeable_bytes\": 50331648,\n"
	  "  \"eligible_bytes\": 67108864,\n"
	  "  \"anon_rss_bytes\": 73400320,\n"
	  "  \"saved_bytes\": 50331648,\n"
	  "  \"vmas\": []\n"
	  "}\n" },
	{ "PERM and FLAGS columns", flags,
	  "0: ---p -- -\n"
	  "0x390: rwxs -- -\n"
	  "0x7: ---p me anon\n"
	  "0x46: ---p -e stack\n"
	  "0x9: ---p m- file\n"
	  "0x64: ---p -- heap\n" },
};

int main(int argc, char *argv[])
{
	if (golden_dump(argc, argv, cases, sizeof(cases) / sizeof(cases[0])))
		return 0;
	tap_begin("show");
	golden_check(cases, sizeof(cases) / sizeof(cases[0]));
	return tap_done();
}
