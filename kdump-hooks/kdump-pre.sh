#!/bin/sh
# RHEL/Fedora kdump: run kdump-collector before the vmcore is saved.
#   /etc/kdump.conf:  kdump_pre /usr/lib/kdump-collector/kdump-pre.sh
# kdump treats a non-zero exit of kdump_pre as "do not take the dump", so
# this script ALWAYS exits 0: the bundle is extra, never a reason to lose
# the full dump. Its own time is bounded (KDC_TIMEOUT, default 120 s) and
# its memory too (KDC_MEMORY_MIB, default 160 MiB of address space).
#
# The bundle goes to KDC_OUTPUT_DIR if set, else the dump target that kdump
# mounted (/kdumproot<path> for local targets, as kdump-lib-initramfs.sh
# sets it up), else /var/crash; on an NFS/SSH target, set KDC_OUTPUT_DIR.

out=${KDC_OUTPUT_DIR:-}
if [ -z "$out" ]; then
	path=$(sed -n 's/^path[[:space:]]\+//p' /etc/kdump.conf 2>/dev/null | tail -n 1)
	path=${path:-/var/crash}
	if [ -d /kdumproot ]; then
		out=/kdumproot$path
	else
		out=$path
	fi
fi
out=$out/kdump-collector
mkdir -p "$out" 2>/dev/null

if [ -e /proc/vmcore ] && command -v kdump-collect >/dev/null 2>&1; then
	set -- --vmcore /proc/vmcore --output-dir "$out" \
		--timeout "${KDC_TIMEOUT:-120}" --memory-limit "${KDC_MEMORY_MIB:-160}"
	[ -f /usr/share/kdump-collector/profile ] &&
		set -- "$@" --profile /usr/share/kdump-collector/profile
	if kdump-collect collect "$@" >/dev/console 2>&1; then
		echo "kdump-collector: bundle written to $out" >/dev/console
	else
		echo "kdump-collector: bundle incomplete or not written (see above); continuing with the dump" \
			>/dev/console
	fi
	sync
fi
exit 0
