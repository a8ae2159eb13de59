#!/usr/bin/env bash
# End-to-end: the collector, cross-built for arm64, runs by itself in the
# capture kernel (through the real kdump_pre hook) before the dump is
# saved, for the csd-lockup and kvm scenarios; the bundle found on the dump
# disk afterwards is verified with `kdump-collect show` and its verdict
# compared with this boot's ground truth (truth.py, QEMU's registers).
# Usage: e2e.sh [SCENARIO...]   (default: csd-lockup kvm). Prints PASS/FAIL.
set -uo pipefail
. "$(dirname "$0")/config.sh"

TOP=$(cd "$HARNESS_DIR/../.." && pwd)
HOST_BIN=${KDC_COLLECT:-$TOP/build/kdump-collect}
TIMEOUT=${KDC_QEMU_TIMEOUT:-900}
KDUMP_MB=1024
scenarios=${*:-csd-lockup kvm}
fail=0

"$HARNESS_DIR/fetch.sh" >/dev/null || { echo "FAIL e2e/fetch"; exit 1; }
"$HARNESS_DIR/build-collector.sh" >/dev/null 2>&1 || { echo "FAIL e2e/cross-build"; exit 1; }
"$HARNESS_DIR/build.sh" >/dev/null || { echo "FAIL e2e/initramfs"; exit 1; }
[ -x "$HOST_BIN" ] || make -s -C "$TOP" >/dev/null

for sc in $scenarios; do
	run=$WORK/e2e/$sc
	rm -rf "$run" && mkdir -p "$run/truth" "$run/bundle" "$run/fixture"
	truncate -s $((64 + KDUMP_MB + 3072))M "$run/disk.img"
	t0=$SECONDS
	if ! python3 "$HARNESS_DIR/run-scenario.py" --kernel "$KIMAGE" \
		--initrd "$WORK/build/first.cpio.gz" --disk "$run/disk.img" --out "$run" \
		--timeout "$TIMEOUT" --cpus "$QEMU_CPUS" --mem "$QEMU_MEM" \
		--append "console=ttyAMA0 crashkernel=$CRASHKERNEL kdc.scenario=$sc kdc.kdump_mb=$KDUMP_MB kdc.e2e=1" \
		>"$run/run.log" 2>&1; then
		echo "FAIL e2e/$sc-boot: $(tail -2 "$run/run.log" | tr '\n' ' ')"
		fail=1
		continue
	fi
	echo "INFO e2e/$sc: boot to saved dump $((SECONDS - t0))s"
	grep -o 'KDC-MARK: capture-kernel bundle written.*' "$run/serial.log" | head -1 |
		sed "s/^/INFO e2e\/$sc: /"
	tar xf "$run/disk.img" -C "$run/truth"
	dd if="$run/disk.img" bs=1M skip=48 count=16 status=none | tar x -C "$run/bundle" 2>/dev/null
	# KDC_OUTPUT_DIR is the bundle's directory itself (kdump-pre.sh)
	bundle=$(ls "$run"/bundle/*.tar.zst "$run"/bundle/kdump-collector/*.tar.zst 2>/dev/null | head -1)
	if [ -z "$bundle" ]; then
		echo "FAIL e2e/$sc-bundle: no bundle on the dump disk"
		fail=1
		continue
	fi
	echo "PASS e2e/$sc-bundle-on-disk: $(basename "$bundle") ($(stat -c %s "$bundle") bytes)"
	if "$HOST_BIN" show "$bundle" >"$run/report.txt" 2>"$run/show.err"; then
		echo "PASS e2e/$sc-show-verifies"
	else
		echo "FAIL e2e/$sc-show-verifies: $(cat "$run/show.err")"
		fail=1
	fi
	echo "INFO e2e/$sc: $(head -1 "$run/report.txt" | cut -c1-240)"
	# this boot's ground truth, as make-fixtures.sh records it
	python3 "$HARNESS_DIR/truth.py" --scenario "$sc" --run "$run" --truth "$run/truth" \
		--package "linux-image-$KREL-unsigned $KPKGVER" --out "$run/fixture/expected.json" ||
		{ echo "FAIL e2e/$sc-truth"; fail=1; continue; }
	cp "$run"/regs-*.txt "$run/fixture/"
	zstd -q -f "$run/truth/kallsyms" -o "$run/fixture/kallsyms.zst"
	zstd -dc "$bundle" | tar x -O --wildcards '*/report.json' >"$run/report.json"
	python3 "$TOP/tests/fixture-checks/check_e2e_verdict.py" "$sc" "$run/report.json" \
		"$run/fixture" || fail=1
	# before 6.0 the symbols can only come from the profile the first kernel
	# made (its init runs make-profile.sh), found by the hook unasked
	if [ "${KREL%%.*}" -lt 6 ]; then
		src=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["symbols"]["source"], r["types"]["source"])' "$run/report.json" 2>&1)
		if grep -q 'e2e profile made' "$run/serial.log" && grep -q profile <<<"$src"; then
			echo "PASS e2e/$sc-profile-from-live-kernel: $src"
		else
			echo "FAIL e2e/$sc-profile-from-live-kernel: sources $src; $(grep -o 'e2e profile.*' "$run/serial.log")"
			fail=1
		fi
	fi
	rm -f "$run/disk.img"
done
exit $fail
