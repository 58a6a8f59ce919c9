#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `tests/vm/run <kernel> --demo' shows, inside the guest, with ksmctl.ko
# already loaded: the CLI and the /proc interface, live.

step() {
	echo
	echo "\$ $*"
	"$@"
}

set -e
step ksmctl status
step ksmctl status -j
step cat /proc/ksmctl/status
