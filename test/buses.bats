#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Platform, AMBA, fsl-mc and CDX devices on fake roots (test/fixture/
# bus-devices): how show explains the choice for each bus, and the reset
# handler vfio-platform wants. Read-only: nothing is written.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$FIXTURE_TOP/vfioctl
}

# show_json DEV: show --json, one object
show_json() {
	"$VFIOCTL" --root "$ROOT" --json show "$1" | jq -c 'if type == "array" then .[0] else . end'
}

@test "show platform/NAME: the universal driver, the reset handler of the first compatible, what bind writes" {
	before=$(fixture_tree_hash "$ROOT")
	run "$VFIOCTL" --root "$ROOT" show platform/e0700000.xgmac
	assert_success
	assert_line "2. firmware:   device-tree node /smb/xgmac@e0700000"
	assert_line "               compatible: amd,xgbe-seattle-v1a"
	assert_line --partial "the universal driver's"
	assert_line "               module is the choice, vfio_platform"
	assert_line "               = vfio-reset:amd,xgbe-seattle-v1a -> vfio_platform_amdxgbe (not loaded), entry 1 of 1"
	assert_line "               bind loads it before binding"
	assert_line "5. module:     vfio_platform (not loaded)"
	assert_line "   now on:   amd-xgbe, driver_override (null)"
	assert_line "   group:    50"
	assert_line "             write <driver of the module> > $ROOT/sys/bus/platform/devices/e0700000.xgmac/driver_override"
	assert_line "             write \"e0700000.xgmac\" > $ROOT/sys/bus/platform/drivers/amd-xgbe/unbind"
	assert_line "             write \"e0700000.xgmac\" > $ROOT/sys/bus/platform/drivers_probe"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "show: a handler for the second compatible only is found, and said to be of no use to vfio-platform" {
	run show_json platform/fff50000.ethernet
	assert_success
	assert_equal "$(jq -c .compatible <<<"$output")" '["vfxt,hb-xgmac-v2","calxeda,hb-xgmac"]'
	assert_equal "$(jq -c .reset <<<"$output")" \
		'{"method":"handler","index":1,"compatible":"calxeda,hb-xgmac","module":"vfio_platform_calxedaxgmac","module_state":"not loaded","used":false,"reset_required":null}'
	run "$VFIOCTL" --root "$ROOT" show platform/fff50000.ethernet
	assert_line "               only (vfxt,hb-xgmac-v2): it will not use this one; bind fails unless"
}

@test "show: no handler for any compatible, and what that means; reset_required as vfio_platform is loaded" {
	run "$VFIOCTL" --root "$ROOT" show platform/e0300000.sata
	assert_line "               = none of the 2 has a handler: bind fails unless vfio_platform's"
	assert_line "               reset_required=0 (bind --no-reset-required), and on kernels"
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	mkdir -p "$ROOT/sys/module/vfio_platform/parameters"
	echo N > "$ROOT/sys/module/vfio_platform/parameters/reset_required"
	run show_json platform/e0300000.sata
	assert_equal "$(jq -c .reset <<<"$output")" '{"method":null,"module":null,"reset_required":false}'
	assert_equal "$(jq -r .driver <<<"$output")" vfio-platform
	run "$VFIOCTL" --root "$ROOT" show platform/e0300000.sata
	assert_line "               vfio_platform is loaded; reset_required: no"
	assert_line "6. driver:     vfio-platform (read from $ROOT/sys/module/vfio_platform/drivers/platform:vfio-platform)"
}

@test "show: an ACPI platform device has its companion and _RST instead of a compatible" {
	run show_json platform/AMDI8001:00
	assert_success
	assert_equal "$(jq -c .acpi <<<"$output")" '{"path":"\\_SB_.XGE1","hid":"AMDI8001"}'
	assert_equal "$(jq -r .of_node <<<"$output")" null
	assert_equal "$(jq -r .reset.method <<<"$output")" "acpi _RST"
}

@test "show amba/NAME: vfio-amba; QEMU virt's PL031 has no IOMMU group, said plainly" {
	run "$VFIOCTL" --root "$ROOT" show amba/9010000.pl031
	assert_success
	assert_line "               module is the choice, vfio_amba"
	assert_line "               = none of the 2 has a handler: vfio-amba needs none, but kernels"
	assert_line "   group:    none: no IOMMU translates for this device (its firmware names none), so VFIO cannot use it"
}

@test "show cdx/NAME: vfio_cdx aliases rank like PCI's, the exact variant first, the generic one otherwise" {
	run show_json cdx/cdx-00:00
	assert_equal "$(jq -r .vfio_alias <<<"$output")" vfio_cdx:v10EEd8084sv10EEsd8084c000000
	assert_equal "$(jq -r '[.candidates[] | "\(.module) \(.wildcards)"] | join(",")' <<<"$output")" \
		"vfxt_cdx_vfio 3,vfio_cdx 5"
	assert_equal "$(jq -r .module.name <<<"$output")" vfxt_cdx_vfio
	run show_json cdx/cdx-00:01
	assert_equal "$(jq -r .module.name <<<"$output")" vfio_cdx
	assert_equal "$(jq -r .iommu_group <<<"$output")" 71
}

@test "show fsl-mc/NAME: vfio-fsl-mc, and the container an object belongs to" {
	run "$VFIOCTL" --root "$ROOT" show fsl-mc/dpni.2
	assert_line "               module is the choice, vfio_fsl_mc"
	assert_line "   container: dprc.3 (vfio-fsl-mc takes a container; bind it, its objects follow)"
	run show_json fsl-mc/dprc.2
	assert_equal "$(jq -r .container <<<"$output")" dprc.2
}

@test "show BUS/NAME: an unknown bus, a name that is no sysfs entry, a missing device; pci/ADDR is PCI" {
	run "$VFIOCTL" --root "$ROOT" show usb/1-1
	assert_failure 2
	assert_output --partial "vfioctl: 'usb/1-1': not a PCI device name"
	run "$VFIOCTL" --root "$ROOT" show platform/../../etc
	assert_failure 2
	assert_output "vfioctl: 'platform/../../etc': not a device name (expected platform/NAME, NAME as in /sys/bus/platform/devices)"
	run "$VFIOCTL" --root "$ROOT" show amba/
	assert_failure 2
	run "$VFIOCTL" --root "$ROOT" show platform/nope
	assert_failure 1
	assert_line "vfioctl: platform/nope: cannot read device: No such file or directory"
	run "$VFIOCTL" --root "$ROOT" show pci/0000:00:03.0
	assert_success
	assert_line --index 0 --partial "0000:00:03.0 [1234:11e8]"
}

@test "show: an of_node/compatible that leads out of the root is not read" {
	d=$(fixture_bus_device_dir "$ROOT" platform e0700000.xgmac)
	n=$(readlink -f "$d/of_node")
	rm "$n/compatible"
	printf 'evil\0' > "$BATS_TEST_TMPDIR/outside"
	ln -s "$BATS_TEST_TMPDIR/outside" "$n/compatible"
	run show_json platform/e0700000.xgmac
	assert_success
	assert_equal "$(jq -c .compatible <<<"$output")" '[]'
	refute_output --partial evil
}
