#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# bind refuses a device the host uses, and --force says what it overrode.
# Fake roots shaped with test/fixture's net, block, proc and fb functions;
# what the uses are is test/inuse.bats' business, this is what bind does.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	TRACE=$BATS_TEST_TMPDIR/writes
}


# refused DEV REASON: bind exits 1 naming the reason, writes nothing
refused() {
	local before
	before=$(fixture_tree_hash "$ROOT")
	traced bind "$1"
	assert_failure 1
	assert_output --partial "vfioctl: $1: in use: $2"
	assert_output --partial -- "--force takes it anyway"
	[ ! -s "$TRACE" ] || fail "wrote: $(cat "$TRACE")"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "a network interface that is up: refused; --force takes it and says so" {
	fixture_add_netdev "$ROOT" 0000:00:04.0 ens4 up --ipv4 192.0.2.7/24 --route4 192.0.2.0/24
	refused 0000:00:04.0 "network interface ens4 is up"
	traced bind --force 0000:00:04.0
	assert_output --partial "warning: 0000:00:04.0: in use, taken anyway (--force): network interface ens4 is up"
	# the writes happened (and, this being a fake root, were rolled back)
	assert_equal "$(head -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/devices/0000:00:04.0/driver_override vfxt-e1000e-sub)"
}

@test "an interface that is down with no addresses or routes is not a use" {
	fixture_add_netdev "$ROOT" 0000:00:04.0 ens4 --no-ipv6
	traced bind 0000:00:04.0
	refute_output --partial "in use"
	[ -s "$TRACE" ]
}

@test "a mounted partition, active swap, a holder, the root file system: each refused" {
	fixture_add_blockdev "$ROOT" 0000:00:07.0 nvme0n1 1 2 3
	fixture_mount "$ROOT" nvme0n1p1 /boot ext4
	refused 0000:00:07.0 "nvme0n1p1 is mounted on /boot"
	fixture_setup
	fixture_add_blockdev "$ROOT" 0000:00:07.0 nvme0n1 1 2
	fixture_swapon "$ROOT" nvme0n1p2
	refused 0000:00:07.0 "nvme0n1p2 is active swap"
	fixture_setup
	fixture_add_blockdev "$ROOT" 0000:00:07.0 nvme0n1 1
	fixture_add_holder "$ROOT" nvme0n1p1 dm-0 vg0-data
	refused 0000:00:07.0 "nvme0n1p1 is held by dm-0"
	fixture_setup
	fixture_add_blockdev "$ROOT" 10000:01:00.0 nvme1n1 1
	fixture_add_holder "$ROOT" nvme1n1p1 dm-0 root
	fixture_mount "$ROOT" dm-0 / ext4
	refused 10000:01:00.0 "holds the root file system"
}

@test "the console: the boot VGA device is refused" {
	refused 0000:00:01.0 "boot VGA device"
	run "$VFIOCTL" --root "$ROOT" bind --force --dry-run 0000:00:01.0
	assert_output --partial "taken anyway (--force): boot VGA device"
}

@test "show and list-devices report what each device is used for" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up --ipv6 2001:db8::2/64
	fixture_add_blockdev "$ROOT" 0000:00:07.0 nvme0n1 1
	fixture_mount "$ROOT" nvme0n1p1 /srv xfs
	run "$VFIOCTL" --root "$ROOT" show 0000:00:02.0
	assert_line --regexp '^   in use:   net ens2: network interface ens2 is up'
	run "$VFIOCTL" --root "$ROOT" show 0000:00:03.0
	assert_line '   in use:   nothing the host uses'
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_equal "$(jq -c '[.[] | select(.in_use | length > 0) | [.device, .in_use]]' <<<"$output")" \
		'[["0000:00:01.0",["console"]],["0000:00:02.0",["net"]],["0000:00:07.0",["mount"]]]'
	run "$VFIOCTL" --root "$ROOT" list-devices
	assert_line --regexp '^0000:00:07.0 .* mount +'
}

@test "bind --group: one member in use and nothing of the group is touched" {
	fixture_add_netdev "$ROOT" 0000:01:01.0 ens5 up
	local before
	before=$(fixture_tree_hash "$ROOT")
	traced bind --group 0000:01:02.0
	assert_failure 1
	assert_output --partial "0000:01:01.0: in use: network interface ens5 is up"
	assert_output --partial "IOMMU group 11: nothing bound: 0000:01:01.0 is in use"
	[ ! -s "$TRACE" ]
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "a device already on a VFIO driver, or on none, is not checked: nothing of the host's runs on it" {
	run "$VFIOCTL" --root "$ROOT" bind --dry-run 0000:00:0c.0 0000:00:03.0
	assert_success
	refute_output --partial "in use"
}

# --- a device a process holds through VFIO ------------------------------

@test "unbind: a device a VM holds through VFIO is refused, naming the process; --force goes on" {
	fixture_vfio_holder "$ROOT" 4242 qemu-system-x86 3:/dev/vfio/12 4:vfio-device
	local before
	before=$(fixture_tree_hash "$ROOT")
	traced unbind 0000:00:0c.0
	assert_failure 1
	assert_output --partial "vfioctl: 0000:00:0c.0: in use: pid 4242 (qemu-system-x86) holds it open through VFIO"
	assert_output --partial -- "--force takes it anyway"
	[ ! -s "$TRACE" ] || fail "wrote: $(cat "$TRACE")"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"

	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json unbind 0000:00:0c.0
	assert_failure 1
	assert_equal "$(jq -c '.[0].in_use' <<<"$output")" \
		'[{"kind":"vfio","name":"4242","what":"pid 4242 (qemu-system-x86) holds it open through VFIO (a device fd and its group'"'"'s node)"}]'

	traced unbind --force 0000:00:0c.0
	assert_output --partial "warning: 0000:00:0c.0: in use, taken anyway (--force): pid 4242"
	assert_equal "$(head -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/devices/0000:00:0c.0/driver_override '\n')"
}

@test "bind: moving a held device from vfio-pci to a variant is refused too" {
	fixture_vfio_holder "$ROOT" 77 qemu-system-x86 3:vfio-device=/sys/devices/pci0000:00/0000:00:0c.0
	traced bind --driver vfxt_nvme_vfio_pci 0000:00:0c.0
	assert_failure 1
	assert_output --partial "vfioctl: 0000:00:0c.0: in use: pid 77 (qemu-system-x86) holds it open through VFIO"
	[ ! -s "$TRACE" ] || fail "wrote: $(cat "$TRACE")"
	# show and list-devices say so
	run "$VFIOCTL" --root "$ROOT" show 0000:00:0c.0
	assert_line "   in use:   vfio 77: pid 77 (qemu-system-x86) holds it open through VFIO"
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_equal "$(jq -c '.[] | select(.device == "0000:00:0c.0") | .in_use' <<<"$output")" '["vfio"]'
}
