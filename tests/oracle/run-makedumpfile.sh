#!/usr/bin/env bash
# makedumpfile --dump-dmesg on a fixture, as Debian's arm64 makedumpfile
# does it (under qemu-user-static): writes tests/fixtures/SC/makedumpfile-dmesg.txt.
# A fixture with a dump.kdump is read in that form, and its ELF form
# (dump.elf.zst, unpacked to a temporary file) must give the same bytes;
# KDC_MDF_NO_ELF=1 skips that check. A fixture with only the ELF form
# (the corpus) is read from that, unpacked (against its dump.elf.base) into
# $KDC_ELF_DIR (default build/fixtures, make check's scratch) as
# tests/fixture-checks/run.sh does. A second or two per dump.
# The makedumpfile is that of the Debian release that ships the fixture's
# kernel's dump tools (expected.json kernel.release):
#   5.10, 6.1   bookworm's 1.7.2 (setup.sh, work/root); 1.7.2 says "The
#               kernel version is not supported." for 6.1 on stdout and
#               still completes
#   6.12        trixie's 1.7.6 (setup-corpus.sh, work/root-trixie), which
#               refuses 6.12's 52-bit layouts: "calculate_plat_config: PAGE
#               SIZE 0x1000 and VA Bits 52 not supported" (0x4000 on -16k);
#               nothing is recorded for 6.12 (tests/oracle/README.md)
# Usage: run-makedumpfile.sh SCENARIO
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/unpack-elf.sh"
work=${KDC_ORACLE_WORK:-$here/work}
sc=$1
fixtures=$here/../fixtures
fx=$fixtures/$sc
out=$fx/makedumpfile-dmesg.txt
release=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["kernel"]["release"])' \
	"$fx/expected.json")
case $release in
6.12.*) root=$work/root-trixie ;;
*) root=$work/root ;;
esac
[ -x "$root/usr/bin/makedumpfile" ] ||
	{ echo "$sc: no makedumpfile in $root (setup.sh, setup-corpus.sh)" >&2; exit 1; }
tmp=$(mktemp)
elf=$(mktemp)
etmp=$(mktemp)
log=$(mktemp)
trap 'rm -f "$tmp" "$elf" "$etmp" "$log"' EXIT
rm -f "$tmp" "$etmp"
# its messages go to stdout; kept for the failure report
mdf() { # DUMP OUT
	timeout 300 qemu-aarch64-static -L "$root" "$root/usr/bin/makedumpfile" --dump-dmesg "$1" "$2" \
		>"$log" 2>&1 && [ -e "$2" ] || {
		echo "$sc: makedumpfile --dump-dmesg $1 failed:" >&2
		tail -5 "$log" >&2
		exit 1
	}
}
if [ -e "$fx/dump.kdump" ]; then
	mdf "$fx/dump.kdump" "$tmp"
	if [ "${KDC_MDF_NO_ELF:-0}" != 1 ] && [ -e "$fx/dump.elf.zst" ]; then
		zstd -q -d -f --long=27 "$fx/dump.elf.zst" -o "$elf"
		mdf "$elf" "$etmp"
		cmp -s "$tmp" "$etmp" || { echo "$sc: makedumpfile --dump-dmesg differs between dump.kdump and the ELF form" >&2; exit 1; }
		form="both forms identical"
	else
		form="kdump form only"
	fi
else
	dump=$(unpack_elf "$fixtures" "${KDC_ELF_DIR:-$here/../../build/fixtures}" "$sc")
	# makedumpfile reads the program headers from right after the ELF
	# header whatever e_phoff says (elf_info.c get_elf64_phdr()); an ELF
	# written by kdump-collect save (6.12) has them at its end, and
	# makedumpfile would say only "Can't get the number of PT_LOAD.":
	# a copy laid out as makedumpfile writes them (elf_for_crash.py)
	if [ "$(od -An -t u8 -j 32 -N 8 "$dump" | tr -d ' ')" != 64 ]; then
		python3 "$here/elf_for_crash.py" "$dump" "$elf" >/dev/null
		dump=$elf
	fi
	mdf "$dump" "$tmp"
	form="ELF form, $(basename "$root")"
fi
mv "$tmp" "$out"
echo "$out: $(wc -l < "$out") lines ($form)"
