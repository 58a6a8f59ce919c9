// SPDX-License-Identifier: GPL-2.0
/*
 * KSMCTL_CMD_GET_STATUS: the family resolves, the reply equals what the
 * kernel publishes in /sys/kernel/mm/ksm/, and malformed requests are
 * rejected with an errno and an extack message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"
#include "ksmctl_lib.h"
#include "nl.h"

static const struct {
	const char *file;
	int attr;
	int required;
} status_fields[] = {
	{ "run",		KSMCTL_A_STATUS_RUN,		   1 },
	{ "pages_shared",	KSMCTL_A_STATUS_PAGES_SHARED,	   1 },
	{ "pages_sharing",	KSMCTL_A_STATUS_PAGES_SHARING,	   1 },
	{ "pages_unshared",	KSMCTL_A_STATUS_PAGES_UNSHARED,	   1 },
	{ "pages_volatile",	KSMCTL_A_STATUS_PAGES_VOLATILE,	   1 },
	{ "full_scans",		KSMCTL_A_STATUS_FULL_SCANS,	   1 },
	{ "pages_to_scan",	KSMCTL_A_STATUS_PAGES_TO_SCAN,	   1 },
	{ "sleep_millisecs",	KSMCTL_A_STATUS_SLEEP_MSECS,	   1 },
	{ "max_page_sharing",	KSMCTL_A_STATUS_MAX_PAGE_SHARING,  0 },
	{ "stable_node_chains",	KSMCTL_A_STATUS_STABLE_NODE_CHAINS, 0 },
	{ "general_profit",	KSMCTL_A_STATUS_GENERAL_PROFIT,	   0 },
	{ "ksm_zero_pages",	KSMCTL_A_STATUS_ZERO_PAGES,	   0 },
};

FIXTURE(status) {
	int fd;
	int family;
	struct nl_ans ans;
};

FIXTURE_SETUP(status)
{
	int err = ksmctl_ensure_loaded();

	ASSERT_EQ(0, err) TH_LOG("cannot load the module: %s", strerror(-err));
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	self->family = ksmctl_family(self->fd);
	ASSERT_LT(0, self->family) TH_LOG("family ksmctl: %s",
					  strerror(-self->family));
}

FIXTURE_TEARDOWN(status)
{
	close(self->fd);
}

/* Send GET_STATUS; return the STATUS nest (NULL on error, see ans). */
static struct nlattr *get_status(int fd, int family, struct nl_ans *ans,
				 struct nlattr **version)
{
	struct nlattr *a;
	struct nl_req r;
	size_t rem;

	nl_req_init(&r, family, KSMCTL_CMD_GET_STATUS, KSMCTL_GENL_VERSION, 0);
	if (nl_talk(fd, &r, ans) || ans->error || !ans->reply_len)
		return NULL;
	a = nl_attr_first(ans->reply, &rem);
	if (version)
		*version = nl_attr_find(a, rem, KSMCTL_A_VERSION);
	return nl_attr_find(a, rem, KSMCTL_A_STATUS);
}

static uint64_t attr_val(struct nlattr *a)
{
	if (nl_attr_len(a) == 4)
		return *(uint32_t *)nl_attr_data(a);
	return *(uint64_t *)nl_attr_data(a);
}

/*
 * Compare every field of a GET_STATUS reply with the sysfs file of the same
 * name. Values only agree while ksmd is idle, so callers stop it first.
 */
static void expect_equal_to_sysfs(struct __test_metadata *_metadata,
				  struct nlattr *st)
{
	unsigned int i;

	for (i = 0; i < sizeof(status_fields) / sizeof(status_fields[0]); i++) {
		char path[128];
		struct nlattr *a;
		uint64_t sys;
		int have;

		snprintf(path, sizeof(path), KSM_SYSFS "%s", status_fields[i].file);
		have = read_u64_file(path, &sys) == 0;
		a = nl_attr_find(nl_attr_data(st), nl_attr_len(st),
				 status_fields[i].attr);
		if (status_fields[i].required)
			ASSERT_TRUE(have) TH_LOG("%s missing in sysfs", path);
		EXPECT_EQ(have, a != NULL)
			TH_LOG("%s: sysfs %s, netlink %s", status_fields[i].file,
			       have ? "has it" : "lacks it",
			       a ? "has it" : "lacks it");
		if (have && a)
			EXPECT_EQ(sys, attr_val(a))
				TH_LOG("%s", status_fields[i].file);
	}
}

TEST_F(status, family_resolves)
{
	uint32_t version = 0;

	ASSERT_EQ(self->family, nl_family_id(self->fd, KSMCTL_GENL_NAME,
					     &version));
	EXPECT_EQ(KSMCTL_GENL_VERSION, version);
	EXPECT_EQ(1, nl_family_has_cmd(self->fd, KSMCTL_GENL_NAME,
				       KSMCTL_CMD_GET_STATUS));
}

TEST_F(status, version_and_page_size)
{
	struct nlattr *st, *ver, *ps;

	st = get_status(self->fd, self->family, &self->ans, &ver);
	ASSERT_NE(NULL, st) TH_LOG("error %d", self->ans.error);
	ASSERT_NE(NULL, ver);
	EXPECT_LT(0, strlen(nl_attr_data(ver)));
	ps = nl_attr_find(nl_attr_data(st), nl_attr_len(st),
			  KSMCTL_A_STATUS_PAGE_SIZE);
	ASSERT_NE(NULL, ps);
	EXPECT_EQ((uint32_t)sysconf(_SC_PAGESIZE), *(uint32_t *)nl_attr_data(ps));
}

TEST_F(status, idle_equals_sysfs)
{
	struct nlattr *st;

	ASSERT_EQ(0, write_str_file(KSM_SYSFS "run", "0"));
	st = get_status(self->fd, self->family, &self->ans, NULL);
	ASSERT_NE(NULL, st) TH_LOG("error %d", self->ans.error);
	expect_equal_to_sysfs(_metadata, st);
}

/* The reply follows the kernel live, it is no snapshot from load time. */
TEST_F(status, follows_tunables)
{
	unsigned int want = 1000 + (unsigned int)(getpid() % 1000);
	uint64_t old = 0;
	struct nlattr *st, *a;
	char buf[32];

	ASSERT_EQ(0, read_u64_file(KSM_SYSFS "pages_to_scan", &old));
	snprintf(buf, sizeof(buf), "%u", want);
	ASSERT_EQ(0, write_str_file(KSM_SYSFS "pages_to_scan", buf));
	st = get_status(self->fd, self->family, &self->ans, NULL);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)old);
	write_str_file(KSM_SYSFS "pages_to_scan", buf);
	ASSERT_NE(NULL, st);
	a = nl_attr_find(nl_attr_data(st), nl_attr_len(st),
			 KSMCTL_A_STATUS_PAGES_TO_SCAN);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(want, attr_val(a));
}

/*
 * With merged pages (non-zero counters), after ksmd stops, every value
 * still equals sysfs.
 */
TEST_F(status, merged_equals_sysfs)
{
	const size_t npages = 64;
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t sharing = 0;
	struct nlattr *st;
	char *mem;
	int i;

	mem = mmap(NULL, npages * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(mem, 0x5a, npages * psz);
	ASSERT_EQ(0, madvise(mem, npages * psz, MADV_MERGEABLE));

	ASSERT_EQ(0, write_str_file(KSM_SYSFS "sleep_millisecs", "0"));
	ASSERT_EQ(0, write_str_file(KSM_SYSFS "pages_to_scan", "10000"));
	ASSERT_EQ(0, write_str_file(KSM_SYSFS "run", "1"));
	for (i = 0; i < 1500 && sharing < npages - 1; i++) {
		usleep(20000);
		read_u64_file(KSM_SYSFS "pages_sharing", &sharing);
	}
	ASSERT_EQ(0, write_str_file(KSM_SYSFS "run", "0"));
	ASSERT_LE(npages - 1, sharing) TH_LOG("ksmd merged only %llu pages",
					      (unsigned long long)sharing);

	st = get_status(self->fd, self->family, &self->ans, NULL);
	ASSERT_NE(NULL, st);
	expect_equal_to_sysfs(_metadata, st);

	/* unmerge everything again for the next tests */
	munmap(mem, npages * psz);
	write_str_file(KSM_SYSFS "run", "2");
	write_str_file(KSM_SYSFS "run", "0");
	write_str_file(KSM_SYSFS "sleep_millisecs", "20");
	write_str_file(KSM_SYSFS "pages_to_scan", "100");
}

TEST_F(status, unprivileged_caller)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		static struct nl_ans ans;
		int fd;

		/* genl checks the opener of the socket: open our own */
		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = nl_open();
		if (fd < 0)
			_exit(3);
		_exit(get_status(fd, self->family, &ans, NULL) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(status, bad_flags_rejected)
{
	struct nl_req r;
	size_t attr_off;

	nl_req_init(&r, self->family, KSMCTL_CMD_GET_STATUS,
		    KSMCTL_GENL_VERSION, 0);
	attr_off = r.nlh->nlmsg_len;
	nl_put_u32(&r, KSMCTL_A_FLAGS, 0x80);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_STREQ("reserved bit set", self->ans.extack_msg);
	EXPECT_EQ((int)attr_off, self->ans.extack_off);
}

TEST_F(status, wrong_attr_length_rejected)
{
	uint16_t half = 0;
	struct nl_req r;

	nl_req_init(&r, self->family, KSMCTL_CMD_GET_STATUS,
		    KSMCTL_GENL_VERSION, 0);
	nl_put(&r, KSMCTL_A_FLAGS, &half, sizeof(half));
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(0, strlen(self->ans.extack_msg));
	TH_LOG("extack: %s", self->ans.extack_msg);
}

TEST_F(status, unknown_attr_rejected)
{
	struct nl_req r;

	nl_req_init(&r, self->family, KSMCTL_CMD_GET_STATUS,
		    KSMCTL_GENL_VERSION, 0);
	nl_put_u32(&r, KSMCTL_A_STATUS, 1);	/* a reply-only attribute */
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(0, strlen(self->ans.extack_msg));

	nl_req_init(&r, self->family, KSMCTL_CMD_GET_STATUS,
		    KSMCTL_GENL_VERSION, 0);
	nl_put_u32(&r, 200, 1);			/* beyond the policy */
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EINVAL, self->ans.error);
	EXPECT_NE(0, strlen(self->ans.extack_msg));
}

TEST_F(status, unknown_command_rejected)
{
	struct nl_req r;

	nl_req_init(&r, self->family, KSMCTL_CMD_MAX + 1,
		    KSMCTL_GENL_VERSION, 0);
	ASSERT_EQ(0, nl_talk(self->fd, &r, &self->ans));
	EXPECT_EQ(-EOPNOTSUPP, self->ans.error);
}

TEST_HARNESS_MAIN
