#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ksmctl command against the real module: clear errors without it or
# with bad input, and the same numbers as the kernel with it.
. "$(dirname "$0")/tap.sh"
T=$(dirname "$0")

tap_plan 39
out=/tmp/cli.out
err=/tmp/cli.err

# json_field FILE KEY: the values of "KEY": in one-key-per-line JSON
json_field() { sed -n "s/^ *\"$2\": *\"*\([^\",]*\)\"*,*$/\1/p" "$1"; }

# --- without the module ---
unload_module
# status shows what /sys/kernel/mm/ksm shows, and says what needs the module
ksmctl status >$out 2>$err; rc=$?
check "no_module_status_exit_0" test "$rc" -eq 0 -a ! -s $err
check "no_module_status_reads_sysfs" \
	grep -q "pages_to_scan $(cat /sys/kernel/mm/ksm/pages_to_scan)," $out
check "no_module_status_says_how" \
	grep -q "^module: *not loaded: per-process figures need it (" $out
ksmctl -j status >$out 2>$err; rc=$?
check "no_module_json_version_null" sh -c "test $rc -eq 0 && grep -q '\"module_version\": null' $out"
ksmctl ps >$out 2>$err; rc=$?
check "no_module_ps_same_error" test "$rc" -eq 1 -a "$(cat $err)" = "$NOT_LOADED_MSG"

# --- status ---
load_module
echo 0 > /sys/kernel/mm/ksm/run
echo 1234 > /sys/kernel/mm/ksm/pages_to_scan
ksmctl status >$out 2>$err; rc=$?
check "status_exit_0" test "$rc" -eq 0 -a ! -s $err
ksmctl -j status >$out 2>$err
check "status_json_live_value" test "$(json_field $out pages_to_scan)" = "1234"
check "status_json_ksmd_cpu" test -n "$(json_field $out ksmd_cpu_ms)"
ver=$(sed -n 's/^version //p' /proc/ksmctl/status)
check "version_reports_module" sh -c "ksmctl version | grep -qF '$ver'"
ksmctl status -o prometheus >$out 2>$err
check "status_prometheus" grep -q '^ksmctl_pages_to_scan 1234$' $out
echo 100 > /sys/kernel/mm/ksm/pages_to_scan

# --- ksmd: the kernel's knobs, set and shown (no module needed) ---
sleep_was=$(cat /sys/kernel/mm/ksm/sleep_millisecs)
ksmctl ksmd set pages_to_scan=1500 sleep_millisecs=15 >$out 2>$err; rc=$?
check "ksmd_set" test "$rc" -eq 0 -a ! -s $err -a "$(cat /sys/kernel/mm/ksm/pages_to_scan)" = 1500 \
	-a "$(cat /sys/kernel/mm/ksm/sleep_millisecs)" = 15
ksmctl -j ksmd >$out 2>$err
check "ksmd_json" test "$(json_field $out pages_to_scan)" = 1500
ksmctl ksmd >$out 2>$err
check "ksmd_text_run_named" grep -q '^run  *0 (stopped)$' $out
ksmctl ksmd set pages_to_scan=0 sleep_millisecs=1 >$out 2>$err; rc=$?
check "ksmd_bad_value_changes_nothing" sh -c "test $rc -eq 1 -a \$(cat /sys/kernel/mm/ksm/sleep_millisecs) = 15 && grep -q 'expected 1 to' $err"
if [ -e /sys/kernel/mm/ksm/smart_scan ]; then
	ksmctl ksmd set smart_scan=1 >$out 2>$err; rc=$?
	check "ksmd_knob_of_this_kernel" test "$rc" -eq 0
else
	ksmctl ksmd set smart_scan=1 >$out 2>$err; rc=$?
	check "ksmd_knob_this_kernel_lacks" sh -c "test $rc -eq 1 && grep -q 'This kernel has no ksmd knob' $err"
fi
"$T/run_as" 65534 ksmctl ksmd set pages_to_scan=200 >$out 2>$err; rc=$?
check "ksmd_set_unprivileged" sh -c "test $rc -eq 1 && grep -q 'Unable to set pages_to_scan: Permission denied' $err"
echo 0 > /sys/kernel/mm/ksm/run
ksmctl merge $$ >$out 2>$err; rc=$?
check "merge_warns_ksmd_stopped" sh -c "test $rc -eq 0 && grep -q 'ksmd is stopped' $err"
# status names the memory that waits for ksmd (this shell's, at least)
ksmctl status >$out 2>$err; rc=$?
check "status_says_mergeable_not_scanned" sh -c "test $rc -eq 0 -a ! -s $err && grep -q '^not scanned: .* marked mergeable in [0-9]* process' $out"
ksmctl -j status >$out 2>$err
check "status_json_unscanned" test "$(json_field $out unscanned_processes)" -ge 1
ksmctl unmerge $$ >$out 2>$err; rc=$?
check "unmerge_does_not_warn" test "$rc" -eq 0 -a ! -s $err
unload_module
ksmctl ksmd >$out 2>$err; rc=$?
check "ksmd_without_module" test "$rc" -eq 0 -a -s $out
load_module
ksmctl ksmd set pages_to_scan=100 sleep_millisecs="$sleep_was"

# --- ps against the kernel's own per-process files ---
"$T/ksm_settle" --reset
mkdir -p /sys/fs/cgroup/ksmctl-a /sys/fs/cgroup/ksmctl-b
pids=""
i=0
while [ $i -lt 4 ]; do
	# a target waits for commands on stdin: give it one that stays open
	sleep 100000 | "$T/ksm_target" --madvise 2 >/tmp/t$i.out &
	n=0
	while ! grep -q ready /tmp/t$i.out 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	pid=$(cut -d' ' -f2 /tmp/t$i.out)
	pids="$pids $pid"
	if [ $((i % 2)) -eq 0 ]; then cg=a; else cg=b; fi
	echo $pid > /sys/fs/cgroup/ksmctl-$cg/cgroup.procs
	i=$((i + 1))
done
"$T/ksm_settle" 180
ksmctl -j ps >$out 2>$err; rc=$?
check "ps_json_exit_0" test "$rc" -eq 0
cp $out /tmp/ps.json
# merging pages of PID in a ps -j output
merging_in() {
	awk -v p="$1" '/"pid":/ { v = $0; gsub(/[^0-9]/, "", v); cur = v }
		/"merging_pages":/ && cur == p { v = $0; gsub(/[^0-9]/, "", v); print v }' "$2"
}
first=$(echo $pids | cut -d' ' -f1)
if [ -e /proc/$first/ksm_merging_pages ]; then
	bad=0
	for pid in $pids; do
		want=$(cat /proc/$pid/ksm_merging_pages)
		got=$(merging_in $pid $out)
		[ "$want" -gt 0 ] && [ "$got" = "$want" ] || { diag "pid $pid: ps $got, kernel $want"; bad=1; }
	done
	check "ps_merging_equals_kernel" test $bad -eq 0
else
	skip "ps_merging_equals_kernel" "kernel has no /proc/PID/ksm_merging_pages (5.19+)"
fi

# --by cgroup: per-cgroup sums equal the per-process sums
sum_of() {	# CGROUP: sum of merging_pages of processes in it, from ps -j
	awk -v c="$1" '/"cgroup_path":/ { cg = $0; sub(/.*": "/, "", cg); sub(/".*/, "", cg) }
		/"merging_pages":/ { v = $0; gsub(/[^0-9]/, "", v); if (cg == c) s += v }
		END { print s + 0 }' $out
}
ksmctl -j ps --by cgroup >/tmp/cg.json 2>$err
cg_a=$(awk '/"cgroup_path": "\/ksmctl-a"/ { f = 1 } f && /"merging_pages":/ { gsub(/[^0-9]/, ""); print; exit }' /tmp/cg.json)
cg_b=$(awk '/"cgroup_path": "\/ksmctl-b"/ { f = 1 } f && /"merging_pages":/ { gsub(/[^0-9]/, ""); print; exit }' /tmp/cg.json)
diag "cgroup a: $cg_a (processes: $(sum_of /ksmctl-a)), b: $cg_b (processes: $(sum_of /ksmctl-b))"
check "by_cgroup_equals_process_sum" test -n "$cg_a" -a "$cg_a" = "$(sum_of /ksmctl-a)" -a \
	-n "$cg_b" -a "$cg_b" = "$(sum_of /ksmctl-b)" -a "$cg_a" -gt 0
ksmctl ps --cgroup /ksmctl-a >$out 2>$err
check "ps_text_filters_cgroup" test "$(grep -c ksm_target $out)" -eq 2
# the same cgroup as a path under the cgroup v2 mount point, and relative
ksmctl ps --cgroup /sys/fs/cgroup/ksmctl-a >$out 2>$err
check "ps_cgroup_mount_path" test "$(grep -c ksm_target $out)" -eq 2
ksmctl ps --cgroup ksmctl-a >$out 2>$err
check "ps_cgroup_relative" test "$(grep -c ksm_target $out)" -eq 2
ksmctl ps --cgroup /ksmctl-no-such >$out 2>$err; rc=$?
check "ps_cgroup_missing_is_an_error" sh -c "test $rc -eq 1 -a ! -s $out && grep -q 'No such cgroup' $err"
want=$(merging_in $first /tmp/ps.json)
ksmctl -j show $first >$out 2>$err; rc=$?
check "show_json_equals_ps" test "$rc" -eq 0 -a -n "$want" -a "$(json_field $out merging_pages | head -1)" = "$want"
ksmctl ps -o prometheus >$out
check "ps_prometheus" grep -q "^ksmctl_process_merging_pages{pid=\"$first\",comm=\"ksm_target\"" $out

# --- merge / unmerge errors ---
nopid=$(($(cat /proc/sys/kernel/pid_max) - 1))
while [ -e /proc/$nopid ]; do nopid=$((nopid - 1)); done
ksmctl merge $nopid >$out 2>$err; rc=$?
check "merge_unknown_pid" test "$rc" -eq 1 -a "$(cat $err)" = "ksmctl: Unable to mark pid $nopid: no such process"
ksmctl merge 2 >$out 2>$err; rc=$?
check "merge_kernel_thread" test "$rc" -eq 1 -a "$(cat $err)" = "ksmctl: Unable to mark pid 2: is a kernel thread, it has no user memory"
ksmctl merge --range 0x2000-0x1000 $first >$out 2>$err; rc=$?
diag "$(cat $err)"
check "merge_inverted_range" test "$rc" -eq 1 -a -s $err
"$T/run_as" 65534 ksmctl merge $first >$out 2>$err; rc=$?
diag "$(cat $err)"
check "merge_unprivileged" test "$rc" -eq 1 -a \
	"$(cat $err)" = "ksmctl: Unable to mark pid $first: changing another process's memory needs CAP_SYS_ADMIN"
"$T/run_as" 65534 ksmctl status >$out 2>$err; rc=$?
check "status_unprivileged" test "$rc" -eq 0

# --- unmerge, then merge: ps follows ---
ksmctl unmerge $pids >$out 2>$err; rc=$?
diag "$(head -1 $out)"
check "unmerge_exit_0" test "$rc" -eq 0 -a "$(grep -c '^pid' $out)" -eq 4
"$T/ksm_settle" 180
ksmctl -j ps >$out 2>$err
[ "$(grep -c '"pid":' $out)" -eq 0 ] || diag "$(ksmctl ps)"
check "ps_empty_after_unmerge" test "$(grep -c '"pid":' $out)" -eq 0
ksmctl merge $pids >$out 2>$err; rc=$?
diag "$(head -1 $out)"
check "merge_exit_0" test "$rc" -eq 0 -a "$(grep -c 'marked' $out)" -eq 4
"$T/ksm_settle" 180
ksmctl -j ps >$out 2>$err
[ "$(grep -c '"pid":' $out)" -eq 4 ] || diag "$(ksmctl ps)"
check "ps_shows_merged_again" test "$(grep -c '"pid":' $out)" -eq 4

kill $pids
killall sleep 2>/dev/null
wait 2>/dev/null
rm -f /tmp/t*.out
rmdir /sys/fs/cgroup/ksmctl-a /sys/fs/cgroup/ksmctl-b 2>/dev/null
"$T/ksm_settle" --reset
tap_end
