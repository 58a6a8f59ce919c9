// SPDX-License-Identifier: GPL-2.0

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

bool opt_json;

int show_help(void (*usage)(FILE *f), const char *text)
{
	usage(stdout);
	fputc('\n', stdout);
	fputs(text, stdout);
	return 0;
}

int flag_options(int argc, char *argv[], bool *json, void (*usage)(FILE *f), int (*help)(void))
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *optstring = json ? "+:jh" : "+:h";
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, json ? options : options + 1, NULL)) != -1) {
		if (c == 'h')
			return help();
		if (c == 'j') {
			*json = true;
			continue;
		}
		option_error(c, argv, optstring);
		usage(stderr);
		return 1;
	}
	return -1;
}

/*
 * With opterr = 0, glibc and musl leave these cases:
 *  - ':' a required argument is missing: optopt is the option, optind has
 *    moved past the element, which is "--name" for a long option;
 *  - '?' with optopt a known option letter, or the value (above 0x7f) of a
 *    long option without a short form: a long option without argument was
 *    given "--name=value"; optind has moved past it;
 *  - '?' with optopt 0: an unknown or ambiguous long option, likewise;
 *  - '?' otherwise: optopt is an unknown short option letter.
 */
void option_error(int c, char *argv[], const char *optstring)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	bool is_long = arg && !strncmp(arg, "--", 2);
	int len = is_long ? (int)strcspn(arg, "=") : 0;

	if (c == ':') {
		if (is_long)
			fprintf(stderr, PROG_NAME ": Option `%.*s' requires an argument\n", len, arg);
		else
			fprintf(stderr, PROG_NAME ": Option `-%c' requires an argument\n", optopt);
	} else if (is_long && optopt &&
		   (optopt > 0x7f || (optopt != ':' && strchr(optstring, optopt)))) {
		/* A long option; those without a short form have values above 0x7f. */
		fprintf(stderr, PROG_NAME ": Option `%.*s' does not take an argument\n", len, arg);
	} else if (!optopt && arg) {
		fprintf(stderr, PROG_NAME ": Invalid option `%s'\n", arg);
	} else {
		fprintf(stderr, PROG_NAME ": Invalid option `-%c'\n", optopt);
	}
}

int unexpected_argument(const char *arg, void (*usage)(FILE *f))
{
	fprintf(stderr, PROG_NAME ": Unexpected argument `%s'\n", arg);
	usage(stderr);
	return 1;
}

bool extra_arguments(int argc, char *argv[], int first, void (*usage)(FILE *f))
{
	if (first >= argc)
		return false;
	unexpected_argument(argv[first], usage);
	return true;
}
