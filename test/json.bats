#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The keys of --json that say what a run changed (vfioctl(8), JSON OUTPUT):
# "changed" on device, VF-count and record objects, a record's "unchanged"
# status (not written again) and "previous" content. What tools such as
# the Ansible module (contrib/ansible) build on.

load lib/common

setup() {
	fixture_setup
	IMG=$BATS_TEST_TMPDIR/image	# no sys/: records only
	mkdir -p "$IMG"
}

vj() {
	"$FIXTURE_TOP/vfioctl" --json "$@"
}

@test "bind --persist: a new record is changed, with no previous; the same again is unchanged and not written" {
	run vj --root "$IMG" bind --persist 0000:00:03.0
	assert_success
	assert_equal "$(jq -c '.[0] | [.status, .changed, .previous, .driver, .owner, .numvfs]' <<<"$output")" \
		'["recorded in",true,null,"auto",null,null]'
	rec=$IMG/etc/vfioctl.d/pci-0000:00:03.0.conf
	touch -d '2001-01-01 00:00' "$rec"
	before=$(stat -c '%Y %i' "$rec")
	run vj --root "$IMG" bind --persist 0000:00:03.0
	assert_success
	assert_equal "$(jq -c '.[0] | [.status, .changed, .previous]' <<<"$output")" \
		'["unchanged",false,{"driver":"auto","owner":null,"numvfs":null}]'
	assert_equal "$(stat -c '%Y %i' "$rec")" "$before"
}

@test "bind --persist --dry-run of a changed record: would record in, changed, previous; nothing written" {
	vj --root "$IMG" bind --persist 1234:11e8 >/dev/null
	hash=$(fixture_tree_hash "$IMG")
	run vj --root "$IMG" bind --persist --dry-run --owner 0:0 --driver vfio-pci 1234:11e8
	assert_success
	assert_equal "$(jq -c '.[0] | [.ids, .status, .changed, .driver, .owner, .previous]' <<<"$output")" \
		'["1234:11e8","would record in",true,"vfio-pci","0:0",{"driver":"auto","owner":null,"numvfs":null}]'
	assert_equal "$(fixture_tree_hash "$IMG")" "$hash"
	# and done: changed; again: not
	run vj --root "$IMG" bind --persist --owner 0:0 --driver vfio-pci 1234:11e8
	assert_equal "$(jq -c '.[0] | [.status, .changed]' <<<"$output")" '["recorded in",true]'
	run vj --root "$IMG" bind --persist --owner 0:0 --driver vfio-pci 1234:11e8
	assert_equal "$(jq -c '.[0] | [.status, .changed]' <<<"$output")" '["unchanged",false]'
}

@test "unbind --persist: removed is changed, previous is what it said" {
	vj --root "$IMG" bind --persist --owner 0:0 0000:00:03.0 >/dev/null
	run vj --root "$IMG" unbind --persist --dry-run 0000:00:03.0
	assert_equal "$(jq -c '.[0] | [.status, .changed, .previous.owner]' <<<"$output")" \
		'["would remove",true,"0:0"]'
	run vj --root "$IMG" unbind --persist 0000:00:03.0
	assert_equal "$(jq -c '.[0] | [.status, .changed, .previous.owner]' <<<"$output")" \
		'["removed",true,"0:0"]'
	assert [ ! -e "$IMG/etc/vfioctl.d/pci-0000:00:03.0.conf" ]
}

@test "bind and unbind: a device already as asked is unchanged; a planned move is changed and writes nothing" {
	hash=$(fixture_tree_hash "$ROOT")
	# already on its best driver
	run vj --root "$ROOT" bind 0000:00:0a.0
	assert_success
	assert_equal "$(jq -c '.[0] | [.status, .changed]' <<<"$output")" '["unchanged",false]'
	# on its host driver: nothing to give back
	run vj --root "$ROOT" unbind 0000:00:02.0
	assert_success
	assert_equal "$(jq -c '.[0] | [.status, .changed]' <<<"$output")" '["unchanged",false]'
	run vj --root "$ROOT" bind --dry-run 0000:00:03.0 0000:00:0a.0
	assert_success
	assert_equal "$(jq -c '[.[] | [.device, .status, .changed]]' <<<"$output")" \
		'[["0000:00:03.0","planned",true],["0000:00:0a.0","unchanged",false]]'
	run vj --root "$ROOT" unbind --dry-run 0000:00:0a.0
	assert_equal "$(jq -c '.[0] | [.status, .changed]' <<<"$output")" '["planned",true]'
	assert_equal "$(fixture_tree_hash "$ROOT")" "$hash"
}

@test "sriov --dry-run: changed when the VF count would change, not when it is that already" {
	dir=$(fixture_device_dir "$ROOT" 0000:00:07.0)
	echo 2 >"$dir/sriov_totalvfs"
	echo 0 >"$dir/sriov_numvfs"
	run vj --root "$ROOT" sriov --dry-run --numvfs 2 0000:00:07.0
	assert_success
	assert_equal "$(jq -c '.[0] | [.numvfs, .previous_numvfs, .changed]' <<<"$output")" '[2,0,true]'
	run vj --root "$ROOT" sriov --dry-run --numvfs 0 0000:00:07.0
	assert_success
	assert_equal "$(jq -c '.[0] | [.numvfs, .previous_numvfs, .changed]' <<<"$output")" '[0,0,false]'
}
