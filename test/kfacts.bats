#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# show and list-devices say which kernel facts they relied on (lib/kfacts.c):
# whether driver_override is bus-generic (ROOT/proc/kallsyms names the driver
# core's __device_set_driver_override, 7.0+ and backports such as 6.12.95:
# reading it never waits) and whether a VFIO device fd's fdinfo names its
# device (6.18+: holders are found exactly), in text where it matters and
# always as "kernel_facts" in JSON. On fake roots; test/vm/safe.bats has
# what 6.1, 6.12 and 7.2 answer.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
}

VFIO_DEV=0000:00:0c.0	# on vfio-pci in the fixture
FREE_DEV=0000:00:03.0	# on no driver

# kallsyms yes|no: a proc/kallsyms with or without the driver core's helper
kallsyms() {
	mkdir -p "$ROOT/proc"
	{
		echo "0000000000000000 T _text"
		[ "$1" = no ] || echo "0000000000000000 T __device_set_driver_override"
		echo "0000000000000000 T device_set_driver_override_x"
		echo "0000000000000000 t vfio_pci_probe	[vfio_pci]"
	} >"$ROOT/proc/kallsyms"
}

# release REL: the fixture's module directory renamed to REL
release() {
	mv "$ROOT/lib/modules/$KREL" "$ROOT/lib/modules/$1"
}

@test "6.1-like: PCI's own driver_override, fdinfo names no device; show says both for a VFIO device" {
	kallsyms no
	run "$VFIOCTL" --root "$ROOT" show $VFIO_DEV
	assert_success
	assert_line "   kernel:   driver_override is PCI's own on this kernel: reading it waits while an unbind waits for a VFIO holder"
	assert_line "             VFIO device fds do not name their device (before 6.18): a device fd beside the group's node counts for every device of the group"
	run "$VFIOCTL" --root "$ROOT" --json show $VFIO_DEV
	assert_equal "$(jq -c .kernel_facts <<<"$output")" \
		"{\"release\":\"$KREL\",\"driver_override_generic\":false,\"vfio_fdinfo_names_device\":false}"
}

@test "7.2-like: bus-generic driver_override, fdinfo names the device" {
	kallsyms yes
	release 7.2.13+deb14-amd64
	run "$VFIOCTL" --root "$ROOT" show $VFIO_DEV
	assert_success
	assert_line "   kernel:   driver_override is bus-generic on this kernel (driver core): reading it never waits"
	assert_line "             VFIO device fds name their device (fdinfo, 6.18+): holders are found exactly"
	run "$VFIOCTL" --root "$ROOT" --json show $VFIO_DEV
	assert_equal "$(jq -c .kernel_facts <<<"$output")" \
		'{"release":"7.2.13+deb14-amd64","driver_override_generic":true,"vfio_fdinfo_names_device":true}'
	# 6.12 with the backport: generic override, no fdinfo name
	mv "$ROOT/lib/modules/7.2.13+deb14-amd64" "$ROOT/lib/modules/6.12.95+deb12-amd64"
	run "$VFIOCTL" --root "$ROOT" --json show $VFIO_DEV
	assert_equal "$(jq -c .kernel_facts <<<"$output")" \
		'{"release":"6.12.95+deb12-amd64","driver_override_generic":true,"vfio_fdinfo_names_device":false}'
}

@test "only what matters in text: no fdinfo line for a device on no driver; nothing that cannot be known" {
	kallsyms yes
	run "$VFIOCTL" --root "$ROOT" show $FREE_DEV
	assert_success
	assert_line "   kernel:   driver_override is bus-generic on this kernel (driver core): reading it never waits"
	refute_output --partial "fdinfo"
	# no kallsyms (another user's view, a bare image): unknown, no line, null
	rm "$ROOT/proc/kallsyms"
	run "$VFIOCTL" --root "$ROOT" show $VFIO_DEV
	assert_success
	refute_output --partial "driver_override is"
	assert_line "   kernel:   VFIO device fds do not name their device (before 6.18): a device fd beside the group's node counts for every device of the group"
	run "$VFIOCTL" --root "$ROOT" --json show $VFIO_DEV
	assert_equal "$(jq -c .kernel_facts.driver_override_generic <<<"$output")" null
	# a FIFO in its place is not read (and does not block)
	mkfifo "$ROOT/proc/kallsyms"
	run timeout 10 "$VFIOCTL" --root "$ROOT" --json show $VFIO_DEV
	assert_success
	assert_equal "$(jq -c .kernel_facts.driver_override_generic <<<"$output")" null
}

@test "list-devices: kernel_facts on every device in JSON, the lines under the table when a device is on VFIO" {
	kallsyms no
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_success
	assert_equal "$(jq -c '[.[].kernel_facts] | unique' <<<"$output")" \
		"[{\"release\":\"$KREL\",\"driver_override_generic\":false,\"vfio_fdinfo_names_device\":false}]"
	run "$VFIOCTL" --root "$ROOT" list-devices
	assert_success
	assert_line "kernel:   driver_override is PCI's own on this kernel: reading it waits while an unbind waits for a VFIO holder"
	assert_line "          VFIO device fds do not name their device (before 6.18): a device fd beside the group's node counts for every device of the group"
	# only devices on no VFIO driver and with no override: nothing to say
	run "$VFIOCTL" --root "$ROOT" list-devices $FREE_DEV
	assert_success
	refute_output --partial "kernel:"
}
