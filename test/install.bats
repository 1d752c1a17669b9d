#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make install / uninstall into a DESTDIR: every file in its place with its
# mode, found where man and each shell look for it, and gone again after
# uninstall. Run in a copy of the tree (objects included, so that only what
# names BINDIR is rebuilt): another PREFIX must not relink ./vfioctl under
# the other tests.

load lib/common

setup_file() {
	S=$BATS_FILE_TMPDIR/src
	mkdir -p "$S/build"
	mkdir -p "$S/test/lib"
	cp -a "$FIXTURE_TOP/test/lib/kernel-release" "$S/test/lib/"
	(cd "$FIXTURE_TOP" && cp -a Makefile vfioctl.c lib tools boot man completions "$S/")
	# the version, from debian/changelog
	mkdir -p "$S/debian" && cp -a "$FIXTURE_TOP/debian/changelog" "$S/debian/"
	# what is built already, so the copy does not rebuild it
	for b in obj sbindir boot man; do
		[ ! -e "$FIXTURE_TOP/build/$b" ] || cp -a "$FIXTURE_TOP/build/$b" "$S/build/"
	done
	[ -x "$FIXTURE_TOP/vfioctl" ] && cp -a "$FIXTURE_TOP/vfioctl" "$S/"
	export S
}

setup() {
	DEST=$BATS_TEST_TMPDIR/dest
}

# tree DIR: each file and link under DIR with its mode, sorted
tree() {
	(cd "$1" && find . ! -type d -printf '%m %P\n' | LC_ALL=C sort)
}

inst() {	# inst TARGET VAR=VALUE...: make TARGET in the copy, into $DEST
	make -s -C "$S" "$@" DESTDIR="$DEST" >/dev/null
}

@test "PREFIX=/usr: every file where Debian's packages put theirs, with its mode" {
	inst install PREFIX=/usr
	run tree "$DEST"
	assert_output "$(
		LC_ALL=C sort <<-EOF
			755 usr/sbin/vfioctl
			644 lib/udev/rules.d/70-vfioctl.rules
			644 lib/systemd/system/vfioctl.service
			755 usr/share/initramfs-tools/hooks/vfioctl
			755 usr/share/initramfs-tools/scripts/init-premount/vfioctl
			755 usr/lib/dracut/modules.d/90vfioctl/module-setup.sh
			755 usr/lib/dracut/modules.d/90vfioctl/vfioctl-apply.sh
			644 usr/share/man/man8/vfioctl.8
			644 usr/share/man/man5/vfioctl.d.5
			644 usr/share/bash-completion/completions/vfioctl
			644 usr/share/zsh/vendor-completions/_vfioctl
			644 usr/share/fish/vendor_completions.d/vfioctl.fish
		EOF
	)"
	# the completion directories are the ones pkg-config reports
	[ "$(pkg-config --variable=completionsdir bash-completion)" = /usr/share/bash-completion/completions ]
	[ "$(pkg-config --variable=completionsdir fish)" = /usr/share/fish/vendor_completions.d ]
	# what is installed names the installed binary and paths
	grep -q 'PROGRAM="/usr/sbin/vfioctl --quiet apply' "$DEST/lib/udev/rules.d/70-vfioctl.rules"
	grep -q '^ExecStart=/usr/sbin/vfioctl apply$' "$DEST/lib/systemd/system/vfioctl.service"
	MANWIDTH=200 man -l "$DEST/usr/share/man/man8/vfioctl.8" 2>/dev/null |
		grep -qF '/lib/udev/rules.d/70-vfioctl.rules'
	cmp "$S/completions/vfioctl.fish" "$DEST/usr/share/fish/vendor_completions.d/vfioctl.fish"
	run "$DEST/usr/sbin/vfioctl" --version
	assert_output "vfioctl $(dpkg-parsechangelog -l "$S/debian/changelog" -S Version)"
}

@test "PREFIX=/usr: man and the three shells find what was installed" {
	inst install PREFIX=/usr
	run man -M "$DEST/usr/share/man" -w vfioctl.d
	assert_output "$DEST/usr/share/man/man5/vfioctl.d.5"
	run env MANWIDTH=80 man -M "$DEST/usr/share/man" 8 vfioctl
	assert_output --partial "vfioctl - hand PCI devices to the right VFIO driver"
	# bash-completion's loader, looking in XDG_DATA_DIRS
	run env XDG_DATA_DIRS="$DEST/usr/share" bash --norc --noprofile -c \
		'. /usr/share/bash-completion/bash_completion; __load_completion vfioctl && complete -p vfioctl'
	assert_output "complete -F _vfioctl vfioctl"
	# zsh's compinit, with the vendor directory in $fpath
	run zsh -f -c "fpath=($DEST/usr/share/zsh/vendor-completions \$fpath)
		autoload -Uz compinit && compinit -u -D && print -r -- \$_comps[vfioctl]"
	assert_output _vfioctl
	# fish, its vendor directory from XDG_DATA_DIRS (no user configuration);
	# it loads completions only for a command it finds
	run env HOME="$BATS_TEST_TMPDIR" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/c" \
		XDG_DATA_DIRS="$DEST/usr/share" PATH="$DEST/usr/sbin:$PATH" \
		fish -c 'complete -C "vfioctl list-p"'
	assert_output --regexp '^list-persisted'
}

@test "default PREFIX=/usr/local: binary, man pages and completions under /usr/local" {
	inst install
	run tree "$DEST"
	assert_output "$(
		LC_ALL=C sort <<-EOF
			755 usr/local/sbin/vfioctl
			644 lib/udev/rules.d/70-vfioctl.rules
			644 lib/systemd/system/vfioctl.service
			755 usr/share/initramfs-tools/hooks/vfioctl
			755 usr/share/initramfs-tools/scripts/init-premount/vfioctl
			755 usr/lib/dracut/modules.d/90vfioctl/module-setup.sh
			755 usr/lib/dracut/modules.d/90vfioctl/vfioctl-apply.sh
			644 usr/local/share/man/man8/vfioctl.8
			644 usr/local/share/man/man5/vfioctl.d.5
			644 usr/local/share/bash-completion/completions/vfioctl
			644 usr/local/share/zsh/site-functions/_vfioctl
			644 usr/local/share/fish/vendor_completions.d/vfioctl.fish
		EOF
	)"
	grep -q 'PROGRAM="/usr/local/sbin/vfioctl --quiet apply' "$DEST/lib/udev/rules.d/70-vfioctl.rules"
	# zsh's own fpath has /usr/local/share/zsh/site-functions
	run zsh -f -c 'print -l $fpath'
	assert_line /usr/local/share/zsh/site-functions
}

@test "uninstall removes every file install put; only directories are left" {
	local p
	for p in /usr /usr/local /opt/vfioctl; do
		rm -rf "$DEST"
		inst install PREFIX=$p
		[ "$(tree "$DEST" | wc -l)" -eq 12 ]
		inst uninstall PREFIX=$p
		run tree "$DEST"
		assert_output ""
	done
	find "$DEST" -depth -type d -empty -delete
	[ ! -e "$DEST" ]
}

@test "GZIP_MAN=1: the man pages gzipped, read by man, removed by uninstall" {
	inst install PREFIX=/usr GZIP_MAN=1
	run tree "$DEST/usr/share/man"
	assert_output "$(printf '%s\n' '644 man5/vfioctl.d.5.gz' '644 man8/vfioctl.8.gz')"
	gzip -t "$DEST/usr/share/man/man8/vfioctl.8.gz"
	run man -M "$DEST/usr/share/man" -w vfioctl
	assert_output "$DEST/usr/share/man/man8/vfioctl.8.gz"
	inst uninstall PREFIX=/usr
	run tree "$DEST"
	assert_output ""
}

@test "the completion directories can be chosen: BASHCOMPDIR, ZSHCOMPDIR, FISHCOMPDIR" {
	inst install PREFIX=/usr BASHCOMPDIR=/b ZSHCOMPDIR=/z FISHCOMPDIR=/f
	run tree "$DEST"
	assert_line "644 b/vfioctl"
	assert_line "644 z/_vfioctl"
	assert_line "644 f/vfioctl.fish"
	inst uninstall PREFIX=/usr BASHCOMPDIR=/b ZSHCOMPDIR=/z FISHCOMPDIR=/f
	run tree "$DEST"
	assert_output ""
}
