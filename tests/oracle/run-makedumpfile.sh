#!/usr/bin/env bash
# makedumpfile --dump-dmesg on a fixture, as Debian's arm64 makedumpfile
# does it (under qemu-user-static): writes tests/fixtures/SC/makedumpfile-dmesg.txt.
# The ELF form (dump.elf.zst, unpacked to a temporary file) must give the
# same bytes; KDC_MDF_NO_ELF=1 skips that check. A second or two per dump.
# makedumpfile 1.7.2 says "The kernel version is not supported." for 6.1
# on stdout and still completes.
# Usage: run-makedumpfile.sh SCENARIO
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${KDC_ORACLE_WORK:-$here/work}/root
sc=$1
fx=$here/../fixtures/$sc
out=$fx/makedumpfile-dmesg.txt
tmp=$(mktemp)
elf=$(mktemp)
etmp=$(mktemp)
trap 'rm -f "$tmp" "$elf" "$etmp"' EXIT
rm -f "$tmp" "$etmp"
mdf() { timeout 300 qemu-aarch64-static -L "$root" "$root/usr/bin/makedumpfile" --dump-dmesg "$@" >/dev/null; }
mdf "$fx/dump.kdump" "$tmp"
if [ "${KDC_MDF_NO_ELF:-0}" != 1 ] && [ -e "$fx/dump.elf.zst" ]; then
	zstd -q -d -f --long=27 "$fx/dump.elf.zst" -o "$elf"
	mdf "$elf" "$etmp"
	cmp -s "$tmp" "$etmp" || { echo "$sc: makedumpfile --dump-dmesg differs between dump.kdump and the ELF form" >&2; exit 1; }
	form="both forms identical"
else
	form="kdump form only"
fi
mv "$tmp" "$out"
echo "$out: $(wc -l < "$out") lines ($form)"
