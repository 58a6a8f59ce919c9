// SPDX-License-Identifier: GPL-2.0

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "array.h"
#include "json.h"
#include "options.h"
#include "procs.h"
#include "ruleset.h"
#include "users.h"

int rule_list_add(struct rule_list *l, const struct ksmctl_rule *r)
{
	struct ksmctl_rule *rules = array_grow(l->rules, &l->cap, l->n, sizeof(*rules), 8);

	if (!rules)
		return -ENOMEM;
	l->rules = rules;
	l->rules[l->n++] = *r;
	return 0;
}

void rule_list_free(struct rule_list *l)
{
	free(l->rules);
	*l = (struct rule_list){ 0 };
}

int rule_parse_action(const char *s, uint32_t *action)
{
	if (!strcmp(s, "merge"))
		*action = KSMCTL_RULE_MERGE;
	else if (!strcmp(s, "never"))
		*action = KSMCTL_RULE_NEVER;
	else
		return -EINVAL;
	return 0;
}

const char *rule_action_name(uint32_t action)
{
	switch (action) {
	case KSMCTL_RULE_MERGE:
		return "merge";
	case KSMCTL_RULE_NEVER:
		return "never";
	default:
		return "unknown";
	}
}

int rule_check(const struct ksmctl_rule *r, const char **why)
{
	if (r->action != KSMCTL_RULE_MERGE && r->action != KSMCTL_RULE_NEVER) {
		*why = "Missing action (merge or never)";
		return -EINVAL;
	}
	if (!r->has_pid && !r->has_uid && !r->cgroup[0] && !r->exe[0] && !r->comm[0]) {
		*why = "Missing match (pid, cgroup, exe, comm or uid)";
		return -EINVAL;
	}
	if ((r->flags & KSMCTL_RULE_F_TREE) && !r->has_pid) {
		*why = "`tree' needs a pid";
		return -EINVAL;
	}
	if ((r->flags & KSMCTL_RULE_F_RECURSIVE) && !r->cgroup[0]) {
		*why = "`recursive' needs a cgroup";
		return -EINVAL;
	}
	return 0;
}

int rule_format(const struct ksmctl_rule *r, char *buf, size_t size)
{
	size_t len = 0;
	int n;

#define PUT(...)							\
	do {								\
		n = snprintf(buf + (len < size ? len : size),		\
			     len < size ? size - len : 0, __VA_ARGS__);	\
		if (n > 0)						\
			len += n;					\
	} while (0)

	if (size)
		buf[0] = '\0';
	PUT("%s", rule_action_name(r->action));
	if (r->has_pid)
		PUT(" pid=%u%s", r->pid, r->flags & KSMCTL_RULE_F_TREE ? " tree" : "");
	if (r->cgroup[0])
		PUT(" cgroup=%s%s", r->cgroup,
		    r->flags & KSMCTL_RULE_F_RECURSIVE ? " recursive" : "");
	if (r->exe[0])
		PUT(" exe=%s", r->exe);
	if (r->comm[0])
		PUT(" comm=%s", r->comm);
	if (r->has_uid)
		PUT(" uid=%u", r->uid);
#undef PUT
	return len;
}

static int errf(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int rule_parse_line(const char *line, struct ksmctl_rule *r, char *err, size_t errsize)
{
	char buf[2 * RULE_PATH_MAX + 256], *tok, *save = NULL;
	const char *why;
	bool first = true;

	memset(r, 0, sizeof(*r));
	if (strlen(line) >= sizeof(buf))
		return errf(err, errsize, "Line too long");
	snprintf(buf, sizeof(buf), "%s", line);
	tok = strchr(buf, '#');
	if (tok)
		*tok = '\0';
	for (tok = strtok_r(buf, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		char *val = strchr(tok, '=');

		if (first) {
			first = false;
			if (rule_parse_action(tok, &r->action))
				return errf(err, errsize, "Unknown action `%s'", tok);
			continue;
		}
		if (!val) {
			if (!strcmp(tok, "tree"))
				r->flags |= KSMCTL_RULE_F_TREE;
			else if (!strcmp(tok, "recursive"))
				r->flags |= KSMCTL_RULE_F_RECURSIVE;
			else
				return errf(err, errsize, "Unknown word `%s'", tok);
			continue;
		}
		*val++ = '\0';
		if (!strcmp(tok, "pid")) {
			if (r->has_pid)
				return errf(err, errsize, "Duplicate `pid'");
			if (parse_pid(val, &r->pid))
				return errf(err, errsize, "Invalid pid `%s'", val);
			r->has_pid = true;
		} else if (!strcmp(tok, "uid")) {
			if (r->has_uid)
				return errf(err, errsize, "Duplicate `uid'");
			if (user_parse(val, &r->uid))
				return errf(err, errsize, isdigit((unsigned char)val[0]) ||
					    val[0] == '-' ? "Invalid uid `%s'" :
					    "Unknown user `%s'", val);
			r->has_uid = true;
		} else if (!strcmp(tok, "cgroup")) {
			if (r->cgroup[0])
				return errf(err, errsize, "Duplicate `cgroup'");
			if (cgroup_path_normalize(val, r->cgroup, sizeof(r->cgroup)))
				return errf(err, errsize, "Invalid cgroup `%s'", val);
		} else if (!strcmp(tok, "exe")) {
			if (r->exe[0])
				return errf(err, errsize, "Duplicate `exe'");
			if (val[0] != '/')
				return errf(err, errsize, "Executable path must be absolute: `%s'", val);
			if (strlen(val) >= sizeof(r->exe))
				return errf(err, errsize, "Executable path too long");
			snprintf(r->exe, sizeof(r->exe), "%s", val);
		} else if (!strcmp(tok, "comm")) {
			if (r->comm[0])
				return errf(err, errsize, "Duplicate `comm'");
			if (!val[0] || strlen(val) >= sizeof(r->comm))
				return errf(err, errsize, "Process name must be 1 to 15 bytes: `%s'", val);
			snprintf(r->comm, sizeof(r->comm), "%s", val);
		} else {
			return errf(err, errsize, "Unknown match `%s'", tok);
		}
	}
	if (first)
		return 0;
	if (rule_check(r, &why))
		return errf(err, errsize, "%s", why);
	return 1;
}

int rule_parse_file(FILE *f, const char *name, struct rule_list *l)
{
	char *line = NULL, err[256];
	size_t cap = 0;
	unsigned int lineno = 0;
	ssize_t n;
	int ret = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		struct ksmctl_rule r;
		int ok;

		lineno++;
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		ok = rule_parse_line(line, &r, err, sizeof(err));
		if (ok < 0) {
			fprintf(stderr, PROG_NAME ": %s:%u: %s\n", name, lineno, err);
			ret = -EINVAL;
		} else if (ok > 0 && (r.line = lineno, rule_list_add(l, &r))) {
			ret = -ENOMEM;
			break;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, PROG_NAME ": Unable to read `%s': %s\n", name, strerror(errno));
		ret = -EIO;
	}
	free(line);
	return ret;
}

void rule_print_list_text(FILE *f, const struct rule_list *l)
{
	char buf[2 * RULE_PATH_MAX + 256];
	size_t i;

	fprintf(f, "%4s %8s  %s\n", "ID", "HITS", "RULE");
	for (i = 0; i < l->n; i++) {
		rule_format(&l->rules[i], buf, sizeof(buf));
		fprintf(f, "%4u %8llu  %s\n", l->rules[i].id,
			(unsigned long long)l->rules[i].hits, buf);
	}
}

void rule_print_list_conf(FILE *f, const struct rule_list *l)
{
	char buf[2 * RULE_PATH_MAX + 256];
	size_t i;

	fputs("# ksmctl rules, as /etc/ksmctl.conf and 'ksmctl apply' take them\n", f);
	for (i = 0; i < l->n; i++) {
		rule_format(&l->rules[i], buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
}

void rule_print_list_json(FILE *f, const struct rule_list *l)
{
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_array_begin(&j);
	for (i = 0; i < l->n; i++) {
		const struct ksmctl_rule *r = &l->rules[i];

		json_object_begin(&j);
		json_kv_u64(&j, "id", r->id);
		json_kv_string(&j, "action", rule_action_name(r->action));
		json_kv_u64(&j, "hits", r->hits);
		if (r->has_pid) {
			json_kv_u64(&j, "pid", r->pid);
			json_kv_bool(&j, "tree", r->flags & KSMCTL_RULE_F_TREE);
		}
		if (r->cgroup[0]) {
			json_kv_string(&j, "cgroup", r->cgroup);
			json_kv_bool(&j, "recursive", r->flags & KSMCTL_RULE_F_RECURSIVE);
		}
		if (r->exe[0])
			json_kv_string(&j, "exe", r->exe);
		if (r->comm[0])
			json_kv_string(&j, "comm", r->comm);
		if (r->has_uid)
			json_kv_u64(&j, "uid", r->uid);
		json_object_end(&j);
	}
	json_array_end(&j);
}
