#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ksmctl command against the real module: errors without it, the same
# numbers as the kernel with it.
. "$(dirname "$0")/tap.sh"

tap_plan 7
out=/tmp/cli.out
err=/tmp/cli.err

unload_module
ksmctl status >$out 2>$err; rc=$?
check "no_module_exit_1" test "$rc" -eq 1
check "no_module_message" test "$(cat $err)" = "$NOT_LOADED_MSG"
check "no_module_no_stdout" test ! -s $out
ksmctl -j status >$out 2>$err; rc=$?
check "no_module_json_same_error" test "$rc" -eq 1 -a "$(cat $err)" = "$NOT_LOADED_MSG"

load_module
echo 0 > /sys/kernel/mm/ksm/run
echo 1234 > /sys/kernel/mm/ksm/pages_to_scan
ksmctl status >$out 2>$err; rc=$?
check "status_exit_0" test "$rc" -eq 0 -a ! -s $err
ksmctl -j status >$out 2>$err
pts=$(tr ',{}' '\n\n\n' < $out | sed -n 's/^ *"pages_to_scan": *\([0-9]*\) *$/\1/p')
check "status_json_live_value" test "$pts" = "1234"
ver=$(sed -n 's/^version //p' /proc/ksmctl/status)
check "version_reports_module" sh -c "ksmctl version | grep -qF '$ver'"
echo 100 > /sys/kernel/mm/ksm/pages_to_scan
tap_end
