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
	struct request req = { .action = action, .reply = count_replies, .arg = replies };
	struct capture c;
	int ret;

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

int main(void)
{
	tap_begin("ipc");
	test_extack();
	test_error_callback();
	test_ack_and_finish();
	test_status_reply();
	test_kernel_transport();
	test_open_without_module();
	return tap_done();
}
