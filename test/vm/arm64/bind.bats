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
