#!/usr/bin/env bash
# make bench's dumps: bench/make-dumps.sh [POINT...] (default: every point).
#
# A point is LOAD-MEM-CPUS, e.g. inuse-16g-32c: the csd-lockup scenario on
# the pinned 6.1 kernel in a guest of MEM GiB and CPUS vCPUs, crashed with
# real kdump. LOAD "inuse" runs tests/qemu/big/spawner.c first, scaled to
# the guest so that every size is as full as the others: a quarter of RAM
# anonymous memory, 1/32 in tmpfs files, 1/16 of the disk's page cache, and
# 4 x 1024 sleeping threads at every size (so RAM, not tasks, is what
# varies); "idle" is the freshly booted guest. The capture kernel times
# kdump-collect and makedumpfile -l -d 31 on /proc/vmcore (kdc.bench=1)
# and saves the raw /proc/vmcore, which bench/run.sh then measures on the
# host. Dumps: tests/qemu/work/big/bench-POINT-6.1/raw.elf (sparse: zero
# pages are holes), outside git; the run's serial log and ground truth:
# bench/dumps/bench-POINT-6.1/. Budget under TCG on 2 host cores: about 6
# minutes for a 2 GiB 4-CPU point, 25-35 minutes for 16 GiB with 32 CPUs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
POINTS_ALL="idle-2g-4c inuse-2g-4c inuse-8g-4c inuse-16g-4c inuse-2g-32c inuse-8g-32c inuse-16g-32c"
points=${*:-$POINTS_ALL}

for p in $points; do
	IFS=- read -r load mem cpus <<<"$p"
	mib=$((${mem%g} * 1024)) ncpu=${cpus%c}
	case $load in
	idle) spawn=none ;;
	inuse) spawn=procs=4,threads=1024,stack=64,anon=$((mib / 4)),tmpfs=$((mib / 32)),disk_mb=$((mib / 16)) ;;
	*) echo "make-dumps: unknown load '$load' in '$p' (idle, inuse)" >&2; exit 64 ;;
	esac
	[ -n "$mib" ] && [ -n "$ncpu" ] && [ "$mib" -gt 0 ] && [ "$ncpu" -gt 0 ] ||
		{ echo "make-dumps: '$p' is not LOAD-<N>g-<N>c" >&2; exit 64; }
	echo "== $p: ${mib} MiB, $ncpu CPUs, load $spawn"
	KDC_KERNEL=6.1 QEMU_MEM=$mib QEMU_CPUS=$ncpu KDC_BIG_SPAWN=$spawn KDC_BENCH_NAME=$p \
		KDC_BIG_FIXTURES=$here/dumps bash "$here/../tests/qemu/make-big.sh" bench
done
