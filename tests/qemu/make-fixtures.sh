#!/usr/bin/env bash
# Rebuild the crash-dump fixtures: [KDC_KERNEL=K] make-fixtures.sh [SCENARIO...]
# (default: all of $SCENARIOS). For each scenario: boot the pinned Debian
# arm64 kernel K in QEMU, crash it, let kdump save the dump, and record the
# ground truth outside the dump. The original five scenarios on 6.1 go to
# tests/fixtures/<scenario>/ with both dump forms; every other one to
# tests/fixtures/<scenario>-<K>/ with the ELF form only (KDC_FORMS=both for
# both); with KDC_MACHINE=M (config.sh) to <scenario>-<M>-<K>/. Scenarios
# named nvhe-* boot the host with kvm-arm.mode=nvhe.
set -euo pipefail
. "$(dirname "$0")/config.sh"

FIXTURES=${KDC_FIXTURES:-$(cd "$HARNESS_DIR/.." && pwd)/fixtures}
KDUMP_MB=1024 # disk room for the kdump-compressed stream; the ELF one follows
TIMEOUT=${KDC_QEMU_TIMEOUT:-900}
scenarios=${*:-$SCENARIOS}

step() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

t0=$SECONDS
"$HARNESS_DIR/fetch.sh"
step "fetch: $((SECONDS - t0))s"
t0=$SECONDS
"$HARNESS_DIR/build.sh"
step "build: $((SECONDS - t0))s"

TOP=$(cd "$HARNESS_DIR/../.." && pwd)
COLLECT=${KDC_COLLECT:-$TOP/build/kdump-collect}
[ "$DUMP_FORM" = elf ] || [ -x "$COLLECT" ] || make -s -C "$TOP" >/dev/null

# Fixtures of one kernel share most of their bytes (the kernel image, the
# boot's slab): each is stored as a zstd patch against the kernel's base
# fixture ($BASE_FIXTURE, stored whole), named in dump.elf.base.
base_elf() {
	local b=$FIXTURES/$BASE_FIXTURE
	[ -s "$b/dump.elf.zst" ] && [ ! -e "$b/dump.elf.base" ] || return 1
	if [ ! -s "$WORK/base.elf" ] || [ "$b/dump.elf.zst" -nt "$WORK/base.elf" ]; then
		zstd -q -d -f --long=28 "$b/dump.elf.zst" -o "$WORK/base.elf" || return 1
	fi
	echo "$WORK/base.elf"
}

for sc in $scenarios; do
	name=$sc-$KERNEL forms=${KDC_FORMS:-$DUMP_FORM} extra=
	if [ -n "$MACHINE" ]; then
		name=$sc-$MACHINE-$KERNEL
	elif [ "$KERNEL" = 6.1 ] && [[ " $SCENARIOS " == *" $sc "* ]]; then
		name=$sc forms=${KDC_FORMS:-both}
	fi
	case $sc in nvhe-*) extra="kvm-arm.mode=nvhe" ;; esac
	run=$WORK/run/$sc
	rm -rf "$run" && mkdir -p "$run/truth"
	truncate -s $((64 + KDUMP_MB + 3072))M "$run/disk.img"
	t0=$SECONDS
	python3 "$HARNESS_DIR/run-scenario.py" --kernel "$KIMAGE" --initrd "$WORK/build/first.cpio.gz" \
		--disk "$run/disk.img" --out "$run" --timeout "$TIMEOUT" \
		--cpus "$QEMU_CPUS" --mem "$QEMU_MEM" --cpu-model "$QEMU_CPU" --numa "$QEMU_NUMA" \
		--append "console=ttyAMA0 crashkernel=$CRASHKERNEL kdc.scenario=$sc kdc.kdump_mb=$KDUMP_MB kdc.forms=$forms $extra"
	boot=$((SECONDS - t0))

	tar xf "$run/disk.img" -C "$run/truth"
	# makedumpfile -R stops at the stream's end marker; reading through
	# process substitution keeps dd's SIGPIPE on the rest of the disk from
	# failing the run, and the size check catches a stream that was cut short.
	# (bookworm's makedumpfile -R only reassembles bytes: any version's
	# stream works.)
	files="$run/dump.elf"
	if [ "$forms" = both ]; then
		makedumpfile --message-level 4 -R "$run/dump.kdump" \
			< <(dd if="$run/disk.img" bs=1M skip=64 count=$KDUMP_MB status=none)
		files="$run/dump.kdump $files"
	fi
	if [ "$forms" = raw ]; then
		# no makedumpfile reads this kernel: the raw /proc/vmcore, filtered
		# here as makedumpfile -d 31 would (kdump-collect save)
		bytes=$(sed -n 's/.*capture-kernel raw vmcore bytes=\([0-9]*\).*/\1/p' "$run/serial.log")
		[ -n "$bytes" ] || { echo "make-fixtures: no raw vmcore in the run" >&2; exit 1; }
		dd if="$run/disk.img" of="$run/raw.elf" bs=1M skip=$((64 + KDUMP_MB)) \
			count=$(((bytes + 1048575) / 1048576)) status=none
		truncate -s "$bytes" "$run/raw.elf"
		rm -f "$run/dump.elf"
		"$COLLECT" save "$run/raw.elf" -o "$run/dump.elf" --dump-level 31
		rm -f "$run/raw.elf"
	else
		makedumpfile --message-level 4 -R "$run/dump.elf" \
			< <(dd if="$run/disk.img" bs=1M skip=$((64 + KDUMP_MB)) status=none)
	fi
	for f in $files; do
		[ -s "$f" ] || { echo "make-fixtures: $f is empty: capture failed" >&2; exit 1; }
	done
	rm -f "$run/disk.img"

	out=$FIXTURES/$name
	rm -rf "$out" && mkdir -p "$out"
	python3 "$HARNESS_DIR/truth.py" --scenario "$sc" --kernel "$KERNEL" --run "$run" \
		--truth "$run/truth" --package "linux-image-$KREL-unsigned $KPKGVER" \
		--out "$out/expected.json"
	[ "$forms" = both ] && cp "$run/dump.kdump" "$out/"
	cp "$run/serial.log" "$run"/regs-*.txt "$run"/chain-*.txt "$out/"
	if [ "$name" != "$BASE_FIXTURE" ] && base=$(base_elf); then
		zstd -q -f -12 --long=28 -T0 --patch-from="$base" "$run/dump.elf" \
			-o "$out/dump.elf.zst" 2>/dev/null
		echo "$BASE_FIXTURE" >"$out/dump.elf.base"
	else
		zstd -q -f -19 --long=28 -T0 "$run/dump.elf" -o "$out/dump.elf.zst"
	fi
	zstd -q -f -19 "$run/truth/kallsyms" -o "$out/kallsyms.zst"
	sed "s|$WORK/||g" "$run/qemu-cmdline.txt" >"$out/qemu-cmdline.txt"
	step "$name: boot to saved dump ${boot}s, total $((SECONDS - t0))s," \
		"dump.elf $(stat -c %s "$run/dump.elf") B (dump.elf.zst $(stat -c %s "$out/dump.elf.zst") B)"
done
