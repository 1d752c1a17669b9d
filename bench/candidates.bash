#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/candidates.bash ROOT KREL: `vfioctl --root ROOT --kernel KREL
# list-candidates` as a shell script would do it at its best, for make bench
# to measure vfioctl against. The same six steps, the same ranking, the same
# output byte for byte (bench/run checks that):
#  - every vfio alias is read once: the "alias vfio_*" lines of the text
#    modules.alias (one grep), the built-in ones of modules.builtin.modinfo
#    (one grep), the alias and blacklist lines of modprobe.d in kmod's order;
#  - patterns are bucketed by their vendor field, so a device is matched
#    ([[ == ]], fnmatch's wildcards) only against its vendor's patterns and
#    those with a wildcard vendor ("any");
#  - per device: no fork, one `read` of modalias, the output kept in a
#    variable and written once.
set -u
export LC_ALL=C
root=$1 krel=$2
moddir=$root/lib/modules/$krel

declare -a pat=() mod=() wild=() src=()
declare -A bucket=() builtin=() black=()

# add PATTERN MODULE SOURCE
add() {
	local p=$1 m=${2//-/_} s=$3 w=${1//[^*]/} v i
	i=${#pat[@]}
	pat[i]=$p mod[i]=$m wild[i]=${#w} src[i]=$s
	# the vendor field: vfio_pci:vXXXXXXXXd...
	v=${p#vfio_pci:v}
	v=${v:0:8}
	[[ $p == vfio_pci:v* && $v != *[*?[]* ]] || v=any
	bucket[$v]+=" $i"
}

while read -r _ p m; do
	add "$p" "$m" modules
done < <(grep '^alias vfio_' "$moddir/modules.alias")
while IFS= read -r -d '' kv; do
	m=${kv%%.alias=*}
	builtin[${m//-/_}]=1
	add "${kv#*.alias=}" "$m" builtin
done < <(grep -az '^[^.=]*\.alias=vfio_' "$moddir/modules.builtin.modinfo")
while IFS= read -r line; do
	line=${line##*/}
	line=${line%.ko*}
	builtin[${line//-/_}]=1
done <"$moddir/modules.builtin"

# modprobe.d as kmod reads it: *.conf of these directories, a name in an
# earlier directory hiding the same name in a later one, in name order
declare -A conf=()
for dir in /etc/modprobe.d /run/modprobe.d /usr/local/lib/modprobe.d /lib/modprobe.d; do
	for f in "$root$dir"/*.conf; do
		[ -f "$f" ] && [ -z "${conf[${f##*/}]:-}" ] && conf[${f##*/}]=$f
	done
done
if [ ${#conf[@]} -gt 0 ]; then
	while IFS= read -r name; do
		while read -r w a b _; do
			case $w in
			alias) [[ $a != vfio_* ]] || add "$a" "$b" config ;;
			blacklist) black[${a//-/_}]=1 ;;
			esac
		done <"${conf[$name]}"
	done < <(printf '%s\n' "${!conf[@]}" | sort)
fi
fallback=
if [ -n "${builtin[vfio_pci]:-}" ] || grep -q '^[^:]*/vfio[-_]pci\.ko[^:]*:' "$moddir/modules.dep"; then
	fallback=vfio_pci
fi

out=
for d in "$root"/sys/bus/pci/devices/*; do
	read -r ma <"$d/modalias"
	key=vfio_$ma
	v=${ma#pci:v}
	v=${v:0:8}
	# step 4: every matching alias, each module once with its best pattern
	declare -A seen=()
	cm=() cw=() ca=() cs=()
	for i in ${bucket[$v]:-} ${bucket[any]:-}; do
		# shellcheck disable=SC2053 # the pattern is a glob, as fnmatch's
		[[ $key == ${pat[i]} ]] || continue
		m=${mod[i]}
		if [ -n "${seen[$m]:-}" ]; then
			j=${seen[$m]}
			[ "${wild[i]}" -lt "${cw[j]}" ] && cw[j]=${wild[i]} ca[j]=${pat[i]} cs[j]=${src[i]}
			continue
		fi
		j=${#cm[@]}
		seen[$m]=$j
		cm[j]=$m cw[j]=${wild[i]} ca[j]=${pat[i]} cs[j]=${src[i]}
	done
	unset seen
	if [ ${#cm[@]} -eq 0 ] && [ -n "$fallback" ]; then
		cm=("$fallback") cw=(7) ca=('') cs=(fallback)
	fi
	# rank: usable before blacklisted, fewest wildcards, then by name
	n=${#cm[@]}
	order=()
	for ((j = 0; j < n; j++)); do
		rk=0
		[ -z "${black[${cm[j]}]:-}" ] || rk=1
		printf -v k '%d %03d %s %d' "$rk" "${cw[j]}" "${cm[j]}" "$j"
		for ((x = ${#order[@]}; x > 0; x--)); do
			[[ ${order[x - 1]} > $k ]] || break
			order[x]=${order[x - 1]}
		done
		order[x]=$k
	done
	out+="${d##*/} $key"$'\n'
	tie=
	if [ "$n" -gt 1 ]; then
		read -r b0 w0 _ <<<"${order[0]}"
		read -r b1 w1 _ <<<"${order[1]}"
		[ "$b0" = 0 ] && [ "$b1" = 0 ] && [ "$w0" = "$w1" ] && tie=1
	fi
	for ((x = 0; x < n; x++)); do
		j=${order[x]##* }
		m=${cm[j]}
		star=' '
		[ $x -ne 0 ] || [ -n "${black[$m]:-}" ] || star='*'
		if [ "${cs[j]}" = fallback ]; then
			alias='(no vfio alias in the indexes: generic fallback)'
		else
			alias=${ca[j]}
		fi
		printf -v line '  %s %-26s%u  %s' "$star" "$m" "${cw[j]}" "$alias"
		[ "$star$tie" != '*1' ] || line+='  (tie: first by name)'
		[ -z "${builtin[$m]:-}" ] || line+='  (built-in)'
		[ -z "${black[$m]:-}" ] || line+='  (blacklisted: not chosen)'
		[ "${cs[j]}" != config ] || line+='  (modprobe.d alias)'
		out+=$line$'\n'
	done
	[ "$n" -gt 0 ] || out+=$'    (no VFIO module matches)\n'
done
printf '%s' "$out"
