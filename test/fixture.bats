#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests of the fake roots themselves (test/fixture), with the real kmod
# tools, lspci and this machine's read-only /sys as oracles.

load lib/common

setup_file() {
	fixture_setup_file
}

setup() {
	fixture_setup
}

# kmod against the root only: its modules, its indexes, its modprobe.d.
kmod_root() {
	local tool=$1
	shift
	"$tool" -d "$ROOT" -S "$KREL" -C "$ROOT/etc/modprobe.d" "$@"
}

# resolve ALIAS [OPTS]: the modules modprobe -R lists, sorted, on one line.
resolve() {
	kmod_root modprobe -R "$@" | LC_ALL=C sort | paste -sd' '
}

vfio_alias() {
	echo "vfio_$(cat "$ROOT/sys/bus/pci/devices/$1/modalias")"
}

all_devices() {
	local d
	for d in "$ROOT"/sys/bus/pci/devices/*; do
		echo "${d##*/}"
	done
}

# alias_table: "pattern module" for every alias the root knows, less the
# blacklisted modules: modprobe.d and modules.alias (as modprobe -c dumps
# them) and the built-in aliases of modules.builtin.modinfo. Made once a test.
alias_table() {
	local t=$BATS_TEST_TMPDIR/aliases black
	if [ ! -e "$t" ]; then
		black=$(kmod_root modprobe -c | sed -n 's/^blacklist //p' | paste -sd'|')
		{
			kmod_root modprobe -c | sed -n 's/^alias //p'
			tr '\0' '\n' <"$ROOT/lib/modules/$KREL/modules.builtin.modinfo" |
				sed -n 's/^\([^.]*\)\.alias=\(.*\)/\2 \1/p'
		} | grep -Ev " (${black:-^})\$" >"$t"
	fi
	cat "$t"
}

# best_modules STRING: the selection rule of vfioctl, done independently:
# of the aliases that match (glob patterns, as kmod's fnmatch takes them;
# '*' and '?' are all the aliases here use), those with the fewest '*' win.
# Prints the winners, sorted.
best_modules() {
	alias_table | awk -v s="$1" '
	{
		re = $1
		gsub(/[].\\^$+(){}|[]/, "\\\\&", re)
		gsub(/\*/, ".*", re)
		gsub(/\?/, ".", re)
		if (s !~ "^" re "$")
			next
		n = gsub(/\*/, "*", $1)
		if (best == "" || n < best) {
			best = n
			delete win
		}
		if (n == best)
			win[$2] = 1
	}
	END {
		for (m in win)
			print m
	}' | LC_ALL=C sort | paste -sd' '
}

@test "modinfo: the fixture modules carry the aliases modpost writes" {
	local -A want=(
		[vfxt_edu_vfio_pci]='vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*'
		[vfxt_vendor_vfio_pci]='vfio_pci:v00001234d*sv*sd*bc*sc*i*'
		[vfxt_e1000e_vfio_pci]='vfio_pci:v00008086d000010D3sv*sd*bc*sc*i*'
		[vfxt_e1000e_sub_vfio_pci]='vfio_pci:v00008086d000010D3sv00008086sd0000A01Fbc*sc*i*'
		[vfxt_virtio_vfio_pci]='vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* vfio_pci:v00001AF4d00001042sv*sd*bc*sc*i*'
		[vfxt_black_vfio_pci]='vfio_pci:v00001B36d00000005sv*sd*bc*sc*i*'
		[vfxt_nvme_vfio_pci]='vfio_pci:v00001B36d00000010sv*sd*bc*sc*i*'
		[vfxt_tie_a_vfio_pci]='vfio_pci:v00001AF4d00001110sv*sd*bc*sc*i*'
		[vfxt_tie_b_vfio_pci]='vfio_pci:v00001AF4d00001110sv*sd*bc*sc*i*'
		[vfxt_cfg]='pci:v00001B36d00000011sv*sd*bc*sc*i*'
		[vfio_pci]='vfio_pci:v*d*sv*sd*bc*sc*i*'
	)
	local m got
	for m in "${!want[@]}"; do
		got=$(modinfo -b "$ROOT" -k "$KREL" -F alias "$m" | LC_ALL=C sort | paste -sd' ')
		[ "$got" = "${want[$m]}" ] || fail "$m: aliases '$got', want '${want[$m]}'"
	done
}

@test "modinfo: the fixture modules depend on vfio-pci-core; the built-in one is built in" {
	local m
	for m in vfxt_edu_vfio_pci vfxt_vendor_vfio_pci vfxt_e1000e_vfio_pci \
		 vfxt_e1000e_sub_vfio_pci vfxt_black_vfio_pci vfxt_nvme_vfio_pci \
		 vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci vfxt_cfg; do
		run modinfo -b "$ROOT" -k "$KREL" -F depends "$m"
		assert_success
		assert_output vfio-pci-core
		run modinfo -b "$ROOT" -k "$KREL" -F filename "$m"
		assert_output "$ROOT/lib/modules/$KREL/extra/$m.ko"
	done
	run modinfo -b "$ROOT" -k "$KREL" -F filename vfxt_virtio_vfio_pci
	assert_output '(builtin)'
	[ ! -e "$ROOT/lib/modules/$KREL/extra/vfxt_virtio_vfio_pci.ko" ]
	run grep -Fx kernel/drivers/vfio/pci/vfxt_virtio_vfio_pci.ko \
		"$ROOT/lib/modules/$KREL/modules.builtin"
	assert_success
}

@test "modprobe --show-depends: a variant pulls in vfio-pci-core and what it needs" {
	run kmod_root modprobe --show-depends vfxt_edu_vfio_pci
	assert_success
	assert_line "insmod $ROOT/lib/modules/$KREL/kernel/drivers/vfio/pci/vfio-pci-core.ko "
	assert_line "insmod $ROOT/lib/modules/$KREL/kernel/drivers/vfio/vfio.ko "
	assert_line "insmod $ROOT/lib/modules/$KREL/kernel/virt/lib/irqbypass.ko "
	assert_line --index $((${#lines[@]} - 1)) \
		"insmod $ROOT/lib/modules/$KREL/extra/vfxt_edu_vfio_pci.ko "
	refute_output --partial vfio-pci.ko
	run kmod_root modprobe --show-depends vfxt_virtio_vfio_pci
	assert_output 'builtin vfxt_virtio_vfio_pci'
}

@test "modprobe -R: every module whose alias matches each device's vfio_ string" {
	local -A want=(
		[0000:00:00.0]='vfio_pci'
		[0000:00:01.0]='vfio_pci vfxt_vendor_vfio_pci'
		[0000:00:02.0]='vfio_pci vfxt_e1000e_vfio_pci'
		[0000:00:03.0]='vfio_pci vfxt_edu_vfio_pci vfxt_vendor_vfio_pci'
		[0000:00:04.0]='vfio_pci vfxt_e1000e_sub_vfio_pci vfxt_e1000e_vfio_pci'
		[0000:00:05.0]='vfio_pci'
		[0000:00:06.0]='vfio_pci vfxt_black_vfio_pci'
		[0000:00:07.0]='vfio_pci vfxt_nvme_vfio_pci'
		[0000:00:08.0]='vfio_pci vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci'
		[0000:00:09.0]='vfxt_cfg'
		[0000:00:0a.0]='vfio_pci vfxt_edu_vfio_pci vfxt_vendor_vfio_pci'
		[0000:00:0b.0]='vfio_pci'
		[0000:01:01.0]='vfio_pci vfxt_e1000e_vfio_pci'
		[0000:01:02.0]='vfio_pci vfxt_edu_vfio_pci vfxt_vendor_vfio_pci'
		[0000:00:0c.0]='vfio_pci vfxt_black_vfio_pci'
		[0000:00:0e.0]='vfio_pci'
		[10000:00:02.0]='vfio_pci'
		[10000:01:00.0]='vfio_pci'
		[0000:00:1f.0]='vfio_pci'
	)
	local a got
	[ "$(all_devices | wc -l)" -eq "${#want[@]}" ]
	for a in $(all_devices); do
		got=$(resolve "$(vfio_alias "$a")")
		[ "$got" = "${want[$a]}" ] || fail "$a: modprobe -R gave '$got', want '${want[$a]}'"
	done
}

@test "kmod stops at the first index that matches: modular vfio_pci hides the built-in variant" {
	local s
	s=$(vfio_alias 0000:00:05.0)
	# What libkmod's lookup (and so modprobe) answers: only the module.
	run resolve "$s"
	assert_output vfio_pci
	# Yet the variant's aliases are in the built-in index...
	run modinfo -b "$ROOT" -k "$KREL" -F alias vfxt_virtio_vfio_pci
	assert_line 'vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i*'
	# (the .bin indexes are tries: the alias strings are split, the
	# module names are whole)
	run bash -c "grep -ao vfxt_virtio_vfio_pci '$ROOT/lib/modules/$KREL/modules.builtin.alias.bin' | wc -l"
	assert_output 2
	run grep -a vfxt_virtio_vfio_pci "$ROOT/lib/modules/$KREL/modules.alias.bin"
	assert_failure
	# The same goes for a modprobe.d alias, which comes first of all: it
	# hides vfio_pci's alias.
	run resolve "$(vfio_alias 0000:00:09.0)"
	assert_output vfxt_cfg
	mv "$ROOT/etc/modprobe.d/vfxt.conf" "$BATS_TEST_TMPDIR/"
	run resolve "$(vfio_alias 0000:00:09.0)"
	assert_output vfio_pci
	mv "$BATS_TEST_TMPDIR/vfxt.conf" "$ROOT/etc/modprobe.d/"
	# kmod consults the built-in index once no module matches.
	fixture_drop_module_file "$ROOT" vfio_pci
	run resolve "$s"
	assert_output vfxt_virtio_vfio_pci
}

@test "modprobe ALIAS loads every match, less what modprobe.d blacklists" {
	local s
	s=$(vfio_alias 0000:00:06.0)
	# -R lists the blacklisted variant...
	run resolve "$s"
	assert_output 'vfio_pci vfxt_black_vfio_pci'
	# ...but loading the alias skips it (with or without -b)...
	run kmod_root modprobe --show-depends "$s"
	assert_success
	assert_line --partial /vfio-pci.ko
	refute_output --partial vfxt_black
	run kmod_root modprobe --show-depends -b "$s"
	refute_output --partial vfxt_black
	# ...and without the root's modprobe.d it loads both.
	run modprobe -d "$ROOT" -S "$KREL" -C /dev/null --show-depends "$s"
	assert_line --partial /vfio-pci.ko
	assert_line --partial /vfxt_black_vfio_pci.ko
	# Every match: both tied variants and vfio_pci.
	run kmod_root modprobe --show-depends "$(vfio_alias 0000:00:08.0)"
	assert_line --partial /vfio-pci.ko
	assert_line --partial /vfxt_tie_a_vfio_pci.ko
	assert_line --partial /vfxt_tie_b_vfio_pci.ko
}

@test "the selection rule picks the variant each device was put there for" {
	local -A want=(
		[0000:00:00.0]='vfio_pci'
		[0000:00:01.0]='vfxt_vendor_vfio_pci'
		[0000:00:02.0]='vfxt_e1000e_vfio_pci'
		[0000:00:03.0]='vfxt_edu_vfio_pci'
		[0000:00:04.0]='vfxt_e1000e_sub_vfio_pci'
		[0000:00:05.0]='vfxt_virtio_vfio_pci'
		[0000:00:06.0]='vfio_pci'
		[0000:00:07.0]='vfxt_nvme_vfio_pci'
		[0000:00:08.0]='vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci'
		[0000:00:09.0]='vfxt_cfg'
		[0000:00:0a.0]='vfxt_edu_vfio_pci'
		[0000:00:0b.0]='vfio_pci'
		[0000:01:01.0]='vfxt_e1000e_vfio_pci'
		[0000:01:02.0]='vfxt_edu_vfio_pci'
		[0000:00:0c.0]='vfio_pci'
		[0000:00:0e.0]='vfio_pci'
		[10000:00:02.0]='vfio_pci'
		[10000:01:00.0]='vfio_pci'
		[0000:00:1f.0]='vfio_pci'
	)
	local a got
	for a in $(all_devices); do
		got=$(best_modules "$(vfio_alias "$a")")
		[ "$got" = "${want[$a]}" ] || fail "$a: best '$got', want '${want[$a]}'"
	done
}

@test "sys/module: drivers and modules name each other, module name is not driver name" {
	local l drv m
	# Every module's drivers/pci:NAME leads to the driver, whose module
	# link leads back.
	for l in "$ROOT"/sys/module/*/drivers/pci:*; do
		m=${l%/drivers/*}
		m=${m##*/}
		drv=${l##*/pci:}
		[ "$(readlink -f "$l")" = "$ROOT/sys/bus/pci/drivers/$drv" ] || fail "$l"
		[ "$(readlink -f "$ROOT/sys/bus/pci/drivers/$drv/module")" = "$ROOT/sys/module/$m" ] ||
			fail "driver $drv: module link"
	done
	[ "$(readlink "$ROOT/sys/module/vfxt_nvme_vfio_pci/drivers/pci:vfxt-nvme-variant")" = \
		../../../bus/pci/drivers/vfxt-nvme-variant ]
	[ "$(readlink "$ROOT/sys/bus/pci/drivers/vfio-pci/module")" = ../../../../module/vfio_pci ]
	# Loaded modules have initstate live; the built-in one has none.
	run cat "$ROOT/sys/module/vfxt_edu_vfio_pci/initstate"
	assert_output live
	[ ! -e "$ROOT/sys/module/vfxt_virtio_vfio_pci/initstate" ]
	[ -L "$ROOT/sys/module/vfxt_virtio_vfio_pci/drivers/pci:vfxt-virtio-vfio-pci" ]
	for m in vfxt_vendor_vfio_pci vfxt_e1000e_vfio_pci vfxt_black_vfio_pci \
		 vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci vfxt_cfg; do
		[ ! -e "$ROOT/sys/module/$m" ] || fail "$m should not be loaded"
	done
	[ ! -e "$ROOT/sys/module/vfio_pci_core/drivers" ]
	# Module names in sys/module use '_' even where the file uses '-'.
	[ -d "$ROOT/sys/module/vfio_pci_core" ]
	# proc/modules lists exactly the loaded ones.
	run diff <(cut -d' ' -f1 "$ROOT/proc/modules" | LC_ALL=C sort) \
		<(cd "$ROOT/sys/module" && ls -d */initstate | cut -d/ -f1 | LC_ALL=C sort)
	assert_success
}

@test "sys/module: holders and refcnt follow the modules' real dependencies" {
	local m d deps h
	for d in "$ROOT"/sys/module/*/initstate; do
		d=${d%/initstate}
		m=${d##*/}
		[ "$(cat "$d/refcnt")" -eq "$(find "$d/holders" -mindepth 1 | wc -l)" ] ||
			fail "$m: refcnt"
		for h in "$d"/holders/*; do
			[ -L "$h" ] || continue
			deps=$(modinfo -b "$ROOT" -k "$KREL" -F depends "${h##*/}")
			[[ ,${deps//-/_}, == *,$m,* ]] || fail "${h##*/} holds $m but depends on '$deps'"
		done
	done
	run ls "$ROOT/sys/module/vfio_pci_core/holders"
	assert_output "$(printf '%s\n' vfio_pci vfxt_e1000e_sub_vfio_pci vfxt_edu_vfio_pci vfxt_nvme_vfio_pci)"
	run grep '^vfio ' "$ROOT/proc/modules"
	assert_output 'vfio 16384 3 vfio_iommu_type1,vfio_pci,vfio_pci_core, Live 0x0000000000000000'
}

@test "each device's modalias, uevent and config agree with its ID files" {
	local a d v dv sv sd c r want hdr drv
	local -a cfg
	for a in $(all_devices); do
		d=$ROOT/sys/bus/pci/devices/$a
		v=$(($(cat "$d/vendor"))) dv=$(($(cat "$d/device")))
		sv=$(($(cat "$d/subsystem_vendor"))) sd=$(($(cat "$d/subsystem_device")))
		c=$(($(cat "$d/class"))) r=$(($(cat "$d/revision")))
		printf -v want 'pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X' \
			$v $dv $sv $sd $((c >> 16)) $(((c >> 8) & 255)) $((c & 255))
		[ "$(cat "$d/modalias")" = "$want" ] || fail "$a: modalias $(cat "$d/modalias") != $want"
		grep -qx "MODALIAS=$want" "$d/uevent" || fail "$a: uevent MODALIAS"
		grep -qx "PCI_SLOT_NAME=$a" "$d/uevent" || fail "$a: uevent slot"
		grep -qx "$(printf 'PCI_ID=%04X:%04X' $v $dv)" "$d/uevent" || fail "$a: PCI_ID"
		grep -qx "$(printf 'PCI_SUBSYS_ID=%04X:%04X' $sv $sd)" "$d/uevent" || fail "$a: SUBSYS"
		grep -qx "$(printf 'PCI_CLASS=%X' $c)" "$d/uevent" || fail "$a: PCI_CLASS"
		if [ -L "$d/driver" ]; then
			drv=$(basename "$(readlink "$d/driver")")
			[ "$(head -n1 "$d/uevent")" = "DRIVER=$drv" ] || fail "$a: uevent DRIVER"
		else
			! grep -q '^DRIVER=' "$d/uevent" || fail "$a: DRIVER= while unbound"
		fi
		[ "$(stat -c %s "$d/config")" -eq 256 ] || fail "$a: config size"
		read -ra cfg <<<"$(od -An -tu1 -v -w256 "$d/config")"
		[ $((cfg[0] | cfg[1] << 8)) -eq $v ] || fail "$a: config vendor"
		[ $((cfg[2] | cfg[3] << 8)) -eq $dv ] || fail "$a: config device"
		[ $((cfg[8])) -eq $r ] || fail "$a: config revision"
		[ $((cfg[9] | cfg[10] << 8 | cfg[11] << 16)) -eq $c ] || fail "$a: config class"
		hdr=$((cfg[14] & 0x7f))
		if [ $((c >> 8)) -eq $((0x0604)) ]; then
			[ $hdr -eq 1 ] || fail "$a: a bridge with header type $hdr"
			# No SSVID capability: the kernel reads subsystem 0 for it.
			[ $sv -eq 0 ] && [ $sd -eq 0 ] || fail "$a: bridge subsystem"
		else
			[ $hdr -eq 0 ] || fail "$a: header type $hdr"
			[ $((cfg[44] | cfg[45] << 8)) -eq $sv ] || fail "$a: config subvendor"
			[ $((cfg[46] | cfg[47] << 8)) -eq $sd ] || fail "$a: config subdevice"
		fi
		if [ "$(($(cat "$d/class") >> 8))" -eq $((0x0300)) ]; then
			[ -e "$d/boot_vga" ] || fail "$a: VGA without boot_vga"
		else
			[ ! -e "$d/boot_vga" ] || fail "$a: boot_vga on a non-VGA device"
		fi
	done
	run cat "$ROOT/sys/bus/pci/devices/0000:00:01.0/boot_vga"
	assert_output 1
	run cat "$ROOT/sys/bus/pci/devices/0000:00:03.0/driver_override"
	assert_output '(null)'
	run cat "$ROOT/sys/bus/pci/devices/0000:00:0c.0/driver_override"
	assert_output vfio-pci
}

@test "lspci reads the fake sysfs: IDs, drivers, groups and the bus tree" {
	local l a cls v dv rest d
	run lspci -A linux-sysfs -O "sysfs.path=$ROOT/sys/bus/pci" -D -n -mm
	assert_success
	[ "${#lines[@]}" -eq "$(all_devices | wc -l)" ]
	for l in "${lines[@]}"; do
		eval "set -- $l"
		a=$1 cls=$2 v=$3 dv=$4
		d=$ROOT/sys/bus/pci/devices/$a
		[ -d "$d" ] || fail "lspci saw $a"
		[ "0x$cls" = "$(cut -c1-6 "$d/class")" ] || fail "$a: class $cls"
		[ "0x$v" = "$(cat "$d/vendor")" ] || fail "$a: vendor $v"
		[ "0x$dv" = "$(cat "$d/device")" ] || fail "$a: device $dv"
	done
	run lspci -A linux-sysfs -O "sysfs.path=$ROOT/sys/bus/pci" -D -vmm -k -s 10000:01:00.0
	assert_line $'Driver:\tnvme'
	assert_line $'IOMMUGroup:\t14'
	run lspci -A linux-sysfs -O "sysfs.path=$ROOT/sys/bus/pci" -t
	assert_line --regexp '0b\.0-\[01\]--\+-01\.0$'
	assert_line --regexp '^ \\-\[10000:00\]---02\.0-\[01\]----00\.0$'
}

@test "sys: devices nest under their bridge, links are relative and stay in the root" {
	run find "$ROOT/sys" -type l -lname '/*'
	assert_output ''
	run find "$ROOT/sys" -xtype l
	assert_output ''
	run bash -c 'find "$1/sys" -type l -print0 | xargs -0 realpath -e -- |
		grep -v "^$1/sys/"' _ "$ROOT"
	assert_output ''
	[ "$(find "$ROOT/sys" -type l | wc -l)" -gt 100 ]
	[ "$(readlink "$ROOT/sys/bus/pci/devices/10000:01:00.0")" = \
		../../../devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0 ]
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:01:02.0")" = \
		../../../devices/pci0000:00/0000:00:0b.0/0000:01:02.0 ]
	[ "$(readlink "$ROOT/sys/devices/pci0000:00/0000:00:0b.0/0000:01:01.0/iommu_group")" = \
		../../../../kernel/iommu_groups/11 ]
	[ "$(readlink "$ROOT/sys/devices/pci0000:00/0000:00:02.0/driver")" = \
		../../../bus/pci/drivers/e1000e ]
	[ "$(readlink "$ROOT/sys/devices/pci0000:00/0000:00:02.0/subsystem")" = ../../../bus/pci ]
	# Real directories, not links, under sys/devices.
	[ -z "$(find "$ROOT/sys/devices" -type l -name '*:*.*')" ]
}

@test "sys: IOMMU groups and drivers link back to their devices" {
	local a d g drv
	for a in $(all_devices); do
		d=$(readlink -f "$ROOT/sys/bus/pci/devices/$a")
		[ "$(readlink -f "$d/subsystem")" = "$ROOT/sys/bus/pci" ] || fail "$a: subsystem"
		if [ -L "$d/iommu_group" ]; then
			g=$(readlink -f "$d/iommu_group")
			[ "$(readlink -f "$g/devices/$a")" = "$d" ] || fail "$a: group $g"
			[ "$(cat "$g/type")" = DMA ] || fail "$a: group type"
		fi
		if [ -L "$d/driver" ]; then
			drv=$(readlink -f "$d/driver")
			[ "$(readlink -f "$drv/$a")" = "$d" ] || fail "$a: driver $drv"
			[ "$(cat "$d/enable")" -ge 1 ] || fail "$a: bound but not enabled"
		fi
	done
	for g in "$ROOT"/sys/kernel/iommu_groups/*/devices/*; do
		[ "$(readlink -f "$(readlink -f "$g")/iommu_group")" = "$(readlink -f "${g%/devices/*}")" ] ||
			fail "$g"
	done
	# A conventional PCI bridge shares one group with everything behind it.
	for d in "$ROOT"/sys/devices/pci0000:00/0000:00:0b.0/0000:*; do
		[ "$(readlink -f "$d/iommu_group")" = \
			"$(readlink -f "$ROOT/sys/devices/pci0000:00/0000:00:0b.0/iommu_group")" ] || fail "$d"
	done
	[ "$(cat "$ROOT/sys/bus/pci/drivers_autoprobe")" = 1 ]
	[ -f "$ROOT/sys/bus/pci/drivers_probe" ]
	for drv in "$ROOT"/sys/bus/pci/drivers/*; do
		for a in bind unbind new_id remove_id uevent; do
			[ -f "$drv/$a" ] || fail "$drv/$a"
		done
	done
	[ ! -e "$ROOT/sys/bus/pci/drivers/pcieport/module" ]
}

# shape DIR: the top-level files and links of a device directory with their
# modes, subdirectories left out (real ones hold child devices).
shape() {
	find "$1"/ -mindepth 1 -maxdepth 1 ! -type d -printf '%f %m\n' | LC_ALL=C sort
}

# hexshape FILE: its content with every hex digit turned into 'h'.
hexshape() {
	tr '0-9a-fA-F' 'h' <"$1"
}

@test "a fake device directory has the shape of this machine's real one" {
	local real='' d missing extra entry name mode f drv
	# A bound endpoint on a root bus, to compare with 0000:00:05.0.
	for d in /sys/bus/pci/devices/*; do
		[ -L "$d/driver" ] && [ -e "$d/config" ] || continue
		[ "$(($(cat "$d/class") >> 16))" -ne 6 ] || continue
		[[ $(readlink "$d") == ../../../devices/pci*/"${d##*/}" ]] || continue
		real=$d
		break
	done
	[ -n "$real" ] || skip "no bound endpoint on a root bus in this machine's /sys"
	local fake=$ROOT/sys/bus/pci/devices/0000:00:05.0
	# Entries the real one has that the fixture leaves out on purpose.
	local not_modelled=' firmware_node link waiting_for_supplier label index
		acpi_index reset reset_method current_link_speed current_link_width
		max_link_speed max_link_width aer_dev_correctable aer_dev_fatal
		aer_dev_nonfatal rom vpd irq_domain_id l0s_aspm l1_aspm clkpm
		sriov_totalvfs sriov_numvfs sriov_offset sriov_stride sriov_vf_device
		sriov_drivers_autoprobe sriov_vf_total_msix revision_id iommu
		resource0 resource1 resource2 resource3 resource4 resource5
		resource0_wc resource1_wc resource2_wc resource3_wc resource4_wc
		resource5_wc resource2_resize resource4_resize '
	# Entries only the fake has: this machine has no IOMMU, no VGA.
	local not_here=' iommu_group boot_vga '
	missing=$(comm -23 <(shape "$real" | cut -d' ' -f1) <(shape "$fake" | cut -d' ' -f1))
	for entry in $missing; do
		[[ $not_modelled == *[[:space:]]"${entry}"[[:space:]]* ]] ||
			fail "real $real has '$entry', the fixture does not"
	done
	extra=$(comm -13 <(shape "$real" | cut -d' ' -f1) <(shape "$fake" | cut -d' ' -f1))
	for entry in $extra; do
		[[ $not_here == *" $entry "* ]] || fail "the fixture has '$entry', $real does not"
	done
	# Same modes where both have the entry (links are 777 in both).
	while read -r name mode; do
		f=$(shape "$real" | awk -v n="$name" '$1 == n { print $2 }')
		[ -z "$f" ] || [ "$f" = "$mode" ] || fail "$name: mode $mode, real $f"
	done < <(shape "$fake")
	# Same formats for the ID files, modalias and driver_override.
	for f in vendor device subsystem_vendor subsystem_device class revision \
		 modalias driver_override; do
		[ "$(hexshape "$fake/$f")" = "$(hexshape "$real/$f")" ] ||
			fail "$f: '$(cat "$fake/$f")' is not shaped like '$(cat "$real/$f")'"
	done
	# Same uevent keys, in the same order.
	[ "$(cut -d= -f1 "$fake/uevent")" = "$(cut -d= -f1 "$real/uevent")" ] ||
		fail "uevent keys: $(cut -d= -f1 "$fake/uevent" | paste -sd' ') vs $(cut -d= -f1 "$real/uevent" | paste -sd' ')"
	# The same relative links, up to the device's address.
	for f in subsystem driver; do
		[ "$(readlink "$fake/$f" | sed 's|/[^/]*$||')" = "$(readlink "$real/$f" | sed 's|/[^/]*$||')" ] ||
			fail "$f link: $(readlink "$fake/$f") vs $(readlink "$real/$f")"
	done
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:00:05.0" | sed 's|/[^/]*$||')" = \
		"$(readlink "$real" | sed 's|/[^/]*$||')" ]
	# The bus directory and a driver directory too.
	diff <(find "$ROOT/sys/bus/pci" -mindepth 1 -maxdepth 1 -printf '%f %y %m\n' | LC_ALL=C sort) \
	     <(find /sys/bus/pci -mindepth 1 -maxdepth 1 -printf '%f %y %m\n' | LC_ALL=C sort)
	drv=$(readlink -f "$real/driver")
	diff <(find "$ROOT/sys/bus/pci/drivers/virtio-pci" -mindepth 1 -maxdepth 1 ! -type l -printf '%f %y %m\n' | LC_ALL=C sort) \
	     <(find "$drv" -mindepth 1 -maxdepth 1 ! -type l -printf '%f %y %m\n' | LC_ALL=C sort)
}

@test "mkroot builds the same tree twice, and fixture_tree_hash notices writes" {
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	fixture_mkroot "$a"
	fixture_mkroot "$b"
	run diff <(fixture_tree_manifest "$a" | sed 's/ [0-9.]*$//') \
		 <(fixture_tree_manifest "$b" | sed 's/ [0-9.]*$//')
	assert_success
	local h
	h=$(fixture_tree_hash "$ROOT")
	[ "$(fixture_tree_hash "$ROOT")" = "$h" ]
	cat "$ROOT/sys/bus/pci/devices/0000:00:03.0/driver_override" >/dev/null
	[ "$(fixture_tree_hash "$ROOT")" = "$h" ]
	# Writing the same bytes is a write too.
	touch -d '2000-01-01' "$ROOT/sys/bus/pci/drivers_probe"
	[ "$(fixture_tree_hash "$ROOT")" != "$h" ]
}

@test "reshaping functions keep a root consistent" {
	# A new device on a new root bus, unbound, in a new group.
	fixture_add_device "$ROOT" 0000:80:00.0 1af4:1042 1af4:1100 0x010000 - 20
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:80:00.0")" = \
		../../../devices/pci0000:80/0000:80:00.0 ]
	run best_modules "$(vfio_alias 0000:80:00.0)"
	assert_output vfxt_virtio_vfio_pci
	# Rebinding moves every link and the uevent.
	fixture_set_override "$ROOT" 0000:00:03.0 vfxt-edu-vfio-pci
	fixture_bind "$ROOT" 0000:00:03.0 vfxt-edu-vfio-pci
	[ "$(readlink -f "$ROOT/sys/bus/pci/drivers/vfxt-edu-vfio-pci/0000:00:03.0")" = \
		"$ROOT/sys/devices/pci0000:00/0000:00:03.0" ]
	run head -n1 "$ROOT/sys/bus/pci/devices/0000:00:03.0/uevent"
	assert_output DRIVER=vfxt-edu-vfio-pci
	# A module with bound devices cannot go; unbound, it can.
	run fixture_unload_module "$ROOT" vfxt_edu_vfio_pci
	assert_failure
	fixture_unbind "$ROOT" 0000:00:03.0
	fixture_unbind "$ROOT" 0000:00:0a.0
	[ ! -e "$ROOT/sys/bus/pci/devices/0000:00:0a.0/driver" ]
	run grep DRIVER= "$ROOT/sys/bus/pci/devices/0000:00:0a.0/uevent"
	assert_failure
	fixture_unload_module "$ROOT" vfxt_edu_vfio_pci
	[ ! -e "$ROOT/sys/bus/pci/drivers/vfxt-edu-vfio-pci" ]
	run ls "$ROOT/sys/module/vfio_pci_core/holders"
	refute_line vfxt_edu_vfio_pci
	run grep -c . "$ROOT/proc/modules"
	assert_output 20
	# Loading one registers its driver.
	fixture_load_module "$ROOT" vfxt_tie_a_vfio_pci vfxt-tie-a
	[ "$(readlink "$ROOT/sys/bus/pci/drivers/vfxt-tie-a/module")" = \
		../../../../module/vfxt_tie_a_vfio_pci ]
	[ -L "$ROOT/sys/module/vfio_pci_core/holders/vfxt_tie_a_vfio_pci" ]
	# Removing the bridge removes what is behind it, and its group.
	fixture_remove_device "$ROOT" 0000:00:0b.0
	[ ! -e "$ROOT/sys/bus/pci/devices/0000:01:01.0" ]
	[ ! -e "$ROOT/sys/bus/pci/drivers/e1000e/0000:01:01.0" ]
	[ ! -e "$ROOT/sys/kernel/iommu_groups/11" ]
	[ ! -e "$ROOT/sys/class/pci_bus/0000:01" ]
	# And nothing dangles.
	run find "$ROOT/sys" -xtype l
	assert_output ''
	# Inconsistent shapes are refused.
	run fixture_add_device "$ROOT" 0000:00:10.0 1af4:1042 1af4:1100 0x010000 no-such-driver 21
	assert_failure
	run fixture_add_device "$ROOT" 0000:00:02.0 1af4:1042 1af4:1100 0x010000 - 21
	assert_failure
}

# --- the buses beside PCI (test/fixture/bus-devices, buses.bash) -----------

@test "platform and AMBA devices have the shape Debian's arm64 kernel gives QEMU virt's" {
	run diff <(grep -v '^#' "$FIXTURE_TOP/test/fixture/arm64-sysfs") \
		<("$FIXTURE_TOP/test/vm/arm64/sysfs-shape" "$ROOT")
	assert_success
}

@test "modinfo, modprobe -R: the stand-ins and reset handlers carry the real modules' aliases, parameters and vfio dependency" {
	local m
	for m in vfio_platform vfio_amba vfio_fsl_mc vfio_cdx vfio_platform_amdxgbe \
		 vfio_platform_calxedaxgmac vfxt_cdx_vfio; do
		run modinfo -b "$ROOT" -k "$KREL" -F depends "$m"
		assert_output vfio
	done
	run modinfo -b "$ROOT" -k "$KREL" -F parm vfio_platform
	assert_output "reset_required:override reset requirement (default: 1) (bool)"
	run modinfo -b "$ROOT" -k "$KREL" -F alias vfio_platform
	assert_output ""
	assert_equal "$(resolve vfio-reset:amd,xgbe-seattle-v1a)" vfio_platform_amdxgbe
	assert_equal "$(resolve vfio-reset:calxeda,hb-xgmac)" vfio_platform_calxedaxgmac
	assert_equal "$(resolve vfio-reset:arm,pl031)" ""
	# CDX ranks like PCI: the exact variant and the generic driver
	assert_equal "$(resolve "vfio_$(cat "$ROOT/sys/bus/cdx/devices/cdx-00:00/modalias")")" \
		"vfio_cdx vfxt_cdx_vfio"
	assert_equal "$(resolve "vfio_$(cat "$ROOT/sys/bus/cdx/devices/cdx-00:01/modalias")")" vfio_cdx
	assert_equal "$(cat "$ROOT/sys/bus/cdx/devices/cdx-00:00/modalias")" \
		cdx:v10EEd8084sv10EEsd8084c000000
}

@test "bus devices: bus, driver, group and module links name each other; compatible lists are NUL-separated" {
	local bus l d name drv g m
	for bus in platform amba fsl-mc cdx; do
		[ -f "$ROOT/sys/bus/$bus/drivers_probe" ] || fail "$bus: drivers_probe"
		[ "$(cat "$ROOT/sys/bus/$bus/drivers_autoprobe")" = 1 ] || fail "$bus: autoprobe"
		for l in "$ROOT/sys/bus/$bus/devices"/*; do
			name=${l##*/}
			d=$(readlink -f "$l")
			[[ $d == "$ROOT"/sys/devices/* ]] || fail "$bus/$name: $d"
			[ "$(readlink -f "$d/subsystem")" = "$ROOT/sys/bus/$bus" ] || fail "$bus/$name: subsystem"
			[ -f "$d/driver_override" ] || fail "$bus/$name: driver_override"
			if [ -L "$d/driver" ]; then
				drv=$(readlink -f "$d/driver")
				[ "$(readlink -f "$drv/$name")" = "$d" ] || fail "$bus/$name: driver"
				grep -qx "DRIVER=${drv##*/}" "$d/uevent" || fail "$bus/$name: uevent"
			fi
			if [ -L "$d/iommu_group" ]; then
				g=$(readlink -f "$d/iommu_group")
				[ "$(readlink -f "$g/devices/$name")" = "$d" ] || fail "$bus/$name: group"
			fi
		done
		for l in "$ROOT"/sys/module/*/drivers/"$bus":*; do
			[ -L "$l" ] || continue
			m=${l%/drivers/*}
			[ "$(readlink -f "$(readlink -f "$l")/module")" = "$m" ] || fail "$l"
		done
	done
	# a DPRC and its objects share one group; the child container has its own
	d=$ROOT/sys/bus/fsl-mc/devices
	assert_equal "$(readlink -f "$d/dpni.0/iommu_group")" "$(readlink -f "$d/dprc.1/iommu_group")"
	assert_equal "$(readlink -f "$d/dpni.2/iommu_group")" "$(readlink -f "$d/dprc.3/iommu_group")"
	[ "$(readlink -f "$d/dprc.3/iommu_group")" != "$(readlink -f "$d/dprc.1/iommu_group")" ]
	assert_equal "$(readlink -f "$d/dpni.2/..")" "$(readlink -f "$d/dprc.3")"
	assert_equal "$(cat "$d/dpni.2/modalias")" fsl-mc:v00001957ddpni
	# compatible: every entry NUL-ended, in order
	assert_equal "$(od -An -c "$ROOT/sys/bus/platform/devices/fff50000.ethernet/of_node/compatible" | tr -s ' ' | tr -d '\n')" \
		" v f x t , h b - x g m a c - v 2 \0 c a l x e d a , h b - x g m a c \0"
	assert_equal "$(cat "$ROOT/sys/bus/platform/devices/fff50000.ethernet/modalias")" \
		"of:NethernetT(null)Cvfxt,hb-xgmac-v2Ccalxeda,hb-xgmac"
	# ACPI: a firmware node instead of a device-tree one
	d=$ROOT/sys/bus/platform/devices/AMDI8001:00
	[ ! -e "$d/of_node" ]
	assert_equal "$(cat "$d/firmware_node/path")" '\_SB_.XGE1'
	assert_equal "$(cat "$d/firmware_node/hid")" AMDI8001
	assert_equal "$(readlink -f "$d/firmware_node/physical_node")" "$(readlink -f "$d")"
	[ -L "$ROOT/sys/module/amd_xgbe/drivers/platform:amd-xgbe" ]
	[ ! -e "$ROOT/sys/bus/platform/drivers/amd-xgbe/new_id" ]
}

@test "fixture_bus_*: bind, unbind, override and driver registration keep a root consistent" {
	local d
	d=$(fixture_bus_device_dir "$ROOT" platform e0700000.xgmac)
	fixture_bus_unbind "$ROOT" platform e0700000.xgmac
	[ ! -e "$d/driver" ]
	[ ! -e "$ROOT/sys/bus/platform/drivers/amd-xgbe/e0700000.xgmac" ]
	run grep -c DRIVER= "$d/uevent"
	assert_output 0
	fixture_load_module "$ROOT" vfio_platform platform:vfio-platform
	[ -L "$ROOT/sys/module/vfio_platform/drivers/platform:vfio-platform" ]
	fixture_bus_set_override "$ROOT" platform e0700000.xgmac vfio-platform
	assert_equal "$(cat "$d/driver_override")" vfio-platform
	fixture_bus_bind "$ROOT" platform e0700000.xgmac vfio-platform
	assert_equal "$(readlink -f "$d/driver")" "$ROOT/sys/bus/platform/drivers/vfio-platform"
	grep -qx DRIVER=vfio-platform "$d/uevent"
	run fixture_unload_module "$ROOT" vfio_platform
	assert_failure
	assert_output --partial "is bound to e0700000.xgmac"
	fixture_bus_unbind "$ROOT" platform e0700000.xgmac
	fixture_unload_module "$ROOT" vfio_platform
	[ ! -e "$ROOT/sys/bus/platform/drivers/vfio-platform" ]
	run fixture_bus_bind "$ROOT" platform e0700000.xgmac vfio-platform
	assert_failure
	run fixture_bus_add_device "$ROOT" amba x.dma platform - - of=/x compatible=arm,pl330
	assert_failure
	assert_output --partial "want id=XXXXXXXX"
}
