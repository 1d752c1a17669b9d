#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/modprobe-loop.bash ROOT KREL: what a script does without vfioctl:
# one `modprobe -R` (resolve the alias, load nothing) per device.
set -u
root=$1 krel=$2
for d in "$root"/sys/bus/pci/devices/*; do
	read -r m <"$d/modalias"
	echo "${d##*/}"
	modprobe -d "$root" -S "$krel" -C "$root/etc/modprobe.d" -R "vfio_$m"
done
