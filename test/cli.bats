#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The interface: device names, options anywhere, exit statuses, JSON.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
}

@test "every accepted spelling names the same device" {
	local name
	for name in 0000:00:03.0 00:03.0 pci/0000:00:03.0 pci/00:03.0 0000:00:03.0 \
		    00000:00:03.0 00000000:00:03.0; do
		run "$VFIOCTL" --root "$ROOT" --json list-candidates "$name"
		assert_success
		assert_equal "$(jq -r '.[0].device' <<<"$output")" 0000:00:03.0
	done
	# hex in either case; the kernel's spelling is lower case
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:0A.0 10000:01:00.0 PCI/00:1F.0
	assert_failure 2	# "PCI/" is not a prefix we know
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:0A.0 10000:01:00.0 00:1F.0
	assert_success
	assert_equal "$(jq -r '.[].device' <<<"$output" | tr '\n' ' ')" "0000:00:0a.0 10000:01:00.0 0000:00:1f.0 "
}

@test "bad names are rejected with a message naming them, exit 2, nothing written" {
	local before name long
	long=$(printf '0%.0s' $(seq 200)):00:03.0
	before=$(fixture_tree_hash "$ROOT")
	for name in .. ../0000:00:03.0 0000:00:03.0/.. /sys/bus/pci/devices/0000:00:03.0 \
		    0000:00:03.0/../../0000:00:04.0 "0000:00:03.0 " " 0000:00:03.0" 0000:00:03 \
		    0000:00:03.8 0000:00:20.0 000:00:03.0 0:00:03.0 0000:0:03.0 0000:00:3.0 \
		    0000:00:03.00 0000:00:03.0x 0000:00:03.0:1 0000:00:03:0 123456789:00:03.0 \
		    pci/ pci/../x junk x:y.z "" "$long" "$(printf '0000:00:03.0\nrm')"; do
		for cmd in bind unbind show list-candidates; do
			run "$VFIOCTL" --root "$ROOT" "$cmd" "$name"
			assert_failure 2
			# one line, starting with vfioctl:, quoting what it got
			assert_equal "${#lines[@]}" 1
			assert_output --regexp "^vfioctl: '.*': not a PCI device name"
		done
	done
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "a well-formed address with no device behind it: exit 2, named" {
	run "$VFIOCTL" --root "$ROOT" bind 0000:00:1e.0
	assert_failure 2
	assert_output "vfioctl: 0000:00:1e.0: no such PCI device"
	run "$VFIOCTL" --root "$ROOT" show 0001:00:03.0
	assert_failure 2
	assert_output --partial "0001:00:03.0: no such PCI device"
}

@test "one bad name among good ones stops the whole command before anything is done" {
	local before
	before=$(fixture_tree_hash "$ROOT")
	run "$VFIOCTL" --root "$ROOT" bind 0000:00:04.0 nonsense 0000:00:02.0
	assert_failure 2
	assert_output --partial "'nonsense'"
	refute_output --partial "0000:00:04.0:"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "options may stand before or after device names" {
	local a b c
	a=$("$VFIOCTL" --root "$ROOT" --json bind --dry-run 0000:00:04.0)
	b=$("$VFIOCTL" bind 0000:00:04.0 --dry-run --root "$ROOT" --json)
	c=$("$VFIOCTL" --json bind 0000:00:04.0 --root="$ROOT" -n)
	assert_equal "$a" "$b"
	assert_equal "$a" "$c"
	jq -e '.[0].status == "planned"' <<<"$a"
}

@test "usage errors exit 2: no command, unknown command, unknown or misplaced option" {
	run "$VFIOCTL"
	assert_failure 2
	run "$VFIOCTL" frobnicate
	assert_failure 2
	assert_output --partial "unknown command 'frobnicate'"
	run "$VFIOCTL" --root "$ROOT" list-devices --dry-run
	assert_failure 2
	run "$VFIOCTL" --root "$ROOT" show 0000:00:03.0 --driver vfio-pci
	assert_failure 2
	run "$VFIOCTL" --root "$ROOT" bind
	assert_failure 2
	run "$VFIOCTL" --root "$ROOT" show
	assert_failure 2
	run "$VFIOCTL" --root "$ROOT" show 0000:00:03.0 0000:00:04.0
	assert_failure 2
	run "$VFIOCTL" --root "$BATS_TEST_TMPDIR/nowhere" list-devices
	assert_failure 2
	assert_output --partial "--root"
	run "$VFIOCTL" --root "$ROOT" --kernel ../x list-candidates
	assert_failure 2
}

@test "--help documents the commands, the options and the exit statuses" {
	run "$VFIOCTL" --help
	assert_success
	for w in bind unbind list-devices list-candidates show --root --kernel --json --verbose --quiet "Exit status"; do
		assert_output --partial -- "$w"
	done
	run "$VFIOCTL" bind --help
	assert_success
	assert_output --partial -- --driver
	assert_output --partial -- --dry-run
	run "$VFIOCTL" --version
	assert_success
	# the version of debian/changelog, the packages' version
	assert_output "vfioctl $(dpkg-parsechangelog -l "$FIXTURE_TOP/debian/changelog" -S Version)"
}

@test "--kernel: default is the only release under --root; several need --kernel" {
	run "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_success
	cp -a "$ROOT/lib/modules/$KREL" "$ROOT/lib/modules/9.9.9-test"
	run "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_failure 1
	assert_output --partial "holds several kernel releases; pick one with --kernel"
	run "$VFIOCTL" --root "$ROOT" --kernel 9.9.9-test list-candidates 0000:00:03.0
	assert_success
	run "$VFIOCTL" --root "$ROOT" --kernel 1.2.3-nothere list-candidates 0000:00:03.0
	assert_failure 1
	assert_output --partial "no module directory $ROOT/lib/modules/1.2.3-nothere"
	# listing devices needs no module directory
	run "$VFIOCTL" --root "$ROOT" --kernel 1.2.3-nothere list-devices
	assert_success
}

@test "list-candidates --json: one array, the documented keys, parseable" {
	run "$VFIOCTL" --root "$ROOT" --json list-candidates
	assert_success
	jq -e 'type == "array" and length > 10' <<<"$output"
	jq -e 'all(.[]; has("device") and has("modalias") and has("candidates") and has("best"))' <<<"$output"
	jq -e 'all(.[].candidates[]; (.module|type) == "string" and (.alias|type) == "string"
		and (.wildcards|type) == "number" and (.builtin|type) == "boolean")' <<<"$output"
	# best is the first usable candidate, or null
	jq -e 'all(.[]; .best == ([.candidates[] | select(.blacklisted|not)][0].module // null))' <<<"$output"
	# modalias is what sysfs says
	assert_equal "$(jq -r '.[] | select(.device == "0000:00:03.0") | .modalias' <<<"$output")" \
		"$(cat "$ROOT/sys/bus/pci/devices/0000:00:03.0/modalias")"
}

@test "list-devices: driver, group, override from sysfs; --json parses; --vfio filters" {
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_success
	assert_equal "$(jq -r '.[] | select(.device == "0000:00:0c.0") | "\(.driver) \(.override) \(.iommu_group) \(.vfio)"' <<<"$output")" \
		"vfio-pci vfio-pci 12 true"
	assert_equal "$(jq -r '.[] | select(.device == "0000:00:02.0") | "\(.driver) \(.override) \(.vfio)"' <<<"$output")" \
		"e1000e null false"
	assert_equal "$(jq length <<<"$output")" "$(ls "$ROOT/sys/bus/pci/devices" | wc -l)"
	run "$VFIOCTL" --root "$ROOT" --json list-devices --vfio
	assert_success
	assert_equal "$(jq -r '[.[].device] | join(" ")' <<<"$output")" "0000:00:0a.0 0000:00:0c.0"
	run "$VFIOCTL" --root "$ROOT" list-devices
	assert_line --index 0 --regexp '^DEVICE +ID +CLASS +DRIVER +GROUP +OVERRIDE +IN-USE +NAME'
	assert_line --regexp '^0000:00:02.0 +8086:10d3 +0200 +e1000e +2 +- +- +Intel Corporation 82574L'
}

@test "errors in JSON mode are JSON too" {
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run 0000:00:1e.0
	assert_failure 2
	# stdout is JSON carrying the error; the one-line message is on stderr
	jq -e '.error | test("no such PCI device")' <<<"$("$VFIOCTL" --root "$ROOT" --json bind 0000:00:1e.0 2>/dev/null)"
	run "$VFIOCTL" --root "$ROOT" --json bind 0000:00:08.0
	assert_failure 1
	jq -e '.[0].error | test("not loaded")' <<<"$("$VFIOCTL" --root "$ROOT" --json bind 0000:00:08.0 2>/dev/null)"
}

@test "show names all six steps with their inputs and results" {
	run "$VFIOCTL" --root "$ROOT" show 0000:00:03.0
	assert_success
	assert_line --regexp "^1\. sysfs path: $ROOT/sys/bus/pci/devices/0000:00:03.0 -> $ROOT/sys/devices/pci0000:00/0000:00:03.0$"
	assert_line --regexp "^2\. modalias: "
	assert_output --partial "$(cat "$ROOT/sys/bus/pci/devices/0000:00:03.0/modalias")"
	assert_line --regexp "^3\. vfio alias: "
	assert_output --partial "= vfio_$(cat "$ROOT/sys/bus/pci/devices/0000:00:03.0/modalias")"
	assert_line --regexp "^4\. lookup: "
	assert_line --regexp '^ +\* vfxt_edu_vfio_pci +5  vfio_pci:v00001234d000011E8sv\*sd\*bc\*sc\*i\*$'
	assert_line --regexp "^5\. module: +vfxt_edu_vfio_pci \(loaded\)"
	assert_line --regexp "^6\. driver: +vfxt-edu-vfio-pci \(read from "
	assert_output --partial "write \"vfxt-edu-vfio-pci\" > $ROOT/sys/bus/pci/devices/0000:00:03.0/driver_override"
	run "$VFIOCTL" --root "$ROOT" --json show 0000:00:03.0
	jq -e '.sysfs_path and .modalias and .vfio_alias and (.candidates|length) == 3 and .module.name and .driver and (.writes|length) == 2' <<<"$output"
}

@test "show for a module that is not loaded says the driver is known only after loading" {
	run "$VFIOCTL" --root "$ROOT" show 0000:00:01.0
	assert_success
	assert_line --regexp "^5\. module: +vfxt_vendor_vfio_pci \(not loaded\); bind loads it with .*vfio_pci_core"
	assert_line --regexp "^6\. driver: +not known until the module is loaded"
	assert_output --partial "write <driver of vfxt_vendor_vfio_pci>"
}

@test "colour only on a terminal, never with --json or NO_COLOR, never when piped" {
	local esc=$'\033['
	# a terminal (script(1) gives the command a pty)
	run script -qc "$VFIOCTL --root $ROOT bind --dry-run 0000:00:08.0 >/dev/null" /dev/null
	assert_output --partial "${esc}1;33mwarning:"
	run script -qc "$VFIOCTL --json --root $ROOT bind --dry-run 0000:00:08.0 >/dev/null" /dev/null
	refute_output --partial "$esc"
	run script -qc "NO_COLOR=1 $VFIOCTL --root $ROOT bind --dry-run 0000:00:08.0 >/dev/null" /dev/null
	refute_output --partial "$esc"
	# a pipe
	run "$VFIOCTL" --root "$ROOT" bind --dry-run 0000:00:08.0
	refute_output --partial "$esc"
}
