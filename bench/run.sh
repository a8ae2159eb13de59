#!/usr/bin/env bash
# make bench: what the capture step costs, side by side, on the same dumps
# of 1, 2 and 4 GiB arm64 guests (the csd-lockup scenario).
#
# Compared like with like: every tool is the arm64 build (kdump-collect
# cross-built by tests/qemu/build-collector.sh; Debian's arm64 makedumpfile
# and crash from tests/oracle/setup.sh), run under qemu-aarch64-static on
# this host, reading the same ELF vmcore (the form /proc/vmcore has). So
# absolute times include the emulator's overhead for all alike; the ratios
# are the point. Peak RSS is the emulator process's: about the same constant
# is added to every row.
#
# Output: bench/results.md. Dumps are made by the QEMU harness on first use
# (bench/dumps/, not in git): about 2 minutes per size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
. "$top/tests/qemu/config.sh"
ORACLE=${KDC_ORACLE_WORK:-$top/tests/oracle/work}/root
DUMPS=$here/dumps
SIZES=${BENCH_SIZES:-1024 2048 4096}
out=$here/results.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash "$top/tests/oracle/setup.sh" >/dev/null
bash "$top/tests/qemu/build-collector.sh" >/dev/null 2>&1
COLLECT=$WORK/build-arm64/kdump-collect
QEMU="qemu-aarch64-static -L $ORACLE"
# the collector's own arm64 libraries (build-collector.sh's sysroot)
QEMU_COLLECT="qemu-aarch64-static -L $WORK/sysroot"

# one measurement: label, then the command; prints "wall cpu rss_kb"
measure() {
	local t=$tmp/time
	/usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>&1 || echo "bench: '$*' failed" >&2
	awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' "$t"
}

rows=()
for mem in $SIZES; do
	d=$DUMPS/$mem/csd-lockup
	# the committed csd-lockup fixture came from a 2 GiB guest (whole, not a patch)
	[ "$mem" = 2048 ] && [ ! -s "$d/dump.elf.zst" ] && d=$top/tests/fixtures/csd-lockup
	if [ ! -s "$d/dump.elf.zst" ]; then
		QEMU_MEM=$mem KDC_FIXTURES=$DUMPS/$mem bash "$top/tests/qemu/make-fixtures.sh" csd-lockup \
			>"$tmp/make.log" 2>&1 || { tail -5 "$tmp/make.log"; exit 1; }
	fi
	elf=$tmp/vmcore-$mem.elf
	zstd -q -d -f --long=27 "$d/dump.elf.zst" -o "$elf"
	size=$(stat -c %s "$elf")
	rm -rf "$tmp/out" && mkdir "$tmp/out"
	r=$(measure $QEMU_COLLECT "$COLLECT" collect --vmcore "$elf" --output-dir "$tmp/out")
	bsize=$(stat -c %s "$tmp"/out/*.tar.zst)
	rows+=("$mem|kdump-collect collect (triage bundle)|$r|$bsize")
	for c in c l p z; do
		rm -f "$tmp/md"
		r=$(measure $QEMU "$ORACLE/usr/bin/makedumpfile" -$c -d 31 "$elf" "$tmp/md")
		rows+=("$mem|makedumpfile -$c -d 31|$r|$(stat -c %s "$tmp/md" 2>/dev/null || echo 0)")
	done
	printf 'bt -a\nq\n' >"$tmp/cmds"
	r=$(measure $QEMU "$ORACLE/usr/bin/crash" -s "$ORACLE/usr/lib/debug/boot/vmlinux-$KREL" \
		"$elf" -i "$tmp/cmds")
	rows+=("$mem|crash: start to first bt -a|$r|-")
	rows+=("$mem|(input: ELF vmcore)|-|$size")
	rm -f "$elf"
done

{
	echo "# make bench results"
	echo
	echo "Run $(date -u +%Y-%m-%d) on $(nproc) host cores. Every tool is an arm64 binary under"
	echo "\`qemu-aarch64-static\` on the host, reading the same ELF vmcore of the csd-lockup scenario"
	echo "(Debian $KREL, \`makedumpfile -d 31\` capture); see bench/run.sh for why."
	echo
	echo "| Guest RAM (MiB) | Step | Wall (s) | CPU (s) | Peak RSS (MiB) | Output (bytes) | Wall vs collect |"
	echo "|---|---|---|---|---|---|---|"
	for mem in $SIZES; do
		base=
		for row in "${rows[@]}"; do
			IFS='|' read -r m step r bytes <<<"$row"
			[ "$m" = "$mem" ] || continue
			if [ "$r" = - ]; then
				echo "| $m | $step | | | | $bytes | |"
				continue
			fi
			read -r wall cpu rss <<<"$r"
			[ -n "$base" ] || base=$wall
			ratio=$(awk -v a="$wall" -v b="$base" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
			echo "| $m | $step | $wall | $cpu | $((rss / 1024)) | $bytes | $ratio |"
		done
	done
	echo
	cat <<'NOTE'
Reading it: the triage bundle costs the same whatever the guest's memory (its size and time
follow the kernel, not the RAM), while makedumpfile's time and output grow with the pages
kept, and crash needs half a minute under emulation before its first backtrace. In this
Debian build `-p` (snappy) and `-z` (zstd) wrote their pages uncompressed (same size for
both), so only `-c` and `-l` compress here. Peak RSS is the emulator process's; natively
(amd64 build) `collect` peaks at 19-23 MB RSS on these dumps whatever their size (the dump
is read with read(2), so its pages are not counted; about 21 MB of heap at most, valgrind
massif).
NOTE
	echo
	echo "Commands: \`kdump-collect collect --vmcore VMCORE --output-dir DIR\`;"
	echo "\`makedumpfile -{c,l,p,z} -d 31 VMCORE OUT\` (zlib, lzo, snappy, zstd);"
	echo "\`crash -s vmlinux VMCORE\` with \`bt -a\` then \`q\`."
} >"$out"
cat "$out"
