#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module loads and unloads cleanly, at any moment: /proc/ksmctl and the
# netlink family appear and disappear with it, also while clients use them.
. "$(dirname "$0")/tap.sh"

PARAMS=/sys/module/ksmctl/parameters

# the rules' periods (module parameters): "<period> <least scan period>"
rules_periods() { echo $(cat $PARAMS/rules_period_ms $PARAMS/rules_scan_min_ms); }
# their modes, as ls -l shows them
rules_periods_modes() {
	echo $(ls -l $PARAMS/rules_period_ms $PARAMS/rules_scan_min_ms | cut -c1-10)
}
# rules_periods_at_load ARG...: rules_periods of the module loaded with ARGs
rules_periods_at_load() {
	insmod "$KSMCTL_KO" "$@" || return
	rules_periods
	rmmod ksmctl
}

tap_plan 12
echo 0 > /sys/kernel/mm/ksm/run

unload_module
check "load" insmod "$KSMCTL_KO"
check "sysfs_module_present" test -d /sys/module/ksmctl
check "proc_status_present" test -r /proc/ksmctl/status
check "proc_status_equals_sysfs" proc_matches_sysfs
check_eq "rules_periods_default" "$(rules_periods)" "400 10000"
check_eq "rules_periods_read_only" "$(rules_periods_modes)" "-r--r--r-- -r--r--r--"
check "unload" rmmod ksmctl
check "proc_dir_removed" test ! -e /proc/ksmctl
check_eq "rules_periods_set_at_load" \
	"$(rules_periods_at_load rules_period_ms=200 rules_scan_min_ms=5000)" "200 5000"
check_eq "rules_period_zero_refused" "$(rules_periods_at_load rules_period_ms=0 2>/dev/null)" ""

# rmmod, again while it says busy (EAGAIN): a dump in flight (status lists
# the processes while ksmd is stopped) holds the module; 30 tries at most
rmmod_busy_retry() {
	n=0
	until rmmod ksmctl 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 30 ] || { rmmod ksmctl; return 1; }
		sleep 1
	done
}

# 20 load/unload cycles while two clients hammer procfs and netlink
(while :; do cat /proc/ksmctl/status >/dev/null 2>&1; done) & r1=$!
(while :; do ksmctl status >/dev/null 2>&1; done) & r2=$!
cycles_ok=0
i=0
while [ $i -lt 20 ]; do
	insmod "$KSMCTL_KO" && rmmod_busy_retry && cycles_ok=$((cycles_ok + 1))
	i=$((i + 1))
done
kill $r1 $r2 2>/dev/null
wait $r1 $r2 2>/dev/null
diag "$cycles_ok of 20 load/unload cycles under load"
check "reload_cycles_under_load" test "$cycles_ok" -eq 20

check "final_load" load_module
tap_end
