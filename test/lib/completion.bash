# SPDX-License-Identifier: GPL-2.0-or-later
# What the completion suites (test/completion-*.bats) and test/docs.bats
# share: the fake root they complete from, a zsh driver on a
# pseudo-terminal, and the parsing of what a shell offered.

# completion_root_setup: $R, a copy of the fixture root with records, VFIO
# nodes, users and an SR-IOV device, and $R2, a tiny second root (what is
# offered must come from the root named). Call from setup_file.
completion_root_setup() {
	fixture_setup_file
	R=$BATS_FILE_TMPDIR/root
	cp -dR --preserve=mode,timestamps "$FIXTURE_PRISTINE" "$R"
	mkdir -p "$R/etc/vfioctl.d" "$R/dev/vfio/devices"
	printf '%s\n' 'device = 0000:00:0a.0' 'driver = auto' >"$R/etc/vfioctl.d/pci-0000:00:0a.0.conf"
	printf '%s\n' '# the fleet' '  ids = 8086:10d3   # every 82574L' >"$R/etc/vfioctl.d/fleet.conf"
	printf '%s\n' 'device = 0000:00:0c.0' >"$R/etc/vfioctl.d/.pci-0000:00:0c.0.conf.Ab12Cd"
	printf '%s\n' 'device = 0000:00:0b.0' >"$R/etc/vfioctl.d/notes.txt"
	touch "$R/dev/vfio/vfio" "$R/dev/vfio/3" "$R/dev/vfio/noiommu-7" "$R/dev/vfio/devices/vfio0"
	printf '%s\n' root:x:0:0::/root:/bin/sh alice:x:1000:1000::/home/alice:/bin/sh \
		albert:x:1001:1001::/home/albert:/bin/sh >"$R/etc/passwd"
	printf '%s\n' root:x:0: alice:x:1000: kvm:x:104:alice >"$R/etc/group"
	echo 8 >"$R/sys/bus/pci/devices/0000:00:02.0/sriov_totalvfs"
	R2=$BATS_FILE_TMPDIR/other
	mkdir -p "$R2/sys/bus/pci/devices/0000:aa:00.0" "$R2/sys/bus/pci/drivers/other-drv"
	export R R2
}

# zsh_driver_write FILE: a zsh script, run as `zsh -f FILE FPATHDIR LINE...`,
# that types each LINE into an interactive zsh on a pseudo-terminal
# (compinit with FPATHDIR first in $fpath), moves the cursor back to '|'
# when the line has one, presses TAB, and prints what compadd was given,
# sorted, then a line holding only \x1e.
zsh_driver_write() {
	cat >"$1" <<'EOF_ZSH'
zmodload zsh/zpty || exit 2
dir=$1
shift
out=$TMPDIR/zcomp.out
: >| $out
zpty z zsh -f -i
zpty -w z "PS1= RPROMPT=; bindkey -e; unsetopt autolist beep; LISTMAX=100000; ZC_OUT=${(q)out}; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
# record what is added (-O, -A, -D only ask which would match)
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __h; builtin compadd -A __h "$@"; (( $#__h )) && print -rl -- ${(Q)__h} >> $ZC_OUT; builtin compadd "$@"; }'
zpty -w z '_zc() { zle complete-word; print -n "\x01ZCDONE\x02"; BUFFER=; }; zle -N _zc; bindkey "^I" _zc; print "\x01ZCREADY\x02"'
zpty -r z junk $'*\x01ZCREADY\x02*' || exit 3
for line; do
	keys=${line/\|/}
	back=
	[[ $line == *\|* ]] && back=${line#*\|}
	repeat $#back keys+=$'\x02'	# ^B: the cursor back to '|'
	zpty -w -n z "$keys"$'\t'
	zpty -r z junk $'*\x01ZCDONE\x02*' || exit 4
	[[ -s $out ]] && LC_ALL=C sort -u $out
	print $'\x1e'
	: >| $out
done
zpty -d z
EOF_ZSH
}

# split_offers ARRAY <<< OUTPUT: the groups of a driver's output (lines
# ending at a line holding only \x1e) into the array named ARRAY
split_offers() {
	local -n into=$1
	local cur='' l
	into=()
	while IFS= read -r l; do
		if [[ $l == $'\x1e' ]]; then
			into+=("$cur")
			cur=''
		else
			cur+=${cur:+$'\n'}$l
		fi
	done
}

lines() { printf '%s\n' "$@" | LC_ALL=C sort; }
devices() { (cd "$1/sys/bus/pci/devices" && printf '%s\n' *) | LC_ALL=C sort; }
