// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_ipc.h"

struct ipc {
	int unused;
};

static struct ipc fake_socket;

int fake_open_ret;
unsigned int fake_open_flags;
int fake_get_ret;
struct ksmctl_status fake_status;
int fake_open_sockets;
struct ksmctl_proc fake_procs[FAKE_MAX];
unsigned int fake_nprocs;
int fake_procs_ret;
uint32_t fake_proc_flags;
struct ksmctl_vma fake_vmas[FAKE_MAX];
unsigned int fake_nvmas;
struct ksmctl_mark_result fake_mark_results[FAKE_MAX];
unsigned int fake_nmark_results;
struct ksmctl_mark_req fake_mark_calls[FAKE_MAX];
unsigned int fake_nmark_calls;
uint32_t fake_mark_sigint_pid;
void (*fake_get_procs_hook)(void);

void fake_ipc_reset(void)
{
	rule_list_free(&fake_rules);
	fake_next_rule_id = 1;
	fake_rule_add_ret = 0;
	fake_nrule_ops = 0;
	fake_open_ret = 0;
	fake_open_flags = ~0U;
	fake_get_ret = 0;
	memset(&fake_status, 0, sizeof(fake_status));
	fake_open_sockets = 0;
	memset(fake_procs, 0, sizeof(fake_procs));
	fake_nprocs = 0;
	fake_procs_ret = 0;
	fake_proc_flags = ~0U;
	memset(fake_vmas, 0, sizeof(fake_vmas));
	fake_nvmas = 0;
	memset(fake_mark_results, 0, sizeof(fake_mark_results));
	fake_nmark_results = 0;
	memset(fake_mark_calls, 0, sizeof(fake_mark_calls));
	fake_nmark_calls = 0;
	fake_mark_sigint_pid = 0;
	fake_get_procs_hook = NULL;
}

int ipc_open(struct ipc **ipcp, unsigned int flags)
{
	fake_open_flags = flags;
	*ipcp = NULL;
	if (fake_open_ret)
		return fake_open_ret;
	++fake_open_sockets;
	*ipcp = &fake_socket;
	return 0;
}

void ipc_close(struct ipc *ipc)
{
	if (ipc)
		--fake_open_sockets;
}

int ipc_get_status(struct ipc *ipc, struct ksmctl_status *st)
{
	if (ipc != &fake_socket)
		return -EBADF;
	memset(st, 0, sizeof(*st));
	if (fake_get_ret)
		return fake_get_ret;
	*st = fake_status;
	return 0;
}

/*
 * A copy of @p that owns its strings, as the real parser builds it; like
 * the kernel, the proportional figures only with KSMCTL_PROC_F_PROPORTIONAL.
 */
static struct ksmctl_proc copy_proc(const struct ksmctl_proc *p, uint32_t flags)
{
	struct ksmctl_proc c = *p;

	if (!(flags & KSMCTL_PROC_F_PROPORTIONAL)) {
		c.present &= ~(UINT64_C(1) << KSMCTL_A_PROC_PROP_SAVED_BYTES);
		c.present &= ~(UINT64_C(1) << KSMCTL_A_PROC_KSM_MAPPED_PAGES);
		c.prop_saved_bytes = 0;
		c.ksm_mapped_pages = 0;
	}

	c.cgroup_path = strdup(p->cgroup_path ? p->cgroup_path : "");
	memset(c.user, 0, sizeof(c.user));
	if (!c.cgroup_path)
		abort();
	return c;
}

int ipc_get_proc(struct ipc *ipc, uint32_t pid, uint32_t flags, struct ksmctl_proc *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (ipc != &fake_socket)
		return -EBADF;
	fake_proc_flags = flags;
	for (i = 0; i < fake_nprocs; ++i) {
		if (fake_procs[i].pid == pid) {
			*p = copy_proc(&fake_procs[i], flags);
			return 0;
		}
	}
	fprintf(stderr, "ksmctl: Unable to get pid %" PRIu32 ": no such process\n", pid);
	return -ESRCH;
}

int ipc_get_procs(struct ipc *ipc, uint32_t flags, struct proc_list *list)
{
	unsigned int i;

	if (ipc != &fake_socket)
		return -EBADF;
	fake_proc_flags = flags;
	if (fake_get_procs_hook)
		fake_get_procs_hook();
	if (fake_procs_ret) {
		fprintf(stderr, "ksmctl: Unable to list processes: fake failure: %s\n",
			strerror(-fake_procs_ret));
		return fake_procs_ret;
	}
	for (i = 0; i < fake_nprocs; ++i) {
		struct ksmctl_proc c = copy_proc(&fake_procs[i], flags);

		if (proc_list_append(list, &c))
			abort();
	}
	return 0;
}

int ipc_get_vmas(struct ipc *ipc, uint32_t pid, struct vma_list *list)
{
	unsigned int i;

	(void)pid;
	if (ipc != &fake_socket)
		return -EBADF;
	for (i = 0; i < fake_nvmas; ++i) {
		struct ksmctl_vma v = fake_vmas[i];

		if (v.name && !(v.name = strdup(v.name)))
			abort();
		if (vma_list_append(list, &v))
			abort();
	}
	return 0;
}

int ipc_mark(struct ipc *ipc, const struct ksmctl_mark_req *rq, struct ksmctl_mark_result *res)
{
	unsigned int i;

	memset(res, 0, sizeof(*res));
	if (ipc != &fake_socket)
		return -EBADF;
	if (fake_nmark_calls < FAKE_MAX)
		fake_mark_calls[fake_nmark_calls++] = *rq;
	if (rq->pid == fake_mark_sigint_pid)
		raise(SIGINT);
	for (i = 0; i < fake_nmark_results; ++i) {
		if (fake_mark_results[i].pid == rq->pid) {
			*res = fake_mark_results[i];
			return res->err;
		}
	}
	res->pid = rq->pid;
	res->err = -ESRCH;
	snprintf(res->error, sizeof(res->error), "no such process");
	return res->err;
}

struct rule_list fake_rules;
uint32_t fake_next_rule_id = 1;
int fake_rule_add_ret;
char fake_rule_ops[FAKE_MAX * 4][600];
unsigned int fake_nrule_ops;

static void rule_op(const char *fmt, const char *s, uint32_t n)
{
	if (fake_nrule_ops < FAKE_MAX * 4)
		snprintf(fake_rule_ops[fake_nrule_ops++], sizeof(fake_rule_ops[0]), fmt,
			 s ? s : "", n);
}

int ipc_rule_add(struct ipc *ipc, const struct ksmctl_rule *r, uint32_t *id,
		 const char *file)
{
	struct ksmctl_rule copy = *r;
	char text[512];

	if (ipc != &fake_socket)
		return -EBADF;
	rule_format(r, text, sizeof(text));
	rule_op("add %s", text, 0);
	if (fake_rule_add_ret) {
		if (file && r->line)	/* as ipc.c words it */
			fprintf(stderr, "ksmctl: Unable to add the rule of %s:%u: %s\n",
				file, r->line, strerror(-fake_rule_add_ret));
		else
			fprintf(stderr, "ksmctl: Unable to add rule: %s\n",
				strerror(-fake_rule_add_ret));
		return fake_rule_add_ret;
	}
	copy.id = fake_next_rule_id++;
	if (id)
		*id = copy.id;
	return rule_list_add(&fake_rules, &copy);
}

int ipc_rule_del(struct ipc *ipc, uint32_t id)
{
	size_t i;

	if (ipc != &fake_socket)
		return -EBADF;
	rule_op("del%s %u", NULL, id);
	for (i = 0; i < fake_rules.n; i++) {
		if (fake_rules.rules[i].id == id) {
			memmove(&fake_rules.rules[i], &fake_rules.rules[i + 1],
				(fake_rules.n - i - 1) * sizeof(fake_rules.rules[0]));
			fake_rules.n--;
			return 0;
		}
	}
	fprintf(stderr, "ksmctl: Unable to delete rule %u: no rule with this id\n", id);
	return -ENOENT;
}

int ipc_rule_list(struct ipc *ipc, struct rule_list *l)
{
	size_t i;

	if (ipc != &fake_socket)
		return -EBADF;
	rule_op("list%s", NULL, 0);
	for (i = 0; i < fake_rules.n; i++)
		if (rule_list_add(l, &fake_rules.rules[i]))
			return -ENOMEM;
	return 0;
}

int ipc_monitor(struct ipc *ipc, ipc_event_fn fn, void *arg)
{
	(void)ipc;
	(void)fn;
	(void)arg;
	return -EOPNOTSUPP;
}
