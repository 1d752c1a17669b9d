#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench's pieces work, on the pristine fixture root: no timing here
# (bench/run measures; nothing in make check does). What is checked is what
# makes the figures mean something: the shell one-pass prints exactly what
# vfioctl list-candidates prints (ties, blacklist, modprobe.d, built-ins),
# and the other ways and the runner run.

load lib/common

setup_file() {
	fixture_setup_file
	make -s -C "$FIXTURE_TOP" build/bench/runner build/bench/floor build/bench/alias-text \
		>/dev/null
}

setup() {
	fixture_setup
	TOP=$FIXTURE_TOP
}

@test "bench/candidates.bash prints what vfioctl list-candidates prints, byte for byte" {
	run "$TOP/vfioctl" --root "$ROOT" --kernel "$KREL" list-candidates
	assert_success
	want=$output
	# the cases that make the ranking: a tie, a blacklisted variant, a
	# modprobe.d alias, a built-in variant
	assert_output --partial "(tie: first by name)"
	assert_output --partial "(blacklisted: not chosen)"
	assert_output --partial "(modprobe.d alias)"
	assert_output --partial "(built-in)"
	run "$TOP/bench/candidates.bash" "$ROOT" "$KREL"
	assert_success
	assert_equal "$output" "$want"
}

@test "bench/candidates.bash follows the root's blacklist and modprobe.d as vfioctl does" {
	printf 'blacklist vfxt_edu_vfio_pci\n' >"$ROOT/etc/modprobe.d/more.conf"
	rm "$ROOT/etc/modprobe.d/vfxt.conf"
	run "$TOP/vfioctl" --root "$ROOT" --kernel "$KREL" list-candidates
	assert_success
	assert_output --partial "vfxt_edu_vfio_pci         5  vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*  (blacklisted: not chosen)"
	want=$output
	run "$TOP/bench/candidates.bash" "$ROOT" "$KREL"
	assert_equal "$output" "$want"
}

@test "the floor, the per-device ways and the runner run on a root" {
	local spec=$BATS_TEST_TMPDIR/spec n
	n=$(ls "$ROOT/sys/bus/pci/devices" | wc -l)
	run "$TOP/build/bench/floor" "$ROOT" "$KREL"
	assert_success
	assert_output --regexp "^$n modaliases, index of [0-9]+ bytes$"
	# libvirt's and NVIDIA's way: edu's exact variant, vfio_pci for a bridge
	run "$TOP/build/bench/alias-text" "$ROOT" "$KREL"
	assert_success
	assert_line "0000:00:03.0 vfxt_edu_vfio_pci"
	assert_line "0000:00:0b.0 vfio_pci"
	run "$TOP/bench/modprobe-loop.bash" "$ROOT" "$KREL"
	assert_success
	assert_line vfxt_edu_vfio_pci
	printf 'floor\t%s\t%s\t%s\nfails\tfalse\n' "$TOP/build/bench/floor" "$ROOT" "$KREL" >"$spec"
	run "$TOP/build/bench/runner" -r 3 "$spec"
	assert_success
	assert_line --regexp $'^floor\t3\t[0-9.]+\t[0-9.]+\t[0-9.]+\t[0-9.]+\t[0-9]+\t0$'
	assert_line --regexp $'^fails\t3\t.*\t1$'
}
