#!/usr/bin/env bash
# make bench: bench/run.sh [POINT...] (default: every point of make-dumps.sh)
#
# What the capture step costs, like with like, on the RAW /proc/vmcore of
# csd-lockup guests whose memory is in use (bench/make-dumps.sh: anonymous
# memory, page cache, 4096 threads, scaled to the guest) at 2, 8 and 16 GiB
# with 4 and 32 CPUs, plus one idle 2 GiB guest:
#   - kdump-collect collect (the triage bundle), arm64 build under
#     qemu-aarch64-static, and the host's native build beside it;
#   - makedumpfile -l -d 31 (RHEL's default) and -c -d 31 (Debian's), 1.7.2
#     (bookworm, built without zstd), and -z -d 31 with trixie's 1.7.6;
#   - crash 8.0.2 from start to its first `bt -a`.
# Every tool is an arm64 binary under qemu-user on this host reading the
# same file, so the ratios are the point (the emulator's own ~10 MiB is in
# every RSS). Per run: wall, CPU, peak RSS, output bytes and bytes read
# (bench/measure.py). The capture kernel's own numbers (collect and
# makedumpfile -l on /proc/vmcore under TCG) come from each dump's serial
# log (tests/qemu/initramfs/init, kdc.bench=1).
#
# Per point: bench/results/POINT.json (committed); then bench/report.py
# writes bench/results.md from every committed point. Dumps missing under
# tests/qemu/work/big/ are made first (see make-dumps.sh for how long);
# BENCH_CLEAN=1 deletes each raw dump once measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
export KDC_KERNEL=6.1
. "$top/tests/qemu/config.sh"
ORACLE_WORK=${KDC_ORACLE_WORK:-$top/tests/oracle/work}
ROOT=$ORACLE_WORK/root ROOT_TRIXIE=$ORACLE_WORK/root-trixie
BIG=${KDC_BIG_WORK:-$WORK_TOP/big}
POINTS_ALL="idle-2g-4c inuse-2g-4c inuse-8g-4c inuse-16g-4c inuse-2g-32c inuse-8g-32c inuse-16g-32c"
points=${*:-$POINTS_ALL}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash "$top/tests/oracle/setup.sh" >/dev/null
bash "$top/tests/oracle/setup-corpus.sh" >/dev/null
bash "$top/tests/qemu/build-collector.sh" >/dev/null 2>&1
make -s -C "$top" >/dev/null
COLLECT=$WORK/build-arm64/kdump-collect NATIVE=$top/build/kdump-collect
VMLINUX=$ROOT/usr/lib/debug/boot/vmlinux-$KREL
mkdir -p "$here/results"

# one run: tool label, output file (or -), then the command
run() {
	local label=$1 output=$2
	shift 2
	rm -rf "$tmp/out" "$tmp/md" && mkdir "$tmp/out"
	python3 "$here/measure.py" "$tmp/m.json" -- "$@"
	local bytes=null
	case $output in
	bundle) bytes=$(stat -c %s "$tmp"/out/*.tar.zst 2>/dev/null || echo null) ;;
	md) bytes=$(stat -c %s "$tmp/md" 2>/dev/null || echo null) ;;
	esac
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m.update(tool=sys.argv[2], output_bytes=None if sys.argv[3]=="null" else int(sys.argv[3])); print(json.dumps(m))' \
		"$tmp/m.json" "$label" "$bytes" >>"$tmp/rows"
}

for p in $points; do
	raw=$BIG/bench-$p-$KERNEL/raw.elf meta=$here/dumps/bench-$p-$KERNEL
	[ -s "$raw" ] || bash "$here/make-dumps.sh" "$p"
	echo "bench: $p ($(du -h "$raw" | cut -f1) allocated of $(stat -c %s "$raw") bytes)" >&2
	: >"$tmp/rows"
	run "kdump-collect collect" bundle qemu-aarch64-static -L "$WORK/sysroot" "$COLLECT" collect \
		--vmcore "$raw" --output-dir "$tmp/out"
	# the bundle of that run: does its first line name the stuck CPU?
	zstd -dc "$tmp"/out/*.tar.zst | tar x -C "$tmp/out" --wildcards '*/report.txt'
	head -1 "$tmp"/out/*/report.txt >"$tmp/first-line"
	run "kdump-collect collect (native amd64)" bundle "$NATIVE" collect --vmcore "$raw" \
		--output-dir "$tmp/out"
	for c in l c; do
		run "makedumpfile -$c -d 31 (1.7.2)" md qemu-aarch64-static -L "$ROOT" \
			"$ROOT/usr/bin/makedumpfile" -$c -d 31 "$raw" "$tmp/md"
	done
	run "makedumpfile -z -d 31 (1.7.6)" md qemu-aarch64-static -L "$ROOT_TRIXIE" \
		"$ROOT_TRIXIE/usr/bin/makedumpfile" -z -d 31 "$raw" "$tmp/md"
	printf 'bt -a\nq\n' >"$tmp/cmds"
	run "crash 8.0.2: start to first bt -a" - qemu-aarch64-static -L "$ROOT" "$ROOT/usr/bin/crash" \
		-s "$VMLINUX" "$raw" -i "$tmp/cmds"
	python3 "$here/point.py" --point "$p" --raw "$raw" --meta "$meta" --rows "$tmp/rows" \
		--first-line "$tmp/first-line" --out "$here/results/$p.json"
	[ "${BENCH_CLEAN:-0}" != 1 ] || rm -rf "$BIG/bench-$p-$KERNEL"
done
python3 "$here/report.py" --results "$here/results" --out "$here/results.md"
cat "$here/results.md"
