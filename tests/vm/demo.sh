#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo' shows, inside the guest, with ksmctl.ko loaded: six
# copies of a static program that never calls madvise() hold 16 MiB of
# identical data each; KSM saves nothing until `ksmctl merge' marks them,
# without restarting them.

COPIES=6
T=/tests

say() {
	echo
	echo "### $*"
}

step() {
	echo
	echo "\$ $*"
	"$@"
}

say "The kernel's KSM state, as ksmctl sees it"
step ksmctl status

say "Start $COPIES copies of a static program that never calls madvise()"
pids=""
i=0
while [ $i -lt $COPIES ]; do
	sleep 100000 | "$T/ksm_target" 16 >/tmp/demo$i.out &
	n=0
	while ! grep -q ready /tmp/demo$i.out 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	pids="$pids $(cut -d' ' -f2 /tmp/demo$i.out)"
	i=$((i + 1))
done
echo "started:$pids"

say "ksmd runs, but none of their memory is mergeable: nothing to show"
"$T/ksm_settle" 120
step ksmctl ps --all --command ksm_target

say "Mark them mergeable from outside, no restart, no LD_PRELOAD"
# shellcheck disable=SC2086
step ksmctl merge $pids
"$T/ksm_settle" 300

say "Who saves what"
step ksmctl ps
say "Each copy maps its merged pages, but six mappings share each page: the"
say "proportional view splits every saving among them and adds up to 'saved'"
step ksmctl ps --proportional
step ksmctl status
step cat /proc/ksmctl/processes
step ksmctl show "$(echo $pids | cut -d' ' -f1)"

say "And take it back"
# shellcheck disable=SC2086
step ksmctl unmerge $pids
"$T/ksm_settle" 120
step ksmctl status

# shellcheck disable=SC2086
kill $pids 2>/dev/null	# shellcheck disable=SC2086
killall sleep 2>/dev/null
"$T/ksm_settle" --reset
