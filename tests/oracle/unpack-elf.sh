# shellcheck shell=bash
# unpack_elf FIXTURES DIR NAME: the ELF form of fixture NAME as
# tests/fixture-checks/run.sh (and check_repair_elf.py) unpack it, into
# DIR/NAME.elf: dump.elf.zst is a zstd patch against the ELF of the fixture
# named in dump.elf.base, or whole. An existing DIR/NAME.elf newer than its
# inputs is kept (make check's $(O)/fixtures holds them). Prints the path.
# Sourced by run-crash.sh and run-makedumpfile.sh.

unpack_elf() {
	local fixtures=$1 dir=$2 name=$3 base='' base_elf=''
	local fx=$fixtures/$name elf=$dir/$name.elf
	[ -s "$fx/dump.elf.zst" ] || { echo "unpack_elf: $fx has no dump.elf.zst" >&2; return 1; }
	mkdir -p "$dir"
	if [ -s "$fx/dump.elf.base" ]; then
		base=$(cat "$fx/dump.elf.base")
		base_elf=$(unpack_elf "$fixtures" "$dir" "$base") || return 1
	fi
	if [ ! -s "$elf" ] || [ "$fx/dump.elf.zst" -nt "$elf" ] ||
		{ [ -n "$base_elf" ] && [ "$base_elf" -nt "$elf" ]; }; then
		zstd -q -d -f --long=28 ${base_elf:+--patch-from="$base_elf"} \
			"$fx/dump.elf.zst" -o "$elf" || return 1
	fi
	echo "$elf"
}
