#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Safe hands on a real kernel: whole IOMMU groups, SR-IOV VFs, devices
# given to a non-root user. Runs inside the test VM.
#
# The tests tagged "kernels" (--group, sriov, the in-use refusal, and where
# the kernels differ) also run on 6.12 and 7.2, in the one guest per kernel
# that test/vm/upstream.bats's "# vm-options:" lines boot.
# vm-options:

load lib/vm

NVME=0000:02:00.0

setup_file() {
	vm_setup_file
	# the udev rule and vfioctl where it points (/usr/local/sbin), in the overlay
	make -s -C "$TOP" install >/dev/null
	udevadm control --reload
}

teardown() { vm_teardown; }

# bats test_tags=kernels
@test "bind --group: both endpoints behind the bridge, each to its best driver; the group is viable" {
	run "$VFIOCTL" bind --group $BR_EDU
	assert_success
	assert_output --partial "IOMMU group $(group_of $BR_EDU): $BR_EDU $BR_E1000E"
	assert_output --partial "IOMMU group $(group_of $BR_EDU): viable"
	assert_equal "$(driver_of $BR_EDU)" edu-vfio-pci
	assert_equal "$(driver_of $BR_E1000E)" vfio-pci
	# the bridge is left alone, as the kernel does
	assert_equal "$(driver_of 0000:00:05.0)" none
	run "$VFIO_USER" $BR_EDU
	assert_success
	assert_line viable=1
	"$VFIOCTL" unbind $BR_EDU $BR_E1000E
	assert_equal "$(driver_of $BR_E1000E)" e1000e
}

@test "bind --group is all or nothing: when the second device fails, the first goes back" {
	# make the e1000e's best driver one whose probe fails
	echo "alias vfio_pci:v00008086d000010D3sv*sd*bc*sc*i* qemu_vfio_pci" > /etc/modprobe.d/zz-test.conf
	modprobe qemu_vfio_pci
	echo 1 > /sys/module/qemu_vfio_pci/parameters/fail_probe
	run "$VFIOCTL" bind --group $BR_EDU
	echo 0 > /sys/module/qemu_vfio_pci/parameters/fail_probe
	rm /etc/modprobe.d/zz-test.conf
	assert_failure 1
	assert_output --partial "$BR_EDU: bound to edu-vfio-pci"
	assert_output --partial "$BR_E1000E: qemu-vfio did not bind"
	assert_output --partial "$BR_EDU: rolled back to no driver"
	assert_output --partial "the group was put back as it was"
	assert_equal "$(driver_of $BR_EDU)" none
	assert_equal "$(override_of $BR_EDU)" "(null)"
	assert_equal "$(driver_of $BR_E1000E)" e1000e
	assert_equal "$(override_of $BR_E1000E)" "(null)"
}

# bats test_tags=kernels
@test "sriov: VFs are created with no host driver touching them, each bound to its VFIO driver" {
	dmesg -C
	run "$VFIOCTL" sriov $NVME --numvfs 2
	assert_success
	assert_output --partial "$NVME: 2 VFs created (was 0)"
	assert_equal "$(driver_of 0000:02:00.1)" vfio-pci
	assert_equal "$(driver_of 0000:02:00.2)" vfio-pci
	# autoprobe is back as it was, and nvme never probed a VF
	assert_equal "$(cat /sys/bus/pci/devices/$NVME/sriov_drivers_autoprobe)" 1
	run dmesg
	refute_output --regexp 'nvme 0000:02:00\.[12]'
	# each VF in its own group, usable from userspace
	[ "$(group_of 0000:02:00.1)" != "$(group_of 0000:02:00.2)" ]
	run "$VFIO_USER" 0000:02:00.2
	assert_success
	assert_line viable=1
	# again: nothing to do; then 0 gives them back and removes them
	run "$VFIOCTL" sriov $NVME --numvfs 2
	assert_success
	refute_output --partial created
	run "$VFIOCTL" sriov $NVME --numvfs 0
	assert_success
	assert_output --partial "$NVME: 2 VFs removed"
	[ ! -e /sys/bus/pci/devices/0000:02:00.1 ]
	run dmesg
	refute_output --regexp 'nvme 0000:02:00\.[12]'
	assert_equal "$(driver_of $NVME)" nvme
}

@test "sriov on a PF that sits on vfio-pci: its VFs' vfio-pci overrides do not pre-empt a variant" {
	# a variant for the VFs, through a modprobe.d alias (edu_vfio_pci is happy to hold one)
	echo "alias vfio_pci:v00001B36d00000010sv*sd*bc*sc*i* edu_vfio_pci" > /etc/modprobe.d/zz-test.conf
	modprobe vfio-pci enable_sriov=1 || true
	echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
	"$VFIOCTL" bind --driver vfio-pci $NVME
	assert_equal "$(driver_of $NVME)" vfio-pci
	run "$VFIOCTL" sriov $NVME --numvfs 2
	assert_success
	assert_equal "$(driver_of 0000:02:00.1)" edu-vfio-pci
	assert_equal "$(driver_of 0000:02:00.2)" edu-vfio-pci
	assert_output --partial "0000:02:00.1: bound to edu-vfio-pci (module edu_vfio_pci), was on vfio-pci"
	"$VFIOCTL" sriov $NVME --numvfs 0
	rm /etc/modprobe.d/zz-test.conf
	"$VFIOCTL" unbind $NVME
	assert_equal "$(driver_of $NVME)" nvme
}

@test "bind --owner: the group node belongs to the user, even after udev has handled it" {
	local g
	g=$(group_of $EDU)
	run "$VFIOCTL" bind --owner nobody:nogroup $EDU
	assert_success
	assert_output --partial "$EDU: /dev/vfio/$g now belongs to nobody:nogroup"
	udevadm settle
	assert_equal "$(stat -c '%U:%G %a' /dev/vfio/$g)" "nobody:nogroup 660"
	# and the user can drive it through VFIO
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$VFIO_USER" $EDU
	assert_success
	assert_line viable=1
	"$VFIOCTL" unbind $EDU
	# a fresh node (new bind, no --owner) is root's again
	"$VFIOCTL" bind $EDU
	udevadm settle
	assert_equal "$(stat -c '%U %a' /dev/vfio/$g)" "root 600"
	"$VFIOCTL" unbind $EDU
}

@test "the udev rule gives a VFIO node its owner whenever udev handles it" {
	local g
	g=$(group_of $EDU)
	"$VFIOCTL" bind --owner nobody $EDU
	udevadm settle
	chown root:root /dev/vfio/$g
	chmod 600 /dev/vfio/$g
	# udev handles the node again, as it does when it is created
	udevadm trigger --action=add --subsystem-match=vfio --sysname-match=$g
	udevadm settle
	assert_equal "$(stat -c '%U %a' /dev/vfio/$g)" "nobody 660"
	run "$VFIOCTL" owner $g
	assert_line VFIOCTL_OWNER=$(id -u nobody)
	"$VFIOCTL" unbind $EDU
	# after unbind the owner is forgotten
	run "$VFIOCTL" owner $g
	assert_output ""
}

# bats test_tags=kernels
@test "a device a process holds through VFIO: unbind and a rebind are refused naming it; --force waits for it" {
	local pid g how
	"$VFIOCTL" bind $EDU
	g=$(group_of $EDU)
	hold $EDU
	pid=$HOLDER
	# 6.18+ names the device in its fd's fdinfo; before, a device fd next
	# to the group's node is all there is to go by
	how=" (a device fd and its group's node)"
	! kernel_at_least 6 18 || how=
	run "$VFIOCTL" show $EDU
	assert_line "   in use:   vfio $pid: pid $pid (vfio-user) holds it open through VFIO$how"
	# (timeout: were it not refused, the unbind would wait for the holder for ever)
	run timeout 20 "$VFIOCTL" unbind $EDU
	assert_failure 1
	assert_output --partial "vfioctl: $EDU: in use: pid $pid (vfio-user) holds it open through VFIO"
	assert_equal "$(driver_of $EDU)" edu-vfio-pci
	run timeout 20 "$VFIOCTL" bind --driver vfio-pci $EDU
	assert_failure 1
	assert_output --partial "in use: pid $pid (vfio-user)"
	assert_equal "$(driver_of $EDU)" edu-vfio-pci
	# --force: the kernel's unbind waits until the holder is gone
	(sleep 3; kill $pid) &
	SECONDS=0
	run "$VFIOCTL" unbind --force $EDU
	assert_success
	assert_output --partial "in use, taken anyway (--force): pid $pid (vfio-user)"
	[ $SECONDS -ge 2 ] || fail "unbind did not wait for the holder (${SECONDS}s)"
	assert_equal "$(driver_of $EDU)" none
	assert_equal "$(override_of $EDU)" "(null)"
	# the group node alone (no device fd) holds nothing: unbind goes through
	"$VFIOCTL" bind $EDU
	exec 7<>/dev/vfio/$g
	run "$VFIOCTL" unbind $EDU
	exec 7>&-
	assert_success
	assert_equal "$(driver_of $EDU)" none
}

@test "sriov --numvfs 0 with a VF a process holds: refused, every VF kept on its VFIO driver" {
	local pid
	"$VFIOCTL" sriov $NVME --numvfs 2
	"$VFIO_USER" --hold 0000:02:00.2 >"$BATS_TEST_TMPDIR/user.out" &
	pid=$!
	for _ in $(seq 100); do grep -q holding=1 "$BATS_TEST_TMPDIR/user.out" && break; sleep 0.1; done
	assert_equal "$(grep holding= "$BATS_TEST_TMPDIR/user.out")" holding=1
	run timeout 20 "$VFIOCTL" sriov $NVME --numvfs 0
	assert_failure 1
	assert_output --partial "0000:02:00.2: in use: pid $pid (vfio-user)"
	assert_output --partial "$NVME: a VF could not be given back; its 2 VFs are kept"
	# nothing was given back, not even the free VF
	assert_equal "$(cat /sys/bus/pci/devices/$NVME/sriov_numvfs)" 2
	assert_equal "$(driver_of 0000:02:00.1)" vfio-pci
	assert_equal "$(driver_of 0000:02:00.2)" vfio-pci
	assert_equal "$(cat /sys/bus/pci/devices/$NVME/sriov_drivers_autoprobe)" 1
	kill $pid
	wait $pid || true
	run "$VFIOCTL" sriov $NVME --numvfs 0
	assert_success
	assert_output --partial "$NVME: 2 VFs removed"
	assert_equal "$(driver_of $NVME)" nvme
}

@test "two applies at once (udev's and the initramfs's): the device ends on its driver, never held by the placeholder" {
	local i
	"$VFIOCTL" bind --persist $EDU
	for i in 1 2 3 4 5; do
		"$VFIOCTL" unbind $EDU
		rmmod edu_vfio_pci
		# both see it free with its module unloaded; one waits for the other's lock
		"$VFIOCTL" -q apply $EDU & "$VFIOCTL" -q apply $EDU & wait
		assert_equal "$i $(driver_of $EDU) $(override_of $EDU)" "$i edu-vfio-pci edu-vfio-pci"
	done
	"$VFIOCTL" unbind --persist $EDU
	assert_equal "$(driver_of $EDU) $(override_of $EDU)" "none (null)"
}

# Recorded on Debian's kernels (2026-11): 7.2 names the device in the
# fdinfo of a VFIO device fd ("vfio-device-syspath: /sys/devices/...",
# since 6.18); 6.1 and 6.12 do not, and a process with a device fd and the
# group's node counts as holding every device of the group.
# bats test_tags=kernels
@test "two devices of one group, one held: exact where fdinfo names the device (6.18+), the whole group before" {
	local pid fdinfo
	"$VFIOCTL" bind --group $BR_EDU
	hold $BR_EDU
	pid=$HOLDER
	fdinfo=$(grep -h '^vfio-device-syspath:' /proc/$pid/fdinfo/* || true)
	# show and list-devices say which it relied on (lib/kfacts.c)
	run "$VFIOCTL" --json list-devices $BR_EDU
	assert_equal "$(jq -r '.[0].kernel_facts.vfio_fdinfo_names_device' <<<"$output")" \
		"$(kernel_at_least 6 18 && echo true || echo false)"
	if kernel_at_least 6 18; then
		run "$VFIOCTL" show $BR_EDU
		assert_line "             VFIO device fds name their device (fdinfo, 6.18+): holders are found exactly"
		assert_equal "$fdinfo" "vfio-device-syspath: $(readlink -f /sys/bus/pci/devices/$BR_EDU)"
		run "$VFIOCTL" show $BR_E1000E
		assert_line "   in use:   nothing the host uses"
		run "$VFIOCTL" show $BR_EDU
		assert_line "   in use:   vfio $pid: pid $pid (vfio-user) holds it open through VFIO"
		# so the free one may move to another VFIO driver meanwhile
		run timeout 20 "$VFIOCTL" bind --driver qemu_vfio_pci $BR_E1000E
		assert_success
		assert_equal "$(driver_of $BR_E1000E)" qemu-vfio
		# but not back to e1000e: the kernel keeps a host driver off a
		# group that userspace owns, and vfioctl keeps it on VFIO
		run timeout 20 "$VFIOCTL" unbind $BR_E1000E
		assert_failure 1
		assert_output --partial "$BR_E1000E: e1000e did not take the device back (it is on no driver); left on qemu-vfio"
		assert_equal "$(driver_of $BR_E1000E)" qemu-vfio
	else
		assert_equal "$fdinfo" ""
		run "$VFIOCTL" show $BR_EDU
		assert_line "             VFIO device fds do not name their device (before 6.18): a device fd beside the group's node counts for every device of the group"
		run "$VFIOCTL" show $BR_E1000E
		assert_line "   in use:   vfio $pid: pid $pid (vfio-user) holds it open through VFIO (a device fd and its group's node)"
		run timeout 20 "$VFIOCTL" unbind $BR_E1000E
		assert_failure 1
		assert_output --partial "$BR_E1000E: in use: pid $pid (vfio-user)"
	fi
	# the held one is refused everywhere
	run timeout 20 "$VFIOCTL" unbind $BR_EDU
	assert_failure 1
	assert_output --partial "$BR_EDU: in use: pid $pid (vfio-user)"
	kill $pid
	wait $pid || true
	"$VFIOCTL" unbind $BR_EDU $BR_E1000E
	assert_equal "$(driver_of $BR_EDU) $(driver_of $BR_E1000E)" "none e1000e"
}

# Recorded on Debian's kernels (2026-11): 6.1 reads and writes
# driver_override under the device lock (pci-sysfs, driver_set_override()),
# which an unbind holds while it waits for a VFIO holder; 6.12.95 and 7.2
# set it through the driver core (__device_set_driver_override(), a
# spinlock), so reading it never waits. vfioctl never leaves such an unbind
# pending itself (it refuses a held device, and with --force it writes the
# override before unbinding), but on 6.1 show and list-devices wait for
# someone else's.
# bats test_tags=kernels
@test "an unbind waiting for a VFIO holder: reading driver_override waits on 6.1, not where it is bus-generic" {
	local upid cpid generic=no waited=no
	! grep -qw __device_set_driver_override /proc/kallsyms || generic=yes
	dmesg -C
	"$VFIOCTL" bind $EDU
	# show says which it relied on (lib/kfacts.c)
	run "$VFIOCTL" --json show $EDU
	assert_equal "$(jq -r .kernel_facts.driver_override_generic <<<"$output")" \
		"$([ $generic = yes ] && echo true || echo false)"
	run "$VFIOCTL" show $EDU
	if [ $generic = yes ]; then
		assert_line "   kernel:   driver_override is bus-generic on this kernel (driver core): reading it never waits"
	else
		assert_line "   kernel:   driver_override is PCI's own on this kernel: reading it waits while an unbind waits for a VFIO holder"
	fi
	hold $EDU
	echo $EDU >/sys/bus/pci/drivers/edu-vfio-pci/unbind &
	upid=$!
	# the kernel says when the unbind starts waiting for the holder
	for _ in $(seq 300); do
		dmesg | grep -q "$EDU: No device request channel registered" && break
		sleep 0.1
	done
	cat /sys/bus/pci/devices/$EDU/driver_override >"$BATS_TEST_TMPDIR/override" &
	cpid=$!
	for _ in $(seq 150); do kill -0 $cpid 2>/dev/null || break; sleep 0.1; done
	! kill -0 $cpid 2>/dev/null || waited=yes
	kill $HOLDER
	wait $upid
	wait $cpid
	assert_equal "$(cat "$BATS_TEST_TMPDIR/override")" edu-vfio-pci
	case $(kernel_series) in
	6.1) assert_equal "$generic $waited" "no yes" ;;
	*) assert_equal "$generic $waited" "yes no" ;;
	esac
	assert_equal "$(driver_of $EDU)" none
	printf '\n' >/sys/bus/pci/devices/$EDU/driver_override
}
