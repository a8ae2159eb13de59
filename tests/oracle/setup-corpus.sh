#!/usr/bin/env bash
# The peers for the rest of the corpus (check_repair_elf.py), beside what
# setup.sh fetches for 6.1: the -dbg vmlinux of every other fixture kernel
# and trixie's crash 8.0.6, which reads 6.12's 52-bit (LPA2) dumps where
# bookworm's 8.0.2 cannot, with trixie's makedumpfile 1.7.6 (the dump tool
# of the release that ships 6.12; run-makedumpfile.sh). Downloaded and
# unpacked into $KDC_ORACLE_WORK
# (default tests/oracle/work), never installed; the packages of other
# releases come through tests/qemu/apt-suite.sh's private apt configuration.
#   vmlinux/vmlinux-5.10.0-32-arm64               bullseye linux-image-5.10.0-32-arm64-dbg 5.10.223-1
#   vmlinux/vmlinux-6.12.118+deb12-arm64[-16k]    bookworm linux-image-6.12.118+deb12-arm64[-16k]-dbg 6.12.118-1~deb12u1
#   root-trixie/usr/bin/crash                     trixie crash 8.0.6 and the libraries it loads
#   root-trixie/usr/bin/makedumpfile              trixie makedumpfile 1:1.7.6 and the libraries it loads
# About 2.8 GB of downloads the first time (the three -dbg packages); only
# the vmlinux of each is unpacked. Run setup.sh first (qemu-user-static, arm64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${KDC_ORACLE_WORK:-$here/work}
# apt-suite.sh keeps its private apt state under $WORK_TOP/apt/SUITE
export KDC_QEMU_WORK=$work/suites
. "$here/../qemu/config.sh"
. "$here/../qemu/apt-suite.sh"
mkdir -p "$work/vmlinux"

# dbg SUITE KREL VERSION: vmlinux-KREL out of linux-image-KREL-dbg VERSION
dbg() {
	local suite=$1 krel=$2 ver=$3 dir=$work/debs-$1 out=$work/vmlinux/vmlinux-$2
	[ -s "$out" ] && return 0
	local deb
	deb=$(ls "$dir/linux-image-${krel}-dbg_"*_arm64.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		echo "downloading linux-image-$krel-dbg $ver ($suite)"
		suite_download "$suite" "$dir" "linux-image-$krel-dbg:arm64=$ver"
		deb=$(ls "$dir/linux-image-${krel}-dbg_"*_arm64.deb 2>/dev/null | head -1 || true)
	fi
	[ -n "$deb" ] || { echo "setup-corpus: linux-image-$krel-dbg $ver not downloaded" >&2; exit 1; }
	[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] ||
		{ echo "setup-corpus: $deb is not version $ver" >&2; exit 1; }
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./usr/lib/debug/boot/vmlinux-$krel" > "$out.tmp"
	mv "$out.tmp" "$out"
}
dbg bullseye 5.10.0-32-arm64 5.10.223-1
dbg bookworm 6.12.118+deb12-arm64 6.12.118-1~deb12u1
dbg bookworm 6.12.118+deb12-arm64-16k 6.12.118-1~deb12u1

# trixie's crash and makedumpfile with the libraries they load (trixie's own, for its libc)
root=$work/root-trixie
pkgs="crash makedumpfile libc6 libgcc-s1 libstdc++6 zlib1g liblzo2-2 libsnappy1v5 libzstd1
 libncursesw6 libtinfo6 libdw1t64 libelf1t64 liblzma5 libbz2-1.0"
dir=$work/debs-trixie
want=
for p in $pkgs; do
	ls "$dir/${p}"_*_arm64.deb >/dev/null 2>&1 || want="$want $p:arm64"
done
[ -z "$want" ] || suite_download trixie "$dir" $want
mkdir -p "$root"
for d in "$dir"/*.deb; do
	stamp=$root/.unpacked-$(basename "$d")
	[ -e "$stamp" ] && continue
	dpkg-deb -x "$d" "$root"
	touch "$stamp"
done
# trixie's packages are merged-/usr: /lib (the dynamic loader's path) is base-files' symlink
[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
test -x "$root/usr/bin/crash"
test -x "$root/usr/bin/makedumpfile"
missing=$(cd "$root" && for f in usr/bin/crash usr/bin/makedumpfile lib/aarch64-linux-gnu/*.so* usr/lib/aarch64-linux-gnu/*.so*; do
	[ -f "$f" ] || continue
	for n in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "lib/aarch64-linux-gnu/$n" ] || [ -e "usr/lib/aarch64-linux-gnu/$n" ] ||
			echo "$f needs $n"
	done
done | sort -u)
[ -z "$missing" ] || { echo "missing arm64 libraries:" >&2; echo "$missing" >&2; exit 1; }
for p in crash makedumpfile; do
	echo "  $p $(dpkg-deb -f "$(ls "$dir/${p}"_*_arm64.deb | head -1)" Version) (trixie) in $root"
done
ls -1 "$work/vmlinux" | sed 's/^/  /'
