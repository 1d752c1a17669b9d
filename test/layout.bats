#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The code's layers (README, "Code"): vfioctl.c, the front, uses tools/,
# the commands, which print; tools/ uses lib/, the logic, which returns 0
# or -errno and never prints. Read from the objects the Makefile builds
# (what the code calls, after the preprocessor and the optimiser), not
# from the text.

load lib/common

setup_file() {
	make -s --no-print-directory -C "$FIXTURE_TOP" vfioctl >/dev/null
}

# the objects of DIR/*.c (build/obj may hold others, of files since moved)
objs() {
	local c
	for c in "$FIXTURE_TOP/$1"/*.c; do
		c=${c#"$FIXTURE_TOP"/}
		echo "${c%.c}.o"
	done
}

# undefined symbols of the objects given, as "SYMBOL OBJECT", sorted
calls() {
	local o
	for o in "$@"; do
		nm -u "$o" | awk -v o="$o" '{ print $2, o }'
	done | sort
}

# symbols defined by the objects given, as "SYMBOL OBJECT", sorted
defines() {
	local o
	for o in "$@"; do
		nm --defined-only "$o" | awk -v o="$o" '$2 ~ /^[TDBR]$/ { print $3, o }'
	done | sort
}

# shellcheck disable=SC2046 # $(objs DIR) is a list of paths without blanks
@test "lib/ never prints nor exits: no print path, no stdout but lib/log.c's flush of it" {
	cd "$FIXTURE_TOP/build/obj"
	run -0 calls $(objs lib)
	run grep -E '^(printf|vprintf|puts|putchar|perror|exit|_exit|abort|err|errx|warn|warnx|error|stdout|out_[a-z_]+) ' <<<"$output"
	assert_output "stdout lib/log.o"
}

# shellcheck disable=SC2046
@test "lib/ calls nothing of tools/ nor of vfioctl.c" {
	cd "$FIXTURE_TOP/build/obj"
	[ "$(objs tools | wc -l)" -ge 8 ]
	run join <(calls $(objs lib)) <(defines $(objs tools) vfioctl.o)
	assert_success
	assert_output ""
}

# shellcheck disable=SC2046
@test "tools/: no command file calls back into one that calls it, directly or round a circle" {
	cd "$FIXTURE_TOP/build/obj"
	[ "$(objs tools | wc -l)" -ge 8 ]
	# "CALLER CALLEE" for each call from one file of tools/ into another
	join <(calls $(objs tools)) <(defines $(objs tools)) | awk '$2 != $3 { print $2, $3 }' |
		sort -u >"$BATS_TEST_TMPDIR/edges"
	[ -s "$BATS_TEST_TMPDIR/edges" ]
	# tsort fails on a loop, and names its files
	run tsort "$BATS_TEST_TMPDIR/edges"
	assert_success
}
