// SPDX-License-Identifier: GPL-2.0
/*
 * ksmctl run [--] CMD [ARGS...]: run a command with its whole life, and
 * that of its descendants, mergeable.
 *
 * The child waits on a pipe; the parent adds a rule "merge pid=CHILD tree"
 * and then lets it exec CMD, so CMD's memory is covered from its first
 * mapping (the module's exec hook). When the child exits the parent deletes
 * the rule and exits with the child's status (128 + signal if killed). If
 * the parent itself is killed the rule stays, matching nothing once the
 * child is gone (ksmctl rule list shows pid=0): delete it by hand.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc.h"
#include "ksmsys.h"
#include "options.h"
#include "ruleset.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fputs("Usage: " PROG_NAME " run [--] COMMAND [ARGS...]\n", f);
}

static const char help_text[] =
	"Run COMMAND with its memory, and that of its descendants, mergeable all its\n"
	"life: a rule for it (merge pid=PID tree), deleted when it exits. The exit\n"
	"status is COMMAND's (128 + the signal if killed).\n"
	"\n"
	"Options:\n"
	"  -h, --help             Show this help\n";

static int help(void)
{
	return show_help(usage, help_text);
}

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int run_main(int argc, char *argv[])
{
	struct ksmctl_rule r = { .action = KSMCTL_RULE_MERGE, .flags = KSMCTL_RULE_F_TREE,
				 .has_pid = true };
	struct sigaction sa = { .sa_handler = forward };
	struct ipc *ipc;
	int go[2], status, i;
	uint32_t id = 0;
	char c = 0;

	i = flag_options(argc, argv, NULL, usage, help);
	if (i >= 0)
		return i;
	i = optind;
	if (i >= argc) {
		fputs(PROG_NAME ": Missing command\n", stderr);
		usage(stderr);
		return 1;
	}
	if (ipc_open(&ipc, 0))
		return 1;
	warn_if_ksmd_stopped();
	if (pipe(go)) {
		perror(PROG_NAME ": Unable to create a pipe");
		ipc_close(ipc);
		return 1;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		perror(PROG_NAME ": Unable to fork");
		ipc_close(ipc);
		return 1;
	}
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1 || c != 'g')
			_exit(127);	/* the parent could not add the rule */
		close(go[0]);
		execvp(argv[i], argv + i);
		fprintf(stderr, PROG_NAME ": Unable to run `%s': %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	close(go[0]);
	r.pid = child;
	if (ipc_rule_add(ipc, &r, &id, NULL)) {
		close(go[1]);
		waitpid(child, NULL, 0);
		ipc_close(ipc);
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	if (write(go[1], "g", 1) != 1)
		perror(PROG_NAME ": Unable to start the command");
	close(go[1]);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 127 << 8;
			break;
		}
	}
	ipc_rule_del(ipc, id);
	ipc_close(ipc);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
