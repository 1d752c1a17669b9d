#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Regressions of issue 12 (each failed before its fix): files that hang or
# mislead, hostile module names, libkmod's messages, values that would
# break lines, and list-persisted's cost. The table of bad input that must
# fail cleanly is test/badinput.bats; index edge cases test/kindex.bats.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	M=$ROOT/lib/modules/$KREL
}

@test "a FIFO in modprobe.d is skipped with a warning (libkmod would block on it)" {
	mkfifo "$ROOT/etc/modprobe.d/zz.conf"
	run --separate-stderr timeout 20 "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:06.0
	assert_success
	assert_equal "$stderr" "vfioctl: warning: $ROOT/etc/modprobe.d/zz.conf: not a regular file; not read"
	# the regular files are still read: vfxt.conf's blacklist holds
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfio_pci
}

@test "modprobe.d keeps kmod's precedence: a link to /dev/null in etc/ hides lib/'s file" {
	mkdir -p "$ROOT/lib/modprobe.d"
	mv "$ROOT/etc/modprobe.d/vfxt.conf" "$ROOT/lib/modprobe.d/vfxt.conf"
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:06.0
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfio_pci
	ln -s /dev/null "$ROOT/etc/modprobe.d/vfxt.conf"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:06.0
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfxt_black_vfio_pci
}

@test "libkmod's messages while reading modprobe.d go through vfioctl's log; -q silences them" {
	local line
	echo 'bogus line' >> "$ROOT/etc/modprobe.d/vfxt.conf"
	line=$(wc -l < "$ROOT/etc/modprobe.d/vfxt.conf")
	run --separate-stderr "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_success
	assert_equal "$stderr" "vfioctl: warning: $ROOT/etc/modprobe.d/vfxt.conf line $line: ignoring bad line starting with 'bogus'"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" -q list-candidates 0000:00:03.0
	assert_success
	assert_equal "$stderr" ""
}

@test "a module name the shell would run never reaches an install line in modprobe.d" {
	cp "$(find "$M" -name 'vfxt_cfg.ko*' | head -n 1)" "$M/extra/x;touch \$HOME.ko"
	fixture_depmod "$ROOT"
	mkdir -p "$ROOT/etc/vfioctl.d"
	printf 'device = 0000:00:09.0\n' > "$ROOT/etc/vfioctl.d/pci-0000:00:09.0.conf"
	# a --persist command that changes the records regenerates etc/modprobe.d/vfioctl.conf
	run --separate-stderr "$VFIOCTL" --root "$ROOT" bind --persist 1af4:9999
	assert_success
	assert_equal "$stderr" "vfioctl: warning: ignoring module name 'x;touch \$HOME' from modules.alias.bin: not a module name"
	run grep '^install ' "$ROOT/etc/modprobe.d/vfioctl.conf"
	assert_output --regexp '^install vfxt_cfg /'
	refute_output --partial touch
}

@test "list-persisted reads each device once, not once per record" {
	local i opens ndev
	mkdir -p "$ROOT/etc/vfioctl.d"
	for i in $(seq 1 40); do
		printf 'ids = 1af4:%04x\n' "$i" > "$ROOT/etc/vfioctl.d/ids-$i.conf"
	done
	printf 'ids = 1af4:1110\n' > "$ROOT/etc/vfioctl.d/ids-ivshmem.conf"
	ndev=$(ls "$ROOT/sys/bus/pci/devices" | wc -l)
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=openat,openat2 -o "$BATS_TEST_TMPDIR/s" \
		"$VFIOCTL" --root "$ROOT" --json list-persisted > "$BATS_TEST_TMPDIR/out"
	# by path, or by name beside a device's directory fd (lib/device.c)
	opens=$(grep -cE '[/"]modalias"' "$BATS_TEST_TMPDIR/s")
	assert_equal "$opens" "$ndev"
	assert_equal "$(jq -c '[.[] | select(.ids == "1af4:1110") | .devices[]]' "$BATS_TEST_TMPDIR/out")" '["0000:00:08.0"]'
	assert_equal "$(jq length "$BATS_TEST_TMPDIR/out")" 41
}

@test "values with newlines or escape sequences are never echoed raw, in text or JSON" {
	local dev
	dev=$(fixture_device_dir "$ROOT" 0000:00:03.0)
	printf '\033[2Jevil\nvfioctl: 0000:00:03.0: fake\n' > "$dev/driver_override"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" list-overrides
	assert_success
	assert_line --regexp '^0000:00:03.0  \\x1b\[2Jevil\\nvfioctl: 0000:00:03.0: fake '
	refute_output --partial $'\e'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json list-overrides
	assert_equal "$(jq -r '.[] | select(.device == "0000:00:03.0") | .override' <<<"$output")" \
		$'\e[2Jevil\nvfioctl: 0000:00:03.0: fake'
	# a record's file name, in a warning and in list-persisted's table
	mkdir -p "$ROOT/etc/vfioctl.d"
	printf 'colour = blue\n' > "$ROOT/etc/vfioctl.d/"$'\e[31mx\n.conf'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" list-persisted
	assert_failure 1
	refute_output --partial $'\e'
	assert_output --partial '\x1b[31mx\n.conf:1: unknown key'
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr != *$'\e'* ]]
}

# journal TEXT: what a vfioctl killed half way leaves in run/vfioctl
journal() { mkdir -p "$ROOT/run/vfioctl"; printf '%b' "$1" > "$ROOT/run/vfioctl/journal"; }

@test "a bind killed half way (override written, no unbind yet): the next apply undoes it" {
	local d
	d=$(fixture_device_dir "$ROOT" 0000:00:02.0)
	echo vfio-pci > "$d/driver_override"
	mkdir -p "$ROOT/run/vfioctl"
	printf 'driver=e1000e\nmodule=e1000e\noverride=\n' > "$ROOT/run/vfioctl/0000:00:02.0"
	journal 'op=bind\ndevice=0000:00:02.0\ndriver=e1000e\noverride=\ntarget=vfio-pci\ntarget_override=vfio-pci\nnew_record=yes\n'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" apply
	assert_success
	assert_equal "$stderr" "vfioctl: warning: 0000:00:02.0: a bind was interrupted; undone: on e1000e"
	# the lone newline that clears it (a fake root keeps what was written)
	assert_equal "$(cat "$d/driver_override")" ""
	[ ! -e "$ROOT/run/vfioctl/journal" ]
	[ ! -e "$ROOT/run/vfioctl/0000:00:02.0" ]
}

@test "a bind killed after its last write: the next bind of another device finishes it, the record stays" {
	mkdir -p "$ROOT/run/vfioctl"
	printf 'driver=\nmodule=\noverride=\n' > "$ROOT/run/vfioctl/0000:00:0c.0"
	journal 'op=bind\ndevice=0000:00:0c.0\ndriver=\noverride=\ntarget=vfio-pci\ntarget_override=vfio-pci\nnew_record=yes\n'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" unbind 0000:00:03.0
	assert_success
	assert_equal "$stderr" "vfioctl: warning: 0000:00:0c.0: a bind was interrupted; finished: on vfio-pci"
	[ ! -e "$ROOT/run/vfioctl/journal" ]
	[ -e "$ROOT/run/vfioctl/0000:00:0c.0" ]
}

@test "temporary files a killed vfioctl left in run/vfioctl are removed by the next one that takes the lock; nothing else is" {
	local f
	mkdir -p "$ROOT/run/vfioctl/owners"
	for f in .journal.Ab3dE9 .0000:00:0c.0.zZ09aQ .platform-fff50000.ethernet.q1W2e3; do
		printf 'half' > "$ROOT/run/vfioctl/$f"
	done
	# not write_file_atomic()'s: a name of another shape, a directory, a record, the owners
	printf 'x' > "$ROOT/run/vfioctl/.journal.short"
	printf 'x' > "$ROOT/run/vfioctl/.keep me.abcdef"
	mkdir "$ROOT/run/vfioctl/.0000:00:03.0.dIrEcT"
	printf 'driver=\nmodule=\noverride=\n' > "$ROOT/run/vfioctl/0000:00:0c.0"
	# --dry-run takes no lock, and removes nothing
	run "$VFIOCTL" --root "$ROOT" bind --dry-run --driver vfio-pci 0000:00:03.0
	[ -e "$ROOT/run/vfioctl/.journal.Ab3dE9" ]
	journal 'op=bind\ndevice=0000:00:0c.0\ndriver=\noverride=\ntarget=vfio-pci\ntarget_override=vfio-pci\nnew_record=yes\n'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" unbind 0000:00:03.0
	assert_success
	run ls -A "$ROOT/run/vfioctl"
	assert_output - <<-'EOF'
		.0000:00:03.0.dIrEcT
		.journal.short
		.keep me.abcdef
		0000:00:0c.0
		lock
		owners
	EOF
}

@test "a journal that is not vfioctl's is removed with a warning; --dry-run leaves it alone" {
	journal 'op=reboot\ndevice=0000:00:02.0\n'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" apply --dry-run
	assert_success
	[ -e "$ROOT/run/vfioctl/journal" ]
	run --separate-stderr "$VFIOCTL" --root "$ROOT" apply
	assert_success
	assert_equal "$stderr" "vfioctl: warning: ignoring an unreadable journal under $ROOT/run/vfioctl: Invalid argument"
	[ ! -e "$ROOT/run/vfioctl/journal" ]
}

@test "a rename elsewhere on the host while a device's link is walked fails no read (openat2's EAGAIN is retried)" {
	# openat2 RESOLVE_IN_ROOT answers EAGAIN when any rename on the system
	# races the walk of a "..", and sysfs's links are all "../..": with
	# depmod or a package manager running, list-candidates failed devices
	# with "Resource temporarily unavailable"
	local ren=$BATS_TEST_TMPDIR/ren round pid
	mkdir "$ren" && touch "$ren/a"
	timeout 120 perl -e 'chdir $ARGV[0] or die; while (1) { rename "a", "b"; rename "b", "a" }' \
		"$ren" 3>&- &
	pid=$!
	for round in 1 2 3 4 5 6 7 8 9 10; do	# bats's run sets i
		run --separate-stderr "$VFIOCTL" --root "$ROOT" list-candidates
		[ "$status" -eq 0 ] && [ -z "$stderr" ] || break
		run --separate-stderr "$VFIOCTL" --root "$ROOT" list-devices
		[ "$status" -eq 0 ] && [ -z "$stderr" ] || break
	done
	kill "$pid"
	wait "$pid" || true
	assert_success
	assert_equal "$stderr" ""
}

@test "absolute sysfs links are resolved inside --root: list-devices, list-candidates, show and the in-use checks answer the same" {
	local cmd before=()
	local -a cmds=("--json list-devices" "--json list-candidates" "--json show 0000:00:03.0"
		"--json show 0000:00:0c.0" "--json list-overrides" "--json show 0000:00:07.0")
	# in-use checks that follow class links: the root's disk, a framebuffer
	fixture_add_blockdev "$ROOT" 0000:00:07.0 nvme0n1 1 2
	fixture_add_holder "$ROOT" nvme0n1p2 dm-0 vg0-root
	fixture_mount "$ROOT" dm-0 /
	fixture_add_fb "$ROOT" 0000:00:01.0 fb0 console drm
	for cmd in "${cmds[@]}"; do
		# shellcheck disable=SC2086 # the command's words
		run --separate-stderr "$VFIOCTL" --root "$ROOT" $cmd
		assert_success
		jq -e 'length > 0' <<<"$output" >/dev/null
		before+=("$output")
	done
	fixture_absolute_links "$ROOT"
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:00:03.0")" = /sys/devices/pci0000:00/0000:00:03.0 ]
	jq -e '.[] | select(.device == "0000:00:07.0") | .in_use == ["root", "holder"]' <<<"${before[0]}"
	local k=0
	for cmd in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$VFIOCTL" --root "$ROOT" $cmd
		assert_success
		assert_equal "$output" "${before[k]}"
		k=$((k + 1))
	done
}
