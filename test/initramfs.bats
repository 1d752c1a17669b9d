#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The initramfs path, on a real boot: an initramfs built by Debian's own
# update-initramfs in the guest, with vfioctl's hook installed, binds a
# recorded e1000e to vfio-pci before the root file system is mounted,
# although e1000e itself is loaded in that initramfs (it takes the other
# e1000e, the control). The harness's own script records every device's
# driver in local-premount, right before the root is mounted.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)
E1000E=0000:00:02.0
BR_E1000E=0000:01:02.0

setup_file() {
	export DISK=$BATS_FILE_TMPDIR/initramfs.img
	rm -f "$DISK"
}

@test "boot 1: record the e1000e, build the initramfs with Debian's update-initramfs and vfioctl's hook" {
	run "$TOP/test/vm/run" --disk "$DISK" --timeout 900 -- sh -c "
		make -s install >/dev/null
		test/vm/lib/guest-setup
		/usr/local/sbin/vfioctl bind --persist $E1000E || exit 1
		test/vm/initramfs/setup e1000e
		update-initramfs -c -k \$(uname -r) 2>&1 | tail -n 2
		lsinitramfs /boot/initrd.img-\$(uname -r) > /tmp/ls
		grep -E 'vfioctl|vfio-pci.ko|e1000e.ko' /tmp/ls
		sync"
	assert_success
	assert_line --regexp '^(usr/)?(local/)?s?bin/vfioctl$|^usr/local/sbin/vfioctl$'
	assert_line etc/vfioctl.d/pci-$E1000E.conf
	assert_line --regexp 'lib/udev/rules.d/70-vfioctl.rules$'
	assert_line --regexp 'scripts/init-premount/vfioctl$'
	assert_line etc/modprobe.d/vfioctl.conf
	assert_line --regexp 'kernel/drivers/vfio/pci/vfio-pci.ko'
	assert_line --regexp 'e1000e.ko'
}

@test "boot 2, from that initramfs: the e1000e was on vfio-pci before the root was mounted; e1000e never probed it" {
	run "$TOP/test/vm/run" --disk "$DISK" --initrd-from-disk "/boot/initrd.img-$("$TOP/test/lib/kernel-release")" \
		--append 'dyndbg="file drivers/base/dd.c +p"' -- sh -c "
		cat /run/vfioctl-initramfs-proof
		dmesg | grep 'probing driver e1000e'
		readlink /sys/bus/pci/devices/$E1000E/driver"
	assert_success
	assert_line '# root mounted on /root: no'
	assert_line --regexp '^# modules: .*\be1000e\b'
	assert_line "$E1000E vfio-pci vfio-pci"
	assert_line "$BR_E1000E e1000e -"
	assert_line --partial "probing driver e1000e with device $BR_E1000E"
	refute_line --partial "probing driver e1000e with device $E1000E"
	assert_line --regexp 'drivers/vfio-pci$'
}
