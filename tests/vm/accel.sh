# shellcheck shell=bash disable=SC2034  # sets variables for tests/vm/run
# SPDX-License-Identifier: GPL-2.0
#
# The accelerator choice of the QEMU rig, sourced by tests/vm/run.
#
# A /dev/kvm that opens is not proof that KVM can run the guest: on a host
# that is itself a guest of a nested hypervisor, QEMU may abort with -cpu max
# ("failed to set MSR ...") or the guest may hang early in boot. So the rig
# decides by a real boot: a probe boots the kernel under test with a tiny
# initramfs (busybox and tests/vm/init in "probe" mode, which powers off as
# soon as it runs) under KVM, with a time limit a few seconds beyond what
# TCG needs for the same boot. If init's token arrives, KVM; else TCG. The
# verdict is cached per host kernel, QEMU binary and QEMU version.
#
# accel_choose sets:
#   ACCEL         kvm | tcg
#   ACCEL_WHY     why, one phrase ("kvm probe failed: qemu exited with ...")
#   ACCEL_FORCED  1 if KSMCTL_ACCEL chose (then a failed KVM boot is an error,
#                 not retried with TCG)
# Needs: CACHE, VM_DIR, TMP, KERNEL_IMAGE, ID, msg, die, since, is_static.
#
# Environment:
#   KSMCTL_ACCEL          auto (default) | kvm | tcg
#   KSMCTL_ACCEL_TIMEOUT  the probe's limit, seconds (default 30; TCG boots
#                         the probe of every kernel here in 3-12 s)
#   KSMCTL_ACCEL_CACHE    where verdicts are kept ($CACHE/accel)
#   KSMCTL_QEMU           the QEMU binary (qemu-system-x86_64)
#   KSMCTL_KVM_DEVICE     the KVM device (/dev/kvm); with KSMCTL_QEMU, lets the
#                         rig's own tests act out other hosts

QEMU_BIN=${KSMCTL_QEMU:-qemu-system-x86_64}
KVM_DEVICE=${KSMCTL_KVM_DEVICE:-/dev/kvm}
ACCEL_TIMEOUT=${KSMCTL_ACCEL_TIMEOUT:-30}
ACCEL_REQUEST=${KSMCTL_ACCEL:-auto}
ACCEL='' ACCEL_WHY='' ACCEL_FORCED=0

# Why the KVM device cannot be used, or nothing if it opens read-write.
kvm_device_problem() {
	if [[ ! -e $KVM_DEVICE ]]; then
		echo "no $KVM_DEVICE"
	elif ! (: <>"$KVM_DEVICE") 2>/dev/null; then
		echo "$KVM_DEVICE does not open read-write"
	fi
}

# The cache file of this host kernel, QEMU binary and QEMU version.
accel_cache_file() {
	local dir=${KSMCTL_ACCEL_CACHE:-$CACHE/accel} bin version key
	bin=$(command -v "$QEMU_BIN") || return 1
	bin=$(readlink -f "$bin")
	version=$("$QEMU_BIN" --version 2>/dev/null | head -n 1)
	key=$(printf '%s\n' "$(uname -r)" "$(uname -v)" "$bin" "$version" "$KVM_DEVICE" |
		sha256sum | cut -c 1-16)
	mkdir -p "$dir"
	printf '%s/%s\n' "$dir" "$key"
}

# accel_remember VERDICT WHY: keep a verdict for the next runs on this host.
accel_remember() {
	local f
	f=$(accel_cache_file) || return 0
	printf '%s\t%s\t%s\n' "$1" "$2" "$(date -u '+%Y-%m-%d %H:%M UTC')" >"$f.tmp" &&
		mv "$f.tmp" "$f"
}

# accel_probe: boot the kernel under test under KVM with a tiny initramfs.
# Returns 0 if it reached init; PROBE_WHY says what happened either way.
accel_probe() {
	local dir=$TMP/accel-probe root busybox t0 rc
	root=$dir/root
	busybox=$(command -v busybox || true)
	if [[ -z $busybox ]] || ! is_static "$busybox"; then
		die "a static busybox is needed" "apt-get install busybox-static"
	fi
	rm -rf "$dir"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc}
	cp "$busybox" "$root/bin/busybox"
	cp "$VM_DIR/init" "$root/init"
	chmod 755 "$root/init"
	printf 'KSMCTL_MODE=probe\nKSMCTL_TEST_TIMEOUT=10\nKSMCTL_KERNEL_ID=%s\n' "$ID" >"$root/etc/ksmctl-rig.conf"
	(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$dir/initramfs.cpio.gz"

	t0=$EPOCHREALTIME
	set +e
	# (the outer redirection keeps bash's own "Aborted" notice quiet)
	{
		timeout -k 2 "$ACCEL_TIMEOUT" "$QEMU_BIN" -nodefaults -nographic -no-reboot -accel kvm \
			-m 256M -smp 2 -cpu max -kernel "$KERNEL_IMAGE" -initrd "$dir/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 quiet" \
			-serial "file:$dir/console.log" -serial "file:$dir/tests.log" \
			</dev/null >/dev/null 2>"$dir/qemu.err"
		rc=$?
	} 2>/dev/null
	set -e
	if grep -qs '^KSMCTL-RIG-DONE' "$dir/tests.log"; then
		PROBE_WHY="kvm probe booted $ID to init in $(since "$t0") s"
		return 0
	fi
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		PROBE_WHY="kvm probe failed: no boot token within $ACCEL_TIMEOUT s"
	else
		PROBE_WHY="kvm probe failed: $(qemu_failure "$rc" "$dir/qemu.err")"
	fi
	return 1
}

# qemu_failure STATUS ERRFILE: "qemu exited with status N: <its first words>".
qemu_failure() {
	local text
	text=$(head -c 300 "$2" 2>/dev/null | tr -s '\n\t' '  ')
	text=${text%% }
	printf 'qemu exited with status %s%s\n' "$1" "${text:+: $text}"
}

accel_choose() {
	local f line verdict why when problem
	case $ACCEL_REQUEST in
	tcg)
		ACCEL=tcg ACCEL_WHY="KSMCTL_ACCEL=tcg" ACCEL_FORCED=1
		return 0
		;;
	kvm)
		problem=$(kvm_device_problem)
		[[ -z $problem ]] ||
			die "KSMCTL_ACCEL=kvm, but KVM cannot be used: $problem" \
				"unset KSMCTL_ACCEL to let the rig choose (it falls back to TCG)"
		ACCEL=kvm ACCEL_WHY="KSMCTL_ACCEL=kvm" ACCEL_FORCED=1
		return 0
		;;
	auto) ;;
	*) die "KSMCTL_ACCEL must be auto, kvm or tcg, not \`$ACCEL_REQUEST'" ;;
	esac

	problem=$(kvm_device_problem)
	if [[ -n $problem ]]; then
		ACCEL=tcg ACCEL_WHY=$problem
		return 0
	fi
	command -v "$QEMU_BIN" >/dev/null || die "$QEMU_BIN not found" "apt-get install qemu-system-x86"
	f=$(accel_cache_file)
	if [[ -s $f ]] && IFS=$'\t' read -r verdict why when <"$f" && [[ $verdict == kvm || $verdict == tcg ]]; then
		ACCEL=$verdict ACCEL_WHY="$why; cached $when"
		return 0
	fi
	msg "probing KVM: booting $ID under it (at most $ACCEL_TIMEOUT s)"
	if accel_probe; then
		ACCEL=kvm
	else
		ACCEL=tcg
	fi
	ACCEL_WHY=$PROBE_WHY
	accel_remember "$ACCEL" "$PROBE_WHY"
}

# The line every run prints.
accel_line() {
	printf 'accel: %s (%s)\n' "$ACCEL" "$ACCEL_WHY"
}
