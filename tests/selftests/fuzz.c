// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzz: random and mutated requests to every command of the ksmctl
 * family, from a privileged and an unprivileged caller. The kernel must
 * answer every one with a reply or an errno, never crash or warn (the rig
 * fails the run on any splat), and still work afterwards.
 *
 * KSMCTL_FUZZ_SECONDS (default 8) bounds the run; `make stress' raises it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../include/uapi/linux/ksmctl.h"
#include "kselftest_harness.h"
#include "ksmctl_lib.h"
#include "nl.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 7200

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static int fuzz_seconds(void)
{
	const char *s = getenv("KSMCTL_FUZZ_SECONDS");

	return s && atoi(s) > 0 ? atoi(s) : 8;
}

/* an interesting value for a field of len bytes */
static void interesting(void *p, size_t len, pid_t victim)
{
	static const uint64_t vals[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0xffffffffffffffffULL, 4096, 0x7ffffffff000ULL,
		4194304, 32768,
	};
	uint64_t v = rnd() % 4 ? vals[rnd() % (sizeof(vals) / sizeof(vals[0]))]
			       : ((uint64_t)rnd() << 32 | rnd());

	if (rnd() % 3 == 0)
		v = victim;
	else if (len >= 4 && v > 0 && v < 4194304 && v != (uint64_t)victim)
		v = 2 + (v & 1) * 4194302;	/* never a real process but kthreadd */
	memcpy(p, &v, len < 8 ? len : 8);
}

/* append one attribute: right or wrong type, length, nesting */
static void put_random_attr(struct nl_req *r, pid_t victim, int depth)
{
	char payload[512];
	uint16_t type = rnd() % 4 ? rnd() % (KSMCTL_A_MAX + 3) : rnd();
	size_t len;

	switch (rnd() % 8) {
	case 0: len = 0; break;
	case 1: len = 1 + rnd() % 3; break;
	case 2: len = 4; break;
	case 3: len = 8; break;
	case 4: len = rnd() % sizeof(payload); break;
	default: len = rnd() % 2 ? 4 : 8; break;
	}
	if (depth < 2 && rnd() % 6 == 0) {
		/* a nest of random attributes */
		struct nl_req inner;
		int i, n = rnd() % 4;

		nl_req_init(&inner, 0, 0, 0, 0);
		for (i = 0; i < n; i++)
			put_random_attr(&inner, victim, depth + 1);
		len = inner.nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		if (r->nlh->nlmsg_len + len + 64 >= sizeof(r->buf))
			return;
		nl_put(r, type | (rnd() % 2 ? NLA_F_NESTED : 0),
		       (char *)NLMSG_DATA(inner.nlh) + GENL_HDRLEN, len);
		return;
	}
	if (rnd() % 3)
		interesting(payload, len, victim);
	else {
		size_t i;

		for (i = 0; i < len; i++)
			payload[i] = rnd();
		if (len && rnd() % 2)
			payload[len - 1] = 0;	/* sometimes a valid string */
	}
	if (r->nlh->nlmsg_len + len + 64 >= sizeof(r->buf))
		return;
	nl_put(r, type, payload, len);
}

/* send without waiting for the answer; drain answers separately */
static long fuzz_loop(int fd, int family, pid_t victim, int seconds,
		      long *replies, long *errors)
{
	time_t end = time(NULL) + seconds;
	static char buf[NL_BUFSZ];
	long sent = 0;

	while (time(NULL) < end) {
		struct nl_req r;
		int n = rnd() % 6, i, cmd;
		uint16_t flags = 0;

		cmd = rnd() % 8 ? 1 + rnd() % KSMCTL_CMD_MAX : rnd() % 256;
		if (rnd() % 3 == 0)
			flags |= NLM_F_DUMP;
		nl_req_init(&r, rnd() % 50 ? family : rnd() % 0x30, cmd,
			    rnd() % 8 ? KSMCTL_GENL_VERSION : rnd(), flags);
		if (rnd() % 2)	/* a well-formed pid most of the time */
			nl_put_u32(&r, KSMCTL_A_PID, rnd() % 3 ? victim : rnd() % 3);
		for (i = 0; i < n; i++)
			put_random_attr(&r, victim, 0);
		if (rnd() % 10 == 0 && r.nlh->nlmsg_len > NLMSG_LENGTH(GENL_HDRLEN))
			r.nlh->nlmsg_len -= 1 + rnd() % 4;	/* truncated */
		if (send(fd, r.buf, r.nlh->nlmsg_len, MSG_DONTWAIT) >= 0)
			sent++;
		/* drain everything that is there */
		for (;;) {
			ssize_t got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			struct nlmsghdr *nlh;

			if (got <= 0)
				break;
			for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, got);
			     nlh = NLMSG_NEXT(nlh, got)) {
				if (nlh->nlmsg_type == NLMSG_ERROR &&
				    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error)
					(*errors)++;
				else
					(*replies)++;
			}
		}
		/* MARK/UNMARK may have hit the victim: let it live on */
	}
	return sent;
}

static int status_works(void)
{
	struct nl_ans ans;
	struct nl_req r;
	int fd = nl_open(), family;

	if (fd < 0)
		return 0;
	family = ksmctl_family(fd);
	nl_req_init(&r, family, KSMCTL_CMD_GET_STATUS, KSMCTL_GENL_VERSION, 0);
	if (family <= 0 || nl_talk(fd, &r, &ans) || ans.error || !ans.reply_len) {
		close(fd);
		return 0;
	}
	close(fd);
	return 1;
}

/* leave nothing marked behind for the next tests: UNMARK init's tree */
static int unmark_everything(void)
{
	struct mark_opts all = { .flags = KSMCTL_MARK_F_TREE };
	struct mark_rec m;
	struct nl_ans ans;
	int fd = nl_open(), family = ksmctl_family(fd), err;

	err = mark(fd, family, KSMCTL_CMD_UNMARK, 1, &all, &m, &ans);
	close(fd);
	return err;
}

TEST(fuzz_privileged_and_unprivileged)
{
	int seconds = fuzz_seconds(), fd, family, st;
	long sent, replies = 0, errors = 0;
	struct target victim;
	char line[64];
	pid_t child;

	ASSERT_EQ(0, ksmctl_ensure_loaded());
	ASSERT_EQ(0, target_start(&victim, "ksm_target", "2", NULL));
	rng ^= (unsigned long long)time(NULL) << 20 ^ getpid();
	TH_LOG("seed %#llx, %d s per caller", rng, seconds);

	/* unprivileged, in a child */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		long rep = 0, err = 0, s;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		fd = nl_open();
		family = ksmctl_family(fd);
		if (family <= 0)
			_exit(3);
		rng ^= 0x5555;
		s = fuzz_loop(fd, family, victim.pid, seconds / 2 + 1, &rep, &err);
		fprintf(stderr, "# unprivileged: %ld messages sent, %ld replies, %ld errors\n",
			s, rep, err);
		_exit(s > 0 ? 0 : 4);
	}
	ASSERT_EQ(child, waitpid(child, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));

	fd = nl_open();
	ASSERT_LE(0, fd);
	family = ksmctl_family(fd);
	ASSERT_LT(0, family);
	sent = fuzz_loop(fd, family, victim.pid, seconds, &replies, &errors);
	TH_LOG("privileged: %ld messages sent, %ld replies, %ld errors",
	       sent, replies, errors);
	EXPECT_LT(100, sent);
	EXPECT_LT(0, errors);	/* most requests are malformed: refused */
	close(fd);

	/* the family still works and the victim holds what it wrote */
	EXPECT_TRUE(status_works());
	EXPECT_EQ(0, unmark_everything());
	ASSERT_EQ(0, target_cmd(&victim, "check", line, sizeof(line)));
	EXPECT_STREQ("ok", line);
	target_stop(&victim);
	ksm_reset();
}

TEST_HARNESS_MAIN
