#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Persistence proven by rebooting: real systemd and udev as the guest's
# init, the guest's changes (vfioctl installed, records, modules) kept on
# an ext4 disk image from one boot to the next. Every boot is a fresh
# kernel; the kernel logs each driver-core probe (dynamic debug in
# drivers/base/dd.c), so "e1000e never probed that address" is read from
# the kernel itself. The tests run in order and share the disk.
#
# The tests tagged "kernels", bind --persist and the reboot that proves it
# (the first two boots), also run on 6.12 and 7.2 (test/run reads these
# lines; test/vm/run reads VM_OPTIONS): two boots per kernel. Giving back
# with --persist and the third boot are the same on every kernel (records
# and modprobe.d, read by vfioctl alone) and run on 6.1 only.
# vm-options:
# vm-options: --kernel 6.12 -- --filter-tags kernels
# vm-options: --kernel 7.2 -- --filter-tags kernels

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)
E1000E=0000:00:02.0
EDU=0000:00:03.0
BR_E1000E=0000:01:02.0
NVME=0000:02:00.0

setup_file() {
	export DISK=$BATS_FILE_TMPDIR/boot.img
	rm -f "$DISK"
}

# boot COMMAND...: one boot of the guest on $DISK; the command runs once
# systemd has finished booting, as a user would
boot() {
	"$TOP/test/vm/run" --init systemd --disk "$DISK" --timeout 900 \
		--append 'dyndbg="file drivers/base/dd.c +p"' -- "$@"
}

# Wait for udev to handle the coldplug events: systemd calls the boot
# finished once udev-trigger has queued them, and on 7.2 systemd-udevd starts
# late (after vfioctl.service), so modules (e1000e, nvme) were still loading
# when the command looked.
SETTLE='udevadm settle --timeout=240 || echo udev-not-settled'

# drivers: "ADDR DRIVER" for the devices the tests look at
DRIVERS='for d in 0000:00:02.0 0000:00:03.0 0000:01:02.0 0000:02:00.1 0000:02:00.2; do l=$(readlink /sys/bus/pci/devices/$d/driver) || l=none; echo "driver $d ${l##*/}"; done'

# bats test_tags=kernels
@test "boot 1: install vfioctl, bind --persist the e1000e and the edu (for nobody), 2 VFs of the nvme" {
	run boot sh -c "
		make -s install >/dev/null
		test/vm/lib/guest-setup
		systemctl daemon-reload && systemctl enable vfioctl.service
		udevadm control --reload
		/usr/local/sbin/vfioctl bind --persist $E1000E
		/usr/local/sbin/vfioctl bind --persist --owner nobody $EDU
		/usr/local/sbin/vfioctl sriov --persist --numvfs 2 $NVME
		echo rc=\$?
		grep -h -v '^#' /etc/vfioctl.d/*.conf
		grep '^install' /etc/modprobe.d/vfioctl.conf
		$DRIVERS
		sync"
	assert_success
	assert_line rc=0
	assert_line "device = $E1000E"
	assert_line "device = $EDU"
	assert_line --regexp '^install e1000e /usr/local/sbin/vfioctl --quiet apply; /sbin/modprobe --ignore-install e1000e'
	assert_line "driver $E1000E vfio-pci"
	assert_line "driver $EDU edu-vfio-pci"
	assert_line "numvfs = 2"
	assert_line "owner = nobody"
}

# bats test_tags=kernels
@test "boot 2: both are on their VFIO drivers before anyone runs vfioctl; e1000e never probed the recorded address" {
	run boot sh -c "
		$SETTLE
		$DRIVERS
		cat /sys/bus/pci/devices/$E1000E/driver_override
		echo service=\$(systemctl show -p Result --value vfioctl.service)
		echo edu-node=\$(stat -c %U /dev/vfio/\$(basename \$(readlink /sys/bus/pci/devices/$EDU/iommu_group)))
		test/vm/lib/dd-log | grep -E '^probing e1000e |^(bound|rejects) nvme '
		test/vm/lib/dd-log | grep -c '^probing ' | sed 's/^/probes=/'"
	assert_success
	refute_line udev-not-settled
	assert_line "driver $E1000E vfio-pci"
	assert_line "driver $EDU edu-vfio-pci"
	assert_line vfio-pci
	assert_line service=success
	# the control: e1000e did load and probe the other e1000e, behind the bridge
	assert_line "probing e1000e $BR_E1000E"
	assert_line "driver $BR_E1000E e1000e"
	# and never the recorded one
	refute_line "probing e1000e $E1000E"
	# the VFs were made again at boot, and nvme never had them: the PCI core
	# turned its match away (autoprobe off, no override yet: "rejects
	# match", before nvme's probe runs) and nothing bound them to nvme
	assert_line "driver 0000:02:00.1 vfio-pci"
	assert_line "driver 0000:02:00.2 vfio-pci"
	assert_line "bound nvme $NVME"
	assert_line "rejects nvme 0000:02:00.1 -19"
	refute_line "bound nvme 0000:02:00.1"
	refute_line "bound nvme 0000:02:00.2"
	# and the edu's node is nobody's
	assert_line edu-node=nobody
}

@test "boot 2 (continued): unbind --persist gives them back and forgets them" {
	run boot sh -c "
		$SETTLE
		/usr/local/sbin/vfioctl sriov --persist --numvfs 0 $NVME &&
		/usr/local/sbin/vfioctl unbind --persist $E1000E $EDU
		echo rc=\$?
		echo records=\$(ls /etc/vfioctl.d | wc -l)
		test -e /etc/modprobe.d/vfioctl.conf && echo modprobe-conf-left
		$DRIVERS
		sync"
	assert_success
	assert_line rc=0
	assert_line "driver $E1000E e1000e"
	assert_line "driver $EDU none"
	assert_line records=0
	refute_line modprobe-conf-left
}

@test "boot 3: after the reboot the e1000e is back on e1000e, the edu on nothing" {
	run boot sh -c "$SETTLE; $DRIVERS; cat /sys/bus/pci/devices/$E1000E/driver_override; test/vm/lib/dd-log | grep '^probing e1000e '
		if test -e /sys/bus/pci/devices/0000:02:00.1; then echo vf-present; fi"
	assert_success
	refute_line udev-not-settled
	assert_line "driver $E1000E e1000e"
	assert_line "driver $EDU none"
	refute_line vf-present
	assert_line "(null)"
	assert_line "probing e1000e $E1000E"
}

@test "a corrupt record and a record for a missing device do not stop the others; the boot finishes" {
	run boot sh -c "
		mkdir -p /etc/vfioctl.d
		printf 'device = $EDU\ndriver = auto\n' > /etc/vfioctl.d/edu.conf
		printf 'device = 0000:00:1e.0\n' > /etc/vfioctl.d/gone.conf
		printf 'device = $E1000E\ncolour = blue\n' > /etc/vfioctl.d/broken.conf
		printf 'this is not a record\n' > /etc/vfioctl.d/zz-junk.conf
		sync"
	assert_success
	run boot sh -c "
		$SETTLE
		$DRIVERS
		echo state=\$(systemctl is-system-running)
		systemctl status vfioctl.service --no-pager -l 2>&1 | grep -E 'broken.conf|zz-junk.conf' | sed 's/.*vfioctl\[[0-9]*\]: //'"
	assert_success
	assert_line "driver $EDU edu-vfio-pci"
	assert_line "driver $E1000E e1000e"
	# the boot went on (degraded: the unit says a record is broken)
	assert_line --regexp '^state=(running|degraded)$'
	assert_line --partial "broken.conf:2: unknown key 'colour'; file skipped"
	assert_line --partial "zz-junk.conf:1: expected key = value; file skipped"
}
