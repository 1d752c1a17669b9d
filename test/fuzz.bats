#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A bounded pass of every libFuzzer harness of test/fuzz (ASan and UBSan):
# VFIOCTL_FUZZ_SECONDS each (default 60), two at a time, from the seed
# corpora, which hold the inputs of every crash found so far. make fuzz
# FUZZ_SECONDS=N runs longer passes.

load lib/common

setup_file() {
	make -s -C "$FIXTURE_TOP" fuzzers >&2
	"$FIXTURE_TOP/test/fuzz/run" "${VFIOCTL_FUZZ_SECONDS:-60}" \
		"$FIXTURE_TOP"/build/fuzz/fuzz-* > "$BATS_FILE_TMPDIR/results" 2>&1 || true
}

# passed NAME: the harness ran its time without a crash, a hang or a leak
passed() {
	run grep -A5 "^$1: " "$BATS_FILE_TMPDIR/results"
	assert_line --index 0 --regexp "^$1: ok, [0-9]+ runs"
}

@test "every harness in test/fuzz has a seed corpus and a test here" {
	local f name
	for f in "$FIXTURE_TOP"/test/fuzz/fuzz-*.c; do
		name=${f##*/fuzz-}
		name=${name%.c}
		[ -n "$(ls "$FIXTURE_TOP/test/fuzz/corpus/$name")" ] || fail "$name: no seeds"
		grep -q "^@test \"$name:" "$BATS_TEST_FILENAME" || fail "$name: no test"
	done
}

@test "names: device names, IDs, owners, module names, escaping" { passed names; }
@test "kindex: the index reader on any bytes, checked against kmod's rule" { passed kindex; }
@test "record: the etc/vfioctl.d parser, and what it accepts writes back the same" { passed record; }
@test "owner: USER[:GROUP] against any passwd and group" { passed owner; }
@test "modprobe: any modprobe.d file: vfioctl's aliases and blacklists are libkmod's; ranked" { passed modprobe; }
@test "driverctl: driverctl's override files, as import-driverctl reads them" { passed driverctl; }
@test "procfs: the /proc files of the in-use checks: addresses, routes, mounts, swaps, consoles, fdinfo; the whole check" { passed procfs; }
@test "state: run/vfioctl's record and journal, loaded and saved back the same; no value that is not a name saved" { passed state; }
@test "sysfs: a device's attributes and links, read within the root, to its vfio alias" { passed sysfs; }
