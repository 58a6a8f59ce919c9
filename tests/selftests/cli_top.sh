#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ksmctl top against the real module and a workload: plain lines (the
# output is not a terminal) with the change since the last refresh while
# ksmd merges, the same figures as ps, cgroups; then on a terminal, in a
# tmux pane (top-tmux, from tests/unit), keys, resize and the terminal
# restored after q, Ctrl-C, SIGTERM and the module going away.
. "$(dirname "$0")/tap.sh"
T=$(cd "$(dirname "$0")" && pwd)
PATH=$T:$PATH

tap_plan 7
out=/tmp/top.out
err=/tmp/top.err

# a fresh module: no rule left by an earlier test marks the workload
unload_module
load_module
"$T/ksm_settle" --reset
mkdir -p /sys/fs/cgroup/ksmctl-top
pids=""
i=0
while [ $i -lt 3 ]; do
	# a target that does not madvise(): nothing merges until ksmctl merge
	sleep 100000 | "$T/ksm_target" 2 >/tmp/top-t$i.out &
	n=0
	while ! grep -q ready /tmp/top-t$i.out 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	pid=$(cut -d' ' -f2 /tmp/top-t$i.out)
	pids="$pids $pid"
	echo "$pid" >/sys/fs/cgroup/ksmctl-top/cgroup.procs
	i=$((i + 1))
done

# "PID CHANGE MERGING" of the ksm_target rows of the Nth snapshot of a
# plain-lines output (columns as topview.c lays them out)
snapshot() {
	awk -v n="$2" '/^ksmctl top - / { s++ }
		s == n && / ksm_target$/ { c = substr($0, 28, 9); gsub(/ /, "", c)
			print $1, c, substr($0, 38, 8) + 0 }' "$1"
}

# plain lines: the first refresh before the merge, the second after it
ksmctl top -a --command ksm_target -d 40 -n 2 >$out 2>$err &
top=$!
n=0
while ! grep -q '^ksmctl top - ' $out && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
ksmctl merge $pids >/dev/null 2>&1
"$T/ksm_settle" 30 >/dev/null 2>&1
wait $top
rc=$?
first=$(snapshot $out 1)
second=$(snapshot $out 2)
diag "first:"; echo "$first" | sed 's/^/#   /'
diag "second:"; echo "$second" | sed 's/^/#   /'
check "plain_two_snapshots" test "$rc" -eq 0 -a ! -s $err -a "$(grep -c '^ksmctl top - ' $out)" -eq 2 \
	-a "$(echo "$first" | grep -c .)" -eq 3
# first: nothing merged, no change known; second: each target grew
check "plain_first_no_change" test "$(echo "$first" | awk '$2 == "-" && $3 == 0' | wc -l)" -eq 3
check "plain_change_since_last" test "$(echo "$second" | awk '$2 ~ /^\+/ && $3 > 0' | wc -l)" -eq 3
check "plain_global_change" grep -q '^saved .* (+[0-9.]* [KMG]iB)' $out

# ksmd stopped now: top's MERGING is ps's merging_pages, process by process
ksmctl -j ps >/tmp/top-ps.json
bad=0
for pid in $pids; do
	want=$(awk -v p="$pid" '/"pid":/ { v = $0; gsub(/[^0-9]/, "", v); cur = v }
		/"merging_pages":/ && cur == p { v = $0; gsub(/[^0-9]/, "", v); print v }' /tmp/top-ps.json)
	got=$(ksmctl top -b -n 1 | awk -v p="$pid" '$1 == p { print substr($0, 38, 8) + 0 }')
	[ -n "$want" ] && [ "$got" = "$want" ] || { diag "pid $pid: top $got, ps $want"; bad=1; }
done
check "plain_merging_equals_ps" test $bad -eq 0
ksmctl top -b -n 1 --by cgroup >$out 2>$err
check "plain_by_cgroup" grep -q '^ *3 .*  /ksmctl-top$' $out

# on a terminal: tmux in the guest, if the rig could bring it
if command -v tmux >/dev/null 2>&1 && [ -x "$T/top-tmux" ]; then
	# tmux wants a UTF-8 locale: the C.UTF-8 the rig brings
	LOCPATH=$T/locale LC_ALL=C.UTF-8 TOP_ARGS="-d 0.5" TOP_FAIL_CMD="rmmod ksmctl" \
		TOP_FAIL_MSG="ksmctl: Unable" "$T/top-tmux" ksmctl >/tmp/top-tmux.out 2>&1
	sed 's/^/# /' /tmp/top-tmux.out
	check "tty_all_cases" sh -c "grep -q '^ok - ' /tmp/top-tmux.out && ! grep -q '^not ok' /tmp/top-tmux.out"
	load_module
else
	skip "tty_all_cases" "tmux is not in the guest"
fi

kill $pids
killall sleep 2>/dev/null
wait 2>/dev/null
rm -f /tmp/top-t*.out
rmdir /sys/fs/cgroup/ksmctl-top 2>/dev/null
"$T/ksm_settle" --reset
tap_end
