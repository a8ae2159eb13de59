#!/usr/bin/env bash
# Cross-build kdump-collect for arm64 against Debian's arm64 libraries
# (downloaded and unpacked into $WORK/sysroot, never installed), for the
# end-to-end test in the capture kernel. Output: $WORK/build-arm64/kdump-collect.
set -euo pipefail
. "$(dirname "$0")/config.sh"

SYSROOT=$WORK/sysroot
DEV_DEBS=$WORK/debs-dev
TOP=$(cd "$HARNESS_DIR/../.." && pwd)
mkdir -p "$SYSROOT" "$DEV_DEBS"
cd "$DEV_DEBS"
# the collector's build dependencies and what their .so files link to
pkgs="libkdumpfile-dev libkdumpfile10 libelf-dev libelf1 libbpf-dev libbpf1
 libzstd-dev libzstd1 libxxhash-dev libxxhash0 zlib1g zlib1g-dev liblzo2-2 libsnappy1v5
 libstdc++6 libgcc-s1 libc6"
want=
for p in $pkgs; do want="$want $p:arm64"; done
# shellcheck disable=SC2086
apt-get download $want 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' || true
for d in ./*.deb; do dpkg-deb -x "$d" "$SYSROOT"; done

lib=$SYSROOT/usr/lib/aarch64-linux-gnu
export PKG_CONFIG_SYSROOT_DIR=$SYSROOT
export PKG_CONFIG_LIBDIR=$lib/pkgconfig:$SYSROOT/usr/share/pkgconfig
make -s -C "$TOP" O="$WORK/build-arm64" CC=aarch64-linux-gnu-gcc \
	CFLAGS="-O2 -g -I$SYSROOT/usr/include -I$SYSROOT/usr/include/aarch64-linux-gnu" \
	LDFLAGS="-L$lib -Wl,-rpath-link,$lib:$SYSROOT/lib/aarch64-linux-gnu" \
	"$WORK/build-arm64/kdump-collect"
file "$WORK/build-arm64/kdump-collect" | grep -q 'ARM aarch64' ||
	{ echo "build-collector.sh: not an arm64 binary" >&2; exit 1; }
echo "build-collector.sh: $WORK/build-arm64/kdump-collect"
