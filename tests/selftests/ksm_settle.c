// SPDX-License-Identifier: GPL-2.0
/*
 * ksm_settle [TIMEOUT]: run ksmd flat out until its counters stop changing,
 * then stop it (for shell tests and the demo). ksm_settle --reset: unmerge
 * everything and restore the default tunables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksmctl_lib.h"

int main(int argc, char *argv[])
{
	if (argc > 1 && !strcmp(argv[1], "--reset")) {
		ksm_reset();
		return 0;
	}
	if (ksm_settle(argc > 1 ? atoi(argv[1]) : 120)) {
		fprintf(stderr, "ksm_settle: ksmd did not settle\n");
		return 1;
	}
	return 0;
}
