#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages of build/deb/ (make deb), installed the way a user
# gets them and proven on the real kernel: dpkg -i of both, with their
# maintainer scripts run for real (dkms builds the variant drivers for
# the guest's kernel release from the host's linux-headers,
# deb-systemd-helper enables the unit, the initramfs trigger), then in the
# guest vfioctl from /usr/sbin with nothing of the build tree on PATH, a
# reboot through the packaged unit and rule (systemd as init), and
# apt-get remove and purge leaving nothing behind (and nothing bound at
# the next boot).
#
# Why dpkg and apt-get run natively and not in the guest: under TCG dkms's
# compile of the variants took 587-1019 s per run, and apt-get remove with
# dkms's depmod minutes more (the suite 28-47 min). So
# test/lib/native-overlay runs them on this machine in a chroot into a
# throw-away overlay of / (a private mount namespace, the upper layer on a
# tmpfs, checked to be the overlay before dpkg runs), which is exactly the
# root the guest boots (this root over 9p, with an overlay on top), and
# writes the upper layer as the guest's --disk image; remove and purge run
# the same way on that image (loop-mounted) after the guest's boots. The
# host is checked untouched before and after. dpkg sees a chroot there
# (no systemd running, uname -r another kernel's), which is Debian's own
# chroot path: dkms builds for every kernel with headers, the unit is
# enabled but not started. The guest's boots keep their changes on that
# disk; the tests run in order and share it.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)
E1000E=0000:00:02.0
EDU=0000:00:03.0
VERSION=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
DEB=build/deb/vfioctl_${VERSION}_$(dpkg --print-architecture).deb
DKMS_DEB=build/deb/vfioctl-dkms_${VERSION}_all.deb

KREL=$("$TOP/test/lib/kernel-release")

setup_file() {
	export DISK=$BATS_FILE_TMPDIR/package.img
	rm -f "$DISK"
	[ -e "$TOP/$DEB" ] && [ -e "$TOP/$DKMS_DEB" ] || {
		echo "no $DEB and $DKMS_DEB: run 'make deb' first" >&2
		return 1
	}
}

# boot MODE COMMAND...: one boot of the guest on $DISK, systemd or the
# harness's shell as init; COMMAND runs once the boot is done
boot() {
	local init=$1
	shift
	# no_timer_check: on a loaded host the kernel's early check of the
	# IO-APIC timer can miss under TCG and panic the boot
	"$TOP/test/vm/run" --init "$init" --disk "$DISK" --timeout 900 \
		--append no_timer_check -- env DEBIAN_FRONTEND=noninteractive "$@"
}

# apt-get for remove and purge, reading no package lists: they need only
# dpkg's status, and parsing the archive's lists (no pkgcache.bin where
# apt's docker-clean configuration turns the cache off) took minutes per
# call under TCG
APT_GET='mkdir -p /run/no-sources && apt-get -o Dpkg::Use-Pty=0 -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/run/no-sources'

# drivers: "driver ADDR DRIVER" for the two devices
DRIVERS='for d in 0000:00:02.0 0000:00:03.0; do l=$(readlink /sys/bus/pci/devices/$d/driver) || l=none; echo "driver $d ${l##*/}"; done'

# leftovers: every file of the packages, the dkms tree and what vfioctl
# wrote, one "left PATH" line each if it is still there
LEFTOVERS='K='$KREL'
	for f in /usr/sbin/vfioctl /lib/udev/rules.d/70-vfioctl.rules \
		/lib/systemd/system/vfioctl.service /usr/share/initramfs-tools/hooks/vfioctl \
		/usr/lib/dracut/modules.d/90vfioctl /usr/share/man/man8/vfioctl.8.gz \
		/usr/share/bash-completion/completions/vfioctl /usr/src/vfioctl-variants-'$VERSION' \
		/var/lib/dkms/vfioctl-variants /etc/modprobe.d/vfioctl.conf \
		/etc/systemd/system/sysinit.target.wants/vfioctl.service \
		/etc/systemd/system/vfioctl.service /etc/vfioctl.d; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || echo "left $f"
	done
	find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
		-name "*vfioctl*" 2>/dev/null | sed "s/^/left /"
	find /lib/modules/$K -name "*_vfio_pci.ko*" ! -path "*/kernel/*" | sed "s/^/left /"
	modinfo -k $K -n edu_vfio_pci 2>/dev/null | sed "s/^/left module /"
	dpkg-query -W -f "\${db:Status-Status} \${Package}\n" vfioctl vfioctl-dkms 2>/dev/null |
		grep -v "^not-installed " | sed "s/^/status /"'

# host_state: what this machine would show if dpkg had touched it
HOST_STATE='dpkg-query -W -f "\${db:Status-Status}\n" vfioctl vfioctl-dkms 2>/dev/null | grep -v "^not-installed" | sed "s/^/host-status /"
	for f in /var/lib/dkms/vfioctl-variants /usr/src/vfioctl-variants-'$VERSION' \
		/lib/modules/'$KREL'/updates/dkms/edu_vfio_pci.ko \
		/lib/systemd/system/vfioctl.service /lib/udev/rules.d/70-vfioctl.rules; do
		[ ! -e "$f" ] || echo "host-has $f"
	done'

@test "dpkg -i both packages natively in a throw-away overlay of /: dkms builds the variants; the host is untouched" {
	run sh -c "$HOST_STATE"
	assert_output ''
	# update-initramfs (the trigger) would rebuild an initramfs nobody
	# boots; mandb costs time: the overlay's configuration turns both
	# into a message
	run "$TOP/test/lib/native-overlay" "$DISK" "
		echo update_initramfs=no >> /etc/initramfs-tools/update-initramfs.conf
		rm -f /var/lib/man-db/auto-update
		t0=\$(date +%s)
		dpkg -i $DEB $DKMS_DEB 2>&1 || exit
		echo dpkg-seconds=\$((\$(date +%s) - t0))
		dkms status vfioctl-variants
		echo service-enabled=\$(systemctl is-enabled vfioctl.service 2>&1)
		echo edu-files=\$(find /lib/modules/$KREL -name 'edu_vfio_pci.ko*')
		dpkg-query -W -f '\${db:Status-Status} \${Package}\n' vfioctl vfioctl-dkms"
	assert_success
	echo "# native $(grep -m1 '^dpkg-seconds=' <<<"$output") (dpkg -i of both, dkms for every" \
		"kernel with headers), load $(cut -d' ' -f1-3 /proc/loadavg)" >&3
	assert_line --partial 'Processing triggers for initramfs-tools'
	assert_line 'update-initramfs: Not updating initramfs.'
	assert_line --regexp "^vfioctl-variants/$VERSION, $KREL, x86_64: installed"
	assert_line "edu-files=/lib/modules/$KREL/updates/dkms/edu_vfio_pci.ko"
	assert_line service-enabled=enabled
	assert_line 'installed vfioctl'
	assert_line 'installed vfioctl-dkms'
	# and outside the overlay the host is as before
	run sh -c "$HOST_STATE"
	assert_output ''
	[ -s "$DISK" ]
}

@test "boot 1: vfioctl from /usr/sbin picks and binds the dkms-built edu variant; bind --persist" {
	run boot shell sh -c "
		cd /
		echo path=\$(command -v vfioctl)
		vfioctl --version
		dkms status vfioctl-variants
		echo edu-module=\$(modinfo -n edu_vfio_pci)
		echo edu-files=\$(find /lib/modules/\$(uname -r) -name 'edu_vfio_pci.ko*')
		echo service-enabled=\$(systemctl is-enabled vfioctl.service)
		vfioctl bind $EDU; echo bind=\$?
		echo edu-after-bind=\$(basename \$(readlink /sys/bus/pci/devices/$EDU/driver))
		echo edu-module-loaded=\$(cat /sys/module/edu_vfio_pci/initstate)
		vfioctl unbind $EDU
		vfioctl bind --persist $EDU $E1000E; echo persist=\$?
		$DRIVERS
		grep -h -v '^#' /etc/vfioctl.d/*.conf
		grep '^install' /etc/modprobe.d/vfioctl.conf
		sync"
	assert_success
	assert_line path=/usr/sbin/vfioctl
	assert_line "vfioctl $VERSION"
	assert_line --regexp "^vfioctl-variants/$VERSION, $KREL, x86_64: installed"
	# the only edu variant there is, the one dkms built
	assert_line "edu-module=/lib/modules/$KREL/updates/dkms/edu_vfio_pci.ko"
	assert_line "edu-files=/lib/modules/$KREL/updates/dkms/edu_vfio_pci.ko"
	assert_line service-enabled=enabled
	assert_line bind=0
	assert_line edu-after-bind=edu-vfio-pci
	assert_line edu-module-loaded=live
	assert_line "driver $EDU edu-vfio-pci"
	assert_line "driver $E1000E vfio-pci"
	assert_line persist=0
	assert_line "device = $EDU"
	assert_line "device = $E1000E"
	assert_line --regexp '^install e1000e /usr/sbin/vfioctl --quiet apply; /sbin/modprobe --ignore-install e1000e'
}

@test "boot 2: the packaged rule and unit bound both at boot (systemd as init)" {
	run boot systemd sh -c "
		$DRIVERS
		echo service=\$(systemctl show -p Result --value vfioctl.service)
		echo service-state=\$(systemctl is-active vfioctl.service)"
	assert_success
	assert_line "driver $EDU edu-vfio-pci"
	assert_line "driver $E1000E vfio-pci"
	assert_line service=success
	assert_line service-state=active
}

@test "apt-get remove (natively, on what the guest left) keeps only the records" {
	run "$TOP/test/lib/native-overlay" --reuse "$DISK" "
		$APT_GET remove -y vfioctl vfioctl-dkms 2>&1; echo remove=\$?
		$LEFTOVERS"
	assert_success
	assert_line remove=0
	assert_line --partial "Removing vfioctl-dkms ($VERSION)"
	assert_line 'update-initramfs: Not updating initramfs.'
	# configuration stays on remove (Debian policy): the records, and the
	# unit's enablement with deb-systemd-helper's record of it, which
	# purge removes; vfioctl-dkms has no configuration and is gone
	run sh -c 'grep -E "^(left|status) " | LC_ALL=C sort' <<<"$output"
	assert_output "$(
		cat <<-EOF
			left /etc/systemd/system/sysinit.target.wants/vfioctl.service
			left /etc/vfioctl.d
			left /var/lib/systemd/deb-systemd-helper-enabled/sysinit.target.wants/vfioctl.service
			left /var/lib/systemd/deb-systemd-helper-enabled/vfioctl.service.dsh-also
			status config-files vfioctl
		EOF
	)"
	run sh -c "$HOST_STATE"
	assert_output ''
}

@test "boot 3: nothing bound them (the rule and the module are gone)" {
	run boot shell sh -c "
		$DRIVERS
		$LEFTOVERS"
	assert_success
	assert_line "driver $EDU none"
	assert_line "driver $E1000E e1000e"
	refute_line --partial 'left /lib/'
	refute_line --partial 'left module'
}

@test "apt-get purge (natively) leaves nothing behind" {
	run "$TOP/test/lib/native-overlay" --reuse "$DISK" "
		$APT_GET purge -y vfioctl vfioctl-dkms 2>&1; echo purge=\$?
		$LEFTOVERS"
	assert_success
	assert_line purge=0
	refute_line --partial 'left '
	refute_line --partial 'status '
	run sh -c "$HOST_STATE"
	assert_output ''
}
