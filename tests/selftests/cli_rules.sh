#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ksmctl rule / apply / run / monitor against the real module.
. "$(dirname "$0")/tap.sh"
T=$(dirname "$0")

tap_plan 22
out=/tmp/cli_rules.out
err=/tmp/cli_rules.err
conf=/tmp/ksmctl.conf

load_module
ksmctl apply - </dev/null

# --- rule add / list / del ---
id=$(ksmctl rule add --comm cli-rule-test --action never 2>$err); rc=$?
check "rule_add_prints_id" test "$rc" -eq 0 -a -n "$id" -a ! -s $err
ksmctl rule list >$out
check "rule_list_shows_it" grep -q "^ *$id  *0  never comm=cli-rule-test\$" $out
check "proc_rules_shows_it" grep -q "^$id never 0 comm=cli-rule-test\$" /proc/ksmctl/rules
ksmctl rule add --comm cli-rule-test --action never >$out 2>$err; rc=$?
check "rule_add_duplicate_fails" test "$rc" -eq 1
check "rule_add_duplicate_message" grep -q "same rule exists" $err
ksmctl rule add --cgroup /no/such/cgroup >$out 2>$err; rc=$?
check "rule_add_bad_cgroup_message" sh -c "test $rc -eq 1 && grep -q 'no such cgroup' $err"
"$T/run_as" 65534 ksmctl rule add --comm x >$out 2>$err; rc=$?
check "rule_add_unprivileged" sh -c "test $rc -eq 1 && grep -q CAP_SYS_ADMIN $err"
ksmctl rule del "$id" >$out 2>$err; rc=$?
check "rule_del" test "$rc" -eq 0 -a "$(ksmctl -j rule list)" = "[]"

# --- apply ---
printf '# test\nmerge comm=cli-a\n\nmrege comm=x\nnever uid=65533 # c\n' >$conf
ksmctl apply $conf >$out 2>$err; rc=$?
check "apply_bad_line_fails" test "$rc" -eq 1
check "apply_bad_line_message" test "$(cat $err)" = "ksmctl: $conf:4: Unknown action \`mrege'"
check "apply_bad_file_changes_nothing" test "$(ksmctl -j rule list)" = "[]"
sed -i '/mrege/d' $conf
ksmctl apply $conf >$out 2>$err; rc=$?
check "apply_good_file" test "$rc" -eq 0 -a ! -s $err
ksmctl rule list | sed 1d | sed 's/^ *[0-9]*  *[0-9]*  //' >$out
check "apply_rules_listed" test "$(cat $out)" = "$(printf 'merge comm=cli-a\nnever uid=65533')"
# what rule list -o conf prints, apply reads back: the same rules
ksmctl rule list -o conf >$conf.saved
ksmctl apply - </dev/null
ksmctl apply $conf.saved >$out 2>$err; rc=$?
check "rule_list_conf_applies" test "$rc" -eq 0 -a ! -s $err
ksmctl rule list | sed 1d | sed 's/^ *[0-9]*  *[0-9]*  //' >$out
check "rule_list_conf_round_trip" test "$(cat $out)" = "$(printf 'merge comm=cli-a\nnever uid=65533')"
ksmctl apply - </dev/null
check "apply_empty_clears" test "$(ksmctl -j rule list)" = "[]"
# a rule the kernel refuses is named by its line; the others are applied
printf 'merge comm=cli-a\nmerge cgroup=/ksmctl-no-such-cgroup\n' >$conf
ksmctl apply $conf >$out 2>$err; rc=$?
check "apply_refused_rule_fails" test "$rc" -eq 1
check_eq "apply_refused_rule_line" "$(cat $err)" "ksmctl: Unable to add the rule of $conf:2: no such cgroup v2 (inside attribute KSMCTL_A_RULE): No such file or directory"
check "apply_refused_rule_others_applied" test "$(ksmctl rule list | sed 1d | sed 's/^ *[0-9]*  *[0-9]*  //')" = "merge comm=cli-a"
ksmctl apply - </dev/null

# --- run ---
ksmctl run -- sh -c 'grep -c " merge [0-9]* pid=[0-9]* tree$" /proc/ksmctl/rules' >$out 2>$err
check "run_rule_while_running" test "$(cat $out)" = "1"
ksmctl run sh -c 'exit 3'; rc=$?
check "run_exit_status_and_cleanup" test "$rc" -eq 3 -a "$(ksmctl -j rule list)" = "[]"

# --- monitor ---
ksmctl monitor >$out 2>$err &
mon=$!
sleep 1
# rule_target lives as long as its stdin is open
sleep 2 | ksmctl run -- "$T/rule_target" 2 >/dev/null 2>&1
sleep 0.5
kill $mon
wait $mon 2>/dev/null
check "monitor_prints_hit" grep -q "^20[0-9-]*T[0-9:.]*[+-][0-9:]* rule [0-9]* merge: pid [0-9]* (rule_target): [0-9]* VMAs*, " $out

tap_end
