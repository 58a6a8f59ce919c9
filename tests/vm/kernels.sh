# shellcheck shell=bash disable=SC2034  # sets variables for tests/vm/run
# SPDX-License-Identifier: GPL-2.0
#
# Kernel resolvers of the QEMU rig, sourced by tests/vm/run.
#
# kernel_resolve ID looks ID up in tests/vm/kernels ("<id> <kind> <argument>")
# and calls the resolver of its kind, kind_<kind> ARGUMENT, which sets:
#
#   KERNEL_IMAGE      the bzImage/vmlinuz QEMU boots
#   KERNEL_HEADERS    the kbuild tree modules are built against (make -C)
#   KERNEL_RELEASE    `uname -r' of that kernel (names the module build dir)
#   KERNEL_MAKEFLAGS  array: extra make arguments for the module build
#
# A resolver may download or build into "$CACHE/kernels/..." and must fail
# with a message that says what to do. Needs: CACHE, VM_DIR, die, msg.
# KSMCTL_KERNELS names another kernel list (to try a kernel not in ours).

KERNELS_FILE=${KSMCTL_KERNELS:-$VM_DIR/kernels}

# kernel_ids [SET]: the ids of tests/vm/kernels in its order; with SET
# (check or stress), those whose fourth column names it.
kernel_ids() {
	awk -v set="${1-}" '!/^[[:space:]]*(#|$)/ && (set == "" || index("," $4 ",", "," set ",")) { print $1 }' "$KERNELS_FILE"
}

kernel_resolve() {
	local id=$1 line kind arg
	line=$(awk -v id="$id" '!/^[[:space:]]*#/ && $1 == id { print $2, $3; exit }' "$KERNELS_FILE")
	[[ -n $line ]] || die "Unknown kernel \`$id' (known: $(kernel_ids '' | tr '\n' ' ')); see tests/vm/kernels"
	read -r kind arg <<<"$line"
	KERNEL_IMAGE='' KERNEL_HEADERS='' KERNEL_RELEASE=''
	KERNEL_MAKEFLAGS=()
	case $kind in
	host) kind_host "$arg" ;;
	debian-suite) kind_debian_suite "$arg" ;;
	debug) kind_debug "$arg" ;;
	*) die "tests/vm/kernels: kernel \`$id' has unknown kind \`$kind'" ;;
	esac
	[[ -r $KERNEL_IMAGE ]] || die "$id: kernel image $KERNEL_IMAGE is not readable"
	[[ -f $KERNEL_HEADERS/Makefile ]] || die "$id: no kbuild tree at $KERNEL_HEADERS"
}

# True if both the image and the headers of release $1 are installed.
host_release_ok() {
	[[ -r /boot/vmlinuz-$1 && -f /lib/modules/$1/build/Makefile ]]
}

# host SERIES: the installed Debian kernel of that series (e.g. 6.1), the one
# the linux-image-amd64 metapackage depends on, else the newest installed one
# that has its headers.
kind_host() {
	local series=$1 rel='' dep f r
	if dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null); then
		dep=${dep%%[ ,|]*}
		rel=${dep#linux-image-}
		if [[ $rel != "$series".* ]] || ! host_release_ok "$rel"; then
			rel=''
		fi
	fi
	if [[ -z $rel ]]; then
		for f in /boot/vmlinuz-"$series".*; do
			r=${f#/boot/vmlinuz-}
			host_release_ok "$r" && printf '%s\n' "$r"
		done | sort -V | tail -n 1 >"$TMP/host-release"
		rel=$(<"$TMP/host-release")
	fi
	if [[ -z $rel ]]; then
		die "No installed $series kernel with its headers on this host (looked for /boot/vmlinuz-$series.* with /lib/modules/<release>/build)." \
			"On Debian bookworm: apt-get install linux-image-amd64 linux-headers-amd64"
	fi
	KERNEL_RELEASE=$rel
	KERNEL_IMAGE=/boot/vmlinuz-$rel
	KERNEL_HEADERS=/lib/modules/$rel/build
}

# debian-suite SUITE: linux-image-amd64 and linux-headers-amd64 of another Debian
# suite, downloaded with a private apt configuration (the host's sources and
# state are never touched) and unpacked under "$CACHE/kernels/<suite>/":
#   apt/                    sources.list, package lists, downloaded .debs
#   <release>/root/         the headers, linux-kbuild and the kernel image
#   <release>/libc/         the suite's libc6, for kbuild tools too new for ours
# The package lists are refreshed once a day (KSMCTL_APT_REFRESH=1: now). The
# mirror is the host's own (KSMCTL_DEBIAN_MIRROR overrides it).
kind_debian_suite() {
	local suite=$1 dir rel img dep pkgs=() p f
	dir=$CACHE/kernels/$suite
	debian_apt_setup "$suite" "$dir/apt"

	dep=$(debian_depends linux-image-amd64 '^linux-image-') ||
		die "$suite: linux-image-amd64 has no linux-image-* dependency"
	rel=${dep#linux-image-}
	KERNEL_RELEASE=$rel
	KERNEL_HEADERS=$dir/$rel/root/usr/src/linux-headers-$rel

	if [[ ! -f $dir/$rel/.complete ]]; then
		msg "fetching the $suite kernel $rel into $dir/$rel"
		rm -rf "${dir:?}/$rel"
		mkdir -p "$dir/$rel/root" "$dir/$rel/debs"
		# The headers: the flavour package, its -common and linux-kbuild.
		pkgs=("linux-headers-$rel")
		while IFS= read -r p; do
			pkgs+=("$p")
		done < <(debian_depends "linux-headers-$rel" '^linux-(headers-.*-common|kbuild-)' all)
		debian_download "$dir/$rel/debs" "${pkgs[@]}" "linux-image-$rel"
		for p in "${pkgs[@]}"; do
			dpkg-deb -x "$dir/$rel/debs/$p.deb" "$dir/$rel/root"
		done
		# The image: in linux-image-<release>, or (sid) in a package it depends on.
		debian_extract_image "$dir/$rel" "linux-image-$rel" ||
			{
				dep=$(debian_depends "linux-image-$rel" '^linux-(binary|image)-') &&
					debian_download "$dir/$rel/debs" "$dep" &&
					debian_extract_image "$dir/$rel" "$dep"
			} ||
			die "$suite: no vmlinuz in linux-image-$rel or its dependencies"
		debian_fix_headers "$suite" "$dir/$rel"
		rm -rf "${dir:?}/$rel/debs"
		touch "$dir/$rel/.complete"
	fi
	KERNEL_IMAGE=$dir/$rel/vmlinuz
	debian_make_flags "$KERNEL_HEADERS"
}

# debian_apt_setup SUITE DIR: a private apt configuration in DIR (APT array).
debian_apt_setup() {
	local suite=$1 dir=$2 mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mirror=${KSMCTL_DEBIAN_MIRROR:-}
	if [[ -z $mirror ]]; then
		local codename
		codename=$(. /etc/os-release && echo "${VERSION_CODENAME-}")
		# shellcheck disable=SC2016 # apt format fields
		mirror=$(apt-get indextargets --format '$(CODENAME) $(COMPONENT) $(REPO_URI)' 2>/dev/null |
			awk -v c="$codename" '$1 == c && $2 == "main" { print $3; exit }')
	fi
	[[ -n $mirror ]] ||
		die "Cannot tell the host's Debian mirror (no \`main' source for its own suite in apt)" \
			"Set KSMCTL_DEBIAN_MIRROR to the URI of a Debian mirror"
	[[ -r $keyring ]] || die "$keyring is missing" "apt-get install debian-archive-keyring"
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" >"$dir/sources.list.new"
	APT=(-q -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o Dir::State::status=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o APT::Architecture=amd64 -o APT::Architectures=amd64 -o APT::Sandbox::User=root
		-o Debug::NoLocking=1)
	if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" || [[ ${KSMCTL_APT_REFRESH:-0} == 1 ]] ||
		[[ -z $(find "$dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null) ]]; then
		mv "$dir/sources.list.new" "$dir/sources.list"
		msg "updating the package lists of $suite"
		apt-get "${APT[@]}" update >"$dir/update.log" 2>&1 ||
			{ cat "$dir/update.log" >&2; die "$suite: apt-get update failed (see above)"; }
	fi
	rm -f "$dir/sources.list.new"
}

# debian_depends PACKAGE REGEX [all]: the first (or every) dependency of
# PACKAGE whose name matches REGEX.
debian_depends() {
	apt-cache "${APT[@]}" depends "$1" 2>/dev/null |
		awk -v re="$2" -v all="${3-}" '$1 == "Depends:" && $2 ~ re { print $2; if (all == "") exit }' |
		grep . || return 1
}

# debian_download DIR PACKAGE...: PACKAGE.deb files in DIR.
debian_download() {
	local dir=$1 p f
	shift
	(cd "$dir" && apt-get "${APT[@]}" download "$@") >"$dir/download.log" 2>&1 ||
		{ cat "$dir/download.log" >&2; die "apt-get download $* failed"; }
	for p; do
		f=$(find "$dir" -maxdepth 1 -name "${p}_*.deb" | head -n 1)
		[[ -n $f ]] || die "apt-get download $p produced no .deb"
		mv "$f" "$dir/$p.deb"
	done
}

# debian_extract_image DIR PACKAGE: DIR/vmlinuz from DIR/debs/PACKAGE.deb.
debian_extract_image() {
	local dir=$1 deb=$1/debs/$2.deb f
	[[ -f $deb ]] || return 1
	f=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -E '^\./(boot/vmlinuz-|(usr/)?lib/modules/[^/]+/vmlinuz$)' | head -n 1)
	[[ -n $f ]] || return 1
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$f" >"$dir/vmlinuz"
}

# debian_fix_headers SUITE DIR: make the unpacked headers usable in place.
debian_fix_headers() {
	local suite=$1 dir=$2 root=$2/root f libc loader libdir have need
	# The flavour's Makefile names /usr/src/linux-headers-<ver>-{common,amd64}.
	for f in "$root"/usr/src/linux-headers-*/Makefile; do
		sed -i -E "s@(^|[ =])/usr/src/@\1$root/usr/src/@g" "$f"
	done
	# Kbuild tools built against a newer glibc than ours run through the
	# suite's own loader and libc.
	have=$(getconf GNU_LIBC_VERSION | awk '{ print $2 }')
	find "$root"/usr/lib/linux-kbuild-* -type f -perm -u+x >"$dir/tools"
	while IFS= read -r f; do
		[[ $(head -c 4 "$f" | tr -d '\0') == $'\x7fELF' ]] || continue
		need=$(readelf -V --wide "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | cut -d_ -f2 | sort -V | tail -n 1)
		[[ -n $need && $(printf '%s\n' "$need" "$have" | sort -V | tail -n 1) != "$have" ]] || continue
		libc=$dir/libc
		if [[ ! -d $libc ]]; then
			mkdir -p "$dir/debs" "$libc"
			debian_download "$dir/debs" libc6
			dpkg-deb -x "$dir/debs/libc6.deb" "$libc"
		fi
		loader=$(find "$libc" -name ld-linux-x86-64.so.2 | head -n 1)
		libdir=$(dirname "$(find "$libc" -name libc.so.6 | head -n 1)")
		[[ -n $loader && -f $libdir/libc.so.6 ]] || die "$suite: no loader or libc.so.6 in its libc6 package"
		mv "$f" "$f.elf"
		cat >"$f" <<-EOF
			#!/bin/sh
			# $suite's ${f##*/} needs glibc $need, the host has $have: run it with $suite's.
			exec "$loader" --library-path "$libdir" --argv0 "\$0" "$f.elf" "\$@"
		EOF
		chmod +x "$f"
	done <"$dir/tools"
	rm -f "$dir/tools"
}

# debian_make_flags HEADERS: what the host's gcc and pahole need to build
# against another suite's headers (KERNEL_MAKEFLAGS).
debian_make_flags() {
	local config=$1/.config cc want pahole_have pahole_want
	want=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$config")
	if [[ -n $want ]] && ! command -v "$want" >/dev/null; then
		cc=gcc-$(gcc -dumpversion 2>/dev/null | cut -d. -f1)
		command -v "$cc" >/dev/null || cc=gcc
		KERNEL_MAKEFLAGS+=("CC=$cc")
	fi
	if grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$config" &&
		! echo 'int x;' | "${cc:-gcc}" -fmin-function-alignment=16 -x c -c -o /dev/null - 2>/dev/null; then
		KERNEL_MAKEFLAGS+=("CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=")
	fi
	pahole_want=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$config")
	pahole_have=$(pahole --version 2>/dev/null | tr -dc 0-9 || true)
	if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$config" && [[ ${pahole_have:-0} -lt ${pahole_want:-0} ]]; then
		KERNEL_MAKEFLAGS+=("CONFIG_DEBUG_INFO_BTF_MODULES=")
	fi
}

# debug SUITE:VERSION: our own debug kernel (KASAN, lockdep, kmemleak, the
# lockup and stall detectors, KUnit) built from Debian's linux-source-VERSION
# of SUITE: "bookworm:6.1", "trixie:6.12". The source is the installed
# package when it is that suite's (`make deps' installs bookworm's
# linux-source-6.1), else the package fetched with the private apt
# configuration of kind_debian_suite and its tarball kept in
# "$CACHE/debug/src/<suite>-<version>/". The build: `make tinyconfig', the
# fragments tests/vm/debug.config and tests/vm/debug-VERSION.config (if any:
# what differs per version) merged in, `make olddefconfig', then bzImage and
# modules (for Module.symvers, which out-of-tree module builds need). The
# build tree is the kbuild tree of the module build. It lives in
# "$CACHE/debug/<key>/", where the key hashes the fragments, the package's
# suite and version and the gcc version: a kernel is built once (cold: 15-30
# min on 2 cores), and ccache ("$CACHE/debug/ccache") keeps what the compiler
# did for the next key. tests/vm/debug-VERSION.patch, if any, is applied to
# the source first (patch -p1): what our tests need of that kernel (the key
# hashes it too).
# KSMCTL_LINUX_SOURCE names another linux-source tarball (of that VERSION).
DEBUG_RECIPE=2	# bump when the steps below change what they build
kind_debug() {
	local spec=$1 suite ver tar pkgver frags=("$VM_DIR/debug.config") patch='' gccver key dir tree
	[[ $spec =~ ^([a-z]+):([0-9]+\.[0-9]+)$ ]] ||
		die "tests/vm/kernels: the debug kind takes SUITE:VERSION (e.g. bookworm:6.1), not \`$spec'"
	suite=${BASH_REMATCH[1]} ver=${BASH_REMATCH[2]}
	[[ -r ${frags[0]} ]] || die "${frags[0]} is missing"
	[[ ! -e $VM_DIR/debug-$ver.config ]] || frags+=("$VM_DIR/debug-$ver.config")
	[[ ! -e $VM_DIR/debug-$ver.patch ]] || patch=$VM_DIR/debug-$ver.patch
	command -v ccache >/dev/null || die "ccache not found" "apt-get install ccache"
	mkdir -p "$CACHE/debug"
	# One build (or source fetch) at a time: runs of other kernel ids or
	# build dirs share the cache.
	exec 8>"$CACHE/debug/.lock"
	if ! flock -n 8; then
		msg "waiting for another build of a debug kernel"
		flock 8
	fi
	debug_source "$suite" "$ver"	# sets tar and pkgver
	gccver=$(gcc --version | head -n 1)
	key=$(printf '%s\n' "recipe $DEBUG_RECIPE" "$suite $ver $pkgver" "$gccver" "$tar" | cat - "${frags[@]}" |
		cat - ${patch:+"$patch"} | sha256sum | cut -c 1-16)
	dir=$CACHE/debug/$key
	tree=$dir/linux
	if [[ ! -f $dir/.complete ]]; then
		debug_build "$tar" "$dir" "$tree" "linux-source-$ver $pkgver ($suite)" "$patch" "${frags[@]}"
	fi
	exec 8>&-
	# Its mtime says when a tree was last used (see debug_build's clean-up).
	touch "$dir/.complete"
	KERNEL_RELEASE=$(<"$dir/release")
	KERNEL_IMAGE=$tree/arch/x86/boot/bzImage
	KERNEL_HEADERS=$tree
}

# debug_source SUITE VERSION: sets tar (linux-source-VERSION's tarball) and
# pkgver (its package version), fetching the package if it is not installed.
debug_source() {
	local suite=$1 ver=$2 codename dir deb
	if [[ -n ${KSMCTL_LINUX_SOURCE-} ]]; then
		tar=$KSMCTL_LINUX_SOURCE
		[[ -r $tar ]] || die "KSMCTL_LINUX_SOURCE=$tar is not readable"
		pkgver=$(stat -c '%s %Y' "$tar")
		return
	fi
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME-}")
	tar=/usr/src/linux-source-$ver.tar.xz
	if [[ $suite == "$codename" ]]; then
		if ! pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$ver" 2>/dev/null) || [[ ! -r $tar ]]; then
			die "$tar is missing: the debug kernel is built from it" \
				"Run \`make deps' (Debian package linux-source-$ver)"
		fi
		return
	fi
	dir=$CACHE/debug/src/$suite-$ver
	debian_apt_setup "$suite" "$CACHE/kernels/$suite/apt"
	pkgver=$(apt-cache "${APT[@]}" show --no-all-versions "linux-source-$ver" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1 || true)
	[[ -n $pkgver ]] || die "$suite has no package linux-source-$ver (see $CACHE/kernels/$suite/apt)"
	tar=$dir/$pkgver/linux-source-$ver.tar.xz
	[[ ! -f $dir/$pkgver/.complete ]] || return 0
	msg "fetching linux-source-$ver $pkgver of $suite into $dir/$pkgver"
	rm -rf "$dir"
	mkdir -p "$dir/$pkgver/debs"
	debian_download "$dir/$pkgver/debs" "linux-source-$ver"
	deb=$dir/$pkgver/debs/linux-source-$ver.deb
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./usr/src/linux-source-$ver.tar.xz" >"$tar" ||
		die "$suite: no usr/src/linux-source-$ver.tar.xz in linux-source-$ver $pkgver"
	rm -rf "$dir/$pkgver/debs"
	touch "$dir/$pkgver/.complete"
}

# debug_build TAR DIR TREE WHAT PATCH FRAGMENT...: build the debug kernel in
# TREE (PATCH: "" for none).
debug_build() {
	local tar=$1 dir=$2 tree=$3 what=$4 patch=$5 t0=$EPOCHREALTIME t1 pid n rc=0 frag line want missing=() frags=()
	shift 5
	local make=(make -C "$tree" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")
	export CCACHE_DIR=$CACHE/debug/ccache
	msg "building the debug kernel from $what into $dir (15-30 min cold; log: $dir/build.log)"
	rm -rf "$dir"
	mkdir -p "$tree" "$CCACHE_DIR"
	msg "debug kernel: extracting $tar"
	tar -C "$tree" --strip-components=1 -xJf "$tar" ||
		die "debug kernel: cannot extract $tar"
	if [[ -n $patch ]]; then
		msg "debug kernel: applying ${patch#"$REPO"/}"
		patch -d "$tree" -p1 --batch --forward <"$patch" >"$dir/patch.log" 2>&1 ||
			{ cat "$dir/patch.log" >&2; die "debug kernel: ${patch#"$REPO"/} does not apply to $what"; }
	fi
	for frag; do
		frags+=("${frag#"$REPO"/}")
	done
	msg "debug kernel: configuring (tinyconfig + ${frags[*]})"
	{
		"${make[@]}" tinyconfig &&
			(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$@") &&
			"${make[@]}" olddefconfig
	} >"$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log" >&2; die "debug kernel: configuration failed (see above)"; }
	# Every setting of the fragments must have survived olddefconfig.
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF -- "$line" "$tree/.config" || missing+=("$line") ;;
		'# CONFIG_'*' is not set')
			want=${line#\# }
			want=${want%% *}
			! grep -q "^$want=" "$tree/.config" || missing+=("$line")
			;;
		esac
	done < <(cat "$@")
	if [[ ${#missing[@]} -gt 0 ]]; then
		die "debug kernel: olddefconfig dropped or changed settings of ${frags[*]}:" \
			"${missing[@]}" "(their dependencies are missing: see $tree/.config)"
	fi
	msg "debug kernel: compiling bzImage and modules with $JOBS jobs"
	"${make[@]}" bzImage modules >>"$dir/build.log" 2>&1 &
	pid=$!
	n=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		# progress every 30 s
		[[ $((n += 2)) -lt 30 ]] || {
			n=0
			msg "debug kernel: $(since "$t0") s, $(grep -c '^  CC ' "$dir/build.log" || true) files compiled"
		}
	done
	wait "$pid" || rc=$?
	[[ $rc -eq 0 ]] || { tail -n 40 "$dir/build.log" >&2; die "debug kernel: build failed (see above; $dir/build.log)"; }
	[[ -f $tree/arch/x86/boot/bzImage && -f $tree/Module.symvers ]] ||
		die "debug kernel: the build made no bzImage or Module.symvers ($dir/build.log)"
	"${make[@]}" -s kernelrelease >"$dir/release" 2>>"$dir/build.log" ||
		die "debug kernel: \`make kernelrelease' failed"
	touch "$dir/.complete"
	# Trees of other keys unused for two days (another checkout may still
	# use one with its own debug.config), and failed builds, go.
	find "$CACHE/debug" -mindepth 1 -maxdepth 1 -type d ! -name ccache ! -name src ! -name "${dir##*/}" |
		while IFS= read -r old; do
			[[ -n $(find "$old/.complete" -mmin -2880 2>/dev/null) ]] || rm -rf "$old"
		done
	t1=$(since "$t0")
	msg "debug kernel $(<"$dir/release") built in $t1 s ($(du -k "$tree/arch/x86/boot/bzImage" | cut -f1) KiB bzImage)"
}
