#!/bin/bash
# dracut module: kdump-collector in the kdump initramfs.
#
# Installs kdump-collect (dracut resolves its shared libraries), the known
# crash patterns, the RHEL/Fedora kdump_pre hook, and - for kernels whose
# dumps carry no kallsyms in VMCOREINFO (before 6.0) or no BTF - a symbol
# profile of the running kernel made now, while /proc/kallsyms and
# /sys/kernel/btf/vmlinux are at hand. mkdumprd empties dracutmodules, so
# the module joins through dracut.conf.d/99-kdump-collector.conf.

# only when asked for (add_dracutmodules), never by hostonly autodetection
# KDC_BIN: the binary to install, when it is not in dracut's PATH (tests)
check() {
	require_binaries "${KDC_BIN:-kdump-collect}" || return 1
	return 255
}

depends() {
	return 0
}

# The release of the kernel this initramfs is for, made KASLR-independent
# by `kdump-collect profile`; skipped (with a message) when not running it.
install_profile() {
	local major minor
	IFS=. read -r major minor _ <<< "$kernel"
	# 6.0+ puts kallsyms in VMCOREINFO and Debian/RHEL kernels carry BTF:
	# the dump itself is enough
	if [ "${major:-0}" -gt 6 ] || { [ "${major:-0}" -eq 6 ] && [ "${minor:-0}" -ge 0 ]; }; then
		[ -z "$KDC_PROFILE_ALWAYS" ] && return 0
	fi
	if [ "$kernel" != "$(uname -r)" ]; then
		dwarning "kdump-collector: no profile: building for $kernel while running $(uname -r)"
		return 0
	fi
	mkdir -p "$initdir/usr/share/kdump-collector"
	if ! "${KDC_BIN:-kdump-collect}" profile -o "$initdir/usr/share/kdump-collector/profile" 2>/dev/null; then
		dwarning "kdump-collector: kdump-collect profile failed; bundles of this kernel may lack symbols"
	fi
}

install() {
	local share

	inst_binary "${KDC_BIN:-$(command -v kdump-collect)}" /usr/bin/kdump-collect
	# the installed patterns: PREFIX=/usr or /usr/local (KDC_SHARE overrides)
	for share in "$KDC_SHARE" /usr/share/kdump-collector /usr/local/share/kdump-collector; do
		[ -n "$share" ] && [ -f "$share/patterns.conf" ] && break
	done
	inst_simple "$share/patterns.conf" /usr/share/kdump-collector/patterns.conf
	inst_script "${KDC_LIBEXEC:-/usr/lib/kdump-collector}/kdump-pre.sh" \
		/usr/lib/kdump-collector/kdump-pre.sh
	install_profile
}
