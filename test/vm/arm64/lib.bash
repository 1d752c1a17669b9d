# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the bats suites that run inside the arm64 guest
# (test/vm/arm64/*.bats, booted by test/vm/arm64/run). Devices are QEMU
# virt's (test/vm/README.md, "arm64").

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VFIOCTL=$TOP/build/arm64/vfioctl

PL011=9000000.pl011	# the console: never touched
PL031=9010000.pl031	# RTC, rtc-pl031 (built in)
PL061=9030000.pl061	# GPIO, pl061_gpio (built in)
FWCFG=9020000.fw-cfg	# platform, fw_cfg (module qemu_fw_cfg): cannot be re-probed
KEYS=gpio-keys		# platform, gpio-keys (module gpio_keys): the power button
MMIO=a000000.virtio_mmio	# platform, an empty virtio-mmio slot: no driver
EDU=0000:00:03.0	# PCI, behind the SMMUv3

arm64_setup_file() {
	[ "$(uname -m)" = aarch64 ] && [ -e /sys/bus/amba/devices/$PL031 ] ||
		{ echo "not in the arm64 test VM" >&2; return 1; }
}

# driver_of BUS DEV: the bound driver's name, or "none"
driver_of() {
	local l
	l=$(readlink "/sys/bus/$1/devices/$2/driver" 2>/dev/null) || { echo none; return; }
	echo "${l##*/}"
}

override_of() {
	cat "/sys/bus/$1/devices/$2/driver_override"
}

# restore BUS DEV DRIVER: clear the override and put DEV back on DRIVER
# (or none), whatever a failed test left behind
restore() {
	local bus=$1 dev=$2 want=$3 cur
	echo > "/sys/bus/$bus/devices/$dev/driver_override"
	cur=$(driver_of "$bus" "$dev")
	[ "$cur" = "$want" ] && return 0
	[ "$cur" = none ] || echo "$dev" > "/sys/bus/$bus/devices/$dev/driver/unbind"
	echo "$dev" > "/sys/bus/$bus/drivers_probe"
	rm -f "/run/vfioctl/$dev"
}

# probe_error DEV: the error of the last "DRIVER: probe of DEV failed with
# error -N" the kernel logged
probe_error() {
	dmesg | sed -n "s/.*: probe of $1 failed with error \(-[0-9]*\)$/\1/p" | tail -n 1
}
