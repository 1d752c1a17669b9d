#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible collection (contrib/ansible) on a fleet of two machines: two
# guests of the VM harness (Debian's kernel under QEMU, systemd, sshd, each
# with its own edu at 00:03.0 and e1000e at 00:02.0 and its own disk),
# reached over SSH on loopback ports (test/vm/host). The playbook installs
# vfioctl from its Debian package and binds both devices on both hosts with
# persist: true; a second run changes nothing; --check plans a change and
# writes nothing; after a reboot the devices are on VFIO again; state: host
# gives them back. The tests run in order and share the guests.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)
E1000E=0000:00:02.0
EDU=0000:00:03.0

setup_file() {
	export W=$BATS_FILE_TMPDIR
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin
	# the collection as Ansible finds an installed one
	mkdir -p "$W/collections/ansible_collections/vfioctl"
	ln -s "$TOP/contrib/ansible" "$W/collections/ansible_collections/vfioctl/vfioctl"
	export ANSIBLE_COLLECTIONS_PATH=$W/collections ANSIBLE_PIPELINING=True \
		ANSIBLE_NOCOLOR=1 ANSIBLE_FORKS=2 ANSIBLE_TIMEOUT=120 ANSIBLE_RETRY_FILES_ENABLED=0 \
		ANSIBLE_LOCAL_TEMP=$W/ansible-tmp ANSIBLE_SSH_CONTROL_PATH_DIR=$W/cp \
		ANSIBLE_LOG_PATH=$W/ansible.log
	echo "# load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" >&3
	# the package the fleet installs
	export DEB
	DEB=$(deb_package) || return 1
	# two hosts, booted side by side
	local t0=$SECONDS
	"$TOP/test/vm/host" start "$W/vm1" --name vm1 -- --smp 1 >"$W/vm1.start" 2>&1 &
	local p1=$!
	"$TOP/test/vm/host" start "$W/vm2" --name vm2 -- --smp 1 >"$W/vm2.start" 2>&1 &
	local p2=$! rc=0
	wait "$p1" || rc=1
	wait "$p2" || rc=1
	if [ "$rc" -ne 0 ]; then
		cat "$W/vm1.start" "$W/vm2.start" >&2
		return 1
	fi
	echo "# both hosts answer SSH after $((SECONDS - t0)) s" >&3
	{
		echo "[fleet]"
		for h in vm1 vm2; do
			echo "$h ansible_host=127.0.0.1 ansible_port=$(cat "$W/$h/port")" \
				"ansible_ssh_private_key_file=$W/$h/id_ed25519" \
				"ansible_ssh_common_args='-o UserKnownHostsFile=$W/$h/known_hosts" \
				"-o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'"
		done
		echo "[fleet:vars]"
		echo "ansible_user=root"
		echo "ansible_python_interpreter=/usr/bin/python3"
	} >"$W/hosts"
	cat >"$W/bind.json" <<-EOF
	{"vfioctl_deb": "$DEB",
	 "vfioctl_devices": [{"device": "$EDU"}, {"device": "$E1000E"}]}
	EOF
	cat >"$W/host.json" <<-EOF
	{"vfioctl_deb": "$DEB", "vfioctl_state": "host",
	 "vfioctl_devices": [{"device": "$EDU"}, {"device": "$E1000E"}]}
	EOF
}

teardown_file() {
	"$TOP/test/vm/host" stop "$W/vm1" &
	"$TOP/test/vm/host" stop "$W/vm2" &
	wait
}

# deb_package: the path of vfioctl's Debian package, built by `make deb`
# (or $VFIOCTL_DEB, a package built elsewhere)
deb_package() {
	local d
	if [ -n "${VFIOCTL_DEB:-}" ]; then
		echo "$VFIOCTL_DEB"
		return 0
	fi
	make -C "$TOP" -s deb >"$BATS_FILE_TMPDIR/deb.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/deb.log" >&2; return 1; }
	d=$(ls -t "$TOP"/build/deb/vfioctl_*_*.deb 2>/dev/null | head -n 1)
	[ -n "$d" ] || { echo "make deb made no build/deb/vfioctl_*.deb" >&2; return 1; }
	echo "$d"
}

playbook() {
	ansible-playbook -i "$W/hosts" "$TOP/contrib/ansible/playbooks/vfio.yml" "$@"
}

# state HOST: what the tests compare, read on the guest: drivers, overrides,
# the records, their digest and inodes and mtimes (a record written again,
# even the same, gets a new inode: vfioctl writes atomically), what vfioctl
# keeps in /run
state() {
	"$TOP/test/vm/host" ssh "$W/$1" "
		for d in $EDU $E1000E; do
			l=\$(readlink /sys/bus/pci/devices/\$d/driver) || l=none
			echo \"driver \$d \${l##*/} override \$(cat /sys/bus/pci/devices/\$d/driver_override)\"
		done
		echo records \$(cd /etc/vfioctl.d 2>/dev/null && ls)
		cat /etc/vfioctl.d/*.conf 2>/dev/null | sha256sum | sed 's/^/digest /'
		stat -c 'written %n inode %i mtime %.9Y' /etc/vfioctl.d/*.conf 2>/dev/null
		echo run \$(cd /run/vfioctl 2>/dev/null && ls)
		echo installed \$(dpkg-query -W -f '\${Version}' vfioctl 2>/dev/null)
		echo boot \$(cat /proc/sys/kernel/random/boot_id)"
}

# recap HOST: the PLAY RECAP line of HOST in $play (the last playbook's
# output; `run` replaces $output)
recap() {
	grep -E "^$1 +:" <<<"$play"
}

# assert_as_bound HOST: its drivers, records (inodes, mtimes), /run and boot
# are exactly what they were after the first bind
assert_as_bound() {
	run state "$1"
	assert_success
	assert_equal "$output" "$(cat "$W/$1.bound")"
}

# play ARGS...: the playbook, its output in $play, timed
play() {
	local t0=$SECONDS
	run playbook "$@"
	play=$output
	echo "$output"
	echo "# playbook ${*//$W\//}: $((SECONDS - t0)) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >&3
}

@test "the playbook installs the package and binds edu and e1000e on both hosts, persist: true" {
	play -e "@$W/bind.json"
	assert_success
	for h in vm1 vm2; do
		recap "$h" | grep -E 'changed=[1-9].*failed=0'
		state "$h" >"$W/$h.bound"
		run cat "$W/$h.bound"
		assert_line "driver $EDU vfio-pci override vfio-pci"
		assert_line "driver $E1000E vfio-pci override vfio-pci"
		assert_line "records pci-$E1000E.conf pci-$EDU.conf"
		assert_line "installed $(dpkg-deb -f "$DEB" Version)"
	done
}

@test "a second run changes nothing: changed=0 on both hosts" {
	play -e "@$W/bind.json"
	assert_success
	for h in vm1 vm2; do
		recap "$h" | grep -E 'ok=3 +changed=0 .*failed=0 +skipped=0'
		assert_as_bound "$h"	# nothing written
	done
}

@test "--check of a changed playbook (state: host) reports the change and writes nothing" {
	play --check --diff -e "@$W/host.json"
	assert_success
	# the diff shows what would change: vfio-pci before, the host's after
	grep -F '"0000:00:02.0": "vfio-pci"' <<<"$play"
	grep -F '"0000:00:02.0": "e1000e"' <<<"$play"
	for h in vm1 vm2; do
		recap "$h" | grep -E 'changed=[1-9].*failed=0'
		assert_as_bound "$h"	# nothing written
	done
}

@test "after a reboot of each host (ansible.builtin.reboot), both devices are on vfio-pci again" {
	# The guests run no D-Bus (test/vm/run masks it), which shutdown -r's
	# scheduling needs: systemctl reboot.
	local t0=$SECONDS
	run ansible -i "$W/hosts" fleet -m ansible.builtin.reboot \
		-a 'reboot_command="systemctl reboot" reboot_timeout=900'
	echo "$output"
	echo "# reboot: $((SECONDS - t0)) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >&3
	assert_success
	assert_output --partial '"rebooted": true'
	for h in vm1 vm2; do
		run state "$h"
		assert_success
		refute_line "$(grep '^boot ' "$W/$h.bound")"
		assert_line "driver $EDU vfio-pci override vfio-pci"
		assert_line "driver $E1000E vfio-pci override vfio-pci"
		assert_line "records pci-$E1000E.conf pci-$EDU.conf"
	done
}

@test "state: host gives both back and forgets their records" {
	play -e "@$W/host.json"
	assert_success
	for h in vm1 vm2; do
		recap "$h" | grep -E 'changed=[1-9].*failed=0'
		run state "$h"
		assert_success
		echo "$output"
		assert_line "driver $EDU none override (null)"
		assert_line "driver $E1000E e1000e override (null)"
		assert_line "records"
	done
}
