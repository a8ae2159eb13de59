#!/usr/bin/env bash
# Checks every committed crash-dump fixture against its expected.json using
# only standard tools (readelf) and an independent decoder written in Python,
# so a fixture that does not say what its ground truth claims fails here
# before any kdump-collector code is trusted with it.
# Prints one "PASS name" or "FAIL name: why" line per check.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures=${KDC_FIXTURES:-$here/../fixtures}
scratch=${KDC_SCRATCH:-$here/../../build/fixtures}
mkdir -p "$scratch"
status=0
found=0
# Runs a checker; one that dies without saying FAIL (a traceback) still fails.
checker() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [ $rc -ne 0 ]; then
		status=1
		printf '%s\n' "$out" | grep -q '^FAIL ' ||
			echo "FAIL $(basename "$2"): exited $rc without a FAIL line (see above)"
	fi
}
# A fixture's dump.elf.zst is a zstd patch against the fixture named in its
# dump.elf.base (fixtures of one kernel share most of their bytes), or whole.
unpack() { # name
	local dir=$fixtures/$1 elf=$scratch/$1.elf base=
	if [ -s "$dir/dump.elf.base" ]; then
		base=$(cat "$dir/dump.elf.base")
		unpack "$base" || return 1
	fi
	if [ ! -s "$elf" ] || [ "$dir/dump.elf.zst" -nt "$elf" ] ||
		{ [ -n "$base" ] && [ "$scratch/$base.elf" -nt "$elf" ]; }; then
		zstd -q -d -f --long=28 ${base:+--patch-from="$scratch/$base.elf"} \
			"$dir/dump.elf.zst" -o "$elf" || return 1
	fi
}
for dir in "$fixtures"/*/; do
	[ -f "$dir/expected.json" ] || continue
	found=1
	name=$(basename "$dir")
	if ! unpack "$name"; then
		echo "FAIL $name/unpack: zstd could not decompress dump.elf.zst"
		status=1
		continue
	fi
	checker python3 "$here/check_fixture.py" --fixture "$dir" --elf "$scratch/$name.elf"
done
# The stuck CPUs of every fixture: the ranked candidates against QEMU's truth
# (docs/accuracy.md is this table; make accuracy rewrites it).
if [ -n "${KDC_COLLECT:-}" ]; then
	checker python3 "$here/accuracy.py" --collect "$KDC_COLLECT" --fixtures "$fixtures" \
		--scratch "$scratch" --table "$scratch/accuracy.md" --quiet
	if [ -f "$here/../../docs/accuracy.md" ] && [ -f "$scratch/accuracy.md" ]; then
		if cmp -s "$scratch/accuracy.md" "$here/../../docs/accuracy.md"; then
			echo "PASS accuracy/docs-table-current"
		else
			echo "FAIL accuracy/docs-table-current: docs/accuracy.md differs from this run's table (make accuracy)"
			status=1
		fi
	fi
fi
# Per-CPU variables read out of code (5.10's path) against BTF's answer.
if [ -n "${KDC_COLLECT:-}" ]; then
	names=()
	for dir in "$fixtures"/*/; do
		[ -f "$dir/expected.json" ] && [ -s "$scratch/$(basename "$dir").elf" ] &&
			names+=("$(basename "$dir")")
	done
	checker python3 "$here/check_percpu_paths.py" --collect "$KDC_COLLECT" \
		--scratch "$scratch" "${names[@]}"
fi
# The big-machine fixtures, where their dumps (outside git) were rebuilt.
if [ -n "${KDC_COLLECT:-}" ] && [ -d "$here/../big-fixtures" ]; then
	checker python3 "$here/check_big.py" "$KDC_COLLECT" "$scratch"
fi
# Damaged copies of one real dump: partial reports, clean refusals, no crash.
if [ -n "${KDC_COLLECT:-}" ] && [ -s "$scratch/csd-lockup.elf" ]; then
	checker python3 "$here/check_corrupt.py" --elf "$scratch/csd-lockup.elf" \
		--kdump "$fixtures/csd-lockup/dump.kdump" --scratch "$scratch" \
		--table "$scratch/robustness.md"
	# docs/robustness.md is that table (make robustness rewrites it)
	if [ -f "$here/../../docs/robustness.md" ] && [ -f "$scratch/robustness.md" ]; then
		if cmp -s "$scratch/robustness.md" "$here/../../docs/robustness.md"; then
			echo "PASS robustness/docs-table-current"
		else
			echo "FAIL robustness/docs-table-current: docs/robustness.md differs from this run's table (make robustness)"
			status=1
		fi
	fi
fi
# Profile, System.map: one boot's symbols and types analyse another boot's dump.
if [ -n "${KDC_COLLECT:-}" ] && [ -s "$scratch/csd-lockup.elf" ] && [ -d "$fixtures/oops" ]; then
	checker python3 "$here/check_sources.py" --a "$fixtures/csd-lockup" \
		--a-elf "$scratch/csd-lockup.elf" --b "$fixtures/oops" --scratch "$scratch/sources"
fi
# kdump-collect repair: notes in CPU order, recovered ones included.
if [ -n "${KDC_COLLECT:-}" ] && [ -s "$scratch/csd-lockup.elf" ] && [ -s "$scratch/csd-single.elf" ]; then
	args=("$fixtures/csd-lockup" "$scratch/csd-lockup.elf"
		"$fixtures/csd-single" "$scratch/csd-single.elf")
	# one ELF-only fixture per other kernel: 6.12 saved by kdump-collect, 5.10 by makedumpfile 1.6.8
	for extra in leaf-nested-6.12 leaf-nested-6.12-16k csd-lockup-5.10; do
		[ -s "$scratch/$extra.elf" ] && args+=("$fixtures/$extra" "$scratch/$extra.elf")
	done
	# the rest of the corpus: crash's recorded bt -c on its repaired copy
	for rec in "$fixtures"/*/crash-bt-repaired.txt; do
		fx=$(dirname "$rec")
		case " ${args[*]} " in *" $fx "*) continue ;; esac
		args+=("$fx" -)
	done
	checker python3 "$here/check_repaired_notes.py" "$scratch" "${args[@]}"
fi
# collect and show: the bundle, its checks, its budgets.
if [ -n "${KDC_COLLECT:-}" ] && [ -d "$fixtures/csd-lockup" ]; then
	checker python3 "$here/check_bundle.py" "$fixtures/csd-lockup" "$scratch"
fi
if [ $found = 0 ]; then
	echo "FAIL fixtures: none found under $fixtures"
	exit 1
fi
exit $status
