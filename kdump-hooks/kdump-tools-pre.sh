#!/bin/sh
# Debian/Ubuntu kdump-tools: run kdump-collector in the capture kernel
# before `kdump-config savecore` writes the full dump. Started by the
# drop-in kdump-tools-dump.service.d/kdump-collector.conf (ExecStartPre,
# prefixed with "-" so that a failure here never stops the dump).
# The bundle goes to $KDUMP_COREDIR/kdump-collector (/var/crash by default,
# from /etc/default/kdump-tools); time and memory are bounded as in
# kdump-pre.sh.

[ -r /etc/default/kdump-tools ] && . /etc/default/kdump-tools
[ -e /proc/vmcore ] || exit 0
command -v kdump-collect >/dev/null 2>&1 || exit 0
out=${KDC_OUTPUT_DIR:-${KDUMP_COREDIR:-/var/crash}/kdump-collector}
mkdir -p "$out" || exit 0
set -- --vmcore /proc/vmcore --output-dir "$out" \
	--timeout "${KDC_TIMEOUT:-120}" --memory-limit "${KDC_MEMORY_MIB:-160}"
[ -f /usr/share/kdump-collector/profile ] &&
	set -- "$@" --profile /usr/share/kdump-collector/profile
kdump-collect collect "$@"
sync
exit 0
