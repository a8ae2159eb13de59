#!/usr/bin/env bash
# crash 8.0.2 (Debian arm64, under qemu-user-static) with the -dbg vmlinux,
# `bt -a` on a fixture: writes tests/fixtures/SC/crash-bt.txt, the peer
# output the backtrace tests compare against. About 35 s per dump (the ELF form: about 85 s).
# Usage: run-crash.sh SCENARIO [DUMP]   (DUMP defaults to the fixture's dump.kdump)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../qemu/config.sh"
root=${KDC_ORACLE_WORK:-$here/work}/root
sc=$1
fx=$here/../fixtures/$sc
dump=${2:-$fx/dump.kdump}
out=${KDC_CRASH_OUT:-$fx/crash-bt.txt}
cmds=$(mktemp)
trap 'rm -f "$cmds" "$out.tmp"' EXIT
printf 'bt -a\nq\n' > "$cmds"
{
	echo "# crash 8.0.2 (Debian arm64) -s vmlinux-$KREL (-dbg) $(basename "$dump"); commands: bt -a"
	timeout 900 qemu-aarch64-static -L "$root" "$root/usr/bin/crash" -s \
		"$root/usr/lib/debug/boot/vmlinux-$KREL" "$dump" -i "$cmds" 2>&1 || echo "(exit status $?)"
} > "$out.tmp"
# on any failure (exit status, timeout, no backtrace) the old record stays
if grep -q '^(exit status' "$out.tmp" || ! grep -q '^PID: ' "$out.tmp"; then
	echo "$sc: crash failed on $dump:" >&2
	tail -5 "$out.tmp" >&2
	exit 1
fi
mv "$out.tmp" "$out"
echo "$out: $(grep -c '^ *#[0-9]' "$out") frames"
