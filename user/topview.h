/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "ksmctl top" without a terminal: the screen drawn from two samples (the
 * change since the last refresh), and what each key does to the view.
 * Nothing here talks to the kernel or the terminal, so the unit tests drive
 * it with made-up samples.
 */
#ifndef TOPVIEW_H
#define TOPVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "procs.h"
#include "wire.h"

/* One refresh: the global state and the processes, and when. */
struct top_sample {
	struct ksmctl_status st;	/* with ksmd's CPU time when found */
	struct proc_list procs;
	bool proportional;		/* asked with KSMCTL_PROC_F_PROPORTIONAL */
	uint64_t mono_ms;		/* CLOCK_MONOTONIC, for rates */
	time_t wall;			/* the clock in the title */
};

#define TOP_INPUT_MAX 128

/* Where a typed line goes: the filter prompts. */
enum top_prompt {
	TOP_PROMPT_NONE,
	TOP_PROMPT_COMMAND,	/* "/" */
	TOP_PROMPT_USER,	/* "u" */
	TOP_PROMPT_CGROUP,	/* "g" */
};

/* What is shown and how. */
struct top_view {
	bool cgroups;			/* a row per cgroup, else per process */
	enum sort_key sort;
	bool sort_change;		/* by the change since the last refresh */
	bool proportional;		/* SAVED is the proportional saving */
	bool paused;
	bool help;			/* the list of keys instead of the rows */
	unsigned int width, height;	/* the screen; 0: no limit (plain lines) */
	struct proc_filter filter;	/* points into the strings below */
	char command[TOP_INPUT_MAX];
	char user[TOP_INPUT_MAX];
	char cgroup[PROC_PATH_MAX];
	enum top_prompt prompt;
	char input[PROC_PATH_MAX];	/* what is typed at the prompt */
	char message[160];		/* one line, until the next key */
};

/* Processes, sorted by saved, no filter, no limit. */
void top_view_init(struct top_view *v);

/*
 * Set a filter from text as typed (the command line or a prompt): a command
 * substring, a user name or uid, a cgroup (any form cgroup_path_normalize()
 * takes, that exists); "" removes it. 0, or -1 with v->message saying why
 * and the filter unchanged.
 */
int top_set_filter(struct top_view *v, enum top_prompt which, const char *text);

/*
 * Draw @cur, with the change since @prev (NULL: the first refresh), as
 * lines of at most v->width columns (cut, never wrapped), at most v->height
 * of them; no limit where 0. Control characters in names are escaped.
 */
void top_render(FILE *f, const struct top_view *v, const struct top_sample *cur,
		const struct top_sample *prev);

enum top_action {
	TOP_NONE,		/* nothing changed */
	TOP_REDRAW,		/* the same samples, drawn again */
	TOP_REFETCH,		/* new samples needed (what is asked of the kernel changed) */
	TOP_QUIT,
};

/* What key @key (a byte as read from the terminal) does to @v. */
enum top_action top_key(struct top_view *v, int key);

#endif
