// SPDX-License-Identifier: GPL-2.0

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ipc.h"
#include "ksmsys.h"
#include "json.h"
#include "merge.h"
#include "options.h"
#include "subcommands.h"
#include "units.h"

/* JSON keys and text of the skip reasons, by KSMCTL_SKIP_*. */
static const struct {
	const char *key;
	const char *text;
} skips[KSMCTL_SKIP_MAX + 1] = {
	[KSMCTL_SKIP_UNSPEC] = { "other", "for other reasons" },
	[KSMCTL_SKIP_SHARED] = { "shared", "shared" },
	[KSMCTL_SKIP_IO] = { "io", "I/O or PFN mappings" },
	[KSMCTL_SKIP_HUGETLB] = { "hugetlb", "hugetlb" },
	[KSMCTL_SKIP_DAX] = { "dax", "DAX" },
	[KSMCTL_SKIP_SPECIAL] = { "special", "special" },
	[KSMCTL_SKIP_CLASS] = { "class", "of other classes" },
	[KSMCTL_SKIP_RANGE] = { "range", "partly outside the range" },
};

const char *mark_skip_key(unsigned int skip)
{
	return skip && skip <= KSMCTL_SKIP_MAX ? skips[skip].key : NULL;
}

static const char *vmas_word(uint64_t n)
{
	return n == 1 ? "VMA" : "VMAs";
}

void mark_print_text(FILE *f, const struct ksmctl_mark_req *rq, const struct ksmctl_mark_result *res)
{
	const char *done = rq->unmark ? "unmerged" : "marked";
	const char *state = rq->unmark ? "unmergeable" : "mergeable";
	bool tree = rq->flags & KSMCTL_MARK_F_TREE;
	char bytes[BYTES_STR_MAX];
	uint64_t skipped = 0;
	unsigned int i;
	bool first;

	if (res->err)
		return;
	fprintf(f, "pid %" PRIu32 "%s: %s %" PRIu32 " %s (%s)", res->pid,
		tree ? " and descendants" : "", done, res->vmas, vmas_word(res->vmas),
		fmt_bytes(bytes, res->bytes));
	if (!rq->unmark)
		fprintf(f, " %s", state);
	if (tree)
		fprintf(f, " in %" PRIu32 " process%s", res->processes,
			res->processes == 1 ? "" : "es");
	if (res->already_vmas)
		fprintf(f, "; %" PRIu32 " already %s (%s)", res->already_vmas, state,
			fmt_bytes(bytes, res->already_bytes));
	for (i = 0; i <= KSMCTL_SKIP_MAX; ++i)
		skipped += res->skipped[i];
	if (skipped) {
		fprintf(f, "; skipped %" PRIu64 ":", skipped);
		first = true;
		/* Known reasons in their order, then what this tool cannot name. */
		for (i = 1; i <= KSMCTL_SKIP_MAX + 1; ++i) {
			unsigned int r = i % (KSMCTL_SKIP_MAX + 1);

			if (!res->skipped[r])
				continue;
			fprintf(f, "%s %" PRIu32 " %s", first ? "" : ",", res->skipped[r], skips[r].text);
			first = false;
		}
	}
	if (tree && res->has_failed_processes && res->failed_processes)
		fprintf(f, "; %" PRIu32 " process%s exited or could not be changed",
			res->failed_processes, res->failed_processes == 1 ? "" : "es");
	if (res->interrupted)
		fputs("; interrupted: stopped early, the figures are partial", f);
	fputc('\n', f);
}

void mark_print_json(FILE *f, const struct ksmctl_mark_req *rq,
		     const struct ksmctl_mark_result *res, size_t n)
{
	struct json j;
	size_t k;
	unsigned int i;

	json_init(&j, f, true);
	json_array_begin(&j);
	for (k = 0; k < n; ++k) {
		const struct ksmctl_mark_result *r = &res[k];

		json_object_begin(&j);
		json_kv_u64(&j, "pid", r->pid);
		json_kv_bool(&j, "ok", !r->err);
		if (r->err) {
			json_kv_string(&j, "error", r->error);
			json_object_end(&j);
			continue;
		}
		json_kv_null(&j, "error");
		json_kv_u64(&j, "processes", r->processes);
		json_kv_u64(&j, "vmas", r->vmas);
		json_kv_u64(&j, "bytes", r->bytes);
		json_kv_u64(&j, "already_vmas", r->already_vmas);
		json_kv_u64(&j, "already_bytes", r->already_bytes);
		json_key(&j, "skipped");
		json_object_begin(&j);
		for (i = 1; i <= KSMCTL_SKIP_MAX; ++i)
			json_kv_u64(&j, skips[i].key, r->skipped[i]);
		if (r->skipped[0])
			json_kv_u64(&j, skips[0].key, r->skipped[0]);
		json_object_end(&j);
		if ((rq->flags & KSMCTL_MARK_F_TREE) && r->has_failed_processes)
			json_kv_u64(&j, "failed_processes", r->failed_processes);
		json_kv_bool(&j, "interrupted", r->interrupted);
		json_object_end(&j);
	}
	json_array_end(&j);
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static void usage(FILE *f, bool unmark)
{
	fprintf(f, "Usage: " PROG_NAME " %s [-j] [--tree] [--range START-END]\n"
		"          [--only heap|stack|anon|file[,...]] PID...\n", unmark ? "unmerge" : "merge");
}

static void merge_usage(FILE *f)
{
	usage(f, false);
}

static void unmerge_usage(FILE *f)
{
	usage(f, true);
}

static const char merge_about[] =
	"Mark the memory of running processes mergeable, as MADV_MERGEABLE would,\n"
	"without their help; ksmd then merges it (if it runs: ksmctl ksmd start).\n"
	"Each process's line says what was marked and what was skipped, and why.\n";

static const char unmerge_about[] =
	"Undo merge: unmark the memory, and copy its merged pages back (this takes\n"
	"memory; Ctrl-C stops it early, and the figures say so).\n";

static const char mark_options_help[] =
	"\n"
	"Options:\n"
	"  -j, --json             Print JSON\n"
	"      --tree             Also every descendant of each PID\n"
	"      --range START-END  Only the whole VMAs inside START-END (decimal, or hex\n"
	"                         with 0x; END excluded)\n"
	"      --only CLASSES     Only these kinds of memory, comma-separated: heap,\n"
	"                         stack, anon (any anonymous), file (private file)\n"
	"  -h, --help             Show this help\n";

/* Options of merge and unmerge into @rq and @json: -1 to go on, or the exit status. */
static int mark_options(int argc, char *argv[], bool unmark, struct ksmctl_mark_req *rq,
			bool *json)
{
	enum { OPT_TREE = 256, OPT_RANGE, OPT_ONLY };
	static const char optstring[] = ":jh";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "tree", no_argument, NULL, OPT_TREE },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ NULL, 0, NULL, 0 }
	};
	const char *bad;
	size_t bad_len;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			show_help(unmark ? unmerge_usage : merge_usage,
				  unmark ? unmerge_about : merge_about);
			fputs(mark_options_help, stdout);
			return 0;
		case OPT_TREE:
			rq->flags |= KSMCTL_MARK_F_TREE;
			break;
		case OPT_RANGE:
			if (parse_range(optarg, &rq->start, &rq->end)) {
				fprintf(stderr, PROG_NAME ": Invalid range `%s'\n", optarg);
				return 1;
			}
			rq->has_range = true;
			break;
		case OPT_ONLY:
			if (parse_classes(optarg, &rq->classes, &bad, &bad_len)) {
				fprintf(stderr, PROG_NAME ": Invalid memory class `%.*s' (expected heap, stack, anon or file)\n",
					(int)bad_len, bad);
				return 1;
			}
			break;
		default:
			option_error(c, argv, optstring);
			usage(stderr, unmark);
			return 1;
		}
	}
	if (optind >= argc) {
		fputs(PROG_NAME ": Missing process id\n", stderr);
		usage(stderr, unmark);
		return 1;
	}
	return -1;
}

/* The pids after the options (@n of them), every one checked; NULL after an error. */
static uint32_t *mark_pids(int argc, char *argv[], size_t *n)
{
	uint32_t *pids;
	size_t i;

	*n = (size_t)(argc - optind);
	pids = calloc(*n, sizeof(*pids));
	if (!pids) {
		fputs(PROG_NAME ": Out of memory\n", stderr);
		return NULL;
	}
	for (i = 0; i < *n; ++i) {
		if (parse_pid(argv[optind + (int)i], &pids[i])) {
			fprintf(stderr, PROG_NAME ": Invalid pid `%s'\n", argv[optind + (int)i]);
			free(pids);
			return NULL;
		}
	}
	return pids;
}

/*
 * Send @rq for each of the @n @pids, results into @res, text as they come
 * unless @json, until done or SIGINT; how many were sent.
 *
 * The kernel stops UNMARK at a signal and still replies with what it did.
 * SIGINT is caught, without SA_RESTART, so that the reply is read and
 * printed; then the pids left are left alone.
 */
static size_t mark_each(struct ipc *ipc, struct ksmctl_mark_req *rq, const uint32_t *pids,
			size_t n, struct ksmctl_mark_result *res, bool json, bool *failed)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
	size_t done;

	got_sigint = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	for (done = 0; done < n && !got_sigint; ++done) {
		rq->pid = pids[done];
		if (ipc_mark(ipc, rq, &res[done])) {
			fprintf(stderr, PROG_NAME ": Unable to %s pid %" PRIu32 ": %s\n",
				rq->unmark ? "unmerge" : "mark", pids[done], res[done].error);
			*failed = true;
			continue;
		}
		if (res[done].interrupted)
			*failed = true;
		if (!json)
			mark_print_text(stdout, rq, &res[done]);
		fflush(stdout);
	}
	if (done < n) {
		fprintf(stderr, PROG_NAME ": Interrupted, %zu pid%s left alone\n", n - done,
			n - done == 1 ? "" : "s");
		*failed = true;
	}
	sigaction(SIGINT, &old_sa, NULL);
	return done;
}

static int mark_main(int argc, char *argv[], bool unmark)
{
	struct ksmctl_mark_req rq = { .unmark = unmark };
	struct ksmctl_mark_result *res = NULL;
	bool json = opt_json, failed = false;
	uint32_t *pids = NULL;
	struct ipc *ipc;
	size_t n, done, i;
	int ret;

	ret = mark_options(argc, argv, unmark, &rq, &json);
	if (ret >= 0)
		return ret;
	/* Check every pid before changing anything. */
	pids = mark_pids(argc, argv, &n);
	if (pids)
		res = calloc(n, sizeof(*res));
	if (!res) {
		if (pids)
			fputs(PROG_NAME ": Out of memory\n", stderr);
		free(pids);
		return 1;
	}
	if (ipc_open(&ipc, 0)) {
		free(pids);
		free(res);
		return 1;
	}
	done = mark_each(ipc, &rq, pids, n, res, json, &failed);
	ipc_close(ipc);
	for (i = 0; !unmark && i < done; i++) {
		if (!res[i].err) {	/* something was marked */
			warn_if_ksmd_stopped();
			break;
		}
	}
	if (json)
		mark_print_json(stdout, &rq, res, done);
	free(pids);
	free(res);
	return failed ? 1 : 0;
}

int merge_main(int argc, char *argv[])
{
	return mark_main(argc, argv, false);
}

int unmerge_main(int argc, char *argv[])
{
	return mark_main(argc, argv, true);
}
