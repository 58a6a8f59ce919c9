# SPDX-License-Identifier: GPL-2.0
#
# ksmctl: top-level build.
#
#   make deps            install every package the build and tests need (apt)
#   make                 build the module (running kernel) and the tool
#   make check           host unit tests, dkms build, VM tests on every kernel
#   make demo            boot a VM with the module and show ksmctl at work
#   make stress [DURATION=600] [KERNEL=debug-6.12]
#                        long fuzz and churn runs in every debug kernel
#                        (tests/vm/run --list stress), or in KERNEL
#   make bench           the benchmarks of bench/, in a VM per kernel (KERNELS=...)
#   sudo make install    install the tool, man page, completion, systemd unit
#                        and a commented /etc/ksmctl.conf; make uninstall
#   sudo make dkms-install   register the module with DKMS
#   make deb             the Debian packages ksmctl and ksmctl-dkms, into
#                        build/deb/ (DEB_BUILD_OPTIONS=nocheck: no unit tests)
#   make check-deb       build them, run lintian, install and purge them in a
#                        throw-away Debian root (tests/deb-check)

VERSION := $(shell cat VERSION)
KERNELRELEASE ?= $(shell uname -r)
PREFIX ?= /usr/local
DESTDIR ?=
DKMS_SRC := $(DESTDIR)/usr/src/ksmctl-$(VERSION)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian bookworm packages: build tools, kernel and headers of the host's
# stock 6.1 kernel (the VM boots it), libnl, QEMU and busybox for the rig,
# linux-source-6.1 for kselftest_harness.h and the debug kernel, dkms;
# tmux drives "ksmctl top" on a terminal in the tests; the Debian
# packaging tools for `make deb`, debootstrap and zstd for the throw-away
# root that tests the packages (tests/deb-check).
DEPS := build-essential pkg-config kmod cpio gzip xz-utils rsync \
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 \
	libnl-3-dev libnl-genl-3-dev \
	qemu-system-x86 busybox-static dkms ccache \
	flex bison bc libelf-dev libssl-dev \
	man-db python3-prometheus-client tmux \
	debhelper dh-dkms lintian fakeroot debootstrap zstd

all: module user

module:
	$(MAKE) -C kmod KERNELRELEASE=$(KERNELRELEASE)

user:
	$(MAKE) -C user

deps:
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $(DEPS)

check:
	@tests/check

demo:
	@tests/vm/run $(or $(KERNEL),6.1) --demo

# The fuzz and stress selftests read their run time from the guest's
# environment (kernel command-line words); every program gets enough time.
# One VM per kernel, one after another; it fails if any run failed.
DURATION ?= 600
stress:
	@rc=0; for k in $(or $(KERNEL),$$(tests/vm/run --list stress)); do \
	  KSMCTL_VM_APPEND="KSMCTL_FUZZ_SECONDS=$(DURATION) KSMCTL_STRESS_SECONDS=$(DURATION)" \
	  KSMCTL_TEST_TIMEOUT=$$(( $(DURATION) * 3 + 300 )) \
	  tests/vm/run $$k || rc=1; \
	done; exit $$rc

bench:
	@bench/run $(KERNELS)

install: user
	$(MAKE) -C user install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

uninstall:
	$(MAKE) -C user uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

module-install: module
	$(MAKE) -C kmod KERNELRELEASE=$(KERNELRELEASE) module-install
	depmod -a $(KERNELRELEASE)

dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -a VERSION dkms.conf include kmod $(DKMS_SRC)/
	$(MAKE) -s -C $(DKMS_SRC)/kmod clean KERNELRELEASE=$(KERNELRELEASE) >/dev/null 2>&1 || true
	dkms add -m ksmctl -v $(VERSION)
	dkms build -m ksmctl -v $(VERSION)
	dkms install -m ksmctl -v $(VERSION)

dkms-uninstall:
	-dkms remove -m ksmctl -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

# The packages are built from a copy of the tree (the files git knows, or
# would add) in $(DEB_DIR)/ksmctl-$(VERSION); the .debs land in $(DEB_DIR),
# without a -dbgsym package: apt install ./ksmctl*.deb takes the two.
DEB_DIR ?= build/deb
deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
		{ echo "debian/changelog is at $$v, VERSION at $(VERSION): add an entry (dch -v $(VERSION))" >&2; \
		  exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/ksmctl-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null --ignore-failed-read -T - -cf -; \
	else \
		tar --exclude=./build --exclude=./.git -cf - .; \
	fi | tar -xf - -C $(DEB_DIR)/ksmctl-$(VERSION)
	cd $(DEB_DIR)/ksmctl-$(VERSION) && \
		DEB_BUILD_OPTIONS="noautodbgsym $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -b -us -uc
	@ls -1 $(DEB_DIR)/*.deb

check-deb:
	@tests/deb-check

clean:
	-$(MAKE) -C kmod clean KERNELRELEASE=$(KERNELRELEASE) 2>/dev/null
	$(MAKE) -C user clean
	$(MAKE) -C tests/selftests clean
	$(MAKE) -C bench clean
	rm -rf build

.PHONY: all module user deps check demo bench install uninstall module-install dkms-install \
	dkms-uninstall deb check-deb clean
