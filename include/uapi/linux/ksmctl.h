/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ksmctl: generic netlink interface to kernel samepage merging (KSM).
 *
 * This header is the wire format of the "ksmctl" generic netlink family and
 * its documentation. It is shared, unchanged, by the kernel module (kmod/)
 * and the command-line tool (user/).
 *
 * Family name: KSMCTL_GENL_NAME ("ksmctl"), version KSMCTL_GENL_VERSION.
 * Every request is validated strictly: unknown attributes, attributes of the
 * wrong type or length, and unknown flag bits are rejected with -EINVAL and
 * an extended-ack message naming the offending attribute.
 *
 * Commands
 * --------
 *
 * KSMCTL_CMD_GET_STATUS (doit, no privilege needed)
 *   Returns the module version and the kernel's global KSM state, the same
 *   numbers as /sys/kernel/mm/ksm/, read in the kernel.
 *
 *   Request:
 *     KSMCTL_A_FLAGS              NLA_U32, optional, must be 0 (reserved)
 *
 *   Reply:
 *     KSMCTL_A_VERSION            NLA_NUL_STRING, module version
 *     KSMCTL_A_STATUS             NLA_NESTED
 *       KSMCTL_A_STATUS_PAGE_SIZE       NLA_U32, bytes per page
 *       KSMCTL_A_STATUS_RUN             NLA_U32, /sys/kernel/mm/ksm/run
 *       KSMCTL_A_STATUS_PAGES_SHARED    NLA_U64, KSM pages in use
 *       KSMCTL_A_STATUS_PAGES_SHARING   NLA_U64, mappings of them (saving)
 *       KSMCTL_A_STATUS_PAGES_UNSHARED  NLA_U64, unique pages checked
 *       KSMCTL_A_STATUS_PAGES_VOLATILE  NLA_U64, pages changing too fast
 *       KSMCTL_A_STATUS_FULL_SCANS      NLA_U64, completed scans
 *       KSMCTL_A_STATUS_PAGES_TO_SCAN   NLA_U64, pages per ksmd batch
 *       KSMCTL_A_STATUS_SLEEP_MSECS     NLA_U64, ksmd sleep between batches
 *       KSMCTL_A_STATUS_MAX_PAGE_SHARING NLA_U64, mappings per KSM page
 *       KSMCTL_A_STATUS_GENERAL_PROFIT  NLA_S64, bytes; present only if the
 *                                       kernel computes it (6.4+)
 *       KSMCTL_A_STATUS_ZERO_PAGES      NLA_U64, present only if the kernel
 *                                       counts KSM zero pages (6.6+)
 *       KSMCTL_A_STATUS_STABLE_NODE_CHAINS NLA_U64, present if the kernel
 *                                       has it
 *
 * Errors
 * ------
 * Every error is a negative errno in the netlink ack; where the cause is a
 * request attribute, NLMSGERR_ATTR_MSG explains it and NLMSGERR_ATTR_OFFS
 * points at the attribute.
 */

#ifndef _UAPI_LINUX_KSMCTL_H
#define _UAPI_LINUX_KSMCTL_H

#define KSMCTL_GENL_NAME	"ksmctl"
#define KSMCTL_GENL_VERSION	1

enum ksmctl_cmd {
	KSMCTL_CMD_UNSPEC,
	KSMCTL_CMD_GET_STATUS,

	__KSMCTL_CMD_LAST
};
#define KSMCTL_CMD_MAX (__KSMCTL_CMD_LAST - 1)

/* Top-level attributes, shared by requests and replies of every command. */
enum ksmctl_attr {
	KSMCTL_A_UNSPEC,
	KSMCTL_A_PAD,
	KSMCTL_A_VERSION,
	KSMCTL_A_FLAGS,
	KSMCTL_A_STATUS,

	__KSMCTL_A_LAST
};
#define KSMCTL_A_MAX (__KSMCTL_A_LAST - 1)

/* Attributes nested in KSMCTL_A_STATUS. */
enum ksmctl_status_attr {
	KSMCTL_A_STATUS_UNSPEC,
	KSMCTL_A_STATUS_PAD,
	KSMCTL_A_STATUS_PAGE_SIZE,
	KSMCTL_A_STATUS_RUN,
	KSMCTL_A_STATUS_PAGES_SHARED,
	KSMCTL_A_STATUS_PAGES_SHARING,
	KSMCTL_A_STATUS_PAGES_UNSHARED,
	KSMCTL_A_STATUS_PAGES_VOLATILE,
	KSMCTL_A_STATUS_FULL_SCANS,
	KSMCTL_A_STATUS_PAGES_TO_SCAN,
	KSMCTL_A_STATUS_SLEEP_MSECS,
	KSMCTL_A_STATUS_MAX_PAGE_SHARING,
	KSMCTL_A_STATUS_GENERAL_PROFIT,
	KSMCTL_A_STATUS_ZERO_PAGES,
	KSMCTL_A_STATUS_STABLE_NODE_CHAINS,

	__KSMCTL_A_STATUS_LAST
};
#define KSMCTL_A_STATUS_MAX (__KSMCTL_A_STATUS_LAST - 1)

#endif /* _UAPI_LINUX_KSMCTL_H */
