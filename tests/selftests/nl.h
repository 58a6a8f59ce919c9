/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw generic-netlink client for the selftests. libnl is not used
 * here on purpose: the tests must be able to send malformed requests.
 */
#ifndef KSMCTL_TEST_NL_H
#define KSMCTL_TEST_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#define NL_BUFSZ 65536

struct nl_req {
	char buf[4096];
	struct nlmsghdr *nlh;
};

/* what the kernel answered to one request */
struct nl_ans {
	int error;			/* 0 or negative errno from the ack */
	char extack_msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	int extack_off;			/* NLMSGERR_ATTR_OFFS, -1 if none */
	int miss_type;			/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
	int miss_nest_off;		/* NLMSGERR_ATTR_MISS_NEST, -1 if none */
	char reply[NL_BUFSZ];		/* the first reply message, if any */
	size_t reply_len;
};

int nl_open(void);
void nl_req_init(struct nl_req *r, uint16_t family, uint8_t cmd,
		 uint8_t version, uint16_t flags);
void nl_put(struct nl_req *r, uint16_t type, const void *data, size_t len);
void nl_put_u32(struct nl_req *r, uint16_t type, uint32_t v);
/* a nested attribute: start it, put its members, end it */
struct nlattr *nl_nest_start(struct nl_req *r, uint16_t type);
void nl_nest_end(struct nl_req *r, struct nlattr *a);
void nl_put_str(struct nl_req *r, uint16_t type, const char *s);
int nl_talk(int fd, struct nl_req *r, struct nl_ans *ans);

/* attributes of a reply (after the genl header) or of a nest */
struct nlattr *nl_attr_first(const void *msg, size_t *rem);
struct nlattr *nl_attr_find(const void *data, size_t len, uint16_t type);
void *nl_attr_data(struct nlattr *a);
size_t nl_attr_len(const struct nlattr *a);

int nl_family_id(int fd, const char *name, uint32_t *version);
int nl_family_has_cmd(int fd, const char *name, uint8_t cmd);

/* path helpers */
int read_u64_file(const char *path, uint64_t *v);
int write_str_file(const char *path, const char *s);

#endif

/*
 * Send a dump request; call cb for every reply message. Returns 0, the
 * negative errno the kernel ended the dump with (ans->error, extack filled),
 * or a negative errno from the socket.
 */
int nl_dump(int fd, struct nl_req *r, struct nl_ans *ans,
	    int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg);
