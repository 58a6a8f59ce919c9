#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the unit test programs named as arguments, then check the built tool
# ($KSMCTL) on this host, where the ksmctl module is not loaded. Print one
# TAP stream: the programs' results renumbered in order, a program that
# crashes or prints fewer results than its plan counted as a failure.
# Exit status 1 if anything failed.

set -u
: "${KSMCTL:=../../user/ksmctl}"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
total=0
failed=0

result() { # "ok" or "not ok", description
	total=$((total + 1))
	[ "$1" = ok ] || failed=$((failed + 1))
	printf '%s %d - %s\n' "$1" "$total" "$2" >>"$tmp/tap"
}

diag_file() { # prefix, file
	while IFS= read -r line; do
		printf '# %s%s\n' "$1" "$line" >>"$tmp/tap"
	done <"$2"
}

for prog in "$@"; do
	"./$prog" >"$tmp/out" 2>"$tmp/err"
	status=$?
	planned=
	seen=0
	bad=0
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			seen=$((seen + 1))
			verdict=${line%% [0-9]*}
			[ "$verdict" = ok ] || bad=1
			result "$verdict" "${line#* - }"
			;;
		1..*)
			planned=${line#1..}
			;;
		"TAP version"*)
			;;
		*)
			printf '%s\n' "$line" >>"$tmp/tap"
			;;
		esac
	done <"$tmp/out"
	diag_file "$prog stderr: " "$tmp/err"
	if [ "$planned" != "$seen" ]; then
		result "not ok" "$prog: planned ${planned:-no} results, printed $seen"
	elif [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		result "not ok" "$prog: exited with status $status"
	fi
done

# The real binary on a host without the module.
host_check() { # description, expected exit status, expected stdout, expected stderr, args...
	desc=$1 want_status=$2 want_out=$3 want_err=$4
	shift 4
	if [ -e /sys/module/ksmctl ]; then
		result ok "host: $desc # SKIP ksmctl module is loaded"
		return
	fi
	"$KSMCTL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	printf '%s' "$want_out" >"$tmp/want_out"
	printf '%s' "$want_err" >"$tmp/want_err"
	if [ "$status" -eq "$want_status" ] && cmp -s "$tmp/out" "$tmp/want_out" &&
	   cmp -s "$tmp/err" "$tmp/want_err"; then
		result ok "host: $desc"
	else
		result "not ok" "host: $desc"
		printf '#   exit status %s, expected %s\n' "$status" "$want_status" >>"$tmp/tap"
		diag_file "  stdout: " "$tmp/out"
		diag_file "  stderr: " "$tmp/err"
	fi
}

not_loaded='ksmctl: ksmctl kernel module is not loaded (try: modprobe ksmctl)
'

# status without the module: exit 0, the kernel's own figures, and a line
# that says what the module would add and how to get it
status_check() { # description, args...
	desc=$1
	shift
	if [ -e /sys/module/ksmctl ] || [ ! -r /sys/kernel/mm/ksm/pages_to_scan ]; then
		result ok "host: $desc # SKIP the module is loaded, or no /sys/kernel/mm/ksm"
		return
	fi
	"$KSMCTL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	scan=$(cat /sys/kernel/mm/ksm/pages_to_scan)
	if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ] &&
	   grep -q "^ksmd: .*(pages_to_scan $scan, " "$tmp/out" &&
	   grep -q '^module: *not loaded: per-process figures need it (' "$tmp/out"; then
		result ok "host: $desc"
	else
		result "not ok" "host: $desc"
		printf '#   exit status %s, expected 0\n' "$status" >>"$tmp/tap"
		diag_file "  stdout: " "$tmp/out"
		diag_file "  stderr: " "$tmp/err"
	fi
}
if [ -x "$KSMCTL" ]; then
	version=$("$KSMCTL" -V | sed 's/^ksmctl //')
	status_check "ksmctl status without the module shows sysfs and how to get the module" status
	status_check "ksmctl without arguments does the same"
	host_check "ksmctl ps without the module prints the not-loaded error, exit 1" \
		1 "" "$not_loaded" ps
	host_check "ksmctl show without the module prints the not-loaded error, exit 1" \
		1 "" "$not_loaded" show 1
	host_check "ksmctl merge without the module prints the not-loaded error, exit 1" \
		1 "" "$not_loaded" merge 1
	host_check "ksmctl unmerge checks its range before opening the socket" \
		1 "" "ksmctl: Invalid range \`0x2000-0x1000'
" unmerge --range 0x2000-0x1000 1
	host_check "ksmctl version without the module, exit 0" 0 \
		"tool:   $version
module: not loaded
" "" version
else
	result "not ok" "host: $KSMCTL is not built"
fi

# make install and make uninstall, into a scratch root (DESTDIR): every
# file where it belongs, the installed tool runs, an operator's own
# /etc/ksmctl.conf survives both, and nothing else is left behind.
install_check() {
	root=$tmp/root
	userdir=$(dirname "$KSMCTL")
	make -s -C "$userdir" install DESTDIR="$root" >"$tmp/install.log" 2>&1 ||
		{ result "not ok" "install: make install failed"; diag_file "  " "$tmp/install.log"; return; }
	(cd "$root" && find . -type f | sort) >"$tmp/files"
	printf '%s\n' ./etc/ksmctl.conf ./usr/local/bin/ksmctl \
		./usr/local/lib/systemd/system/ksmctl.service \
		./usr/local/share/bash-completion/completions/ksmctl \
		./usr/local/share/man/man8/ksmctl.8 >"$tmp/want"
	if cmp -s "$tmp/files" "$tmp/want"; then
		result ok "install: the tool, man page, completion, unit and a sample configuration"
	else
		result "not ok" "install: the files installed"
		diag_file "  " "$tmp/files"
	fi
	if "$root/usr/local/bin/ksmctl" apply --check "$root/etc/ksmctl.conf" >/dev/null 2>&1 &&
	   grep -q "^ExecStart=/usr/local/bin/ksmctl apply" "$root/usr/local/lib/systemd/system/ksmctl.service"; then
		result ok "install: the installed tool reads the sample; the unit runs it"
	else
		result "not ok" "install: the installed tool reads the sample; the unit runs it"
	fi
	make -s -C "$userdir" uninstall DESTDIR="$root" >"$tmp/install.log" 2>&1
	if [ -z "$(find "$root" -type f)" ]; then
		result ok "uninstall: nothing left behind"
	else
		result "not ok" "uninstall: nothing left behind"
		find "$root" -type f >"$tmp/left"
		diag_file "  left: " "$tmp/left"
	fi
	echo "merge comm=mine" >"$root/etc/ksmctl.conf"
	make -s -C "$userdir" install DESTDIR="$root" >/dev/null 2>&1
	make -s -C "$userdir" uninstall DESTDIR="$root" >/dev/null 2>&1
	if [ "$(cat "$root/etc/ksmctl.conf" 2>/dev/null)" = "merge comm=mine" ] &&
	   [ "$(find "$root" -type f | wc -l)" -eq 1 ]; then
		result ok "install and uninstall leave an operator's /etc/ksmctl.conf alone"
	else
		result "not ok" "install and uninstall leave an operator's /etc/ksmctl.conf alone"
	fi
}
install_check

# the Prometheus text, as the Prometheus client's own parser reads it
"$(dirname "$0")/prom-parse" "$(dirname "$0")/test_ps" "$KSMCTL" >"$tmp/prom" 2>&1 ||
	echo "not ok - prometheus: prom-parse failed: $(tail -n 1 "$tmp/prom")" >>"$tmp/prom"
while IFS= read -r line; do
	case $line in
	"ok - "*) result ok "${line#ok - }" ;;
	"not ok - "*) result "not ok" "${line#not ok - }" ;;
	esac
done <"$tmp/prom"

# The documents follow the tool: every command of the dispatch table (as
# "ksmctl --help" lists it) has its entry in the man page, the completion
# and the README, and every long option its help describes is in the man
# page and the completion.
docs_check() {
	top=$(cd "$(dirname "$0")/../.." && pwd)
	man=$top/user/ksmctl.8 comp=$top/user/completion/ksmctl.bash readme=$top/README.md
	"$KSMCTL" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' >"$tmp/commands"
	[ -s "$tmp/commands" ] || { result "not ok" "docs: ksmctl --help lists commands"; return; }
	while IFS= read -r cmd; do
		missing=
		grep -q "^\.BR\? $cmd\( \|$\)" "$man" || missing="$missing man-page-entry"
		grep -q "^	local commands=\".*\b$cmd\b" "$comp" || missing="$missing completion-command"
		grep -q "^| \`ksmctl $cmd\b" "$readme" || missing="$missing README-row"
		"$KSMCTL" "$cmd" --help | sed -n '/^Options/,$s/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' \
			>"$tmp/opts"
		while IFS= read -r opt; do
			esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
			grep -q -- "$esc" "$man" || missing="$missing man:$opt"
			grep -q -- "$opt\b" "$comp" || missing="$missing completion:$opt"
		done <"$tmp/opts"
		if [ -z "$missing" ]; then
			result ok "docs: $cmd in the man page, the completion and the README, with its options"
		else
			result "not ok" "docs: $cmd in the man page, the completion and the README, with its options"
			printf '#   missing:%s\n' "$missing" >>"$tmp/tap"
		fi
	done <"$tmp/commands"
}
[ -x "$KSMCTL" ] && docs_check

# ksmctl top on a real terminal (tmux), with made-up processes (top_fake)
TOP_ARGS="-d 0.3" TOP_GROWS="+1.00 MiB" TOP_FAIL_ENV="FAKE_TOP_FAIL_AT=4" \
	TOP_FAIL_MSG="ksmctl: Unable to list processes: fake failure" \
	"$(dirname "$0")/top-tmux" "$(dirname "$0")/top_fake" >"$tmp/top" 2>&1 ||
	echo "not ok - top: top-tmux failed: $(tail -n 1 "$tmp/top")" >>"$tmp/top"
while IFS= read -r line; do
	case $line in
	"ok - "*) result ok "${line#ok - }" ;;
	"not ok - "*) result "not ok" "${line#not ok - }" ;;
	"#"*) printf '%s\n' "$line" >>"$tmp/tap" ;;
	esac
done <"$tmp/top"

printf 'TAP version 13\n1..%d\n' "$total"
cat "$tmp/tap"
[ "$failed" -eq 0 ]
