#!/usr/bin/env bash
# Build what the guests run: the kdc_test module (cross-built against the
# pinned kernel's headers), the static kvm_guest program, and two initramfs
# images: capture.cpio.gz (makedumpfile) and first.cpio.gz (everything, plus
# kexec, the kernel and capture.cpio.gz for kexec -p). Needs fetch.sh first.
set -euo pipefail
. "$(dirname "$0")/config.sh"

OUT=$BUILD_DIR # $WORK/build; $WORK/build-big for KDC_SHAPE=big
rm -rf "$OUT" && mkdir -p "$OUT/module"

cp "$HARNESS_DIR/module/kdc_test.c" "$HARNESS_DIR/module/Kbuild" "$OUT/module/"
make -s -C "$KHDR" M="$OUT/module" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- ${KCC:+CC=$KCC} modules \
	2>&1 | grep -v -e 'Skipping BTF generation' -e 'Entering directory' -e 'Leaving directory' || true
test -s "$OUT/module/kdc_test.ko"

aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/kvm_guest" \
	"$HARNESS_DIR/kvm/kvm_guest.c"
if [ "$SHAPE" = big ]; then
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -pthread -o "$OUT/spawner" \
		"$HARNESS_DIR/big/spawner.c"
fi

# Copy an arm64 binary and, recursively, every shared library it needs, taking
# libraries only from the extracted packages so the image matches Debian's.
libdirs="$ROOTX/lib/aarch64-linux-gnu $ROOTX/usr/lib/aarch64-linux-gnu $ROOTX/lib"
install_with_libs() { # stage binary destdir
	local stage=$1 bin=$2 dest=$3 so path
	mkdir -p "$stage/$dest" "$stage/lib/aarch64-linux-gnu"
	cp -L "$bin" "$stage/$dest/"
	local todo=("$bin")
	while ((${#todo[@]})); do
		local f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(readelf -d "$f" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
			[ -e "$stage/lib/aarch64-linux-gnu/$so" ] && continue
			path=
			for d in $libdirs; do [ -e "$d/$so" ] && path=$d/$so && break; done
			[ -n "$path" ] || { echo "build.sh: $so (needed by $f) not in USER_PKGS" >&2; exit 1; }
			cp -L "$path" "$stage/lib/aarch64-linux-gnu/$so"
			todo+=("$path")
		done
	done
	# The dynamic loader is looked up by its absolute path.
	[ -e "$stage/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" ] &&
		ln -sf aarch64-linux-gnu/ld-linux-aarch64.so.1 "$stage/lib/ld-linux-aarch64.so.1"
	return 0
}

# makedumpfile of another Debian release ($DUMP_SUITE): its binary and
# libraries go to /opt/dumptools, started through that release's own
# dynamic loader so they never mix with the bookworm libraries in /lib.
install_dumptools() { # stage
	local s=$1 opt=/opt/dumptools bin so path todo f
	bin=$DUMPX/usr/bin/makedumpfile
	[ -x "$bin" ] || bin=$DUMPX/usr/sbin/makedumpfile
	mkdir -p "$s$opt/lib"
	cp -L "$bin" "$s$opt/makedumpfile"
	todo=("$bin")
	while ((${#todo[@]})); do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(readelf -d "$f" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
			[ -e "$s$opt/lib/$so" ] && continue
			path=
			for d in "$DUMPX/lib/aarch64-linux-gnu" "$DUMPX/usr/lib/aarch64-linux-gnu"; do
				[ -e "$d/$so" ] && path=$d/$so && break
			done
			[ -n "$path" ] || { echo "build.sh: $so (needed by $f) not in DUMP_PKGS" >&2; exit 1; }
			cp -L "$path" "$s$opt/lib/$so"
			todo+=("$path")
		done
	done
	# bullseye's libc6 ships the loader in /lib, trixie's in /usr/lib
	for d in "$DUMPX/usr/lib/aarch64-linux-gnu" "$DUMPX/lib/aarch64-linux-gnu"; do
		[ -e "$d/ld-linux-aarch64.so.1" ] && { cp -L "$d/ld-linux-aarch64.so.1" "$s$opt/lib/"; break; }
	done
	test -s "$s$opt/lib/ld-linux-aarch64.so.1"
	printf '#!/bin/sh\nexec %s/lib/ld-linux-aarch64.so.1 --library-path %s/lib %s/makedumpfile "$@"\n' \
		"$opt" "$opt" "$opt" >"$s/usr/bin/makedumpfile"
	chmod 755 "$s/usr/bin/makedumpfile"
}

base_stage() { # stage
	local s=$1 m=$ROOTX/lib/modules/$KREL/kernel
	mkdir -p "$s"/{bin,sbin,usr/bin,usr/sbin,lib/modules,proc,sys,dev,tmp,boot,etc}
	cp "$ROOTX/bin/busybox" "$s/bin/busybox"
	ln -s busybox "$s/bin/sh"
	cp "$HARNESS_DIR/initramfs/init" "$s/init"
	chmod 755 "$s/init"
	# virtio and virtio_ring are modules on 5.10 (built in on 6.1+): the
	# init loads whichever of the four are here, in this order
	for ko in drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko \
		drivers/virtio/virtio_mmio.ko drivers/block/virtio_blk.ko; do
		case $ko in
		*/virtio.ko | */virtio_ring.ko)
			[ -e "$m/$ko" ] || [ -e "$m/$ko.xz" ] || continue ;;
		esac
		# 6.12 ships modules xz-compressed; busybox insmod wants them plain
		if [ -e "$m/$ko" ]; then cp "$m/$ko" "$s/lib/modules/"
		else xz -dc "$m/$ko.xz" >"$s/lib/modules/$(basename "$ko")"; fi
	done
	if [ "$DUMP_SUITE" = bookworm ]; then
		install_with_libs "$s" "$ROOTX/usr/bin/makedumpfile" usr/bin
	else
		install_dumptools "$s"
	fi
}

pack() { # stage out
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -n -6 >"$2"
}

base_stage "$OUT/capture"
# The end-to-end test (e2e.sh) puts the cross-built collector and the RHEL
# kdump_pre hook into the capture kernel, exactly as the dracut module would.
if [ -x "$WORK/build-arm64/kdump-collect" ]; then
	top=$(cd "$HARNESS_DIR/../.." && pwd)
	install_with_libs "$OUT/capture" "$WORK/build-arm64/kdump-collect" usr/bin
	install -D -m 0644 "$top/collector/patterns.conf" \
		"$OUT/capture/usr/share/kdump-collector/patterns.conf"
	install -D -m 0755 "$top/kdump-hooks/kdump-pre.sh" \
		"$OUT/capture/usr/lib/kdump-collector/kdump-pre.sh"
	install -D -m 0644 "$top/kdump-hooks/kdump-collector-lib.sh" \
		"$OUT/capture/usr/lib/kdump-collector/lib.sh"
fi
pack "$OUT/capture" "$OUT/capture.cpio.gz"

base_stage "$OUT/first"
install_with_libs "$OUT/first" "$ROOTX/sbin/kexec" sbin
cp "$OUT/module/kdc_test.ko" "$OUT/first/lib/modules/"
cp "$OUT/kvm_guest" "$OUT/first/bin/kvm_guest"
if [ "$SHAPE" = big ]; then cp "$OUT/spawner" "$OUT/first/bin/spawner"; fi
cp "$KIMAGE" "$OUT/first/boot/vmlinuz"
# nvhe-ws on a kernel whose kallsyms has no __kvm_nvhe_ symbols (5.10): the
# world switch's offsets from _stext, out of the -dbg vmlinux (KDC_VMLINUX)
rm -f "$OUT/first/boot/nvhe-offsets"
if [ -n "${KDC_VMLINUX:-}" ]; then
	# the whole table is read (an awk that exits early would break the pipe)
	nvhe_syms=$(readelf -sW "$KDC_VMLINUX" |
		awk '$8 == "_stext" || $8 == "__kvm_nvhe___kvm_vcpu_run" || $8 == "__kvm_nvhe___guest_enter" { print $8, $2 }')
	nvhe_sym() { awk -v n="$1" '$1 == n && !done { print $2; done = 1 }' <<<"$nvhe_syms"; }
	t=$(nvhe_sym _stext) r=$(nvhe_sym __kvm_nvhe___kvm_vcpu_run) e=$(nvhe_sym __kvm_nvhe___guest_enter)
	# bash's 64-bit arithmetic: the difference is exact (awk's doubles are not)
	[ -n "$t" ] && [ -n "$r" ] && [ -n "$e" ] &&
		printf 'run_off=%x\nenter_off=%x\n' $((16#$r - 16#$t)) $((16#$e - 16#$t)) \
			>"$OUT/first/boot/nvhe-offsets"
	[ -s "$OUT/first/boot/nvhe-offsets" ] || { echo "build.sh: no nVHE world switch in $KDC_VMLINUX" >&2; exit 1; }
fi
cp "$OUT/capture.cpio.gz" "$OUT/first/boot/capture.cpio.gz"
# and, for e2e.sh, the profile maker in the first kernel, as the package's
# kdump-collector-profile.service runs it at boot (pre-6.0 kernels)
if [ -x "$WORK/build-arm64/kdump-collect" ]; then
	install_with_libs "$OUT/first" "$WORK/build-arm64/kdump-collect" usr/bin
	install -D -m 0755 "$top/kdump-hooks/make-profile.sh" \
		"$OUT/first/usr/lib/kdump-collector/make-profile.sh"
fi
pack "$OUT/first" "$OUT/first.cpio.gz"
ls -l "$OUT"/*.cpio.gz | awk '{print "build.sh:", $NF, $5}'
