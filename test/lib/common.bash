# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers for vfioctl's bats tests: `load lib/common` from test/*.bats.
#
#   fixture_setup        (in setup) copy the pristine fake root to
#                        $BATS_TEST_TMPDIR/root; exports ROOT and KREL
#   fixture_setup_file   (in setup_file, optional) build or check the
#                        pristine root once for the whole file
#   fixture_pristine     build the pristine root if stale; prints its path
#   fixture_mkroot DEST [MKROOT-OPTIONS]
#                        a variant root (see test/fixture/mkroot --help)
#   fixture_tree_manifest DIR / fixture_tree_hash DIR
#                        every entry of DIR with its type, mode, link target,
#                        and for files mtime and sha256: compare two to show
#                        that nothing was written, or diff them to show what
#   and the fixture_* reshaping functions of test/fixture/fixture.bash.
#
# Paths: the pristine root is build/fixture/root (stamp root.stamp), the
# modules build/fixture/modules/KREL. KREL comes from test/lib/kernel-release
# unless set.

BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

FIXTURE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FIXTURE_BUILD=$FIXTURE_TOP/build/fixture
# shellcheck source=../fixture/fixture.bash
. "$FIXTURE_TOP/test/fixture/fixture.bash"

# the binary under test: make check-asan points it at a sanitized build
VFIOCTL_BIN=${VFIOCTL_BIN:-$FIXTURE_TOP/vfioctl}

if [ -z "${KREL:-}" ]; then
	KREL=$("$FIXTURE_TOP/test/lib/kernel-release")
fi
export KREL

# _fixture_key: what the pristine root is made of: the fixture sources, the
# built modules and the Debian files copied into it.
_fixture_key() {
	local src=/lib/modules/$KREL
	{
		echo "$KREL"
		cat "$FIXTURE_BUILD/modules/$KREL/.stamp"
		cd "$FIXTURE_TOP/test/fixture" &&
			find . -type f ! -name '*~' -print0 | LC_ALL=C sort -z |
			xargs -0 sha256sum
		stat -c '%n %s %Y' "$src/modules.builtin" "$src/modules.builtin.modinfo" \
			"$src/modules.order" "$src"/kernel/drivers/vfio/pci/*.ko
	} | sha256sum | cut -d' ' -f1
}

fixture_pristine() {
	local root=$FIXTURE_BUILD/root key
	mkdir -p "$FIXTURE_BUILD"
	(
		flock 9
		"$FIXTURE_TOP/test/fixture/build-modules" "$FIXTURE_BUILD/modules" >/dev/null
		key=$(_fixture_key)
		if [ -d "$root" ] && [ "$(cat "$root.stamp" 2>/dev/null)" = "$key" ]; then
			exit 0
		fi
		rm -rf "$root" "$root.new" "$root.stamp"
		"$FIXTURE_TOP/test/fixture/mkroot" --krel "$KREL" \
			--modules "$FIXTURE_BUILD/modules/$KREL" "$root.new" >&2
		mv "$root.new" "$root"
		echo "$key" >"$root.stamp"
	) 9>"$FIXTURE_BUILD/.root.lock" || return 1
	echo "$root"
}

fixture_setup_file() {
	FIXTURE_PRISTINE=$(fixture_pristine) || return 1
	export FIXTURE_PRISTINE
}

fixture_setup() {
	local pristine=${FIXTURE_PRISTINE:-}
	[ -n "$pristine" ] || pristine=$(fixture_pristine) || return 1
	ROOT=$BATS_TEST_TMPDIR/root
	rm -rf "$ROOT"
	cp -dR --preserve=mode,timestamps "$pristine" "$ROOT"
	export ROOT KREL
}

fixture_mkroot() {
	local dest=$1
	shift
	"$FIXTURE_TOP/test/fixture/build-modules" "$FIXTURE_BUILD/modules" >/dev/null &&
		"$FIXTURE_TOP/test/fixture/mkroot" --krel "$KREL" \
			--modules "$FIXTURE_BUILD/modules/$KREL" "$@" "$dest"
}

fixture_tree_manifest() {
	(
		cd "$1" || exit 1
		find . -mindepth 1 \( -type f -printf '%y %m %p %T@\n' \) -o \
			\( -type l -printf '%y %m %p -> %l\n' \) -o -printf '%y %m %p\n' |
			LC_ALL=C sort
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	)
}

fixture_tree_hash() {
	fixture_tree_manifest "$1" | sha256sum | cut -d' ' -f1
}

# traced ARGS...: run "$VFIOCTL" --root "$ROOT" ARGS under strace (bats'
# run); $TRACE gets one "PATH<TAB>VALUE" line per write below $ROOT/sys, in
# order, with $ROOT cut off, and $TRACE.raw every write. What a program
# really wrote, not what it says it did.
traced() {
	run "$FIXTURE_TOP/test/lib/trace-writes" "$TRACE.raw" "${VFIOCTL:-$VFIOCTL_BIN}" \
		--root "$ROOT" "$@"
	grep -F "$ROOT/sys/" "$TRACE.raw" | sed "s|$ROOT||" > "$TRACE" || true
}
