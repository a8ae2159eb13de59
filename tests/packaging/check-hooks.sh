#!/usr/bin/env bash
# The capture-kernel hooks, run the way kdump runs them, against a
# reproduction of the mount layout kdump.sh works in (kdump-utils
# dracut/99kdumpbase/kdump.sh): real ext4 images on loop devices, mounted
# in a private mount namespace, so that "the bundle is on the target's
# disk" is checked by unmounting and looking at the disk:
#  - root-fs target (no target line in kdump.conf): the root file system at
#    /sysroot, mounted READ-ONLY as the capture kernel leaves it; path
#    /var/crash;
#  - a separate target: "ext4 /dev/loopN" with `path /crash`, mounted where
#    the capture kernel mounts it (/kdumproot/<mnt>);
#  - raw: no bundle, said so;
#  - Debian kdump-tools: $KDUMP_COREDIR, KDUMP_NUM_DUMPS rotation, a second
#    bundle of the same crash never replacing the first (a counter).
# Needs root (losetup, mount, unshare). Prints PASS/FAIL/SKIP lines.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
collector=${KDC_COLLECT:-$top/build/kdump-collect}
dump=${KDC_HOOK_DUMP:-$top/build/fixtures/csd-lockup.elf}
scratch=${KDC_SCRATCH:-$top/build}/hooks
fail=0
say() { if [ "$1" = ok ]; then echo "PASS hooks/$2"; else echo "FAIL hooks/$2: $3"; fail=1; fi; }

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null || ! command -v losetup >/dev/null; then
	echo "SKIP hooks/all: needs root, mount namespaces and losetup"
	exit 0
fi
if [ ! -s "$dump" ]; then
	say no dump "$dump missing (run.sh unpacks the fixtures first)"
	exit 1
fi
rm -rf "$scratch"
mkdir -p "$scratch"
for d in root target; do
	truncate -s 64M "$scratch/$d.img"
	mkfs.ext4 -q -F "$scratch/$d.img"
done
env_common=(KDC_BIN="$collector" KDC_LIB="$top/kdump-hooks/kdump-collector-lib.sh"
	KDC_VMCORE="$dump" KDC_CONF="$scratch/kdump-collector.conf" KDC_LOG="$scratch/log")
: > "$scratch/kdump-collector.conf"

# the files a loop image holds at PATH (a glob), after the hook ran and the
# image was unmounted
on_disk() { # image glob
	local m=$scratch/inspect
	mkdir -p "$m"
	unshare -m sh -c "mount -o ro,loop '$1' '$m' && ls -l $m/$2 2>/dev/null"
}

# 1. root file system target, read-only at /sysroot
cat > "$scratch/kdump.conf" <<CONF
path /var/crash
core_collector makedumpfile -l --message-level 7 -d 31
CONF
unshare -m bash -c "
	dev=\$(losetup -f --show '$scratch/root.img') || exit 1
	mkdir -p '$scratch/sysroot' && mount -o ro \"\$dev\" '$scratch/sysroot' &&
	env ${env_common[*]} KDC_KDUMP_CONF='$scratch/kdump.conf' KDC_NEWROOT='$scratch/sysroot' \
		sh '$top/kdump-hooks/kdump-pre.sh'; echo \"exit \$?\" > '$scratch/rc1'
	umount '$scratch/sysroot'; losetup -d \"\$dev\""
listing=$(on_disk "$scratch/root.img" "var/crash/kdump-collector/kdump-*.tar.zst")
if [ "$(cat "$scratch/rc1")" = "exit 0" ] && grep -q '^-rw------- .*kdump-.*\.tar\.zst$' <<<"$listing"; then
	say ok rhel-root-target-on-disk ""
else
	say no rhel-root-target-on-disk "$(cat "$scratch/rc1"); on disk: ${listing:-nothing}; log: $(tail -3 "$scratch/log")"
fi

# 2. a separate ext4 target at /kdumproot/<mnt>, named by device in kdump.conf
unshare -m bash -c "
	dev=\$(losetup -f --show '$scratch/target.img') || exit 1
	mkdir -p '$scratch/kdumproot/mnt/dump' && mount \"\$dev\" '$scratch/kdumproot/mnt/dump' &&
	printf 'ext4 %s\npath /crash\n' \"\$dev\" > '$scratch/kdump.conf' &&
	env ${env_common[*]} KDC_KDUMP_CONF='$scratch/kdump.conf' KDC_NEWROOT='$scratch/nowhere' \
		sh '$top/kdump-hooks/kdump-pre.sh'; echo \"exit \$?\" > '$scratch/rc2'
	umount '$scratch/kdumproot/mnt/dump'; losetup -d \"\$dev\""
listing=$(on_disk "$scratch/target.img" "crash/kdump-collector/kdump-*.tar.zst")
if [ "$(cat "$scratch/rc2")" = "exit 0" ] && grep -q 'kdump-.*\.tar\.zst$' <<<"$listing"; then
	say ok rhel-device-target-on-disk ""
else
	say no rhel-device-target-on-disk "$(cat "$scratch/rc2"); on disk: ${listing:-nothing}; log: $(tail -3 "$scratch/log")"
fi

# 3. raw target: nowhere to write, said so, still exit 0
printf 'raw /dev/sdz9\n' > "$scratch/kdump.conf"
: > "$scratch/log"
env "${env_common[@]}" KDC_KDUMP_CONF="$scratch/kdump.conf" sh "$top/kdump-hooks/kdump-pre.sh"
rc=$?
if [ $rc = 0 ] && grep -q 'raw dump target' "$scratch/log"; then
	say ok rhel-raw-target-said ""
else
	say no rhel-raw-target-said "exit $rc; log: $(cat "$scratch/log")"
fi

# 4. Debian kdump-tools: two runs of the same crash, KDUMP_NUM_DUMPS=1
core=$scratch/var-crash
mkdir -p "$core"
printf 'KDUMP_COREDIR=%s\nKDUMP_NUM_DUMPS=1\n' "$core" > "$scratch/kdump-tools"
for run in 1 2; do
	env "${env_common[@]}" KDC_KDUMP_DEFAULTS="$scratch/kdump-tools" \
		sh "$top/kdump-hooks/kdump-tools-pre.sh" > "$scratch/deb$run.out" 2>&1
	cp -a "$core/kdump-collector" "$scratch/after$run" 2>/dev/null
done
n1=$(find "$scratch/after1" -name '*.tar.zst' 2>/dev/null | wc -l)
second=$(find "$scratch/after2" -name '*.tar.zst' -printf '%f\n' 2>/dev/null)
# a complete run names the bundle by the dump's CRASHTIME, so both runs
# collide on purpose; an incomplete one is named by the clock and would not
if grep -q 'bundle incomplete' "$scratch/deb1.out" "$scratch/deb2.out"; then
	say no debian-rotation-and-no-replace "a run was incomplete: $(grep -h -m1 -B2 'bundle incomplete' "$scratch/deb1.out" "$scratch/deb2.out" | head -3)"
elif [ "$n1" = 1 ] && [ "$(wc -l <<<"$second")" = 1 ] && grep -q -- '-2\.tar\.zst$' <<<"$second" &&
	[ "$(stat -c %a "$core/kdump-collector")" = 700 ]; then
	say ok debian-rotation-and-no-replace ""
else
	say no debian-rotation-and-no-replace "after run 1: $n1 files; after run 2: $second; $(tail -2 "$scratch/deb2.out")"
fi
exit $fail
