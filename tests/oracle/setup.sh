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

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
	$SUDO apt-get update -q
fi
command -v qemu-aarch64-static >/dev/null ||
	$SUDO apt-get install -y -q --no-install-recommends qemu-user-static
mkdir -p "$work/debs" "$root"
cd "$work/debs"
# crash and makedumpfile with the shared libraries they load
pkgs="crash makedumpfile libc6 libgcc-s1 libstdc++6 zlib1g liblzo2-2 libsnappy1v5 libzstd1
 libncursesw6 libtinfo6 libdw1 libelf1 liblzma5 libbz2-1.0 libgmp10 libmpfr6 libreadline8"
dbg=linux-image-$KREL-dbg
for p in $pkgs $dbg; do
	ls "${p}"_*_arm64.deb >/dev/null 2>&1 || ls "${p}"_*_all.deb >/dev/null 2>&1 ||
		apt-get download -q "$p:arm64"
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
echo "oracle tools in $root"
