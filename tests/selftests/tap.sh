# SPDX-License-Identifier: GPL-2.0
# Minimal TAP helpers for the shell selftests (sourced).

__tap_n=0
__tap_fail=0

tap_plan() { echo "TAP version 13"; echo "1..$1"; }
ok() { __tap_n=$((__tap_n + 1)); echo "ok $__tap_n $*"; }
not_ok() { __tap_n=$((__tap_n + 1)); __tap_fail=$((__tap_fail + 1)); echo "not ok $__tap_n $*"; }
skip() { __tap_n=$((__tap_n + 1)); echo "ok $__tap_n $1 # SKIP $2"; }
diag() { echo "# $*"; }
# check NAME CMD...: one case, passing when CMD succeeds
check() { __name=$1; shift; if "$@"; then ok "$__name"; else not_ok "$__name"; fi; }
# check_eq NAME GOT WANT: one case, passing when the strings are equal; a
# failure shows both
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  $2"
		diag "want: $3"
	fi
}
tap_end() { [ "$__tap_fail" -eq 0 ]; }

KSMCTL_KO=${KSMCTL_KO:-/ksmctl/ksmctl.ko}
NOT_LOADED_MSG='ksmctl: ksmctl kernel module is not loaded (try: modprobe ksmctl)'

module_loaded() { [ -d /sys/module/ksmctl ]; }
load_module() { module_loaded || insmod "$KSMCTL_KO"; }
unload_module() { ! module_loaded || rmmod ksmctl; }

# proc_matches_sysfs: every "name value" of /proc/ksmctl/status that names a
# /sys/kernel/mm/ksm file holds the same value as that file
proc_matches_sysfs() {
	__bad=0 __seen=0
	while read -r __k __v; do
		[ -f "/sys/kernel/mm/ksm/$__k" ] || continue
		__seen=$((__seen + 1))
		__s=$(cat "/sys/kernel/mm/ksm/$__k")
		if [ "$__s" != "$__v" ]; then
			diag "$__k: /proc/ksmctl/status $__v, sysfs $__s"
			__bad=1
		fi
	done < /proc/ksmctl/status
	[ "$__bad" -eq 0 ] && [ "$__seen" -ge 8 ]
}
