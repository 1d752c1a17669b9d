#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --help, the man pages and the completions in step (STYLE.md, point 7).
# Each source is read as a user meets it: `vfioctl --help` and `vfioctl
# COMMAND --help` as printed; the man page as man renders it (COMMANDS has
# a subsection per command, its options the tagged entries there; GLOBAL
# OPTIONS the global ones); each completion as its shell offers it for
# `vfioctl ` and `vfioctl [COMMAND] -`. Any command or option one of them
# names and another does not fails, saying which lacks what. Also: the
# pages lint clean; exit statuses, installed files, record keys and record
# examples agree with --help, `make install` and lib/persist.c; README's
# test command is .ci/run's.

load lib/common
load lib/completion

SOURCES=(help man bash zsh fish)

setup_file() {
	local top=$FIXTURE_TOP
	D=$BATS_FILE_TMPDIR
	VFIOCTL=$top/vfioctl
	MAN8=$top/build/man/vfioctl.8
	MAN5=$top/build/man/vfioctl.d.5
	export D VFIOCTL MAN8 MAN5
	make -s -C "$top" man >/dev/null
	mkdir -p "${SOURCES[@]/#/$D/}"

	# help: the commands of `vfioctl --help`, the options of each --help
	"$VFIOCTL" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' |
		LC_ALL=C sort >"$D/help/commands"
	help_options >"$D/help/-"
	while read -r c; do
		help_options "$c" >"$D/help/$c"
	done <"$D/help/commands"

	man_tags "$MAN8" >"$D/man8.tags"
	awk -F '\t' '$1 == "COMMANDS" { print $2 }' "$D/man8.tags" | LC_ALL=C sort -u >"$D/man/commands"
	awk -F '\t' '$1 == "GLOBAL OPTIONS" { print $3 }' "$D/man8.tags" | options_of >"$D/man/-"
	while read -r c; do
		awk -F '\t' -v c="$c" '$1 == "COMMANDS" && $2 == c { print $3 }' "$D/man8.tags" |
			options_of | cat - "$D/man/-" | LC_ALL=C sort -u >"$D/man/$c"
	done <"$D/man/commands"

	# every command any source names, asked of every completion
	cat "$D"/help/commands "$D"/man/commands | LC_ALL=C sort -u >"$D/all-commands"
	local -a lines=("vfioctl " "vfioctl -")
	while read -r c; do
		lines+=("vfioctl $c -")
	done <"$D/all-commands"
	bash_offers "${lines[@]}" | split_offers bash
	zsh_offers "${lines[@]}" | split_offers zsh
	fish_offers "${lines[@]}" | split_offers fish
}

# help_options [COMMAND]: the options `vfioctl [COMMAND] --help` lists
# (argp puts them at column 2, long-only ones at 6), one per line, sorted.
help_options() {
	"$VFIOCTL" "$@" --help | awk '/^  -|^      -/ {
		sub(/^ +/, ""); sub(/  .*/, "")
		n = split($0, w, /, /)
		for (i = 1; i <= n; i++) { o = w[i]; sub(/[=[].*/, "", o); print o }
	}' | LC_ALL=C sort -u
}

# man_tags PAGE: SECTION<TAB>SUBSECTION<TAB>TAG for every tagged entry of
# the page as man renders it (at width 1000: no line is wrapped); a
# subsection is also listed with an empty TAG.
man_tags() {
	MANWIDTH=1000 man -l "$1" 2>/dev/null | col -bx | awk '
		/^[A-Z]/ { sec = $0; sub_ = ""; prev = ""; next }
		/^   [^ ]/ { sub_ = $1; print sec "\t" sub_ "\t"; prev = ""; next }
		/^           [^ ]/ && prev ~ /^       [^ ]/ {
			t = prev; sub(/^ +/, "", t); print sec "\t" sub_ "\t" t
		}
		{ prev = $0 }'
}

# options_of: the -x and --xyz words of tags on stdin
options_of() {
	tr ' ,' '\n\n' | grep -E '^--?[^-]' | LC_ALL=C sort -u
}

# split_offers SOURCE: the answers (for "vfioctl ", "vfioctl -", then
# "vfioctl COMMAND -" in the order of all-commands, each ended by a line
# \x1e) into SOURCE/commands, SOURCE/- and SOURCE/COMMAND
split_offers() {
	local src=$1 i=0 l
	local -a names=(commands -)
	mapfile -t -O 2 names <"$D/all-commands"
	: >"$D/$src/commands"
	while IFS= read -r l; do
		if [[ $l == $'\x1e' ]]; then
			i=$((i + 1))
			: >>"$D/$src/${names[i]:-extra}"
		else
			printf '%s\n' "$l" >>"$D/$src/${names[i]}"
		fi
	done
	for l in "$D/$src"/*; do
		LC_ALL=C sort -u -o "$l" "$l"
	done
}

bash_offers() {
	bash --norc --noprofile -c '
		. /usr/share/bash-completion/bash_completion
		. "$0"
		for line; do
			read -ra COMP_WORDS <<<"$line"
			[[ $line == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$line COMP_POINT=${#line}
			COMPREPLY=()
			_vfioctl vfioctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
			((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"
			printf "\x1e\n"
		done' "$FIXTURE_TOP/completions/vfioctl.bash" "$@"
}

# zsh on a pseudo-terminal, as in test/completion-zsh.bats
zsh_offers() {
	zsh_driver_write "$D/zcomp.zsh"
	TMPDIR=$D timeout 60 zsh -f "$D/zcomp.zsh" "$FIXTURE_TOP/completions" "$@"
}

fish_offers() {
	# shellcheck disable=SC2016
	fish --no-config -c 'source $argv[1]
		for line in $argv[2..]
			complete -C $line | string replace -r "\t.*" ""
			echo \x1e
		end' "$FIXTURE_TOP/completions/vfioctl.fish" "$@"
}

# agree NAME: every source's NAME lists the same; else say what each lacks
agree() {
	local name=$1 src all lacks bad=0
	all=$(for src in "${SOURCES[@]}"; do cat "$D/$src/$name" 2>/dev/null; done | LC_ALL=C sort -u)
	[ -n "$all" ] || { echo "$name: no source names anything"; return 1; }
	for src in "${SOURCES[@]}"; do
		lacks=$(LC_ALL=C comm -23 <(printf '%s\n' "$all") <(cat "$D/$src/$name" 2>/dev/null))
		if [ -n "$lacks" ]; then
			printf '%s: %s lacks:%s\n' "${name/#-/global options}" "$src" "$(printf ' %s' $lacks)"
			bad=1
		fi
	done
	return $bad
}

@test "commands: --help, the man page and the bash, zsh and fish completions name the same" {
	[ "$(wc -l <"$D/help/commands")" -ge 11 ]
	run agree commands
	assert_success
}

@test "every command of --help has its subsection in the man page's COMMANDS" {
	local c missing=()
	while read -r c; do
		grep -qxF "$c" "$D/man/commands" || missing+=("$c")
	done <"$D/help/commands"
	assert_equal "${missing[*]}" ""
}

@test "global options: --help, GLOBAL OPTIONS and the completions before a command agree" {
	grep -qx -- --root "$D/help/-"
	run agree -
	assert_success
}

@test "each command's options agree: its --help, its man subsection, the three completions" {
	local c out=()
	while read -r c; do
		out+=("$(agree "$c" || :)")
	done <"$D/all-commands"
	assert_equal "$(printf '%s\n' "${out[@]}" | sed '/^$/d')" ""
	grep -qx -- --numvfs "$D/help/sriov"
	grep -qx -- --force "$D/man/apply"
}

@test "the man pages pass mandoc -T lint and man --warnings" {
	local page
	for page in "$MAN8" "$MAN5"; do
		# scdoc writes a .P before every block; mandoc notes each one it skips
		run bash -c 'mandoc -T lint -W warning "$1" 2>&1 | grep -v "WARNING: skipping paragraph macro"' _ "$page"
		assert_output ""
		run --separate-stderr env MANWIDTH=80 man --warnings -l "$page"
		assert_success
		[ -z "$stderr" ] || fail "man --warnings $page: $stderr"
		[ "${#lines[@]}" -gt 50 ]
	done
}

@test "exit statuses: those --help gives are the man page's EXIT STATUS" {
	local help man
	help=$("$VFIOCTL" --help | sed -n '/^Exit status:/,/^$/p' | grep -oE '\b[0-9]\b' | LC_ALL=C sort -u)
	man=$(awk -F '\t' '$1 == "EXIT STATUS" && $3 != "" { print $3 }' "$D/man8.tags" | LC_ALL=C sort -u)
	assert_equal "$(echo $man)" "0 1 2 3"
	assert_equal "$(echo $help)" "$(echo $man)"
}

@test "FILES names every file make install puts beside the binary, man pages and completions" {
	local files path missing=()
	files=$(awk -F '\t' '$1 == "FILES" { print $3 }' "$D/man8.tags")
	# the paths of the default install, as make would install them
	while read -r path; do
		case $path in
		*/sbin/vfioctl | */man/man* | */bash-completion/* | */zsh/* | */fish/*) continue ;;
		esac
		# a file, or its directory (the dracut module)
		[[ $files == *"$path"* || $files == *"$(dirname "$path")/"* ]] || missing+=("$path")
	done < <(make -s -n -C "$FIXTURE_TOP" install DESTDIR=/DESTDIR |
		grep -o '/DESTDIR/[^ ]*' | sed 's|^/DESTDIR||')
	assert_equal "${missing[*]}" ""
	[[ $files == */etc/vfioctl.d/* && $files == */run/vfioctl/* &&
		$files == */etc/modprobe.d/vfioctl.conf* ]]
}

@test "vfioctl.d(5) describes every key the record parser takes, and driver's auto and keep" {
	local keys tags k
	keys=$(grep -oE 'strcmp\(key, "[a-z]+"\)' "$FIXTURE_TOP/lib/persist.c" | grep -oE '"[a-z]+"' | tr -d '"' | sort -u)
	[ "$(echo $keys)" = "device driver ids numvfs owner" ]
	tags=$(man_tags "$MAN5" | awk -F '\t' '$1 == "FILE FORMAT" { print $3 }')
	for k in $keys; do
		grep -q "^$k = " <<<"$tags" || fail "vfioctl.d(5) has no entry for key '$k'"
	done
	for k in $(sed -nE 's/^#define RECORD_(AUTO|KEEP) "([a-z]+)".*/\2/p' "$FIXTURE_TOP/lib/persist.h"); do
		grep -qE "^driver = .*\b$k\b" <<<"$tags" || fail "vfioctl.d(5): driver value '$k' missing"
	done
}

@test "vfioctl.d(5)'s examples are records vfioctl reads, one per example file" {
	local img=$BATS_TEST_TMPDIR/img n
	mkdir -p "$img/etc/vfioctl.d"
	# each literal block of EXAMPLES, as a file of its own
	MANWIDTH=1000 man -l "$MAN5" 2>/dev/null | col -bx | awk -v dir="$img/etc/vfioctl.d" '
		/^[A-Z]/ { sec = $0; next }
		sec == "EXAMPLES" && /^           / { if (!in_) n++; in_ = 1; sub(/^ +/, ""); print > (dir "/example-" n ".conf"); next }
		{ in_ = 0 }'
	n=$(find "$img/etc/vfioctl.d" -name '*.conf' | wc -l)
	[ "$n" -eq 5 ]
	run --separate-stderr "$VFIOCTL" --root "$img" --json list-persisted
	assert_success
	assert_equal "$(jq 'length' <<<"$output")" "$n"
	assert_equal "$(jq -c '[.[] | select(.error)]' <<<"$output")" "[]"
	jq -e 'any(.[]; .ids == "15b3:101e:15b3:0041" and .driver == "vfio-pci")' <<<"$output"
	jq -e 'any(.[]; .device == "platform/fff50000.ethernet" and .driver == "auto")' <<<"$output"
}

@test "README's test command is the one .ci/run runs" {
	local readme ci
	readme=$(awk '/^The whole test suite/ { f = 1 } f && /^    [^ ]/ { sub(/^    /, ""); print; exit }' \
		"$FIXTURE_TOP/README.md")
	ci=$(grep -v '^[[:space:]]*\(#\|$\)' "$FIXTURE_TOP/.ci/run" | tail -n 1)
	[ -n "$readme" ]
	assert_equal "$ci" "$readme"
}
