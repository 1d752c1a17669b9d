#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages that `make deb` built into build/deb/: what each one
# holds and where, what dpkg runs for it, one version everywhere, and
# lintian's verdict. test/package.bats installs them in the VM.

load lib/common

setup_file() {
	VERSION=$(dpkg-parsechangelog -l "$FIXTURE_TOP/debian/changelog" -S Version)
	DEB=$FIXTURE_TOP/build/deb/vfioctl_${VERSION}_$(dpkg --print-architecture).deb
	DKMS_DEB=$FIXTURE_TOP/build/deb/vfioctl-dkms_${VERSION}_all.deb
	[ -e "$DEB" ] && [ -e "$DKMS_DEB" ] || {
		echo "no $DEB and $DKMS_DEB: run 'make deb' first" >&2
		return 1
	}
	export VERSION DEB DKMS_DEB
}

# files DEB: each file and link with its mode, no directories
files() {
	dpkg-deb --fsys-tarfile "$1" | tar -tvf - |
		awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print substr($1, 2), $6 }' | LC_ALL=C sort
}

@test "vfioctl: every file in Debian's place, with its mode" {
	run files "$DEB"
	assert_output "$(
		LC_ALL=C sort <<-EOF
			rwxr-xr-x usr/sbin/vfioctl
			rw-r--r-- lib/udev/rules.d/70-vfioctl.rules
			rw-r--r-- lib/systemd/system/vfioctl.service
			rwxr-xr-x usr/share/initramfs-tools/hooks/vfioctl
			rwxr-xr-x usr/share/initramfs-tools/scripts/init-premount/vfioctl
			rwxr-xr-x usr/lib/dracut/modules.d/90vfioctl/module-setup.sh
			rwxr-xr-x usr/lib/dracut/modules.d/90vfioctl/vfioctl-apply.sh
			rw-r--r-- usr/share/man/man8/vfioctl.8.gz
			rw-r--r-- usr/share/man/man5/vfioctl.d.5.gz
			rw-r--r-- usr/share/bash-completion/completions/vfioctl
			rw-r--r-- usr/share/zsh/vendor-completions/_vfioctl
			rw-r--r-- usr/share/fish/vendor_completions.d/vfioctl.fish
			rw-r--r-- usr/share/doc/vfioctl/changelog.gz
			rw-r--r-- usr/share/doc/vfioctl/copyright
			rw-r--r-- usr/share/lintian/overrides/vfioctl
		EOF
	)"
}

@test "vfioctl: Depends from the shared libraries it links; its files name /usr/sbin/vfioctl" {
	run dpkg-deb -f "$DEB" Package Version Architecture Depends
	assert_line "Version: $VERSION"
	# ${shlibs:Depends}: the libraries the binary links, nothing typed in
	assert_line --regexp '^Depends: libc6 \(>= [^)]+\), libkmod2 \(>= [^)]+\), libpci3 \(>= [^)]+\)$'
	x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$DEB" "$x"
	grep -q 'PROGRAM="/usr/sbin/vfioctl --quiet apply' "$x/lib/udev/rules.d/70-vfioctl.rules"
	grep -q '^ExecStart=/usr/sbin/vfioctl apply$' "$x/lib/systemd/system/vfioctl.service"
	grep -q /usr/sbin/vfioctl "$x/usr/share/initramfs-tools/hooks/vfioctl"
	# the binary and the man page say the package's version
	run "$x/usr/sbin/vfioctl" --version
	assert_output "vfioctl $VERSION"
	run zgrep -c "vfioctl $VERSION" "$x/usr/share/man/man8/vfioctl.8.gz"
	refute_output 0
}

@test "vfioctl: the unit enabled by deb-systemd-helper, update-initramfs by a trigger, records kept until purge" {
	c=$BATS_TEST_TMPDIR/control
	dpkg-deb -e "$DEB" "$c"
	run grep -v '^#' "$c/triggers"
	assert_output 'activate-noawait update-initramfs'
	grep -q "deb-systemd-helper enable 'vfioctl.service'" "$c/postinst"
	# installing binds nothing: the unit is not started
	run grep -c 'deb-systemd-invoke' "$c/postinst"
	assert_output 0
	# the records go on purge, the modprobe.d guard (it runs the binary) on remove
	run sed -n '/^remove)/,/;;/p' "$c/postrm"
	assert_line --partial 'rm -f /etc/modprobe.d/vfioctl.conf'
	refute_line --partial /etc/vfioctl.d
	run sed -n '/^purge)/,/;;/p' "$c/postrm"
	assert_line --partial 'rm -rf /etc/vfioctl.d'
}

@test "vfioctl-dkms: the sources of kernel/ and dkms.conf in /usr/src, registered with dkms" {
	run files "$DKMS_DEB"
	assert_output "$(
		LC_ALL=C sort <<-EOF
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/Kbuild
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/Makefile
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/dkms.conf
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/edu_vfio_pci.c
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/edu_vfio_pci.h
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/qemu_vfio_pci.c
			rw-r--r-- usr/src/vfioctl-variants-$VERSION/vfioctl_variant.h
			rw-r--r-- usr/share/doc/vfioctl-dkms/changelog.gz
			rw-r--r-- usr/share/doc/vfioctl-dkms/copyright
		EOF
	)"
	run dpkg-deb -f "$DKMS_DEB" Depends
	assert_output --regexp '^dkms \(>= [^)]+\)$'
	c=$BATS_TEST_TMPDIR/control
	dpkg-deb -e "$DKMS_DEB" "$c"
	# dh_dkms: postinst has dkms add, build and install the module for the
	# kernels there are, prerm has dkms remove it from all of them
	for s in postinst prerm; do
		grep -qx DKMS_NAME=vfioctl-variants "$c/$s"
		grep -qx "DKMS_VERSION=$VERSION" "$c/$s"
	done
	grep -q '/usr/lib/dkms/common.postinst' "$c/postinst"
	grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all' "$c/prerm"
	# dkms's kernel hook builds it for each kernel installed later
	x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$DKMS_DEB" "$x"
	grep -qx 'AUTOINSTALL="yes"' "$x/usr/src/vfioctl-variants-$VERSION/dkms.conf"
	# the module's version is the package's
	run grep '^PACKAGE_VERSION=' "$FIXTURE_TOP/kernel/dkms.conf"
	assert_output "PACKAGE_VERSION=\"$VERSION\""
}

@test "lintian: no error and no warning on either package" {
	# lintian warns when it runs as root; it needs nothing of root
	run lintian --fail-on error,warning --display-level '>=warning' "$DEB" "$DKMS_DEB"
	assert_success
	refute_output --regexp '^[EW]: '
}
