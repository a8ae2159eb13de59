#!/usr/bin/env bash
# Fetch the peers the oracle tests compare against: Debian's arm64 crash
# 8.0.2 and makedumpfile (run under qemu-user-static) and the -dbg vmlinux
# of the fixtures' kernel. Packages are downloaded and unpacked into
# $KDC_ORACLE_WORK (default tests/oracle/work), never installed.
# About 850 MB, mostly the -dbg package.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../qemu/config.sh"
work=${KDC_ORACLE_WORK:-$here/work}
root=$work/root
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# Another apt or dpkg (a setup script, unattended upgrades) may hold the
# locks: wait for it rather than fail, for up to 30 minutes.
wait_apt() {
	local n=0
	# one name per pgrep: it refuses patterns longer than a process name (15)
	while pgrep -x apt >/dev/null || pgrep -x apt-get >/dev/null || pgrep -x dpkg >/dev/null ||
		pgrep -x unattended-upgr >/dev/null; do
		[ $((n % 12)) = 0 ] && echo "waiting for another apt/dpkg to finish..."
		n=$((n + 1))
		[ $n -lt 360 ] || { echo "apt/dpkg still busy after 30 minutes" >&2; exit 1; }
		sleep 5
	done
}
APT_LOCK="-o DPkg::Lock::Timeout=1800"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	wait_apt
	$SUDO dpkg --add-architecture arm64
fi
# the arm64 package lists: fetched once, or again when the pinned -dbg is unknown
if ! apt-cache show "crash:arm64" >/dev/null 2>&1 ||
	! apt-cache show "linux-image-$KREL-dbg:arm64=$KPKGVER" >/dev/null 2>&1; then
	wait_apt
	$SUDO apt-get update -q $APT_LOCK
fi
if ! apt-cache show "linux-image-$KREL-dbg:arm64=$KPKGVER" >/dev/null 2>&1; then
	echo "linux-image-$KREL-dbg $KPKGVER (arm64) is not in the archive; it has:" >&2
	apt-cache madison "linux-image-$KREL-dbg:arm64" >&2 || true
	exit 1
fi
if ! command -v qemu-aarch64-static >/dev/null; then
	wait_apt
	$SUDO apt-get install -y -q $APT_LOCK --no-install-recommends qemu-user-static
fi
mkdir -p "$work/debs" "$root"
cd "$work/debs"
# crash and makedumpfile with the shared libraries they load
pkgs="crash makedumpfile libc6 libgcc-s1 libstdc++6 zlib1g liblzo2-2 libsnappy1v5 libzstd1
 libncursesw6 libtinfo6 libdw1 libelf1 liblzma5 libbz2-1.0 libgmp10 libmpfr6 libreadline8"
dbg=linux-image-$KREL-dbg
for p in $pkgs $dbg; do
	want=$p:arm64
	[ "$p" = "$dbg" ] && want=$p:arm64=$KPKGVER
	ls "${p}"_*_arm64.deb >/dev/null 2>&1 || ls "${p}"_*_all.deb >/dev/null 2>&1 ||
		apt-get download -q "$want"
done
for d in *.deb; do
	stamp=$root/.unpacked-$d
	[ -e "$stamp" ] && continue
	case $d in
	# only the vmlinux and System.map of the 5 GB of debug files
	$dbg*) dpkg-deb --fsys-tarfile "$d" | tar -x -C "$root" \
		"./usr/lib/debug/boot/vmlinux-$KREL" "./usr/lib/debug/boot/System.map-$KREL" ;;
	*) dpkg-deb -x "$d" "$root" ;;
	esac
	touch "$stamp"
done
test -x "$root/usr/bin/crash"
test -s "$root/usr/lib/debug/boot/vmlinux-$KREL"
# every shared library the two programs load, transitively, is unpacked
missing=$(cd "$root" && for f in usr/bin/crash usr/bin/makedumpfile lib/aarch64-linux-gnu/*.so* \
	usr/lib/aarch64-linux-gnu/*.so*; do
	[ -f "$f" ] || continue
	for n in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "lib/aarch64-linux-gnu/$n" ] || [ -e "usr/lib/aarch64-linux-gnu/$n" ] ||
			echo "$f needs $n"
	done
done | sort -u)
[ -z "$missing" ] || { echo "missing arm64 libraries:" >&2; echo "$missing" >&2; exit 1; }
for p in crash makedumpfile $dbg; do
	echo "  $p $(dpkg-deb -f "$(ls "${p}"_*_arm64.deb | head -1)" Version)"
done
echo "oracle tools in $root"
