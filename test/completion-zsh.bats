#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# completions/_vfioctl, driven by a real zsh: an interactive `zsh -f` on a
# pseudo-terminal (zsh/zpty) runs compinit with completions/ first in
# $fpath, gets each line typed and a TAB, with the cursor moved back to
# '|' when the line has one. Its compadd, where every completer ends,
# records what it adds. Same fake root as test/completion-bash.bats.

load lib/common
load lib/completion

setup_file() {
	completion_root_setup
	zsh_driver_write "$BATS_FILE_TMPDIR/zcomp.zsh"
}


# zc LINE...: complete each LINE; Z[i] is what LINE i offers, sorted.
zc() {
	local out
	out=$(TMPDIR=$BATS_TEST_TMPDIR timeout 60 zsh -f "$BATS_FILE_TMPDIR/zcomp.zsh" \
		"$FIXTURE_TOP/completions" "$@") || return
	split_offers Z <<<"$out"
	[ "${#Z[@]}" -eq $# ]
}


@test "commands at the command word, after global options too" {
	zc "vfioctl " "vfioctl --root $R -j --kernel $KREL list-"
	assert_equal "${Z[0]}" "$(lines bind unbind list-devices list-candidates show apply \
		list-overrides list-persisted import-driverctl sriov owner)"
	assert_equal "${Z[1]}" "$(lines list-devices list-candidates list-overrides list-persisted)"
}

@test "options: the global ones, and the command's, wherever the command stands" {
	local globals=('-?' --help --usage -V --version -j --json -q --quiet -v --verbose --root --kernel)
	zc "vfioctl -" "vfioctl show -" "vfioctl bind 0000:00:03.0 --" "vfioctl --json sriov --n" \
		"vfioctl list-devices --v" "vfioctl --root $R show -- -"
	assert_equal "${Z[0]}" "$(lines "${globals[@]}")"
	assert_equal "${Z[1]}" "$(lines "${globals[@]}")"
	assert_equal "${Z[2]}" "$(lines --help --usage --version --json --quiet --verbose --root \
		--kernel --driver --dry-run --persist --group --noiommu --owner --force --bus \
		--no-reset-required)"
	assert_equal "${Z[3]}" "$(lines --noiommu --numvfs)"
	assert_equal "${Z[4]}" "$(lines --verbose --version --vfio)"
	assert_equal "${Z[5]}" ""
}

@test "devices come from sysfs under --root DIR or --root=DIR, anywhere on the line" {
	local want
	want=$(devices "$R")
	zc "vfioctl --root $R show " "vfioctl --root=$R list-candidates " "vfioctl apply | --root $R" \
		"vfioctl -q show | --root=$R/" "vfioctl --root $R2 bind " \
		"vfioctl --root $R show 10000:0" "vfioctl --root $R bind 0000:01:0| -n"
	assert_equal "${Z[0]}" "$want"
	assert_equal "${Z[1]}" "$want"
	assert_equal "${Z[2]}" "$want"
	assert_equal "${Z[3]}" "$want"
	assert_equal "${Z[4]}" "0000:aa:00.0"
	assert_equal "${Z[5]}" "$(lines 10000:00:02.0 10000:01:00.0)"
	assert_equal "${Z[6]}" "$(lines 0000:01:01.0 0000:01:02.0)"
}

@test "show and owner take one name; bind several" {
	# where no name can follow, zsh offers the options instead
	zc "vfioctl --root $R show 0000:00:03.0 " "vfioctl --root $R owner 3 " \
		"vfioctl --root $R bind 0000:00:03.0 0000:00:04.0 0000:00:0" "vfioctl --root $R list-devices "
	assert_equal "$(grep -v '^-' <<<"${Z[0]}")" ""
	assert_equal "$(grep -v '^-' <<<"${Z[1]}")" ""
	[[ ${Z[2]} == *0000:00:0a.0* ]]
	assert_equal "$(grep -v '^-' <<<"${Z[3]}")" ""
}

@test "--driver: registered drivers and modules with a vfio_pci alias (modules.alias, modprobe.d)" {
	local want
	want=$(
		cd "$R/sys/bus/pci/drivers" && printf '%s\n' *
		printf '%s\n' vfio_pci vfxt_edu_vfio_pci vfxt_vendor_vfio_pci vfxt_e1000e_vfio_pci \
			vfxt_e1000e_sub_vfio_pci vfxt_black_vfio_pci vfxt_nvme_vfio_pci \
			vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci vfxt_cfg
	)
	zc "vfioctl --root $R bind --driver " "vfioctl --root $R sriov -d vfxt_t" \
		"vfioctl bind --driver=vfxt-e| 0000:00:04.0 --root $R" "vfioctl --root $R bind -nd vfxt_c" \
		"vfioctl --root $R2 bind --driver " "vfioctl bind --driver vfxt_c| --root $R" \
		"vfioctl --root $R bind --json --driver vfxt_c"
	assert_equal "${Z[0]}" "$(lines $want | uniq)"
	assert_equal "${Z[1]}" "$(lines vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci)"
	assert_equal "${Z[2]}" "$(lines vfxt-e1000e-sub vfxt-edu-vfio-pci)"
	assert_equal "${Z[3]}" vfxt_cfg
	assert_equal "${Z[4]}" other-drv
	assert_equal "${Z[5]}" vfxt_cfg
	assert_equal "${Z[6]}" vfxt_cfg
}

@test "--driver reads the module directory --kernel names" {
	local r=$BATS_TEST_TMPDIR/r
	mkdir -p "$r/lib/modules/9.9.9-test" "$r/lib/modules/$KREL"
	echo 'alias vfio_pci:v00001234d*sv*sd*bc*sc*i* other_vfio_pci' >"$r/lib/modules/9.9.9-test/modules.alias"
	cp "$R/lib/modules/$KREL/modules.alias" "$r/lib/modules/$KREL/"
	zc "vfioctl --root $r --kernel 9.9.9-test bind --driver " \
		"vfioctl --root $r bind --kernel=$KREL --driver vfxt_ti" "vfioctl --root $r --kernel "
	assert_equal "${Z[0]}" other_vfio_pci
	assert_equal "${Z[1]}" "$(lines vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci)"
	assert_equal "${Z[2]}" "$(lines 9.9.9-test "$KREL")"
}

@test "unbind --persist: records; bind --persist: IDs of the devices present too" {
	zc "vfioctl --root $R unbind --persist " "vfioctl --persist --root $R unbind 8086:" \
		"vfioctl --root $R unbind 0000:00:0a" "vfioctl --root $R bind --persist 8086:10d" \
		"vfioctl --root $R bind 8086:"
	assert_equal "${Z[0]}" "$(lines 0000:00:0a.0 8086:10d3)"
	assert_equal "${Z[1]}" "8086:10d3"
	assert_equal "${Z[2]}" "0000:00:0a.0"
	assert_equal "${Z[3]}" "$(lines 8086:10d3 8086:10d3:8086:0000 8086:10d3:8086:a01f)"
	assert_equal "${Z[4]}" ""
}

@test "sriov: devices with sriov_totalvfs; --numvfs: nothing; owner: VFIO nodes" {
	zc "vfioctl --root $R sriov " "vfioctl --root $R sriov 0000:00:02.0 --numvfs " \
		"vfioctl --root $R owner "
	assert_equal "${Z[0]}" "0000:00:02.0"
	assert_equal "${Z[1]}" ""
	assert_equal "${Z[2]}" "$(lines 3 noiommu-7 vfio0)"
}

@test "--owner: users, then groups after the colon, from ROOT/etc under --root" {
	zc "vfioctl --root $R bind --owner al" "vfioctl --root $R bind --owner alice:" \
		"vfioctl --root $R sriov --owner=alice:k" "vfioctl bind --owner roo"
	assert_equal "${Z[0]}" "$(lines albert alice)"
	assert_equal "${Z[1]}" "$(lines alice kvm root)"
	assert_equal "${Z[2]}" kvm
	assert_equal "${Z[3]}" root
}

@test "--root: directories" {
	mkdir -p "$BATS_TEST_TMPDIR/d/img1" "$BATS_TEST_TMPDIR/d/img2"
	touch "$BATS_TEST_TMPDIR/d/imgfile"
	zc "vfioctl --root $BATS_TEST_TMPDIR/d/im" "vfioctl --root=$BATS_TEST_TMPDIR/d/img1"
	assert_equal "${Z[0]}" "$(lines img1 img2)"
	assert_equal "${Z[1]}" img1
}
