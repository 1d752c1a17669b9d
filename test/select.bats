#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Steps 2-4 on fake roots whose indexes the real depmod wrote: which VFIO
# modules match a device, how they rank, and what wins.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
}

# candidates DEV: "module wildcards alias builtin blacklisted source" lines, best first
candidates() {
	"$VFIOCTL" --root "$ROOT" --json list-candidates "$1" |
		jq -r '.[0].candidates[] | "\(.module) \(.wildcards) \(.alias) \(.builtin) \(.blacklisted) \(.source)"'
}

best() {
	"$VFIOCTL" --root "$ROOT" --json list-candidates "$1" | jq -r '.[0].best'
}

vfio_alias_of() {
	echo "vfio_$(cat "$ROOT/sys/bus/pci/devices/$1/modalias")"
}

@test "exact device ID beats vendor-wide beats generic vfio_pci" {
	run candidates 0000:00:03.0
	assert_success
	assert_equal "$(echo "$output" | cut -d' ' -f1 | tr '\n' ' ')" \
		"vfxt_edu_vfio_pci vfxt_vendor_vfio_pci vfio_pci "
	assert_equal "$(best 0000:00:03.0)" vfxt_edu_vfio_pci
	# the vendor-wide variant wins where no exact one exists (std VGA)
	assert_equal "$(best 0000:00:01.0)" vfxt_vendor_vfio_pci
	# and nothing else: generic for a device no variant knows
	assert_equal "$(best 0000:00:1f.0)" vfio_pci
}

@test "wildcard counts are the '*' in each kernel alias and rank ascending" {
	local dev line mod w alias prev=-1 stars
	for dev in 0000:00:03.0 0000:00:04.0 0000:00:08.0; do
		prev=-1
		while read -r mod w alias _; do
			stars=$(printf '%s' "$alias" | tr -cd '*' | wc -c)
			assert_equal "$w" "$stars"
			[ "$w" -ge "$prev" ] || fail "$dev: $mod ($w) ranked after a worse match ($prev)"
			prev=$w
		done < <(candidates "$dev")
	done
}

@test "every listed alias really matches the device's vfio alias (shell glob as oracle)" {
	local dev key mod w alias
	for dev in $(ls "$ROOT/sys/bus/pci/devices"); do
		key=$(vfio_alias_of "$dev")
		while read -r mod w alias _; do
			[ "$alias" = null ] && continue
			# shellcheck disable=SC2053
			[[ $key == $alias ]] || fail "$dev: $alias does not match $key"
		done < <(candidates "$dev")
	done
}

@test "modular candidates are exactly what kmod's own lookup finds in modules.alias.bin" {
	local dev key ours theirs
	for dev in $(ls "$ROOT/sys/bus/pci/devices"); do
		key=$(vfio_alias_of "$dev")
		ours=$(candidates "$dev" | awk '$6 == "modules.alias.bin" {print $1}' | sort)
		theirs=$(modprobe -d "$ROOT" -S "$KREL" -C /dev/null -R "$key" 2>/dev/null | sort)
		assert_equal "$ours" "$theirs"
	done
}

@test "a subsystem-specific entry beats a device-only one, and only for its subsystem" {
	run candidates 0000:00:04.0
	assert_success
	assert_line --index 0 --regexp '^vfxt_e1000e_sub_vfio_pci 3 vfio_pci:v00008086d000010D3sv00008086sd0000A01Fbc\*sc\*i\* '
	assert_line --index 1 --regexp '^vfxt_e1000e_vfio_pci 5 '
	# same vendor:device, other subsystem: the subsystem variant does not match
	run candidates 0000:00:02.0
	refute_output --partial vfxt_e1000e_sub_vfio_pci
	assert_equal "$(best 0000:00:02.0)" vfxt_e1000e_vfio_pci
}

@test "a built-in variant is found although the modular generic vfio_pci matches first for kmod" {
	local key
	key=$(vfio_alias_of 0000:00:05.0)
	# kmod stops at modules.alias.bin: the built-in variant is invisible to it
	run modprobe -d "$ROOT" -S "$KREL" -R "$key"
	assert_output vfio_pci
	run candidates 0000:00:05.0
	assert_line --index 0 --regexp '^vfxt_virtio_vfio_pci 5 .* true false modules.builtin.alias.bin$'
	assert_equal "$(best 0000:00:05.0)" vfxt_virtio_vfio_pci
}

@test "the built-in variant's driver comes from sys/module although it has no initstate" {
	[ ! -e "$ROOT/sys/module/vfxt_virtio_vfio_pci/initstate" ]
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run 0000:00:05.0
	assert_success
	assert_equal "$(jq -r '.[0].driver' <<<"$output")" vfxt-virtio-vfio-pci
	assert_equal "$(jq -r '.[0].writes[0].value' <<<"$output")" vfxt-virtio-vfio-pci
}

@test "a blacklisted variant is listed, marked, and not chosen" {
	run candidates 0000:00:06.0
	assert_success
	assert_line --regexp '^vfxt_black_vfio_pci 5 .* false true modules.alias.bin$'
	assert_equal "$(best 0000:00:06.0)" vfio_pci
	run "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:06.0
	assert_output --partial blacklisted
	# remove the blacklist line and it wins
	sed -i '/^blacklist/d' "$ROOT/etc/modprobe.d/vfxt.conf"
	assert_equal "$(best 0000:00:06.0)" vfxt_black_vfio_pci
}

@test "a variant blacklisted through modprobe.d in /lib and /run is honoured too" {
	sed -i '/^blacklist/d' "$ROOT/etc/modprobe.d/vfxt.conf"
	mkdir -p "$ROOT/run/modprobe.d"
	echo "blacklist vfxt-black-vfio-pci" > "$ROOT/run/modprobe.d/x.conf"
	assert_equal "$(best 0000:00:06.0)" vfio_pci
}

@test "when every match is blacklisted, bind refuses with a clear error" {
	printf 'blacklist vfio_pci\n' >> "$ROOT/etc/modprobe.d/vfxt.conf"
	run "$VFIOCTL" --root "$ROOT" bind --dry-run 0000:00:06.0
	assert_failure 1
	assert_output --partial "0000:00:06.0: every VFIO module matching"
	assert_output --partial blacklisted
}

@test "a tie is broken by module name, deterministically, and warned about" {
	assert_equal "$(best 0000:00:08.0)" vfxt_tie_a_vfio_pci
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:08.0
	assert_equal "$(jq -r '.[0].tie' <<<"$output")" true
	run "$VFIOCTL" --root "$ROOT" bind --dry-run 0000:00:08.0
	assert_output --partial "warning: 0000:00:08.0: vfxt_tie_a_vfio_pci and vfxt_tie_b_vfio_pci match equally well"
	# the same answer every time
	local i
	for i in 1 2 3; do assert_equal "$(best 0000:00:08.0)" vfxt_tie_a_vfio_pci; done
}

@test "a modprobe.d alias line makes its module a candidate" {
	run candidates 0000:00:09.0
	assert_line --index 0 --regexp '^vfxt_cfg 5 vfio_pci:v00001B36d00000011sv\*sd\*bc\*sc\*i\* false false modprobe.d$'
	assert_line --index 1 --regexp '^vfio_pci 7 '
	rm "$ROOT/etc/modprobe.d/vfxt.conf"
	assert_equal "$(best 0000:00:09.0)" vfio_pci
}

@test "module name is not driver name: the driver is read from sys/module" {
	run "$VFIOCTL" --root "$ROOT" show 0000:00:07.0
	assert_success
	assert_output --partial "6. driver:     vfxt-nvme-variant (read from $ROOT/sys/module/vfxt_nvme_vfio_pci/drivers/pci:vfxt-nvme-variant)"
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run 0000:00:07.0
	assert_equal "$(jq -r '.[0].module' <<<"$output")" vfxt_nvme_vfio_pci
	assert_equal "$(jq -r '.[0].writes[0].value' <<<"$output")" vfxt-nvme-variant
	# vfio_pci registers vfio-pci: writing the module name would bind nothing
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run --driver vfio_pci 0000:00:07.0
	assert_equal "$(jq -r '.[0].writes[0].value' <<<"$output")" vfio-pci
}

@test "a module's driver name follows sys/module, whatever it is" {
	# rename the driver the loaded module registered: vfioctl must follow
	fixture_unbind "$ROOT" 0000:00:0a.0
	fixture_unload_module "$ROOT" vfxt_edu_vfio_pci
	fixture_load_module "$ROOT" vfxt_edu_vfio_pci totally-different-name
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run 0000:00:03.0
	assert_success
	assert_equal "$(jq -r '.[0].driver' <<<"$output")" totally-different-name
}

@test "no vfio alias at all (kernels before vfio aliases): generic vfio_pci is the fallback" {
	local ko
	fixture_drop_module_file "$ROOT" vfxt_edu_vfio_pci
	fixture_drop_module_file "$ROOT" vfxt_vendor_vfio_pci
	# vfio-pci.ko without its vfio alias: rename it in .modinfo, same length
	ko=$(find "$ROOT/lib/modules/$KREL" -name 'vfio-pci.ko*')
	sed -i 's/alias=vfio_pci:v\*d\*/alias=xfio_pci:v*d*/' "$ko"
	fixture_depmod "$ROOT"
	run modprobe -d "$ROOT" -S "$KREL" -R "$(vfio_alias_of 0000:00:03.0)"
	assert_failure
	run candidates 0000:00:03.0
	assert_success
	assert_output "vfio_pci 7 null false false fallback"
	run "$VFIOCTL" --root "$ROOT" --json bind --dry-run 0000:00:03.0
	assert_equal "$(jq -r '.[0].writes[0].value' <<<"$output")" vfio-pci
}

@test "5-digit VMD domains: listed, looked up and sorted after domain 0000" {
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 10000:01:00.0
	assert_success
	assert_equal "$(jq -r '.[0].device' <<<"$output")" 10000:01:00.0
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfio_pci
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_equal "$(jq -r '.[-1].device' <<<"$output")" 10000:01:00.0
	run "$VFIOCTL" --root "$ROOT" show 10000:01:00.0
	assert_success
	assert_output --partial "/sys/devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0"
}

@test "list-candidates without names covers every device, in address order" {
	run "$VFIOCTL" --root "$ROOT" --json list-candidates
	assert_success
	assert_equal "$(jq -r '.[].device' <<<"$output")" \
		"$(ls "$ROOT/sys/bus/pci/devices" | sort -t: -k1,1 -k2,2 | awk -F: '{print length($1)" "$0}' | sort -k1,1n -s | cut -d' ' -f2)"
}

# cfg_alias PATTERN: a modprobe.d alias of PATTERN to vfxt_cfg
cfg_alias() {
	echo "alias $1 vfxt_cfg" >> "$ROOT/etc/modprobe.d/vfxt.conf"
}

@test "'?' and '[...]' are wildcards too: a modprobe.d alias with them never outranks a more exact one" {
	# 0 '*' but 22 '?': as broad as the generic alias's 7 '*' for this device
	cfg_alias 'vfio_pci:v00001234d000011E8sv????????sd????????bc??sc??i??'
	run candidates 0000:00:03.0
	assert_line --index 0 --regexp '^vfxt_edu_vfio_pci 5 '
	assert_line --regexp '^vfxt_cfg 22 .* modprobe.d$'
	# a bracket expression is one more wildcard: 6, no tie with the 5 '*' of edu
	fixture_setup
	cfg_alias 'vfio_pci:v0000123[0-9]d000011E8sv*sd*bc*sc*i*'
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:03.0
	assert_success
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfxt_edu_vfio_pci
	assert_equal "$(jq -c '[.[0].candidates[] | select(.module == "vfxt_cfg") | .wildcards]' <<<"$output")" '[6]'
	run "$VFIOCTL" --root "$ROOT" bind --dry-run 0000:00:03.0
	refute_output --partial "match equally well"
}

@test "at equal wildcard counts fewer '*' win: a '?' matches one character, a '*' any number" {
	cfg_alias 'vfio_pci:v00001234d000011E8sv*sd*bc*sc*i0?'
	run candidates 0000:00:03.0
	assert_line --index 0 --regexp '^vfxt_cfg 5 vfio_pci:v00001234d000011E8sv\*sd\*bc\*sc\*i0\? '
	assert_line --index 1 --regexp '^vfxt_edu_vfio_pci 5 '
	run "$VFIOCTL" --root "$ROOT" bind --dry-run 0000:00:03.0
	refute_output --partial "match equally well"
}
