#!/usr/bin/env bash
# Rebuild the crash-dump fixtures: make-fixtures.sh [SCENARIO...]
# (default: all of $SCENARIOS). For each scenario: boot the pinned Debian
# arm64 kernel in QEMU, crash it, let kdump save the dump, and record the
# ground truth outside the dump; results go to tests/fixtures/<scenario>/.
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

for sc in $scenarios; do
	run=$WORK/run/$sc
	rm -rf "$run" && mkdir -p "$run/truth"
	truncate -s $((64 + KDUMP_MB + 3072))M "$run/disk.img"
	t0=$SECONDS
	python3 "$HARNESS_DIR/run-scenario.py" --kernel "$KIMAGE" --initrd "$WORK/build/first.cpio.gz" \
		--disk "$run/disk.img" --out "$run" --timeout "$TIMEOUT" \
		--cpus "$QEMU_CPUS" --mem "$QEMU_MEM" \
		--append "console=ttyAMA0 crashkernel=$CRASHKERNEL kdc.scenario=$sc kdc.kdump_mb=$KDUMP_MB"
	boot=$((SECONDS - t0))

	tar xf "$run/disk.img" -C "$run/truth"
	# makedumpfile -R stops at the stream's end marker; reading through
	# process substitution keeps dd's SIGPIPE on the rest of the disk from
	# failing the run, and the size check catches a stream that was cut short.
	makedumpfile --message-level 4 -R "$run/dump.kdump" \
		< <(dd if="$run/disk.img" bs=1M skip=64 count=$KDUMP_MB status=none)
	makedumpfile --message-level 4 -R "$run/dump.elf" \
		< <(dd if="$run/disk.img" bs=1M skip=$((64 + KDUMP_MB)) status=none)
	for f in "$run/dump.kdump" "$run/dump.elf"; do
		[ -s "$f" ] || { echo "make-fixtures: $f is empty: capture failed" >&2; exit 1; }
	done
	rm -f "$run/disk.img"

	out=$FIXTURES/$sc
	rm -rf "$out" && mkdir -p "$out"
	python3 "$HARNESS_DIR/truth.py" --scenario "$sc" --run "$run" --truth "$run/truth" \
		--package "linux-image-$KREL-unsigned $KPKGVER" --out "$out/expected.json"
	cp "$run/dump.kdump" "$run/serial.log" "$run"/regs-*.txt "$out/"
	zstd -q -f -19 --long=27 -T0 "$run/dump.elf" -o "$out/dump.elf.zst"
	zstd -q -f -19 "$run/truth/kallsyms" -o "$out/kallsyms.zst"
	sed "s|$WORK/||g" "$run/qemu-cmdline.txt" >"$out/qemu-cmdline.txt"
	step "$sc: boot to saved dump ${boot}s, total $((SECONDS - t0))s," \
		"dump.kdump $(stat -c %s "$out/dump.kdump") B, dump.elf $(stat -c %s "$run/dump.elf") B" \
		"(dump.elf.zst $(stat -c %s "$out/dump.elf.zst") B)"
done
