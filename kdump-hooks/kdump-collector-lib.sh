# shellcheck shell=sh
# Shared by the capture-kernel hooks (installed as
# /usr/lib/kdump-collector/lib.sh). POSIX sh: the kdump initramfs has no bash
# guarantee. Every function returns; none exits.

KDC_CONF=${KDC_CONF:-/etc/kdump-collector.conf}
# the profile of this kernel release, one path for the dracut module, the
# Debian boot-time unit and the hooks (kernels before 6.0 need it)
KDC_PROFILE_DIR=${KDC_PROFILE_DIR:-/var/lib/kdump-collector}

kdc_load_conf() {
	# shellcheck disable=SC1090
	[ -r "$KDC_CONF" ] && . "$KDC_CONF"
	KDC_TIMEOUT=${KDC_TIMEOUT:-120}
	KDC_MEMORY_MIB=${KDC_MEMORY_MIB:-160}
}

# kdc_collect OUTDIR: one bundle of /proc/vmcore (KDC_VMCORE for tests) in
# OUTDIR; prints the bundle's path; returns collect's status
kdc_collect() {
	_kdc_profile=$KDC_PROFILE_DIR/profile-$(uname -r)
	set -- --vmcore "${KDC_VMCORE:-/proc/vmcore}" --output-dir "$1" \
		--timeout "$KDC_TIMEOUT" --memory-limit "$KDC_MEMORY_MIB"
	[ -f "$_kdc_profile" ] && set -- "$@" --profile "$_kdc_profile"
	# bundles hold kernel memory: nothing created here is readable by others
	(umask 077 && "${KDC_BIN:-kdump-collect}" collect "$@")
}

# kdc_output_dir DIR: made, 0700 (0750 for KDC_BUNDLE_GROUP)
kdc_output_dir() {
	mkdir -p "$1" || return 1
	if [ -n "${KDC_BUNDLE_GROUP:-}" ]; then
		chgrp "$KDC_BUNDLE_GROUP" "$1" && chmod 0750 "$1"
	else
		chmod 0700 "$1"
	fi
}

# kdc_finish BUNDLE: the group knob, then to disk
kdc_finish() {
	if [ -n "${KDC_BUNDLE_GROUP:-}" ] && [ -f "$1" ]; then
		chgrp "$KDC_BUNDLE_GROUP" "$1" && chmod 0640 "$1"
	fi
	sync
}

# kdc_rotate DIR KEEP: remove the oldest bundles beyond KEEP (0: keep all).
# Bundle names end in their UTC crash time, so name order is time order
# within one host; mtime order covers the rest.
kdc_rotate() {
	[ "${2:-0}" -gt 0 ] 2>/dev/null || return 0
	# shellcheck disable=SC2012 # names are ours: kdump-<safe chars>.tar.zst
	ls -1t "$1"/kdump-*.tar.zst 2>/dev/null | tail -n +"$(($2 + 1))" | while read -r _kdc_old; do
		rm -f -- "$_kdc_old"
	done
}
