// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <inttypes.h>
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

#include "decode.h"
#include "ipc.h"
#include "options.h"
#include "procs.h"
#include "ruleset.h"
#include "wire.h"

/* What one receive can take; see socket_open(). */
#define RECV_BUF_SIZE 65536

struct ipc {
	struct nl_sock *sk;
	int family;
};

struct request;
typedef int (*reply_fn)(struct request *req, struct nlattr *tb[]);

/* The extended ack of an error, in parts. */
struct extack_info {
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	char where[96];		/* "attribute KSMCTL_A_PID", "missing attribute ..." */
	int attr;		/* type of the request attribute pointed at, or -1 */
};

/* One request and the state of its replies, shared with the callbacks. */
struct request {
	struct nl_msg *msg;	/* kept to resolve NLMSGERR_ATTR_OFFS */
	char action[320];	/* "Unable to <action>" */
	reply_fn reply;		/* called for every reply message */
	void *arg;
	unsigned int replies;
	int status;		/* 1 while waiting, then 0 or -errno */
	int reply_err;		/* first error returned by @reply */
	bool local;		/* the failure is libnl's: @why without an errno */
	bool pid_style;		/* explain as in "Unable to mark pid 42: no such process" */
	bool quiet;		/* leave the report to the caller: @detail */
	const char *changed;	/* why a dump flagged NLM_F_DUMP_INTR is not whole */
	struct extack_info ext;	/* the kernel's explanation, if any */
	char why[256];		/* extack text, or what is wrong with a reply */
	char detail[384];	/* what follows "Unable to <action>: " */
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
	ATTR_NAME(KSMCTL_A_RANGE_START),
	ATTR_NAME(KSMCTL_A_RANGE_END),
	ATTR_NAME(KSMCTL_A_CLASSES),
	ATTR_NAME(KSMCTL_A_MARK),
	ATTR_NAME(KSMCTL_A_RULE),
	ATTR_NAME(KSMCTL_A_EVENT),
};

#define EXACT(t, len) { .type = (t), .minlen = (len), .maxlen = (len) }
#define U32 EXACT(NLA_U32, sizeof(uint32_t))
#define U64 EXACT(NLA_U64, sizeof(uint64_t))
#define S64 EXACT(NLA_S64, sizeof(int64_t))

static struct nla_policy attr_policy[KSMCTL_A_MAX + 1] = {
	[KSMCTL_A_VERSION]	= { .type = NLA_STRING, .maxlen = KSMCTL_MODULE_VERSION_MAX },
	[KSMCTL_A_FLAGS]	= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_STATUS]	= { .type = NLA_NESTED },
	[KSMCTL_A_PID]		= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_PROC]		= { .type = NLA_NESTED },
	[KSMCTL_A_VMA]		= { .type = NLA_NESTED },
	[KSMCTL_A_RANGE_START]	= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_RANGE_END]	= EXACT(NLA_U64, sizeof(uint64_t)),
	[KSMCTL_A_CLASSES]	= EXACT(NLA_U32, sizeof(uint32_t)),
	[KSMCTL_A_MARK]		= { .type = NLA_NESTED },
	[KSMCTL_A_RULE]		= { .type = NLA_NESTED },
	[KSMCTL_A_EVENT]	= { .type = NLA_NESTED },
};

/* The nests of replies, as the tool reads them (decode.h). */

static struct nla_policy status_policy[KSMCTL_A_STATUS_MAX + 1];
static const struct field status_fields[KSMCTL_A_STATUS_MAX + 1] = {
	FIELD(KSMCTL_A_STATUS_PAGE_SIZE, FIELD_U32, true, struct ksmctl_status, page_size),
	FIELD(KSMCTL_A_STATUS_RUN, FIELD_U32, true, struct ksmctl_status, run),
	FIELD(KSMCTL_A_STATUS_PAGES_SHARED, FIELD_U64, true, struct ksmctl_status, pages_shared),
	FIELD(KSMCTL_A_STATUS_PAGES_SHARING, FIELD_U64, true, struct ksmctl_status, pages_sharing),
	FIELD(KSMCTL_A_STATUS_PAGES_UNSHARED, FIELD_U64, true, struct ksmctl_status, pages_unshared),
	FIELD(KSMCTL_A_STATUS_PAGES_VOLATILE, FIELD_U64, true, struct ksmctl_status, pages_volatile),
	FIELD(KSMCTL_A_STATUS_FULL_SCANS, FIELD_U64, true, struct ksmctl_status, full_scans),
	FIELD(KSMCTL_A_STATUS_PAGES_TO_SCAN, FIELD_U64, true, struct ksmctl_status, pages_to_scan),
	FIELD(KSMCTL_A_STATUS_SLEEP_MSECS, FIELD_U64, true, struct ksmctl_status, sleep_millisecs),
	/* the module leaves out what the running kernel does not have */
	FIELD(KSMCTL_A_STATUS_MAX_PAGE_SHARING, FIELD_U64, false, struct ksmctl_status, max_page_sharing),
	FIELD(KSMCTL_A_STATUS_GENERAL_PROFIT, FIELD_S64, false, struct ksmctl_status, general_profit),
	FIELD(KSMCTL_A_STATUS_ZERO_PAGES, FIELD_U64, false, struct ksmctl_status, zero_pages),
	FIELD(KSMCTL_A_STATUS_STABLE_NODE_CHAINS, FIELD_U64, false, struct ksmctl_status, stable_node_chains),
};
static const struct decoder status_decoder = {
	"KSMCTL_A_STATUS", KSMCTL_A_STATUS_MAX, status_fields,
	offsetof(struct ksmctl_status, present), status_policy,
};

static struct nla_policy proc_policy[KSMCTL_A_PROC_MAX + 1];
/* FIELD() of a PROC_FIGURES line */
#define PROC_FIG_FIELD(A, m, type, unit, req, json, label)				\
	[KSMCTL_A_PROC_##A] = { "KSMCTL_A_PROC_" #A, PROC_FIG_FIELD_##type, req, 0,		\
				offsetof(struct ksmctl_proc, m),				\
				sizeof(((struct ksmctl_proc *)0)->m), -1 },
#define PROC_FIG_FIELD_u32	FIELD_U32
#define PROC_FIG_FIELD_u64	FIELD_U64
#define PROC_FIG_FIELD_s64	FIELD_S64
#define PROC_FIG_FIELD_flag	FIELD_U8

static const struct field proc_fields[KSMCTL_A_PROC_MAX + 1] = {
	FIELD(KSMCTL_A_PROC_PID, FIELD_U32, true, struct ksmctl_proc, pid),
	FIELD(KSMCTL_A_PROC_PPID, FIELD_U32, true, struct ksmctl_proc, ppid),
	FIELD_S(KSMCTL_A_PROC_COMM, FIELD_STR, true, PROC_COMM_MAX, struct ksmctl_proc, comm),
	FIELD(KSMCTL_A_PROC_UID, FIELD_U32, true, struct ksmctl_proc, uid),
	FIELD(KSMCTL_A_PROC_CGROUP_ID, FIELD_U64, true, struct ksmctl_proc, cgroup_id),
	FIELD_S(KSMCTL_A_PROC_CGROUP_PATH, FIELD_STRDUP, true, PROC_PATH_MAX, struct ksmctl_proc,
		cgroup_path),
	/* the figures; the module leaves out what the kernel does not count */
	PROC_FIGURES(PROC_FIG_FIELD)
};
static const struct decoder proc_decoder = {
	"KSMCTL_A_PROC", KSMCTL_A_PROC_MAX, proc_fields,
	offsetof(struct ksmctl_proc, present), proc_policy,
};

static struct nla_policy vma_policy[KSMCTL_A_VMA_MAX + 1];
static const struct field vma_fields[KSMCTL_A_VMA_MAX + 1] = {
	FIELD(KSMCTL_A_VMA_START, FIELD_U64, true, struct ksmctl_vma, start),
	FIELD(KSMCTL_A_VMA_END, FIELD_U64, true, struct ksmctl_vma, end),
	FIELD(KSMCTL_A_VMA_FLAGS, FIELD_U32, true, struct ksmctl_vma, flags),
	FIELD_S(KSMCTL_A_VMA_NAME, FIELD_STRDUP, false, PROC_PATH_MAX, struct ksmctl_vma, name),
	FIELD(KSMCTL_A_VMA_KSM_PAGES, FIELD_U64, true, struct ksmctl_vma, ksm_pages),
};
static const struct decoder vma_decoder = {
	"KSMCTL_A_VMA", KSMCTL_A_VMA_MAX, vma_fields, -1, vma_policy,
};

static struct nla_policy mark_policy[KSMCTL_A_MARK_MAX + 1];
static const struct field mark_fields[KSMCTL_A_MARK_MAX + 1] = {
	FIELD(KSMCTL_A_MARK_PROCESSES, FIELD_U32, true, struct ksmctl_mark_result, processes),
	FIELD(KSMCTL_A_MARK_VMAS, FIELD_U32, true, struct ksmctl_mark_result, vmas),
	FIELD(KSMCTL_A_MARK_BYTES, FIELD_U64, true, struct ksmctl_mark_result, bytes),
	FIELD(KSMCTL_A_MARK_ALREADY_VMAS, FIELD_U32, true, struct ksmctl_mark_result, already_vmas),
	FIELD(KSMCTL_A_MARK_ALREADY_BYTES, FIELD_U64, true, struct ksmctl_mark_result,
	      already_bytes),
	[KSMCTL_A_MARK_SKIPPED] = { "KSMCTL_A_MARK_SKIPPED", FIELD_NESTED, false, 0, 0, 0, -1 },
	FIELD(KSMCTL_A_MARK_INTERRUPTED, FIELD_FLAG, false, struct ksmctl_mark_result, interrupted),
	FIELD_HAS(KSMCTL_A_MARK_FAILED_PROCESSES, FIELD_U32, struct ksmctl_mark_result,
		  failed_processes, has_failed_processes),
};
static const struct decoder mark_decoder = {
	"KSMCTL_A_MARK", KSMCTL_A_MARK_MAX, mark_fields, -1, mark_policy,
};

static struct nla_policy rule_policy[KSMCTL_A_RULE_MAX + 1];
static const struct field rule_fields[KSMCTL_A_RULE_MAX + 1] = {
	FIELD(KSMCTL_A_RULE_ID, FIELD_U32, true, struct ksmctl_rule, id),
	FIELD(KSMCTL_A_RULE_ACTION, FIELD_U32, true, struct ksmctl_rule, action),
	FIELD(KSMCTL_A_RULE_FLAGS, FIELD_U32, false, struct ksmctl_rule, flags),
	FIELD_HAS(KSMCTL_A_RULE_PID, FIELD_U32, struct ksmctl_rule, pid, has_pid),
	FIELD_S(KSMCTL_A_RULE_CGROUP, FIELD_STR, false, RULE_PATH_MAX, struct ksmctl_rule, cgroup),
	FIELD_S(KSMCTL_A_RULE_EXE, FIELD_STR, false, RULE_PATH_MAX, struct ksmctl_rule, exe),
	FIELD_S(KSMCTL_A_RULE_COMM, FIELD_STR, false, RULE_COMM_MAX, struct ksmctl_rule, comm),
	FIELD_HAS(KSMCTL_A_RULE_UID, FIELD_U32, struct ksmctl_rule, uid, has_uid),
	FIELD(KSMCTL_A_RULE_HITS, FIELD_U64, false, struct ksmctl_rule, hits),
};
static const struct decoder rule_decoder = {
	"KSMCTL_A_RULE", KSMCTL_A_RULE_MAX, rule_fields, -1, rule_policy,
};

static struct nla_policy event_policy[KSMCTL_A_EVENT_MAX + 1];
static const struct field event_fields[KSMCTL_A_EVENT_MAX + 1] = {
	FIELD(KSMCTL_A_EVENT_RULE_ID, FIELD_U32, false, struct ksmctl_event, rule_id),
	FIELD(KSMCTL_A_EVENT_ACTION, FIELD_U32, false, struct ksmctl_event, action),
	FIELD(KSMCTL_A_EVENT_PID, FIELD_U32, false, struct ksmctl_event, pid),
	FIELD_S(KSMCTL_A_EVENT_COMM, FIELD_STR, false, RULE_COMM_MAX, struct ksmctl_event, comm),
	FIELD(KSMCTL_A_EVENT_VMAS, FIELD_U32, false, struct ksmctl_event, vmas),
	FIELD(KSMCTL_A_EVENT_BYTES, FIELD_U64, false, struct ksmctl_event, bytes),
};
static const struct decoder event_decoder = {
	"KSMCTL_A_EVENT", KSMCTL_A_EVENT_MAX, event_fields, -1, event_policy,
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
static int describe_offset(const struct nlmsghdr *request, uint32_t offs, char *buf, size_t size)
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
			return nla_type(nla);
		}
	}
	snprintf(buf, size, "attribute at offset %u", offs);
	return -1;
}

/*
 * Split the extended ack of an NLMSG_ERROR (also a plain ACK) or NLMSG_DONE
 * message @nlh into @ext: the kernel's NLMSGERR_ATTR_MSG text, and the
 * request attribute that NLMSGERR_ATTR_OFFS or NLMSGERR_ATTR_MISS_TYPE
 * points at. @request is our copy of the request (the kernel echoes it only
 * when the ack is not NLM_F_CAPPED). Both are empty when there is no extack.
 */
static void extack_parse(const struct nlmsghdr *nlh, const struct nlmsghdr *request,
			 struct extack_info *ext)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	char *buf = ext->msg, *where = ext->where;
	size_t size = sizeof(ext->msg);
	size_t offs;

	buf[0] = '\0';
	where[0] = '\0';
	ext->attr = -1;
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
		ext->attr = describe_offset(request, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]), where,
					    sizeof(ext->where));
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= (int)sizeof(uint32_t)) {
		uint32_t type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
		const char *name = tb[NLMSGERR_ATTR_MISS_NEST] ? NULL : attr_name((int)type);

		if (name)
			snprintf(where, sizeof(ext->where), "missing attribute %s", name);
		else
			snprintf(where, sizeof(ext->where), "missing attribute type %u", type);
	}
}

/* Both parts of @ext in one line: "message (attribute KSMCTL_A_FLAGS)". */
static void extack_join(const struct extack_info *ext, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ext->msg[0] ? ext->msg : ext->where);
	if (ext->where[0] && ext->msg[0])
		appendf(buf, size, " (%s)", ext->where);
}

/*
 * Put the extended ack of @nlh into @buf as one line, empty when there is
 * none; see extack_parse().
 */
static void extack_describe(const struct nlmsghdr *nlh, const struct nlmsghdr *request,
			    char *buf, size_t size)
{
	struct extack_info ext;

	extack_parse(nlh, request, &ext);
	extack_join(&ext, buf, size);
}

/*
 * strerror() for the middle of a sentence: "no such process", "permission
 * denied" (EPERM and EACCES alike), "cannot allocate memory".
 */
static void errno_text(int errnum, char *buf, size_t size)
{
	if (errnum == EPERM || errnum == EACCES) {
		snprintf(buf, size, "permission denied");
		return;
	}
	snprintf(buf, size, "%s", strerror(errnum));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/*
 * What follows "Unable to <action>: " when @req failed with @errnum.
 *
 * Plain style, as everywhere: "<extack or reply problem>: <strerror>".
 * Pid style, for requests about one process: the kernel's message alone,
 * since it says what went wrong ("no such process"), without the pointer to
 * KSMCTL_A_PID, which the action names already; the errno text is added only
 * for errors the message may not explain (ENOMEM...). Without a message, the
 * errno text: "permission denied".
 */
static void request_detail(struct request *req, int errnum)
{
	char *buf = req->detail;
	size_t size = sizeof(req->detail);
	struct extack_info *ext = &req->ext;
	char text[128];

	if (req->local) {
		snprintf(buf, size, "%s", req->why);
		return;
	}
	if (!req->pid_style) {
		if (req->why[0])
			snprintf(buf, size, "%s: %s", req->why, strerror(errnum));
		else
			snprintf(buf, size, "%s", strerror(errnum));
		return;
	}

	errno_text(errnum, text, sizeof(text));
	if (ext->msg[0]) {
		bool plain = errnum == ESRCH || errnum == EPERM || errnum == EACCES ||
			     errnum == EINVAL || errnum == EINTR;

		snprintf(buf, size, "%s", ext->msg);
		if (ext->where[0] && ext->attr != KSMCTL_A_PID)
			appendf(buf, size, " (%s)", ext->where);
		if (!plain)
			appendf(buf, size, ": %s", strerror(errnum));
	} else if (ext->where[0]) {
		snprintf(buf, size, "%s: %s", ext->where, text);
	} else if (req->why[0]) {
		snprintf(buf, size, "%s: %s", req->why, strerror(errnum));
	} else {
		snprintf(buf, size, "%s", text);
	}
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct request *req = arg;

	(void)nla;
	req->status = err->error < 0 ? err->error : -EPROTO;
	extack_parse(nlh, nlmsg_hdr(req->msg), &req->ext);
	extack_join(&req->ext, req->why, sizeof(req->why));
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
		extack_parse(nlh, nlmsg_hdr(req->msg), &req->ext);
		extack_join(&req->ext, req->why, sizeof(req->why));
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

/* Nest @a of a reply into @out, through @d; a reply_error() if it is not right. */
static int reply_nest(struct request *req, const struct decoder *d, struct nlattr *a, void *out)
{
	char why[sizeof(req->why)];
	int ret = decode_nest(d, a, out, why, sizeof(why));

	if (ret)
		return reply_error(req, ret, "%s", why);
	return 0;
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

/* Record and, unless req->quiet, print why @req failed with status -@errnum. */
static void request_fail(struct request *req, int errnum)
{
	request_detail(req, errnum);
	if (!req->quiet)
		print_error(req->action, req->detail, 0);
}

/*
 * Send req->msg and feed every reply to req->reply until the kernel's ACK
 * (doit) or NLMSG_DONE (dump, NLM_F_DUMP). Prints the error, if any, unless
 * req->quiet; req->detail has it either way.
 */
static int request_run(struct ipc *ipc, struct request *req)
{
	struct nl_cb *cb, *sk_cb;
	int ret;

	/* The socket's callbacks: NLCB=debug works, and tests can stand in for the kernel. */
	sk_cb = nl_socket_get_cb(ipc->sk);
	cb = sk_cb ? nl_cb_clone(sk_cb) : NULL;
	nl_cb_put(sk_cb);
	if (!cb) {
		req->status = -ENOMEM;
		request_fail(req, ENOMEM);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, req);

	req->status = 1;
	req->ext = (struct extack_info){ .attr = -1 };
	ret = nl_send_auto(ipc->sk, req->msg);
	if (ret < 0) {
		req->status = -nlerr_to_errno(ret);
		req->local = true;
		snprintf(req->why, sizeof(req->why), "%s", nl_geterror(ret));
		request_fail(req, -req->status);
		goto out;
	}
	while (req->status > 0) {
		ret = nl_recvmsgs(ipc->sk, cb);
		if (ret == -NLE_DUMP_INTR) {
			/* the dump ended, flagged: what came is not the whole answer */
			req->status = -EAGAIN;
			req->local = true;
			snprintf(req->why, sizeof(req->why), "%s",
				 req->changed ?: "the answer changed while it was read");
			request_fail(req, EAGAIN);
			goto out;
		}
		if (ret < 0 && req->status > 0) {
			req->status = -nlerr_to_errno(ret);
			req->local = true;
			snprintf(req->why, sizeof(req->why), "%s", nl_geterror(ret));
			request_fail(req, -req->status);
			goto out;
		}
	}
	if (!req->status && req->reply_err)
		req->status = req->reply_err;
	if (req->status < 0)
		request_fail(req, -req->status);
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
	/*
	 * One read per message buffer, into 64 KiB, instead of a peek at its
	 * size and a second read: the kernel's dump buffers are at most 32 KiB
	 * and our replies far smaller. libnl reports a longer one as
	 * NLE_MSG_TRUNC rather than dropping part of it.
	 */
	nl_socket_disable_msg_peek(ipc->sk);
	nl_socket_set_msg_buf_size(ipc->sk, RECV_BUF_SIZE);
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
	struct ksmctl_status *st = req->arg;

	if (req->replies > 1)
		return reply_error(req, -EPROTO, "More than one reply");
	if (!tb[KSMCTL_A_VERSION])
		return reply_error(req, -EPROTO, "Reply lacks KSMCTL_A_VERSION");
	nla_strlcpy(st->module_version, tb[KSMCTL_A_VERSION], sizeof(st->module_version));
	return reply_nest(req, &status_decoder, tb[KSMCTL_A_STATUS], st);
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

/* The KSMCTL_A_PROC nest of a reply into @p; p->cgroup_path is malloc()ed. */
static int parse_proc(struct request *req, struct nlattr *tb[], struct ksmctl_proc *p)
{
	memset(p, 0, sizeof(*p));
	return reply_nest(req, &proc_decoder, tb[KSMCTL_A_PROC], p);
}

/* GET_PROC doit: exactly one reply, into req->arg. */
static int parse_proc_reply(struct request *req, struct nlattr *tb[])
{
	struct ksmctl_proc *p = req->arg;
	struct ksmctl_proc tmp;
	int ret;

	if (req->replies > 1)
		return reply_error(req, -EPROTO, "More than one reply");
	ret = parse_proc(req, tb, &tmp);
	if (ret) {
		proc_release(&tmp);
		return ret;
	}
	*p = tmp;
	return 0;
}

/* GET_PROC dump: one process per message, appended to req->arg. */
static int parse_procs_reply(struct request *req, struct nlattr *tb[])
{
	struct ksmctl_proc p;
	int ret;

	ret = parse_proc(req, tb, &p);
	if (!ret && proc_list_append(req->arg, &p))
		ret = reply_error(req, -ENOMEM, "Out of memory");
	if (ret)
		proc_release(&p);
	return ret;
}

/* GET_VMAS dump: one VMA per message, appended to req->arg. */
static int parse_vma_reply(struct request *req, struct nlattr *tb[])
{
	struct ksmctl_vma v = { 0 };
	int ret;

	ret = reply_nest(req, &vma_decoder, tb[KSMCTL_A_VMA], &v);
	if (!ret && v.end < v.start)
		ret = reply_error(req, -EPROTO, "VMA ends before it starts");
	if (!ret && vma_list_append(req->arg, &v))
		ret = reply_error(req, -ENOMEM, "Out of memory");
	if (ret)
		free(v.name);
	return ret;
}

/* The skip counts of a MARK reply into @res: every one a u32. */
static int parse_skipped(struct request *req, struct nlattr *skipped,
			 struct ksmctl_mark_result *res)
{
	struct nlattr *nla;
	int rem;

	memset(res->skipped, 0, sizeof(res->skipped));
	if (!skipped)
		return 0;
	nla_for_each_nested(nla, skipped, rem) {
		int type = nla_type(nla);

		if (nla_len(nla) != sizeof(uint32_t))
			return reply_error(req, -EPROTO,
					   "Malformed KSMCTL_A_MARK_SKIPPED: count of reason %d is not a u32",
					   type);
		/* Reasons of a newer module are counted under [0]. */
		if (type <= KSMCTL_SKIP_UNSPEC || type > KSMCTL_SKIP_MAX)
			type = 0;
		res->skipped[type] += nla_get_u32(nla);
	}
	return 0;
}

/* MARK/UNMARK: exactly one reply, into req->arg (untouched if it is not right). */
static int parse_mark_reply(struct request *req, struct nlattr *tb[])
{
	struct ksmctl_mark_result *res = req->arg, tmp = *res;
	struct nlattr *a[KSMCTL_A_MARK_MAX + 1];
	int ret;

	if (req->replies > 1)
		return reply_error(req, -EPROTO, "More than one reply");
	tmp.interrupted = tmp.has_failed_processes = false;
	tmp.failed_processes = 0;
	ret = reply_nest(req, &mark_decoder, tb[KSMCTL_A_MARK], &tmp);
	if (ret)
		return ret;
	/* checked by the decoder: the skip counts are read here */
	if (nla_parse_nested(a, KSMCTL_A_MARK_MAX, tb[KSMCTL_A_MARK], mark_policy) < 0)
		return reply_error(req, -EPROTO, "Malformed KSMCTL_A_MARK");
	ret = parse_skipped(req, a[KSMCTL_A_MARK_SKIPPED], &tmp);
	if (!ret)
		*res = tmp;
	return ret;
}

/* A request for @cmd with @nlflags, or NULL after printing the error. */
static struct nl_msg *request_alloc(struct ipc *ipc, struct request *req, uint8_t cmd, int nlflags)
{
	req->msg = request_new(ipc, cmd, nlflags);
	if (!req->msg) {
		req->status = -ENOMEM;
		request_fail(req, ENOMEM);
	}
	return req->msg;
}

/* Put a request attribute; only a bug makes the small messages overflow. */
static int put_failed(struct request *req)
{
	req->local = true;
	snprintf(req->why, sizeof(req->why), "Request too large");
	req->status = -EMSGSIZE;
	request_fail(req, EMSGSIZE);
	return -EMSGSIZE;
}

int ipc_get_proc(struct ipc *ipc, uint32_t pid, uint32_t flags, struct ksmctl_proc *p)
{
	struct request req = {
		.reply = parse_proc_reply,
		.arg = p,
		.pid_style = true,
	};
	int ret;

	memset(p, 0, sizeof(*p));
	snprintf(req.action, sizeof(req.action), "get pid %" PRIu32, pid);
	if (!request_alloc(ipc, &req, KSMCTL_CMD_GET_PROC, 0))
		return -ENOMEM;
	if (nla_put_u32(req.msg, KSMCTL_A_PID, pid) < 0 ||
	    (flags && nla_put_u32(req.msg, KSMCTL_A_FLAGS, flags) < 0)) {
		ret = put_failed(&req);
		goto out;
	}
	ret = request_run(ipc, &req);
	if (!ret && !req.replies) {
		print_error(req.action, "No reply from the kernel", EPROTO);
		ret = -EPROTO;
	}
out:
	if (ret)
		proc_release(p);
	nlmsg_free(req.msg);
	return ret;
}

int ipc_get_procs(struct ipc *ipc, uint32_t flags, struct proc_list *list)
{
	struct request req = {
		.action = "list processes",
		.reply = parse_procs_reply,
		.arg = list,
	};
	int ret;

	if (!request_alloc(ipc, &req, KSMCTL_CMD_GET_PROC, NLM_F_DUMP))
		return -ENOMEM;
	if (flags && nla_put_u32(req.msg, KSMCTL_A_FLAGS, flags) < 0)
		ret = put_failed(&req);
	else
		ret = request_run(ipc, &req);
	if (ret)
		proc_list_free(list);
	nlmsg_free(req.msg);
	return ret;
}

int ipc_get_vmas(struct ipc *ipc, uint32_t pid, struct vma_list *list)
{
	struct request req = {
		.reply = parse_vma_reply,
		.arg = list,
		.pid_style = true,
		.changed = "the process exec'd or exited while it was read",
	};
	int ret;

	snprintf(req.action, sizeof(req.action), "list the VMAs of pid %" PRIu32, pid);
	if (!request_alloc(ipc, &req, KSMCTL_CMD_GET_VMAS, NLM_F_DUMP))
		return -ENOMEM;
	if (nla_put_u32(req.msg, KSMCTL_A_PID, pid) < 0)
		ret = put_failed(&req);
	else
		ret = request_run(ipc, &req);
	if (ret)
		vma_list_free(list);
	nlmsg_free(req.msg);
	return ret;
}

int ipc_mark(struct ipc *ipc, const struct ksmctl_mark_req *rq, struct ksmctl_mark_result *res)
{
	struct request req = {
		.reply = parse_mark_reply,
		.arg = res,
		.pid_style = true,
		.quiet = true,
	};
	struct nl_msg *msg;
	int ret;

	memset(res, 0, sizeof(*res));
	res->pid = rq->pid;
	snprintf(req.action, sizeof(req.action), "%s pid %" PRIu32, rq->unmark ? "unmerge" : "mark",
		 rq->pid);
	msg = request_alloc(ipc, &req, rq->unmark ? KSMCTL_CMD_UNMARK : KSMCTL_CMD_MARK, 0);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	if (nla_put_u32(msg, KSMCTL_A_PID, rq->pid) < 0 ||
	    (rq->flags && nla_put_u32(msg, KSMCTL_A_FLAGS, rq->flags) < 0) ||
	    (rq->has_range && (nla_put_u64(msg, KSMCTL_A_RANGE_START, rq->start) < 0 ||
			       nla_put_u64(msg, KSMCTL_A_RANGE_END, rq->end) < 0)) ||
	    (rq->classes && nla_put_u32(msg, KSMCTL_A_CLASSES, rq->classes) < 0)) {
		ret = put_failed(&req);
		goto out;
	}
	ret = request_run(ipc, &req);
	if (!ret && !req.replies) {
		req.local = false;
		snprintf(req.why, sizeof(req.why), "No reply from the kernel");
		ret = -EPROTO;
		request_detail(&req, EPROTO);
	}
out:
	if (ret) {
		struct ksmctl_mark_result failed = { .pid = rq->pid, .err = ret };

		snprintf(failed.error, sizeof(failed.error), "%s", req.detail);
		*res = failed;
	}
	nlmsg_free(req.msg);
	return ret;
}

/* Sticky rules */

static int parse_rule_reply(struct request *req, struct nlattr *tb[])
{
	struct rule_list *l = req->arg;
	struct ksmctl_rule r = { 0 };
	int ret;

	ret = reply_nest(req, &rule_decoder, tb[KSMCTL_A_RULE], &r);
	if (!ret && rule_list_add(l, &r))
		ret = reply_error(req, -ENOMEM, "Out of memory");
	return ret;
}

static int put_rule(struct nl_msg *msg, const struct ksmctl_rule *r)
{
	struct nlattr *nest = nla_nest_start(msg, KSMCTL_A_RULE);

	if (!nest ||
	    nla_put_u32(msg, KSMCTL_A_RULE_ACTION, r->action) < 0 ||
	    (r->flags && nla_put_u32(msg, KSMCTL_A_RULE_FLAGS, r->flags) < 0) ||
	    (r->has_pid && nla_put_u32(msg, KSMCTL_A_RULE_PID, r->pid) < 0) ||
	    (r->has_uid && nla_put_u32(msg, KSMCTL_A_RULE_UID, r->uid) < 0) ||
	    (r->cgroup[0] && nla_put_string(msg, KSMCTL_A_RULE_CGROUP, r->cgroup) < 0) ||
	    (r->exe[0] && nla_put_string(msg, KSMCTL_A_RULE_EXE, r->exe) < 0) ||
	    (r->comm[0] && nla_put_string(msg, KSMCTL_A_RULE_COMM, r->comm) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int ipc_rule_add(struct ipc *ipc, const struct ksmctl_rule *r, uint32_t *id,
		 const char *file)
{
	struct rule_list added = { 0 };
	struct request req = {
		.action = "add rule",
		.reply = parse_rule_reply,
		.arg = &added,
	};
	int ret;

	if (file && r->line)
		snprintf(req.action, sizeof(req.action), "add the rule of %s:%u",
			 file, r->line);

	if (!request_alloc(ipc, &req, KSMCTL_CMD_RULE_ADD, 0))
		return -ENOMEM;
	if (put_rule(req.msg, r))
		ret = put_failed(&req);
	else
		ret = request_run(ipc, &req);
	if (!ret && id)
		*id = added.n ? added.rules[0].id : 0;
	rule_list_free(&added);
	nlmsg_free(req.msg);
	return ret;
}

int ipc_rule_del(struct ipc *ipc, uint32_t id)
{
	struct request req = { .reply = parse_rule_reply };
	struct nlattr *nest;
	int ret;

	snprintf(req.action, sizeof(req.action), "delete rule %" PRIu32, id);
	if (!request_alloc(ipc, &req, KSMCTL_CMD_RULE_DEL, 0))
		return -ENOMEM;
	nest = nla_nest_start(req.msg, KSMCTL_A_RULE);
	if (!nest || nla_put_u32(req.msg, KSMCTL_A_RULE_ID, id) < 0) {
		ret = put_failed(&req);
	} else {
		nla_nest_end(req.msg, nest);
		ret = request_run(ipc, &req);
	}
	nlmsg_free(req.msg);
	return ret;
}

#define RULE_LIST_TRIES 3

/* A list that rules added or deleted meanwhile cut short is read again. */
int ipc_rule_list(struct ipc *ipc, struct rule_list *l)
{
	int ret = -EAGAIN, tries;

	for (tries = 1; ret == -EAGAIN && tries <= RULE_LIST_TRIES; tries++) {
		struct request req = {
			.action = "list rules",
			.reply = parse_rule_reply,
			.arg = l,
			.changed = "the rules changed while they were read",
			.quiet = tries < RULE_LIST_TRIES,
		};

		if (!request_alloc(ipc, &req, KSMCTL_CMD_RULE_GET, NLM_F_DUMP))
			return -ENOMEM;
		ret = request_run(ipc, &req);
		if (ret)
			rule_list_free(l);
		if (ret && ret != -EAGAIN && req.quiet)
			print_error(req.action, req.detail, 0);
		nlmsg_free(req.msg);
	}
	return ret;
}

/* Rule events */

struct monitor_ctx {
	ipc_event_fn fn;
	void *arg;
	int ret;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KSMCTL_A_MAX + 1];
	struct monitor_ctx *ctx = arg;
	struct ksmctl_event ev = { 0 };
	char why[64];

	if (genlmsg_hdr(nlmsg_hdr(msg))->cmd != KSMCTL_CMD_RULE_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSMCTL_A_MAX, attr_policy) < 0 ||
	    decode_nest(&event_decoder, tb[KSMCTL_A_EVENT], &ev, why, sizeof(why)))
		return NL_SKIP;	/* not ours, or from a newer module */
	ctx->ret = ctx->fn(&ev, ctx->arg);
	return ctx->ret ? NL_STOP : NL_OK;
}

int ipc_monitor(struct ipc *ipc, ipc_event_fn fn, void *arg)
{
	struct monitor_ctx ctx = { .fn = fn, .arg = arg };
	int grp, ret;

	grp = genl_ctrl_resolve_grp(ipc->sk, KSMCTL_GENL_NAME, KSMCTL_MCGRP_MONITOR);
	if (grp < 0) {
		print_error("find the multicast group `" KSMCTL_MCGRP_MONITOR "'",
			    nl_geterror(grp), 0);
		return -nlerr_to_errno(grp);
	}
	nl_socket_disable_seq_check(ipc->sk);
	nl_socket_modify_cb(ipc->sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &ctx);
	ret = nl_socket_add_membership(ipc->sk, grp);
	if (ret < 0) {
		print_error("join the multicast group `" KSMCTL_MCGRP_MONITOR "'",
			    nl_geterror(ret), 0);
		return -nlerr_to_errno(ret);
	}
	while (!ctx.ret) {
		ret = nl_recvmsgs_default(ipc->sk);
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN) {
			print_error("receive events", nl_geterror(ret), 0);
			return -nlerr_to_errno(ret);
		}
	}
	return ctx.ret < 0 ? ctx.ret : 0;
}
