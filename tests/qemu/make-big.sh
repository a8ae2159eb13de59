#!/usr/bin/env bash
# The "big machine" dumps: [KDC_KERNEL=K] make-big.sh [SCENARIO...] (default:
# csd-lockup kvm). Boots the pinned kernel in the big guest shape of
# config.sh (KDC_SHAPE=big: 32 vCPUs, 16 GiB, crashkernel=512M), lets
# big/spawner.c make ~20,000 sleeping threads, anonymous memory and page
# cache, then runs the scenario: csd-lockup with the spinner on CPU 23 and
# its waiter on CPU 17, or kvm with one kvm_guest vCPU thread on each of
# CPUs 7, 15, 23 and 31. Real kdump saves the dump (makedumpfile -F -E -d 31;
# for csd-lockup also the raw /proc/vmcore, copied as the capture kernel
# exposes it), and the ground truth is recorded as for every fixture.
#
# The dumps are too big for git: they stay in work/big/<name>/ (dump.elf,
# and raw.elf for csd-lockup; zero pages are holes). The truth goes to
# tests/big-fixtures/<name>/ with dump.location naming each dump, its size and
# sha256. (Not under tests/fixtures/: tests/fixture-checks takes every
# directory there for a fixture with its dump.elf.zst.)
set -euo pipefail
export KDC_SHAPE=big
. "$(dirname "$0")/config.sh"

OUT_TOP=${KDC_BIG_FIXTURES:-$(cd "$HARNESS_DIR/.." && pwd)/big-fixtures}
TIMEOUT=${KDC_QEMU_TIMEOUT:-3600} # every QEMU run stops by itself by then
ELF_MB=8192                       # disk room for the -d 31 ELF stream
RAW_MB=$((QEMU_MEM + 1024))       # and for the raw /proc/vmcore
RAW_OFF=$((64 + ELF_MB))
SCRATCH_OFF=$((RAW_OFF + RAW_MB)) # the spawner's block-device page cache
scenarios=${*:-csd-lockup kvm}

step() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
# "name path bytes sha256" for dump.location
locate() { # name file
	printf '%s %s bytes=%s sha256=%s\n' "$1" "${2#"$HARNESS_DIR"/}" "$(stat -c %s "$2")" \
		"$(sha256sum "$2" | cut -d' ' -f1)"
}

t0=$SECONDS
"$HARNESS_DIR/fetch.sh"
"$HARNESS_DIR/build.sh"
step "fetch and build: $((SECONDS - t0))s"

for sc in $scenarios; do
	name=big-$sc-$KERNEL
	run=$BIG_WORK/run/$sc dumps=$BIG_WORK/$name out=$OUT_TOP/$name
	case $sc in
	csd-lockup)
		forms=elf+raw
		extra="kdc.raw_off=$RAW_OFF kdc.stuck_cpu=$BIG_STUCK_CPU kdc.wait_cpu=$BIG_WAIT_CPU" ;;
	kvm) forms=elf extra="kdc.kvm_cpus=$BIG_KVM_CPUS" ;;
	bench)
		# make bench's dumps (bench/run.sh): csd-lockup, the raw /proc/vmcore
		# only, both tools timed in the capture kernel first; the load is
		# KDC_BIG_SPAWN (or "none": an idle guest) scaled by the caller
		forms=raw extra="kdc.bench=1"
		[ "$QEMU_CPUS" -le "$BIG_STUCK_CPU" ] ||
			extra="$extra kdc.stuck_cpu=$BIG_STUCK_CPU kdc.wait_cpu=$BIG_WAIT_CPU"
		name=bench-${KDC_BENCH_NAME:?bench needs KDC_BENCH_NAME}-$KERNEL
		dumps=$BIG_WORK/$name out=$OUT_TOP/$name ;;
	*) echo "make-big: no big variant of scenario '$sc' (csd-lockup, kvm, bench)" >&2; exit 64 ;;
	esac
	truth_sc=$sc spawn=$BIG_SPAWN,disk=/dev/vda,disk_off=$SCRATCH_OFF
	[ "$BIG_SPAWN" != none ] || spawn=none
	[ "$sc" != bench ] || truth_sc=csd-lockup
	rm -rf "$run" "$dumps" && mkdir -p "$run/truth" "$dumps"
	truncate -s $((SCRATCH_OFF + 2048))M "$run/disk.img"
	t0=$SECONDS
	# detect-zeroes: the zero pages of the raw vmcore stay holes in disk.img
	python3 "$HARNESS_DIR/run-scenario.py" --kernel "$KIMAGE" --initrd "$BUILD_DIR/first.cpio.gz" \
		--disk "$run/disk.img" --drive-opts detect-zeroes=unmap,discard=unmap \
		--out "$run" --timeout "$TIMEOUT" \
		--cpus "$QEMU_CPUS" --mem "$QEMU_MEM" --cpu-model "$QEMU_CPU" \
		--append "console=ttyAMA0 crashkernel=$CRASHKERNEL kdc.scenario=$truth_sc kdc.kdump_mb=0 kdc.forms=$forms kdc.shape=big kdc.spawn=$spawn $extra"
	boot=$((SECONDS - t0))

	tar xf "$run/disk.img" -C "$run/truth"
	if [ "$forms" != raw ]; then
		# the flattened stream ends with its own marker (see make-fixtures.sh)
		makedumpfile --message-level 4 -R "$dumps/dump.elf" \
			< <(dd if="$run/disk.img" bs=1M skip=64 count=$ELF_MB status=none)
		[ -s "$dumps/dump.elf" ] || { echo "make-big: no dump.elf: capture failed" >&2; exit 1; }
	fi
	if [ "$forms" != elf ]; then
		bytes=$(sed -n 's/.*capture-kernel raw vmcore bytes=\([0-9]*\).*/\1/p' "$run/serial.log")
		grep -q 'capture-kernel \(raw written\|done\)' "$run/serial.log" && [ -n "$bytes" ] ||
			{ echo "make-big: no raw vmcore in the run" >&2; exit 1; }
		skip=$RAW_OFF
		[ "$forms" != raw ] || skip=64 # init's elf_off with kdc.kdump_mb=0
		dd if="$run/disk.img" of="$dumps/raw.elf" bs=1M skip=$skip \
			count=$(((bytes + 1048575) / 1048576)) conv=sparse status=none
		truncate -s "$bytes" "$dumps/raw.elf"
	fi
	rm -f "$run/disk.img"

	rm -rf "$out" && mkdir -p "$out"
	python3 "$HARNESS_DIR/truth.py" --scenario "$truth_sc" --kernel "$KERNEL" --run "$run" \
		--truth "$run/truth" --package "linux-image-$KREL-unsigned $KPKGVER" \
		--out "$out/expected.json"
	cp "$run/serial.log" "$run"/regs-*.txt "$run"/chain-*.txt "$out/"
	zstd -q -f -19 "$run/truth/kallsyms" -o "$out/kallsyms.zst"
	sed "s|$BIG_WORK/||g; s|$WORK/||g" "$run/qemu-cmdline.txt" >"$out/qemu-cmdline.txt"
	{
		echo "# the dumps of this fixture, too big for git; rebuilt by tests/qemu/make-big.sh"
		echo "# (paths relative to tests/qemu/; a rebuilt dump differs byte for byte)"
		[ ! -e "$dumps/dump.elf" ] || locate dump.elf "$dumps/dump.elf"
		[ ! -e "$dumps/raw.elf" ] || locate raw.elf "$dumps/raw.elf"
	} >"$out/dump.location"
	step "$name: boot to saved dump ${boot}s, total $((SECONDS - t0))s," \
		"dump.elf $(stat -c %s "$dumps/dump.elf" 2>/dev/null || echo none) B" \
		"${bytes:+raw.elf $bytes B ($(du -B1 "$dumps/raw.elf" | cut -f1) B allocated)}"
	grep -o 'KDC-MARK: \(big-ready\|big-tasks\|bench-capture\).*' "$run/serial.log" | sed "s/^/$name: /"
	bytes=
done
