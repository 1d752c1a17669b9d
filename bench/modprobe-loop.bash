#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/modprobe-loop.bash ROOT KREL [MAX]: what a script does without
# vfioctl: one `modprobe -R` (resolve the alias, load nothing) per device;
# only the first MAX devices when given (each costs the same: make bench
# times a sample of a large root and scales it).
set -u
root=$1 krel=$2 max=${3:-0}
n=0
for d in "$root"/sys/bus/pci/devices/*; do
	[ "$max" -eq 0 ] || [ $((n += 1)) -le "$max" ] || break
	read -r m <"$d/modalias"
	echo "${d##*/}"
	modprobe -d "$root" -S "$krel" -C "$root/etc/modprobe.d" -R "vfio_$m"
done
