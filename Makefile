# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl: `make` builds ./vfioctl, `make check` runs every test.

# `make deps GOAL...` (the README's commands on a fresh machine): GOAL is
# made by a new make once deps has installed the packages, so that nothing
# it needs (pkg-config, git, the kernel's release) is looked at before.
ifneq ($(and $(filter deps,$(MAKECMDGOALS)),$(filter-out deps,$(MAKECMDGOALS))),)
AFTER_DEPS := $(filter-out deps,$(MAKECMDGOALS))
.PHONY: after-deps $(AFTER_DEPS)
$(AFTER_DEPS): after-deps
	@:
after-deps: deps
	+$(MAKE) $(AFTER_DEPS)
else

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

PKG_CONFIG ?= pkg-config
pc_var = $(or $(shell $(PKG_CONFIG) --variable=$(2) $(1) 2>/dev/null),$(3))
UDEVDIR ?= $(call pc_var,udev,udevdir,/lib/udev)
SYSTEMDUNITDIR ?= $(call pc_var,systemd,systemdsystemunitdir,/lib/systemd/system)
INITRAMFSDIR ?= /usr/share/initramfs-tools
DRACUTDIR ?= $(call pc_var,dracut,dracutmodulesdir,/usr/lib/dracut/modules.d)
# Completions go where each shell looks for them under PREFIX: the
# directories pkg-config reports, with their prefix taken as PREFIX (for
# PREFIX=/usr exactly what it reports). Under /usr/local, bash-completion
# and fish find them through XDG_DATA_DIRS (bash-completion's default has
# /usr/local/share; fish's needs it set, as desktop sessions do), zsh in
# its site-functions, the first directory of Debian's fpath.
pc_prefix_var = $(or $(shell $(PKG_CONFIG) --define-variable=prefix=$(PREFIX) \
	--define-variable=datadir=$(PREFIX)/share --variable=$(2) $(1) 2>/dev/null),$(3))
BASHCOMPDIR ?= $(call pc_prefix_var,bash-completion,completionsdir,$(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/share/zsh/vendor-completions,$(PREFIX)/share/zsh/site-functions)
FISHCOMPDIR ?= $(call pc_prefix_var,fish,completionsdir,$(PREFIX)/share/fish/vendor_completions.d)
# GZIP_MAN=1 installs the man pages gzipped (Debian's packaging tools
# compress them themselves).
GZIP_MAN ?=
SCDOC ?= scdoc
CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wwrite-strings -Wpointer-arith -Wundef -Wvla \
	-Wcast-qual -Wnull-dereference
# One version for the binary, the man pages and the packages: debian/changelog's.
VERSION := $(shell sed -n '1s/^[^ ]* .\([^ ]*\). .*/\1/p' debian/changelog)

# pkg-config runs when a recipe first needs it (then once), never while
# make reads this file.
PKGS := libkmod libpci
DEP_CFLAGS = $(eval DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))$(DEP_CFLAGS)
DEP_LIBS = $(eval DEP_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null))$(DEP_LIBS)

# What building needs from Debian, checked before the first compile: a
# machine without it gets one line saying so instead of compiler noise.
need_cmd = $(if $(shell command -v $(1) 2>/dev/null),,$(2))
need_pc = $(if $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo y),,$(2))
MISSING = $(strip $(call need_cmd,$(firstword $(CC)),build-essential) \
	$(call need_cmd,$(PKG_CONFIG),pkg-config) \
	$(call need_pc,libkmod,libkmod-dev) $(call need_pc,libpci,libpci-dev) \
	$(call need_cmd,$(SCDOC),scdoc))

override CFLAGS += -std=gnu11 $(WARNINGS) $(DEP_CFLAGS) -D_GNU_SOURCE \
	-DVFIOCTL_VERSION='"$(VERSION)"' -DVFIOCTL_SBINDIR='"$(BINDIR)"' -MMD -MP
# vfioctl.c is the front, tools/ the commands (they print), lib/ the logic
# (0 or -errno, never prints); tools/ includes lib/'s headers by name.
override CPPFLAGS += -Ilib

B := build
SRCS := vfioctl.c $(wildcard tools/*.c) $(wildcard lib/*.c)
OBJS := $(SRCS:%.c=$(B)/obj/%.o)

.DELETE_ON_ERROR:
KREL = $(shell test/lib/kernel-release)

.PHONY: FORCE depcheck bench bench-vm all check check-host check-vm check-asan fuzz fuzzers clean \
	install uninstall deps kernel kernels demo man cross-arm64 deb

BOOT_IN := $(shell find boot -name '*.in')
BOOT := $(BOOT_IN:%.in=$(B)/%)

all: vfioctl $(BOOT) man

# Boot files name the installed binary.
$(B)/boot/%: boot/%.in $(B)/sbindir
	@mkdir -p $(dir $@)
	sed -e 's|@SBINDIR@|$(BINDIR)|g' -e 's|@UDEVDIR@|$(UDEVDIR)|g' $< > $@

depcheck:
	@$(if $(MISSING),$(error missing $(MISSING): run 'make deps' (as root) first))

# libkmod and libpci are opened when needed (lib/dl.h), not linked: with
# glibc >= 2.34 dlopen is libc's.
vfioctl: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(B)/obj/%.o: %.c | depcheck
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

-include $(OBJS:.o=.d)

# BINDIR is compiled in (the modprobe.d install lines name the binary):
# rebuild when it changes.
$(B)/sbindir: FORCE
	@mkdir -p $(B)
	@echo '$(BINDIR)' | cmp -s - $@ || echo '$(BINDIR)' > $@
$(B)/obj/lib/persist.o: $(B)/sbindir
# and the version (--version)
$(B)/obj/vfioctl.o: debian/changelog
FORCE:

# Man pages, from scdoc sources (man/*.scd) naming the installed paths.
MAN := $(B)/man/vfioctl.8 $(B)/man/vfioctl.d.5
MANGZ := $(if $(filter-out 0 no,$(GZIP_MAN)),.gz)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
MAN_SUBST = -e 's|@VERSION@|$(VERSION)|g' -e 's|@SBINDIR@|$(BINDIR)|g' \
	-e 's|@UDEVDIR@|$(UDEVDIR)|g' -e 's|@SYSTEMDUNITDIR@|$(SYSTEMDUNITDIR)|g' \
	-e 's|@INITRAMFSDIR@|$(INITRAMFSDIR)|g' -e 's|@DRACUTDIR@|$(DRACUTDIR)|g'

man: $(MAN)

# No option or command name is split across lines: scdoc's .nh comes
# before .TH, which turns hyphenation back on in groff, so it is repeated
# after; and groff may break a line after '-' but never after '\-', which
# man renders as the same ASCII '-', so text lines get '\-' (requests and
# scdoc's \h'-N' keep theirs).
$(B)/man/%: man/%.scd $(B)/man/subst | depcheck
	sed $(MAN_SUBST) $< | \
		$(if $(SOURCE_DATE_EPOCH),SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)) $(SCDOC) > $@.tmp
	sed -e '/^\.TH /a .nh' -e "/^[.']/b" -e '/^\\h/b' -e 's/-/\\-/g' $@.tmp > $@
	rm -f $@.tmp

$(B)/man/%.gz: $(B)/man/%
	gzip -9nc $< > $@

# rebuild the pages when what they name changes
$(B)/man/subst: FORCE
	@mkdir -p $(B)/man
	@echo "$(MAN_SUBST)" | cmp -s - $@ || echo "$(MAN_SUBST)" > $@

# Test helpers built from test/.
$(B)/vfio-user: test/vfio-user.c kernel/edu_vfio_pci.h | depcheck
	@mkdir -p $(B)
	$(CC) -std=c11 -O2 $(WARNINGS) -static -o $@ $<

# Sanitized builds, with Debian's clang: lib/, tools/ and vfioctl.c under
# ASan and UBSan (any report aborts), and coverage for libFuzzer.
# $(SAN)/vfioctl is what make check-asan tests; the harnesses of test/fuzz
# link the same lib/.
SAN := $(B)/san
SAN_CC ?= clang
SAN_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fsanitize=fuzzer-no-link
SAN_LIB_OBJS := $(patsubst %.c,$(SAN)/obj/%.o,$(wildcard lib/*.c))
SAN_TOOLS_OBJS := $(patsubst %.c,$(SAN)/obj/%.o,$(wildcard tools/*.c))

$(SAN)/obj/%.o: %.c | depcheck
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CPPFLAGS) $(filter-out -O2 -g,$(CFLAGS)) $(SAN_CFLAGS) -c -o $@ $<

-include $(SAN_LIB_OBJS:.o=.d) $(SAN_TOOLS_OBJS:.o=.d) $(SAN)/obj/vfioctl.d
$(SAN)/obj/lib/persist.o: $(B)/sbindir

$(SAN)/vfioctl: $(SAN)/obj/vfioctl.o $(SAN_TOOLS_OBJS) $(SAN_LIB_OBJS)
	$(SAN_CC) $(SAN_CFLAGS) $(LDFLAGS) -o $@ $^

# libFuzzer harnesses (test/fuzz/README.md): make fuzz FUZZ_SECONDS=N runs
# each for N seconds, two at a time, on its seed corpus.
FUZZ_SECONDS ?= 60
FUZZERS := $(patsubst test/fuzz/%.c,$(B)/fuzz/%,$(wildcard test/fuzz/fuzz-*.c))

$(B)/fuzz/%: test/fuzz/%.c test/fuzz/fuzz.h $(SAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(SAN_CC) -std=gnu11 -D_GNU_SOURCE $(DEP_CFLAGS) $(WARNINGS) -Wno-missing-prototypes \
		$(filter-out -fsanitize=fuzzer-no-link,$(SAN_CFLAGS)) -fsanitize=fuzzer \
		-o $@ $< $(SAN_LIB_OBJS) $(DEP_LIBS)

fuzzers: $(FUZZERS)

fuzz: $(FUZZERS)
	test/fuzz/run $(FUZZ_SECONDS) $(FUZZERS)

# The fake-root suites against $(SAN)/vfioctl: any sanitizer report fails.
ASAN_SUITES := test/cli.bats test/select.bats test/write.bats test/safe.bats \
	test/persist.bats test/refuse.bats test/inuse.bats test/kindex.bats test/buses.bats

check-asan: all $(SAN)/vfioctl $(B)/kindex-diff
	test/lib/run-sanitized $(SAN)/vfioctl $(ASAN_SUITES)

# vfioctl's index reader against libkmod's (test/kindex.bats).
$(B)/kindex-diff: test/kindex-diff.c lib/kindex.c lib/util.c lib/kindex.h lib/util.h | depcheck
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(DEP_LIBS)

# For dpkg-shlibdeps (debian/rules): the libraries vfioctl dlopens, linked.
$(B)/shlibs-stub: debian/shlibs-stub.c lib/kmodlib.h lib/pcilib.h | depcheck
	@mkdir -p $(B)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(DEP_LIBS)

# vfioctl's modprobe.d reader against libkmod's (test/modconf.bats): lib/
# whole, as vfioctl has it.
LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard lib/*.c))
$(B)/modconf-diff: test/modconf-diff.c test/modconf-cmp.h $(LIB_OBJS) | depcheck
	@mkdir -p $(B)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB_OBJS) $(DEP_LIBS)

# Benchmarks print figures and ratios; they never fail a build (bench/run,
# bench/README.md).
$(B)/bench/lookup: bench/lookup.c lib/kindex.c lib/log.c lib/util.c | depcheck
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(DEP_LIBS)

$(B)/bench/%: bench/%.c | depcheck
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

BENCH_TOOLS := $(addprefix $(B)/bench/,lookup floor runner alias-text bindfloor)

bench: vfioctl $(BENCH_TOOLS)
	bench/run

# Binding on the real kernel, in the VM, against driverctl and dpdk-devbind.
bench-vm: vfioctl $(BENCH_TOOLS)
	bench/vm-bind

# vfioctl for arm64, run by the arm64 guest (test/vm/arm64): Debian's cross
# compiler against the arm64 libkmod and libpci that test/vm/arm64/fetch
# unpacks into the sysroot (from Debian's archive, through a private apt
# configuration: this machine's dpkg is not touched).
ARM64_CC ?= aarch64-linux-gnu-gcc
ARM64_SYSROOT := $(B)/arm64/sysroot
ARM64_LIBDIRS := $(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu $(ARM64_SYSROOT)/lib/aarch64-linux-gnu
cross-arm64: $(B)/arm64/vfioctl

$(B)/arm64/sysroot.stamp: test/vm/arm64/fetch test/lib/kernel-release
	test/vm/arm64/fetch >/dev/null

$(B)/arm64/vfioctl: $(SRCS) $(wildcard lib/*.h tools/*.h) $(B)/arm64/sysroot.stamp
	$(ARM64_CC) $(CPPFLAGS) $(filter-out -MMD -MP $(DEP_CFLAGS),$(CFLAGS)) \
		-isystem $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu -isystem $(ARM64_SYSROOT)/usr/include \
		-o $@ $(SRCS) \
		$(addprefix -L,$(ARM64_LIBDIRS)) $(addprefix -Wl$(comma)-rpath-link$(comma),$(ARM64_LIBDIRS))
comma := ,

# Debian's 6.12 (bookworm-backports) and 7.2 (sid), their headers, the
# upstream virtio_vfio_pci source and a sid chroot to build for 7.2, into a
# cache (test/lib/kernels; nothing is installed on this machine).
kernels:
	test/lib/kernels fetch

# kernel/'s variant modules (and on 6.12 and 7.2 the upstream
# virtio_vfio_pci) for each kernel the VM boots, in build/kernel/RELEASE/.
KSERIES := 6.1 6.12 7.2
kernel: $(KSERIES:%=kernel-%)
$(KSERIES:%=kernel-%): kernel-%: FORCE
	+test/lib/kernels modules $*

check: all $(B)/vfio-user $(B)/kindex-diff $(B)/modconf-diff fuzzers kernel cross-arm64 deb
	test/run

# check-host: the suites run from this machine (test/*.bats): fake roots,
# and four that boot guests of test/vm themselves (boot, initramfs, package,
# ansible-fleet: two guests driven by Ansible over SSH, with the .deb of
# `make deb`). check-vm: the suites run inside a guest.
check-host: all $(B)/kindex-diff $(B)/modconf-diff fuzzers deb
	test/run test/*.bats

check-vm: all $(B)/vfio-user kernel cross-arm64
	test/run test/vm/*.bats test/vm/arm64/*.bats

# The Debian packages (debian/) in build/deb/: vfioctl_VERSION_ARCH.deb and
# vfioctl-dkms_VERSION_all.deb, built by dpkg-buildpackage in a copy of the
# sources (build/deb/src), so that its clean step leaves this tree alone.
# Rebuilt when a file of the copy changes (tests and benchmarks are not
# in it).
deb: $(B)/deb/stamp

DEB_FILES = git ls-files -co --exclude-standard -- . ':!test' ':!bench' | \
	xargs -r -d '\n' ls -d 2>/dev/null

$(B)/deb/sources: FORCE
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "make deb: copies a git checkout;" \
		"elsewhere run dpkg-buildpackage -us -uc -b (it cleans this tree)" >&2; exit 1; }
	@mkdir -p $(B)/deb
	@$(DEB_FILES) | LC_ALL=C sort | xargs -r -d '\n' sha256sum > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(B)/deb/stamp: $(B)/deb/sources
	rm -rf $(B)/deb/src $(B)/deb/*.deb $(B)/deb/*.buildinfo $(B)/deb/*.changes
	mkdir -p $(B)/deb/src
	$(DEB_FILES) | tar -cf - -T - | tar -C $(B)/deb/src -xf -
	cd $(B)/deb/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b --no-pre-clean > ../build.log 2>&1 || \
		{ tail -n 30 ../build.log; echo "dpkg-buildpackage failed: $(B)/deb/build.log" >&2; exit 1; }
	rm -rf $(B)/deb/src
	ls $(B)/deb/*.deb
	touch $@

# The main job, in the bundled VM: no device of this machine is touched.
demo: vfioctl $(B)/vfio-user kernel-6.1
	test/vm/run -- test/vm/demo

INSTALLED = $(BINDIR)/vfioctl \
	$(UDEVDIR)/rules.d/70-vfioctl.rules \
	$(SYSTEMDUNITDIR)/vfioctl.service \
	$(INITRAMFSDIR)/hooks/vfioctl \
	$(INITRAMFSDIR)/scripts/init-premount/vfioctl \
	$(DRACUTDIR)/90vfioctl/module-setup.sh \
	$(DRACUTDIR)/90vfioctl/vfioctl-apply.sh \
	$(MANDIR)/man8/vfioctl.8$(MANGZ) \
	$(MANDIR)/man5/vfioctl.d.5$(MANGZ) \
	$(BASHCOMPDIR)/vfioctl \
	$(ZSHCOMPDIR)/_vfioctl \
	$(FISHCOMPDIR)/vfioctl.fish

install: vfioctl $(BOOT) $(MAN:%=%$(MANGZ))
	install -D -m 0755 vfioctl $(DESTDIR)$(BINDIR)/vfioctl
	install -D -m 0644 $(B)/boot/70-vfioctl.rules $(DESTDIR)$(UDEVDIR)/rules.d/70-vfioctl.rules
	install -D -m 0644 $(B)/boot/vfioctl.service $(DESTDIR)$(SYSTEMDUNITDIR)/vfioctl.service
	install -D -m 0755 $(B)/boot/initramfs-tools/hooks/vfioctl $(DESTDIR)$(INITRAMFSDIR)/hooks/vfioctl
	install -D -m 0755 $(B)/boot/initramfs-tools/scripts/init-premount/vfioctl \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-premount/vfioctl
	install -D -m 0755 $(B)/boot/dracut/90vfioctl/module-setup.sh \
		$(DESTDIR)$(DRACUTDIR)/90vfioctl/module-setup.sh
	install -D -m 0755 $(B)/boot/dracut/90vfioctl/vfioctl-apply.sh \
		$(DESTDIR)$(DRACUTDIR)/90vfioctl/vfioctl-apply.sh
	install -D -m 0644 $(B)/man/vfioctl.8$(MANGZ) $(DESTDIR)$(MANDIR)/man8/vfioctl.8$(MANGZ)
	install -D -m 0644 $(B)/man/vfioctl.d.5$(MANGZ) $(DESTDIR)$(MANDIR)/man5/vfioctl.d.5$(MANGZ)
	install -D -m 0644 completions/vfioctl.bash $(DESTDIR)$(BASHCOMPDIR)/vfioctl
	install -D -m 0644 completions/_vfioctl $(DESTDIR)$(ZSHCOMPDIR)/_vfioctl
	install -D -m 0644 completions/vfioctl.fish $(DESTDIR)$(FISHCOMPDIR)/vfioctl.fish

# Files only: a directory may hold others' files too.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/,man8/vfioctl.8 man8/vfioctl.8.gz \
		man5/vfioctl.d.5 man5/vfioctl.d.5.gz)
	-rmdir $(DESTDIR)$(DRACUTDIR)/90vfioctl 2>/dev/null

clean:
	rm -rf $(B) vfioctl
	$(MAKE) -C kernel clean KDIR=/lib/modules/$(KREL)/build 2>/dev/null || true

endif

# Every package the build and the tests need, from Debian (needs root),
# then the kernels the VM suites boot besides this machine's (make kernels).
deps:
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
		install -y --no-install-recommends $$(grep -v '^#' test/packages)
	test/lib/kernels fetch
.PHONY: deps

# What the benchmarks compare with, and the plot (needs root).
bench-deps:
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
		install -y --no-install-recommends $$(grep -v '^#' bench/packages)
.PHONY: bench-deps
