#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# completions/vfioctl.fish, driven by a real fish: `complete -C LINE` in
# `fish --no-config` with the file sourced, the cursor at the end of LINE.
# Same fake root as test/completion-bash.bats.

load lib/common
load lib/completion

setup_file() {
	completion_root_setup
}

# fc LINE...: complete each LINE; F[i] is what LINE i offers (the
# candidates, without their descriptions), sorted.
fc() {
	local out
	# shellcheck disable=SC2016
	out=$(fish --no-config -c 'source $argv[1]
		for line in $argv[2..]
			complete -C $line | string replace -r "\t.*" "" | LC_ALL=C sort -u
			echo \x1e
		end' "$FIXTURE_TOP/completions/vfioctl.fish" "$@") || return
	split_offers F <<<"$out"
	[ "${#F[@]}" -eq $# ]
}


@test "commands at the command word, after global options too" {
	fc "vfioctl " "vfioctl --root $R -j --kernel $KREL list-"
	assert_equal "${F[0]}" "$(lines bind unbind list-devices list-candidates show apply \
		list-overrides list-persisted import-driverctl sriov owner)"
	assert_equal "${F[1]}" "$(lines list-devices list-candidates list-overrides list-persisted)"
}

@test "options: the global ones, and the command's, wherever the command stands" {
	local globals=('-?' --help --usage -V --version -j --json -q --quiet -v --verbose --root --kernel)
	fc "vfioctl -" "vfioctl show -" "vfioctl bind 0000:00:03.0 --" "vfioctl --json sriov --n" \
		"vfioctl list-devices --v"
	assert_equal "${F[0]}" "$(lines "${globals[@]}")"
	assert_equal "${F[1]}" "$(lines "${globals[@]}")"
	assert_equal "${F[2]}" "$(lines --help --usage --version --json --quiet --verbose --root \
		--kernel --driver --dry-run --persist --group --noiommu --owner --force --bus \
		--no-reset-required)"
	assert_equal "${F[3]}" "$(lines --noiommu --numvfs)"
	assert_equal "${F[4]}" "$(lines --verbose --version --vfio)"
}

@test "devices come from sysfs under --root DIR or --root=DIR, before or after the command" {
	local want
	want=$(devices "$R")
	fc "vfioctl --root $R show " "vfioctl --root=$R list-candidates " "vfioctl apply --root $R " \
		"vfioctl -q show --root=$R/ " "vfioctl --root $R2 bind " "vfioctl --root $R show 10000:0"
	assert_equal "${F[0]}" "$want"
	assert_equal "${F[1]}" "$want"
	assert_equal "${F[2]}" "$want"
	assert_equal "${F[3]}" "$want"
	assert_equal "${F[4]}" "0000:aa:00.0"
	assert_equal "${F[5]}" "$(lines 10000:00:02.0 10000:01:00.0)"
}

@test "show and owner take one name; bind several" {
	fc "vfioctl --root $R show 0000:00:03.0 " "vfioctl --root $R owner 3 " \
		"vfioctl --root $R bind 0000:00:03.0 0000:00:04.0 0000:00:0" "vfioctl --root $R list-devices "
	assert_equal "${F[0]}" ""
	assert_equal "${F[1]}" ""
	[[ ${F[2]} == *0000:00:0a.0* ]]
	assert_equal "${F[3]}" ""
}

@test "--driver: registered drivers and modules with a vfio_pci alias (modules.alias, modprobe.d)" {
	local want
	want=$(
		cd "$R/sys/bus/pci/drivers" && printf '%s\n' *
		printf '%s\n' vfio_pci vfxt_edu_vfio_pci vfxt_vendor_vfio_pci vfxt_e1000e_vfio_pci \
			vfxt_e1000e_sub_vfio_pci vfxt_black_vfio_pci vfxt_nvme_vfio_pci \
			vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci vfxt_cfg
	)
	fc "vfioctl --root $R bind --driver " "vfioctl --root $R sriov -d vfxt_t" \
		"vfioctl bind --root $R --driver=vfxt-e" "vfioctl --root $R bind --json --driver vfxt_c" \
		"vfioctl --root $R2 bind --driver "
	assert_equal "${F[0]}" "$(lines $want | uniq)"
	assert_equal "${F[1]}" "$(lines vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci)"
	assert_equal "${F[2]}" "$(lines --driver=vfxt-e1000e-sub --driver=vfxt-edu-vfio-pci)"
	assert_equal "${F[3]}" vfxt_cfg
	assert_equal "${F[4]}" other-drv
}

@test "--driver reads the module directory --kernel names" {
	local r=$BATS_TEST_TMPDIR/r
	mkdir -p "$r/lib/modules/9.9.9-test" "$r/lib/modules/$KREL"
	echo 'alias vfio_pci:v00001234d*sv*sd*bc*sc*i* other_vfio_pci' >"$r/lib/modules/9.9.9-test/modules.alias"
	cp "$R/lib/modules/$KREL/modules.alias" "$r/lib/modules/$KREL/"
	fc "vfioctl --root $r --kernel 9.9.9-test bind --driver " \
		"vfioctl --root $r bind --kernel=$KREL --driver vfxt_ti" "vfioctl --root $r --kernel "
	assert_equal "${F[0]}" other_vfio_pci
	assert_equal "${F[1]}" "$(lines vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci)"
	assert_equal "${F[2]}" "$(lines 9.9.9-test "$KREL")"
}

@test "unbind --persist: records; bind --persist: IDs of the devices present too" {
	fc "vfioctl --root $R unbind --persist " "vfioctl --persist --root $R unbind 8086:" \
		"vfioctl --root $R unbind 0000:00:0a" "vfioctl --root $R bind --persist 8086:10d" \
		"vfioctl --root $R bind 8086:"
	assert_equal "${F[0]}" "$(lines 0000:00:0a.0 8086:10d3)"
	assert_equal "${F[1]}" "8086:10d3"
	assert_equal "${F[2]}" "0000:00:0a.0"
	assert_equal "${F[3]}" "$(lines 8086:10d3 8086:10d3:8086:0000 8086:10d3:8086:a01f)"
	assert_equal "${F[4]}" ""
}

@test "sriov: devices with sriov_totalvfs; --numvfs: nothing; owner: VFIO nodes" {
	fc "vfioctl --root $R sriov " "vfioctl --root $R sriov 0000:00:02.0 --numvfs " \
		"vfioctl --root $R owner "
	assert_equal "${F[0]}" "0000:00:02.0"
	assert_equal "${F[1]}" ""
	assert_equal "${F[2]}" "$(lines 3 noiommu-7 vfio0)"
}

@test "--owner: users, then groups after the colon, from ROOT/etc under --root" {
	fc "vfioctl --root $R bind --owner al" "vfioctl --root $R bind --owner alice:" \
		"vfioctl --root $R sriov --owner=alice:k" "vfioctl bind --owner roo"
	assert_equal "${F[0]}" "$(lines albert alice)"
	assert_equal "${F[1]}" "$(lines alice:alice alice:kvm alice:root)"
	assert_equal "${F[2]}" --owner=alice:kvm
	assert_equal "${F[3]}" root
}

@test "--root: directories" {
	mkdir -p "$BATS_TEST_TMPDIR/d/img1" "$BATS_TEST_TMPDIR/d/img2"
	touch "$BATS_TEST_TMPDIR/d/imgfile"
	fc "vfioctl --root $BATS_TEST_TMPDIR/d/im" "vfioctl --root=$BATS_TEST_TMPDIR/d/img1"
	assert_equal "${F[0]}" "$(lines "$BATS_TEST_TMPDIR/d/img1/" "$BATS_TEST_TMPDIR/d/img2/")"
	assert_equal "${F[1]}" "--root=$BATS_TEST_TMPDIR/d/img1/"
}
