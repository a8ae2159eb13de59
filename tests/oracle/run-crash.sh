#!/usr/bin/env bash
# crash (Debian arm64, under qemu-user-static) with the -dbg vmlinux of the
# fixture's kernel, `bt -a` on a fixture: writes tests/fixtures/SC/crash-bt.txt,
# the peer output the backtrace tests compare against. About 35 s per
# kdump-compressed dump, about 85 s per ELF dump.
# Usage: run-crash.sh SCENARIO [DUMP]
#   DUMP defaults to the fixture's dump.kdump or, for a fixture with only
#   the ELF form (the corpus), its dump.elf.zst unpacked (against its
#   dump.elf.base) into $KDC_ELF_DIR (default build/fixtures, make check's
#   scratch) as tests/fixture-checks/run.sh does.
# The crash and vmlinux follow the fixture's kernel release (expected.json
# kernel.release), as in check_repair_elf.py:
#   5.10.0-32-arm64             crash 8.0.2 (root/), vmlinux/vmlinux-5.10.0-32-arm64 (setup-corpus.sh)
#   6.1.0-50-arm64              crash 8.0.2 (root/), root/usr/lib/debug/boot/vmlinux-6.1.0-50-arm64 (setup.sh)
#   6.12.118+deb12-arm64[-16k]  trixie's crash 8.0.6 (root-trixie/), vmlinux/vmlinux-6.12.118+deb12-arm64[-16k]
# KDC_CRASH_OUT=FILE writes elsewhere; KDC_CRASH_TIMEOUT (default 900 s) bounds the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/unpack-elf.sh"
work=${KDC_ORACLE_WORK:-$here/work}
sc=$1
fixtures=$here/../fixtures
fx=$fixtures/$sc
krel=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["kernel"]["release"])' \
	"$fx/expected.json")
case $krel in
6.1.*)
	root=$work/root vmlinux=$work/root/usr/lib/debug/boot/vmlinux-$krel
	peer="crash 8.0.2 (Debian arm64)" ;;
6.12.*)
	root=$work/root-trixie vmlinux=$work/vmlinux/vmlinux-$krel
	peer="crash 8.0.6 (Debian trixie arm64)" ;;
*)
	root=$work/root vmlinux=$work/vmlinux/vmlinux-$krel
	peer="crash 8.0.2 (Debian arm64)" ;;
esac
[ -s "$vmlinux" ] || { echo "$sc: no $vmlinux (setup.sh, setup-corpus.sh)" >&2; exit 1; }
if [ $# -ge 2 ]; then
	dump=$2 form=$(basename "$2")
elif [ -e "$fx/dump.kdump" ]; then
	dump=$fx/dump.kdump form=dump.kdump
else
	dump=$(unpack_elf "$fixtures" "${KDC_ELF_DIR:-$here/../../build/fixtures}" "$sc")
	form=dump.elf
fi
out=${KDC_CRASH_OUT:-$fx/crash-bt.txt}
cmds=$(mktemp)
trap 'rm -f "$cmds" "$out.tmp"' EXIT
printf 'bt -a\nq\n' > "$cmds"
{
	echo "# $peer -s vmlinux-$krel (-dbg) $form; commands: bt -a"
	timeout "${KDC_CRASH_TIMEOUT:-900}" qemu-aarch64-static -L "$root" "$root/usr/bin/crash" -s \
		"$vmlinux" "$dump" -i "$cmds" 2>&1 || echo "(exit status $?)"
} > "$out.tmp"
# on any failure (exit status, timeout, no backtrace) the old record stays
if grep -q '^(exit status' "$out.tmp" || ! grep -q '^PID: ' "$out.tmp"; then
	echo "$sc: crash failed on $dump:" >&2
	tail -5 "$out.tmp" >&2
	exit 1
fi
mv "$out.tmp" "$out"
echo "$out: $(grep -c '^ *#[0-9]' "$out") frames"
