#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Platform, AMBA, fsl-mc and CDX devices on fake roots (test/fixture/
# bus-devices): how show explains the choice for each bus, and the reset
# handler vfio-platform wants; bind and unbind of them (the writes seen by
# strace, as in test/write.bats).

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$FIXTURE_TOP/vfioctl
	TRACE=$BATS_TEST_TMPDIR/writes
}

# show_json DEV: show --json, one object (run it with --separate-stderr: a
# warning on stderr must not land in the JSON that jq reads next)
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

@test "show BUS/NAME reads the device through the device reader: its directory walked once, every attribute opened by name beside it" {
	local dev=e0700000.xgmac
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=openat,openat2 -o "$BATS_TEST_TMPDIR/s" \
		"$VFIOCTL" --root "$ROOT" --json show platform/$dev > "$BATS_TEST_TMPDIR/out"
	assert_equal "$(jq -r '"\(.current_driver) \(.override) \(.iommu_group) \(.of_node)"' "$BATS_TEST_TMPDIR/out")" \
		"amd-xgbe null 50 /smb/xgmac@e0700000"
	# nothing under the device's directory is opened by a path through it
	run grep -E "devices/$dev/" "$BATS_TEST_TMPDIR/s"
	assert_failure
	# its attributes are read, by name, through the directory's fd
	grep -qE '^[0-9]+ +openat\([0-9]+, "driver_override"' "$BATS_TEST_TMPDIR/s"
}

@test "show: a handler for the second compatible only is found, and said to be of no use to vfio-platform" {
	run --separate-stderr show_json platform/fff50000.ethernet
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
	run --separate-stderr show_json platform/e0300000.sata
	assert_equal "$(jq -c .reset <<<"$output")" '{"method":null,"module":null,"reset_required":false}'
	assert_equal "$(jq -r .driver <<<"$output")" vfio-platform
	run "$VFIOCTL" --root "$ROOT" show platform/e0300000.sata
	assert_line "               vfio_platform is loaded; reset_required: no"
	assert_line "6. driver:     vfio-platform (read from $ROOT/sys/module/vfio_platform/drivers/platform:vfio-platform)"
}

@test "show: an ACPI platform device has its companion and _RST instead of a compatible" {
	run --separate-stderr show_json platform/AMDI8001:00
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
	run --separate-stderr show_json cdx/cdx-00:00
	assert_equal "$(jq -r .vfio_alias <<<"$output")" vfio_cdx:v10EEd8084sv10EEsd8084c000000
	assert_equal "$(jq -r '[.candidates[] | "\(.module) \(.wildcards)"] | join(",")' <<<"$output")" \
		"vfxt_cdx_vfio 3,vfio_cdx 5"
	assert_equal "$(jq -r .module.name <<<"$output")" vfxt_cdx_vfio
	run --separate-stderr show_json cdx/cdx-00:01
	assert_equal "$(jq -r .module.name <<<"$output")" vfio_cdx
	assert_equal "$(jq -r .iommu_group <<<"$output")" 71
}

@test "show fsl-mc/NAME: vfio-fsl-mc, and the container an object belongs to" {
	run "$VFIOCTL" --root "$ROOT" show fsl-mc/dpni.2
	assert_line "               module is the choice, vfio_fsl_mc"
	assert_line "   container: dprc.3 (vfio-fsl-mc takes a container; bind it, its objects follow)"
	run --separate-stderr show_json fsl-mc/dprc.2
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
	run --separate-stderr show_json platform/e0700000.xgmac
	assert_success
	assert_equal "$(jq -c .compatible <<<"$output")" '[]'
	refute_output --partial evil
}

@test "show: a bus device link that leads out of the root is not followed" {
	d=$(fixture_bus_device_dir "$ROOT" platform e0700000.xgmac)
	# the device's directory copied outside the root, with a telltale modalias
	cp -r "$d" "$BATS_TEST_TMPDIR/outside-dev"
	echo 'of:Nevil-outsideT(null)' > "$BATS_TEST_TMPDIR/outside-dev/modalias"
	rm "$ROOT/sys/bus/platform/devices/e0700000.xgmac"
	ln -s "$BATS_TEST_TMPDIR/outside-dev" "$ROOT/sys/bus/platform/devices/e0700000.xgmac"
	run --separate-stderr show_json platform/e0700000.xgmac
	refute_output --partial evil-outside
	refute_output --partial "$BATS_TEST_TMPDIR/outside-dev"
}

# --- bind and unbind (a fake root has no kernel: nothing binds, each bind
# --- ends in the rollback; what binding does is in test/vm/arm64/bind.bats)

@test "bind platform/NAME: the bus's write order (override, unbind, drivers_probe), then the rollback to its driver" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	traced bind platform/e0300000.sata
	assert_failure 1
	printf '%s\t%s\n' \
		/sys/bus/platform/devices/e0300000.sata/driver_override vfio-platform \
		/sys/bus/platform/drivers/ahci/unbind e0300000.sata \
		/sys/bus/platform/drivers_probe e0300000.sata \
		/sys/bus/platform/devices/e0300000.sata/driver_override '\n' > "$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$TRACE"
	assert_output --partial "no reset handler for any compatible entry: vfio_platform refuses it unless loaded with reset_required=0 (bind --no-reset-required)"
	assert_output --partial "vfioctl: platform/e0300000.sata: vfio-platform did not bind: the device is on ahci after drivers_probe; restored: back on ahci"
	[ ! -e "$ROOT/run/vfioctl/platform-e0300000.sata" ]
}

@test "--bus BUS NAME is BUS/NAME (driverctl's spelling); --dry-run plans the same writes and writes nothing" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	before=$(fixture_tree_hash "$ROOT")
	output=$("$VFIOCTL" --root "$ROOT" --json bind --dry-run --bus platform e0300000.sata 2>/dev/null)
	assert_equal "$(jq -r '.[0] | "\(.device) \(.module) \(.driver) \(.previous_driver) \(.status)"' <<<"$output")" \
		"platform/e0300000.sata vfio_platform vfio-platform ahci planned"
	assert_equal "$(jq -r '.[0].writes[] | "\(.path) \(.value)"' <<<"$output" | sed "s|$ROOT||")" \
"/sys/bus/platform/devices/e0300000.sata/driver_override vfio-platform
/sys/bus/platform/drivers/ahci/unbind e0300000.sata
/sys/bus/platform/drivers_probe e0300000.sata"
	assert_equal "$(jq -c '.[0].reset' <<<"$output")" '{"compatible":null,"module":null,"used":false}'
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
	run "$VFIOCTL" --root "$ROOT" bind --dry-run --bus amba platform/e0300000.sata
	assert_failure 2
	assert_output "vfioctl: 'platform/e0300000.sata': --bus amba says another bus"
	run "$VFIOCTL" --root "$ROOT" bind --dry-run --bus usb 1-1
	assert_failure 2
	assert_output "vfioctl: --bus 'usb': not a bus vfioctl knows (pci, platform, amba, fsl-mc, cdx)"
	run "$VFIOCTL" --root "$ROOT" bind --dry-run platform/nope
	assert_failure 2
	assert_output "vfioctl: platform/nope: no such platform device"
}

@test "bind: the reset handler of the first compatible is loaded before anything is written" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	run "$VFIOCTL" --root "$ROOT" bind --dry-run platform/e0700000.xgmac
	assert_success
	assert_line "platform/e0700000.xgmac: would load vfio_platform_amdxgbe, the reset handler for amd,xgbe-seattle-v1a, first"
	# under --root no module is loaded: the bind stops there, nothing written
	traced bind platform/e0700000.xgmac
	assert_failure 1
	assert_output --partial "vfioctl: platform/e0700000.xgmac: cannot load vfio_platform_amdxgbe, the reset handler for amd,xgbe-seattle-v1a"
	assert_equal "$(cat "$TRACE")" ""
	# loaded: the bind goes on to the writes
	fixture_load_module "$ROOT" vfio_platform_amdxgbe
	traced bind platform/e0700000.xgmac
	assert_failure 1
	assert_equal "$(head -n1 "$TRACE")" "/sys/bus/platform/devices/e0700000.xgmac/driver_override	vfio-platform"
	assert_output --partial "restored: back on amd-xgbe"
}

@test "bind: a handler for the second compatible only is said to be of no use" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	run "$VFIOCTL" --root "$ROOT" bind --dry-run platform/fff50000.ethernet
	assert_success
	assert_output --partial "only entry 2 of its compatible list (calxeda,hb-xgmac) has a reset handler (vfio_platform_calxedaxgmac); vfio_platform asks for the first entry's only"
}

@test "bind --no-reset-required: refused while vfio_platform is loaded with reset_required=Y (read-only once loaded)" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	mkdir -p "$ROOT/sys/module/vfio_platform/parameters"
	echo Y > "$ROOT/sys/module/vfio_platform/parameters/reset_required"
	traced bind --no-reset-required platform/e0300000.sata
	assert_failure 1
	assert_output --partial "--no-reset-required: vfio_platform is loaded with reset_required=0"
	assert_line "vfioctl: platform/e0300000.sata: --no-reset-required: vfio_platform is loaded with reset_required=Y, which is read-only once loaded; unload it first (modprobe -r vfio_platform)"
	assert_equal "$(cat "$TRACE")" ""
	echo N > "$ROOT/sys/module/vfio_platform/parameters/reset_required"
	run "$VFIOCTL" --root "$ROOT" bind --dry-run --no-reset-required platform/e0300000.sata
	assert_success
	refute_output --partial "no reset handler for any compatible entry"
}

@test "bind amba/NAME takes vfio-amba; without a group the probe decides, and its refusal rolls back" {
	output=$("$VFIOCTL" --root "$ROOT" --json bind --dry-run amba/9010000.pl031 2>/dev/null)
	assert_equal "$(jq -r '.[0] | "\(.module) \(.driver) \(.previous_driver)"' <<<"$output")" "vfio_amba null rtc-pl031"
	run "$VFIOCTL" --root "$ROOT" bind amba/9010000.pl031
	assert_failure 1
	assert_output --partial "module vfio_amba is not loaded under $ROOT"
	fixture_load_module "$ROOT" vfio_amba amba:vfio-amba
	traced bind amba/9010000.pl031
	assert_failure 1
	assert_output --partial "no IOMMU group now: vfio-amba will refuse it unless its probe gives it one"
	assert_equal "$(sed -n 2,3p "$TRACE")" "/sys/bus/amba/drivers/rtc-pl031/unbind	9010000.pl031
/sys/bus/amba/drivers_probe	9010000.pl031"
	assert_output --partial "restored: back on rtc-pl031"
}

@test "bind cdx/NAME ranks vfio_cdx aliases like PCI; fsl-mc takes vfio-fsl-mc" {
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run cdx/cdx-00:00 cdx/cdx-00:01 fsl-mc/dprc.2
	assert_success
	assert_equal "$(jq -r '[.[] | "\(.device)=\(.module)"] | join(" ")' <<<"$output")" \
		"cdx/cdx-00:00=vfxt_cdx_vfio cdx/cdx-00:01=vfio_cdx fsl-mc/dprc.2=vfio_fsl_mc"
	assert_equal "$(jq -r '.[2].writes[-1].path' <<<"$output" | sed "s|$ROOT||")" /sys/bus/fsl-mc/drivers_probe
}

@test "unbind BUS/NAME: from vfio-platform back to the recorded driver, by its bind file" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	fixture_bus_set_override "$ROOT" platform e0300000.sata vfio-platform
	fixture_bus_unbind "$ROOT" platform e0300000.sata
	fixture_bus_bind "$ROOT" platform e0300000.sata vfio-platform
	mkdir -p "$ROOT/run/vfioctl"
	printf 'driver=ahci\nmodule=\noverride=\n' > "$ROOT/run/vfioctl/platform-e0300000.sata"
	traced unbind platform/e0300000.sata
	printf '%s\t%s\n' \
		/sys/bus/platform/devices/e0300000.sata/driver_override '\n' \
		/sys/bus/platform/drivers/vfio-platform/unbind e0300000.sata \
		/sys/bus/platform/drivers/ahci/bind e0300000.sata > "$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" <(head -n 3 "$TRACE")
}

@test "a CDX device on a VFIO variant whose driver name has no 'vfio' is a VFIO device: unbind refuses while a process holds its group" {
	fixture_load_module "$ROOT" vfxt_cdx_vfio cdx:xlnx-cdx-passthru
	fixture_bus_set_override "$ROOT" cdx cdx-00:00 xlnx-cdx-passthru
	fixture_bus_bind "$ROOT" cdx cdx-00:00 xlnx-cdx-passthru
	fixture_vfio_holder "$ROOT" 4242 qemu-system-aarc 3:/dev/vfio/70 4:vfio-device
	before=$(fixture_tree_hash "$ROOT")
	run "$VFIOCTL" --root "$ROOT" unbind cdx/cdx-00:00
	assert_failure 1
	assert_output --partial "pid 4242 (qemu-system-aarc) holds it open through VFIO"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "PCI-only features refuse the other buses in one line" {
	run "$VFIOCTL" --root "$ROOT" bind --group platform/e0300000.sata
	assert_failure 2
	assert_output "vfioctl: 'platform/e0300000.sata': a platform device; this takes PCI devices only"
	run "$VFIOCTL" --root "$ROOT" sriov amba/9010000.pl031 --numvfs 1
	assert_failure 2
	assert_output "vfioctl: 'amba/9010000.pl031': an amba device; this takes PCI devices only"
}

@test "a bind of platform/NAME killed half way: its journal names BUS/NAME and the next unbind undoes it" {
	fixture_bus_set_override "$ROOT" platform e0300000.sata vfio-platform
	mkdir -p "$ROOT/run/vfioctl"
	printf 'driver=ahci\nmodule=ahci\noverride=\n' > "$ROOT/run/vfioctl/platform-e0300000.sata"
	printf 'op=bind\ndevice=platform/e0300000.sata\ndriver=ahci\noverride=\ntarget=vfio-platform\ntarget_override=vfio-platform\nnew_record=yes\n' \
		> "$ROOT/run/vfioctl/journal"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" unbind 0000:00:03.0
	assert_equal "$stderr" "vfioctl: warning: platform/e0300000.sata: a bind was interrupted; undone: on ahci"
	assert_equal "$(cat "$ROOT/sys/bus/platform/devices/e0300000.sata/driver_override")" ""
	[ ! -e "$ROOT/run/vfioctl/journal" ]
	[ ! -e "$ROOT/run/vfioctl/platform-e0300000.sata" ]
}

@test "list-devices --bus BUS lists that bus's devices by BUS/NAME; --bus all every bus, PCI first; the default stays PCI" {
	run "$VFIOCTL" --root "$ROOT" --json list-devices --bus amba
	assert_success
	assert_equal "$(jq -r '[.[] | "\(.device) \(.bus) \(.name) \(.driver) \(.iommu_group)"] | join(",")' <<<"$output")" \
		"amba/7ff00000.dma amba 7ff00000.dma dma-pl330 54,amba/9010000.pl031 amba 9010000.pl031 rtc-pl031 null"
	run "$VFIOCTL" --root "$ROOT" --json list-devices --bus cdx
	assert_equal "$(jq -r '[.[] | "\(.device) \(.vendor_id):\(.device_id) \(.class)"] | join(",")' <<<"$output")" \
		"cdx/cdx-00:00 10ee:8084 null,cdx/cdx-00:01 10ee:5678 null"
	run "$VFIOCTL" --root "$ROOT" list-devices --bus platform
	assert_success
	assert_line --regexp '^platform/e0300000\.sata +- +- +ahci +52 .*of:'
	refute_output --partial 0000:
	pci=$("$VFIOCTL" --root "$ROOT" --json list-devices | jq length)
	[ "$pci" -gt 0 ]
	run "$VFIOCTL" --root "$ROOT" --json list-devices --bus all
	assert_equal "$(jq -r '[.[].bus] | unique | join(",")' <<<"$output")" "amba,cdx,fsl-mc,pci,platform"
	assert_equal "$(jq -r '.[0].bus' <<<"$output")" pci
	assert_equal "$(jq "[.[] | select(.bus == \"pci\")] | length" <<<"$output")" "$pci"
	run "$VFIOCTL" --root "$ROOT" list-devices --bus usb
	assert_failure 2
	assert_output "vfioctl: --bus 'usb': not a bus vfioctl knows (pci, platform, amba, fsl-mc, cdx, all)"
}

@test "list-devices --vfio --bus platform: a device on vfio-platform is listed, one on its own driver is not" {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	fixture_bus_unbind "$ROOT" platform e0300000.sata
	fixture_bus_bind "$ROOT" platform e0300000.sata vfio-platform
	run "$VFIOCTL" --root "$ROOT" --json list-devices --vfio --bus platform
	assert_success
	assert_equal "$(jq -r '[.[] | "\(.device) \(.vfio)"] | join(",")' <<<"$output")" "platform/e0300000.sata true"
}

@test "list-overrides --bus BUS lists that bus's driver_override, with the record that keeps it; --bus all every bus; the default stays PCI" {
	fixture_bus_set_override "$ROOT" platform e0300000.sata vfio-platform
	fixture_bus_set_override "$ROOT" amba 9010000.pl031 vfio-amba
	mkdir -p "$ROOT/etc/vfioctl.d"
	printf 'device = amba/9010000.pl031\n' > "$ROOT/etc/vfioctl.d/amba-9010000.pl031.conf"
	run "$VFIOCTL" --root "$ROOT" --json list-overrides
	assert_success
	refute_output --partial /9010000.pl031
	pci=$output
	run "$VFIOCTL" --root "$ROOT" --json list-overrides --bus platform
	assert_success
	assert_equal "$(jq -c '[.[] | [.device, .override, .driver, .record]]' <<<"$output")" \
		'[["platform/e0300000.sata","vfio-platform","ahci",null]]'
	run "$VFIOCTL" --root "$ROOT" --json list-overrides --bus all
	assert_success
	assert_equal "$(jq -c '[.[] | select(.device | contains("/")) | [.device, .record]]' <<<"$output")" \
		"[[\"platform/e0300000.sata\",null],[\"amba/9010000.pl031\",\"$ROOT/etc/vfioctl.d/amba-9010000.pl031.conf\"]]"
	# PCI's first, as without --bus
	assert_equal "$(jq -c '[.[] | select(.device | contains("/") | not)]' <<<"$output")" "$pci"
	run "$VFIOCTL" --root "$ROOT" list-overrides --bus amba
	assert_line --regexp "^amba/9010000.pl031 vfio-amba +rtc-pl031 +$ROOT/etc/vfioctl.d/amba-9010000.pl031.conf$"
	run "$VFIOCTL" --root "$ROOT" list-overrides --bus usb
	assert_failure 2
	assert_output "vfioctl: --bus 'usb': not a bus vfioctl knows (pci, platform, amba, fsl-mc, cdx, all)"
}

@test "list-candidates: CDX ranks vfio_cdx aliases; platform, AMBA and fsl-mc show their universal driver" {
	run "$VFIOCTL" --root "$ROOT" --json list-candidates cdx/cdx-00:00 platform/e0300000.sata --bus fsl-mc dprc.2
	assert_failure 2
	assert_line --partial "'cdx/cdx-00:00': --bus fsl-mc says another bus"
	run "$VFIOCTL" --root "$ROOT" --json list-candidates cdx/cdx-00:00 platform/e0300000.sata amba/9010000.pl031
	assert_success
	assert_equal "$(jq -r '[.[] | "\(.device) \(.best) \([.candidates[].module] | join("+"))"] | join(",")' <<<"$output")" \
		"cdx/cdx-00:00 vfxt_cdx_vfio vfxt_cdx_vfio+vfio_cdx,platform/e0300000.sata vfio_platform vfio_platform,amba/9010000.pl031 vfio_amba vfio_amba"
	run "$VFIOCTL" --root "$ROOT" list-candidates --bus fsl-mc dprc.2
	assert_success
	assert_output "fsl-mc/dprc.2
  * vfio_fsl_mc               -  (no vfio aliases on this bus: its universal driver)"
	run "$VFIOCTL" --root "$ROOT" --json list-candidates --bus cdx
	assert_equal "$(jq -r '[.[] | "\(.device) \(.best)"] | join(",")' <<<"$output")" \
		"cdx/cdx-00:00 vfxt_cdx_vfio,cdx/cdx-00:01 vfio_cdx"
}

# Records of the other buses: device = BUS/NAME in etc/vfioctl.d/BUS-NAME.conf

# on_vfio_platform NAME: the device as a finished bind leaves it
on_vfio_platform() {
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	fixture_bus_set_override "$ROOT" platform "$1" vfio-platform
	fixture_bus_bind "$ROOT" platform "$1" vfio-platform
}

@test "bind --persist platform/NAME: device = BUS/NAME in platform-NAME.conf once it is on vfio-platform; list-persisted shows it" {
	D=$ROOT/etc/vfioctl.d
	on_vfio_platform e0300000.sata
	run "$VFIOCTL" --root "$ROOT" bind --persist platform/e0300000.sata
	assert_success
	assert_output --partial "platform/e0300000.sata: recorded in $D/platform-e0300000.sata.conf (driver auto)"
	assert_equal "$(grep -v '^#' "$D/platform-e0300000.sata.conf")" "$(printf 'device = platform/e0300000.sata\ndriver = auto')"
	output=$("$VFIOCTL" --root "$ROOT" --json list-persisted)
	assert_equal "$(jq -c '.[0] | [.device, .driver, .devices]' <<<"$output")" \
		'["platform/e0300000.sata","auto",["platform/e0300000.sata"]]'
	# --bus BUS NAME is the same record, found unchanged
	output=$("$VFIOCTL" --root "$ROOT" --json bind --persist --bus platform e0300000.sata)
	assert_equal "$(jq -r '.[0] | "\(.device) \(.status) \(.changed)"' <<<"$output")" "platform/e0300000.sata unchanged false"
	# a record of a device that is not there lists no device
	printf 'device = amba/9010000.pl031\n' > "$D/pl031.conf"
	fixture_bus_set_override "$ROOT" platform e0300000.sata
	run "$VFIOCTL" --root "$ROOT" list-persisted
	assert_line --regexp "^amba/9010000.pl031 +auto +amba/9010000.pl031 +$D/pl031.conf$"
}

@test "bind --persist BUS/NAME: a failed bind records nothing; bad names and buses are refused before anything is written" {
	D=$ROOT/etc/vfioctl.d
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	run "$VFIOCTL" --root "$ROOT" bind --persist platform/e0300000.sata
	assert_failure 1
	assert_output --partial "platform/e0300000.sata: not recorded: the bind failed"
	[ ! -e "$D/platform-e0300000.sata.conf" ]
	before=$(fixture_tree_hash "$ROOT")
	run "$VFIOCTL" --root "$ROOT" bind --persist platform/nope
	assert_failure 2
	assert_output "vfioctl: platform/nope: no such platform device"
	run "$VFIOCTL" --root "$ROOT" bind --persist 'platform/../../etc'
	assert_failure 2
	assert_output --partial "not a device name (expected platform/NAME"
	run "$VFIOCTL" --root "$ROOT" bind --persist --bus usb 1-1
	assert_failure 2
	assert_output "vfioctl: --bus 'usb': not a bus vfioctl knows (pci, platform, amba, fsl-mc, cdx)"
	run "$VFIOCTL" --root "$ROOT" bind --persist --bus amba platform/e0300000.sata
	assert_failure 2
	assert_output "vfioctl: 'platform/e0300000.sata': --bus amba says another bus"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "bind --persist BUS/NAME on an offline image: one record per bus, named BUS-NAME.conf, without binding" {
	local img=$BATS_TEST_TMPDIR/img
	mkdir -p "$img/etc"
	run "$VFIOCTL" --root "$img" bind --persist platform/fff50000.ethernet amba/9010000.pl031 fsl-mc/dprc.2 cdx/cdx-00:01
	assert_success
	assert_equal "$(ls "$img/etc/vfioctl.d")" "$(printf '%s\n' amba-9010000.pl031.conf cdx-cdx-00:01.conf fsl-mc-dprc.2.conf platform-fff50000.ethernet.conf)"
	grep -qx 'device = fsl-mc/dprc.2' "$img/etc/vfioctl.d/fsl-mc-dprc.2.conf"
	run "$VFIOCTL" --root "$img" --json list-persisted
	assert_success
	assert_equal "$(jq -r '[.[].device] | join(" ")' <<<"$output")" "amba/9010000.pl031 cdx/cdx-00:01 fsl-mc/dprc.2 platform/fff50000.ethernet"
}

@test "apply on a board without a PCI bus (no /sys/bus/pci): the records it can apply are applied, PCI ones are left as absent" {
	D=$ROOT/etc/vfioctl.d
	mkdir -p "$D"
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	printf 'device = platform/e0300000.sata\n' > "$D/sata.conf"
	rm -rf "$ROOT/sys/bus/pci"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json apply --dry-run
	assert_failure 3
	assert_equal "$(jq -r '.devices[] | "\(.device) \(.status)"' <<<"$output")" "platform/e0300000.sata planned"
	assert_equal "$(jq -c '[.absent, .errors, .failed]' <<<"$output")" '[[],[],0]'
	# a PCI record there: absent (its device may come), not an error
	printf 'device = 0000:03:00.0\n' > "$D/nic.conf"
	printf 'ids = 8086:10d3\n' > "$D/e1000e.conf"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json apply --dry-run
	assert_failure 3
	assert_equal "$(jq -r '.devices[] | "\(.device) \(.status)"' <<<"$output")" "platform/e0300000.sata planned"
	assert_equal "$(jq -r '.absent[] | .device' <<<"$output")" 0000:03:00.0
	assert_equal "$(jq -c '[.errors, .failed]' <<<"$output")" '[[],0]'
	assert_equal "$("$VFIOCTL" --root "$ROOT" --json list-persisted | jq -c '[.[] | [.ids // .device, .devices]]')" \
		'[["8086:10d3",[]],["0000:03:00.0",[]],["platform/e0300000.sata",["platform/e0300000.sata"]]]'
	run "$VFIOCTL" --root "$ROOT" --json unbind --persist --dry-run 8086:10d3
	assert_success
	# list-devices --bus all lists the buses there are
	output=$("$VFIOCTL" --root "$ROOT" --json list-devices --bus all)
	assert_equal "$(jq -r '[.[].bus] | unique | join(",")' <<<"$output")" "amba,cdx,fsl-mc,platform"
	# and without records to apply: nothing to do
	rm "$D/sata.conf"
	run "$VFIOCTL" --root "$ROOT" apply
	assert_success
	assert_output --partial "nothing to do"
}

@test "import-driverctl: driverctl's BUS-NAME files (driverctl --bus platform set-override) become BUS/NAME records" {
	C=$ROOT/etc/driverctl.d D=$ROOT/etc/vfioctl.d
	mkdir -p "$C"
	echo vfio-platform > "$C/platform-fff50000.ethernet"
	echo vfio-amba > "$C/amba-9010000.pl031"
	echo vfio-fsl-mc > "$C/fsl-mc-dprc.2"
	echo vfio-cdx > "$C/cdx-cdx-00:01"
	echo vfio-pci > "$C/pci-0000:00:02.0"
	echo foo > "$C/usb-1-1"
	echo vfio-platform > "$C/platform-..%2fetc"
	run "$VFIOCTL" --root "$ROOT" import-driverctl
	assert_success
	assert_line "platform/fff50000.ethernet: recorded in $D/platform-fff50000.ethernet.conf (driver vfio-platform)"
	assert_line "amba/9010000.pl031: recorded in $D/amba-9010000.pl031.conf (driver vfio-amba)"
	assert_line "fsl-mc/dprc.2: recorded in $D/fsl-mc-dprc.2.conf (driver vfio-fsl-mc)"
	assert_line "cdx/cdx-00:01: recorded in $D/cdx-cdx-00:01.conf (driver vfio-cdx)"
	assert_line "0000:00:02.0: recorded in $D/pci-0000:00:02.0.conf (driver vfio-pci)"
	assert_line "vfioctl: warning: $C/usb-1-1: not an override for a bus vfioctl knows; skipped"
	assert_line "vfioctl: warning: $C/platform-..%2fetc: not an override for a bus vfioctl knows; skipped"
	grep -qx 'device = platform/fff50000.ethernet' "$D/platform-fff50000.ethernet.conf"
	grep -qx 'driver = vfio-platform' "$D/platform-fff50000.ethernet.conf"
	assert_equal "$("$VFIOCTL" --root "$ROOT" --json list-persisted | jq -r '[.[] | "\(.device)=\(.driver)"] | join(" ")')" \
		"amba/9010000.pl031=vfio-amba cdx/cdx-00:01=vfio-cdx fsl-mc/dprc.2=vfio-fsl-mc 0000:00:02.0=vfio-pci platform/fff50000.ethernet=vfio-platform"
	# a second import keeps what is recorded
	run "$VFIOCTL" --root "$ROOT" import-driverctl
	assert_success
	assert_line "platform/fff50000.ethernet: already recorded, kept $D/platform-fff50000.ethernet.conf (driver vfio-platform)"
}

@test "unbind --persist BUS/NAME removes its record; --dry-run says so and removes nothing" {
	D=$ROOT/etc/vfioctl.d
	mkdir -p "$D"
	printf 'device = platform/fff50000.ethernet\ndriver = vfio-platform\n' > "$D/platform-fff50000.ethernet.conf"
	run "$VFIOCTL" --root "$ROOT" --json unbind --persist --dry-run platform/fff50000.ethernet
	assert_success
	assert_equal "$(jq -r '.[] | select(.record) | "\(.device) \(.status) \(.driver)"' <<<"$output")" "platform/fff50000.ethernet would remove vfio-platform"
	[ -e "$D/platform-fff50000.ethernet.conf" ]
	run "$VFIOCTL" --root "$ROOT" unbind --persist platform/fff50000.ethernet
	assert_success
	assert_output --partial "platform/fff50000.ethernet: removed $D/platform-fff50000.ethernet.conf"
	[ ! -e "$D/platform-fff50000.ethernet.conf" ]
}

@test "apply binds BUS/NAME records, named (as udev names them) or not; absent ones listed; vendor:device records stay PCI's" {
	D=$ROOT/etc/vfioctl.d
	mkdir -p "$D"
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	printf 'device = platform/e0300000.sata\n' > "$D/sata.conf"
	printf 'device = amba/1c090000.uart\n' > "$D/gone.conf"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json apply --dry-run
	assert_failure 3
	assert_equal "$(jq -r '.devices[] | "\(.device) \(.record) \(.driver) \(.status)"' <<<"$output")" \
		"platform/e0300000.sata $D/sata.conf vfio-platform planned"
	assert_equal "$(jq -r '.absent[] | "\(.device) \(.record)"' <<<"$output")" "amba/1c090000.uart $D/gone.conf"
	# the udev rule's spelling for these buses: apply $env{SUBSYSTEM}/$kernel
	grep -qxF 'SUBSYSTEM=="platform|amba|fsl-mc|cdx", ACTION=="add", GOTO="vfioctl_bus"' "$FIXTURE_TOP/boot/70-vfioctl.rules.in"
	grep -qxF 'PROGRAM="@SBINDIR@/vfioctl --quiet apply $env{SUBSYSTEM}/$kernel"' "$FIXTURE_TOP/boot/70-vfioctl.rules.in"
	run "$VFIOCTL" --root "$ROOT" apply --dry-run platform/e0300000.sata
	assert_failure 3
	assert_output --partial "platform/e0300000.sata: would bind to vfio-platform"
	run "$VFIOCTL" --root "$ROOT" apply --dry-run --bus platform e0300000.sata
	assert_failure 3
	# a device without a record is left alone
	run "$VFIOCTL" --root "$ROOT" apply --dry-run platform/fff50000.ethernet
	assert_success
	# the CDX device's vendor:device is not a PCI ids record's match
	rm "$D/sata.conf"
	printf 'ids = %s:%s\n' "$(cut -c3- "$ROOT/sys/bus/cdx/devices/cdx-00:01/vendor")" \
		"$(cut -c3- "$ROOT/sys/bus/cdx/devices/cdx-00:01/device")" > "$D/cdx-ids.conf"
	assert_equal "$("$VFIOCTL" --root "$ROOT" --json list-persisted | jq -c '[.[] | [.ids // .device, .error]]')" \
		'[["10ee:5678",null],["amba/1c090000.uart",null]]'
	output=$("$VFIOCTL" --root "$ROOT" --json apply --dry-run cdx/cdx-00:01)
	assert_equal "$(jq -c '.devices' <<<"$output")" '[]'
}

@test "records of BUS/NAME: an unknown bus, a bad name and numvfs are refused as file:line" {
	D=$ROOT/etc/vfioctl.d
	mkdir -p "$D"
	printf 'device = usb/1-1\n' > "$D/a.conf"
	printf 'device = platform/../x\n' > "$D/b.conf"
	printf 'device = platform/fff50000.ethernet\nnumvfs = 2\n' > "$D/c.conf"
	run "$VFIOCTL" --root "$ROOT" list-persisted
	assert_failure 1
	assert_output --partial "$D/a.conf:1: 'usb/1-1' is not BUS/NAME of a bus vfioctl knows"
	assert_output --partial "$D/b.conf:1: 'platform/../x' is not BUS/NAME of a bus vfioctl knows"
	assert_output --partial "$D/c.conf: numvfs is for PCI devices; platform/fff50000.ethernet is not one"
}
