#!/usr/bin/env bash
# makedumpfile --dump-dmesg on a fixture, as Debian's arm64 makedumpfile
# does it (under qemu-user-static): writes tests/fixtures/SC/makedumpfile-dmesg.txt.
# Usage: run-makedumpfile.sh SCENARIO
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${KDC_ORACLE_WORK:-$here/work}/root
sc=$1
fx=$here/../fixtures/$sc
out=$fx/makedumpfile-dmesg.txt
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
rm -f "$tmp"
timeout 300 qemu-aarch64-static -L "$root" "$root/usr/bin/makedumpfile" \
	--dump-dmesg "$fx/dump.kdump" "$tmp" >/dev/null
mv "$tmp" "$out"
trap - EXIT
echo "$out: $(wc -l < "$out") lines"
