#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The three kernels the VM suites boot (test/lib/kernels, make kernels) and
# what make kernel built against them: kernel/'s variants with the
# LINUX_VERSION_CODE branches each set of headers calls for, and the
# upstream virtio_vfio_pci, unmodified, from linux-source-6.12 and -7.2.
# Reads build/kernel/RELEASE/ and the cache; loads and installs nothing.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)
KERNELS=$TOP/test/lib/kernels

# ops SERIES: the vfio_device_ops branches compiled into kernel/'s modules
# for SERIES, one line per module
ops() {
	local rel m
	rel=$("$KERNELS" release "$1")
	for m in edu_vfio_pci qemu_vfio_pci; do
		modinfo -F vermagic "$TOP/build/kernel/$rel/$m.ko" | grep -q "^$rel " ||
			fail "$m.ko is not built for $rel"
		echo "$m: $(modinfo -F vfioctl_ops "$TOP/build/kernel/$rel/$m.ko")"
	done
}

@test "kernel/ on 6.1: no version branch compiled (the 6.1 API is the floor)" {
	run ops 6.1
	assert_success
	assert_output "edu_vfio_pci: base
qemu_vfio_pci: base"
}

@test "kernel/ on 6.12: the iommufd ops and detach_ioas, not the token or region-info ops" {
	run ops 6.12
	assert_success
	assert_output "edu_vfio_pci: base iommufd detach_ioas
qemu_vfio_pci: base iommufd detach_ioas"
}

@test "kernel/ on 7.2: every branch, down to match_token_uuid and get_region_info_caps" {
	run ops 7.2
	assert_success
	assert_output "edu_vfio_pci: base iommufd detach_ioas match_token_uuid get_region_info_caps
qemu_vfio_pci: base iommufd detach_ioas match_token_uuid get_region_info_caps"
}

@test "the builds were warning-free: no compiler, modpost or make warning in their logs" {
	local s rel
	for s in 6.1 6.12 7.2; do
		rel=$("$KERNELS" release $s)
		grep -q 'CC \[M\]' "$TOP/build/kernel/$rel/build.log"
		run grep -il warning "$TOP/build/kernel/$rel/build.log"
		assert_failure
	done
}

@test "virtio_vfio_pci for 6.12 and 7.2: the upstream source as Debian ships it, with its vfio_pci aliases" {
	local s rel src
	for s in 6.12 7.2; do
		rel=$("$KERNELS" release $s)
		src=$("$KERNELS" source $s)
		# what was built is what linux-source-$s has, file for file
		for f in "$src"/*; do
			cmp "$f" "$TOP/build/kernel/$rel/virtio/${f##*/}"
		done
		# modern virtio-net (1041) on both; virtio-blk (1042) joined after 6.12
		run modinfo -F alias "$TOP/build/kernel/$rel/virtio/virtio-vfio-pci.ko"
		case $s in
		6.12) assert_output 'vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i*' ;;
		7.2) assert_output 'vfio_pci:v00001AF4d00001042sv*sd*bc*sc*i*
vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i*' ;;
		esac
		run modinfo -F vermagic "$TOP/build/kernel/$rel/virtio/virtio-vfio-pci.ko"
		[[ $output == "$rel "* ]] || fail "vermagic $output"
	done
}

@test "the fetched kernels are not installed on this machine: no package, no /boot or /lib/modules entry" {
	local s rel
	for s in 6.12 7.2; do
		rel=$("$KERNELS" release $s)
		[ ! -e "/boot/vmlinuz-$rel" ]
		[ ! -e "/lib/modules/$rel" ]
		run dpkg-query -W "linux-image-$rel"
		assert_failure
		[ -r "$("$KERNELS" root $s)/boot/vmlinuz-$rel" ]
		[ -e "$("$KERNELS" root $s)/lib/modules/$rel/modules.dep.bin" ]
	done
}
