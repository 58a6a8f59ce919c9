// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <linux/ksmctl.h>

#include "ipc.h"
#include "options.h"
#include "status.h"

struct ipc {
	struct nl_sock *sk;
	int family;
};

struct request;
typedef int (*reply_fn)(struct request *req, struct nlattr *tb[]);

/* One request and the state of its replies, shared with the callbacks. */
struct request {
	struct nl_msg *msg;	/* kept to resolve NLMSGERR_ATTR_OFFS */
	const char *action;	/* "Unable to <action>" */
	reply_fn reply;		/* called for every reply message */
	void *arg;
	unsigned int replies;
	int status;		/* 1 while waiting, then 0 or -errno */
	int reply_err;		/* first error returned by @reply */
	char why[256];		/* extack text, or what is wrong with a reply */
};

#define ATTR_NAME(x) [x] = #x

static const char *const attr_names[KSMCTL_A_MAX + 1] = {
	ATTR_NAME(KSMCTL_A_PAD),
	ATTR_NAME(KSMCTL_A_VERSION),
	ATTR_NAME(KSMCTL_A_FLAGS),
	ATTR_NAME(KSMCTL_A_STATUS),
	ATTR_NAME(KSMCTL_A_PID),
	ATTR_NAME(KSMCTL_A_PROC),
	ATTR_NAME(KSMCTL_A_VMA),
};

static const char *const status_attr_names[KSMCTL_A_STATUS_MAX + 1] = {
	ATTR_NAME(KSMCTL_A_STATUS_PAD),
	ATTR_NAME(KSMCTL_A_STATUS_PAGE_SIZE),
	ATTR_NAME(KSMCTL_A_STATUS_RUN),
	ATTR_NAME(KSMCTL_A_STATUS_PAGES_SHARED),
	ATTR_NAME(KSMCTL_A_STATUS_PAGES_SHARING),
	ATTR_NAME(KSMCTL_A_STATUS_PAGES_UNSHARED),
	ATTR_NAME(KSMCTL_A_STATUS_PAGES_VOLATILE),
	ATTR_NAME(KSMCTL_A_STATUS_FULL_SCANS),
	ATTR_NAME(KSMCTL_A_STATUS_PAGES_TO_SCAN),
	ATTR_NAME(KSMCTL_A_STATUS_SLEEP_MSECS),
	ATTR_NAME(KSMCTL_A_STATUS_MAX_PAGE_SHARING),
	ATTR_NAME(KSMCTL_A_STATUS_GENERAL_PROFIT),
	ATTR_NAME(KSMCTL_A_STATUS_ZERO_PAGES),
	ATTR_NAME(KSMCTL_A_STATUS_STABLE_NODE_CHAINS),
};

#define EXACT(t, len) { .type = (t), .minlen = (len), .maxlen = (len) }

static struct nla_policy attr_policy[KSMCTL_A_MAX + 1] = {
	[KSMCTL_A_VERSION]	= { .type = NLA_STRING, .maxlen = KSMCTL_MODULE_VERSION_MAX },
	[KSMCTL_A_FLAGS]	= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_STATUS]	= { .type = NLA_NESTED },
	[KSMCTL_A_PID]		= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_PROC]		= { .type = NLA_NESTED },
	[KSMCTL_A_VMA]		= { .type = NLA_NESTED },
};

static struct nla_policy status_policy[KSMCTL_A_STATUS_MAX + 1] = {
	[KSMCTL_A_STATUS_PAGE_SIZE]		= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_STATUS_RUN]			= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_STATUS_PAGES_SHARED]		= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_PAGES_SHARING]		= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_PAGES_UNSHARED]	= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_PAGES_VOLATILE]	= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_FULL_SCANS]		= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_PAGES_TO_SCAN]		= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_SLEEP_MSECS]		= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_MAX_PAGE_SHARING]	= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_GENERAL_PROFIT]	= EXACT(NLA_S64, sizeof(int64_t)),
	[KSMCTL_A_STATUS_ZERO_PAGES]		= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_STATUS_STABLE_NODE_CHAINS]	= EXACT(NLA_U64, sizeof(uint64_t)),
};

static void print_error(const char *action, const char *why, int errnum)
{
	fprintf(stderr, PROG_NAME ": Unable to %s", action);
	if (why && *why)
		fprintf(stderr, ": %s", why);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

/* libnl reports local failures as -NLE_*; callers get an errno. */
static int nlerr_to_errno(int nlerr)
{
	switch (abs(nlerr)) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_INTR:
		return EINTR;
	case NLE_BUSY:
		return EBUSY;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_AF_NOSUPPORT:
		return EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_OVERFLOW:
	case NLE_SEQ_MISMATCH:
	case NLE_PARSE_ERR:
		return EPROTO;
	default:
		return EIO;
	}
}

static void appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static const char *attr_name(int type)
{
	if (type >= 0 && type <= KSMCTL_A_MAX && attr_names[type])
		return attr_names[type];
	return NULL;
}

/*
 * Name the attribute of our request that starts at, or contains, byte @offs
 * (counted from the start of its netlink header), as NLMSGERR_ATTR_OFFS and
 * NLMSGERR_ATTR_MISS_NEST count.
 */
static void describe_offset(const struct nlmsghdr *request, uint32_t offs, char *buf, size_t size)
{
	const size_t start = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *nla;
	int rem;

	if (request && offs >= start && offs < request->nlmsg_len) {
		nla_for_each_attr(nla, (struct nlattr *)((char *)request + start),
				  (int)(request->nlmsg_len - start), rem) {
			size_t at = (size_t)((const char *)nla - (const char *)request);
			const char *name = attr_name(nla_type(nla));

			if (offs < at || offs >= at + nla->nla_len)
				continue;
			if (!name)
				break;
			snprintf(buf, size, offs == at ? "attribute %s" : "inside attribute %s", name);
			return;
		}
	}
	snprintf(buf, size, "attribute at offset %u", offs);
}

/*
 * Put the extended ack of an NLMSG_ERROR (also a plain ACK) or NLMSG_DONE
 * message @nlh into @buf: the kernel's NLMSGERR_ATTR_MSG text, followed by
 * the request attribute that NLMSGERR_ATTR_OFFS or NLMSGERR_ATTR_MISS_TYPE
 * points at. @request is our copy of the request (the kernel echoes it only
 * when the ack is not NLM_F_CAPPED). @buf is empty when there is no extack.
 */
static void extack_describe(const struct nlmsghdr *nlh, const struct nlmsghdr *request,
			    char *buf, size_t size)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	char where[96] = "";
	size_t offs;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		offs = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			/* The whole original message follows, not just its header. */
			if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) ||
			    e->msg.nlmsg_len < NLMSG_HDRLEN)
				return;
			offs += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		offs = sizeof(int);
	} else {
		return;
	}
	offs = NLMSG_HDRLEN + NLMSG_ALIGN(offs);
	if (offs >= nlh->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + offs),
		      (int)(nlh->nlmsg_len - offs), NULL) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		const char *msg = nla_data(tb[NLMSGERR_ATTR_MSG]);
		int len = (int)strnlen(msg, (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));

		snprintf(buf, size, "%.*s", len, msg);
	}

	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= (int)sizeof(uint32_t)) {
		describe_offset(request, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]), where, sizeof(where));
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= (int)sizeof(uint32_t)) {
		uint32_t type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
		const char *name = tb[NLMSGERR_ATTR_MISS_NEST] ? NULL : attr_name((int)type);

		if (name)
			snprintf(where, sizeof(where), "missing attribute %s", name);
		else
			snprintf(where, sizeof(where), "missing attribute type %u", type);
	}

	if (where[0] && buf[0])
		appendf(buf, size, " (%s)", where);
	else if (where[0])
		snprintf(buf, size, "%s", where);
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct request *req = arg;

	(void)nla;
	req->status = err->error < 0 ? err->error : -EPROTO;
	extack_describe(nlh, nlmsg_hdr(req->msg), req->why, sizeof(req->why));
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	char warning[sizeof(req->why)];

	/* A successful request may still carry a warning. */
	extack_describe(nlmsg_hdr(msg), nlmsg_hdr(req->msg), warning, sizeof(warning));
	if (warning[0])
		fprintf(stderr, PROG_NAME ": Warning: %s\n", warning);
	req->status = 0;
	return NL_STOP;
}

/* End of a dump; an error found while dumping comes here too. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request *req = arg;
	int err = 0;

	if (nlmsg_datalen(nlh) >= (int)sizeof(err))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		req->status = err;
		extack_describe(nlh, nlmsg_hdr(req->msg), req->why, sizeof(req->why));
	} else {
		req->status = 0;
	}
	return NL_STOP;
}

static int reply_error(struct request *req, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record what is wrong with a reply; the first problem is the one reported. */
static int reply_error(struct request *req, int err, const char *fmt, ...)
{
	va_list ap;

	if (!req->reply_err) {
		va_start(ap, fmt);
		vsnprintf(req->why, sizeof(req->why), fmt, ap);
		va_end(ap);
		req->reply_err = err;
	}
	return err;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KSMCTL_A_MAX + 1];
	struct request *req = arg;
	int ret;

	++req->replies;
	/* After a bad reply keep reading, so the socket ends in a clean state. */
	if (req->reply_err)
		return NL_SKIP;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSMCTL_A_MAX, attr_policy);
	if (ret < 0) {
		reply_error(req, -EPROTO, "Malformed reply: %s", nl_geterror(ret));
		return NL_SKIP;
	}
	ret = req->reply(req, tb);
	if (ret < 0 && !req->reply_err)
		req->reply_err = ret;
	return NL_OK;
}

static struct nl_msg *request_new(struct ipc *ipc, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipc->family, 0, flags, cmd,
			 KSMCTL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Send req->msg and feed every reply to req->reply until the kernel's ACK
 * (doit) or NLMSG_DONE (dump, NLM_F_DUMP). Prints the error, if any.
 */
static int request_run(struct ipc *ipc, struct request *req)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		print_error(req->action, NULL, ENOMEM);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, req);

	req->status = 1;
	ret = nl_send_auto(ipc->sk, req->msg);
	if (ret < 0) {
		req->status = -nlerr_to_errno(ret);
		snprintf(req->why, sizeof(req->why), "%s", nl_geterror(ret));
		print_error(req->action, req->why, 0);
		goto out;
	}
	while (req->status > 0) {
		ret = nl_recvmsgs(ipc->sk, cb);
		if (ret < 0 && req->status > 0) {
			req->status = -nlerr_to_errno(ret);
			snprintf(req->why, sizeof(req->why), "%s", nl_geterror(ret));
			print_error(req->action, req->why, 0);
			goto out;
		}
	}
	if (!req->status && req->reply_err)
		req->status = req->reply_err;
	if (req->status < 0)
		print_error(req->action, req->why, -req->status);
out:
	nl_cb_put(cb);
	return req->status;
}

/* Connect ipc->sk to generic netlink, with extended acks where the kernel has them. */
static int socket_open(struct ipc *ipc)
{
	int ret, one = 1;

	ipc->sk = nl_socket_alloc();
	if (!ipc->sk) {
		print_error("open a netlink socket", NULL, ENOMEM);
		return -ENOMEM;
	}
	ret = genl_connect(ipc->sk);
	if (ret < 0) {
		print_error("open a netlink socket", nl_geterror(ret), 0);
		nl_socket_free(ipc->sk);
		ipc->sk = NULL;
		return -nlerr_to_errno(ret);
	}
	/* Best effort: kernels before 4.12 have no extended acks. */
	setsockopt(nl_socket_get_fd(ipc->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ipc->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Let libnl size its buffer to each message, dumps can be large. */
	nl_socket_enable_msg_peek(ipc->sk);
	return 0;
}

int ipc_open(struct ipc **ipcp, unsigned int flags)
{
	struct ipc *ipc;
	int ret;

	*ipcp = NULL;
	ipc = calloc(1, sizeof(*ipc));
	if (!ipc) {
		print_error("open a netlink socket", NULL, ENOMEM);
		return -ENOMEM;
	}
	ret = socket_open(ipc);
	if (ret)
		goto err_free;

	ret = genl_ctrl_resolve(ipc->sk, KSMCTL_GENL_NAME);
	if (ret == -NLE_OBJ_NOTFOUND) {
		if (!(flags & IPC_QUIET_NOT_LOADED))
			fputs(PROG_NAME ": ksmctl kernel module is not loaded (try: modprobe ksmctl)\n",
			      stderr);
		ret = -ENOENT;
		goto err_socket;
	}
	if (ret < 0) {
		print_error("resolve generic netlink family `" KSMCTL_GENL_NAME "'",
			    nl_geterror(ret), 0);
		ret = -nlerr_to_errno(ret);
		goto err_socket;
	}
	ipc->family = ret;
	*ipcp = ipc;
	return 0;

err_socket:
	nl_socket_free(ipc->sk);
err_free:
	free(ipc);
	return ret;
}

void ipc_close(struct ipc *ipc)
{
	if (!ipc)
		return;
	nl_socket_free(ipc->sk);
	free(ipc);
}

static int parse_status(struct request *req, struct nlattr *tb[])
{
	static const enum ksmctl_status_attr required[] = {
		KSMCTL_A_STATUS_PAGE_SIZE,
		KSMCTL_A_STATUS_RUN,
		KSMCTL_A_STATUS_PAGES_SHARED,
		KSMCTL_A_STATUS_PAGES_SHARING,
		KSMCTL_A_STATUS_PAGES_UNSHARED,
		KSMCTL_A_STATUS_PAGES_VOLATILE,
		KSMCTL_A_STATUS_FULL_SCANS,
		KSMCTL_A_STATUS_PAGES_TO_SCAN,
		KSMCTL_A_STATUS_SLEEP_MSECS,
	};
	struct nlattr *s[KSMCTL_A_STATUS_MAX + 1];
	struct ksmctl_status *st = req->arg;
	unsigned int i;
	int ret;

	if (req->replies > 1)
		return reply_error(req, -EPROTO, "More than one reply");
	if (!tb[KSMCTL_A_VERSION])
		return reply_error(req, -EPROTO, "Reply lacks KSMCTL_A_VERSION");
	if (!tb[KSMCTL_A_STATUS])
		return reply_error(req, -EPROTO, "Reply lacks KSMCTL_A_STATUS");
	ret = nla_parse_nested(s, KSMCTL_A_STATUS_MAX, tb[KSMCTL_A_STATUS], status_policy);
	if (ret < 0)
		return reply_error(req, -EPROTO, "Malformed KSMCTL_A_STATUS: %s", nl_geterror(ret));
	for (i = 0; i < sizeof(required) / sizeof(required[0]); ++i) {
		if (!s[required[i]])
			return reply_error(req, -EPROTO, "Reply lacks %s",
					   status_attr_names[required[i]]);
	}

	nla_strlcpy(st->module_version, tb[KSMCTL_A_VERSION], sizeof(st->module_version));
	st->page_size = nla_get_u32(s[KSMCTL_A_STATUS_PAGE_SIZE]);
	st->run = nla_get_u32(s[KSMCTL_A_STATUS_RUN]);
	st->pages_shared = nla_get_u64(s[KSMCTL_A_STATUS_PAGES_SHARED]);
	st->pages_sharing = nla_get_u64(s[KSMCTL_A_STATUS_PAGES_SHARING]);
	st->pages_unshared = nla_get_u64(s[KSMCTL_A_STATUS_PAGES_UNSHARED]);
	st->pages_volatile = nla_get_u64(s[KSMCTL_A_STATUS_PAGES_VOLATILE]);
	st->full_scans = nla_get_u64(s[KSMCTL_A_STATUS_FULL_SCANS]);
	st->pages_to_scan = nla_get_u64(s[KSMCTL_A_STATUS_PAGES_TO_SCAN]);
	st->sleep_millisecs = nla_get_u64(s[KSMCTL_A_STATUS_SLEEP_MSECS]);
	/* The module leaves out what the running kernel does not have. */
	if (s[KSMCTL_A_STATUS_MAX_PAGE_SHARING])
		st->max_page_sharing = nla_get_u64(s[KSMCTL_A_STATUS_MAX_PAGE_SHARING]);
	if (s[KSMCTL_A_STATUS_GENERAL_PROFIT])
		st->general_profit = nla_get_s64(s[KSMCTL_A_STATUS_GENERAL_PROFIT]);
	if (s[KSMCTL_A_STATUS_ZERO_PAGES])
		st->zero_pages = nla_get_u64(s[KSMCTL_A_STATUS_ZERO_PAGES]);
	if (s[KSMCTL_A_STATUS_STABLE_NODE_CHAINS])
		st->stable_node_chains = nla_get_u64(s[KSMCTL_A_STATUS_STABLE_NODE_CHAINS]);

	st->present = 0;
	for (i = KSMCTL_A_STATUS_PAGE_SIZE; i <= KSMCTL_A_STATUS_MAX; ++i) {
		if (s[i])
			status_set_present(st, i);
	}
	return 0;
}

int ipc_get_status(struct ipc *ipc, struct ksmctl_status *st)
{
	struct request req = {
		.action = "get KSM status",
		.reply = parse_status,
		.arg = st,
	};
	int ret;

	memset(st, 0, sizeof(*st));
	req.msg = request_new(ipc, KSMCTL_CMD_GET_STATUS, 0);
	if (!req.msg) {
		print_error(req.action, NULL, ENOMEM);
		return -ENOMEM;
	}
	ret = request_run(ipc, &req);
	if (!ret && !req.replies) {
		print_error(req.action, "No reply from the kernel", EPROTO);
		ret = -EPROTO;
	}
	nlmsg_free(req.msg);
	return ret;
}
