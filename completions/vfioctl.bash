# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vfioctl(8), installed as
# $(pkg-config --variable=completionsdir bash-completion)/vfioctl, where
# bash-completion finds it (and provides _init_completion and friends).
#
# The command and option lists are what `vfioctl --help` and
# `vfioctl COMMAND --help` print: test/docs.bats fails when they differ.
# Names are read live, under --root DIR when the line has one: devices from
# sys/bus/pci/devices, drivers from sys/bus/pci/drivers and the modules with
# a vfio_pci: alias, records from etc/vfioctl.d, nodes from dev/vfio.

_vfioctl_command_list()
{
	printf '%s\n' bind unbind list-devices list-candidates show apply list-overrides \
		list-persisted import-driverctl sriov owner
}

_vfioctl_options()	# [COMMAND]: the global options, and COMMAND's
{
	printf '%s\n' '-?' --help --usage -V --version -j --json -q --quiet -v --verbose \
		--root --kernel
	case $1 in
	bind) printf '%s\n' -d --driver -n --dry-run --persist --group --noiommu --owner --force --bus --no-reset-required ;;
	unbind) printf '%s\n' -n --dry-run --persist --force --bus ;;
	list-devices) printf '%s\n' --vfio --bus ;;
	list-candidates | list-overrides) printf '%s\n' --bus ;;
	apply) printf '%s\n' -n --dry-run --force --sriov-only --bus ;;
	import-driverctl) printf '%s\n' -n --dry-run ;;
	sriov) printf '%s\n' -d --driver -n --dry-run --persist --noiommu --owner --numvfs --force ;;
	esac
}

# Whether the word $1 is an option whose value is the next word.
_vfioctl_takes_value()
{
	case $1 in
	--root | --kernel | --driver | --owner | --numvfs | --bus) return 0 ;;
	--*) return 1 ;;
	-*d) return 0 ;;	# -d, or a cluster ending in it (-jd)
	esac
	return 1
}

_vfioctl_devices()	# ROOT: the PCI devices present
{
	local d
	for d in "$1"/sys/bus/pci/devices/*; do
		[[ -e $d ]] && printf '%s\n' "${d##*/}"
	done
}

_vfioctl_sriov_devices()	# ROOT: devices that can have VFs
{
	local d
	for d in "$1"/sys/bus/pci/devices/*; do
		[[ -e $d/sriov_totalvfs ]] && printf '%s\n' "${d##*/}"
	done
}

_vfioctl_ids()	# ROOT: VVVV:DDDD and VVVV:DDDD:SSSS:TTTT of the devices present
{
	local d v dv sv sd
	for d in "$1"/sys/bus/pci/devices/*; do
		{ read -r v <"$d/vendor" && read -r dv <"$d/device"; } 2>/dev/null || continue
		printf '%s\n' "${v#0x}:${dv#0x}"
		{ read -r sv <"$d/subsystem_vendor" && read -r sd <"$d/subsystem_device"; } \
			2>/dev/null && printf '%s\n' "${v#0x}:${dv#0x}:${sv#0x}:${sd#0x}"
	done | sort -u
}

_vfioctl_persisted()	# ROOT: what the records in etc/vfioctl.d match
{
	local f line re='^[[:space:]]*(device|ids)[[:space:]]*=[[:space:]]*([^[:space:]]+)[[:space:]]*$'
	for f in "$1"/etc/vfioctl.d/*.conf; do
		[[ -f $f ]] || continue
		while IFS= read -r line || [[ $line ]]; do
			line=${line%%#*}
			[[ $line =~ $re ]] && printf '%s\n' "${BASH_REMATCH[2]}"
		done <"$f"
	done
}

_vfioctl_releases()	# ROOT: module directories
{
	local d
	for d in "$1"/lib/modules/*; do
		[[ -d $d ]] && printf '%s\n' "${d##*/}"
	done
}

_vfioctl_drivers()	# ROOT RELEASE: registered PCI drivers, modules with a VFIO alias
{
	local root=$1 krel=$2 d f
	local -a files=() found=()
	for d in "$root"/sys/bus/pci/drivers/*; do
		[[ -e $d ]] && printf '%s\n' "${d##*/}"
	done
	# the module directory vfioctl would read: --kernel's, else the running
	# kernel's, else (under --root) every one there
	if [[ $krel ]]; then
		files=("$root/lib/modules/$krel/modules.alias")
	elif [[ -z $root ]]; then
		files=("/lib/modules/$(uname -r)/modules.alias")
	else
		files=("$root"/lib/modules/*/modules.alias)
	fi
	files+=("$root"/etc/modprobe.d/*.conf "$root"/run/modprobe.d/*.conf
		"$root"/usr/local/lib/modprobe.d/*.conf "$root"/lib/modprobe.d/*.conf)
	for f in "${files[@]}"; do
		[[ -f $f ]] && found+=("$f")
	done
	((${#found[@]})) &&
		awk '$1 == "alias" && $2 ~ /^vfio_pci:/ && NF >= 3 { print $3 }' "${found[@]}"
}

_vfioctl_nodes()	# ROOT: VFIO nodes: groups N, noiommu-N, iommufd cdevs vfioX
{
	local n
	for n in "$1"/dev/vfio/* "$1"/dev/vfio/devices/vfio*; do
		[[ -e $n && ! -d $n ]] || continue
		n=${n##*/}
		[[ $n == vfio ]] || printf '%s\n' "$n"	# the container, no device's
	done
}

_vfioctl_owners()	# ROOT CUR: USER, or USER:GROUP once CUR has a colon
{
	local root=$1 cur=$2 names
	if [[ $cur == *:* ]]; then
		# under --root vfioctl reads ROOT/etc/group, as it does passwd
		if [[ $root ]]; then
			names=$(cut -d: -f1 "$root/etc/group" 2>/dev/null)
		else
			names=$(compgen -g)
		fi
		compgen -P "${cur%%:*}:" -W "$names" -- "${cur#*:}"
	else
		if [[ $root ]]; then
			names=$(cut -d: -f1 "$root/etc/passwd" 2>/dev/null)
		else
			names=$(compgen -u)
		fi
		compgen -W "$names" -- "$cur"
	fi
}

_vfioctl()
{
	# shellcheck disable=SC2034 # split: set by _init_completion -s
	local cur prev words cword split
	_init_completion -s -n : || return
	# the cursor in blanks before a word: bash counts that word as the
	# current one; make it the next
	if [[ -z $cur && ${words[cword]} ]]; then
		words=("${words[@]:0:cword}" "" "${words[@]:cword}")
	fi

	local root='' krel='' cmd='' persist='' dashdash='' nargs=0 i w
	# --root, --kernel and --persist count anywhere on the line; the
	# command is the first word before the cursor that is neither an
	# option nor an option's value (as vfioctl finds it)
	for ((i = 1; i < ${#words[@]}; i++)); do
		((i == cword)) && continue
		w=${words[i]}
		if [[ $dashdash || $w != -* ]]; then
			if ((i < cword)); then
				if [[ -z $cmd ]]; then
					cmd=$w
				else
					((nargs++))
				fi
			fi
			continue
		fi
		case $w in
		--) ((i < cword)) && dashdash=1 ;;
		--root=*) root=${w#--root=} ;;
		--kernel=*) krel=${w#--kernel=} ;;
		--persist) persist=1 ;;
		esac
		if [[ $w != *=* ]] && _vfioctl_takes_value "$w"; then
			# its value: the next word, unless that is being completed
			if ((i + 1 != cword)); then
				case $w in
				--root) root=${words[i + 1]} ;;
				--kernel) krel=${words[i + 1]} ;;
				esac
			fi
			((i++))
		fi
	done
	if [[ $root ]]; then
		[[ $root == \~* ]] && __expand_tilde_by_ref root
		root=${root%/}
		[[ $root ]] || root=/
	fi
	[[ $root == / ]] && root=''

	local -a reply=()
	local filtered=''
	if [[ ! $dashdash ]] && _vfioctl_takes_value "$prev"; then
		case $prev in
		--root)
			_filedir -d
			return
			;;
		--kernel) mapfile -t reply < <(_vfioctl_releases "$root") ;;
		--owner)
			mapfile -t reply < <(_vfioctl_owners "$root" "$cur")
			filtered=1
			;;
		--numvfs) ;;	# a number
		--bus) reply=(pci platform amba fsl-mc cdx all) ;;
		*) mapfile -t reply < <(_vfioctl_drivers "$root" "$krel" | sort -u) ;;
		esac
	elif [[ ! $dashdash && $cur == -* ]]; then
		mapfile -t reply < <(_vfioctl_options "$cmd")
	elif [[ -z $cmd ]]; then
		mapfile -t reply < <(_vfioctl_command_list)
	else
		case $cmd in
		bind)
			mapfile -t reply < <(_vfioctl_devices "$root"
				[[ $persist ]] && _vfioctl_ids "$root")
			;;
		unbind)
			if [[ $persist ]]; then
				mapfile -t reply < <(_vfioctl_persisted "$root" | sort -u)
			else
				mapfile -t reply < <(_vfioctl_devices "$root")
			fi
			;;
		list-candidates | apply) mapfile -t reply < <(_vfioctl_devices "$root") ;;
		show) ((nargs)) || mapfile -t reply < <(_vfioctl_devices "$root") ;;
		sriov) mapfile -t reply < <(_vfioctl_sriov_devices "$root") ;;
		owner) ((nargs)) || mapfile -t reply < <(_vfioctl_nodes "$root") ;;
		esac
	fi
	if [[ ! $filtered ]]; then
		local -a all=("${reply[@]}")
		reply=()
		for w in "${all[@]}"; do
			[[ $w == "$cur"* ]] && reply+=("$w")
		done
	fi
	COMPREPLY=("${reply[@]}")
	# readline replaces only what follows the last ':' of the word
	__ltrim_colon_completions "$cur"
} &&
	complete -F _vfioctl vfioctl
