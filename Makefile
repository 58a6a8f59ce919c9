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

VERSION := $(shell cat VERSION)
KERNELRELEASE ?= $(shell uname -r)
PREFIX ?= /usr/local
DESTDIR ?=
DKMS_SRC := $(DESTDIR)/usr/src/ksmctl-$(VERSION)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian bookworm packages: build tools, kernel and headers of the host's
# stock 6.1 kernel (the VM boots it), libnl, QEMU and busybox for the rig,
# linux-source-6.1 for kselftest_harness.h and the debug kernel, dkms; tmux
# drives "ksmctl top" on a terminal in the tests.
DEPS := build-essential pkg-config kmod cpio gzip xz-utils rsync \
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 \
	libnl-3-dev libnl-genl-3-dev \
	qemu-system-x86 busybox-static dkms ccache \
	flex bison bc libelf-dev libssl-dev \
	man-db python3-prometheus-client tmux

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

clean:
	-$(MAKE) -C kmod clean KERNELRELEASE=$(KERNELRELEASE) 2>/dev/null
	$(MAKE) -C user clean
	$(MAKE) -C tests/selftests clean
	$(MAKE) -C bench clean
	rm -rf build

.PHONY: all module user deps check demo bench install uninstall module-install dkms-install \
	dkms-uninstall clean
