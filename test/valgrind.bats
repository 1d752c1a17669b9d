#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The main commands under valgrind's memcheck on a fake root: no invalid
# read or write, no use of uninitialised memory, no definite or indirect
# leak (valgrind --error-exitcode). The sanitizers (make check-asan, the
# fuzzers) cover more inputs; this covers the shipped -O2 binary.

load lib/common

setup_file() {
	fixture_setup_file
	command -v valgrind >/dev/null || skip "valgrind is not installed (test/packages)"
}
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	mkdir -p "$ROOT/etc/vfioctl.d" "$ROOT/etc/driverctl.d"
	printf 'device = 0000:00:0a.0\ndriver = auto\n' > "$ROOT/etc/vfioctl.d/pci-0000:00:0a.0.conf"
	printf 'ids = 1af4:1110\ndriver = auto\nowner = 0:0\n' > "$ROOT/etc/vfioctl.d/ids-1af4:1110.conf"
	echo vfio-pci > "$ROOT/etc/driverctl.d/pci-0000:00:1f.0"
}

# memcheck ARGS...: vfioctl --root ROOT ARGS under memcheck; any error
# fails, whatever vfioctl's own exit status
memcheck() {
	run valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		"$VFIOCTL" --root "$ROOT" "$@"
	# valgrind releases before 3.20 do not know openat2: vfioctl falls back
	local report
	report=$(grep -E '^==[0-9]+==' <<<"$output" || true)
	[ "$status" -ne 99 ] && [ -z "$report" ] || fail "memcheck: $* (status $status):
$report"
}

@test "read commands: list-devices, list-candidates, show, list-overrides, list-persisted, owner" {
	memcheck list-devices
	memcheck --json list-devices --vfio
	memcheck list-candidates
	memcheck --json list-candidates 0000:00:03.0 0000:00:04.0
	memcheck show 0000:00:03.0
	memcheck --json show 0000:00:0a.0
	memcheck list-overrides
	memcheck list-persisted
	memcheck --json list-persisted
	memcheck owner 10
}

@test "bind and unbind: dry runs, runs, --group, --persist, --owner" {
	memcheck bind --dry-run 0000:00:03.0 0000:00:04.0
	memcheck bind 0000:00:03.0
	memcheck --json bind --group 0000:00:0a.0
	memcheck bind --persist --owner 0:0 0000:00:0a.0
	memcheck bind --persist --dry-run 1af4:1110
	memcheck unbind 0000:00:0a.0
	memcheck unbind --persist 0000:00:0a.0
}

@test "apply, import-driverctl, and bad input" {
	memcheck apply --dry-run
	memcheck apply
	memcheck import-driverctl --dry-run
	memcheck import-driverctl
	memcheck bind 0000:00:99.0
	memcheck bind 'not a device'
	memcheck show 0000:00:1f.7
	memcheck --kernel nope list-candidates
}
