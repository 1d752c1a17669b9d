#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Makefile on a machine that lacks the packages: `make deps GOAL`
# (the README's commands) looks at nothing that deps installs before deps
# has run, and a build without the -dev packages stops with one line
# naming them. Run in a copy of the tree, with apt-get replaced by a
# recorder and the package-dependent tools wrapped to log when they run;
# test/lib/kernels (the 6.12 and 7.2 kernels deps fetches after the packages,
# through the archive: test/kernels.bats has what it fetched) is a recorder
# too.

load lib/common

setup_file() {
	S=$BATS_FILE_TMPDIR/src
	mkdir -p "$S/test/lib"
	(cd "$FIXTURE_TOP" && cp -a Makefile vfioctl.c lib tools boot man completions "$S/" &&
		cp -a test/packages test/lib/kernel-release "$S/test/" && cp -a debian "$S/" &&
		mv "$S/test/kernel-release" "$S/test/lib/")
	export S
}

# test/lib/kernels in the copy: records its arguments in $LOG
kernels_recorder() {
	printf '#!/bin/sh\necho "test/lib/kernels $*" >>"%s"\n' "$LOG" >"$S/test/lib/kernels"
	chmod +x "$S/test/lib/kernels"
}

setup() {
	# a top-level make, as a user types it: under `make check` (itself a
	# sub-make of `make deps check`) the inherited MAKELEVEL and MAKEFLAGS
	# would add "Entering directory" lines around the one line
	unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
	BIN=$BATS_TEST_TMPDIR/bin
	LOG=$BATS_TEST_TMPDIR/log
	mkdir -p "$BIN"
	: >"$LOG"
	# apt-get records that it ran; each tool that a package brings logs
	# each call and then runs the real one
	printf '#!/bin/sh\necho "apt-get $*" >>"%s"\n' "$LOG" >"$BIN/apt-get"
	for t in pkg-config git cc scdoc; do
		printf '#!/bin/sh\necho %s >>"%s"\nexec %s "$@"\n' \
			"$t" "$LOG" "$(command -v "$t")" >"$BIN/$t"
	done
	chmod +x "$BIN"/*
	kernels_recorder
}

@test "make deps GOAL: nothing deps installs is used before deps has run" {
	PATH=$BIN:$PATH run make -C "$S" deps build/boot/70-vfioctl.rules
	assert_success
	# apt-get first, then the tools (pkg-config for the udev directory)
	run head -n 1 "$LOG"
	assert_output --regexp '^apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends build-essential '
	grep -qx pkg-config "$LOG"
	# every package of test/packages, nothing else
	run sed -n 's/^apt-get .* --no-install-recommends //p' "$LOG"
	assert_output "$(grep -v '^#' "$S/test/packages" | tr '\n' ' ' | sed 's/ $//')"
	# then the kernels, with the tools the packages brought, once
	run grep -n '^test/lib/kernels' "$LOG"
	assert_output --regexp '^[0-9]+:test/lib/kernels fetch$'
	[ "${output%%:*}" -gt "$(grep -n '^apt-get ' "$LOG" | cut -d: -f1)" ]
	grep -q 'PROGRAM="/usr/local/sbin/vfioctl --quiet apply' "$S/build/boot/70-vfioctl.rules"
}

@test "make deps alone and make clean run no package's tool" {
	PATH=$BIN:$PATH run make -C "$S" deps
	assert_success
	PATH=$BIN:$PATH run make -C "$S" clean
	assert_success
	run grep -v -e '^apt-get ' -e '^test/lib/kernels fetch$' "$LOG"
	assert_output ""
}

@test "missing -dev packages: one line naming them and make deps, nothing built" {
	# a pkg-config that knows libkmod but not libpci
	printf '#!/bin/sh\nfor a; do [ "$a" != libpci ] || exit 1; done\nexec pkg-config "$@"\n' \
		>"$BIN/pc-nolibpci"
	chmod +x "$BIN/pc-nolibpci"
	rm -rf "$S/build" "$S/vfioctl"
	for j in -j1 -j2; do
		run make -s -C "$S" "$j" PKG_CONFIG="$BIN/pc-nolibpci"
		assert_failure
		assert_output --regexp "^Makefile:[0-9]+: \*\*\* missing libpci-dev: run 'make deps' \(as root\) first\.  Stop\.$"
		[ ! -e "$S/vfioctl" ] && [ ! -e "$S/build/obj" ]
	done
	# no compiler, no pkg-config, no scdoc: every package named on the one line
	run make -s -C "$S" CC=/nonexistent/cc PKG_CONFIG=/nonexistent/pkg-config \
		SCDOC=/nonexistent/scdoc vfioctl
	assert_failure
	assert_output --regexp "^Makefile:[0-9]+: \*\*\* missing build-essential pkg-config libkmod-dev libpci-dev scdoc: run 'make deps' \(as root\) first\.  Stop\.$"
}
