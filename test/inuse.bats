#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What the host uses a device for (lib/inuse.c), before vfioctl takes it
# from its driver: network interfaces, mounts, swap, holders, the root file
# system, consoles. Through test/inuse-probe, which prints device_uses()
# as "ADDR KIND NAME: WHAT", on fake roots reshaped by fixture.bash.

load lib/common

# shellcheck disable=SC2086 # $flags and $libs are lists
setup_file() {
	fixture_setup_file
	# The probe: the library objects from the Makefile's own rule (same
	# flags, up to date), its main() with the Makefile's CFLAGS (warnings
	# included) and -Werror.
	local objs=(inuse inuse_block inuse_net inuse_console inuse_vfio module kindex alias bus ctx device util pcidev log names modconf dl kmodlib pcilib) flags libs
	objs=("${objs[@]/#/build/obj/lib/}")
	objs=("${objs[@]/%/.o}")
	(
		cd "$FIXTURE_TOP" || exit 1
		make -s --no-print-directory "${objs[@]}" || exit 1
		# shellcheck disable=SC2016 # make's variables, for make
		flags=$(make -s --no-print-directory \
			--eval 'inuse-probe-flags: ; @echo $(CFLAGS)' inuse-probe-flags) || exit 1
		libs=$(pkg-config --libs libkmod libpci) || exit 1
		${CC:-cc} $flags -Werror -MMD -MF /dev/null -Ilib -o "$BATS_FILE_TMPDIR/inuse-probe" \
			test/inuse-probe.c "${objs[@]}" $libs
	) || return 1
	export INUSE_PROBE=$BATS_FILE_TMPDIR/inuse-probe
}

setup() { fixture_setup; }

uses() {
	"$INUSE_PROBE" --root "$ROOT" "$@"
}

# fixture_add_device without bats's per-command tracing (256-byte config
# space written a byte at a time: 2 s traced, 0.1 s not)
add_device() {
	_fx_untraced fixture_add_device "$@"
}

nvme=0000:00:07.0
vmd=0000:00:0e.0
vmd_nvme=10000:01:00.0

# --- nothing ------------------------------------------------------------

@test "the pristine root: no device is in use but the boot VGA device" {
	local devs
	# no proc/self, proc/net, class/net or class/block: all "nothing there"
	[ ! -e "$ROOT/proc/self" ] && [ ! -e "$ROOT/sys/class/block" ]
	mapfile -t devs < <(ls "$ROOT/sys/bus/pci/devices")
	[ ${#devs[@]} -ge 19 ]
	run uses "${devs[@]}"
	assert_success
	assert_output "0000:00:01.0 console boot_vga: boot VGA device: the firmware console"
}

@test "edu: nothing, even when every other device is in use" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up --ipv6 fd00::2/64
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_mount "$ROOT" nvme0n1p1 /
	fixture_swapon "$ROOT" /swapfile
	fixture_add_fb "$ROOT" 0000:00:01.0 fb0 console drm
	run uses 0000:00:03.0
	assert_success
	assert_output ""
	run uses 0000:00:02.0 $nvme
	assert_success
	[ "${#lines[@]}" -eq 4 ]
}

@test "an unknown device is an error, not 'unused'" {
	run uses 0000:00:1d.0
	assert_failure 1
	assert_output --partial "0000:00:1d.0: No such device"
}

# --- network -------------------------------------------------------------

@test "net: an interface that is up is in use; the kernel's link-local lines are not listed" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up
	# the fixture wrote what the kernel writes when IPv6 comes up
	grep -q '^fe80.* ens2$' "$ROOT/proc/net/if_inet6"
	grep -q '^fe800000000000000000000000000000 40 .* ens2$' "$ROOT/proc/net/ipv6_route"
	grep -q '^ff000000000000000000000000000000 08 .* ens2$' "$ROOT/proc/net/ipv6_route"
	run uses 0000:00:02.0
	assert_success
	assert_output "0000:00:02.0 net ens2: network interface ens2 is up"
	# the same interface, administratively down (flags without IFF_UP)
	printf '0x1002\n' >"$ROOT/sys/class/net/ens2/flags"
	run uses 0000:00:02.0
	assert_success
	assert_output ""
}

@test "net: down, with nothing but the kernel's automatic IPv6 lines, is not in use" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 --autoconf
	run uses 0000:00:02.0
	assert_success
	assert_output ""
	fixture_add_netdev "$ROOT" 0000:00:04.0 ens4
	run uses 0000:00:04.0
	assert_output ""
}

@test "net: addresses and routes, in canonical form" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up --ipv4 10.0.2.15/24 \
		--route4 default@10.0.2.2 --route4 172.20.1.0/12@10.0.2.3 \
		--ipv6 fd00:0:0:0::2/64 --route6 default@fd00::1
	run uses 0000:00:02.0
	assert_success
	assert_output "0000:00:02.0 net ens2: network interface ens2 is up with fd00::2/64, routes 10.0.2.0/24, default via 10.0.2.2, 172.16.0.0/12 via 10.0.2.3, fd00::/64, default via fd00::1"
}

@test "net: down but keeping an IPv6 address is in use; without it, not" {
	fixture_add_netdev "$ROOT" 0000:00:04.0 ens4 --ipv6 2001:db8:0:1::4/64
	run uses 0000:00:04.0
	assert_success
	assert_output "0000:00:04.0 net ens4: network interface ens4 is down with 2001:db8:0:1::4/64"
	sed -i '/ ens4$/d' "$ROOT/proc/net/if_inet6"
	run uses 0000:00:04.0
	assert_output ""
}

@test "net: a route alone makes an interface in use" {
	fixture_add_netdev "$ROOT" 0000:00:04.0 ens4 --route4 192.168.7.0/24
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 --route6 2001:db8:7::/48
	run uses 0000:00:04.0 0000:00:02.0
	assert_success
	assert_output - <<-'EOF'
		0000:00:04.0 net ens4: network interface ens4 is down, routes 192.168.7.0/24
		0000:00:02.0 net ens2: network interface ens2 is down, routes 2001:db8:7::/48
	EOF
}

@test "net: virtio-net's interface sits under virtioN and is found there; lo never is" {
	fixture_add_netdev "$ROOT" 0000:00:05.0 eth0 up
	[ -d "$ROOT/sys/devices/pci0000:00/0000:00:05.0/virtio0/net/eth0" ]
	run uses 0000:00:05.0 0000:00:02.0 0000:00:04.0
	assert_success
	assert_output "0000:00:05.0 net eth0: network interface eth0 is up"
	grep -q ' lo$' "$ROOT/proc/net/if_inet6"
}

@test "net: a device with several interfaces (PF and representor) reports each" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up --no-ipv6
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2_rep0
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2_rep1 up --no-ipv6
	run uses 0000:00:02.0
	assert_output - <<-'EOF'
		0000:00:02.0 net ens2: network interface ens2 is up
		0000:00:02.0 net ens2_rep1: network interface ens2_rep1 is up
	EOF
}

@test "net: a device's interfaces come in natural order (eth2 before eth10), and a sibling's never" {
	# sorted by path, .../net/eth10 comes before .../net/eth2: the lookup
	# by path must still report them in the listing's order
	fixture_add_netdev "$ROOT" 0000:00:02.0 eth10 up --no-ipv6
	fixture_add_netdev "$ROOT" 0000:00:02.0 eth2 up --no-ipv6
	fixture_add_netdev "$ROOT" 0000:00:04.0 eth3 up --no-ipv6
	run uses 0000:00:02.0 0000:00:04.0
	assert_success
	assert_output - <<-'EOF'
		0000:00:02.0 net eth2: network interface eth2 is up
		0000:00:02.0 net eth10: network interface eth10 is up
		0000:00:04.0 net eth3: network interface eth3 is up
	EOF
}

@test "the host is read once per process: each procfs file and class listing, however many devices" {
	local devs f
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up --ipv4 10.0.2.15/24 --ipv6 fd00::2/64
	fixture_add_netdev "$ROOT" 0000:00:04.0 ens4 --route4 192.168.7.0/24
	mkdir -p "$ROOT/proc/self"
	printf '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n' >"$ROOT/proc/self/mountinfo"
	printf 'ttyS0                -W- (EC p a)    4:64\n' >"$ROOT/proc/consoles"
	mapfile -t devs < <(ls "$ROOT/sys/bus/pci/devices")
	[ ${#devs[@]} -ge 19 ]
	strace -f -qq -e trace=open,openat,openat2 -e signal=none -o "$BATS_TEST_TMPDIR/trace" \
		"$INUSE_PROBE" --root "$ROOT" "${devs[@]}" >"$BATS_TEST_TMPDIR/out"
	# the uses are still found
	grep -q '^0000:00:02.0 net ens2: network interface ens2 is up with fd00::2/64, routes 10.0.2.0/24' \
		"$BATS_TEST_TMPDIR/out"
	grep -q '^0000:00:04.0 net ens4: network interface ens4 is down, routes 192.168.7.0/24' \
		"$BATS_TEST_TMPDIR/out"
	for f in proc/net/if_inet6 proc/net/route proc/net/ipv6_route proc/self/mountinfo \
		proc/consoles sys/class/net sys/class/block sys/class/graphics \
		sys/class/vtconsole; do
		echo "$f:"
		run grep -c "\"[^\"]*$f\"" "$BATS_TEST_TMPDIR/trace"
		# read once (the missing ones are looked for once too)
		assert_output 1
	done
}

# --- mounts ------------------------------------------------------------------

@test "mount: a mounted partition is in use, an unmounted one is not" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2
	fixture_mount "$ROOT" nvme0n1p1 /boot vfat
	run uses $nvme
	assert_success
	assert_output "$nvme mount nvme0n1p1: nvme0n1p1 is mounted on /boot"
	# mountinfo is matched by MAJ:MIN: a different device number, no match
	sed -i 's/ 259:1 / 259:9 /' "$ROOT/proc/self/mountinfo"
	run uses $nvme
	assert_output ""
}

@test "mount: every mount point of a device, unescaped, and the whole disk too" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 nvme0n1p1
	fixture_mount "$ROOT" nvme0n1p1 "/srv/my data"
	fixture_mount "$ROOT" nvme0n1p1 /var/lib/bind
	fixture_mount "$ROOT" nvme0n1 /mnt/raw
	grep -q ' /srv/my\\040data ' "$ROOT/proc/self/mountinfo"
	run uses $nvme
	assert_output - <<-EOF
		$nvme mount nvme0n1: nvme0n1 is mounted on /mnt/raw
		$nvme mount nvme0n1p1: nvme0n1p1 is mounted on /srv/my data, /var/lib/bind
	EOF
}

@test "mount: a FIFO in place of mountinfo is refused, not waited on" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	mkdir -p "$ROOT/proc/self"
	rm -f "$ROOT/proc/self/mountinfo"
	mkfifo "$ROOT/proc/self/mountinfo"
	run timeout 20 "$INUSE_PROBE" --root "$ROOT" $nvme
	[ "$status" -ne 124 ] || fail "blocked on the FIFO"
	assert_failure
}

@test "mount: /proc/mounts by /dev/NAME when there is no mountinfo" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_mount "$ROOT" nvme0n1p1 /data
	rm "$ROOT/proc/self/mountinfo"
	[ -L "$ROOT/proc/mounts" ]
	run uses $nvme
	assert_output "$nvme mount nvme0n1p1: nvme0n1p1 is mounted on /data"
	sed -i 's|^/dev/nvme0n1p1 |/dev/nvme0n1p9 |' "$ROOT/proc/self/mounts"
	run uses $nvme
	assert_output ""
}

@test "mount: btrfs's anonymous device number is resolved through the source" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_mount "$ROOT" nvme0n1p1 /home btrfs
	grep -q '^[0-9]* [0-9]* 0:[0-9]* / /home .* - btrfs /dev/nvme0n1p1 ' \
		"$ROOT/proc/self/mountinfo"
	run uses $nvme
	assert_output "$nvme mount nvme0n1p1: nvme0n1p1 is mounted on /home"
}

@test "mount: a very long mount point is cut with '...'" {
	local mp
	printf -v mp 'x%.0s' {1..300}
	mp=/srv/$mp
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_mount "$ROOT" nvme0n1p1 "$mp"
	run uses $nvme
	assert_success
	local what=${output#*: }
	[ ${#what} -eq 159 ]
	[[ $what == "nvme0n1p1 is mounted on /srv/xxx"*... ]]
}

@test "mount: NVMe behind VMD (domain 10000), on the drive and on the VMD controller" {
	fixture_add_blockdev "$ROOT" $vmd_nvme nvme1n1 1 2
	fixture_mount "$ROOT" nvme1n1p2 /var
	[ -d "$(fixture_device_dir "$ROOT" $vmd_nvme)/nvme/nvme1/nvme1n1/nvme1n1p2" ]
	run uses $vmd_nvme $vmd 10000:00:02.0 $nvme
	assert_success
	# unbinding vmd removes the whole domain: its drives are its uses
	assert_output - <<-EOF
		$vmd_nvme mount nvme1n1p2: nvme1n1p2 is mounted on /var
		$vmd mount nvme1n1p2: nvme1n1p2 is mounted on /var
		10000:00:02.0 mount nvme1n1p2: nvme1n1p2 is mounted on /var
	EOF
}

@test "mount: AHCI (ataN/hostN/.../block/sdX) and virtio-blk (virtioN/block/vdX)" {
	fixture_register_driver "$ROOT" ahci
	add_device "$ROOT" 0000:00:1f.2 8086:2922 1af4:1100 0x010601 ahci 15
	add_device "$ROOT" 0000:00:10.0 1af4:1042 1af4:1100 0x010000 virtio-pci 17
	fixture_add_blockdev "$ROOT" 0000:00:1f.2 sdb 1 2
	fixture_add_blockdev "$ROOT" 0000:00:10.0 vda 1
	fixture_mount "$ROOT" sdb2 /srv
	fixture_mount "$ROOT" vda1 /
	[ "$(cat "$ROOT/sys/class/block/sdb2/dev")" = 8:18 ]
	[ -d "$(fixture_device_dir "$ROOT" 0000:00:1f.2)/ata2/host1/target1:0:0/1:0:0:0/block/sdb/sdb2" ]
	[ -d "$(fixture_device_dir "$ROOT" 0000:00:10.0)/virtio0/block/vda/vda1" ]
	run uses 0000:00:1f.2 0000:00:10.0
	assert_success
	assert_output - <<-'EOF'
		0000:00:1f.2 mount sdb2: sdb2 is mounted on /srv
		0000:00:10.0 root vda1: holds the root file system (/ on vda1)
		0000:00:10.0 mount vda1: vda1 is mounted on /
	EOF
}

# --- swap --------------------------------------------------------------------

@test "swap: an active swap partition is in use, an inactive one is not" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2
	fixture_swapon "$ROOT" nvme0n1p2
	run uses $nvme
	assert_success
	assert_output "$nvme swap nvme0n1p2: nvme0n1p2 is active swap"
	sed -i '/^\/dev\/nvme0n1p2 /d' "$ROOT/proc/swaps"
	run uses $nvme
	assert_output ""
}

@test "swap: a swap file counts for the file system it lives on" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2
	fixture_mount "$ROOT" nvme0n1p2 /
	fixture_mount "$ROOT" nvme0n1p1 /var
	fixture_swapon "$ROOT" "/var/swap file"
	fixture_swapon "$ROOT" /swapfile
	run uses $nvme
	assert_success
	assert_output - <<-EOF
		$nvme root nvme0n1p2: holds the root file system (/ on nvme0n1p2)
		$nvme mount nvme0n1p1: nvme0n1p1 is mounted on /var
		$nvme mount nvme0n1p2: nvme0n1p2 is mounted on /
		$nvme swap nvme0n1p1: nvme0n1p1 holds the active swap file /var/swap file
		$nvme swap nvme0n1p2: nvme0n1p2 holds the active swap file /swapfile
	EOF
}

@test "swap: a swap file on another device's file system is not this device's" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_add_blockdev "$ROOT" $vmd_nvme nvme1n1 1
	fixture_mount "$ROOT" nvme1n1p1 /srv
	fixture_swapon "$ROOT" /srv/swapfile
	run uses $nvme
	assert_output ""
	run uses $vmd_nvme
	assert_output - <<-EOF
		$vmd_nvme mount nvme1n1p1: nvme1n1p1 is mounted on /srv
		$vmd_nvme swap nvme1n1p1: nvme1n1p1 holds the active swap file /srv/swapfile
	EOF
}

# --- holders -----------------------------------------------------------------

@test "holder: a partition under LVM (dm) or md is in use; without holders it is not" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2 3
	fixture_add_holder "$ROOT" nvme0n1p3 dm-0 vg0-home
	fixture_add_holder "$ROOT" nvme0n1p1 md127
	run uses $nvme
	assert_success
	assert_output - <<-EOF
		$nvme holder nvme0n1p1: nvme0n1p1 is held by md127
		$nvme holder nvme0n1p3: nvme0n1p3 is held by dm-0 (vg0-home)
	EOF
	rm "$ROOT/sys/class/block/nvme0n1p3/holders/dm-0" \
		"$ROOT/sys/class/block/nvme0n1p1/holders/md127"
	run uses $nvme
	assert_output ""
}

# --- the root file system ------------------------------------------------

@test "root: / on dm over a partition, through sys/dev/block and slaves/" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2
	fixture_add_holder "$ROOT" nvme0n1p2 dm-0 vg0-root
	fixture_mount "$ROOT" dm-0 /
	grep -q ' 253:0 / / .* /dev/mapper/vg0-root ' "$ROOT/proc/self/mountinfo"
	run uses $nvme
	assert_success
	assert_output - <<-EOF
		$nvme root nvme0n1p2: holds the root file system (/ on dm-0 over nvme0n1p2)
		$nvme holder nvme0n1p2: nvme0n1p2 is held by dm-0 (vg0-root)
	EOF
}

@test "root: / on dm-crypt over LVM over a partition, and only on that device" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2 3
	fixture_add_blockdev "$ROOT" $vmd_nvme nvme1n1 1
	fixture_add_holder "$ROOT" nvme0n1p3 dm-0 vg0-root
	fixture_add_holder "$ROOT" dm-0 dm-1 luks-root
	fixture_mount "$ROOT" dm-1 /
	fixture_mount "$ROOT" nvme0n1p1 /boot
	run uses $nvme $vmd_nvme
	assert_success
	assert_output - <<-EOF
		$nvme root nvme0n1p3: holds the root file system (/ on dm-1 over dm-0 over nvme0n1p3)
		$nvme mount nvme0n1p1: nvme0n1p1 is mounted on /boot
		$nvme holder nvme0n1p3: nvme0n1p3 is held by dm-0 (vg0-root)
	EOF
}

@test "root: / on md RAID1 across two controllers is on both" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_add_blockdev "$ROOT" $vmd_nvme nvme1n1 1
	fixture_add_holder "$ROOT" nvme0n1p1 md0
	fixture_add_holder "$ROOT" nvme1n1p1 md0
	fixture_mount "$ROOT" md0 /
	run uses $nvme $vmd_nvme
	assert_output - <<-EOF
		$nvme root nvme0n1p1: holds the root file system (/ on md0 over nvme0n1p1)
		$nvme holder nvme0n1p1: nvme0n1p1 is held by md0
		$vmd_nvme root nvme1n1p1: holds the root file system (/ on md0 over nvme1n1p1)
		$vmd_nvme holder nvme1n1p1: nvme1n1p1 is held by md0
	EOF
}

@test "root: / somewhere else (tmpfs, or another disk's dm) is not this device's" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_add_blockdev "$ROOT" $vmd_nvme nvme1n1 1
	fixture_add_holder "$ROOT" nvme1n1p1 dm-0
	fixture_mount "$ROOT" rootfs / tmpfs
	run uses $nvme $vmd_nvme
	assert_output "$vmd_nvme holder nvme1n1p1: nvme1n1p1 is held by dm-0 (vg0-lv0)"
	# the last mount on / is the one in effect
	fixture_mount "$ROOT" dm-0 /
	run uses $nvme
	assert_output ""
	run uses $vmd_nvme
	assert_line --index 0 "$vmd_nvme root nvme1n1p1: holds the root file system (/ on dm-0 over nvme1n1p1)"
}

# --- consoles ------------------------------------------------------------

@test "console: boot_vga 1 is the firmware console, 0 is not" {
	run uses 0000:00:01.0
	assert_output "0000:00:01.0 console boot_vga: boot VGA device: the firmware console"
	printf '0\n' >"$(fixture_device_dir "$ROOT" 0000:00:01.0)/boot_vga"
	run uses 0000:00:01.0
	assert_success
	assert_output ""
}

@test "console: the DRM framebuffer fbcon shows on, and the one it does not" {
	fixture_add_fb "$ROOT" 0000:00:01.0 fb0 console drm
	add_device "$ROOT" 0000:00:11.0 1234:1111 1af4:1100 0x030000 bochs-drm 18
	fixture_add_fb "$ROOT" 0000:00:11.0 fb1 drm
	[ "$(cat "$ROOT/sys/class/graphics/fb0/name")" = bochs-drmdrmfb ]
	[ -e "$ROOT/sys/class/graphics/fbcon" ]
	run uses 0000:00:01.0 0000:00:11.0
	assert_success
	assert_output - <<-'EOF'
		0000:00:01.0 console boot_vga: boot VGA device: the firmware console
		0000:00:01.0 console fb0: framebuffer fb0 (the console) is on it, through DRM card0
		0000:00:11.0 console fb1: framebuffer fb1 is on it, through DRM card1
	EOF
}

@test "console: a framebuffer without fbcon bound is on the device, not the console" {
	fixture_add_fb "$ROOT" 0000:00:01.0 fb0
	run uses 0000:00:01.0
	assert_line --index 1 "0000:00:01.0 console fb0: framebuffer fb0 is on it"
	# fbcon bound now (vtconsole "(M) frame buffer device", bind 1)
	fixture_add_fb "$ROOT" 0000:00:03.0 fb1 console
	[ "$(cat "$ROOT/sys/class/vtconsole/vtcon1/bind")" = 1 ]
	run uses 0000:00:01.0 0000:00:03.0
	assert_output - <<-'EOF'
		0000:00:01.0 console boot_vga: boot VGA device: the firmware console
		0000:00:01.0 console fb0: framebuffer fb0 (the console) is on it
		0000:00:03.0 console fb1: framebuffer fb1 is on it
	EOF
	printf '0\n' >"$ROOT/sys/class/vtconsole/vtcon1/bind"
	run uses 0000:00:01.0
	assert_line --index 1 "0000:00:01.0 console fb0: framebuffer fb0 is on it"
}

@test "console: a serial console on a PCI UART, and a serial port that is none" {
	add_device "$ROOT" 0000:00:16.3 8086:2a07 8086:0000 0x070002 - 19
	fixture_add_tty "$ROOT" 0000:00:16.3 ttyS4 console
	fixture_add_tty "$ROOT" 0000:00:16.3 ttyS5
	run uses 0000:00:16.3
	assert_success
	assert_output "0000:00:16.3 console ttyS4: serial console ttyS4 is on it"
	# a console the kernel lists but has disabled (no E)
	sed -i 's/(EC p a)/( C p a)/' "$ROOT/proc/consoles"
	run uses 0000:00:16.3
	assert_output ""
}

# --- links resolved inside the root -------------------------------------

@test "links: with every sysfs link absolute (inside --root), the framebuffer, serial console, root and holder checks answer the same" {
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1 2
	fixture_add_holder "$ROOT" nvme0n1p2 dm-0 vg0-root
	fixture_mount "$ROOT" dm-0 /
	fixture_add_fb "$ROOT" 0000:00:01.0 fb0 console drm
	add_device "$ROOT" 0000:00:16.3 8086:2a07 8086:0000 0x070002 - 19
	fixture_add_tty "$ROOT" 0000:00:16.3 ttyS4 console
	run uses $nvme 0000:00:01.0 0000:00:16.3
	assert_success
	local want=$output
	assert_line "$nvme root nvme0n1p2: holds the root file system (/ on dm-0 over nvme0n1p2)"
	assert_line "$nvme holder nvme0n1p2: nvme0n1p2 is held by dm-0 (vg0-root)"
	assert_line "0000:00:01.0 console fb0: framebuffer fb0 (the console) is on it, through DRM card0"
	assert_line "0000:00:16.3 console ttyS4: serial console ttyS4 is on it"
	fixture_absolute_links "$ROOT"
	[ "$(readlink "$ROOT/sys/class/tty/ttyS4")" = /sys/devices/pci0000:00/0000:00:16.3/tty/ttyS4 ]
	run uses $nvme 0000:00:01.0 0000:00:16.3
	assert_success
	assert_output "$want"
}

# --- VFIO users ----------------------------------------------------------

vfio_dev=0000:00:0c.0	# on vfio-pci, IOMMU group 12
syspath=/sys/devices/pci0000:00/0000:00:0c.0

@test "vfio: a 6.1 device fd next to the device's group node is a holder, named by pid and comm" {
	fixture_vfio_holder "$ROOT" 4242 qemu-system-x86 3:/dev/vfio/vfio 4:/dev/vfio/12 5:vfio-device
	run uses $vfio_dev
	assert_success
	assert_output "$vfio_dev vfio 4242: pid 4242 (qemu-system-x86) holds it open through VFIO (a device fd and its group's node)"
}

@test "vfio: each process's fds are read once per process, however many devices are checked" {
	fixture_vfio_holder "$ROOT" 100 dpdk-testpmd 3:/dev/vfio/12 4:vfio-device
	fixture_vfio_holder "$ROOT" 101 qemu-system-x86 3:/dev/vfio/10 4:vfio-device
	fixture_vfio_holder "$ROOT" 102 sleep 3:/dev/null
	strace -f -qq -e trace=open,openat,openat2 -e signal=none -o "$BATS_TEST_TMPDIR/trace" \
		"$INUSE_PROBE" --root "$ROOT" $vfio_dev 0000:00:0a.0 $vfio_dev >"$BATS_TEST_TMPDIR/out"
	# every holder still found, for each device it holds
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output - <<-EOF
		$vfio_dev vfio 100: pid 100 (dpdk-testpmd) holds it open through VFIO (a device fd and its group's node)
		0000:00:0a.0 vfio 101: pid 101 (qemu-system-x86) holds it open through VFIO (a device fd and its group's node)
		$vfio_dev vfio 100: pid 100 (dpdk-testpmd) holds it open through VFIO (a device fd and its group's node)
	EOF
	for f in proc/100/fd proc/101/fd proc/102/fd; do
		echo "$f:"
		run grep -cE "\"([^\"]*/)?$f\"" "$BATS_TEST_TMPDIR/trace"
		assert_output 1
	done
}

@test "vfio: a group node alone, or a device fd of another group, holds nothing" {
	fixture_vfio_holder "$ROOT" 100 dpdk-testpmd 3:/dev/vfio/12
	fixture_vfio_holder "$ROOT" 101 qemu-system-x86 3:/dev/vfio/10 4:vfio-device
	run uses $vfio_dev
	assert_success
	assert_output ""
	# the other process does hold group 10's device
	run uses 0000:00:0a.0
	assert_output "0000:00:0a.0 vfio 101: pid 101 (qemu-system-x86) holds it open through VFIO (a device fd and its group's node)"
}

@test "vfio: a 6.18 device fd says which device it is, group node or not" {
	fixture_vfio_holder "$ROOT" 7 cloud-hypervisor 3:vfio-device=$syspath
	fixture_vfio_holder "$ROOT" 8 qemu-system-x86 3:/dev/vfio/12 4:vfio-device=/sys/devices/pci0000:00/0000:00:0a.0
	run uses $vfio_dev
	assert_success
	assert_output "$vfio_dev vfio 7: pid 7 (cloud-hypervisor) holds it open through VFIO"
}

@test "vfio: the device's iommufd cdev open is a holder; another device's is not" {
	mkdir -p "$ROOT$syspath/vfio-dev/vfio3"
	fixture_vfio_holder "$ROOT" 9 qemu-system-x86 3:/dev/iommu 4:/dev/vfio/devices/vfio3
	fixture_vfio_holder "$ROOT" 10 qemu-system-x86 3:/dev/iommu 4:/dev/vfio/devices/vfio4
	run uses $vfio_dev
	assert_output "$vfio_dev vfio 9: pid 9 (qemu-system-x86) holds it open through VFIO"
}

@test "vfio: only a device on a VFIO driver has holders; no proc means none" {
	# e1000e's group 4 open with a device fd: not VFIO's device, not looked for
	fixture_vfio_holder "$ROOT" 11 qemu-system-x86 3:/dev/vfio/4 4:vfio-device
	run uses 0000:00:04.0 $vfio_dev
	assert_success
	assert_output ""
	rm -r "$ROOT/proc"
	run uses $vfio_dev
	assert_success
	assert_output ""
}

# --- the fixture's procfs against this machine's ------------------------

@test "fixture procfs files have this machine's headers and field shapes" {
	fixture_add_netdev "$ROOT" 0000:00:02.0 ens2 up --ipv4 10.0.2.15/24 --ipv6 fd00::2/64
	fixture_add_blockdev "$ROOT" $nvme nvme0n1 1
	fixture_mount "$ROOT" nvme0n1p1 /
	fixture_swapon "$ROOT" /swapfile
	fixture_add_tty "$ROOT" $nvme ttyS9 console
	local re_in6='^[0-9a-f]{32} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} +[^ ]+$'
	local re_r6='^([0-9a-f]{32} [0-9a-f]{2} ){2}[0-9a-f]{32}( [0-9a-f]{8}){4} +[^ ]+$'
	local re_mi='^[0-9]+ [0-9]+ [0-9]+:[0-9]+ [^ ]+ [^ ]+ [^ ]+( [^ ]+)* - [^ ]+ [^ ]+ [^ ]+$'
	local re_con='^[^ ]+ +[-R][-W][-U] \([ A-Za-z]+\) +[0-9]+:[0-9]+$'
	local f re
	assert_equal "$(head -n 1 "$ROOT/proc/net/route")" "$(head -n 1 /proc/net/route)"
	assert_equal "$(head -n 1 "$ROOT/proc/swaps")" "$(head -n 1 /proc/swaps)"
	for f in net/if_inet6:$re_in6 net/ipv6_route:$re_r6 self/mountinfo:$re_mi consoles:$re_con; do
		re=${f#*:} f=${f%%:*}
		# this machine's lines have the shape the regex says...
		if [ -s "/proc/$f" ]; then
			grep -Evq "$re" "/proc/$f" && fail "/proc/$f: a line the regex does not take"
		fi
		# ...and so do the fixture's
		grep -Evq "$re" "$ROOT/proc/$f" && fail "fixture proc/$f: $(grep -Ev "$re" "$ROOT/proc/$f")"
	done
	# fdinfo starts as this machine's does (fs/proc/fd.c)
	fixture_vfio_holder "$ROOT" 1 init 0:vfio-device
	assert_equal "$(cut -d: -f1 "$ROOT/proc/1/fdinfo/0" | head -n 4)" \
		"$(cut -d: -f1 /proc/self/fdinfo/0 | head -n 4)"
	# route lines are padded to 127 columns, as the kernel pads them
	while IFS= read -r f; do [ ${#f} -eq 127 ] || fail "route line of ${#f} characters"; done \
		<"$ROOT/proc/net/route"
	return 0
}
