# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the bats suites that run inside the test VM (test/vm/*.bats).
# Device addresses are the harness's (test/vm/README.md).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VFIOCTL=$TOP/vfioctl
VFIO_USER=$TOP/build/vfio-user

VGA=0000:00:01.0
E1000E=0000:00:02.0
EDU=0000:00:03.0
TESTDEV=0000:00:04.0
BR_EDU=0000:01:01.0
BR_E1000E=0000:01:02.0

vm_setup_file() {
	[ -e /sys/bus/pci/devices/$EDU ] || { echo "not in the test VM" >&2; return 1; }
	"$TOP/test/vm/lib/guest-setup"
}

# driver_of DEV: the bound driver's name, or "none"
driver_of() {
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || { echo none; return; }
	echo "${l##*/}"
}

override_of() {
	cat "/sys/bus/pci/devices/$1/driver_override"
}

group_of() {
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/iommu_group")
	echo "${l##*/}"
}

module_loaded() {
	[ -d "/sys/module/$1" ]
}

# kernel_series: the running kernel's MAJOR.MINOR (6.1, 6.12, 7.2)
kernel_series() {
	local r
	r=$(uname -r)
	r=${r%%-*}
	echo "${r%.*}"
}

# kernel_at_least MAJOR MINOR
kernel_at_least() {
	local s
	s=$(kernel_series)
	[ "${s%%.*}" -gt "$1" ] || { [ "${s%%.*}" -eq "$1" ] && [ "${s#*.}" -ge "$2" ]; }
}

# hold DEV: vfio-user opens DEV and keeps it open, as a VM does; sets
# HOLDER to its pid once it holds the device. Not on bats's fd 3, so that a
# failed test's holder does not keep the suite from ending (vm_teardown
# kills it).
hold() {
	"$VFIO_USER" --hold "$1" >"$BATS_TEST_TMPDIR/hold.$1" 3>&- &
	HOLDER=$!
	for _ in $(seq 300); do
		grep -q holding=1 "$BATS_TEST_TMPDIR/hold.$1" && return 0
		sleep 0.1
	done
	fail "vfio-user did not hold $1: $(cat "$BATS_TEST_TMPDIR/hold.$1")"
}

# wait_driver DEV DRIVER: udev and the kernel settle asynchronously
wait_driver() {
	local i
	for i in $(seq 50); do
		[ "$(driver_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# put DEV back on DRIVER (or none) whatever a failed test left behind
restore() {
	local dev=$1 want=$2 cur
	echo > "/sys/bus/pci/devices/$dev/driver_override"
	cur=$(driver_of "$dev")
	[ "$cur" = "$want" ] && return 0
	[ "$cur" = none ] || echo "$dev" > "/sys/bus/pci/devices/$dev/driver/unbind"
	echo "$dev" > /sys/bus/pci/drivers_probe
	rm -f "/run/vfioctl/$dev"
}

# in teardown: the holder a failed test left behind
vm_teardown() {
	if [ -n "${HOLDER:-}" ]; then
		kill "$HOLDER" 2>/dev/null || :
		wait "$HOLDER" 2>/dev/null || :
		HOLDER=
	fi
}
