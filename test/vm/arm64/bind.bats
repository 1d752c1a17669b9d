#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl, cross-built for arm64 (make cross-arm64), on Debian's arm64
# kernel: binding and unbinding for real on QEMU virt.

load lib

setup_file() { arm64_setup_file; }

teardown() {
	restore pci $EDU none
	restore amba $PL031 rtc-pl031
	restore platform $KEYS gpio-keys
}

@test "a PCI device behind the SMMUv3 with no IOMMU group until a driver probes it: show says so, bind takes it to vfio-pci, unbind gives it back" {
	[ ! -e /sys/bus/pci/devices/$EDU/iommu_group ]
	run "$VFIOCTL" show $EDU
	assert_success
	assert_output --partial "group:    none yet (an IOMMU is registered: here a device joins its group when a driver probes it)"
	run "$VFIOCTL" bind $EDU
	assert_success
	assert_line "$EDU: bound to vfio-pci (module vfio_pci), was on no driver"
	refute_output --partial "no IOMMU group"
	assert_equal "$(driver_of pci $EDU)" vfio-pci
	g=$(readlink /sys/bus/pci/devices/$EDU/iommu_group)
	[ -c /dev/vfio/${g##*/} ]
	run "$VFIOCTL" unbind $EDU
	assert_success
	assert_equal "$(driver_of pci $EDU)" none
	assert_equal "$(override_of pci $EDU)" "(null)"
}

@test "show on the real kernel: PL031's first compatible has the fixture handler, gpio-keys has none; no IOMMU group for either" {
	run "$VFIOCTL" show amba/$PL031
	assert_success
	assert_line "               compatible: arm,pl031 arm,primecell"
	assert_line "               = vfio-reset:arm,pl031 -> vfxt_reset_pl031 (not loaded), entry 1 of 2"
	assert_line "   now on:   rtc-pl031, driver_override (null)"
	assert_line "   group:    none: no IOMMU translates for this device (its firmware names none), so VFIO cannot use it"
	modprobe vfio-platform
	run "$VFIOCTL" --json show platform/$KEYS
	assert_success
	assert_equal "$(jq -c .reset <<<"$output")" '{"method":null,"module":null,"reset_required":true}'
	assert_equal "$(jq -r .driver <<<"$output")" vfio-platform
	assert_equal "$(jq -r .of_node <<<"$output")" /gpio-keys
	modprobe -r vfio-platform
}

@test "bind amba/PL031: its reset handler is loaded first, vfio-amba refuses it (no IOMMU on virt), and it is rolled back to rtc-pl031" {
	run "$VFIOCTL" bind amba/$PL031
	assert_failure 1
	assert_output --partial "no IOMMU group now: vfio_amba will refuse it unless its probe gives it one"
	assert_output --partial "vfioctl: amba/$PL031: vfio-amba did not bind"
	assert_output --partial "restored: back on rtc-pl031"
	grep -q '^vfxt_reset_pl031 ' /proc/modules
	assert_equal "$(probe_error $PL031)" -22
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
	assert_equal "$(override_of amba $PL031)" "(null)"
	[ ! -e /run/vfioctl/amba-$PL031 ]
}

@test "bind platform/gpio-keys: no reset handler, vfio-platform refuses it, and it is rolled back to gpio-keys" {
	run "$VFIOCTL" bind --bus platform $KEYS
	assert_failure 1
	assert_output --partial "no reset handler for any compatible entry: vfio_platform refuses it"
	assert_output --partial "vfioctl: platform/$KEYS: vfio-platform did not bind"
	assert_output --partial "restored: back on gpio-keys"
	assert_equal "$(driver_of platform $KEYS)" gpio-keys
	assert_equal "$(override_of platform $KEYS)" "(null)"
	modprobe -r vfio-platform vfio-amba vfxt_reset_pl031 2>/dev/null || true
}
