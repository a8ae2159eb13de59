#!/usr/bin/env bash
# crash 8.0.2 (Debian arm64, under qemu-user-static) with the -dbg vmlinux,
# `bt -a` on a fixture: writes tests/fixtures/SC/crash-bt.txt, the peer
# output the backtrace tests compare against. About a minute per dump.
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
		"$root/usr/lib/debug/boot/vmlinux-$KREL" "$dump" -i "$cmds" 2>&1
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out: $(grep -c '^ *#[0-9]' "$out") frames"
