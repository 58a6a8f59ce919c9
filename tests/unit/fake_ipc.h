/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for user/ipc.c, so that the subcommands can run without the
 * kernel module: every ipc_*() returns what the test set, and records the
 * request.
 */
#ifndef FAKE_IPC_H
#define FAKE_IPC_H

#include <stdint.h>

#include "ipc.h"
#include "merge.h"
#include "procs.h"
#include "ruleset.h"
#include "status.h"

#define FAKE_MAX 16

extern int fake_open_ret;		/* returned by ipc_open() */
extern unsigned int fake_open_flags;	/* flags of the last ipc_open() */
extern int fake_get_ret;		/* returned by ipc_get_status() */
extern struct ksmctl_status fake_status;	/* copied out when it returns 0 */
extern int fake_open_sockets;		/* opened and not closed */

/*
 * The processes ipc_get_procs() returns (every one: MERGING_ONLY is the
 * kernel's filter, but the proportional figures only with PROPORTIONAL)
 * and ipc_get_proc() looks pids up in,
 * with fake_vmas for ipc_get_vmas(). Strings are copied out.
 */
extern struct ksmctl_proc fake_procs[FAKE_MAX];
extern unsigned int fake_nprocs;
extern int fake_procs_ret;		/* ipc_get_procs() fails with it, printing */
extern void (*fake_get_procs_hook)(void);	/* called first by ipc_get_procs() */
extern uint32_t fake_proc_flags;	/* KSMCTL_A_FLAGS of the last GET_PROC */
extern struct ksmctl_vma fake_vmas[FAKE_MAX];
extern unsigned int fake_nvmas;

/*
 * ipc_mark(): the result for each pid (by pid; a pid without one fails
 * with "no such process"), and the requests made.
 */
extern struct ksmctl_mark_result fake_mark_results[FAKE_MAX];
extern unsigned int fake_nmark_results;
extern struct ksmctl_mark_req fake_mark_calls[FAKE_MAX];
extern unsigned int fake_nmark_calls;
extern uint32_t fake_mark_sigint_pid;	/* raise(SIGINT) while "marking" it */

/*
 * Rules: fake_rules is what ipc_rule_list() returns; ipc_rule_add() appends
 * to it (id = fake_next_rule_id++) unless fake_rule_add_ret, ipc_rule_del()
 * removes from it (-ENOENT, printed, if absent). fake_rule_ops logs every
 * call: "add <rule text>", "del <id>", "list".
 */
extern struct rule_list fake_rules;
extern uint32_t fake_next_rule_id;
extern int fake_rule_add_ret;
extern char fake_rule_ops[FAKE_MAX * 4][600];
extern unsigned int fake_nrule_ops;

void fake_ipc_reset(void);

#endif
