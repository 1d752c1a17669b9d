#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl reads kmod's alias indexes itself (lib/kindex.c). Its answers
# are libkmod's, key for key, on real indexes (the installed kernel's, the
# fixture's, and one depmod wrote with odd patterns); and an index that is
# corrupt or hostile costs an error, never a hang or a wrong module.

load lib/common

setup_file() {
	fixture_setup_file
	make -s -C "$FIXTURE_TOP" build/kindex-diff >&2
}
setup() {
	fixture_setup
	VFIOCTL=$VFIOCTL_BIN
	DIFF=${KINDEX_DIFF:-$FIXTURE_TOP/build/kindex-diff}
	MODDIR=$ROOT/lib/modules/$KREL
}

# diff_index INDEX [all] < PATTERNS: compare the readers on keys made from
# the (PCI, or all) patterns; fails on any difference, and when nothing
# matched at all
diff_index() {
	"$FIXTURE_TOP/test/lib/alias-keys" "${KEYS_RANDOM:-500}" "${2:-}" > "$BATS_TEST_TMPDIR/keys"
	cat "${EXTRA_KEYS:-/dev/null}" >> "$BATS_TEST_TMPDIR/keys"
	run "$DIFF" "$1" < "$BATS_TEST_TMPDIR/keys"
	assert_success
	assert_line --regexp '^[0-9]+ keys, [1-9][0-9]* with matches, 0 differences$'
}

# patterns of a module directory: modules.alias and the built-in ones
patterns_of() {
	awk '$1 == "alias" {print $2}' "$1/modules.alias"
	[ ! -e "$1/modules.builtin.modinfo" ] ||
		tr '\0' '\n' < "$1/modules.builtin.modinfo" | sed -n 's/^[^.]*\.alias=//p'
}

@test "the installed kernel's indexes: the same modules as libkmod for every key" {
	local m=/lib/modules/$KREL
	[ -e "$m/modules.alias.bin" ] || skip "no module indexes for $KREL"
	patterns_of "$m" > "$BATS_TEST_TMPDIR/patterns"
	diff_index "$m/modules.alias.bin" < "$BATS_TEST_TMPDIR/patterns"
	# built-in aliases are rarely PCI ones: keys from every pattern
	[ ! -s "$m/modules.builtin.alias.bin" ] ||
		diff_index "$m/modules.builtin.alias.bin" all < "$BATS_TEST_TMPDIR/patterns"
}

@test "the fixture's indexes: the same modules as libkmod for every key" {
	patterns_of "$MODDIR" > "$BATS_TEST_TMPDIR/patterns"
	diff_index "$MODDIR/modules.alias.bin" < "$BATS_TEST_TMPDIR/patterns"
	diff_index "$MODDIR/modules.builtin.alias.bin" all < "$BATS_TEST_TMPDIR/patterns"
}

# odd_index DIR: a module directory whose modules.builtin.alias.bin depmod
# wrote from aliases no driver has, but kmod accepts
# (depmod drops the [[:xdigit:]] one: kmod takes the first ']' as the end
# of the bracket, and a second one makes the alias invalid)
odd_patterns() {
	local long
	long=$(printf '%0600d' 0 | tr 0 Y)
	cat <<-EOF
	vfio_pci:v\\00001234d*sv*sd*bc*sc*i*
	vfio_pci:v0000BEEFd*sv*sd*bc*sc*i*$long
	vfio_pci:v00001234d000011E8sv????????sd????????bc??sc??i??
	vfio_pci:v0000123[0-9]d000011E8sv*sd*bc*sc*i*
	vfio_pci:v0000123[!0-8]d*sv*sd*bc*sc*i*
	vfio_pci:v00001AF4d*sv*sd*bc*sc\\**i*
	vfio_pci:v0000\\*
	vfio_pci:v0000[1234d*
	vfio_pci:v0000[[:xdigit:]]234d*sv*sd*bc*sc*i*
	pci:v00008086d*sv*sd*bc02sc00i*
	EOF
}

odd_index() {
	local dir=$1/lib/modules/9.9.9 i=0 p
	mkdir -p "$dir"
	: > "$dir/modules.order"
	: > "$dir/modules.builtin"
	while IFS= read -r p; do
		printf 'vfxt_odd%d.alias=%s\0' "$i" "$p"
		i=$((i + 1))
	done < <(odd_patterns) > "$dir/modules.builtin.modinfo"
	depmod -b "$1" 9.9.9 2>/dev/null
	echo "$dir"
}

@test "odd patterns depmod writes: '\\' before the first wildcard, '?', '[...]', 600 bytes" {
	local dir
	dir=$(odd_index "$BATS_TEST_TMPDIR/odd")
	[ -s "$dir/modules.builtin.alias.bin" ]
	# kmod compares the part before the first wildcard byte for byte: "\0"
	# there is a backslash and a 0, not an escaped 0; after it fnmatch rules
	cat > "$BATS_TEST_TMPDIR/expect" <<-EOF
	vfio_pci:v\00001234dXsvsdbcsci: vfioctl=[vfxt_odd0] libkmod=[vfxt_odd0]
	vfio_pci:v00001234dXsvsdbcsci: vfioctl=[] libkmod=[]
	vfio_pci:v0000BEEFdsvsdbcsci$(printf '%0600d' 0 | tr 0 Y): vfioctl=[vfxt_odd1] libkmod=[vfxt_odd1]
	vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00: vfioctl=[vfxt_odd2 vfxt_odd3] libkmod=[vfxt_odd2 vfxt_odd3]
	vfio_pci:v00001AF4d1sv2sd3bc4sc*5i6: vfioctl=[vfxt_odd5] libkmod=[vfxt_odd5]
	vfio_pci:v0000*: vfioctl=[] libkmod=[]
	pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00: vfioctl=[vfxt_odd9] libkmod=[vfxt_odd9]
	7 keys, 5 with matches, 0 differences
	EOF
	sed 's/: vfioctl=.*//' "$BATS_TEST_TMPDIR/expect" | head -n -1 > "$BATS_TEST_TMPDIR/extra"
	odd_patterns > "$BATS_TEST_TMPDIR/patterns"
	EXTRA_KEYS=$BATS_TEST_TMPDIR/extra KEYS_RANDOM=200 \
		diff_index "$dir/modules.builtin.alias.bin" < "$BATS_TEST_TMPDIR/patterns"
	# and what both find for these keys
	run "$DIFF" -v "$dir/modules.builtin.alias.bin" < "$BATS_TEST_TMPDIR/extra"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/expect")"
}

@test "depmod's empty indexes (12 bytes; 0 bytes without modules.builtin.modinfo) read as empty" {
	local dir=$BATS_TEST_TMPDIR/empty/lib/modules/9.9.9
	mkdir -p "$dir"
	: > "$dir/modules.order"
	: > "$dir/modules.builtin"
	depmod -b "$BATS_TEST_TMPDIR/empty" 9.9.9 2>/dev/null
	assert_equal "$(stat -c %s "$dir/modules.alias.bin") $(stat -c %s "$dir/modules.builtin.alias.bin")" "12 0"
	# as the fixture's, for a device vfioctl then finds no alias for
	cp "$dir/modules.builtin.alias.bin" "$MODDIR/modules.builtin.alias.bin"
	run "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_success
	assert_output --partial vfxt_edu_vfio_pci
	cp "$dir/modules.alias.bin" "$MODDIR/modules.alias.bin"
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:03.0
	assert_success
	assert_equal "$(jq -r '.[0].candidates | map(.module) | join(" ")' <<<"$output")" vfio_pci
}

# corrupt SPEC...: the fixture's modules.alias.bin replaced by the index
# test/lib/mkindex writes from SPEC lines
corrupt() {
	printf '%s\n' "$@" | "$FIXTURE_TOP/test/lib/mkindex" "$MODDIR/modules.alias.bin"
}

@test "a child for byte 0 below the whole key is not followed past the key's end" {
	local key
	key=vfio_$(cat "$ROOT/sys/bus/pci/devices/0000:00:03.0/modalias")
	corrupt "node r prefix=$key child=\\x00:z value=vfxt_edu_vfio_pci" \
		"node z value=vfxt_evil" "root r"
	run "$VFIOCTL" --root "$ROOT" --json list-candidates 0000:00:03.0
	assert_success
	assert_equal "$(jq -r '.[0].candidates | map(.module) | join(" ")' <<<"$output")" vfxt_edu_vfio_pci
	# libkmod agrees
	echo "$key" | "$DIFF" "$MODDIR/modules.alias.bin"
}

@test "nodes sharing children (2^40 paths): refused as corrupt at once, not walked" {
	local i spec=()
	for i in $(seq 0 39); do
		spec+=("node n$i child=*:n$((i + 1)) child=?:n$((i + 1))")
	done
	spec+=("node n40 value=vfxt_x" "node r prefix=vfio_pci: child=v:n0" "root r")
	corrupt "${spec[@]}"
	run timeout 20 "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_failure 1
	assert_output --partial "modules.alias.bin is corrupt"
}

@test "a node pointing back at its ancestor: refused as corrupt" {
	corrupt "node r prefix=vfio_pci: child=*:a" "node a prefix=x child=*:r value=m" "root r"
	run timeout 20 "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_failure 1
	assert_output --partial "modules.alias.bin is corrupt"
}

@test "a chain of 100000 nodes: refused as corrupt, no stack overflow" {
	local i
	{
		for i in $(seq 0 99999); do echo "node n$i child=*:n$((i + 1))"; done
		echo "node n100000 value=m"
		echo "root n0"
	} | "$FIXTURE_TOP/test/lib/mkindex" "$MODDIR/modules.alias.bin"
	run timeout 60 "$VFIOCTL" --root "$ROOT" list-candidates 0000:00:03.0
	assert_failure 1
	assert_output --partial "modules.alias.bin is corrupt"
}

# index_opens ARGS...: run vfioctl --root "$ROOT" ARGS under strace; print
# "PID INDEX" for every successful open of a module index (vfioctl's own
# reader and libkmod's alike)
index_opens() {
	strace -f -qq -e trace=open,openat,openat2 -e signal=none \
		-o "$BATS_TEST_TMPDIR/trace" "$VFIOCTL" --root "$ROOT" "$@" >/dev/null 2>&1 || true
	sed -n 's|^\([0-9]*\) .*/\(modules\.[a-z.]*bin\)".* = [0-9][0-9]*$|\1 \2|p' \
		"$BATS_TEST_TMPDIR/trace"
}

@test "each module index is opened once per process, however many devices a command reads" {
	local args
	# several devices, each looked up: per-device opens would show
	[ "$(find "$ROOT/sys/bus/pci/devices" -mindepth 1 -maxdepth 1 | wc -l)" -ge 10 ]
	run index_opens list-candidates
	assert_line --regexp '^[0-9]+ modules\.alias\.bin$'
	assert_line --regexp '^[0-9]+ modules\.builtin\.alias\.bin$'
	for args in "list-candidates" "--json list-candidates" "list-devices" "list-devices --vfio" \
		"show 0000:00:03.0" "bind --dry-run 0000:00:03.0 0000:00:01.0 0000:00:04.0 0000:00:10.0" \
		"--json bind --dry-run 0000:00:03.0 0000:00:01.0 0000:00:04.0 0000:00:10.0"; do
		# shellcheck disable=SC2086
		run index_opens $args
		assert_success
		echo "vfioctl $args:"
		run sh -c 'sort | uniq -c | awk "\$1 > 1"' <<< "$output"
		assert_output ""
	done
}
