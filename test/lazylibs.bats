#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl is linked against libc alone: libkmod is opened (dlopen) only to
# load or inspect a module, libpci only to print names (lib/dl.h), so that
# a lookup does not pay for their chains of libraries. Which libraries a
# command opened is read from strace.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
}

# opened CMD...: run vfioctl (strace); $libs = the lib*.so it opened, one a line
opened() {
	run strace -f -qq -e trace=openat,open -o "$BATS_TEST_TMPDIR/s" "$VFIOCTL" "$@"
	libs=$(grep -v ENOENT "$BATS_TEST_TMPDIR/s" | grep -oE '/lib(kmod|pci)\.so[^"]*' | sed 's|^/||' | sort -u)
}

@test "the binary needs libc alone" {
	run readelf -d "$VFIOCTL"
	assert_success
	assert_line --partial '(NEEDED)'
	refute_line --regexp '\(NEEDED\).*lib(kmod|pci)'
	[ "$(grep -c '(NEEDED)' <<<"$output")" -eq 1 ]
	assert_line --regexp '\(NEEDED\).*\[libc\.so\.6\]'
}

@test "a lookup, a dry run, --version, list-persisted: neither libkmod nor libpci" {
	local cmd
	for cmd in "list-candidates 0000:00:06.0" "--json list-candidates" "bind --dry-run 0000:00:06.0" \
		"list-persisted" "--version"; do
		# shellcheck disable=SC2086
		opened --root "$ROOT" $cmd
		assert_success
		[ -z "$libs" ] || fail "$cmd opened $libs"
	done
	# and the lookup still reads modprobe.d: vfxt.conf's alias and blacklist
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:06.0
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfio_pci
	assert_equal "$(jq -r '.[0].candidates[] | select(.module == "vfxt_black_vfio_pci") | .blacklisted' <<<"$output")" true
}

@test "names open libpci, and only libpci" {
	opened --root "$ROOT" list-devices
	assert_success
	assert_line --regexp '^0000:00:00\.0 .*Intel Corporation 82G33'
	assert_equal "$libs" libpci.so.3
}

@test "inspecting a module without modules.dep.bin opens libkmod" {
	rm "$ROOT/lib/modules/$KREL/modules.dep.bin"
	opened --root "$ROOT" show 0000:00:06.0
	assert_success
	assert_equal "$(grep -c libkmod.so.2 <<<"$libs")" 1
}

# hide LIB (as opened by list-devices) under /dev/null in a mount namespace
# of our own, and run vfioctl ARGS there
without() {
	local lib=$1 path
	shift
	if [ "$lib" = libpci.so.3 ]; then
		opened --root "$ROOT" list-devices
	else	# without modules.dep.bin, show asks libkmod for dependencies
		mv "$ROOT/lib/modules/$KREL/modules.dep.bin" "$BATS_TEST_TMPDIR/dep" 2>/dev/null || :
		opened --root "$ROOT" show 0000:00:06.0
		mv "$BATS_TEST_TMPDIR/dep" "$ROOT/lib/modules/$KREL/modules.dep.bin" 2>/dev/null || :
	fi
	path=$(grep -v ENOENT "$BATS_TEST_TMPDIR/s" | grep -oE "\"[^\"]*/$lib\"" | tr -d '"' | head -n 1)
	[ -n "$path" ] || fail "$lib: not opened"
	path=$(readlink -f "$path")
	run --separate-stderr "$FIXTURE_TOP/test/lib/private-ns" sh -c \
		'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$path" "$VFIOCTL" "$@"
}

@test "without libpci, names fall back to IDs, quietly" {
	without libpci.so.3 --root "$ROOT" list-devices
	assert_success
	assert_equal "$stderr" ""
	assert_line --regexp '^0000:00:00\.0 .* Vendor 8086 Device 29c0$'
	refute_output --partial Intel
}

@test "without libkmod, what needs no module is done, quietly" {
	without libkmod.so.2 --root "$ROOT" --json list-candidates 0000:00:06.0
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfio_pci
	rm "$ROOT/lib/modules/$KREL/modules.dep.bin"
	without libkmod.so.2 --root "$ROOT" show 0000:00:06.0
	assert_success
	assert_equal "$stderr" ""
}
