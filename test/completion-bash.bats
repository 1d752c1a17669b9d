#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# completions/vfioctl.bash, driven as bash drives it: bash-completion
# loaded, COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT set as readline sets
# them (':' and '=' split words), _vfioctl called, COMPREPLY checked.
# Names come from a fake root (see test/fixture/README.md) with records,
# VFIO nodes, users and an SR-IOV device added. That the option lists
# agree with --help and the man page is test/docs.bats's job.

load lib/common
load lib/completion

setup_file() {
	completion_root_setup
	write_harness
}

# comp LINE: what completing LINE offers, the cursor at '|' (else at the
# end), one per line, sorted. The completion runs in a bash of its own, as
# in a shell: not under bats's set -e and DEBUG trap (which also make it
# 30 times slower).
comp() {
	VFIOCTL_COMPLETION=$FIXTURE_TOP/completions/vfioctl.bash \
		bash --norc --noprofile "$BATS_FILE_TMPDIR/comp.bash" "$@"
}

# COMP_WORDS as bash makes them: blanks separate words, a run of
# COMP_WORDBREAKS characters is a word of its own; the current word is the
# one the cursor is in or at the end of, else the next (the cursor in
# blanks), else a new empty one.
write_harness() {
	cat >"$BATS_FILE_TMPDIR/comp.bash" <<'EOF'
. /usr/share/bash-completion/bash_completion
. "$VFIOCTL_COMPLETION"
if [ "$1" = -p ]; then complete -p vfioctl; exit; fi
line=$1 breaks=$'"\'><=;|&(:' w= kind= ends=()
point=${line%%'|'*}
point=${#point}
line=${line/'|'/}
COMP_LINE=$line COMP_POINT=$point COMP_WORDS=()
for ((i = 0; i <= ${#line}; i++)); do
	c=${line:i:1}
	k=
	if [[ $c && $c != [[:blank:]] ]]; then
		[[ $breaks == *"$c"* ]] && k=b || k=w
	fi
	if [[ $w && $k != "$kind" ]]; then
		COMP_WORDS+=("$w") ends+=("$i")
		w=
	fi
	[[ $k ]] || continue
	w+=$c kind=$k
done
COMP_CWORD=-1
for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
	if ((ends[i] >= point)); then
		COMP_CWORD=$i
		break
	fi
done
if ((COMP_CWORD < 0)); then
	COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
fi
COMPREPLY=()
_vfioctl vfioctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
EOF
}


@test "complete -p: the file registers _vfioctl for vfioctl" {
	run comp -p
	assert_output "complete -F _vfioctl vfioctl"
}

@test "commands at the command word, after global options too" {
	run comp "vfioctl "
	assert_output "$(lines bind unbind list-devices list-candidates show apply list-overrides \
		list-persisted import-driverctl sriov owner)"
	run comp "vfioctl --root $R -j --kernel $KREL list-"
	assert_output "$(lines list-devices list-candidates list-overrides list-persisted)"
}

@test "options: the global ones, and the command's, wherever the command stands" {
	local globals=('-?' --help --usage -V --version -j --json -q --quiet -v --verbose --root --kernel)
	run comp "vfioctl -"
	assert_output "$(lines "${globals[@]}")"
	run comp "vfioctl show -"
	assert_output "$(lines "${globals[@]}")"
	run comp "vfioctl bind 0000:00:03.0 --"
	assert_output "$(lines --help --usage --version --json --quiet --verbose --root --kernel \
		--driver --dry-run --persist --group --noiommu --owner --force --bus --no-reset-required)"
	run comp "vfioctl --json sriov --n"
	assert_output "$(lines --noiommu --numvfs)"
	run comp "vfioctl list-devices --v"
	assert_output "$(lines --verbose --version --vfio)"
	# after --, words are names
	run comp "vfioctl --root $R show -- -"
	assert_output ""
}

@test "devices come from sysfs under --root DIR or --root=DIR, anywhere on the line" {
	local want
	want=$(devices "$R")
	[ "$(wc -l <<<"$want")" -ge 15 ]
	run comp "vfioctl --root $R show "
	assert_output "$want"
	run comp "vfioctl --root=$R list-candidates "
	assert_output "$want"
	# --root after the word being completed
	run comp "vfioctl apply | --root $R"
	assert_output "$want"
	run comp "vfioctl -q show | --root=$R/"
	assert_output "$want"
	# another root, other devices
	run comp "vfioctl --root $R2 bind "
	assert_output "0000:aa:00.0"
}

@test "a PCI address completes across its colons, as readline splits it" {
	# readline replaces only what follows the last ':' of the word
	run comp "vfioctl --root $R show 0000:00:0"
	assert_output "$(devices "$R" | sed -n 's/^0000:00:\(0.*\)/\1/p')"
	run comp "vfioctl --root $R bind 10000:0| -n"
	assert_output "$(lines 00:02.0 01:00.0)"
	run comp "vfioctl --root $R bind 0000:01:0"
	assert_output "$(lines 01.0 02.0)"
}

@test "show and owner take one name; bind, unbind, apply, list-candidates several" {
	run comp "vfioctl --root $R show 0000:00:03.0 "
	assert_output ""
	run comp "vfioctl --root $R owner 3 "
	assert_output ""
	run comp "vfioctl --root $R bind 0000:00:03.0 0000:00:04.0 0000:00:0"
	assert_output --partial "0a.0"
	run comp "vfioctl --root $R list-devices "
	assert_output ""
}

@test "--driver: registered drivers and modules with a vfio_pci alias (modules.alias, modprobe.d)" {
	local want
	want=$(
		cd "$R/sys/bus/pci/drivers" && printf '%s\n' *
		printf '%s\n' vfio_pci vfxt_edu_vfio_pci vfxt_vendor_vfio_pci vfxt_e1000e_vfio_pci \
			vfxt_e1000e_sub_vfio_pci vfxt_black_vfio_pci vfxt_nvme_vfio_pci \
			vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci vfxt_cfg
	)
	run comp "vfioctl --root $R bind --driver "
	assert_output "$(lines $want | uniq)"
	run comp "vfioctl --root $R sriov -d vfxt_t"
	assert_output "$(lines vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci)"
	run comp "vfioctl bind --driver=vfxt-e| 0000:00:04.0 --root $R"
	assert_output "$(lines vfxt-e1000e-sub vfxt-edu-vfio-pci)"
	run comp "vfioctl --root $R bind -nd vfxt_c"
	assert_output vfxt_cfg
	run comp "vfioctl bind --driver vfxt_c| --root $R"
	assert_output vfxt_cfg
	run comp "vfioctl --root $R bind --json --driver vfxt_c"
	assert_output vfxt_cfg
	run comp "vfioctl --root $R2 bind --driver "
	assert_output other-drv
}

@test "--driver reads the module directory --kernel names" {
	local r=$BATS_TEST_TMPDIR/r
	mkdir -p "$r/lib/modules/9.9.9-test" "$r/lib/modules/$KREL"
	echo 'alias vfio_pci:v00001234d*sv*sd*bc*sc*i* other_vfio_pci' >"$r/lib/modules/9.9.9-test/modules.alias"
	cp "$R/lib/modules/$KREL/modules.alias" "$r/lib/modules/$KREL/"
	run comp "vfioctl --root $r --kernel 9.9.9-test bind --driver "
	assert_output other_vfio_pci
	run comp "vfioctl --root $r bind --kernel=$KREL --driver vfxt_ti"
	assert_output "$(lines vfxt_tie_a_vfio_pci vfxt_tie_b_vfio_pci)"
	run comp "vfioctl --root $r --kernel "
	assert_output "$(lines 9.9.9-test "$KREL")"
}

@test "unbind --persist: what the records in etc/vfioctl.d match; dotfiles and other names ignored" {
	run comp "vfioctl --root $R unbind --persist "
	assert_output "$(lines 0000:00:0a.0 8086:10d3)"
	run comp "vfioctl --persist --root $R unbind 8086:"
	assert_output "10d3"
	run comp "vfioctl --root $R unbind 0000:00:0"
	assert_output "$(devices "$R" | sed -n 's/^0000:00:\(0.*\)/\1/p')"
}

@test "bind --persist: devices and the IDs of the devices present" {
	run comp "vfioctl --root $R bind --persist 8086:10d"
	assert_output "$(lines 10d3 10d3:8086:0000 10d3:8086:a01f)"
	run comp "vfioctl --root $R bind 8086:"
	assert_output ""
}

@test "sriov: the devices that have sriov_totalvfs; --numvfs: nothing" {
	run comp "vfioctl --root $R sriov "
	assert_output "0000:00:02.0"
	run comp "vfioctl --root $R sriov 0000:00:02.0 --numvfs "
	assert_output ""
}

@test "owner: the VFIO nodes under dev/vfio, not the container" {
	run comp "vfioctl --root $R owner "
	assert_output "$(lines 3 noiommu-7 vfio0)"
}

@test "--owner: users, then groups after the colon, from ROOT/etc under --root" {
	run comp "vfioctl --root $R bind --owner al"
	assert_output "$(lines albert alice)"
	run comp "vfioctl --root $R bind --owner alice:"
	assert_output "$(lines alice kvm root)"
	run comp "vfioctl --root $R sriov --owner=alice:k"
	assert_output kvm
	# no --root: this machine's users
	run comp "vfioctl bind --owner roo"
	assert_output root
}

@test "--root: directories" {
	mkdir -p "$BATS_TEST_TMPDIR/d/img1" "$BATS_TEST_TMPDIR/d/img2"
	touch "$BATS_TEST_TMPDIR/d/imgfile"
	run comp "vfioctl --root $BATS_TEST_TMPDIR/d/im"
	assert_output "$(lines "$BATS_TEST_TMPDIR/d/img1" "$BATS_TEST_TMPDIR/d/img2")"
	run comp "vfioctl --root=$BATS_TEST_TMPDIR/d/img1"
	assert_output "$BATS_TEST_TMPDIR/d/img1"
}
