#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A machine without an IOMMU (test/vm/run --no-iommu): vfioctl says so
# plainly and writes nothing; Debian's 6.1 kernel has no VFIO no-IOMMU
# mode (CONFIG_VFIO_NOIOMMU is off), so --noiommu is refused too.
# vm-options: --no-iommu

load lib/vm

setup_file() { vm_setup_file; }

@test "the guest really has no IOMMU" {
	[ -z "$(ls /sys/kernel/iommu_groups)" ]
	[ ! -e /sys/bus/pci/devices/$EDU/iommu_group ]
}

@test "bind: no IOMMU, said plainly, nothing changed" {
	run "$VFIOCTL" bind $EDU $E1000E
	assert_failure 1
	assert_line "vfioctl: $EDU: no IOMMU: VFIO needs one to isolate the device (turn on VT-d/AMD-Vi in the firmware, intel_iommu=on or amd_iommu=on on the kernel command line); --noiommu opts in to the unsafe no-IOMMU mode where the kernel has it"
	assert_equal "$(driver_of $E1000E)" e1000e
	assert_equal "$(override_of $E1000E)" "(null)"
	assert_equal "$(driver_of $EDU)" none
	run "$VFIOCTL" show $EDU
	assert_output --partial "group:    none (no IOMMU"
}

@test "--noiommu on a kernel without the no-IOMMU mode: refused, nothing changed" {
	run "$VFIOCTL" bind --noiommu $EDU
	assert_failure 1
	assert_output --partial "this kernel has no no-IOMMU mode for VFIO (CONFIG_VFIO_NOIOMMU is off)"
	assert_equal "$(driver_of $EDU)" none
	# vfio itself was loaded to ask, and indeed has no such parameter
	[ -d /sys/module/vfio ]
	[ ! -e /sys/module/vfio/parameters/enable_unsafe_noiommu_mode ]
}

@test "what vfio-pci itself does there, for the record: its probe refuses the device" {
	modprobe vfio-pci
	echo vfio-pci > /sys/bus/pci/devices/$EDU/driver_override
	echo $EDU > /sys/bus/pci/drivers_probe
	assert_equal "$(driver_of $EDU)" none
	echo > /sys/bus/pci/devices/$EDU/driver_override
}
