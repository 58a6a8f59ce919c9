/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSMCTL_NETLINK_H
#define _KSMCTL_NETLINK_H

#include <net/genetlink.h>

#include <linux/ksmctl.h>

extern struct genl_family ksmctl_genl_family;

/*
 * Dumps. A dump that needs a context allocates it in its start() with
 * ksmctl_dump_ctx_alloc(), finds it with ksmctl_dump_ctx() and frees it in
 * its done() with ksmctl_dump_ctx_free(). Each message is put with
 * ksmctl_dump_put(); a dumpit() whose loop stopped on @err returns
 * ksmctl_dump_round_end(skb, err).
 */
void ksmctl_dump_room(struct netlink_callback *cb, size_t attrs_size);
void *ksmctl_dump_ctx_alloc(struct netlink_callback *cb, size_t size,
			    size_t attrs_size);
void ksmctl_dump_ctx_free(struct netlink_callback *cb);
int ksmctl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		    int (*fill)(struct sk_buff *skb, const void *arg),
		    const void *arg);

/* the context of the dump, from ksmctl_dump_ctx_alloc() */
static inline void *ksmctl_dump_ctx(struct netlink_callback *cb)
{
	return (void *)cb->args[0];
}

/**
 * ksmctl_dump_round_end() - what dumpit() returns when its loop stopped
 * @skb: the round's buffer
 * @err: why the loop stopped: 0 (nothing more to send) or an errno
 *
 * A full buffer (-EMSGSIZE with messages in it) asks for another round;
 * -EMSGSIZE with none is a message larger than a round: an error.
 */
static inline int ksmctl_dump_round_end(const struct sk_buff *skb, int err)
{
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/*
 * Numeric attributes of replies, by wire type (NLA_U8, NLA_U32, NLA_U64 or
 * NLA_S64; the value of an NLA_S64 cast to u64). Replies whose attributes
 * come from a table put each with ksmctl_nla_put_num() and count the room
 * they need with ksmctl_nla_num_size(), both from the same rows: the size
 * cannot fall short of what is filled.
 */
size_t ksmctl_nla_num_size(u8 type);
int ksmctl_nla_put_num(struct sk_buff *skb, int attrtype, u8 type, u64 value,
		       int padattr);

/* the NLA_* type of a wire type's name (u32...), for tables made by macros */
#define KSMCTL_NLA_u8	NLA_U8
#define KSMCTL_NLA_u32	NLA_U32
#define KSMCTL_NLA_u64	NLA_U64
#define KSMCTL_NLA_s64	NLA_S64

/**
 * struct ksmctl_nl_req_ops - a command whose doit reads and replies once
 * @cmd: the command, which the reply carries too
 * @data_size: the size of the request's data, zeroed before parse()
 * @parse: optional: checks that need the request's attributes only
 * @prepare: take what the reply tells into the data; may sleep
 * @reply_size: the room the reply's attributes take, at most: counted
 *	from the same table (or code) that fill() puts them with
 * @fill: put the reply's attributes
 * @cleanup: optional: release what parse() and prepare() took, even when
 *	they failed
 *
 * ksmctl_nl_default_doit() (netlink.c) runs them in this order, as the
 * ethtool netlink family's ethnl_default_doit() does.
 */
struct ksmctl_nl_req_ops {
	u8 cmd;
	size_t data_size;
	int (*parse)(void *data, struct nlattr **attrs,
		     struct netlink_ext_ack *extack);
	int (*prepare)(void *data, const struct sk_buff *skb,
		       struct genl_info *info);
	size_t (*reply_size)(const void *data);
	int (*fill)(struct sk_buff *skb, const void *data);
	void (*cleanup)(void *data);
};

/*
 * The commands ksmctl_nl_default_doit() answers: X(CMD, name, maxattr) for
 * KSMCTL_CMD_<CMD>, which nl_<name>.c implements with
 * ksmctl_<name>_req_ops and validates with ksmctl_<name>_policy, of the
 * attributes up to @maxattr (both declared here, so that the compiler
 * checks their definitions). netlink.c's ops table gives each a line.
 */
#define KSMCTL_REQ_CMDS(X)					\
	X(GET_STATUS,	status,	KSMCTL_A_FLAGS)			\
	X(GET_PROC,	proc,	KSMCTL_A_PID)

#define KSMCTL_REQ_DECLARE(CMD, name, maxattr)				\
	extern const struct ksmctl_nl_req_ops ksmctl_##name##_req_ops;	\
	extern const struct nla_policy ksmctl_##name##_policy[(maxattr) + 1];
KSMCTL_REQ_CMDS(KSMCTL_REQ_DECLARE)
#undef KSMCTL_REQ_DECLARE

/*
 * The other commands' policies are declared here with their bound, the
 * highest attribute each takes: netlink.c's ops table reads it with
 * ARRAY_SIZE().
 */

/* nl_proc.c */
extern const struct nla_policy ksmctl_vmas_policy[KSMCTL_A_PID + 1];
int ksmctl_nl_get_proc_start(struct netlink_callback *cb);
int ksmctl_nl_get_proc_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ksmctl_nl_get_proc_done(struct netlink_callback *cb);
int ksmctl_nl_get_vmas_start(struct netlink_callback *cb);
int ksmctl_nl_get_vmas_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ksmctl_nl_get_vmas_done(struct netlink_callback *cb);

/* nl_mark.c */
extern const struct nla_policy ksmctl_mark_policy[KSMCTL_A_CLASSES + 1];
int ksmctl_nl_mark_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_rules.c */
extern const struct nla_policy ksmctl_rule_top_policy[KSMCTL_A_RULE + 1];
#define KSMCTL_N_MCGRPS		1
extern const struct genl_multicast_group ksmctl_mcgrps[KSMCTL_N_MCGRPS];
int ksmctl_nl_rule_add_doit(struct sk_buff *skb, struct genl_info *info);
int ksmctl_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int ksmctl_nl_rule_get_start(struct netlink_callback *cb);
int ksmctl_nl_rule_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
void ksmctl_nl_rule_event(u32 rule_id, u32 action, struct task_struct *task,
			  u32 vmas, u64 bytes);

int ksmctl_genl_init(void);
void ksmctl_genl_uninit(void);

#endif /* _KSMCTL_NETLINK_H */
