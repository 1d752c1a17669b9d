#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Write paths on a fake root: which files vfioctl writes, in which order,
# with which values (seen by strace, not by asking vfioctl), and that a dry
# run writes nothing. A fake root has no kernel behind it: nothing ever
# binds, so every bind here ends in the rollback. What binding really does
# is tested on a real kernel in test/vm/.

load lib/common

setup_file() { fixture_setup_file; }
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	TRACE=$BATS_TEST_TMPDIR/writes
}


@test "bind writes in the kernel's order: override, unbind, drivers_probe; then rolls back" {
	traced bind 0000:00:04.0
	assert_failure 1
	printf '%s\t%s\n' \
		/sys/bus/pci/devices/0000:00:04.0/driver_override vfxt-e1000e-sub \
		/sys/bus/pci/drivers/e1000e/unbind 0000:00:04.0 \
		/sys/bus/pci/drivers_probe 0000:00:04.0 \
		/sys/bus/pci/devices/0000:00:04.0/driver_override '\n' > "$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$TRACE"
	# nothing bound (no kernel): said in one line, and it is back as it was
	assert_output --partial "0000:00:04.0: vfxt-e1000e-sub did not bind: the device is on e1000e after drivers_probe; restored: back on e1000e"
	assert_equal "$(readlink "$ROOT/sys/bus/pci/devices/0000:00:04.0/driver" | xargs basename)" e1000e
	# the record of the previous driver is dropped with the failed bind
	[ ! -e "$ROOT/run/vfioctl/0000:00:04.0" ]
}

@test "a device without a driver: override then drivers_probe, no unbind" {
	traced bind 0000:00:03.0
	assert_failure 1
	printf '%s\t%s\n' \
		/sys/bus/pci/devices/0000:00:03.0/driver_override vfxt-edu-vfio-pci \
		/sys/bus/pci/drivers_probe 0000:00:03.0 \
		/sys/bus/pci/devices/0000:00:03.0/driver_override '\n' > "$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$TRACE"
	assert_output --partial "no driver after drivers_probe"
}

@test "the dry-run plan is exactly the writes a real bind starts with" {
	local dev plan
	for dev in 0000:00:03.0 0000:00:04.0 0000:00:07.0 0000:00:05.0 0000:00:06.0 0000:00:1f.0 10000:01:00.0; do
		plan=$("$VFIOCTL" --root "$ROOT" --json bind --dry-run "$dev" |
			jq -e '.[0].writes[0].value != null' >/dev/null) || fail "$dev: driver unknown"
		plan=$("$VFIOCTL" --root "$ROOT" --json bind --dry-run "$dev" |
			jq -r '.[0].writes[] | "\(.path)\t\(.value)"' | sed "s|$ROOT||")
		traced bind "$dev"
		assert_equal "$(head -n "$(wc -l <<<"$plan")" "$TRACE")" "$plan"
	done
}

@test "--dry-run writes nothing at all, for every device and both commands" {
	local before dev
	before=$(fixture_tree_hash "$ROOT")
	for dev in $(ls "$ROOT/sys/bus/pci/devices"); do
		traced bind --dry-run "$dev"
		[ ! -s "$TRACE" ] || fail "bind --dry-run $dev wrote: $(cat "$TRACE")"
		traced unbind --dry-run "$dev"
		[ ! -s "$TRACE" ] || fail "unbind --dry-run $dev wrote: $(cat "$TRACE")"
		traced bind --dry-run --driver vfio-pci "$dev"
		[ ! -s "$TRACE" ] || fail "bind --dry-run --driver $dev wrote: $(cat "$TRACE")"
	done
	# not a byte, not a timestamp, not a new file (run/vfioctl included)
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "a device already on its best driver is a no-op success with no writes" {
	traced bind 0000:00:0a.0
	assert_success
	assert_output "0000:00:0a.0: already on vfxt-edu-vfio-pci"
	[ ! -s "$TRACE" ]
	run "$VFIOCTL" --root "$ROOT" --json bind 0000:00:0a.0
	jq -e '.[0].status == "unchanged"' <<<"$output"
}

@test "under --root a module that is not loaded there is not loaded into this kernel" {
	local before
	before=$(fixture_tree_hash "$ROOT")
	traced bind 0000:00:08.0
	assert_failure 1
	assert_output --partial "module vfxt_tie_a_vfio_pci is not loaded under $ROOT"
	[ ! -s "$TRACE" ]
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
	# and no init_module/finit_module was attempted
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=init_module,finit_module -o "$BATS_TEST_TMPDIR/mod" \
		"$VFIOCTL" --root "$ROOT" bind 0000:00:08.0
	[ ! -s "$BATS_TEST_TMPDIR/mod" ]
}

@test "--driver takes a driver name or a module name; module names are resolved to drivers" {
	traced bind --driver vfio-pci 0000:00:02.0
	assert_equal "$(head -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci)"
	traced bind --driver vfio_pci 0000:00:02.0
	assert_equal "$(head -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/devices/0000:00:02.0/driver_override vfio-pci)"
	traced bind --driver vfxt_nvme_vfio_pci 0000:00:07.0
	assert_equal "$(head -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/devices/0000:00:07.0/driver_override vfxt-nvme-variant)"
}

@test "--driver naming nothing, or not a name: exit 2, nothing written" {
	local before name
	before=$(fixture_tree_hash "$ROOT")
	for name in no-such-driver ../vfio-pci vfio/pci "" . -x 'a b'; do
		traced bind --driver="$name" 0000:00:02.0
		assert_failure 2
		assert_equal "${#lines[@]}" 1
		assert_output --regexp "^vfioctl: 0000:00:02.0: "
		[ ! -s "$TRACE" ]
	done
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "a file of the plan that cannot be written: refused before the first write, nothing moves" {
	# an unbind file we cannot open for writing, as a refusing kernel would;
	# the mid-way rollback itself is proven on the real kernel (test/vm/)
	local before
	rm "$ROOT/sys/bus/pci/drivers/e1000e/unbind"
	mkdir "$ROOT/sys/bus/pci/drivers/e1000e/unbind"
	# as after any earlier run, so that taking the lock changes nothing
	mkdir -p "$ROOT/run/vfioctl"
	: > "$ROOT/run/vfioctl/lock"
	before=$(fixture_tree_hash "$ROOT")
	traced bind 0000:00:04.0
	assert_failure 1
	[ ! -s "$TRACE" ]
	assert_equal "${#lines[@]}" 1
	assert_output --partial "cannot write $ROOT/sys/bus/pci/drivers/e1000e/unbind: Is a directory"
	assert_output --partial "restored: back on e1000e"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
}

@test "an override that was set before is restored, not cleared, on rollback" {
	fixture_set_override "$ROOT" 0000:00:04.0 e1000e
	traced bind 0000:00:04.0
	assert_failure 1
	assert_equal "$(tail -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/devices/0000:00:04.0/driver_override e1000e)"
}

@test "unbind: clear the override with a newline, unbind, then the kernel's choice" {
	traced unbind 0000:00:0c.0
	printf '%s\t%s\n' \
		/sys/bus/pci/devices/0000:00:0c.0/driver_override '\n' \
		/sys/bus/pci/drivers/vfio-pci/unbind 0000:00:0c.0 \
		/sys/bus/pci/drivers_probe 0000:00:0c.0 > "$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$TRACE"
}

@test "unbind returns a device to the driver recorded under run/vfioctl" {
	mkdir -p "$ROOT/run/vfioctl"
	printf 'driver=e1000e\nmodule=e1000e\noverride=\n' > "$ROOT/run/vfioctl/0000:00:0c.0"
	run "$VFIOCTL" --root "$ROOT" --json unbind --dry-run 0000:00:0c.0
	assert_success
	assert_equal "$(jq -r '.[0].writes[-1].path' <<<"$output")" "$ROOT/sys/bus/pci/drivers/e1000e/bind"
	assert_equal "$(jq -r '.[0].driver' <<<"$output")" e1000e
	traced unbind 0000:00:0c.0
	assert_equal "$(tail -n 1 "$TRACE")" "$(printf '%s\t%s' /sys/bus/pci/drivers/e1000e/bind 0000:00:0c.0)"
}

@test "unbind of a device not on a VFIO driver does nothing" {
	traced unbind 0000:00:02.0
	assert_success
	assert_output --partial "not on a VFIO driver (e1000e); nothing to do"
	[ ! -s "$TRACE" ]
}

@test "a malformed record is ignored with a warning, not trusted" {
	mkdir -p "$ROOT/run/vfioctl"
	printf 'driver=../../evil\n' > "$ROOT/run/vfioctl/0000:00:0c.0"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json unbind --dry-run 0000:00:0c.0
	assert_success
	assert_equal "$(jq -r '.[0].writes[-1].path' <<<"$output")" "$ROOT/sys/bus/pci/drivers_probe"
	run "$VFIOCTL" --root "$ROOT" unbind --dry-run 0000:00:0c.0
	assert_output --partial "warning: 0000:00:0c.0: ignoring unreadable record"
}

# refused VFIOCTL-ARGS... : exit 1, the one line $want, and nothing written
# at all: no sysfs write, no journal, no record, no lock (the tree as it was)
refused() {
	local before
	before=$(fixture_tree_hash "$ROOT")
	traced "$@"
	[ ! -s "$TRACE.raw" ] || fail "$* wrote: $(cat "$TRACE.raw")"
	assert_equal "$(fixture_tree_hash "$ROOT")" "$before"
	assert_failure 1
	assert_equal "${lines[-1]}" "$want"
}

@test "a driver_override that is no name ('a b', set by hand): bind, unbind and bind --group refuse it before the first write" {
	local dev=0000:00:04.0 path want
	# the kernel keeps what it is given up to a newline, and the device stays bound
	printf 'a b' > "$ROOT/sys/bus/pci/devices/$dev/driver_override"
	path=$ROOT/sys/bus/pci/devices/$dev/driver_override
	want="vfioctl: $dev: driver_override holds 'a b', which is no driver name: clear it first (echo > $path)"
	refused bind "$dev"
	assert_equal "${#lines[@]}" 1
	refused bind --dry-run "$dev"
	refused bind --driver vfio-pci "$dev"
	want="vfioctl: IOMMU group 4: nothing bound: $dev: ${want#vfioctl: $dev: }"
	refused bind --group "$dev"
	run --separate-stderr "$VFIOCTL" --root "$ROOT" --json bind "$dev"
	jq -e --arg p "$path" '.[0].error == "driver_override holds '"'a b'"', which is no driver name: clear it first (echo > \($p))"' <<<"$output"
	# a device on its VFIO driver: unbind would journal it too
	dev=0000:00:0c.0
	path=$ROOT/sys/bus/pci/devices/$dev/driver_override
	printf 'a b\n' > "$path"
	want="vfioctl: $dev: driver_override holds 'a b', which is no driver name: clear it first (echo > $path)"
	refused unbind "$dev"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(readlink "$ROOT/sys/bus/pci/devices/$dev/driver" | xargs basename)" vfio-pci
	# cleared as the line says, unbind goes ahead
	echo > "$path"
	traced unbind "$dev"
	assert_success
	[ -s "$TRACE" ]
}

@test "a driver_override with a newline in it cannot put a line of its own in the journal" {
	local dev=0000:00:04.0 want
	printf 'x\ndevice=0000:00:02.0' > "$ROOT/sys/bus/pci/devices/$dev/driver_override"
	want="vfioctl: $dev: driver_override holds 'x\\ndevice=0000:00:02.0', which is no driver name: clear it first (echo > $ROOT/sys/bus/pci/devices/$dev/driver_override)"
	refused bind "$dev"
	[ ! -e "$ROOT/run/vfioctl/journal" ]
}

@test "a device on a driver whose name is no name vfioctl can record is refused before the first write" {
	local dev=0000:00:04.0 want
	cp -a "$ROOT/sys/bus/pci/drivers/e1000e" "$ROOT/sys/bus/pci/drivers/e1000e x"
	ln -sfn "../../../bus/pci/drivers/e1000e x" "$ROOT/sys/bus/pci/devices/$dev/driver"
	want="vfioctl: $dev: it is on a driver named 'e1000e x', which vfioctl cannot record to give it back: unbind it from that driver first (echo $dev > $ROOT/sys/bus/pci/devices/$dev/driver/unbind)"
	refused bind "$dev"
	refused bind --driver vfio-pci "$dev"
}
