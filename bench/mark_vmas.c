// SPDX-License-Identifier: GPL-2.0
/*
 * mark_vmas [-n VMAS] [-r RUNS] [-k KSMCTL] [-o VARIANT]: how long it takes to
 * make a process with VMAS separate memory areas mergeable (-o: that variant
 * only, to profile it)
 *
 *   mark     one KSMCTL_CMD_MARK request from another process (the socket
 *            open and the family resolved beforehand): send to ack
 *   prctl    the process itself calling prctl(PR_SET_MEMORY_MERGE, 1),
 *            which does the same to the same VMAs (Linux 6.4+)
 *   cli      `ksmctl merge PID', the whole command (exec, family lookup,
 *            output), for scale
 *
 * and, for the fixed cost of a request, a GET_STATUS round trip on the same
 * socket (`status').
 *
 * Every run uses a fresh process: it maps VMAS pages and mprotect()s every
 * other one read-only, so that no two neighbours can merge, and counts the
 * lines of its /proc/self/maps. The variants run in turn (mark, prctl, cli,
 * mark, ...), RUNS times each; medians are reported. The first run of each
 * variant also counts the VMAs flagged "mg" in /proc/PID/smaps afterwards:
 * the same number for all of them means they covered the same VMAs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/uapi/linux/ksmctl.h"
#include "ksmctl_lib.h"
#include "nl.h"

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#endif

enum { V_MARK, V_PRCTL, V_CLI, V_STATUS, NVARIANTS };
static const char *const vname[NVARIANTS] = { "mark", "prctl", "cli", "status" };

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

struct child {
	pid_t pid;
	int cmd;	/* write end: commands */
	FILE *out;	/* its answers */
	long maps;	/* lines of its /proc/self/maps */
};

static long count_lines(const char *path, const char *needle)
{
	char line[512];
	long n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!needle || strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

/* the child: VMAS one-page VMAs, then commands from fd 0, answers to fd 1 */
static void child_main(long nvmas)
{
	long psz = sysconf(_SC_PAGESIZE), i;
	char *mem, c;
	FILE *out = fdopen(1, "w");

	mem = mmap(NULL, nvmas * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || !out)
		_exit(1);
	for (i = 0; i < nvmas; i++)
		mem[i * psz] = (char)i;
	for (i = 1; i < nvmas; i += 2)
		if (mprotect(mem + i * psz, psz, PROT_READ))
			_exit(1);
	fprintf(out, "ready %ld\n", count_lines("/proc/self/maps", NULL));
	fflush(out);
	while (read(0, &c, 1) == 1) {
		if (c == 'p') {
			double t0 = now_us(), t;
			int rc = prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0);

			t = now_us() - t0;
			fprintf(out, "%d %.1f\n", rc ? errno : 0, t);
			fflush(out);
		}
	}
	_exit(0);
}

static int child_start(struct child *ch, long nvmas)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out))
		return -errno;
	ch->pid = fork();
	if (ch->pid < 0)
		return -errno;
	if (ch->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		child_main(nvmas);
	}
	close(in[0]);
	close(out[1]);
	ch->cmd = in[1];
	ch->out = fdopen(out[0], "r");
	if (!ch->out || fscanf(ch->out, " ready %ld", &ch->maps) != 1)
		return -EIO;
	return 0;
}

static void child_stop(struct child *ch)
{
	kill(ch->pid, SIGKILL);
	waitpid(ch->pid, NULL, 0);
	close(ch->cmd);
	fclose(ch->out);
}

/* prctl in the child: its errno (0 on success), the time in *us */
static int child_prctl(struct child *ch, double *us)
{
	int err;

	if (write(ch->cmd, "p", 1) != 1 || fscanf(ch->out, " %d %lf", &err, us) != 2)
		return EIO;
	return err;
}

static double run_cli(const char *ksmctl, pid_t pid)
{
	char arg[16];
	double t0 = now_us(), t;
	pid_t p;
	int st;

	snprintf(arg, sizeof(arg), "%d", pid);
	p = fork();
	if (p == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execlp(ksmctl, ksmctl, "merge", arg, (char *)NULL);
		_exit(127);
	}
	waitpid(p, &st, 0);
	t = now_us() - t0;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? t : -1;
}

/*
 * fork() made our writable pages copy-on-write, and nl_talk() writes some
 * 128 KiB of them (it clears its struct nl_ans, receives into a static
 * buffer): timed right after a fork, a request would also pay a page fault
 * (and, while the child lives, a page copy) for each, ~0.3-0.6 ms in the
 * TCG guest. A client that did not just fork has none: one untimed round
 * trip makes the pages ours again.
 */
static void unshare_buffers(int fd, int family, struct nl_ans *ans)
{
	struct nl_req req;

	nl_req_init(&req, family, KSMCTL_CMD_GET_STATUS, KSMCTL_GENL_VERSION, 0);
	nl_talk(fd, &req, ans);
}

/*
 * Time a settled process, as a long-running service is: the child's
 * mprotect()s split and merged thousands of VMAs, which 6.12 and later
 * free after an RCU grace period, and that deferred work would run inside
 * whichever timed window came first. Timed 100 ms after its set-up, prctl
 * also ran on the state the set-up had just warmed (20% faster than 1 s
 * later, under emulation), which a request from another process cannot.
 */
static void settle(void)
{
	usleep(1000 * 1000);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char *argv[])
{
	const char *ksmctl = "ksmctl";
	long nvmas = 10000, maps = 0, mg[NVARIANTS] = { 0 };
	int runs = 7, opt, fd, family, r, v, have_prctl, only = -1;
	double *t[NVARIANTS];
	char path[64];
	static struct nl_ans ans;

	while ((opt = getopt(argc, argv, "n:r:k:o:")) != -1) {
		switch (opt) {
		case 'n':
			nvmas = atol(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'k':
			ksmctl = optarg;
			break;
		case 'o':
			for (v = 0; v < NVARIANTS && strcmp(optarg, vname[v]); v++)
				;
			if (v == NVARIANTS)
				goto usage;
			only = v;
			break;
		default:
			goto usage;
		}
	}
	if (nvmas < 2 || runs < 1)
		return 2;
	for (v = 0; v < NVARIANTS; v++)
		t[v] = calloc(runs, sizeof(double));

	fd = nl_open();
	family = fd < 0 ? fd : ksmctl_family(fd);
	if (family < 0) {
		fprintf(stderr, "mark_vmas: ksmctl family: %s\n", strerror(-family));
		return 1;
	}

	/* Does this kernel have PR_SET_MEMORY_MERGE? */
	{
		struct child ch;
		double us;
		int err;

		if (child_start(&ch, 2))
			return 1;
		err = child_prctl(&ch, &us);
		child_stop(&ch);
		have_prctl = !err;
		if (err && err != EINVAL) {
			fprintf(stderr, "mark_vmas: prctl(PR_SET_MEMORY_MERGE): %s\n", strerror(err));
			return 1;
		}
	}

	for (r = 0; r < runs; r++) {
		for (v = 0; v < NVARIANTS; v++) {
			struct mark_rec rec;
			struct child ch;
			double t0;
			int err;

			if ((v == V_PRCTL && !have_prctl) || (only >= 0 && v != only))
				continue;
			if (v == V_STATUS) {
				struct nl_req req;

				unshare_buffers(fd, family, &ans);
				nl_req_init(&req, family, KSMCTL_CMD_GET_STATUS, KSMCTL_GENL_VERSION, 0);
				t0 = now_us();
				err = nl_talk(fd, &req, &ans);
				t[v][r] = now_us() - t0;
				if (err || ans.error) {
					fprintf(stderr, "mark_vmas: GET_STATUS failed\n");
					return 1;
				}
				continue;
			}
			err = child_start(&ch, nvmas);
			if (err) {
				fprintf(stderr, "mark_vmas: child: %s\n", strerror(-err));
				return 1;
			}
			if (ch.maps < nvmas) {
				fprintf(stderr, "mark_vmas: the child has %ld VMAs, not %ld: they merged\n",
					ch.maps, nvmas);
				return 1;
			}
			maps = ch.maps;
			settle();
			switch (v) {
			case V_MARK:
				unshare_buffers(fd, family, &ans);
				t0 = now_us();
				err = mark(fd, family, KSMCTL_CMD_MARK, ch.pid, NULL, &rec, &ans);
				t[v][r] = now_us() - t0;
				if (err || rec.vmas < nvmas) {
					fprintf(stderr, "mark_vmas: MARK: %s %s (%u VMAs marked)\n",
						strerror(-err), ans.extack_msg, err ? 0 : rec.vmas);
					return 1;
				}
				break;
			case V_PRCTL:
				err = child_prctl(&ch, &t[v][r]);
				if (err) {
					fprintf(stderr, "mark_vmas: prctl: %s\n", strerror(err));
					return 1;
				}
				break;
			case V_CLI:
				t[v][r] = run_cli(ksmctl, ch.pid);
				if (t[v][r] < 0) {
					fprintf(stderr, "mark_vmas: %s merge %d failed\n", ksmctl, ch.pid);
					return 1;
				}
				break;
			}
			if (r == 0) {
				snprintf(path, sizeof(path), "/proc/%d/smaps", ch.pid);
				mg[v] = count_lines(path, " mg");
			}
			child_stop(&ch);
		}
	}

	printf("vmas %ld (lines of /proc/PID/maps)\n", maps);
	for (v = 0; v < NVARIANTS; v++) {
		if (only >= 0 && v != only)
			continue;
		if (v == V_PRCTL && !have_prctl) {
			printf("%-6s unavailable (PR_SET_MEMORY_MERGE needs Linux 6.4+)\n", vname[v]);
			continue;
		}
		qsort(t[v], runs, sizeof(double), cmp_double);
		printf("%-6s median %.0f us  min %.0f  max %.0f  (%d runs", vname[v],
		       median(t[v], runs), t[v][0], t[v][runs - 1], runs);
		if (v == V_STATUS)
			printf("; a GET_STATUS request, for the fixed cost)\n");
		else
			printf("; %ld VMAs mergeable after)\n", mg[v]);
	}
	if (have_prctl && only < 0)
		printf("mark/prctl %.2f (medians), %.2f (minima)\n",
		       median(t[V_MARK], runs) / median(t[V_PRCTL], runs), t[V_MARK][0] / t[V_PRCTL][0]);
	close(fd);
	return 0;

usage:
	fprintf(stderr, "Usage: mark_vmas [-n VMAS] [-r RUNS] [-k KSMCTL] [-o mark|prctl|cli]\n");
	return 2;
}
