// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl top: the saving, ksmd and the processes (or cgroups) that save
 * most, refreshed every second. On a terminal it takes the whole screen
 * (plain ANSI sequences, no terminfo) and reads keys; otherwise, or with
 * -b, it prints one snapshot per refresh as plain lines. What is drawn is
 * topview.c's; this file fetches samples and drives the terminal.
 */

#define _GNU_SOURCE	/* ppoll */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "ipc.h"
#include "ksmsys.h"
#include "options.h"
#include "subcommands.h"
#include "topview.h"
#include "units.h"
#include "users.h"

struct top_args {
	struct top_view view;
	uint64_t delay_ms;
	uint32_t count;			/* refreshes; 0: until quit */
	bool batch;
	bool all;
};

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " top [-b] [-d SECONDS] [-n N] [-s KEY] [--by cgroup]\n"
	      "          [--proportional] [--all] [--user USER] [--cgroup CGROUP]\n"
	      "          [--command SUBSTRING]\n", f);
}

static const char help_text[] =
	"The KSM saving, ksmd's state and CPU time, then the processes (or cgroups)\n"
	"that save most, with the change since the last refresh. Full screen on a\n"
	"terminal (press h for the keys); plain lines, one snapshot per refresh,\n"
	"when the output is not a terminal.\n"
	"\n"
	"Options:\n"
	"  -b, --batch            Plain lines even on a terminal\n"
	"  -d, --delay SECONDS    Time between refreshes (default 1, at least 0.1)\n"
	"  -n, --iterations N     Stop after N refreshes\n"
	"  -s, --sort KEY         saved (default), change, merging, coverage, pid or\n"
	"                         profit\n"
	"      --by cgroup        A row per cgroup (key c switches)\n"
	"  -p, --proportional     Credit each process its share of a shared page\n"
	"  -a, --all              Every process, also those with nothing merged\n"
	"  -u, --user USER        Only the processes of USER (a name or a uid)\n"
	"      --cgroup CGROUP    Only the processes in CGROUP or below it\n"
	"      --command SUBSTRING  Only the processes whose name contains SUBSTRING\n"
	"  -h, --help             Show this help\n";

/* "1", "0.5", "2.25": at least 0.1 s, at most a day; in ms. */
static int parse_delay(const char *str, uint64_t *ms)
{
	const char *dot = strchr(str, '.');
	uint64_t whole, frac = 0, scale = 100;
	char buf[32];
	size_t len = dot ? (size_t)(dot - str) : strlen(str);
	const char *p;

	if (len >= sizeof(buf) || (dot && (!dot[1] || strlen(dot + 1) > 3)))
		return -EINVAL;
	memcpy(buf, str, len);
	buf[len] = '\0';
	if (!len || strspn(buf, "0123456789") != len || parse_u64(buf, &whole) ||
	    whole > 86400)
		return -EINVAL;
	for (p = dot ? dot + 1 : ""; *p; ++p, scale /= 10) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		frac += (uint64_t)(*p - '0') * scale;
	}
	if (whole * 1000 + frac < 100)
		return -EINVAL;
	*ms = whole * 1000 + frac;
	return 0;
}

enum { OPT_BY = 256, OPT_CGROUP, OPT_COMMAND };

/* One option that takes a value, into @a: 0, or 1 after saying what is wrong. */
static int value_option(int c, const char *arg, struct top_args *a)
{
	switch (c) {
	case 'd':
		if (!parse_delay(arg, &a->delay_ms))
			return 0;
		fprintf(stderr, PROG_NAME ": Invalid delay `%s' (expected 0.1 to 86400 seconds)\n", arg);
		return 1;
	case 'n':
		if (!parse_count(arg, &a->count))
			return 0;
		fprintf(stderr, PROG_NAME ": Invalid count `%s' (expected 1 to %" PRIu32 ")\n", arg,
			UINT32_MAX);
		return 1;
	case 's':
		a->view.sort_change = !strcmp(arg, "change");
		if (a->view.sort_change || !sort_key_parse(arg, &a->view.sort))
			return 0;
		fprintf(stderr, PROG_NAME ": Invalid sort key `%s' (expected saved, change, merging, coverage, pid or profit)\n",
			arg);
		return 1;
	case OPT_BY:
		a->view.cgroups = !strcmp(arg, "cgroup");
		if (a->view.cgroups)
			return 0;
		fprintf(stderr, PROG_NAME ": Invalid grouping `%s' (expected cgroup)\n", arg);
		return 1;
	}
	if (!top_set_filter(&a->view, c == 'u' ? TOP_PROMPT_USER : c == OPT_CGROUP ?
			    TOP_PROMPT_CGROUP : TOP_PROMPT_COMMAND, arg))
		return 0;
	if (c == OPT_CGROUP)
		fprintf(stderr, PROG_NAME ": No such cgroup `%s' (in %s)\n", arg, cgroup2_root());
	else
		fprintf(stderr, PROG_NAME ": %s\n", a->view.message);
	return 1;
}

/* Options into @a: -1 to go on, or the exit status. */
static int parse_args(int argc, char *argv[], struct top_args *a)
{
	static const char optstring[] = ":hbd:n:s:pau:";
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "batch", no_argument, NULL, 'b' },
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, OPT_BY },
		{ "proportional", no_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'u' },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "command", required_argument, NULL, OPT_COMMAND },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*a = (struct top_args){ .delay_ms = 1000 };
	top_view_init(&a->view);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		if (c == 'h') {
			return show_help(usage, help_text);
		} else if (c == 'b') {
			a->batch = true;
		} else if (c == 'p') {
			a->view.proportional = true;
		} else if (c == 'a') {
			a->all = true;
		} else if (c == '?' || c == ':') {
			option_error(c, argv, optstring);
			usage(stderr);
			return 1;
		} else if (value_option(c, optarg, a)) {
			return 1;
		}
	}
	if (extra_arguments(argc, argv, optind, usage))
		return 1;
	return -1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A new sample into @s (emptied first): 0, or 1 after the error was printed. */
static int fetch(struct ipc *ipc, const struct top_args *a, struct top_sample *s)
{
	uint32_t flags = (a->view.proportional ? KSMCTL_PROC_F_PROPORTIONAL : 0) |
			 (a->all ? 0 : KSMCTL_PROC_F_MERGING_ONLY);
	size_t i;

	proc_list_free(&s->procs);
	if (ipc_get_status(ipc, &s->st) || ipc_get_procs(ipc, flags, &s->procs))
		return 1;
	s->st.has_ksmd_cpu = !ksmd_cpu_ms(proc_dir(), &s->st.ksmd_cpu_ms);
	for (i = 0; i < s->procs.n; ++i)
		user_name(s->procs.procs[i].user, s->procs.procs[i].uid);
	s->proportional = a->view.proportional;
	s->mono_ms = now_ms();
	s->wall = time(NULL);
	return 0;
}

static void swap_samples(struct top_sample **a, struct top_sample **b)
{
	struct top_sample *t = *a;

	*a = *b;
	*b = t;
}

/* Without a terminal: a snapshot per refresh, a blank line between them. */
static int top_plain(struct ipc *ipc, struct top_args *a, struct top_sample s[2])
{
	struct top_sample *cur = &s[0], *prev = &s[1];
	uint32_t i;

	for (i = 0; !a->count || i < a->count; ++i) {
		if (i) {
			struct timespec d = { (time_t)(a->delay_ms / 1000),
					      (long)(a->delay_ms % 1000) * 1000000 };

			while (nanosleep(&d, &d) && errno == EINTR)
				;
			swap_samples(&cur, &prev);
		}
		if (fetch(ipc, a, cur))
			return 1;
		if (i)
			putchar('\n');
		top_render(stdout, &a->view, cur, i ? prev : NULL);
		if (fflush(stdout))
			return 1;
	}
	return 0;
}

/* The terminal as it was, the signals top handles, and where stderr went. */
static struct {
	bool active;
	struct termios saved;
	FILE *stderr_saved;
	char *errors;
	size_t errors_len;
} tty;

static volatile sig_atomic_t got_signal, got_winch, got_tstp;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else if (sig == SIGTSTP)
		got_tstp = 1;
	else
		got_signal = sig;
}

static void tty_write(const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len && ((n = write(STDOUT_FILENO, s, len)) > 0 || errno == EINTR)) {
		if (n > 0) {
			s += n;
			len -= (size_t)n;
		}
	}
}

/* Raw keys, the alternate screen, no cursor. 0, or -errno. */
static int tty_enter(void)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &tty.saved))
		return -errno;
	raw = tty.saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw))
		return -errno;
	tty.active = true;
	tty_write("\033[?1049h\033[?25l\033[H\033[2J");
	return 0;
}

/* The terminal back as it was; safe to call twice. */
static void tty_leave(void)
{
	if (!tty.active)
		return;
	tty_write("\033[?25h\033[?1049l");
	tcsetattr(STDIN_FILENO, TCSANOW, &tty.saved);
	tty.active = false;
}

/* Messages printed while the screen is ours are kept, and shown after. */
static void errors_hold(void)
{
	FILE *mem = open_memstream(&tty.errors, &tty.errors_len);

	if (!mem)
		return;
	tty.stderr_saved = stderr;
	stderr = mem;
}

static void errors_release(void)
{
	if (!tty.stderr_saved)
		return;
	fclose(stderr);
	stderr = tty.stderr_saved;
	tty.stderr_saved = NULL;
	if (tty.errors_len)
		fwrite(tty.errors, 1, tty.errors_len, stderr);
	free(tty.errors);
	tty.errors = NULL;
}

static void tty_size(struct top_view *v)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		v->width = ws.ws_col;
		v->height = ws.ws_row;
	} else {
		v->width = 80;
		v->height = 24;
	}
}

/* One frame: each line from the first column, erased first, then the rest cleared. */
static void draw(const struct top_view *v, const struct top_sample *cur,
		 const struct top_sample *prev)
{
	char *text = NULL, *frame = NULL, *line, *end;
	size_t len = 0, flen = 0;
	FILE *mem = open_memstream(&text, &len), *out;
	unsigned int row = 1;

	if (!mem)
		return;
	top_render(mem, v, cur, prev);
	fclose(mem);
	out = open_memstream(&frame, &flen);
	if (!out || !text) {
		free(text);
		if (out)
			fclose(out);
		free(frame);
		return;
	}
	for (line = text; (end = strchr(line, '\n')); line = end + 1, ++row)
		fprintf(out, "\033[%u;1H\033[2K%.*s", row, (int)(end - line), line);
	fprintf(out, "\033[%u;1H\033[J", row);
	fclose(out);
	if (frame)
		tty_write(frame);
	free(text);
	free(frame);
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP };

/* Catch the signals above, blocked but in poll: @old gets the mask to poll with. */
static void signals_catch(sigset_t *old)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;
	size_t i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); ++i) {
		sigaction(tty_signals[i], &sa, NULL);
		sigaddset(&block, tty_signals[i]);
	}
	sigprocmask(SIG_BLOCK, &block, old);
}

static void signals_restore(const sigset_t *old)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); ++i)
		sigaction(tty_signals[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Ctrl-Z: the terminal back, stop; on fg take it again. */
static void suspend(const sigset_t *old)
{
	tty_leave();
	signal(SIGTSTP, SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
	raise(SIGTSTP);
	signals_catch(NULL);
	tty_enter();
}

/* Keys waiting on the terminal, through top_key(); the combined action. */
static enum top_action read_keys(struct top_view *v)
{
	enum top_action act = TOP_NONE, k;
	unsigned char buf[64];
	ssize_t n, i;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	for (i = 0; i < n; ++i) {
		k = top_key(v, buf[i]);
		if (k == TOP_QUIT)
			return TOP_QUIT;
		if (k > act)
			act = k;
	}
	return act;
}

/* Wait for a key, a signal or @deadline (monotonic ms; 0: none). */
static enum top_action wait_event(struct top_view *v, uint64_t deadline, const sigset_t *old)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t now = now_ms();
	struct timespec ts = { 0 };
	int r;

	if (deadline > now) {
		ts.tv_sec = (time_t)((deadline - now) / 1000);
		ts.tv_nsec = (long)((deadline - now) % 1000) * 1000000;
	}
	r = ppoll(&pfd, 1, deadline ? &ts : NULL, old);
	if (got_signal)
		return TOP_QUIT;
	if (got_tstp) {
		got_tstp = 0;
		suspend(old);
		got_winch = 1;
	}
	if (got_winch) {
		got_winch = 0;
		tty_size(v);
		return TOP_REDRAW;
	}
	if (r > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return TOP_QUIT;		/* the terminal is gone */
	if (r > 0)
		return read_keys(v);
	return TOP_NONE;
}

/* The full screen until q, a signal or an error; the exit status. */
static int top_tty_loop(struct ipc *ipc, struct top_args *a, struct top_sample s[2],
			const sigset_t *old)
{
	struct top_sample *cur = &s[0], *prev = &s[1];
	bool have_prev = false;
	uint64_t next = 0;
	uint32_t done = 0;
	enum top_action act = TOP_REFETCH;

	for (;;) {
		if (act == TOP_REFETCH || (!a->view.paused && now_ms() >= next)) {
			if (a->count && done == a->count)
				return 0;
			if (done)
				swap_samples(&cur, &prev);
			if (fetch(ipc, a, cur))
				return 1;
			have_prev = done++ > 0;
			next = now_ms() + a->delay_ms;
			act = TOP_REDRAW;
		}
		if (act == TOP_REDRAW)
			draw(&a->view, cur, have_prev ? prev : NULL);
		act = wait_event(&a->view, a->view.paused ? 0 : next, old);
		if (act == TOP_QUIT)
			return got_signal == SIGTERM || got_signal == SIGHUP ? 128 + got_signal : 0;
	}
}

static int top_tty(struct ipc *ipc, struct top_args *a, struct top_sample s[2])
{
	sigset_t old;
	int ret;

	got_signal = got_winch = got_tstp = 0;
	signals_catch(&old);
	if (tty_enter()) {
		signals_restore(&old);
		return top_plain(ipc, a, s);
	}
	errors_hold();
	tty_size(&a->view);
	ret = top_tty_loop(ipc, a, s, &old);
	tty_leave();
	errors_release();
	signals_restore(&old);
	return ret;
}

int top_main(int argc, char *argv[])
{
	struct top_sample s[2] = { 0 };
	struct top_args a;
	struct ipc *ipc;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	if (opt_json) {
		fputs(PROG_NAME ": top has no JSON output (ps -j has the same figures)\n", stderr);
		return 1;
	}
	if (ipc_open(&ipc, 0))
		return 1;
	if (!a.batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		static bool registered;

		/* the terminal back even if something calls exit() */
		if (!registered && !atexit(tty_leave))
			registered = true;
		ret = top_tty(ipc, &a, s);
	} else {
		ret = top_plain(ipc, &a, s);
	}
	ipc_close(ipc);
	proc_list_free(&s[0].procs);
	proc_list_free(&s[1].procs);
	return ret;
}
