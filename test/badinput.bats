#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input, one row each: malformed names and options, records, driverctl
# files, alias and dependency indexes, sysfs shapes, FIFOs, symlinks,
# ownership and modes, and hostile environments (read-only /etc, no
# /sys/bus/pci, a user who is not root). Every row: exit status 1 or 2,
# exactly one line on stderr naming the problem (no raw control byte in
# it or in stdout), and no change anywhere under the root, by a manifest
# of every entry (type, mode, target, mtime, content).

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	D=$ROOT/sys/bus/pci/devices
	M=$ROOT/lib/modules/$KREL
	R=$ROOT/etc/vfioctl.d
	# as after any earlier run, so that taking the lock changes nothing
	mkdir -p "$ROOT/run/vfioctl" "$R" "$ROOT/etc/driverctl.d"
	: > "$ROOT/run/vfioctl/lock"
	printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' > "$ROOT/etc/passwd"
	printf 'root:x:0:\nalice:x:1000:\nkvm:x:992:alice\n' > "$ROOT/etc/group"
	OUTSIDE=$BATS_TEST_TMPDIR/outside
	mkdir -p "$OUTSIDE"
}

# bad STATUS PATTERN [--as UID] [--ro DIR] [--raw] -- ARGS...: run
# vfioctl --root ROOT ARGS (--raw: ARGS alone) and check the row's promises.
# PATTERN is an extended regular expression the one stderr line must match.
bad() {
	local want=$1 pattern=$2 raw=0 before after manifest ro=
	local -a wrap=()
	shift 2
	while [ "$1" != -- ]; do
		case $1 in
		--as) wrap=(setpriv --reuid="$2" --regid="$2" --clear-groups); shift 2 ;;
		--ro) ro=$2; shift 2 ;;
		--raw) raw=1; shift ;;
		*) fail "bad: unknown option $1" ;;
		esac
	done
	shift
	manifest=$(fixture_tree_manifest "$ROOT")
	before=$(fixture_tree_manifest "$OUTSIDE")
	local -a cmd=("$VFIOCTL")
	[ "$raw" = 1 ] || cmd+=(--root "$ROOT")
	cmd+=("$@")
	if [ -n "$ro" ]; then
		run --separate-stderr timeout 30 "$BATS_TEST_DIRNAME/lib/private-ns" sh -c \
			'mount --bind -o ro "$1" "$1" && shift && exec "$@"' sh "$ro" "${wrap[@]}" "${cmd[@]}"
	else
		run --separate-stderr timeout 30 "${wrap[@]}" "${cmd[@]}"
	fi
	[ "$status" -eq "$want" ] ||
		fail "exit status $status, not $want; stderr: $stderr; stdout: $output"
	[ "$(printf '%s\n' "$stderr" | grep -c '')" -eq 1 ] && [ -n "$stderr" ] ||
		fail "stderr is not one line: $stderr"
	[[ $stderr =~ ^vfioctl:\ (error:\ )?(.*) ]] || fail "not vfioctl's error line: $stderr"
	[[ ${BASH_REMATCH[2]} =~ $pattern ]] || fail "'$stderr' does not match '$pattern'"
	! LC_ALL=C grep -q '[[:cntrl:]]' <<<"$stderr" || fail "raw control byte in: $stderr"
	! LC_ALL=C tr -d '\n\t' <<<"$output" | grep -q '[[:cntrl:]]' || fail "raw control byte in stdout"
	after=$(fixture_tree_manifest "$ROOT")
	[ "$after" = "$manifest" ] || fail "changed under the root: $(diff <(echo "$manifest") <(echo "$after"))"
	[ "$(fixture_tree_manifest "$OUTSIDE")" = "$before" ] || fail "changed outside the root"
}

fifo() { rm -f "$1"; mkfifo "$1"; }
# as_user: the root readable by anyone, the directories above it searchable
as_user() {
	local d=$ROOT stop
	stop=$(dirname "$BATS_RUN_TMPDIR")
	chmod -R a+rX "$ROOT"
	while d=$(dirname "$d") && [ "$d" != "$stop" ] && [ "$d" != / ]; do
		chmod a+x "$d"
	done
}
rep() { printf "%${2}s" '' | tr ' ' "$1"; }
attr() { fixture_device_dir "$ROOT" "$1"; }

# --- names and options ------------------------------------------------------

@test "name: a word" { bad 2 "'foo': not a PCI device name" -- bind foo; }
@test "name: no function" { bad 2 "'0000:00:03': not a PCI device name" -- bind 0000:00:03; }
@test "name: function 8" { bad 2 "not a PCI device name" -- show 0000:00:03.8; }
@test "name: device 0x20" { bad 2 "not a PCI device name" -- unbind 0000:00:20.0; }
@test "name: 9-digit domain" { bad 2 "not a PCI device name" -- bind 100000000:00:03.0; }
@test "name: a path" { bad 2 "not a PCI device name" -- bind ../../../etc/passwd; }
@test "name: empty" { bad 2 "'': not a PCI device name" -- bind ''; }
@test "name: a newline, escaped" { bad 2 "not a PCI device name" -- bind $'0000:00:03.0\nvfioctl: fake'; }
@test "name: an escape sequence, never raw" { bad 2 "not a PCI device name" -- show $'\e[31mred\e[0m'; }
@test "name: 200 characters" { bad 2 "not a PCI device name" -- list-candidates "$(printf '%0200d' 0)"; }
@test "name: absent device" { bad 2 "0000:00:1e.0: no such PCI device" -- bind 0000:00:1e.0; }
@test "name: IDs without --persist" { bad 2 "'1af4:1110': not a PCI device name" -- bind 1af4:1110; }
@test "name: bad IDs with --persist" { bad 2 "not a PCI device name or vendor:device" -- bind --persist gggg:0000; }
@test "name: three IDs" { bad 2 "not a PCI device name or vendor:device" -- unbind --persist 1af4:1110:1af4; }
@test "name: no device at all" { bad 2 "name at least one device" -- bind; }
@test "option: unknown command" { bad 2 "unknown command 'frobnicate'" -- frobnicate; }
@test "option: --numvfs negative" { bad 2 "--numvfs '-1': not a number of VFs" -- sriov --numvfs -1 0000:00:07.0; }
@test "option: --numvfs too big" { bad 2 "--numvfs '70000': not a number of VFs" -- sriov --numvfs 70000 0000:00:07.0; }
@test "option: --numvfs a word" { bad 2 "--numvfs 'four'" -- sriov --numvfs four 0000:00:07.0; }
@test "option: sriov without --numvfs" { bad 2 "--numvfs" -- sriov 0000:00:07.0; }
@test "option: --driver with a slash" { bad 2 "'a/b': not a module or driver name" -- bind --driver a/b 0000:00:03.0; }
@test "option: --driver 64 characters" { bad 2 "not a module or driver name" -- bind --driver "$(rep d 64)" 0000:00:03.0; }
@test "option: --driver naming nothing" { bad 2 "0000:00:03.0: no PCI driver or module named nosuch" -- bind --driver nosuch 0000:00:03.0; }
@test "option: --owner with a newline" { bad 2 "--owner 'alice\\\\nroot': not USER\\[:GROUP\\]" -- bind --owner $'alice\nroot' 0000:00:03.0; }
@test "option: --owner unknown user" { bad 2 "--owner 'mallory': no such user" -- bind --owner mallory 0000:00:03.0; }
@test "option: --owner unknown group" { bad 2 "--owner 'alice:wheel': no such (user or )?group" -- bind --owner alice:wheel 0000:00:03.0; }
@test "option: --owner 40 characters" { bad 2 "not USER\\[:GROUP\\]" -- bind --owner "$(rep a 40)" 0000:00:03.0; }
@test "option: --owner two colons" { bad 2 "not USER\\[:GROUP\\]" -- bind --owner a:b:c 0000:00:03.0; }
@test "option: --owner on an ids record, unknown user" { bad 2 "--owner 'mallory': no such user" -- bind --persist --owner mallory 1af4:1110; }
@test "option: --owner on an ids record, a newline" { bad 2 "not USER\\[:GROUP\\]" -- bind --persist --owner $'alice\ndriver = evil' 1af4:1110; }
@test "option: --owner on sriov --persist" { bad 2 "--owner 'mallory': no such user" -- sriov --persist --numvfs 2 --owner mallory 0000:00:07.0; }
@test "option: --kernel with a slash" { bad 2 "--kernel '../x': not a release name" -- --kernel ../x list-candidates; }
@test "option: --kernel empty" { bad 2 "--kernel '': not a release name" -- --kernel '' list-candidates; }
@test "option: --kernel 300 characters" { bad 2 "--kernel '.*': (not a release name|File name too long)" -- --kernel "$(rep k 300)" list-candidates; }
@test "option: --kernel absent release" { bad 1 "no module directory.*9\\.9\\.9" -- --kernel 9.9.9 list-candidates 0000:00:03.0; }
@test "option: --root empty" { bad 2 "--root '': " --raw -- --root '' list-devices; }
@test "option: --root absent" { bad 2 "--root '.*/nowhere': No such file or directory" --raw -- --root "$BATS_TEST_TMPDIR/nowhere" list-devices; }
@test "option: --root a file" { bad 2 "--root '.*/passwd': Not a directory" --raw -- --root "$ROOT/etc/passwd" list-devices; }
@test "option: owner of a node that is no node" { bad 2 "'../x': not a VFIO node" -- owner ../x; }
@test "option: owner of two nodes" { bad 2 "owner: name one node" -- owner 10 11; }

# --- records in etc/vfioctl.d ------------------------------------------------

# record NAME TEXT: a record file as root writes it
record() { printf '%b' "$2" > "$R/$1"; }

@test "record: unknown key" { record a.conf 'device = 0000:00:03.0\ncolour = blue\n'; bad 1 "a.conf:2: unknown key 'colour'" -- apply --dry-run; }
@test "record: no device line" { record a.conf 'driver = auto\n'; bad 1 "a.conf: no device or ids line" -- apply --dry-run; }
@test "record: bad address" { record a.conf 'device = 0000:00:03\n'; bad 1 "a.conf:1: '0000:00:03' is not a PCI address" -- list-persisted; }
@test "record: bad IDs" { record a.conf 'ids = 1af4\n'; bad 1 "a.conf:1: '1af4' is not VVVV:DDDD" -- apply --dry-run; }
@test "record: bad driver" { record a.conf 'device = 0000:00:03.0\ndriver = a;b\n'; bad 1 "a.conf:2: 'a;b' is not a driver or module name" -- apply --dry-run; }
@test "record: bad owner" { record a.conf 'device = 0000:00:03.0\nowner = a:b:c\n'; bad 1 "a.conf:2: 'a:b:c' is not USER\\[:GROUP\\]" -- apply --dry-run; }
@test "record: bad numvfs" { record a.conf 'device = 0000:00:07.0\nnumvfs = -3\n'; bad 1 "a.conf:2: '-3' is not a number of VFs" -- apply --dry-run; }
@test "record: two device lines" { record a.conf 'device = 0000:00:03.0\ndevice = 0000:00:04.0\n'; bad 1 "a.conf:2: a second device or ids line" -- apply --dry-run; }
@test "record: a line of 600 bytes" { record a.conf "device = 0000:00:03.0\n# $(rep x 600)\n"; bad 1 "a.conf:2: line too long" -- apply --dry-run; }
@test "record: no key = value" { record a.conf 'device 0000:00:03.0\n'; bad 1 "a.conf:1: expected key = value" -- apply --dry-run; }
@test "record: an escape sequence in a value, escaped" { record a.conf 'device = \\033[2J0000:00:03.0\n'; bad 1 "is not a PCI address" -- apply --dry-run; }
@test "record: a NUL byte" { record a.conf 'device = 0000:00:03.0\0\ndriver = auto\n'; bad 1 "a.conf:1: " -- apply --dry-run; }
@test "record: not owned by root" { record a.conf 'device = 0000:00:03.0\n'; chown 1000 "$R/a.conf"; bad 1 "a.conf: refused: not owned by root" -- apply --dry-run; }
@test "record: writable by others" { record a.conf 'device = 0000:00:03.0\n'; chmod 0666 "$R/a.conf"; bad 1 "a.conf: refused: writable by others" -- apply --dry-run; }
@test "record: group-writable, group not root" { record a.conf 'device = 0000:00:03.0\n'; chgrp 992 "$R/a.conf"; chmod 0664 "$R/a.conf"; bad 1 "a.conf: refused: writable by others" -- list-persisted; }
@test "record: a FIFO" { fifo "$R/a.conf"; bad 1 "a.conf: not a regular file" -- apply --dry-run; }
@test "record: a symlink out of the root" { echo 'device = 0000:00:03.0' > "$OUTSIDE/x.conf"; ln -s "$OUTSIDE/x.conf" "$R/a.conf"; bad 1 "a.conf: No such file or directory" -- apply --dry-run; }

# --- driverctl files ---------------------------------------------------------

dctl() { printf '%b' "$2" > "$ROOT/etc/driverctl.d/$1"; }

@test "driverctl: a NUL inside the name" { dctl pci-0000:00:03.0 "vfio-pci\0$(rep A 300)"; bad 1 "0000:00:03.0: .*pci-0000:00:03.0: no driver name in it" -- import-driverctl; }
@test "driverctl: none (driverctl's keep-off-every-driver) is not imported as a driver" { dctl pci-0000:00:03.0 'none\n'; bad 1 "0000:00:03.0: .*pci-0000:00:03.0: driverctl's \"none\" keeps it off every driver, not a binding to record; skipped" -- import-driverctl; }
@test "driverctl: empty" { dctl pci-0000:00:03.0 ''; bad 1 "no driver name in it" -- import-driverctl; }
@test "driverctl: not a name" { dctl pci-0000:00:03.0 'vfio pci; reboot\n'; bad 1 "no driver name in it" -- import-driverctl; }
@test "driverctl: two lines" { dctl pci-0000:00:03.0 'vfio-pci\nvfio-pci\n'; bad 1 "no driver name in it" -- import-driverctl --dry-run; }
@test "driverctl: 5000 bytes" { dctl pci-0000:00:03.0 "$(rep v 5000)"; bad 1 "no driver name in it" -- import-driverctl; }
@test "driverctl: a FIFO" { fifo "$ROOT/etc/driverctl.d/pci-0000:00:03.0"; bad 1 "pci-0000:00:03.0: not a regular file" -- import-driverctl; }
@test "driverctl: not owned by root" { dctl pci-0000:00:03.0 'vfio-pci\n'; chown 1000 "$ROOT/etc/driverctl.d/pci-0000:00:03.0"; bad 1 "pci-0000:00:03.0: refused: not owned by root" -- import-driverctl; }
@test "driverctl: world-writable" { dctl pci-0000:00:03.0 'vfio-pci\n'; chmod 0666 "$ROOT/etc/driverctl.d/pci-0000:00:03.0"; bad 1 "refused: writable by others" -- import-driverctl; }
@test "driverctl: a directory in its place" { mkdir "$ROOT/etc/driverctl.d/pci-0000:00:03.0"; bad 1 "pci-0000:00:03.0: not a regular file; skipped" -- import-driverctl; }

# --- alias and dependency indexes --------------------------------------------

@test "index: modules.alias.bin of text" { echo 'alias pci:* x' > "$M/modules.alias.bin"; bad 1 "modules.alias.bin is not a kmod index" -- list-candidates 0000:00:03.0; }
@test "index: modules.alias.bin cut after the header" { head -c 40 "$M/modules.alias.bin" > "$BATS_TEST_TMPDIR/i"; cp "$BATS_TEST_TMPDIR/i" "$M/modules.alias.bin"; bad 1 "modules.alias.bin is corrupt" -- list-candidates 0000:00:03.0; }
@test "index: modules.alias.bin of 5 bytes" { printf 'abcde' > "$M/modules.alias.bin"; bad 1 "modules.alias.bin is not a kmod index" -- show 0000:00:03.0; }
@test "index: wrong version" { printf 'header b007f457000300010000000c\n' | "$FIXTURE_TOP/test/lib/mkindex" "$M/modules.alias.bin"; bad 1 "not a kmod index" -- bind --dry-run 0000:00:03.0; }
@test "index: root past the end" { printf 'root @99999\n' | "$FIXTURE_TOP/test/lib/mkindex" "$M/modules.alias.bin"; bad 1 "modules.alias.bin is corrupt" -- list-candidates 0000:00:03.0; }
@test "index: a loop" { printf 'node r prefix=vfio_pci: child=*:a\nnode a child=*:r value=m\nroot r\n' | "$FIXTURE_TOP/test/lib/mkindex" "$M/modules.alias.bin"; bad 1 "modules.alias.bin is corrupt" -- bind --dry-run 0000:00:03.0; }
@test "index: a FIFO" { fifo "$M/modules.alias.bin"; bad 1 "modules.alias.bin is not a kmod index" -- list-candidates 0000:00:03.0; }
@test "index: missing" { rm "$M/modules.alias.bin"; bad 1 "modules.alias.bin is missing; run depmod" -- list-candidates 0000:00:03.0; }
@test "index: builtin alias index of text" { echo x > "$M/modules.builtin.alias.bin"; bad 1 "modules.builtin.alias.bin is not a kmod index" -- list-candidates 0000:00:03.0; }
@test "index: builtin alias index a FIFO" { fifo "$M/modules.builtin.alias.bin"; bad 1 "modules.builtin.alias.bin is not a kmod index" -- show 0000:00:03.0; }
@test "index: two releases, no --kernel" { mkdir -p "$ROOT/lib/modules/9.9.9"; bad 1 "holds several kernel releases; pick one with --kernel" -- list-candidates 0000:00:03.0; }
@test "index: no module directory" { rm -rf "$ROOT/lib/modules"; bad 1 "no kernel module directory under" -- list-candidates 0000:00:03.0; }

# --- sysfs shapes ------------------------------------------------------------

# A PCI modalias of the kernel's shape carries vendor, device, subsystem and
# class (lib/pcidev.c): the files are read only when it does not.
odd_modalias() { printf 'pci:v00001234d000011e8sv00001af4sd00001100bc00scffi00\n' > "$(attr 0000:00:03.0)/modalias"; }
@test "sysfs: vendor missing, modalias without the IDs" { odd_modalias; rm "$(attr 0000:00:03.0)/vendor"; bad 1 "0000:00:03.0: cannot read device: No such file" -- show 0000:00:03.0; }
@test "sysfs: vendor not hex, modalias without the IDs" { odd_modalias; echo 0xzz > "$(attr 0000:00:03.0)/vendor"; bad 1 "0000:00:03.0: .*Invalid argument" -- show 0000:00:03.0; }
@test "sysfs: vendor a FIFO, modalias without the IDs" { odd_modalias; fifo "$(attr 0000:00:03.0)/vendor"; bad 1 "0000:00:03.0: .*not a regular file" -- bind 0000:00:03.0; }
@test "sysfs: IDs from a kernel-shaped modalias; the six files are not opened" {
	rm "$(attr 0000:00:03.0)/vendor" "$(attr 0000:00:03.0)/class"
	fifo "$(attr 0000:00:03.0)/device"
	run "$VFIOCTL" --root "$ROOT" --json list-devices
	assert_success
	assert_equal "$(jq -r '.[] | select(.device == "0000:00:03.0") |
		[.vendor_id, .device_id, .subsystem_vendor_id, .subsystem_device_id, .class] | join(" ")' <<<"$output")" \
		"1234 11e8 1af4 1100 00ff00"
}
@test "sysfs: modalias a FIFO" { fifo "$(attr 0000:00:03.0)/modalias"; bad 1 "0000:00:03.0: .*not a regular file" -- list-candidates 0000:00:03.0; }
@test "sysfs: modalias with a NUL" { printf 'pci:v00001234\0d000011E8\n' > "$(attr 0000:00:03.0)/modalias"; bad 1 "0000:00:03.0: .*Invalid argument" -- list-candidates 0000:00:03.0; }
@test "sysfs: modalias with a newline inside" { printf 'pci:v00001234\nd000011E8\n' > "$(attr 0000:00:03.0)/modalias"; bad 1 "0000:00:03.0: .*Invalid argument" -- list-candidates 0000:00:03.0; }
@test "sysfs: modalias with a control byte, read with the device" { printf 'pci:v00001234d000011E8\033\n' > "$(attr 0000:00:03.0)/modalias"; bad 1 "0000:00:03.0: .*Invalid argument" -- show 0000:00:03.0; }
@test "sysfs: modalias of 5000 bytes" { printf 'pci:%05000d\n' 0 > "$(attr 0000:00:03.0)/modalias"; bad 1 "0000:00:03.0: .*Value too large" -- show 0000:00:03.0; }
@test "sysfs: driver_override a FIFO" { fifo "$(attr 0000:00:03.0)/driver_override"; bad 1 "0000:00:03.0: .*not a regular file" -- bind 0000:00:03.0; }
@test "sysfs: driver_override a directory" { rm "$(attr 0000:00:03.0)/driver_override"; mkdir "$(attr 0000:00:03.0)/driver_override"; bad 1 "0000:00:03.0: .*not a regular file" -- unbind 0000:00:03.0; }
@test "sysfs: drivers_probe a FIFO" { fifo "$ROOT/sys/bus/pci/drivers_probe"; bad 1 "0000:00:03.0: .*" -- bind 0000:00:03.0; }
@test "sysfs: device link out of the root" {
	cp -a "$(attr 0000:00:03.0)" "$OUTSIDE/dev"
	ln -sfn "$OUTSIDE/dev" "$D/0000:00:03.0"
	bad 1 "0000:00:03.0: " -- bind 0000:00:03.0
}
@test "sysfs: device link dangling" { ln -sfn ../../../devices/pci0000:00/nowhere "$D/0000:00:03.0"; bad 1 "0000:00:03.0: " -- show 0000:00:03.0; }
@test "sysfs: no /sys/bus/pci" { rm -rf "$ROOT/sys/bus/pci"; bad 1 "cannot list PCI devices.*No such file" -- list-devices; }
@test "sysfs: devices is a file" { rm -rf "$D"; : > "$D"; bad 1 "cannot list PCI devices.*Not a directory" -- list-overrides; }

# --- run/vfioctl, owners, symlinks -------------------------------------------

@test "lock: a symlink out of the root" { rm "$ROOT/run/vfioctl/lock"; ln -s "$OUTSIDE/lock" "$ROOT/run/vfioctl/lock"; bad 1 "lock.*Too many levels of symbolic links" -- bind 0000:00:03.0; }
@test "lock: a FIFO" { fifo "$ROOT/run/vfioctl/lock"; bad 1 "lock.*not a regular file" -- unbind 0000:00:0a.0; }
@test "passwd: a FIFO" { fifo "$ROOT/etc/passwd"; bad 1 "--owner 'alice': .*passwd.*not a regular file" -- bind --owner alice 0000:00:03.0; }
@test "passwd: missing" { rm "$ROOT/etc/passwd"; bad 2 "--owner 'alice': no such user" -- bind --dry-run --owner alice 0000:00:03.0; }
@test "vfio node: a symlink out of the root" {
	mkdir -p "$ROOT/dev/vfio"
	: > "$OUTSIDE/node"
	ln -s "$OUTSIDE/node" "$ROOT/dev/vfio/10"
	bad 1 "0000:00:0a.0: cannot give its nodes to alice" -- bind --owner alice 0000:00:0a.0
}
@test "records directory: a symlink out of the root" {
	rmdir "$R"
	ln -s "$OUTSIDE" "$R"
	bad 1 "cannot write .*vfioctl.d" -- bind --persist 1af4:9999
}

# --- environment -------------------------------------------------------------

@test "env: read-only /etc, bind --persist" { bad 1 "cannot write .*Read-only file system" --ro "$ROOT/etc" -- bind --persist 1af4:9999; }
@test "env: read-only /etc, import-driverctl" { dctl pci-0000:00:03.0 'vfio-pci\n'; bad 1 "cannot write .*Read-only file system" --ro "$ROOT/etc" -- import-driverctl; }
@test "env: read-only /etc, unbind --persist" { record pci-0000:00:03.0.conf 'device = 0000:00:03.0\n'; bad 1 "cannot remove .*Read-only file system" --ro "$ROOT/etc" -- unbind --persist 0000:00:03.0; }
@test "env: read-only /run, bind" { bad 1 "Read-only file system" --ro "$ROOT/run" -- bind 0000:00:03.0; }
@test "env: not root, bind" { as_user; bad 1 "Permission denied" --as 65534 -- bind 0000:00:03.0; }
@test "env: not root, bind --persist" { as_user; bad 1 "Permission denied" --as 65534 -- bind --persist 1af4:9999; }
@test "env: not root, import-driverctl" { dctl pci-0000:00:03.0 'vfio-pci\n'; as_user; bad 1 "Permission denied" --as 65534 -- import-driverctl; }
@test "env: not root, unbind --persist" { record pci-0000:00:03.0.conf 'device = 0000:00:03.0\n'; as_user; bad 1 "Permission denied" --as 65534 -- unbind --persist 0000:00:03.0; }
