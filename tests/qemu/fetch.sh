#!/usr/bin/env bash
# Download (apt-get download, no install) and extract the pinned arm64 kernel
# of $KDC_KERNEL, its headers, the host (amd64) kbuild tools its headers
# need, the user-space packages for the initramfs, and the makedumpfile of
# the kernel's Debian release. Idempotent.
set -euo pipefail
. "$(dirname "$0")/config.sh"
. "$HARNESS_DIR/apt-suite.sh"

mkdir -p "$DEBS" "$ROOTX"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "fetch.sh: run 'dpkg --add-architecture arm64 && apt-get update' first" >&2
	exit 1
fi
want="linux-image-$KREL-unsigned:arm64=$KPKGVER linux-headers-$KREL:arm64=$KPKGVER
      $KCOMMON=$KPKGVER $KBUILD:amd64${KBUILDVER:+=$KBUILDVER}"
# the kernel from its own release, the initramfs's user space from bookworm
# (for a bookworm kernel, one download)
if [ "$KSUITE" != bookworm ]; then
	# shellcheck disable=SC2086
	suite_download "$KSUITE" "$DEBS" $want
	want=
fi
for p in $USER_PKGS; do want="$want $p:arm64"; done
# shellcheck disable=SC2086
suite_download bookworm "$DEBS" $want
for d in "$DEBS"/*.deb; do
	stamp=$ROOTX/.unpacked-$(basename "$d")
	[ -e "$stamp" ] || { dpkg-deb -x "$d" "$ROOTX" && touch "$stamp"; }
done

# The headers package finds the amd64 kbuild (modpost, fixdep) through a
# relative link into /usr/lib, now inside $ROOTX, and its -common half
# through an absolute include; re-point the include into the extracted tree.
echo "include $ROOTX/usr/src/$KCOMMON/Makefile" >"$KHDR/Makefile"
test -x "$ROOTX/usr/lib/$KBUILD/scripts/basic/fixdep" ||
	{ echo "fetch.sh: $KBUILD has no scripts/basic/fixdep" >&2; exit 1; }
test -s "$KIMAGE"

# makedumpfile of the release that supports this kernel, kept apart with
# its own libraries (build.sh runs it through its own dynamic loader).
if [ "$DUMP_SUITE" != bookworm ]; then
	want=
	for p in $DUMP_PKGS; do want="$want $p:arm64$DUMP_RELEASE"; done
	# shellcheck disable=SC2086
	suite_download "$DUMP_SUITE" "$WORK/debs-$DUMP_SUITE" $want
	mkdir -p "$DUMPX"
	for d in "$WORK/debs-$DUMP_SUITE"/*.deb; do
		stamp=$DUMPX/.unpacked-$(basename "$d")
		[ -e "$stamp" ] || { dpkg-deb -x "$d" "$DUMPX" && touch "$stamp"; }
	done
	test -x "$DUMPX/usr/sbin/makedumpfile" || test -x "$DUMPX/usr/bin/makedumpfile"
fi
echo "fetch.sh: kernel $KREL ($KPKGVER), $(echo "$USER_PKGS" | wc -w) user packages in $ROOTX," \
	"dump tools from $DUMP_SUITE"
