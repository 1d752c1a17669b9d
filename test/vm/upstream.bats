#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# An upstream variant driver, unmodified: virtio_vfio_pci
# (drivers/vfio/pci/virtio/ of Debian's linux-source-6.12 and
# linux-source-7.2, built out of tree by make kernel, test/lib/kernels), on
# QEMU's modern-only virtio-net (test/vm/run --virtio-net: 1af4:1041 at
# 00:07.0, user network with restrict=on).
#
# Why this one: of the upstream variants (mlx5, hisi_acc, pds, qat,
# nvgrace-gpu, xe, ism, virtio) it is the only one whose device QEMU
# emulates; the others need a ConnectX, a HiSilicon accelerator, a Pensando
# DPU, a QAT VF, a Grace Hopper GPU, an Intel Xe GPU or an s390 ISM device.
# Debian builds none of them (CONFIG_VIRTIO_VFIO_PCI is not set), and it
# exists since 6.8: 6.1 has no source for it, so the suite runs on 6.12 and
# 7.2 only.
#
# The one run per newer kernel: the same guest also runs the tests that
# bind.bats and safe.bats tag "kernels" (the bind path, what the kernels
# answer, the exact VFIO holder on 7.2), so that 6.12 and 7.2 cost one boot
# each in make check. Those tests look groups up (group_of): the virtio-net's
# group 7 moves the harness's up by one and changes nothing they assert.
# vm-options: --kernel 6.12 --virtio-net --timeout 1800 -- --filter-tags kernels test/vm/bind.bats test/vm/safe.bats
# vm-options: --kernel 7.2 --virtio-net --timeout 1800 -- --filter-tags kernels test/vm/bind.bats test/vm/safe.bats
# bats file_tags=kernels

load lib/vm

VNET=0000:00:07.0

setup_file() { vm_setup_file; }

# the alias line depmod wrote for 1af4:1041, as modules.alias has it
depmod_alias() {
	grep ' virtio_vfio_pci$' "/lib/modules/$(uname -r)/modules.alias" |
		grep -F 'v00001AF4d00001041'
}

@test "the modern virtio-net is on virtio-pci, with an interface; virtio_vfio_pci is indexed, not loaded" {
	assert_equal "$(cat /sys/bus/pci/devices/$VNET/vendor):$(cat /sys/bus/pci/devices/$VNET/device)" \
		0x1af4:0x1041
	assert_equal "$(driver_of $VNET)" virtio-pci
	ls /sys/bus/pci/devices/$VNET/virtio*/net
	run depmod_alias
	assert_output 'alias vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_vfio_pci'
	refute module_loaded virtio_vfio_pci
}

@test "show and list-candidates name virtio_vfio_pci by the alias depmod wrote; it beats vfio_pci" {
	local alias
	alias=$(depmod_alias | cut -d' ' -f2)
	run "$VFIOCTL" --json list-candidates $VNET
	assert_success
	assert_equal "$(jq -r '.[0].best' <<<"$output")" virtio_vfio_pci
	assert_equal "$(jq -r '[.[0].candidates[].module] | join(" ")' <<<"$output")" \
		"virtio_vfio_pci vfio_pci"
	assert_equal "$(jq -r '.[0].candidates[0].alias' <<<"$output")" "$alias"

	run "$VFIOCTL" show $VNET
	assert_success
	assert_output --partial "$alias"
	assert_output --partial "5. module:     virtio_vfio_pci (not loaded)"
	assert_output --partial "   now on:   virtio-pci"
}

@test "bind loads it and binds the NIC to the driver it registers; vfio-user opens it; unbind gives it back to virtio-pci" {
	run "$VFIOCTL" bind $VNET
	assert_success
	module_loaded virtio_vfio_pci
	# the driver name vfioctl wrote is the one the module registered:
	# KBUILD_MODNAME, as mlx5, ism and nvgrace-gpu do ("vfio-pci" and
	# "xe-vfio-pci" are hyphenated, qat's is "qat_vfio_pci")
	ls /sys/module/virtio_vfio_pci/drivers/pci:virtio_vfio_pci
	assert_output --partial "$VNET: bound to virtio_vfio_pci (module virtio_vfio_pci), was on virtio-pci"
	assert_equal "$(driver_of $VNET)" virtio_vfio_pci
	assert_equal "$(override_of $VNET)" virtio_vfio_pci
	[ -c /dev/vfio/"$(group_of $VNET)" ]

	run "$VFIO_USER" $VNET
	assert_success
	assert_line viable=1
	assert_line vendor=0x1af4
	assert_line device=0x1041
	# a PF: the legacy I/O BAR and migration are for VFs only
	assert_line num_regions=9

	run "$VFIOCTL" unbind $VNET
	assert_success
	assert_output --partial "$VNET: given back: virtio_vfio_pci -> virtio-pci"
	assert_equal "$(driver_of $VNET)" virtio-pci
	assert_equal "$(override_of $VNET)" "(null)"
	ls /sys/bus/pci/devices/$VNET/virtio*/net
}
