#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl, cross-built for arm64 (make cross-arm64), on Debian's arm64
# kernel: binding and unbinding for real on QEMU virt.

load lib

setup_file() { arm64_setup_file; }

teardown() {
	restore pci $EDU none
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
