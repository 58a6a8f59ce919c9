#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module loads and unloads cleanly, at any moment: /proc/ksmctl and the
# netlink family appear and disappear with it, also while clients use them.
. "$(dirname "$0")/tap.sh"

tap_plan 8
echo 0 > /sys/kernel/mm/ksm/run

unload_module
check "load" insmod "$KSMCTL_KO"
check "sysfs_module_present" test -d /sys/module/ksmctl
check "proc_status_present" test -r /proc/ksmctl/status
check "proc_status_equals_sysfs" proc_matches_sysfs
check "unload" rmmod ksmctl
check "proc_dir_removed" test ! -e /proc/ksmctl

# 20 load/unload cycles while two clients hammer procfs and netlink
(while :; do cat /proc/ksmctl/status >/dev/null 2>&1; done) & r1=$!
(while :; do ksmctl status >/dev/null 2>&1; done) & r2=$!
cycles_ok=0
i=0
while [ $i -lt 20 ]; do
	insmod "$KSMCTL_KO" && rmmod ksmctl && cycles_ok=$((cycles_ok + 1))
	i=$((i + 1))
done
kill $r1 $r2 2>/dev/null
wait $r1 $r2 2>/dev/null
diag "$cycles_ok of 20 load/unload cycles under load"
check "reload_cycles_under_load" test "$cycles_ok" -eq 20

check "final_load" load_module
tap_end
