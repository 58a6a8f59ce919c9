// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink side of user/ipc.c without a kernel: the extack parser, the
 * error, ack and finish callbacks and the status reply parser are fed
 * messages built here the way the kernel builds them.
 */

#include <unistd.h>

#include "ipc.c"

#include "capture.h"
#include "tap.h"

#define FAMILY 0x20
#define FLAGS_OFFSET (NLMSG_HDRLEN + GENL_HDRLEN)	/* first attribute of a request */

static struct ipc fake_ipc = { .family = FAMILY };

/* GET_STATUS with KSMCTL_A_FLAGS = 1, as a caller might send by mistake. */
static struct nl_msg *make_request(void)
{
	struct nl_msg *msg = request_new(&fake_ipc, KSMCTL_CMD_GET_STATUS, 0);

	if (!msg || nla_put_u32(msg, KSMCTL_A_FLAGS, 1) < 0)
		abort();
	return msg;
}

struct extack {
	const char *text;	/* NLMSGERR_ATTR_MSG */
	bool no_nul;		/* ... without its terminating NUL */
	int64_t offs;		/* NLMSGERR_ATTR_OFFS, if >= 0 */
	int64_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE, if >= 0 */
};

static void put_extack(struct nl_msg *msg, const struct extack *ext)
{
	if (ext->text && nla_put(msg, NLMSGERR_ATTR_MSG,
				 (int)strlen(ext->text) + (ext->no_nul ? 0 : 1), ext->text) < 0)
		abort();
	if (ext->offs >= 0 && nla_put_u32(msg, NLMSGERR_ATTR_OFFS, (uint32_t)ext->offs) < 0)
		abort();
	if (ext->miss_type >= 0 &&
	    nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)ext->miss_type) < 0)
		abort();
}

/*
 * An NLMSG_ERROR answering @request, as netlink_ack() builds it: the original
 * header, then the original payload unless @capped, then the extack TLVs.
 */
static struct nl_msg *make_error(int error, struct nl_msg *request, bool capped, bool tlvs,
				 const struct extack *ext)
{
	struct nlmsghdr *orig = nlmsg_hdr(request);
	struct nlmsgerr e = { .error = error, .msg = *orig };
	int flags = (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0);
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);

	if (!msg || nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO) < 0)
		abort();
	if (!capped && nlmsg_append(msg, nlmsg_data(orig), (size_t)nlmsg_datalen(orig),
				    NLMSG_ALIGNTO) < 0)
		abort();
	if (tlvs)
		put_extack(msg, ext);
	return msg;
}

static const char *describe(struct nl_msg *msg, struct nl_msg *request)
{
	static char buf[256];

	memset(buf, 'x', sizeof(buf));
	extack_describe(nlmsg_hdr(msg), request ? nlmsg_hdr(request) : NULL, buf, sizeof(buf));
	return buf;
}

static void extack_case(int error, bool capped, bool tlvs, struct extack ext,
			const char *want, const char *what)
{
	struct nl_msg *request = make_request();
	struct nl_msg *msg = make_error(error, request, capped, tlvs, &ext);

	is_str(describe(msg, request), want, "%s", what);
	nlmsg_free(msg);
	nlmsg_free(request);
}

static void test_extack(void)
{
	const char *flags_msg = "reserved flags must be zero";

	extack_case(-EINVAL, true, true, (struct extack){ flags_msg, false, FLAGS_OFFSET, -1 },
		    "reserved flags must be zero (attribute KSMCTL_A_FLAGS)",
		    "capped error: message and offending attribute");
	extack_case(-EINVAL, false, true, (struct extack){ flags_msg, false, FLAGS_OFFSET, -1 },
		    "reserved flags must be zero (attribute KSMCTL_A_FLAGS)",
		    "uncapped error: TLVs found after the echoed request");
	extack_case(-EINVAL, false, false, (struct extack){ flags_msg, false, FLAGS_OFFSET, -1 },
		    "", "no NLM_F_ACK_TLVS: no extack");
	extack_case(-EINVAL, true, true, (struct extack){ NULL, false, FLAGS_OFFSET, -1 },
		    "attribute KSMCTL_A_FLAGS", "offset without a message");
	extack_case(-EINVAL, true, true, (struct extack){ flags_msg, false, FLAGS_OFFSET + 4, -1 },
		    "reserved flags must be zero (inside attribute KSMCTL_A_FLAGS)",
		    "offset inside an attribute");
	extack_case(-EINVAL, true, true, (struct extack){ flags_msg, false, 999, -1 },
		    "reserved flags must be zero (attribute at offset 999)",
		    "offset outside the request");
	extack_case(-EINVAL, true, true, (struct extack){ "oops", false, -1, -1 },
		    "oops", "message without an offset");
	extack_case(-EINVAL, true, true, (struct extack){ "no nul", true, -1, -1 },
		    "no nul", "message without its NUL stays within the attribute");
	extack_case(-EINVAL, true, true, (struct extack){ "Missing attribute", false, -1, KSMCTL_A_STATUS },
		    "Missing attribute (missing attribute KSMCTL_A_STATUS)",
		    "missing attribute type is named");
	extack_case(-EINVAL, true, true, (struct extack){ NULL, false, -1, 77 },
		    "missing attribute type 77", "unknown missing attribute type");
	extack_case(-EINVAL, true, true, (struct extack){ NULL, false, -1, -1 },
		    "", "NLM_F_ACK_TLVS without attributes");
}

static void test_error_callback(void)
{
	struct nl_msg *request = make_request();
	struct extack ext = { "reserved flags must be zero", false, FLAGS_OFFSET, -1 };
	struct nl_msg *msg = make_error(-EINVAL, request, false, true, &ext);
	struct request req = { .msg = request, .action = "get KSM status", .status = 1 };
	struct capture c;
	int ret;

	ret = error_cb(NULL, nlmsg_data(nlmsg_hdr(msg)), &req);
	is_int(ret, NL_STOP, "error callback stops reading");
	is_int(req.status, -EINVAL, "error callback records the errno");

	capture_begin(&c);
	print_error(req.action, req.why, -req.status);
	print_error(req.action, "", EPERM);
	print_error("open a netlink socket", "Object not found", 0);
	capture_end(&c);
	is_str(c.err,
	       "ksmctl: Unable to get KSM status: reserved flags must be zero (attribute KSMCTL_A_FLAGS): Invalid argument\n"
	       "ksmctl: Unable to get KSM status: Operation not permitted\n"
	       "ksmctl: Unable to open a netlink socket: Object not found\n",
	       "error lines with and without extack");
	capture_free(&c);
	nlmsg_free(msg);
	nlmsg_free(request);
}

static void test_ack_and_finish(void)
{
	struct nl_msg *request = make_request();
	struct extack warn = { "flags ignored", false, -1, -1 };
	struct nl_msg *ack = make_error(0, request, true, true, &warn);
	struct request req = { .msg = request, .action = "get KSM status", .status = 1 };
	struct nl_msg *done;
	struct capture c;
	int err = -ENOBUFS;

	capture_begin(&c);
	ack_cb(ack, &req);
	capture_end(&c);
	is_int(req.status, 0, "ack callback ends the request successfully");
	is_str(c.err, "ksmctl: Warning: flags ignored\n", "ack with an extack message is a warning");
	capture_free(&c);

	done = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	if (!done || nlmsg_append(done, &err, sizeof(err), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(done, NLMSGERR_ATTR_MSG, "dump failed") < 0)
		abort();
	req.status = 1;
	finish_cb(done, &req);
	is_int(req.status, -ENOBUFS, "NLMSG_DONE carrying an error fails the dump");
	is_str(req.why, "dump failed", "NLMSG_DONE extack message");
	nlmsg_free(done);

	done = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	err = 0;
	if (!done || nlmsg_append(done, &err, sizeof(err), NLMSG_ALIGNTO) < 0)
		abort();
	req.status = 1;
	finish_cb(done, &req);
	is_int(req.status, 0, "plain NLMSG_DONE ends the dump successfully");
	nlmsg_free(done);
	nlmsg_free(ack);
	nlmsg_free(request);
}

/* How make_reply() deviates from a correct GET_STATUS reply. */
struct reply_spec {
	bool optional;		/* add profit, zero pages and stable node chains */
	int omit;		/* status attribute left out */
	int wide;		/* status attribute sent 4 bytes too long */
	bool no_version;
	bool no_status;
	bool version_no_nul;
	bool extra;		/* attributes from a newer module */
};

static void put_u64(struct nl_msg *msg, const struct reply_spec *spec, int type, uint64_t v)
{
	if (type == spec->omit)
		return;
	if (type == spec->wide) {
		uint64_t wide[2] = { v, 0 };

		if (nla_put(msg, type, sizeof(v) + 4, wide) < 0)
			abort();
		return;
	}
	if (nla_put_u64(msg, type, v) < 0)
		abort();
}

static void put_u32(struct nl_msg *msg, const struct reply_spec *spec, int type, uint32_t v)
{
	if (type == spec->omit)
		return;
	if (type == spec->wide) {
		put_u64(msg, &(struct reply_spec){ .omit = -1 }, type, v);
		return;
	}
	if (nla_put_u32(msg, type, v) < 0)
		abort();
}

static struct nl_msg *make_reply(const struct reply_spec *spec)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	if (!msg || !genlmsg_put(msg, 0, 1, FAMILY, 0, 0, KSMCTL_CMD_GET_STATUS, KSMCTL_GENL_VERSION))
		abort();
	if (spec->version_no_nul)
		nla_put(msg, KSMCTL_A_VERSION, 5, "0.1.0");
	else if (!spec->no_version)
		nla_put_string(msg, KSMCTL_A_VERSION, "0.1.0");
	if (spec->extra)
		nla_put_u32(msg, KSMCTL_A_MAX + 1, 7);
	if (!spec->no_status) {
		nest = nla_nest_start(msg, KSMCTL_A_STATUS);
		if (!nest)
			abort();
		put_u32(msg, spec, KSMCTL_A_STATUS_PAGE_SIZE, 4096);
		put_u32(msg, spec, KSMCTL_A_STATUS_RUN, 1);
		put_u64(msg, spec, KSMCTL_A_STATUS_PAGES_SHARED, 3072);
		put_u64(msg, spec, KSMCTL_A_STATUS_PAGES_SHARING, 12288);
		put_u64(msg, spec, KSMCTL_A_STATUS_PAGES_UNSHARED, 500);
		put_u64(msg, spec, KSMCTL_A_STATUS_PAGES_VOLATILE, 1);
		put_u64(msg, spec, KSMCTL_A_STATUS_FULL_SCANS, 7);
		put_u64(msg, spec, KSMCTL_A_STATUS_PAGES_TO_SCAN, 100);
		put_u64(msg, spec, KSMCTL_A_STATUS_SLEEP_MSECS, 20);
		put_u64(msg, spec, KSMCTL_A_STATUS_MAX_PAGE_SHARING, 256);
		if (spec->optional) {
			if (nla_put_s64(msg, KSMCTL_A_STATUS_GENERAL_PROFIT, -12345) < 0)
				abort();
			put_u64(msg, spec, KSMCTL_A_STATUS_ZERO_PAGES, 42);
			put_u64(msg, spec, KSMCTL_A_STATUS_STABLE_NODE_CHAINS, UINT64_MAX);
		}
		if (spec->extra)
			put_u64(msg, spec, KSMCTL_A_STATUS_MAX + 1, 1);
		nla_nest_end(msg, nest);
	}
	return msg;
}

/* Feed the reply for @spec to valid_cb() as the only reply. */
static int parse_reply(struct reply_spec spec, struct ksmctl_status *st, struct request *req)
{
	struct nl_msg *msg = make_reply(&spec);

	memset(st, 0, sizeof(*st));
	*req = (struct request){ .action = "get KSM status", .reply = parse_status, .arg = st };
	valid_cb(msg, req);
	nlmsg_free(msg);
	return req->reply_err;
}

static void test_status_reply(void)
{
	struct ksmctl_status st;
	struct request req;
	struct nl_msg *msg;
	uint64_t required = 0;
	int a;

	for (a = KSMCTL_A_STATUS_PAGE_SIZE; a <= KSMCTL_A_STATUS_MAX_PAGE_SHARING; ++a)
		required |= UINT64_C(1) << a;

	is_int(parse_reply((struct reply_spec){ .omit = -1, .wide = -1 }, &st, &req), 0,
	       "reply without optional counters parses");
	ok(st.page_size == 4096 && st.run == 1 && st.pages_shared == 3072 &&
	   st.pages_sharing == 12288 && st.pages_unshared == 500 && st.pages_volatile == 1 &&
	   st.full_scans == 7 && st.pages_to_scan == 100 && st.sleep_millisecs == 20 &&
	   st.max_page_sharing == 256 && !strcmp(st.module_version, "0.1.0"),
	   "every required counter lands in its field");
	is_u64(st.present, required, "presence bits: required counters only");
	ok(!status_has(&st, KSMCTL_A_STATUS_GENERAL_PROFIT) &&
	   !status_has(&st, KSMCTL_A_STATUS_ZERO_PAGES) &&
	   !status_has(&st, KSMCTL_A_STATUS_STABLE_NODE_CHAINS),
	   "absent optional counters are not present");

	is_int(parse_reply((struct reply_spec){ .optional = true, .omit = -1, .wide = -1 }, &st, &req),
	       0, "reply with optional counters parses");
	ok(st.general_profit == -12345 && st.zero_pages == 42 && st.stable_node_chains == UINT64_MAX,
	   "optional counters land in their fields, profit is signed");
	is_u64(st.present, required | UINT64_C(1) << KSMCTL_A_STATUS_GENERAL_PROFIT |
	       UINT64_C(1) << KSMCTL_A_STATUS_ZERO_PAGES |
	       UINT64_C(1) << KSMCTL_A_STATUS_STABLE_NODE_CHAINS,
	       "presence bits: required and optional counters");

	is_int(parse_reply((struct reply_spec){ .extra = true, .omit = -1, .wide = -1 }, &st, &req), 0,
	       "attributes of a newer module are ignored");

	is_int(parse_reply((struct reply_spec){ .omit = KSMCTL_A_STATUS_MAX_PAGE_SHARING, .wide = -1 },
			   &st, &req),
	       0, "reply without max_page_sharing parses");
	ok(!status_has(&st, KSMCTL_A_STATUS_MAX_PAGE_SHARING) && st.max_page_sharing == 0,
	   "absent max_page_sharing is not present");

	is_int(parse_reply((struct reply_spec){ .omit = KSMCTL_A_STATUS_RUN, .wide = -1 }, &st, &req),
	       -EPROTO, "missing required counter is a protocol error");
	is_str(req.why, "Reply lacks KSMCTL_A_STATUS_RUN", "missing counter is named");

	parse_reply((struct reply_spec){ .no_version = true, .omit = -1, .wide = -1 }, &st, &req);
	is_str(req.why, "Reply lacks KSMCTL_A_VERSION", "missing version is named");
	parse_reply((struct reply_spec){ .no_status = true, .omit = -1, .wide = -1 }, &st, &req);
	is_str(req.why, "Reply lacks KSMCTL_A_STATUS", "missing status nest is named");

	is_int(parse_reply((struct reply_spec){ .omit = -1, .wide = KSMCTL_A_STATUS_RUN }, &st, &req),
	       -EPROTO, "u32 counter of the wrong size is rejected");
	ok(!strncmp(req.why, "Malformed KSMCTL_A_STATUS: ", 27), "wrong size reported: %s", req.why);
	is_int(parse_reply((struct reply_spec){ .omit = -1, .wide = KSMCTL_A_STATUS_FULL_SCANS },
			   &st, &req),
	       -EPROTO, "u64 counter of the wrong size is rejected");
	is_int(parse_reply((struct reply_spec){ .version_no_nul = true, .omit = -1, .wide = -1 },
			   &st, &req),
	       -EPROTO, "version string without NUL is rejected");
	ok(!strncmp(req.why, "Malformed reply: ", 17), "malformed top level reported: %s", req.why);

	/* A second reply to a doit request. */
	parse_reply((struct reply_spec){ .omit = -1, .wide = -1 }, &st, &req);
	msg = make_reply(&(struct reply_spec){ .omit = -1, .wide = -1 });
	valid_cb(msg, &req);
	nlmsg_free(msg);
	is_int(req.reply_err, -EPROTO, "second reply is a protocol error");
	is_str(req.why, "More than one reply", "second reply reported");
}

static int count_replies(struct request *req, struct nlattr *tb[])
{
	(void)tb;
	++*(unsigned int *)req->arg;
	return 0;
}

/* A request to the kernel's own generic netlink controller, always there. */
static int ctrl_request(struct ipc *ipc, uint8_t cmd, int flags, int attr, size_t len,
			const void *data, const char *action, unsigned int *replies, char **err)
{
	struct request req = { .reply = count_replies, .arg = replies };
	struct capture c;
	int ret;

	snprintf(req.action, sizeof(req.action), "%s", action);
	*replies = 0;
	req.msg = request_new(ipc, cmd, flags);
	if (!req.msg || (attr && nla_put(req.msg, attr, (int)len, data) < 0))
		abort();
	capture_begin(&c);
	ret = request_run(ipc, &req);
	capture_end(&c);
	nlmsg_free(req.msg);
	free(c.out);
	*err = c.err;
	return ret;
}

/*
 * request_run() against the running kernel, with the nlctrl family standing
 * in for ksmctl: a doit gets its reply and the ACK, a dump runs to
 * NLMSG_DONE, a policy violation comes back with the kernel's extack
 * (message and offset of the attribute, which bears type 1, our
 * KSMCTL_A_PAD), with capped and uncapped acks, and the socket stays usable.
 */
static void test_kernel_transport(void)
{
	static const char *const what[] = { "capped", "uncapped" };
	struct ipc ipc = { .family = GENL_ID_CTRL };
	unsigned int replies, i;
	uint64_t bad_id = 1;
	struct capture c;
	char *err;
	int ret, capped;

	capture_begin(&c);
	ret = socket_open(&ipc);
	capture_end(&c);
	capture_free(&c);
	if (ret) {
		tap_skip("no generic netlink here", "requests to the kernel");
		return;
	}

	ret = ctrl_request(&ipc, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME, sizeof("nlctrl"),
			   "nlctrl", "get family", &replies, &err);
	ok(ret == 0 && replies == 1 && !*err, "kernel doit: one reply, then the ACK");
	free(err);

	ret = ctrl_request(&ipc, CTRL_CMD_GETFAMILY, NLM_F_DUMP, 0, 0, NULL, "dump families",
			   &replies, &err);
	ok(ret == 0 && replies >= 1 && !*err, "kernel dump: %u replies, then NLMSG_DONE", replies);
	free(err);

	for (i = 0; i < 2; ++i) {
		capped = i == 0;
		setsockopt(nl_socket_get_fd(ipc.sk), SOL_NETLINK, NETLINK_CAP_ACK, &capped,
			   sizeof(capped));
		/* CTRL_ATTR_FAMILY_ID is a u16; 8 bytes break the strict policy. */
		ret = ctrl_request(&ipc, CTRL_CMD_GETPOLICY, NLM_F_DUMP, CTRL_ATTR_FAMILY_ID,
				   sizeof(bad_id), &bad_id, "get policy", &replies, &err);
		if (ret == -EOPNOTSUPP) {
			tap_skip("kernel before 5.8", "kernel extack (%s)", what[i]);
			free(err);
			continue;
		}
		if (!ok(ret == -EINVAL && !strncmp(err, "ksmctl: Unable to get policy: ", 30) &&
			strstr(err, " (attribute KSMCTL_A_PAD): Invalid argument\n"),
			"kernel extack (%s): message and attribute", what[i]))
			tap_diag_string("stderr", err);
		free(err);
	}

	ret = ctrl_request(&ipc, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME, sizeof("nlctrl"),
			   "nlctrl", "get family", &replies, &err);
	ok(ret == 0 && replies == 1 && !*err, "socket still works after errors");
	free(err);
	nl_socket_free(ipc.sk);
}

/*
 * A reply longer than the receive buffer is an error, not a message cut
 * short or dropped: socket_open() relies on it when it sizes the buffer.
 */
static void test_kernel_truncation(void)
{
	struct ipc ipc = { .family = GENL_ID_CTRL };
	unsigned int replies;
	struct capture c;
	char *err;
	int ret;

	capture_begin(&c);
	ret = socket_open(&ipc);
	capture_end(&c);
	capture_free(&c);
	if (ret) {
		tap_skip("no generic netlink here", "a reply longer than the receive buffer");
		return;
	}
	/* nlctrl's description of itself is well over 64 bytes. */
	nl_socket_set_msg_buf_size(ipc.sk, 64);
	ret = ctrl_request(&ipc, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME, sizeof("nlctrl"),
			   "nlctrl", "get family", &replies, &err);
	if (!ok(ret == -EPROTO && replies == 0 &&
		!strcmp(err, "ksmctl: Unable to get family: Kernel reported truncated message\n"),
		"a reply longer than the receive buffer is an error"))
		tap_diag_string("stderr", err);
	free(err);
	nl_socket_free(ipc.sk);
}

static void test_open_without_module(void)
{
	struct ipc *ipc = (struct ipc *)&fake_ipc;
	struct capture c;
	int ret;

	if (!access("/sys/module/ksmctl", F_OK)) {
		tap_skip("ksmctl module is loaded", "ipc_open() without the module");
		return;
	}
	capture_begin(&c);
	ret = ipc_open(&ipc, IPC_QUIET_NOT_LOADED);
	capture_end(&c);
	ok(ret == -ENOENT && !ipc && !strcmp(c.err, ""),
	   "ipc_open() quietly returns -ENOENT without the module");
	capture_free(&c);

	capture_begin(&c);
	ret = ipc_open(&ipc, 0);
	capture_end(&c);
	ok(ret == -ENOENT && !strcmp(c.err, "ksmctl: ksmctl kernel module is not loaded (try: modprobe ksmctl)\n"),
	   "ipc_open() reports the missing module");
	capture_free(&c);
	ipc_close(NULL);
}

/*
 * A scripted kernel: the socket's send and receive functions are replaced
 * (request_run() clones the socket's callbacks), so the whole request path
 * runs, libnl's sequence checks included, against replies built here.
 */
enum step_kind {
	STEP_MSG,	/* a genetlink reply, NLM_F_MULTI if the request was a dump */
	STEP_ACK,	/* NLMSG_ERROR 0 */
	STEP_ERROR,	/* NLMSG_ERROR with an errno and an extack */
	STEP_DONE,	/* NLMSG_DONE, with an errno and an extack if error < 0 */
	STEP_BREAK,	/* end of one recvmsg() */
};

struct step {
	enum step_kind kind;
	struct nl_msg *msg;	/* STEP_MSG, freed by the script */
	int error;
	const char *text;	/* NLMSGERR_ATTR_MSG */
	int offs_attr;		/* request attribute NLMSGERR_ATTR_OFFS points at, if > 0 */
	bool intr;		/* STEP_DONE: flagged NLM_F_DUMP_INTR */
};

#define MAX_STEPS 16

static struct {
	struct step steps[MAX_STEPS];
	unsigned int n, next;
	struct nl_msg *request;		/* what request_run() sent */
	unsigned int sends;
} script;

static struct ipc scripted = { .family = FAMILY };

static int fake_send(struct nl_sock *sk, struct nl_msg *msg);
static int fake_recv(struct nl_sock *sk, struct sockaddr_nl *nla, unsigned char **buf,
		     struct ucred **creds);

/*
 * Forget the last script and start a new one, on a new socket: a script
 * cut short leaves libnl's expected sequence number behind.
 */
static void script_reset(void)
{
	unsigned int i;
	struct nl_cb *cb;

	for (i = 0; i < script.n; ++i)
		nlmsg_free(script.steps[i].msg);
	nlmsg_free(script.request);
	memset(&script, 0, sizeof(script));

	nl_socket_free(scripted.sk);
	scripted.sk = nl_socket_alloc();
	if (!scripted.sk)
		abort();
	cb = nl_socket_get_cb(scripted.sk);
	nl_cb_overwrite_send(cb, fake_send);
	nl_cb_overwrite_recv(cb, fake_recv);
	nl_cb_put(cb);
}

static void script_add(struct step step)
{
	if (script.n == MAX_STEPS)
		abort();
	script.steps[script.n++] = step;
}

static struct step reply(struct nl_msg *msg)
{
	return (struct step){ .kind = STEP_MSG, .msg = msg };
}

static struct step ack(void)
{
	return (struct step){ .kind = STEP_ACK };
}

static struct step error(int err, const char *text, int offs_attr)
{
	return (struct step){ .kind = STEP_ERROR, .error = err, .text = text, .offs_attr = offs_attr };
}

static struct step done(int err, const char *text, int offs_attr)
{
	return (struct step){ .kind = STEP_DONE, .error = err, .text = text, .offs_attr = offs_attr };
}

static struct step recv_break(void)
{
	return (struct step){ .kind = STEP_BREAK };
}

/* A reply of @cmd; the caller adds attributes. */
static struct nl_msg *reply_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, KSMCTL_GENL_VERSION))
		abort();
	return msg;
}

static int fake_send(struct nl_sock *sk, struct nl_msg *msg)
{
	(void)sk;
	nlmsg_free(script.request);
	script.request = nlmsg_convert(nlmsg_hdr(msg));
	if (!script.request)
		abort();
	++script.sends;
	return (int)nlmsg_hdr(msg)->nlmsg_len;
}

/* Offset of the first attribute of type @type in the request, from its header. */
static uint32_t request_offset(int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(script.request);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) == type)
			return (uint32_t)((char *)nla - (char *)nlh);
	}
	abort();
}

static struct nl_msg *step_msg(const struct step *st)
{
	struct nlmsghdr *req = nlmsg_hdr(script.request);
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	struct extack ext = { st->text, false,
			      st->offs_attr > 0 ? (int64_t)request_offset(st->offs_attr) : -1, -1 };
	int error = st->error;
	struct nl_msg *msg;

	switch (st->kind) {
	case STEP_MSG:
		msg = nlmsg_convert(nlmsg_hdr(st->msg));
		if (!msg)
			abort();
		if (dump)
			nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_MULTI;
		break;
	case STEP_ACK:
		msg = make_error(0, script.request, true, false, &ext);
		break;
	case STEP_ERROR:
		msg = make_error(st->error, script.request, true, true, &ext);
		break;
	default:
		msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | (st->error ? NLM_F_ACK_TLVS : 0) |
					 (st->intr ? NLM_F_DUMP_INTR : 0));
		if (!msg || nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO) < 0)
			abort();
		if (st->error)
			put_extack(msg, &ext);
		break;
	}
	nlmsg_hdr(msg)->nlmsg_seq = req->nlmsg_seq;
	nlmsg_hdr(msg)->nlmsg_pid = req->nlmsg_pid;
	return msg;
}

static int fake_recv(struct nl_sock *sk, struct sockaddr_nl *nla, unsigned char **buf,
		     struct ucred **creds)
{
	size_t len = 0;
	unsigned char *out = NULL;

	(void)sk;
	(void)nla;
	(void)creds;
	if (script.next >= script.n)
		return -NLE_AGAIN;	/* the tool would wait for ever */
	while (script.next < script.n && script.steps[script.next].kind != STEP_BREAK) {
		struct nl_msg *msg = step_msg(&script.steps[script.next++]);
		size_t size = nlmsg_hdr(msg)->nlmsg_len;

		out = realloc(out, len + NLMSG_ALIGN(size));
		if (!out)
			abort();
		memset(out + len, 0, NLMSG_ALIGN(size));
		memcpy(out + len, nlmsg_hdr(msg), size);
		len += NLMSG_ALIGN(size);
		nlmsg_free(msg);
	}
	if (script.next < script.n)
		++script.next;		/* the break */
	*buf = out;
	return (int)len;
}

static struct ipc *scripted_ipc(void)
{
	return &scripted;
}

/* The request's attribute @type as a u32/u64, or ~0 if absent; -2 if the size is wrong. */
static uint64_t sent_attr(int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(script.request);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) != type)
			continue;
		if (nla_len(nla) == 4)
			return nla_get_u32(nla);
		if (nla_len(nla) == 8)
			return nla_get_u64(nla);
		return (uint64_t)-2;
	}
	return ~UINT64_C(0);
}

static bool sent(uint8_t cmd, bool dump)
{
	struct nlmsghdr *nlh = script.request ? nlmsg_hdr(script.request) : NULL;

	return nlh && nlh->nlmsg_type == FAMILY && genlmsg_hdr(nlh)->cmd == cmd &&
	       !!(nlh->nlmsg_flags & NLM_F_DUMP) == dump && (nlh->nlmsg_flags & NLM_F_REQUEST);
}

/* How proc_msg() deviates from a correct KSMCTL_A_PROC nest. */
struct proc_spec {
	bool optional;		/* rmap items, zero pages, profit, merge_any */
	bool proportional;
	int omit;		/* attribute left out */
	int wide;		/* attribute 4 bytes too long */
	const char *comm;
};

static void proc_put(struct nl_msg *msg, const struct proc_spec *sp, int type, int size, uint64_t v)
{
	uint64_t buf[2] = { 0, 0 };

	if (type == sp->omit)
		return;
	if (size == 4) {
		uint32_t v32 = (uint32_t)v;

		memcpy(buf, &v32, 4);
	} else if (size == 1) {
		uint8_t v8 = (uint8_t)v;

		memcpy(buf, &v8, 1);
	} else {
		buf[0] = v;
	}
	if (nla_put(msg, type, size + (type == sp->wide ? 4 : 0), buf) < 0)
		abort();
}

static struct nl_msg *proc_msg(uint32_t pid, uint64_t merging, const char *cgroup,
			       const struct proc_spec *sp)
{
	struct nl_msg *msg = reply_msg(KSMCTL_CMD_GET_PROC);
	struct nlattr *nest = nla_nest_start(msg, KSMCTL_A_PROC);
	const char *comm = sp->comm ? sp->comm : "httpd";

	if (!nest)
		abort();
	proc_put(msg, sp, KSMCTL_A_PROC_PID, 4, pid);
	proc_put(msg, sp, KSMCTL_A_PROC_PPID, 4, 1);
	if (sp->omit != KSMCTL_A_PROC_COMM && nla_put_string(msg, KSMCTL_A_PROC_COMM, comm) < 0)
		abort();
	proc_put(msg, sp, KSMCTL_A_PROC_UID, 4, 33);
	proc_put(msg, sp, KSMCTL_A_PROC_CGROUP_ID, 8, 777);
	if (sp->omit != KSMCTL_A_PROC_CGROUP_PATH &&
	    nla_put_string(msg, KSMCTL_A_PROC_CGROUP_PATH, cgroup) < 0)
		abort();
	proc_put(msg, sp, KSMCTL_A_PROC_MERGING_PAGES, 8, merging);
	proc_put(msg, sp, KSMCTL_A_PROC_MERGEABLE_VMAS, 4, 3);
	proc_put(msg, sp, KSMCTL_A_PROC_MERGEABLE_BYTES, 8, 1 << 20);
	proc_put(msg, sp, KSMCTL_A_PROC_ELIGIBLE_BYTES, 8, 2 << 20);
	proc_put(msg, sp, KSMCTL_A_PROC_ANON_RSS_BYTES, 8, UINT64_MAX);
	if (sp->optional) {
		proc_put(msg, sp, KSMCTL_A_PROC_RMAP_ITEMS, 8, 5);
		proc_put(msg, sp, KSMCTL_A_PROC_ZERO_PAGES, 8, 6);
		proc_put(msg, sp, KSMCTL_A_PROC_PROFIT, 8, (uint64_t)-4096);
		proc_put(msg, sp, KSMCTL_A_PROC_MERGE_ANY, 1, 1);
	}
	if (sp->proportional) {
		proc_put(msg, sp, KSMCTL_A_PROC_PROP_SAVED_BYTES, 8, 12345);
		proc_put(msg, sp, KSMCTL_A_PROC_KSM_MAPPED_PAGES, 8, 9);
	}
	/* A zero-length pad, and an attribute of a newer module. */
	if (nla_put(msg, KSMCTL_A_PROC_PAD, 0, NULL) < 0 ||
	    nla_put_u32(msg, KSMCTL_A_PROC_MAX + 1, 1) < 0)
		abort();
	nla_nest_end(msg, nest);
	return msg;
}

#define NO_SPEC (&(struct proc_spec){ .omit = -1, .wide = -1 })

/* Run @fn with stderr captured into *err (freed by the caller). */
#define CAPTURED(errp, expr) ({						\
	struct capture c_;						\
	int r_;								\
									\
	capture_begin(&c_);						\
	r_ = (expr);							\
	capture_end(&c_);						\
	free(c_.out);							\
	*(errp) = c_.err;						\
	r_;								\
})

static void test_get_proc(void)
{
	struct ipc *ipc = scripted_ipc();
	struct proc_spec full = { .optional = true, .proportional = true, .omit = -1, .wide = -1 };
	struct ksmctl_proc p;
	char *err;
	int ret;

	script_reset();
	script_add(reply(proc_msg(42, 1000, "/system.slice/httpd.service", &full)));
	script_add(ack());
	ret = CAPTURED(&err, ipc_get_proc(ipc, 42, KSMCTL_PROC_F_PROPORTIONAL, &p));
	ok(ret == 0 && !*err, "GET_PROC doit: reply and ACK");
	ok(sent(KSMCTL_CMD_GET_PROC, false) && sent_attr(KSMCTL_A_PID) == 42 &&
	   sent_attr(KSMCTL_A_FLAGS) == KSMCTL_PROC_F_PROPORTIONAL,
	   "GET_PROC doit request: pid and flags");
	ok(p.pid == 42 && p.ppid == 1 && !strcmp(p.comm, "httpd") && p.uid == 33 &&
	   p.cgroup_id == 777 && !strcmp(p.cgroup_path, "/system.slice/httpd.service") &&
	   p.merging_pages == 1000 && p.mergeable_vmas == 3 && p.mergeable_bytes == 1 << 20 &&
	   p.eligible_bytes == 2 << 20 && p.anon_rss_bytes == UINT64_MAX,
	   "every required field lands in its place");
	ok(p.rmap_items == 5 && p.zero_pages == 6 && p.profit == -4096 && p.merge_any &&
	   p.prop_saved_bytes == 12345 && p.ksm_mapped_pages == 9,
	   "optional fields, profit signed, merge_any a u8");
	is_u64(p.present, ((UINT64_C(1) << (KSMCTL_A_PROC_MAX + 1)) - 1) & ~UINT64_C(3),
	       "presence bits: every attribute");
	proc_release(&p);
	free(err);

	script_reset();
	script_add(reply(proc_msg(42, 1, "", NO_SPEC)));
	script_add(ack());
	ret = CAPTURED(&err, ipc_get_proc(ipc, 42, 0, &p));
	ok(ret == 0 && !proc_has(&p, KSMCTL_A_PROC_PROFIT) && !proc_has(&p, KSMCTL_A_PROC_MERGE_ANY) &&
	   !proc_has(&p, KSMCTL_A_PROC_PROP_SAVED_BYTES) && !strcmp(p.cgroup_path, "") &&
	   sent_attr(KSMCTL_A_FLAGS) == ~UINT64_C(0),
	   "older kernel: optional fields absent; no flags sent when 0");
	proc_release(&p);
	free(err);

	script_reset();
	script_add(error(-ESRCH, "no such process", KSMCTL_A_PID));
	ret = CAPTURED(&err, ipc_get_proc(ipc, 42, 0, &p));
	ok(ret == -ESRCH && !p.cgroup_path, "GET_PROC of a missing pid fails");
	is_str(err, "ksmctl: Unable to get pid 42: no such process\n",
	       "the pid is named once, without the attribute pointer");
	free(err);

	script_reset();
	script_add(error(-EACCES, NULL, 0));
	ret = CAPTURED(&err, ipc_get_proc(ipc, 1, 0, &p));
	is_str(err, "ksmctl: Unable to get pid 1: permission denied\n", "EACCES without extack");
	free(err);

	script_reset();
	script_add(ack());
	ret = CAPTURED(&err, ipc_get_proc(ipc, 42, 0, &p));
	ok(ret == -EPROTO, "an ACK without a reply is a protocol error");
	is_str(err, "ksmctl: Unable to get pid 42: No reply from the kernel: Protocol error\n",
	       "missing reply reported");
	free(err);

	script_reset();
	script_add(reply(proc_msg(42, 1, "/", NO_SPEC)));
	script_add(reply(proc_msg(43, 1, "/", NO_SPEC)));
	script_add(ack());
	ret = CAPTURED(&err, ipc_get_proc(ipc, 42, 0, &p));
	ok(ret == -EPROTO && !p.cgroup_path, "two replies to a doit fail, nothing leaks");
	is_str(err, "ksmctl: Unable to get pid 42: More than one reply: Protocol error\n",
	       "second reply reported");
	free(err);
}

static void proc_reply_case(struct proc_spec sp, const char *want, const char *what)
{
	struct ipc *ipc = scripted_ipc();
	struct proc_list list = { 0 };
	char *err;
	int ret;

	script_reset();
	script_add(reply(proc_msg(1, 1, "/", NO_SPEC)));
	script_add(reply(proc_msg(2, 1, "/", &sp)));
	script_add(reply(proc_msg(3, 1, "/", NO_SPEC)));
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_get_procs(ipc, 0, &list));
	ok(ret == -EPROTO && !list.n && !list.procs, "%s: rejected, list emptied", what);
	/* libnl's own words for a bad attribute vary between versions: compare up to them. */
	if (!ok(!strncmp(err, want, strlen(want)) && strstr(err, ": Protocol error\n"),
		"%s: reported", what)) {
		tap_diag_string("got", err);
		tap_diag_string("expected", want);
	}
	free(err);
}

static void test_get_procs(void)
{
	struct ipc *ipc = scripted_ipc();
	struct proc_list list = { 0 };
	char *err;
	int ret;

	script_reset();
	script_add(reply(proc_msg(1, 10, "/a", NO_SPEC)));
	script_add(reply(proc_msg(2, 20, "/b", NO_SPEC)));
	script_add(recv_break());
	script_add(reply(proc_msg(3, 30, "/c", NO_SPEC)));
	script_add(recv_break());
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_get_procs(ipc, KSMCTL_PROC_F_MERGING_ONLY, &list));
	ok(ret == 0 && !*err && list.n == 3 && list.procs[0].pid == 1 && list.procs[2].pid == 3 &&
	   list.procs[1].merging_pages == 20 && !strcmp(list.procs[2].cgroup_path, "/c"),
	   "GET_PROC dump over three reads, to NLMSG_DONE");
	ok(sent(KSMCTL_CMD_GET_PROC, true) && sent_attr(KSMCTL_A_FLAGS) == KSMCTL_PROC_F_MERGING_ONLY &&
	   sent_attr(KSMCTL_A_PID) == ~UINT64_C(0), "dump request: NLM_F_DUMP, flags, no pid");
	proc_list_free(&list);
	free(err);

	script_reset();
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_get_procs(ipc, 0, &list));
	ok(ret == 0 && !list.n && !*err, "an empty dump is no error");
	free(err);

	/* The kernel checks a dump's request in its first dumpit(): the error comes in DONE. */
	script_reset();
	script_add(done(-EINVAL, "unknown flags for GET_PROC", KSMCTL_A_FLAGS));
	ret = CAPTURED(&err, ipc_get_procs(ipc, 0x80, &list));
	ok(ret == -EINVAL && !list.n, "dump failing in NLMSG_DONE");
	is_str(err, "ksmctl: Unable to list processes: unknown flags for GET_PROC (attribute KSMCTL_A_FLAGS): Invalid argument\n",
	       "the DONE error and extack are printed like other errors");
	free(err);

	/* Part-way: processes, then a failure. */
	script_reset();
	script_add(reply(proc_msg(1, 10, "/a", NO_SPEC)));
	script_add(recv_break());
	script_add(done(-ENOMEM, "out of memory walking page tables", 0));
	ret = CAPTURED(&err, ipc_get_procs(ipc, 0, &list));
	ok(ret == -ENOMEM && !list.n && !list.procs, "a dump failing part-way gives no list");
	is_str(err, "ksmctl: Unable to list processes: out of memory walking page tables: Cannot allocate memory\n",
	       "part-way failure reported");
	free(err);

	script_reset();
	script_add(done(-EPERM, NULL, 0));
	ret = CAPTURED(&err, ipc_get_procs(ipc, 0, &list));
	is_str(err, "ksmctl: Unable to list processes: Operation not permitted\n",
	       "DONE error without extack");
	free(err);

	script_reset();
	script_add(reply(proc_msg(1, 10, "/a", NO_SPEC)));
	ret = CAPTURED(&err, ipc_get_procs(ipc, 0, &list));
	ok(ret < 0 && !list.n, "a dump cut short fails");
	free(err);

	proc_reply_case((struct proc_spec){ .omit = KSMCTL_A_PROC_UID, .wide = -1 },
			"ksmctl: Unable to list processes: Reply lacks KSMCTL_A_PROC_UID: Protocol error\n",
			"process without uid");
	proc_reply_case((struct proc_spec){ .omit = KSMCTL_A_PROC_CGROUP_PATH, .wide = -1 },
			"ksmctl: Unable to list processes: Reply lacks KSMCTL_A_PROC_CGROUP_PATH: Protocol error\n",
			"process without cgroup path");
	proc_reply_case((struct proc_spec){ .omit = -1, .wide = KSMCTL_A_PROC_MERGING_PAGES },
			"ksmctl: Unable to list processes: Malformed KSMCTL_A_PROC: ",
			"u64 of the wrong size");
	proc_reply_case((struct proc_spec){ .omit = -1, .wide = KSMCTL_A_PROC_MERGE_ANY, .optional = true },
			"ksmctl: Unable to list processes: Malformed KSMCTL_A_PROC: ",
			"u8 of the wrong size");
	proc_reply_case((struct proc_spec){ .omit = -1, .wide = -1,
					    .comm = "a name far longer than TASK_COMM_LEN and than any comm the kernel sends" },
			"ksmctl: Unable to list processes: Malformed KSMCTL_A_PROC: ",
			"comm too long");
}

static struct nl_msg *vma_msg(uint64_t start, uint64_t end, uint32_t flags, const char *name,
			      uint64_t ksm, int omit)
{
	struct nl_msg *msg = reply_msg(KSMCTL_CMD_GET_VMAS);
	struct nlattr *nest;

	if (nla_put_u32(msg, KSMCTL_A_PID, 42) < 0 || !(nest = nla_nest_start(msg, KSMCTL_A_VMA)))
		abort();
	if ((omit != KSMCTL_A_VMA_START && nla_put_u64(msg, KSMCTL_A_VMA_START, start) < 0) ||
	    (omit != KSMCTL_A_VMA_END && nla_put_u64(msg, KSMCTL_A_VMA_END, end) < 0) ||
	    (omit != KSMCTL_A_VMA_FLAGS && nla_put_u32(msg, KSMCTL_A_VMA_FLAGS, flags) < 0) ||
	    (name && nla_put_string(msg, KSMCTL_A_VMA_NAME, name) < 0) ||
	    (omit != KSMCTL_A_VMA_KSM_PAGES && nla_put_u64(msg, KSMCTL_A_VMA_KSM_PAGES, ksm) < 0))
		abort();
	nla_nest_end(msg, nest);
	return msg;
}

static void test_get_vmas(void)
{
	struct ipc *ipc = scripted_ipc();
	struct vma_list list = { 0 };
	char *err;
	int ret;

	script_reset();
	script_add(reply(vma_msg(0x1000, 0x3000, KSMCTL_VMA_F_FILE, "/bin/x", 0, -1)));
	script_add(reply(vma_msg(0x7f00000000, 0x7f00100000,
				 KSMCTL_VMA_F_MERGEABLE | KSMCTL_VMA_F_ANON, NULL, 77, -1)));
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_get_vmas(ipc, 42, &list));
	ok(ret == 0 && !*err && list.n == 2 && list.vmas[0].start == 0x1000 &&
	   list.vmas[0].end == 0x3000 && list.vmas[0].flags == KSMCTL_VMA_F_FILE &&
	   !strcmp(list.vmas[0].name, "/bin/x") && !list.vmas[1].name &&
	   list.vmas[1].ksm_pages == 77, "GET_VMAS dump: fields, names only when sent");
	ok(sent(KSMCTL_CMD_GET_VMAS, true) && sent_attr(KSMCTL_A_PID) == 42,
	   "GET_VMAS request: a dump with the pid");
	vma_list_free(&list);
	free(err);

	script_reset();
	script_add(done(-ESRCH, "no such process", KSMCTL_A_PID));
	ret = CAPTURED(&err, ipc_get_vmas(ipc, 42, &list));
	ok(ret == -ESRCH, "GET_VMAS of a missing pid fails in NLMSG_DONE");
	is_str(err, "ksmctl: Unable to list the VMAs of pid 42: no such process\n",
	       "the VMAs error names the pid");
	free(err);

	script_reset();
	script_add(reply(vma_msg(0x1000, 0x3000, 0, NULL, 0, KSMCTL_A_VMA_KSM_PAGES)));
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_get_vmas(ipc, 42, &list));
	ok(ret == -EPROTO && !list.n, "VMA without KSM pages count rejected");
	is_str(err, "ksmctl: Unable to list the VMAs of pid 42: Reply lacks KSMCTL_A_VMA_KSM_PAGES: Protocol error\n",
	       "missing VMA attribute named");
	free(err);

	/* the process exec'd or exited during the dump: the kernel flags its end */
	script_reset();
	script_add(reply(vma_msg(0x1000, 0x3000, 0, "a", 0, -1)));
	script_add((struct step){ .kind = STEP_DONE, .intr = true });
	ret = CAPTURED(&err, ipc_get_vmas(ipc, 42, &list));
	ok(ret == -EAGAIN && !list.n && !list.vmas, "a dump cut short (NLM_F_DUMP_INTR) is an error, not a short list");
	is_str(err, "ksmctl: Unable to list the VMAs of pid 42: the process exec'd or exited while it was read\n",
	       "a dump cut short says why");
	free(err);

	script_reset();
	script_add(reply(vma_msg(0x1000, 0x3000, 0, "a", 0, -1)));
	script_add(reply(vma_msg(0x5000, 0x4000, 0, "b", 0, -1)));
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_get_vmas(ipc, 42, &list));
	ok(ret == -EPROTO && !list.n && !list.vmas, "inverted VMA rejected, earlier ones freed");
	free(err);
}

struct mark_spec {
	bool interrupted;
	bool no_failed;
	int omit;
	bool bad_skip;
};

static struct nl_msg *mark_msg(uint8_t cmd, const struct mark_spec *sp)
{
	struct nl_msg *msg = reply_msg(cmd);
	struct nlattr *nest = nla_nest_start(msg, KSMCTL_A_MARK), *skipped;

	if (!nest)
		abort();
	if ((sp->omit != KSMCTL_A_MARK_PROCESSES && nla_put_u32(msg, KSMCTL_A_MARK_PROCESSES, 3) < 0) ||
	    nla_put_u32(msg, KSMCTL_A_MARK_VMAS, 12) < 0 ||
	    nla_put_u64(msg, KSMCTL_A_MARK_BYTES, 48 << 20) < 0 ||
	    nla_put_u32(msg, KSMCTL_A_MARK_ALREADY_VMAS, 2) < 0 ||
	    nla_put_u64(msg, KSMCTL_A_MARK_ALREADY_BYTES, 8192) < 0 ||
	    (!sp->no_failed && nla_put_u32(msg, KSMCTL_A_MARK_FAILED_PROCESSES, 1) < 0) ||
	    (sp->interrupted && nla_put_flag(msg, KSMCTL_A_MARK_INTERRUPTED) < 0))
		abort();
	skipped = nla_nest_start(msg, KSMCTL_A_MARK_SKIPPED);
	if (!skipped || nla_put_u32(msg, KSMCTL_SKIP_SHARED, 2) < 0 ||
	    nla_put_u32(msg, KSMCTL_SKIP_RANGE, 1) < 0 ||
	    nla_put_u32(msg, KSMCTL_SKIP_MAX + 1, 4) < 0 ||
	    nla_put_u32(msg, KSMCTL_SKIP_MAX + 2, 5) < 0 ||
	    (sp->bad_skip && nla_put_u64(msg, KSMCTL_SKIP_DAX, 1) < 0))
		abort();
	nla_nest_end(msg, skipped);
	nla_nest_end(msg, nest);
	return msg;
}

#define MARK_OK (&(struct mark_spec){ .omit = -1 })

static void mark_error_case(struct step step, const char *want, const char *what)
{
	struct ksmctl_mark_req rq = { .pid = 42, .has_range = true, .start = 0x2000, .end = 0x1000,
				      .classes = KSMCTL_CLASS_HEAP };
	struct ksmctl_mark_result res;
	char *err;
	int ret;

	script_reset();
	script_add(step);
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == step.error && res.err == step.error && res.pid == 42 && !res.vmas && !*err,
	   "%s: fails quietly", what);
	is_str(res.error, want, "%s: explanation", what);
	free(err);
}

static void test_mark(void)
{
	struct ksmctl_mark_req rq = { .pid = 42 };
	struct ksmctl_mark_result res;
	char *err;
	int ret;

	script_reset();
	script_add(reply(mark_msg(KSMCTL_CMD_MARK, MARK_OK)));
	script_add(ack());
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == 0 && !*err && res.pid == 42 && !res.err && res.processes == 3 && res.vmas == 12 &&
	   res.bytes == 48 << 20 && res.already_vmas == 2 && res.already_bytes == 8192 &&
	   res.has_failed_processes && res.failed_processes == 1 && !res.interrupted,
	   "MARK reply fields");
	ok(res.skipped[KSMCTL_SKIP_SHARED] == 2 && res.skipped[KSMCTL_SKIP_RANGE] == 1 &&
	   res.skipped[0] == 9 && !res.skipped[KSMCTL_SKIP_DAX],
	   "skip counts by reason, unknown reasons summed in [0]");
	ok(sent(KSMCTL_CMD_MARK, false) && sent_attr(KSMCTL_A_PID) == 42 &&
	   sent_attr(KSMCTL_A_FLAGS) == ~UINT64_C(0) && sent_attr(KSMCTL_A_RANGE_START) == ~UINT64_C(0) &&
	   sent_attr(KSMCTL_A_CLASSES) == ~UINT64_C(0), "MARK request: the pid alone by default");
	free(err);

	rq = (struct ksmctl_mark_req){ .unmark = true, .pid = 7, .flags = KSMCTL_MARK_F_TREE,
				       .has_range = true, .start = 0x1000, .end = 0x7fff00000000,
				       .classes = KSMCTL_CLASS_HEAP | KSMCTL_CLASS_FILE };
	script_reset();
	script_add(reply(mark_msg(KSMCTL_CMD_UNMARK,
				  &(struct mark_spec){ .interrupted = true, .omit = -1 })));
	script_add(ack());
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == 0 && res.interrupted && res.pid == 7, "UNMARK reply: interrupted flag");
	ok(sent(KSMCTL_CMD_UNMARK, false) && sent_attr(KSMCTL_A_PID) == 7 &&
	   sent_attr(KSMCTL_A_FLAGS) == KSMCTL_MARK_F_TREE && sent_attr(KSMCTL_A_RANGE_START) == 0x1000 &&
	   sent_attr(KSMCTL_A_RANGE_END) == 0x7fff00000000 &&
	   sent_attr(KSMCTL_A_CLASSES) == (KSMCTL_CLASS_HEAP | KSMCTL_CLASS_FILE),
	   "UNMARK request: flags, u64 range, classes");
	free(err);

	rq = (struct ksmctl_mark_req){ .pid = 42 };
	script_reset();
	script_add(reply(mark_msg(KSMCTL_CMD_MARK, &(struct mark_spec){ .no_failed = true, .omit = -1 })));
	script_add(ack());
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == 0 && !res.has_failed_processes, "reply without FAILED_PROCESSES");
	free(err);

	script_reset();
	script_add(reply(mark_msg(KSMCTL_CMD_MARK, &(struct mark_spec){ .omit = KSMCTL_A_MARK_PROCESSES })));
	script_add(ack());
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == -EPROTO && !*err && !strcmp(res.error, "Reply lacks KSMCTL_A_MARK_PROCESSES: Protocol error"),
	   "reply without PROCESSES: %s", res.error);
	free(err);

	script_reset();
	script_add(reply(mark_msg(KSMCTL_CMD_MARK, &(struct mark_spec){ .bad_skip = true, .omit = -1 })));
	script_add(ack());
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == -EPROTO && res.err == -EPROTO && !res.vmas && !res.skipped[KSMCTL_SKIP_SHARED],
	   "skip count that is not a u32: %s", res.error);
	free(err);

	script_reset();
	script_add(ack());
	ret = CAPTURED(&err, ipc_mark(scripted_ipc(), &rq, &res));
	ok(ret == -EPROTO && !strcmp(res.error, "No reply from the kernel: Protocol error"),
	   "MARK without a reply: %s", res.error);
	free(err);

	mark_error_case(error(-ESRCH, "no such process", KSMCTL_A_PID),
			"no such process", "ESRCH with extack on the pid");
	mark_error_case(error(-ESRCH, NULL, 0), "no such process",
			"ESRCH without extack");
	mark_error_case(error(-EPERM, "changing another process's memory needs CAP_SYS_ADMIN", 0),
			"changing another process's memory needs CAP_SYS_ADMIN", "EPERM with extack");
	mark_error_case(error(-EPERM, NULL, 0), "permission denied",
			"EPERM without extack");
	mark_error_case(error(-EINVAL, "range is empty or inverted", KSMCTL_A_RANGE_END),
			"range is empty or inverted (attribute KSMCTL_A_RANGE_END)",
			"EINVAL pointing at another attribute names it");
	mark_error_case(error(-ENOMEM, "the kernel refused to change this process", KSMCTL_A_PID),
			"the kernel refused to change this process: Cannot allocate memory",
			"an errno the message does not explain is added");
	mark_error_case(error(-EINTR, "interrupted before any change", 0),
			"interrupted before any change", "EINTR before any change");
	mark_error_case(error(-EAGAIN, NULL, 0), "resource temporarily unavailable",
			"another errno without extack, in lowercase");
	mark_error_case(error(-EIO, NULL, KSMCTL_A_CLASSES),
			"attribute KSMCTL_A_CLASSES: input/output error", "attribute pointer without a message");
}

static struct nl_msg *rule_msg(uint32_t id)
{
	struct nl_msg *msg = reply_msg(KSMCTL_CMD_RULE_GET);
	struct nlattr *nest = nla_nest_start(msg, KSMCTL_A_RULE);

	if (!nest || nla_put_u32(msg, KSMCTL_A_RULE_ID, id) < 0 ||
	    nla_put_u32(msg, KSMCTL_A_RULE_ACTION, KSMCTL_RULE_MERGE) < 0)
		abort();
	nla_nest_end(msg, nest);
	return msg;
}

/* a RULE_GET dump that rule changes cut short (NLM_F_DUMP_INTR) */
static void test_rule_list_changed(void)
{
	struct ipc *ipc = scripted_ipc();
	struct rule_list l = { 0 };
	char *err;
	int ret, i;

	script_reset();
	script_add(reply(rule_msg(1)));
	script_add((struct step){ .kind = STEP_DONE, .intr = true });
	script_add((struct step){ .kind = STEP_BREAK });
	script_add(reply(rule_msg(1)));
	script_add(reply(rule_msg(2)));
	script_add(done(0, NULL, 0));
	ret = CAPTURED(&err, ipc_rule_list(ipc, &l));
	ok(ret == 0 && l.n == 2 && l.rules[0].id == 1 && l.rules[1].id == 2 &&
	   script.sends == 2, "a rule list that changes cut short is read again, whole");
	is_str(err, "", "and nothing is said about the first try");
	rule_list_free(&l);
	free(err);

	script_reset();
	for (i = 0; i < 3; i++) {
		script_add(reply(rule_msg(1)));
		script_add((struct step){ .kind = STEP_DONE, .intr = true });
		script_add((struct step){ .kind = STEP_BREAK });
	}
	ret = CAPTURED(&err, ipc_rule_list(ipc, &l));
	ok(ret == -EAGAIN && !l.n && !l.rules && script.sends == 3,
	   "a rule list cut short three times is an error, not a short list");
	is_str(err, "ksmctl: Unable to list rules: the rules changed while they were read\n",
	       "and says why");
	free(err);
}

static void test_scripted(void)
{
	script_reset();
	test_get_proc();
	test_get_procs();
	test_get_vmas();
	test_mark();
	test_rule_list_changed();
	script_reset();
	nl_socket_free(scripted.sk);
	scripted.sk = NULL;
}

int main(void)
{
	tap_begin("ipc");
	test_extack();
	test_error_callback();
	test_ack_and_finish();
	test_status_reply();
	test_kernel_transport();
	test_kernel_truncation();
	test_open_without_module();
	test_scripted();
	return tap_done();
}
