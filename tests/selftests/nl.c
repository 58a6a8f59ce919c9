// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void nl_req_init(struct nl_req *r, uint16_t family, uint8_t cmd,
		 uint8_t version, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->nlh = (struct nlmsghdr *)r->buf;
	r->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh->nlmsg_type = family;
	r->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nlh->nlmsg_seq = 1;
	g = NLMSG_DATA(r->nlh);
	g->cmd = cmd;
	g->version = version;
}

void nl_put(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->buf +
					     NLMSG_ALIGN(r->nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh->nlmsg_len = NLMSG_ALIGN(r->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

struct nlattr *nl_nest_start(struct nl_req *r, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)(r->buf +
					     NLMSG_ALIGN(r->nlh->nlmsg_len));

	nl_put(r, type | NLA_F_NESTED, "", 0);
	return a;
}

void nl_nest_end(struct nl_req *r, struct nlattr *a)
{
	a->nla_len = (char *)r->buf + r->nlh->nlmsg_len - (char *)a;
}

void nl_put_u32(struct nl_req *r, uint16_t type, uint32_t v)
{
	nl_put(r, type, &v, sizeof(v));
}

void nl_put_str(struct nl_req *r, uint16_t type, const char *s)
{
	nl_put(r, type, s, strlen(s) + 1);
}

struct nlattr *nl_attr_find(const void *data, size_t len, uint16_t type)
{
	const char *p = data;

	while (len >= NLA_HDRLEN) {
		struct nlattr *a = (struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if (NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

void *nl_attr_data(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

size_t nl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static void parse_tlvs(const void *p, size_t len, struct nl_ans *ans)
{
	struct nlattr *a = nl_attr_find(p, len, NLMSGERR_ATTR_MSG);

	if (a)
		snprintf(ans->extack_msg, sizeof(ans->extack_msg), "%s",
			 (char *)nl_attr_data(a));
	a = nl_attr_find(p, len, NLMSGERR_ATTR_OFFS);
	if (a)
		ans->extack_off = *(uint32_t *)nl_attr_data(a);
	a = nl_attr_find(p, len, NLMSGERR_ATTR_MISS_TYPE);
	if (a)
		ans->miss_type = *(uint32_t *)nl_attr_data(a);
	a = nl_attr_find(p, len, NLMSGERR_ATTR_MISS_NEST);
	if (a)
		ans->miss_nest_off = *(uint32_t *)nl_attr_data(a);
}

/* nothing answered yet */
static void ans_reset(struct nl_ans *ans)
{
	memset(ans, 0, sizeof(*ans));
	ans->extack_off = -1;
	ans->miss_type = -1;
	ans->miss_nest_off = -1;
}

static void parse_ack(const struct nlmsghdr *nlh, struct nl_ans *ans)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);

	ans->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (NLMSG_HDRLEN + off >= nlh->nlmsg_len)
		return;
	parse_tlvs((const char *)e + off, nlh->nlmsg_len - NLMSG_HDRLEN - off,
		   ans);
}

/* Send one request; collect the first reply and the final ack. */
int nl_talk(int fd, struct nl_req *r, struct nl_ans *ans)
{
	static char buf[NL_BUFSZ];
	int done = 0;

	ans_reset(ans);
	if (send(fd, r->buf, r->nlh->nlmsg_len, 0) < 0)
		return -errno;

	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_ack(nlh, ans);
				done = 1;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (!ans->reply_len && nlh->nlmsg_len <= sizeof(ans->reply)) {
				memcpy(ans->reply, nlh, nlh->nlmsg_len);
				ans->reply_len = nlh->nlmsg_len;
			}
		}
	}
	return 0;
}

struct nlattr *nl_attr_first(const void *msg, size_t *rem)
{
	const struct nlmsghdr *nlh = msg;

	*rem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
}

static int family_get(int fd, const char *name, struct nl_ans *ans)
{
	struct nl_req r;
	int err;

	nl_req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	nl_put_str(&r, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_talk(fd, &r, ans);
	if (err)
		return err;
	if (ans->error)
		return ans->error;
	return ans->reply_len ? 0 : -ENOMSG;
}

int nl_family_id(int fd, const char *name, uint32_t *version)
{
	static struct nl_ans ans;
	struct nlattr *a;
	size_t rem;
	int err = family_get(fd, name, &ans);

	if (err)
		return err;
	a = nl_attr_first(ans.reply, &rem);
	if (version) {
		struct nlattr *v = nl_attr_find(a, rem, CTRL_ATTR_VERSION);

		*version = v ? *(uint32_t *)nl_attr_data(v) : 0;
	}
	a = nl_attr_find(a, rem, CTRL_ATTR_FAMILY_ID);
	return a ? *(uint16_t *)nl_attr_data(a) : -ENOENT;
}

/* 1 if the family lists the command, 0 if not, negative errno on error */
int nl_family_has_cmd(int fd, const char *name, uint8_t cmd)
{
	static struct nl_ans ans;
	struct nlattr *a, *ops, *op;
	size_t rem, left;
	int err = family_get(fd, name, &ans);

	if (err)
		return err;
	a = nl_attr_first(ans.reply, &rem);
	ops = nl_attr_find(a, rem, CTRL_ATTR_OPS);
	if (!ops)
		return 0;
	op = nl_attr_data(ops);
	left = nl_attr_len(ops);
	while (left >= NLA_HDRLEN && op->nla_len >= NLA_HDRLEN &&
	       op->nla_len <= left) {
		struct nlattr *id = nl_attr_find(nl_attr_data(op),
						 nl_attr_len(op), CTRL_ATTR_OP_ID);

		if (id && *(uint32_t *)nl_attr_data(id) == cmd)
			return 1;
		if (NLA_ALIGN(op->nla_len) >= left)
			break;
		left -= NLA_ALIGN(op->nla_len);
		op = (struct nlattr *)((char *)op + NLA_ALIGN(op->nla_len));
	}
	return 0;
}

int read_u64_file(const char *path, uint64_t *v)
{
	char buf[64];
	char *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (buf[0] == '-')
		*v = (uint64_t)strtoll(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int write_str_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -errno;
}

int nl_dump(int fd, struct nl_req *r, struct nl_ans *ans,
	    int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	static char buf[NL_BUFSZ];

	ans_reset(ans);
	r->nlh->nlmsg_flags |= NLM_F_DUMP;
	r->nlh->nlmsg_flags &= ~NLM_F_ACK;	/* no trailing ack to confuse the next request */
	if (send(fd, r->buf, r->nlh->nlmsg_len, 0) < 0)
		return -errno;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_ack(nlh, ans);
				if (ans->error)
					return ans->error;
				continue;	/* the ack of NLM_F_ACK */
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = *(int *)NLMSG_DATA(nlh);

				/* a failed dump's DONE carries the extack */
				ans->error = err;
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					parse_tlvs((char *)NLMSG_DATA(nlh) + sizeof(int),
						   nlh->nlmsg_len - NLMSG_LENGTH(sizeof(int)),
						   ans);
				return err;
			}
			if (cb(nlh, arg))
				return -ECANCELED;
		}
	}
}
