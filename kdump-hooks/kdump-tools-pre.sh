#!/bin/sh
# Debian/Ubuntu kdump-tools: kdump-collector in the capture kernel before
# `kdump-config savecore` writes the vmcore. kdump-tools boots the capture
# kernel into the normal system and saves the dump from kdump-tools.service
# (or kdump-tools-dump.service when KDUMP_CMDLINE_APPEND names it with
# systemd.unit=): the drop-ins on both run this as ExecStartPre, prefixed
# with "-" so a failure never stops the dump; without /proc/vmcore (every
# normal boot) it returns at once.
#
# Bundles go to $KDUMP_COREDIR/kdump-collector (/var/crash by default).
# With NFS= set, kdump-config mounts the share over $KDUMP_COREDIR only
# while saving; the bundle stays on the local disk in
# /var/lib/kdump-collector/bundles instead, and the log says so. The oldest
# bundles beyond KDUMP_NUM_DUMPS (or KDC_KEEP_BUNDLES) are removed, as
# kdump-config purges old dumps.

# shellcheck source-path=SCRIPTDIR source=kdump-collector-lib.sh
. "${KDC_LIB:-/usr/lib/kdump-collector/lib.sh}"

log() {
	# kdump-tools logs with logger -t kdump-tools; the console shows the unit's output
	[ -n "${KDC_LOG:-}" ] || logger -t kdump-collector "$*" 2>/dev/null
	echo "kdump-collector: $*"
}

KDUMP_DEFAULTS=${KDC_KDUMP_DEFAULTS:-/etc/default/kdump-tools}
# shellcheck disable=SC1090
[ -r "$KDUMP_DEFAULTS" ] && . "$KDUMP_DEFAULTS"
kdc_load_conf
[ -e "${KDC_VMCORE:-/proc/vmcore}" ] || exit 0
command -v "${KDC_BIN:-kdump-collect}" >/dev/null 2>&1 || exit 0
if [ -n "${KDC_OUTPUT_DIR:-}" ]; then
	out=$KDC_OUTPUT_DIR
elif [ -n "${NFS:-}" ]; then
	out=/var/lib/kdump-collector/bundles
	log "NFS dump target: the bundle stays on the local disk in $out"
else
	out=${KDUMP_COREDIR:-/var/crash}/kdump-collector
fi
if ! kdc_output_dir "$out"; then
	log "cannot create $out"
	exit 0
fi
if bundle=$(kdc_collect "$out"); then
	log "bundle written: $bundle"
elif [ -n "$bundle" ]; then
	log "bundle incomplete (see its MANIFEST): $bundle"
else
	log "no bundle written (see the messages above); the dump goes on"
	exit 0
fi
kdc_finish "$bundle"
kdc_rotate "$out" "${KDC_KEEP_BUNDLES:-${KDUMP_NUM_DUMPS:-0}}"
exit 0
