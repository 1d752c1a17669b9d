#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What Debian's arm64 kernel (6.1) does with the VFIO drivers for platform
# and AMBA devices on QEMU virt, by raw sysfs writes: the facts vfioctl's
# platform and AMBA support rests on (test/vm/README.md, "arm64").
# virt has no IOMMU for its platform and AMBA devices (its SMMUv3 sits in
# front of PCI only), so no probe of vfio-platform or vfio-amba can succeed
# here: these tests prove how each one is refused and that the device gets
# its driver back.

load lib

setup_file() { arm64_setup_file; }

setup() {
	dmesg -c > /dev/null
}

teardown() {
	rm -f /etc/modprobe.d/vfxt-test.conf
	restore amba $PL031 rtc-pl031
	restore platform $KEYS gpio-keys
}

# bind_raw BUS DEV DRIVER: what vfioctl does, by hand
bind_raw() {
	echo "$3" > "/sys/bus/$1/devices/$2/driver_override"
	[ "$(driver_of "$1" "$2")" = none ] ||
		echo "$2" > "/sys/bus/$1/devices/$2/driver/unbind"
	echo "$2" > "/sys/bus/$1/drivers_probe" || true
}

@test "the platform and AMBA devices the fake roots copy (test/fixture/arm64-sysfs) look the same here" {
	run diff <(grep -v '^#' test/fixture/arm64-sysfs) <(test/vm/arm64/sysfs-shape)
	assert_success
}

@test "virt: AMBA and platform devices with compatible lists and no IOMMU group; PCI behind the SMMUv3" {
	for d in $PL011 $PL031 $PL061; do
		[ -e /sys/bus/amba/devices/$d/driver_override ]
		[ ! -e /sys/bus/amba/devices/$d/iommu_group ]
	done
	assert_equal "$(tr '\0' ' ' < /sys/bus/amba/devices/$PL031/of_node/compatible)" "arm,pl031 arm,primecell "
	assert_equal "$(cat /sys/bus/amba/devices/$PL031/id)" 00141031
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
	assert_equal "$(driver_of amba $PL061)" pl061_gpio
	assert_equal "$(tr '\0' ' ' < /sys/bus/platform/devices/$FWCFG/of_node/compatible)" "qemu,fw-cfg-mmio "
	assert_equal "$(driver_of platform $FWCFG)" fw_cfg
	[ ! -e /sys/bus/platform/devices/$FWCFG/iommu_group ]
	assert_equal "$(tr '\0' ' ' < /sys/bus/platform/devices/$KEYS/of_node/compatible)" "gpio-keys "
	assert_equal "$(driver_of platform $KEYS)" gpio-keys
	assert_equal "$(driver_of platform $MMIO)" none
	# AMBA devices have no modalias attribute, only MODALIAS= in uevent
	[ ! -e /sys/bus/amba/devices/$PL031/modalias ]
	grep -qx MODALIAS=amba:d00141031 /sys/bus/amba/devices/$PL031/uevent
	assert_equal "$(cat /sys/bus/platform/devices/$FWCFG/modalias)" "of:Nfw-cfgT(null)Cqemu,fw-cfg-mmio"
	# The SMMUv3 translates for PCI (the host bridge's iommu-map), but on a
	# device-tree machine a device joins its IOMMU group only when a driver
	# probes it (of_dma_configure): the driverless edu has no group yet.
	[ -e /sys/bus/platform/devices/9050000.smmuv3 ]
	[ -n "$(ls /sys/class/iommu)" ]
	[ -e /sys/devices/platform/4010000000.pcie/of_node/iommu-map ]
	[ ! -e /sys/devices/platform/9010000.pl031/of_node/iommus ]
	assert_equal "$(driver_of pci $EDU)" none
	[ ! -e /sys/bus/pci/devices/$EDU/iommu_group ]
	modprobe vfio-pci
	echo vfio-pci > /sys/bus/pci/devices/$EDU/driver_override
	echo $EDU > /sys/bus/pci/drivers_probe
	assert_equal "$(driver_of pci $EDU)" vfio-pci
	[ -e /sys/bus/pci/devices/$EDU/iommu_group ]
	restore pci $EDU none
}

@test "Debian's arm64 6.1 builds vfio-fsl-mc but not vfio-platform or vfio-amba (built here from its linux-source)" {
	grep -qx '# CONFIG_VFIO_PLATFORM is not set' /boot/config-$(uname -r)
	grep -qx 'CONFIG_VFIO_FSL_MC=m' /boot/config-$(uname -r)
	modinfo -n vfio-fsl-mc | grep -q '/kernel/drivers/vfio/fsl-mc/'
	modinfo -n vfio-amba | grep -q '/updates/vfioctl/'
	# no alias of vfio-platform or vfio-amba names a device: override only
	run grep -E ' (vfio_platform|vfio_amba)$' /lib/modules/$(uname -r)/modules.alias
	assert_failure
	assert_equal "$(modprobe -R vfio-reset:arm,pl031)" vfxt_reset_pl031
}

# The kernel itself loads the handler of the first compatible
# (request_module("vfio-reset:arm,pl031")); an install line keeps it away.
no_pl031_handler() {
	echo "install vfxt_reset_pl031 /bin/false" > /etc/modprobe.d/vfxt-test.conf
	modprobe -r vfxt_reset_pl031 2>/dev/null || true
}

@test "vfio-amba, no reset handler for the first compatible: 6.1 refuses (ENOENT, though AMBA needs no reset), one for the second (arm,primecell) is never used, and PL031 is back on rtc-pl031" {
	no_pl031_handler
	modprobe vfio-amba
	[ -e /sys/bus/amba/drivers/vfio-amba ]
	[ -e /sys/module/vfio_amba/drivers/amba:vfio-amba ]
	bind_raw amba $PL031 vfio-amba
	assert_equal "$(driver_of amba $PL031)" none
	assert_equal "$(probe_error $PL031)" -2
	# vfio-amba sets reset_required false: nothing is said about the reset
	run grep -c "No reset function found" <(dmesg)
	assert_output 0
	restore amba $PL031 rtc-pl031
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
	assert_equal "$(override_of amba $PL031)" "(null)"

	dmesg -c > /dev/null
	modprobe vfxt_reset_primecell
	bind_raw amba $PL031 vfio-amba
	assert_equal "$(driver_of amba $PL031)" none
	assert_equal "$(probe_error $PL031)" -2
	modprobe -r vfxt_reset_primecell
}

@test "with a handler for the first compatible (the kernel loads it itself), the probe gets past the reset and is refused for want of an IOMMU group (EINVAL)" {
	modprobe -r vfxt_reset_pl031 2>/dev/null || true
	modprobe vfio-amba
	bind_raw amba $PL031 vfio-amba
	assert_equal "$(driver_of amba $PL031)" none
	assert_equal "$(probe_error $PL031)" -22
	[ -d /sys/module/vfxt_reset_pl031 ]
	# the refused device let go of it
	assert_equal "$(cat /sys/module/vfxt_reset_pl031/refcnt)" 0
	restore amba $PL031 rtc-pl031
	assert_equal "$(driver_of amba $PL031)" rtc-pl031
}

@test "vfio-platform: reset_required is read-only once loaded; gpio-keys refused with it Y and N (ENOENT on 6.1), back on gpio-keys" {
	modprobe -r vfio-platform 2>/dev/null || true
	modprobe vfio-platform
	assert_equal "$(cat /sys/module/vfio_platform/parameters/reset_required)" Y
	run sh -c 'echo N > /sys/module/vfio_platform/parameters/reset_required'
	assert_failure
	bind_raw platform $KEYS vfio-platform
	assert_equal "$(driver_of platform $KEYS)" none
	assert_equal "$(probe_error $KEYS)" -2
	dmesg | grep -q "No reset function found for device $KEYS"
	restore platform $KEYS gpio-keys
	assert_equal "$(driver_of platform $KEYS)" gpio-keys

	dmesg -c > /dev/null
	modprobe -r vfio-platform
	modprobe vfio-platform reset_required=0
	assert_equal "$(cat /sys/module/vfio_platform/parameters/reset_required)" N
	bind_raw platform $KEYS vfio-platform
	assert_equal "$(driver_of platform $KEYS)" none
	# 6.1 still fails the probe with the lookup's ENOENT (fixed in 6.3,
	# "vfio/platform: Fix reset_required behavior"), silently
	assert_equal "$(probe_error $KEYS)" -2
	run grep -c "No reset function found" <(dmesg)
	assert_output 0
	restore platform $KEYS gpio-keys
	assert_equal "$(driver_of platform $KEYS)" gpio-keys
	modprobe -r vfio-platform
}

@test "a driver that cannot take its device back: fw_cfg, once unbound, refuses the re-probe (EBUSY)" {
	echo $FWCFG > /sys/bus/platform/devices/$FWCFG/driver/unbind
	echo $FWCFG > /sys/bus/platform/drivers_probe
	assert_equal "$(driver_of platform $FWCFG)" none
	assert_equal "$(probe_error $FWCFG)" -16
}
