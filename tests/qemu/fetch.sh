#!/usr/bin/env bash
# Download (apt-get download, no install) and extract the pinned arm64 kernel,
# its headers and the user-space packages for the initramfs. Idempotent.
set -euo pipefail
. "$(dirname "$0")/config.sh"

mkdir -p "$DEBS" "$ROOTX"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "fetch.sh: run 'dpkg --add-architecture arm64 && apt-get update' first" >&2
	exit 1
fi
cd "$DEBS"
want="linux-image-$KREL-unsigned:arm64=$KPKGVER linux-headers-$KREL:arm64=$KPKGVER
      linux-headers-$KABI-common=$KPKGVER"
for p in $USER_PKGS; do want="$want $p:arm64"; done
# apt-get download runs as _apt where it can; a root-owned dir makes it warn only.
# shellcheck disable=SC2086
apt-get download $want 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' || true
for d in ./*.deb; do dpkg-deb -x "$d" "$ROOTX"; done

# The headers package points at the amd64 linux-kbuild (host tools: modpost,
# fixdep) through a relative link and at its -common half through an absolute
# include; re-point both into the extracted tree.
mkdir -p "$ROOTX/usr/lib"
ln -sfn /usr/lib/linux-kbuild-6.1 "$ROOTX/usr/lib/linux-kbuild-6.1"
echo "include $ROOTX/usr/src/linux-headers-$KABI-common/Makefile" >"$KHDR/Makefile"
test -s "$KIMAGE"
echo "fetch.sh: kernel $KREL ($KPKGVER) and $(echo "$USER_PKGS" | wc -w) user packages in $ROOTX"
