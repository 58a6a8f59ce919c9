#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites of ksmctl_kunit.ko (kmod/tests/*_kunit.c) as TAP, one
# result a test case ("<suite>.<case>"). The suites run at insmod; their KTAP
# results are read back from /sys/kernel/debug/kunit/ksmctl_*/results. The
# rig packs ksmctl_kunit.ko only for kernels with CONFIG_KUNIT: elsewhere the
# whole program is a skip.
. "$(dirname "$0")/tap.sh"

KUNIT_KO=${KSMCTL_KUNIT_KO:-/ksmctl/ksmctl_kunit.ko}
KUNIT_DIR=/sys/kernel/debug/kunit

skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit 0
}

[ -f "$KUNIT_KO" ] || skip_all "kernel without CONFIG_KUNIT"
[ -d /sys/kernel/debug/kunit ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ ! -d /sys/module/ksmctl_kunit ] || rmmod ksmctl_kunit

if ! err=$(insmod "$KUNIT_KO" 2>&1); then
	if dmesg | tail -n 20 | grep -q 'Unknown symbol kunit_'; then
		skip_all "kernel without CONFIG_KUNIT"
	fi
	tap_plan 1
	diag "$err"
	not_ok "load"
	exit 1
fi
[ -d "$KUNIT_DIR" ] || { rmmod ksmctl_kunit; skip_all "kernel without CONFIG_KUNIT_DEBUGFS"; }

echo "TAP version 13"
set -- "$KUNIT_DIR"/ksmctl_*/results
if [ ! -r "$1" ]; then
	rmmod ksmctl_kunit
	echo "1..1"
	not_ok "suites: no $KUNIT_DIR/ksmctl_*/results after loading $KUNIT_KO"
	exit 1
fi

# debugfs KTAP of one suite (6.1; newer kernels print the same lines):
#   KTAP version 1 / 1..1                   the file's own header
#       KTAP version 1                      the suite, indented 4
#       # Subtest: <suite>
#       1..<cases>
#       # <case>: EXPECTATION FAILED at ...  diagnostics, before the result
#           ...                             parameterised cases' subtests
#       ok <n> [- ]<case>[ # SKIP <why>]
#   ok 1 <suite>
# Each suite's plan must be met: a case's log is limited in size (512 bytes
# on 6.1), and a truncated one loses its result line.
awk '
function finish_suite() {
	if (suite == "")
		return
	if (seen < plan)
		result(0, suite ": " seen " of " plan " results (log truncated?)", "")
	else if (!suite_ok && failed == 0)
		result(0, suite ": suite failed", "")
	suite = ""
}
function result(ok, desc, directive) {
	n++
	if (!ok)
		nfail++
	printf "%s %d %s%s\n", ok ? "ok" : "not ok", n, desc, directive
}
FNR == 1 { finish_suite(); suite = ""; plan = 0; seen = 0; failed = 0; suite_ok = 0 }
/^    # Subtest: / { suite = substr($0, 16); next }
/^    1\.\.[0-9]+/ { plan = substr($0, 8) + 0; next }
/^    KTAP version/ || /^KTAP version/ || /^1\.\./ { next }
/^    (not )?ok [0-9]+ / {
	line = substr($0, 5)
	ok = line !~ /^not ok/
	sub(/^(not )?ok [0-9]+ (- )?/, "", line)
	dir = ""
	if ((i = index(line, " # ")) > 0) {
		dir = substr(line, i)
		line = substr(line, 1, i - 1)
	}
	seen++
	if (!ok)
		failed++
	result(ok, suite "." line, dir)
	next
}
/^(not )?ok [0-9]+ / { suite_ok = $0 !~ /^not ok/; next }
/[^ \t]/ { s = $0; sub(/^[ \t]*(# )?/, "", s); print "# " s }
END {
	finish_suite()
	printf "1..%d\n", n
	exit (nfail > 0)
}' "$@"
rc=$?
rmmod ksmctl_kunit || rc=1
exit $rc
