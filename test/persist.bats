#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Records in etc/vfioctl.d on fake roots: writing, reading, refusing,
# apply's plan and exit codes, import from driverctl, the modprobe.d
# install lines. What they do at boot is tested in test/vm/persist.bats.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	D=$ROOT/etc/vfioctl.d
}

record() {	# record FILE LINES...: write a record as an admin would
	local f=$D/$1
	shift
	mkdir -p "$D"
	printf '%s\n' "$@" > "$f"
}

@test "bind --persist records the choice (auto) only after the device is on it" {
	run "$VFIOCTL" --root "$ROOT" bind --persist 0000:00:0a.0
	assert_success
	assert_output --partial "0000:00:0a.0: recorded in $D/pci-0000:00:0a.0.conf (driver auto)"
	run grep -v '^#' "$D/pci-0000:00:0a.0.conf"
	assert_output "$(printf 'device = 0000:00:0a.0\ndriver = auto')"
	assert_equal "$(stat -c '%U %a' "$D/pci-0000:00:0a.0.conf")" "root 644"
	# with --driver, the driver is recorded
	run "$VFIOCTL" --root "$ROOT" bind --persist --driver vfio-pci 0000:00:0c.0
	assert_success
	grep -qx 'driver = vfio-pci' "$D/pci-0000:00:0c.0.conf"
}

@test "a bind --persist that fails records nothing" {
	run "$VFIOCTL" --root "$ROOT" bind --persist 0000:00:04.0
	assert_failure 1
	assert_output --partial "not recorded"
	[ ! -e "$D/pci-0000:00:04.0.conf" ]
}

@test "records are written atomically: a temp file in the same directory, then rename" {
	# -y: file descriptors as the paths they name (vfioctl opens inside the
	# root's directory fds)
	env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -y -e trace=openat,openat2,rename,renameat,renameat2,fsync \
		-o "$BATS_TEST_TMPDIR/s" "$VFIOCTL" --root "$ROOT" bind --persist 0000:00:0a.0
	# the final name is never opened for writing; a temp is fsynced and renamed onto it
	refute grep -E "openat2?\(.*\"($D/)?pci-0000:00:0a.0.conf\".*O_WRONLY" "$BATS_TEST_TMPDIR/s"
	grep -E "rename(at2?\([0-9]+<$D>, )?\"\.pci-0000:00:0a.0.conf\.[A-Za-z0-9]{6}\", [0-9]+<$D>, \"pci-0000:00:0a.0.conf\"" "$BATS_TEST_TMPDIR/s"
	grep -q fsync "$BATS_TEST_TMPDIR/s"
	[ -z "$(find "$D" -name '.*')" ]
}

@test "an offline image (no sysfs under --root): records are written without binding" {
	local img=$BATS_TEST_TMPDIR/img
	mkdir -p "$img/etc"
	run "$VFIOCTL" --root "$img" bind --persist 0000:41:00.0 15b3:101e 8086:10d3:8086:a01f
	assert_success
	assert_equal "$(ls "$img/etc/vfioctl.d")" "$(printf '%s\n' ids-15b3:101e.conf ids-8086:10d3:8086:a01f.conf pci-0000:41:00.0.conf)"
	grep -qx 'ids = 15b3:101e' "$img/etc/vfioctl.d/ids-15b3:101e.conf"
	run "$VFIOCTL" --root "$img" --json list-persisted
	assert_success
	assert_equal "$(jq -r '[.[] | .device // .ids] | join(" ")' <<<"$output")" \
		"15b3:101e 8086:10d3:8086:a01f 0000:41:00.0"
	run "$VFIOCTL" --root "$img" unbind --persist 15b3:101e 0000:41:00.0
	assert_success
	assert_equal "$(ls "$img/etc/vfioctl.d")" ids-8086:10d3:8086:a01f.conf
}

@test "bad names with --persist are rejected, nothing written" {
	local img=$BATS_TEST_TMPDIR/img n
	mkdir -p "$img/etc"
	for n in 15b3:101 15b3:101e:1 15b3-101e ../x 'g5b3:101e' 15b3:101e:15b3:00010; do
		run "$VFIOCTL" --root "$img" bind --persist "$n"
		assert_failure 2
		assert_output --partial "'$n'"
	done
	[ ! -e "$img/etc/vfioctl.d" ]
}

@test "list-persisted: malformed files reported as file:line and skipped, the others kept" {
	record good.conf 'device = 0000:00:0a.0' 'driver = auto'
	record bad-addr.conf 'device = 0000:00:99.0'
	record bad-key.conf '# fine' 'ids=1234:11e8' 'colour = blue'
	record two.conf 'device = 0000:00:03.0' 'ids = 1234:11e8'
	record nokey.conf 'driver = vfio-pci'
	record noeq.conf 'device 0000:00:03.0'
	record ignored.txt 'this is not a record'
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json list-persisted
	assert_failure 1
	assert_equal "$(jq -r '[.[] | select(.error == null) | .record] | join(" ")' <<<"$output")" "$D/good.conf"
	assert_equal "$(jq -r '.[] | select(.record == "'"$D"'/bad-key.conf") | .error' <<<"$output")" "$D/bad-key.conf:3: unknown key 'colour'"
	run "$VFIOCTL" --root "$ROOT" list-persisted
	assert_output --partial "warning: $D/bad-addr.conf:1: '0000:00:99.0' is not a PCI address; file skipped"
	assert_output --partial "$D/two.conf:2: a second device or ids line"
	assert_output --partial "$D/nokey.conf: no device or ids line"
	assert_output --partial "$D/noeq.conf:1: expected key = value"
	refute_output --partial ignored.txt
}

@test "records not owned by root, or writable by others, are refused" {
	record a.conf 'device = 0000:00:0a.0'
	record b.conf 'device = 0000:00:0c.0'
	record c.conf 'device = 0000:00:03.0'
	chmod o+w "$D/a.conf"
	chown nobody "$D/b.conf"
	chmod g+w "$D/c.conf"
	chgrp nogroup "$D/c.conf"
	run "$VFIOCTL" --root "$ROOT" list-persisted
	assert_failure 1
	assert_output --partial "$D/a.conf: refused: writable by others"
	assert_output --partial "$D/b.conf: refused: not owned by root"
	assert_output --partial "$D/c.conf: refused: writable by others"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json apply --dry-run
	assert_equal "$(jq '.devices | length' <<<"$output")" 0
}

@test "apply: 0 when there is nothing to do, 3 when it would bind, 1 when a record is broken" {
	record a.conf 'device = 0000:00:0a.0'
	run "$VFIOCTL" --root "$ROOT" apply
	assert_success
	assert_output --partial "nothing to do"
	run "$VFIOCTL" --root "$ROOT" --json apply
	assert_success
	jq -e '.changed == false and .failed == 0' <<<"$output"
	record b.conf 'device = 0000:00:04.0'
	run "$VFIOCTL" --root "$ROOT" --json apply --dry-run
	assert_failure 3
	jq -e '.changed == true and (.devices[] | select(.device == "0000:00:04.0") | .status) == "planned"' <<<"$output"
	record c.conf 'devices = 0000:00:03.0'
	run "$VFIOCTL" --root "$ROOT" apply --dry-run
	assert_failure 1
	# the broken record does not stop the others
	assert_output --partial "0000:00:04.0: would bind to vfxt-e1000e-sub"
}

@test "apply picks one record per device: device before ids, subsystem ids before plain" {
	record 1.conf 'ids = 8086:10d3' 'driver = vfio-pci'
	record 2.conf 'ids = 8086:10d3:8086:a01f' 'driver = vfxt_e1000e_vfio_pci'
	run "$VFIOCTL" --root "$ROOT" --json apply --dry-run
	assert_equal "$(jq -r '.devices[] | "\(.device) \(.record)"' <<<"$output" | sort)" \
		"$(printf '%s\n' "0000:00:02.0 $D/1.conf" "0000:00:04.0 $D/2.conf" "0000:01:01.0 $D/1.conf")"
	record 3.conf 'device = 0000:00:04.0' 'driver = auto'
	run "$VFIOCTL" --root "$ROOT" --json apply --dry-run 0000:00:04.0
	assert_equal "$(jq -r '.devices[0].record' <<<"$output")" "$D/3.conf"
	assert_equal "$(jq -r '.devices[0].writes[0].value' <<<"$output")" vfxt-e1000e-sub
}

@test "apply lists device records whose device is absent, without failing" {
	record gone.conf 'device = 0000:00:1e.0'
	run "$VFIOCTL" --root "$ROOT" --json apply
	assert_success
	assert_equal "$(jq -r '.absent[0].device' <<<"$output")" 0000:00:1e.0
}

@test "apply holds an unbound device with a placeholder override while its module loads, and lets go on failure" {
	record t.conf 'device = 0000:00:08.0'
	"$FIXTURE_TOP/test/lib/trace-writes" "$BATS_TEST_TMPDIR/w" "$VFIOCTL" --root "$ROOT" apply || true
	grep "$ROOT/sys" "$BATS_TEST_TMPDIR/w" | sed "s|$ROOT||" > "$BATS_TEST_TMPDIR/got"
	printf '%s\t%s\n' /sys/bus/pci/devices/0000:00:08.0/driver_override vfioctl/pending \
		/sys/bus/pci/devices/0000:00:08.0/driver_override '\n' > "$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "list-overrides shows sysfs overrides and the record that keeps each" {
	run "$VFIOCTL" --root "$ROOT" --json list-overrides
	assert_success
	assert_equal "$(jq -c '.' <<<"$output")" '[{"device":"0000:00:0c.0","override":"vfio-pci","driver":"vfio-pci","record":null}]'
	record k.conf 'device = 0000:00:0c.0'
	run "$VFIOCTL" --root "$ROOT" --json list-overrides
	assert_equal "$(jq -r '.[0].record' <<<"$output")" "$D/k.conf"
}

@test "import-driverctl turns driverctl's saved overrides into records" {
	mkdir -p "$ROOT/etc/driverctl.d"
	echo vfio-pci > "$ROOT/etc/driverctl.d/pci-0000:00:02.0"
	echo vfio-pci > "$ROOT/etc/driverctl.d/pci-0000:00:0c.0"
	echo foo > "$ROOT/etc/driverctl.d/usb-1-1"
	printf '' > "$ROOT/etc/driverctl.d/pci-0000:00:03.0"
	record keep.conf 'device = 0000:00:0c.0' 'driver = auto'
	run "$VFIOCTL" --root "$ROOT" import-driverctl
	assert_failure 1
	assert_output --partial "0000:00:02.0: recorded in $D/pci-0000:00:02.0.conf (driver vfio-pci)"
	assert_output --partial "0000:00:0c.0: already recorded, kept"
	assert_output --partial "usb-1-1: not an override for a bus vfioctl knows; skipped"
	assert_output --partial "0000:00:03.0: $ROOT/etc/driverctl.d/pci-0000:00:03.0: no driver name in it"
	grep -qx 'driver = vfio-pci' "$D/pci-0000:00:02.0.conf"
	grep -qx 'driver = auto' "$D/keep.conf"
}

@test "recording a device writes modprobe.d install lines that kmod parses, for its native driver" {
	local r=$BATS_TEST_TMPDIR/r2 line
	fixture_mkroot "$r" --debian-module e1000e
	mkdir -p "$r/etc/driverctl.d"
	echo vfio-pci > "$r/etc/driverctl.d/pci-0000:00:02.0"
	run "$VFIOCTL" --root "$r" import-driverctl
	assert_success
	run grep '^install' "$r/etc/modprobe.d/vfioctl.conf"
	assert_output --regexp '^install e1000e /[^ ]+/vfioctl --quiet apply; /sbin/modprobe --ignore-install e1000e \$CMDLINE_OPTS$'
	# kmod reads it as an install command for e1000e
	run modprobe -d "$r" -S "$KREL" -C "$r/etc/modprobe.d" -c
	assert_line --partial "install e1000e "
	# forgetting the record drops the line, and the file with it
	run "$VFIOCTL" --root "$r" unbind --persist --dry-run 0000:00:02.0
	rm "$r/etc/vfioctl.d/pci-0000:00:02.0.conf"
	rm "$r/etc/driverctl.d/pci-0000:00:02.0"
	run "$VFIOCTL" --root "$r" import-driverctl
	[ ! -e "$r/etc/modprobe.d/vfioctl.conf" ]
}
