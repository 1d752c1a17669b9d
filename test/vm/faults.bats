#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults on the real kernel, inside the test VM: the VFIO module cannot be
# loaded, its probe fails, drivers_probe binds nothing, /etc is read-only or
# full during --persist, and vfioctl is SIGKILLed before each of its
# write(2)s during a bind and an unbind. After each, every device is on its
# original or its intended driver with a matching driver_override, the
# records under /etc and /run/vfioctl say so, and no journal is left. The
# last test prints the table of faults and outcomes. It runs ~40 commands
# under strace: 20-25 minutes of TCG on a loaded machine.
# vm-options: --timeout 2700

load lib/vm

TABLE=/run/vfioctl-faults.table
KO_DIR=/lib/modules/$(uname -r)/updates/vfioctl
# an e1000e alias that makes edu_vfio_pci its best driver (4 '*' beat vfio_pci's 7)
E1000E_ALIAS='alias vfio_pci:v00008086d000010D3sv*sd*bc*sc*i* edu_vfio_pci'

setup_file() {
	vm_setup_file
	: > "$TABLE"
}

teardown() {
	rm -f /etc/modprobe.d/zz-faults.conf
	if [ -e "$BATS_TEST_TMPDIR/edu.ko" ]; then
		cp "$BATS_TEST_TMPDIR/edu.ko" "$KO_DIR/edu_vfio_pci.ko"
	fi
	if module_loaded edu_vfio_pci; then
		echo 0 > /sys/module/edu_vfio_pci/parameters/fail_probe
		echo 0 > /sys/module/edu_vfio_pci/parameters/decline_probe
	fi
}

# row FAULT OUTCOME: one line of the table
row() { printf '%-58s | %s\n' "$1" "$2" >> "$TABLE"; }

# where DEV: "DRIVER override OVERRIDE"
where() { echo "$(driver_of "$1") override $(override_of "$1")"; }

# settled DEV NATIVE: DEV is on NATIVE (none: no driver) with no override
# and no record under /run/vfioctl ("native"), or on a VFIO driver with
# that driver as its override and a record naming NATIVE ("VFIO"); and no
# journal is left. Prints which.
settled() {
	local dev=$1 native=$2 drv ovr
	drv=$(driver_of "$dev")
	ovr=$(override_of "$dev")
	[ ! -e /run/vfioctl/journal ] || { echo "a journal is left: $(cat /run/vfioctl/journal)"; return 1; }
	if [ "$drv" = "$native" ]; then
		[ "$ovr" = "(null)" ] || { echo "on $drv with override $ovr"; return 1; }
		[ ! -e "/run/vfioctl/$dev" ] || { echo "on $drv, yet a record: $(cat "/run/vfioctl/$dev")"; return 1; }
		echo "native: on $drv, no override"
		return 0
	fi
	case $drv in
	vfio-pci | edu-vfio-pci | qemu-vfio) ;;
	*) echo "on $drv, override $ovr: neither $native nor a VFIO driver"; return 1 ;;
	esac
	[ "$ovr" = "$drv" ] || { echo "on $drv with override $ovr"; return 1; }
	grep -qx "driver=${native/none/}" "/run/vfioctl/$dev" ||
		{ echo "on $drv, record: $(cat "/run/vfioctl/$dev" 2>&1)"; return 1; }
	echo "VFIO: on $drv, override $drv, recorded"
}

# tree DIR...: every file with its content's checksum
tree() { find "$@" -type f -print0 2>/dev/null | sort -z | xargs -0r sha256sum; }

# one_line: the error output ($stderr) is one line from vfioctl
one_line() {
	[ "$(printf '%s\n' "$stderr" | grep -c '')" -eq 1 ] || fail "not one line: $stderr"
	[[ $stderr == vfioctl:* ]] || fail "not vfioctl's: $stderr"
}

@test "the VFIO module cannot be loaded (a corrupt .ko): nothing is written, devices stay" {
	refute module_loaded edu_vfio_pci
	cp "$KO_DIR/edu_vfio_pci.ko" "$BATS_TEST_TMPDIR/edu.ko"
	head -c 4096 "$BATS_TEST_TMPDIR/edu.ko" > "$KO_DIR/edu_vfio_pci.ko"
	echo "$E1000E_ALIAS" > /etc/modprobe.d/zz-faults.conf
	run --separate-stderr "$VFIOCTL" bind $EDU
	assert_failure 1
	one_line
	[[ $stderr == *"$EDU: cannot load module edu_vfio_pci"* ]] || fail "$stderr"
	settled $EDU none
	run --separate-stderr "$VFIOCTL" bind $E1000E
	assert_failure 1
	one_line
	settled $E1000E e1000e
	row "module load fails (edu_vfio_pci.ko cut short): edu" "exit 1; $(settled $EDU none)"
	row "module load fails: e1000e (a modprobe.d alias to it)" "exit 1; $(settled $E1000E e1000e)"
	refute module_loaded edu_vfio_pci
}

@test "the variant's probe fails (fail_probe): back where it was, override cleared" {
	echo "$E1000E_ALIAS" > /etc/modprobe.d/zz-faults.conf
	modprobe edu_vfio_pci
	echo 1 > /sys/module/edu_vfio_pci/parameters/fail_probe
	run --separate-stderr "$VFIOCTL" bind $EDU
	assert_failure 1
	one_line
	[[ $stderr == *"edu-vfio-pci did not bind"*"restored: back on no driver"* ]] || fail "$stderr"
	settled $EDU none
	row "probe fails (fail_probe: -EIO): edu, on no driver" "exit 1; $(settled $EDU none)"
	run --separate-stderr "$VFIOCTL" bind $E1000E
	assert_failure 1
	one_line
	[[ $stderr == *"restored: back on e1000e"* ]] || fail "$stderr"
	settled $E1000E e1000e
	row "probe fails (fail_probe: -EIO): e1000e, on e1000e" "exit 1; $(settled $E1000E e1000e)"
}

@test "drivers_probe binds nothing (decline_probe: -ENODEV, not logged): back where it was" {
	echo "$E1000E_ALIAS" > /etc/modprobe.d/zz-faults.conf
	modprobe edu_vfio_pci
	echo 1 > /sys/module/edu_vfio_pci/parameters/decline_probe
	dmesg -C
	run --separate-stderr "$VFIOCTL" bind $EDU
	assert_failure 1
	one_line
	[[ $stderr == *"no driver after drivers_probe"* ]] || fail "$stderr"
	settled $EDU none
	row "drivers_probe binds nothing (decline_probe): edu" "exit 1; $(settled $EDU none)"
	run --separate-stderr "$VFIOCTL" bind $E1000E
	assert_failure 1
	one_line
	settled $E1000E e1000e
	row "drivers_probe binds nothing (decline_probe): e1000e" "exit 1; $(settled $E1000E e1000e)"
	# the kernel said nothing: only vfioctl's re-read of the driver link saw it
	run dmesg
	refute_output --partial "edu-vfio-pci"
}

# in_ns SETUP -- COMMAND...: COMMAND in a mount namespace after SETUP (sh)
in_ns() {
	local setup=$1
	shift 2
	unshare -m sh -c "$setup"' && exec "$@"' sh "$@"
}

@test "/etc read-only during bind --persist: one error, the device bound as asked, records intact" {
	local before
	"$VFIOCTL" bind --persist $TESTDEV
	before=$(tree /etc/vfioctl.d /etc/modprobe.d)
	run --separate-stderr in_ns 'mount --bind /etc /etc && mount -o remount,bind,ro /etc' -- \
		"$VFIOCTL" bind --persist $E1000E
	assert_failure 1
	one_line
	[[ $stderr == *"Read-only file system"* ]] || fail "$stderr"
	assert_equal "$(tree /etc/vfioctl.d /etc/modprobe.d)" "$before"
	settled $E1000E e1000e
	settled $TESTDEV none
	row "/etc read-only, bind --persist e1000e" "exit 1, '${stderr#vfioctl: }'; $(settled $E1000E e1000e); records unchanged"
	"$VFIOCTL" unbind $E1000E
	# and unbind --persist: the record cannot go, the device stays bound
	run --separate-stderr in_ns 'mount --bind /etc /etc && mount -o remount,bind,ro /etc' -- \
		"$VFIOCTL" unbind --persist $TESTDEV
	assert_failure 1
	one_line
	assert_equal "$(tree /etc/vfioctl.d /etc/modprobe.d)" "$before"
	settled $TESTDEV none
	row "/etc read-only, unbind --persist pci-testdev" "exit 1; $(settled $TESTDEV none); records unchanged"
	"$VFIOCTL" unbind --persist $TESTDEV
}

@test "/etc full during bind --persist: one error, the device bound as asked, records intact" {
	local before fill
	"$VFIOCTL" bind --persist $TESTDEV
	before=$(tree /etc/vfioctl.d /etc/modprobe.d)
	# a full file system over /etc/vfioctl.d, holding the same records
	fill='d=$(mktemp -d) && cp -a /etc/vfioctl.d/. "$d" &&
		mount -t tmpfs -o size=64k tmpfs /etc/vfioctl.d && cp -a "$d"/. /etc/vfioctl.d &&
		{ dd if=/dev/zero of=/etc/vfioctl.d/.fill bs=4k 2>/dev/null; true; }'
	run --separate-stderr in_ns "$fill" -- "$VFIOCTL" bind --persist $E1000E
	assert_failure 1
	one_line
	[[ $stderr == *"No space left on device"* ]] || fail "$stderr"
	assert_equal "$(tree /etc/vfioctl.d /etc/modprobe.d)" "$before"
	settled $E1000E e1000e
	row "/etc/vfioctl.d full, bind --persist e1000e" "exit 1, '${stderr#vfioctl: }'; $(settled $E1000E e1000e); records unchanged"
	"$VFIOCTL" unbind $E1000E
	"$VFIOCTL" unbind --persist $TESTDEV
	settled $TESTDEV none
}

# kill_each OP DEV NATIVE NEXT...: for n = 1, 2, ...: run `vfioctl OP DEV`
# SIGKILLed on entering its n-th write(2) (strace fault injection: writes
# 1..n-1 are made, the n-th is not), then the NEXT command; until OP runs
# to the end. Before each: DEV on NATIVE (bind) or bound by vfioctl
# (unbind). After each: settled.
kill_each() {
	local op=$1 dev=$2 native=$3 n=1 rc what out err
	shift 3
	while :; do
		"$VFIOCTL" -q unbind $dev >/dev/null 2>&1 || true
		[ "$op" = bind ] || "$VFIOCTL" bind $dev >/dev/null
		rc=0
		strace -f -qq -y -s 64 -o "$BATS_TEST_TMPDIR/s" -e trace=write \
			-e inject=write:signal=KILL:when=$n "$VFIOCTL" $op $dev >/dev/null 2>&1 || rc=$?
		[ "$rc" -ne 0 ] || break
		[ "$rc" -eq 137 ] || fail "$op $dev, kill $n: exit $rc"
		# the write it died on: FILE "VALUE"
		what=$(grep 'write(' "$BATS_TEST_TMPDIR/s" | tail -n 1 |
			sed -n 's/.*write([0-9]*<\([^>]*\)>, \("[^"]*"\).*/\1 \2/p')
		err=$("$@" 2>&1 >/dev/null) || fail "after the kill at write $n ($what): '$*' failed: $err"
		out=$(settled $dev $native) || fail "$op $dev killed at write $n ($what), then '$*': $out"
		row "SIGKILL at write $n of $op $dev: ${what:-?}" "then '${*##*/}': ${err:-no message}; $out"
		n=$((n + 1))
		[ "$n" -le 20 ] || fail "$op $dev: still killed at write 20"
	done
	"$VFIOCTL" -q unbind $dev >/dev/null 2>&1 || true
	echo "$n"
}

@test "SIGKILL before each write of a bind of the e1000e: apply finishes or undoes it" {
	run kill_each bind $E1000E e1000e "$VFIOCTL" apply
	assert_success
	# the journal, the record, override, unbind, drivers_probe, stdout
	[ "${lines[-1]}" -ge 6 ]
	settled $E1000E e1000e
}

@test "SIGKILL before each write of an unbind of the e1000e: the next command finishes or undoes it" {
	run kill_each unbind $E1000E e1000e "$VFIOCTL" unbind $TESTDEV
	assert_success
	[ "${lines[-1]}" -ge 5 ]
	settled $E1000E e1000e
}

@test "SIGKILL before each write of a bind and an unbind of the edu (no native driver)" {
	run kill_each bind $EDU none "$VFIOCTL" apply
	assert_success
	run kill_each unbind $EDU none "$VFIOCTL" bind --driver vfio-pci $TESTDEV
	assert_success
	"$VFIOCTL" unbind $TESTDEV
	settled $EDU none
	settled $TESTDEV none
}

# pairs DEV N LOG: N times `vfioctl bind DEV; vfioctl unbind DEV`, each
# command's exit status and stderr in LOG
pairs() {
	local dev=$1 n=$2 log=$3 i rc
	for i in $(seq "$n"); do
		for op in bind unbind; do
			rc=0
			"$VFIOCTL" $op $dev >/dev/null 2>"$log.err" || rc=$?
			printf '%s %s %s\n' "$op" "$rc" "$(tr '\n' ' ' < "$log.err")" >> "$log"
		done
	done
}

@test "2x50 concurrent bind/unbind pairs on two devices: each exits 0 or says busy; nothing lost or torn" {
	local w dev bad
	# two workers per device, 25 pairs each: 50 pairs per device
	for w in 1 2; do
		for dev in $EDU $TESTDEV; do
			pairs $dev 25 "$BATS_TEST_TMPDIR/$dev.$w" &
		done
	done
	wait
	cat "$BATS_TEST_TMPDIR"/*.[12] > "$BATS_TEST_TMPDIR/all"
	assert_equal "$(grep -c '' "$BATS_TEST_TMPDIR/all")" 200
	bad=$(grep -v -E '^(bind|unbind) 0 ' "$BATS_TEST_TMPDIR/all" | grep -v -i busy || true)
	[ -z "$bad" ] || fail "failed without saying busy: $bad"
	for dev in $EDU $TESTDEV; do
		settled $dev none
		"$VFIOCTL" unbind $dev
		settled $dev none
	done
	row "2x50 concurrent bind/unbind pairs, $EDU and $TESTDEV" \
		"$(grep -c ' 0 ' "$BATS_TEST_TMPDIR/all") of 200 exit 0, $(grep -c -v ' 0 ' "$BATS_TEST_TMPDIR/all") busy; $(settled $EDU none); $(settled $TESTDEV none)"
}

@test "the table of faults and outcomes" {
	[ -s "$TABLE" ]
	{
		printf '# %-58s | %s\n' fault outcome
		sed 's/^/# /' "$TABLE"
	} >&3
	# every row ends settled
	run grep -c -v -E '\| .*(native|VFIO): on ' "$TABLE"
	assert_output 0
}
