#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vfioctl reads modprobe.d's aliases and blacklists itself (lib/modconf.c):
# they must be libkmod's, entry for entry and in order, on the fixture and
# on files written to trip a reader (build/modconf-diff compares the two
# on the same root; test/fuzz/fuzz-modprobe.c does it on any bytes).

load lib/common

setup_file() {
	fixture_setup_file
	make -s -C "$FIXTURE_TOP" build/modconf-diff >&2
}
setup() {
	fixture_setup
	DIFF=$FIXTURE_TOP/build/modconf-diff
}

# same: no difference, and what vfioctl read is in the output of -v
same() {
	run "$DIFF" -v "$ROOT" "$KREL"
	assert_success
	assert_line --regexp '^[0-9]+ aliases, [0-9]+ blacklists, 0 differences$'
}

@test "the fixture's modprobe.d: libkmod's aliases and blacklists" {
	same
	assert_line 'alias 0: vfioctl=vfio_pci:v00001B36d00000011sv*sd*bc*sc*i* vfxt_cfg libkmod=vfio_pci:v00001B36d00000011sv*sd*bc*sc*i* vfxt_cfg'
	assert_line 'blacklist 0: vfioctl=vfxt_black_vfio_pci libkmod=vfxt_black_vfio_pci'
}

@test "continuations, tabs, brackets, comments, odd bytes: libkmod's reading" {
	local d=$ROOT/etc/modprobe.d long
	long=$(printf 'x%.0s' $(seq 1 5000))
	{
		printf 'alias\tvfio-pci:v0000AAAA* \t my-mod  # trailing words ignored\n'
		printf 'alias vfio_pci:v0000BB[0-9A-F]* other-mod\n'
		printf 'alias vfio-a[b-c]-d-[-x] br-mod\n'
		printf 'alias vfio]bad bad_mod\n'
		printf 'alias vfio[unclosed bad_mod\n'
		printf '   # not a comment for kmod: a bad line\n'
		printf '#blacklist commented\n'
		printf 'blacklist\tblack-one\n'
		printf 'black\\\nlist joined-black\n'
		printf 'alias cont:\\\n* cont-mod\n'
		printf 'alias esc\\aped esc\\-mod\n'
		printf 'alias %s long-mod\n' "$long"
		printf 'alias dup dup_mod\nalias dup dup_mod\nblacklist dup-mod\nblacklist dup_mod\n'
		printf 'alias onlyone\nblacklist\noptions\ninstall x\nsoftdep a\ninclude /etc/x\n'
		printf 'options my-mod a=1\ninstall my-mod /bin/true\n'
		printf 'alias nul\0byte nul_mod\n'
		printf 'blacklist \xff\xfe-high\n'
		printf 'alias \r cr_mod\n'
		printf 'blacklist last-no-newline\\'
	} > "$d/a-nasty.conf"
	printf 'alias z-first zz-mod\n' > "$d/0-first.alias"
	printf 'blacklist not-read\n' > "$d/skipped.txt"
	mkdir -p "$ROOT/lib/modprobe.d" "$ROOT/run/modprobe.d"
	printf 'alias hidden hidden_mod\n' > "$ROOT/lib/modprobe.d/a-nasty.conf"
	printf 'alias run-alias run_mod\n' > "$ROOT/run/modprobe.d/m.conf"
	# libkmod reads the module directory's modules.softdep as configuration too
	printf 'softdep a pre: b\nalias from-softdep sd_mod\nblacklist sd-black\n' \
		> "$ROOT/lib/modules/$KREL/modules.softdep"
	same
	assert_line 'alias 0: vfioctl=z_first zz_mod libkmod=z_first zz_mod'
	assert_line 'alias 1: vfioctl=vfio_pci:v0000AAAA* my_mod libkmod=vfio_pci:v0000AAAA* my_mod'
	assert_line 'alias 3: vfioctl=vfio_a[b-c]_d_[-x] br_mod libkmod=vfio_a[b-c]_d_[-x] br_mod'
	assert_line 'alias 4: vfioctl=cont:* cont_mod libkmod=cont:* cont_mod'
	assert_line 'alias 5: vfioctl=escaped esc_mod libkmod=escaped esc_mod'
	assert_line --regexp '^blacklist [0-9]+: vfioctl=joined_black libkmod=joined_black$'
	assert_line --regexp '^alias [0-9]+: vfioctl=from_softdep sd_mod libkmod=from_softdep sd_mod$'
	assert_line --regexp '^alias [0-9]+: vfioctl=run_alias run_mod libkmod=run_alias run_mod$'
	refute_line --partial hidden
	refute_line --partial not_read
	refute_line --partial bad_mod
}

@test "the kernel command line's modprobe.blacklist: libkmod's reading" {
	local cmdline=$BATS_TEST_TMPDIR/cmdline
	printf 'ro quiet modprobe.blacklist=vfxt-a,vfxt_b,,c "modprobe.blacklist=q1,q2 q3" modprobe.blacklist=d x.y=1 other.blacklist=e\n' > "$cmdline"
	run "$FIXTURE_TOP/test/lib/private-ns" sh -c \
		'mount --bind "$1" /proc/cmdline && exec "$2" -v "$3" "$4"' sh "$cmdline" "$DIFF" "$ROOT" "$KREL"
	[ "$status" -ne 2 ] || skip "no mount namespace here: $output"
	assert_success
	assert_line --regexp '^[0-9]+ aliases, 8 blacklists, 0 differences$'
	assert_line 'blacklist 1: vfioctl=vfxt-a libkmod=vfxt-a'
	assert_line 'blacklist 3: vfioctl= libkmod='
	assert_line 'blacklist 5: vfioctl="q1 libkmod="q1'
	assert_line 'blacklist 6: vfioctl=q2 q3" libkmod=q2 q3"'
	assert_line 'blacklist 7: vfioctl=d libkmod=d'
}

@test "list-candidates passes over a module the kernel command line blacklists" {
	local cmdline=$BATS_TEST_TMPDIR/cmdline
	sed -i '/^blacklist/d' "$ROOT/etc/modprobe.d/vfxt.conf"
	run "$VFIOCTL_BIN" --root "$ROOT" --json list-candidates 0000:00:06.0
	assert_success
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfxt_black_vfio_pci
	printf 'ro modprobe.blacklist=other,vfxt-black-vfio-pci\n' > "$cmdline"
	run "$FIXTURE_TOP/test/lib/private-ns" sh -c \
		'mount --bind "$1" /proc/cmdline && exec "$2" --root "$3" --json list-candidates 0000:00:06.0' \
		sh "$cmdline" "$VFIOCTL_BIN" "$ROOT"
	[ "$status" -ne 1 ] || [ -n "$output" ] || skip "no mount namespace here"
	assert_success
	assert_equal "$(jq -r '.[0].best' <<<"$output")" vfio_pci
}

@test "a FIFO mounted over /proc/cmdline, its writer silent, stops nothing: no blacklist read from it" {
	local fifo=$BATS_TEST_TMPDIR/cmdline
	mkfifo "$fifo"
	run timeout 20 "$FIXTURE_TOP/test/lib/private-ns" sh -c \
		'mount --bind "$1" /proc/cmdline || exit 3
		 sleep 30 <>"$1" & w=$!
		 "$2" --root "$3" --json list-candidates 0000:00:06.0; s=$?
		 kill $w; exit $s' \
		sh "$fifo" "$VFIOCTL_BIN" "$ROOT"
	[ "$status" -ne 3 ] || skip "no mount namespace here"
	assert_success
	assert_equal "$(jq -r '.[0].device' <<<"$output")" 0000:00:06.0
}
