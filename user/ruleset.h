/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sticky rules in the tool: the rule, its text form (the /etc/ksmctl.conf
 * line, also what "ksmctl rule list" prints) and the configuration file.
 */
#ifndef RULESET_H
#define RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ksmctl.h>

#define RULE_PATH_MAX	4096
#define RULE_COMM_MAX	16	/* with the NUL, as TASK_COMM_LEN */

struct ksmctl_rule {
	uint32_t id;			/* from the kernel; 0 in a new rule */
	uint32_t action;		/* KSMCTL_RULE_* */
	uint32_t flags;			/* KSMCTL_RULE_F_* */
	bool has_pid, has_uid;
	uint32_t pid, uid;
	char cgroup[RULE_PATH_MAX];	/* "" when not matched on */
	char exe[RULE_PATH_MAX];
	char comm[RULE_COMM_MAX];
	uint64_t hits;			/* from the kernel */
	unsigned int line;		/* of the file it was read from, or 0 */
};

struct rule_list {
	struct ksmctl_rule *rules;
	size_t n, cap;
};

int rule_list_add(struct rule_list *l, const struct ksmctl_rule *r);
void rule_list_free(struct rule_list *l);

/* "merge" or "never" into KSMCTL_RULE_*; -EINVAL otherwise */
int rule_parse_action(const char *s, uint32_t *action);
const char *rule_action_name(uint32_t action);


/*
 * Check a rule has what the kernel needs (an action, a match, flags with
 * their match); on -EINVAL *why says what is wrong ("Missing match ...").
 */
int rule_check(const struct ksmctl_rule *r, const char **why);

/*
 * The rule's text form, the configuration line:
 *   merge pid=42 tree cgroup=/a recursive exe=/usr/bin/x comm=x uid=0
 * Returns the length, as snprintf().
 */
int rule_format(const struct ksmctl_rule *r, char *buf, size_t size);

/*
 * Parse one configuration line (no newline) into *r. Returns 1 for a rule,
 * 0 for a blank or comment line, -EINVAL with the message in err (as
 * "Unknown action `mrege'").
 */
int rule_parse_line(const char *line, struct ksmctl_rule *r, char *err, size_t errsize);

/*
 * Parse a whole configuration file into @l. Every error is printed as
 *   ksmctl: FILE:LINE: message
 * Returns 0, -EINVAL if any line was bad (l then holds the good ones), or
 * the negative errno of reading @name (printed).
 */
int rule_parse_file(FILE *f, const char *name, struct rule_list *l);

/*
 * The options of "ksmctl rule add" (argv[0] = "add") into *r: 0, 1 after
 * printing the error, 2 after printing the usage for --help.
 */
int rule_parse_args(int argc, char *argv[], struct ksmctl_rule *r);

void rule_print_list_text(FILE *f, const struct rule_list *l);
void rule_print_list_json(FILE *f, const struct rule_list *l);
/* What 'ksmctl apply' reads back: a comment line, then one rule a line. */
void rule_print_list_conf(FILE *f, const struct rule_list *l);

#endif
