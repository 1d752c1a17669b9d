#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# bind --persist, apply, list-persisted and unbind --persist for a real
# AMBA device (QEMU virt's PL031 RTC) on Debian's arm64 kernel.
# No IOMMU translates for virt's platform and AMBA devices, so vfio-amba
# can only take one in VFIO's no-IOMMU mode (vfio_group_find_or_alloc gives
# a device without an IOMMU group a no-IOMMU group). Debian's arm64 config
# leaves CONFIG_VFIO_NOIOMMU off: the guest's vfio.ko is rebuilt from
# Debian's own linux-source with it on (test/vm/arm64/build-modules), and
# the mode is turned on the way a user of such a board would, on the kernel
# command line. What this does not prove: the udev line that runs apply on
# a device's add event (the busybox guest has no udevd; the PCI udev path
# is proven on amd64 in test/boot.bats).
# vm-options: --append vfio.enable_unsafe_noiommu_mode=1

load lib

setup_file() { arm64_setup_file; }

teardown() {
	rm -f /etc/vfioctl.d/amba-$PL031.conf
	restore amba $PL031 rtc-pl031
}

@test "the no-IOMMU mode: Debian's own vfio.ko has none; the rebuilt one (updates/) has it, on from the command line" {
	rel=$(uname -r)
	run modinfo -p /lib/modules/$rel/kernel/drivers/vfio/vfio.ko
	refute_output --partial enable_unsafe_noiommu_mode
	assert_equal "$(modinfo -n vfio)" /lib/modules/$rel/updates/vfioctl/vfio.ko
	modprobe vfio
	assert_equal "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode)" Y
	[ ! -e /sys/bus/amba/devices/$PL031/iommu_group ]
}

@test "PL031 for real in a no-IOMMU group: bind --persist records it, unbind gives it back, apply binds it from the record, unbind --persist removes it" {
	mkdir -p /etc/vfioctl.d
	run "$VFIOCTL" bind --persist amba/$PL031
	assert_success
	assert_line "amba/$PL031: bound to vfio-amba (module vfio_amba), was on rtc-pl031"
	assert_line "amba/$PL031: recorded in /etc/vfioctl.d/amba-$PL031.conf (driver auto)"
	assert_equal "$(driver_of amba $PL031)" vfio-amba
	assert_equal "$(override_of amba $PL031)" vfio-amba
	g=$(readlink /sys/bus/amba/devices/$PL031/iommu_group)
	[ -c /dev/vfio/noiommu-${g##*/} ]
	dmesg | grep -q "vfio-amba $PL031: Adding kernel taint for vfio-noiommu group on device"
	grep -qx "device = amba/$PL031" /etc/vfioctl.d/amba-$PL031.conf
	assert_equal "$("$VFIOCTL" --json list-persisted | jq -c '[.[] | [.device, .driver, .devices]]')" \
		"[[\"amba/$PL031\",\"auto\",[\"amba/$PL031\"]]]"

	# a plain unbind gives it back and keeps the record
	run "$VFIOCTL" unbind amba/$PL031
	assert_success
	assert_line "amba/$PL031: given back: vfio-amba -> rtc-pl031"
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
	assert_equal "$(override_of amba $PL031)" "(null)"
	[ ! -e /sys/bus/amba/devices/$PL031/iommu_group ]
	[ -e /etc/vfioctl.d/amba-$PL031.conf ]

	# apply (what boot runs) binds it again from the record: 3, it bound something
	run --separate-stderr "$VFIOCTL" --json apply
	assert_equal "$status" 3
	assert_equal "$(jq -c '[.devices[] | [.device, .driver, .previous_driver, .status]]' <<<"$output")" \
		"[[\"amba/$PL031\",\"vfio-amba\",\"rtc-pl031\",\"bound\"]]"
	assert_equal "$(jq -c '[.failed, .errors]' <<<"$output")" '[0,[]]'
	assert_equal "$(driver_of amba $PL031)" vfio-amba
	# again: nothing to do
	run "$VFIOCTL" apply amba/$PL031
	assert_success
	assert_equal "$(driver_of amba $PL031)" vfio-amba

	run "$VFIOCTL" unbind --persist amba/$PL031
	assert_success
	assert_line "amba/$PL031: given back: vfio-amba -> rtc-pl031"
	assert_line "amba/$PL031: removed /etc/vfioctl.d/amba-$PL031.conf (driver auto)"
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
	assert_equal "$(override_of amba $PL031)" "(null)"
	[ ! -e /etc/vfioctl.d/amba-$PL031.conf ]
	assert_equal "$("$VFIOCTL" --json list-persisted)" "[]"
	run "$VFIOCTL" apply
	assert_success
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
}
