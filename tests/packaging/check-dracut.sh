#!/usr/bin/env bash
# Builds real initramfs images with Debian's dracut from `make install` into
# a staging root: an ordinary build must not take the module; a build run by
# mkdumprd (as kdump does) takes it through its dracut.conf.d drop-in and
# holds the collector, every shared library it needs, the patterns and the
# hook - then the collector runs from inside the unpacked image; the same
# build without the binary skips the module and still succeeds.
# Prints PASS/FAIL lines. Needs: dracut-core (lsinitrd), root for chroot.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
scratch=${KDC_SCRATCH:-$top/build}/dracut
fail=0
say() { if [ "$1" = ok ]; then echo "PASS dracut/$2"; else echo "FAIL dracut/$2: $3"; fail=1; fi; }

if ! command -v dracut >/dev/null || ! command -v lsinitrd >/dev/null; then
	say no dracut "dracut-core is not installed (tests/setup-debian.sh)"
	exit 1
fi
rm -rf "$scratch"
mkdir -p "$scratch"
stage=$scratch/stage
make -C "$top" -s install DESTDIR="$stage" PREFIX=/usr >"$scratch/install.log" 2>&1 ||
	{ say no install "make install failed: $(tail -3 "$scratch/install.log")"; exit 1; }
# dracut's own modules plus ours, without touching /usr/lib/dracut
cp -a /usr/lib/dracut "$scratch/dracut"
cp -a "$stage/usr/lib/dracut/modules.d/99kdump-collector" "$scratch/dracut/modules.d/"
img=$scratch/initramfs.img
# mkdumprd runs dracut as its child: the drop-in tests for that parent
printf '#!/bin/bash\ndracut "$@"\n' > "$scratch/mkdumprd"
chmod +x "$scratch/mkdumprd"
# build IMAGE [through-mkdumprd] [binary]: dracut as mkdumprd or as anyone else would run it
build() {
	local run=dracut bin=${3:-$stage/usr/bin/kdump-collect}
	[ "$2" = mkdumprd ] && run=$scratch/mkdumprd
	KDC_BIN="$bin" KDC_SHARE="$stage/usr/share/kdump-collector" \
		KDC_LIBEXEC="$stage/usr/lib/kdump-collector" dracutbasedir="$scratch/dracut" \
		"$run" --no-kernel --no-hostonly --force --conf /dev/null \
		--confdir "$stage/etc/dracut.conf.d" -m base "$1" >"$1.log" 2>&1
}
# an ordinary initramfs build never takes the module
if build "$scratch/plain.img" plain && ! lsinitrd "$scratch/plain.img" | grep -q 'usr/bin/kdump-collect$'; then
	say ok ordinary-build-untouched ""
else
	say no ordinary-build-untouched "dracut failed or took the module: $(tail -3 "$scratch/plain.img.log")"
fi
# the kdump build without the binary: the module is skipped, the image is made
if build "$scratch/nobin.img" mkdumprd /nonexistent/kdump-collect &&
	grep -q 'kdump-collect is not installed; module skipped' "$scratch/nobin.img.log" &&
	! lsinitrd "$scratch/nobin.img" | grep -q 'usr/bin/kdump-collect$'; then
	say ok missing-binary-skips ""
else
	say no missing-binary-skips "$(tail -3 "$scratch/nobin.img.log")"
fi
if ! build "$img" mkdumprd; then
	say no build "dracut failed: $(tail -3 "$img.log")"
	exit 1
fi
say ok build ""
list=$(lsinitrd "$img")
for f in usr/bin/kdump-collect usr/share/kdump-collector/patterns.conf \
	usr/lib/kdump-collector/kdump-pre.sh usr/lib/kdump-collector/lib.sh; do
	if grep -q " $f\$" <<<"$list"; then say ok "holds-$f" ""; else say no "holds-$f" "not in the image"; fi
done
# every library ldd names for the binary, by file name
for lib in $(ldd "$stage/usr/bin/kdump-collect" | awk '/=>/ {print $1}'); do
	if grep -qE "/${lib//+/\\+}( |$)" <<<"$list"; then say ok "holds-$lib" ""; else say no "holds-$lib" "missing"; fi
done
# and no heavy dependency crept in
if grep -qE 'libicu|libxml2' <<<"$list"; then say no lean "libicu/libxml2 in the image"; else say ok lean ""; fi
# the collector runs inside the image, with only the image's libraries
root=$scratch/root
mkdir -p "$root"
(cd "$root" && lsinitrd --unpack "$img" >/dev/null 2>&1)
if readelf -d "$stage/usr/bin/kdump-collect" | grep -q 'libasan'; then
	# sanitizers read their options and run leak checks through /proc,
	# which the unpacked image lacks: only the plain build can run there
	echo "SKIP dracut/runs-in-image: a sanitizer build needs /proc"
elif [ "$(id -u)" = 0 ]; then
	out=$(chroot "$root" /usr/bin/kdump-collect --version 2>&1)
	# (an ASan build, from make asan, may warn first: match the line)
	if grep -q "^kdump-collect " <<<"$out"; then say ok runs-in-image ""; else say no runs-in-image "$out"; fi
else
	echo "SKIP dracut/runs-in-image: needs root for chroot"
fi
exit $fail
