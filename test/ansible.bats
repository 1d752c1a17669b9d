#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible collection in contrib/ansible: ansible-test sanity and
# ansible-lint (test/lib/ansible-sanity), and the module run by Ansible on
# this machine against vfioctl's fake roots (--root: nothing real is
# touched). test/ansible-fleet.bats runs it on real (virtual) machines.

load lib/common

setup_file() {
	fixture_setup_file
	export W=$BATS_FILE_TMPDIR
	mkdir -p "$W/collections/ansible_collections/vfioctl"
	ln -s "$FIXTURE_TOP/contrib/ansible" "$W/collections/ansible_collections/vfioctl/vfioctl"
}

setup() {
	fixture_setup
	export ANSIBLE_COLLECTIONS_PATH=$W/collections ANSIBLE_NOCOLOR=1 \
		ANSIBLE_LOCAL_TEMP=$BATS_TEST_TMPDIR/ansible-tmp ANSIBLE_HOME=$BATS_TEST_TMPDIR/ansible \
		ANSIBLE_STDOUT_CALLBACK=minimal \
		ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 PATH=/usr/sbin:/usr/bin:/sbin:/bin
}

# module [ANSIBLE-OPTION...] -a ARGS: the module once on localhost; its
# result (JSON) in $BATS_TEST_TMPDIR/result
module() {
	ansible localhost -c local -m vfioctl.vfioctl.vfioctl \
		-e "ansible_python_interpreter=/usr/bin/python3" "$@" >"$BATS_TEST_TMPDIR/out" 2>&1
	local rc=$?
	# "localhost | FAILED! => {...}"
	sed -n '/^localhost | /,$p' "$BATS_TEST_TMPDIR/out" | sed '1s/^[^{]*//' \
		>"$BATS_TEST_TMPDIR/result"
	jq -e . "$BATS_TEST_TMPDIR/result" >/dev/null || cat "$BATS_TEST_TMPDIR/out" >&2
	return "$rc"
}

result() {
	jq -r "$1" "$BATS_TEST_TMPDIR/result"
}

@test "ansible-test sanity and ansible-lint are clean" {
	run "$FIXTURE_TOP/test/lib/ansible-sanity"
	echo "$output"
	assert_success
	assert_line 'Running sanity test "validate-modules"'
	assert_line 'Running sanity test "pylint"'
	assert_line --partial 'Passed with production profile: 0 failure(s)'
	refute_line --partial 'ERROR'
}

@test "the module fails with vfioctl's own one-line message, and its exit status" {
	run module -a "device=0000:00:1d.0 root=$ROOT executable=$FIXTURE_TOP/vfioctl"
	assert_failure
	assert_equal "$(result .msg)" "vfioctl: 0000:00:1d.0: no such PCI device"
	assert_equal "$(result .rc)" 2
	assert_equal "$(result '.cmd | join(" ")')" \
		"$FIXTURE_TOP/vfioctl --json --root $ROOT bind --persist -- 0000:00:1d.0"
}

@test "the module refuses bad options before running vfioctl" {
	run module -a "device=nonsense root=$ROOT executable=$FIXTURE_TOP/vfioctl"
	assert_failure
	assert_equal "$(result .msg)" \
		"device: 'nonsense' is neither a PCI address (DDDD:BB:DD.F) nor VVVV:DDDD[:SSSS:TTTT]"
	assert_equal "$(result .cmd)" null
	run module -a "device=1234:11e8 persist=false root=$ROOT executable=$FIXTURE_TOP/vfioctl"
	assert_failure
	assert_equal "$(result .msg)" "device: vendor:device IDs need persist: true"
	run module -a "device=00:03.0 group=true root=$ROOT executable=$FIXTURE_TOP/vfioctl"
	assert_failure
	assert_equal "$(result .msg)" "group: only with state: vfio, persist: false and no numvfs"
}

@test "the module records a binding in an image: changed, then ok; check mode plans and writes nothing" {
	img=$BATS_TEST_TMPDIR/image	# no sys/: vfioctl writes records only
	mkdir -p "$img"
	args="root=$img executable=$FIXTURE_TOP/vfioctl"
	run module -a "device=0000:00:03.0 $args"
	assert_success
	assert_equal "$(result .changed)" true
	assert_equal "$(result '.records[0] | [.before, .after.driver, .changed] | tostring')" \
		'[null,"auto",true]'
	assert_equal "$(result '.cmd | .[4:] | join(" ")')" "bind --persist -- 0000:00:03.0"
	hash=$(fixture_tree_hash "$img")
	run module -a "device=0000:00:03.0 $args"
	assert_success
	assert_equal "$(result .changed)" false
	assert_equal "$(fixture_tree_hash "$img")" "$hash"
	# check mode: the change is planned, and nothing is written
	run module --check --diff -a "device=0000:00:03.0 owner=0:0 driver=vfio-pci $args"
	assert_success
	assert_equal "$(result .changed)" true
	assert_equal "$(result '.cmd | .[-2:-1] | join(" ")')" "--"
	assert_equal "$(result '.cmd | index("--dry-run") > 0')" true
	assert_equal "$(fixture_tree_hash "$img")" "$hash"
	# --diff: the record before and after, as Ansible shows it
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --regexp '^-  +"driver": "auto"$'
	assert_line --regexp '^\+  +"driver": "vfio-pci",$'
	assert_line --regexp '^\+  +"owner": "0:0"$'
	# state: host forgets it; again, nothing to do
	run module -a "device=0000:00:03.0 state=host $args"
	assert_success
	assert_equal "$(result '[.changed, .records[0].after] | tostring')" '[true,null]'
	run module -a "device=0000:00:03.0 state=host $args"
	assert_success
	assert_equal "$(result .changed)" false
}

@test "the module on a fake machine: a device on its driver already is ok; one to bind is changed in check mode" {
	args="root=$ROOT executable=$FIXTURE_TOP/vfioctl persist=false"
	hash=$(fixture_tree_hash "$ROOT")
	run module -a "device=0000:00:0a.0 $args"
	assert_success
	assert_equal "$(result '[.changed, .devices[0].before, .devices[0].after] | tostring')" \
		'[false,"vfxt-edu-vfio-pci","vfxt-edu-vfio-pci"]'
	run module --check -a "device=0000:00:03.0 $args"
	assert_success
	assert_equal "$(result '[.changed, .devices[0].before, .devices[0].after] | tostring')" \
		'[true,null,"vfxt-edu-vfio-pci"]'
	assert_equal "$(fixture_tree_hash "$ROOT")" "$hash"
}
