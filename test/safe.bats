#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# No IOMMU, owners, SR-IOV arguments, iommufd cdevs, group viability: on
# fake roots. The same on a real kernel: test/vm/safe.bats.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	TRACE=$BATS_TEST_TMPDIR/writes
	printf 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' > "$ROOT/etc/passwd"
	printf 'root:x:0:\nalice:x:1000:\nkvm:x:992:alice\n' > "$ROOT/etc/group"
}


no_iommu() {	# the kernel runs without an IOMMU: no groups at all
	rm -f "$ROOT"/sys/bus/pci/devices/*/iommu_group
	rm -rf "$ROOT"/sys/kernel/iommu_groups/*
}

@test "no IOMMU: said plainly, nothing written" {
	no_iommu
	traced bind 0000:00:03.0
	assert_failure 1
	assert_output --partial "vfioctl: 0000:00:03.0: no IOMMU: VFIO needs one"
	[ ! -s "$TRACE" ]
	run "$VFIOCTL" --root "$ROOT" show 0000:00:03.0
	assert_output --partial "group:    none (no IOMMU"
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	jq -e 'all(.[]; .iommu_group == null and .group_viable == null)' <<<"$output"
}

@test "--noiommu on a kernel without VFIO's no-IOMMU mode: refused, nothing written" {
	no_iommu
	traced bind --noiommu 0000:00:03.0
	assert_failure 1
	assert_output --partial "this kernel has no no-IOMMU mode for VFIO (CONFIG_VFIO_NOIOMMU is off)"
	[ ! -s "$TRACE" ]
}

@test "--noiommu where the kernel has it: turned on, with the warning, then the bind" {
	no_iommu
	mkdir -p "$ROOT/sys/module/vfio/parameters"
	echo N > "$ROOT/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"
	traced bind --noiommu 0000:00:03.0
	assert_output --partial "warning: 0000:00:03.0: no-IOMMU mode is UNSAFE"
	assert_equal "$(head -n 2 "$TRACE")" "$(printf '%s\t%s\n%s\t%s' \
		/sys/module/vfio/parameters/enable_unsafe_noiommu_mode 1 \
		/sys/bus/pci/devices/0000:00:03.0/driver_override vfxt-edu-vfio-pci)"
}

@test "pci-stub needs no IOMMU: --driver pci-stub is not refused for lack of one" {
	no_iommu
	fixture_register_driver "$ROOT" pci-stub
	run "$VFIOCTL" --root "$ROOT" bind --dry-run --driver pci-stub 0000:00:03.0
	assert_success
	refute_output --partial "no IOMMU"
}

@test "--owner: recorded before the bind, the group node chowned, udev's answer from vfioctl owner" {
	mkdir -p "$ROOT/dev/vfio"
	touch "$ROOT/dev/vfio/10"
	run "$VFIOCTL" --root "$ROOT" bind --owner alice:kvm 0000:00:0a.0
	assert_success
	assert_output --partial "0000:00:0a.0: /dev/vfio/10 now belongs to alice:kvm"
	assert_equal "$(stat -c '%u:%g %a' "$ROOT/dev/vfio/10")" "1000:992 660"
	assert_equal "$(cat "$ROOT/run/vfioctl/owners/0000:00:0a.0")" alice:kvm
	run "$VFIOCTL" --root "$ROOT" owner /dev/vfio/10
	assert_output "$(printf 'VFIOCTL_OWNER=1000\nVFIOCTL_GROUP=992')"
	run "$VFIOCTL" --root "$ROOT" owner 3
	assert_success
	assert_output ""
}

@test "--owner with a bare user takes the user's group; bad owners are refused before any write" {
	local before
	run "$VFIOCTL" --root "$ROOT" bind --owner alice 0000:00:0a.0
	run "$VFIOCTL" --root "$ROOT" owner 10
	assert_line VFIOCTL_GROUP=1000
	before=$(fixture_tree_hash "$ROOT")
	for o in bob alice:nogroup 'a b' 'alice:' ':kvm' "$(printf 'x%.0s' $(seq 40))"; do
		traced bind --owner "$o" 0000:00:03.0
		assert_failure 2
		[ ! -s "$TRACE" ]
	done
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "the iommufd cdev of a device is reported, and vfioctl owner knows its device" {
	mkdir -p "$ROOT/sys/devices/pci0000:00/0000:00:0a.0/vfio-dev/vfio0" "$ROOT/sys/class/vfio-dev"
	ln -s ../../devices/pci0000:00/0000:00:0a.0/vfio-dev/vfio0 "$ROOT/sys/class/vfio-dev/vfio0"
	ln -s ../../../0000:00:0a.0 "$ROOT/sys/devices/pci0000:00/0000:00:0a.0/vfio-dev/vfio0/device"
	run "$VFIOCTL" --root "$ROOT" show 0000:00:0a.0
	assert_line "   cdev:     /dev/vfio/devices/vfio0 (iommufd)"
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_equal "$(jq -r '.[] | select(.device == "0000:00:0a.0") | .vfio_cdev' <<<"$output")" /dev/vfio/devices/vfio0
	"$VFIOCTL" --root "$ROOT" bind --owner alice 0000:00:0a.0
	run "$VFIOCTL" --root "$ROOT" owner /dev/vfio/devices/vfio0
	assert_line VFIOCTL_OWNER=1000
}

@test "sriov: a device without SR-IOV, too many VFs, or no --numvfs: clear errors, nothing written" {
	traced sriov --numvfs 2 0000:00:07.0
	assert_failure 1
	assert_output "vfioctl: 0000:00:07.0: not SR-IOV capable (no sriov_totalvfs in sysfs)"
	[ ! -s "$TRACE" ]
	d=$(fixture_device_dir "$ROOT" 0000:00:07.0)
	echo 2 > "$d/sriov_totalvfs"; echo 0 > "$d/sriov_numvfs"; echo 1 > "$d/sriov_drivers_autoprobe"
	traced sriov --numvfs 3 0000:00:07.0
	assert_failure 2
	assert_output --partial "--numvfs 3: it supports at most 2 VFs"
	[ ! -s "$TRACE" ]
	run "$VFIOCTL" --root "$ROOT" sriov 0000:00:07.0
	assert_failure 2
	run "$VFIOCTL" --root "$ROOT" sriov --numvfs x 0000:00:07.0
	assert_failure 2
	# the order of writes: autoprobe off, the count, (VFs), autoprobe back
	traced sriov --numvfs 2 0000:00:07.0
	assert_equal "$(cut -f1,2 "$TRACE" | sed 's|/sys/bus/pci/devices/0000:00:07.0/||')" \
		"$(printf 'sriov_drivers_autoprobe\t0\nsriov_numvfs\t2\nsriov_drivers_autoprobe\t1')"
}

@test "records carry owner and numvfs; a PF record keeps its driver; bad values are refused" {
	local img=$BATS_TEST_TMPDIR/img
	mkdir -p "$img/etc"
	# an owner must exist in the image's own passwd (issue 12)
	echo 'alice:x:1000:1000::/home/alice:/bin/sh' > "$img/etc/passwd"
	echo 'alice:x:1000:' > "$img/etc/group"
	run "$VFIOCTL" --root "$img" bind --persist --owner mallory 0000:41:00.0
	assert_failure 2
	[ ! -e "$img/etc/vfioctl.d" ]
	run "$VFIOCTL" --root "$img" bind --persist --owner alice 0000:41:00.0
	assert_success
	grep -qx 'owner = alice' "$img/etc/vfioctl.d/pci-0000:41:00.0.conf"
	mkdir -p "$ROOT/etc/vfioctl.d"
	printf 'device = 0000:00:07.0\ndriver = keep\nnumvfs = 2\n' > "$ROOT/etc/vfioctl.d/pf.conf"
	printf 'device = 0000:00:03.0\nnumvfs = -1\n' > "$ROOT/etc/vfioctl.d/bad1.conf"
	printf 'device = 0000:00:03.0\nowner = a b\n' > "$ROOT/etc/vfioctl.d/bad2.conf"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json list-persisted
	assert_equal "$(jq -r '.[] | select(.error) | .error' <<<"$output")" \
		"$(printf '%s\n' "$ROOT/etc/vfioctl.d/bad1.conf:2: '-1' is not a number of VFs" \
			"$ROOT/etc/vfioctl.d/bad2.conf:2: 'a b' is not USER[:GROUP]")"
	# apply: the PF (driver keep) is not bound, its VFs are asked for
	run "$VFIOCTL" --root "$ROOT" --json apply --dry-run 0000:00:07.0
	refute_output --partial '"status":"planned"'
	assert_output --partial "not SR-IOV capable"
}
