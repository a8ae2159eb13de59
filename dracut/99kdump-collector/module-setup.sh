#!/bin/bash
# shellcheck disable=SC2154 # $kernel, $initdir: set by dracut for its modules
# dracut module: kdump-collector in the kdump initramfs.
#
# Joins only the kdump image: 99-zz-kdump-collector.conf asks for it when
# mkdumprd runs dracut (see there); `dracut_args --add kdump-collector` in
# /etc/kdump.conf does it too. An ordinary dracut run never includes it
# (check() returns 255: only when asked for).
#
# Installs kdump-collect (dracut resolves its shared libraries), the known
# crash patterns, the hooks' library and /etc/kdump-collector.conf; the hook
# itself comes from /etc/kdump/pre.d, which kdumpbase copies. For kernels
# whose dumps carry no kallsyms in VMCOREINFO (before 6.0), the symbol
# profile of this kernel release: the one the boot-time unit made in
# /var/lib/kdump-collector, else one made now when this kernel runs.
# A missing binary skips the module with a warning; it never fails the image.
#
# KDC_BIN, KDC_SHARE, KDC_LIBEXEC: where the installed files are (tests)

check() {
	return 255
}

depends() {
	return 0
}

kdc_profile() {
	local major have=/var/lib/kdump-collector/profile-$kernel
	local dest=/var/lib/kdump-collector/profile-$kernel

	if [[ -f $have ]]; then
		inst_simple "$have" "$dest"
		return 0
	fi
	IFS=. read -r major _ <<< "$kernel"
	# 6.0+ puts kallsyms in VMCOREINFO and Debian/RHEL kernels carry BTF
	if [[ ${major:-0} -ge 6 ]] && [[ -z $KDC_PROFILE_ALWAYS ]]; then
		return 0
	fi
	if [[ $kernel != "$(uname -r)" ]]; then
		dwarning "kdump-collector: no profile for $kernel (running $(uname -r)); boot it once and rebuild the kdump initramfs"
		return 0
	fi
	mkdir -p "$initdir/var/lib/kdump-collector"
	if ! "$1" profile -o "$initdir$dest" 2> /dev/null; then
		dwarning "kdump-collector: kdump-collect profile failed; bundles of this kernel may lack symbols"
	fi
}

install() {
	local bin share libexec=${KDC_LIBEXEC:-/usr/lib/kdump-collector}

	bin=${KDC_BIN:-$(command -v kdump-collect)}
	if [[ -z $bin ]] || [[ ! -x $bin ]]; then
		dwarning "kdump-collector: kdump-collect is not installed; module skipped"
		return 0
	fi
	inst_binary "$bin" /usr/bin/kdump-collect
	# the installed patterns: beside the binary, or PREFIX=/usr, /usr/local
	for share in "$KDC_SHARE" "${bin%/bin/*}/share/kdump-collector" /usr/share/kdump-collector \
		/usr/local/share/kdump-collector; do
		[[ -n $share ]] && [[ -f $share/patterns.conf ]] && break
	done
	if [[ -f $share/patterns.conf ]]; then
		inst_simple "$share/patterns.conf" /usr/share/kdump-collector/patterns.conf
	else
		dwarning "kdump-collector: no patterns.conf found; known patterns will not be checked"
	fi
	inst_simple "$libexec/lib.sh" /usr/lib/kdump-collector/lib.sh
	inst_script "$libexec/kdump-pre.sh" /usr/lib/kdump-collector/kdump-pre.sh
	[[ -f /etc/kdump-collector.conf ]] && inst_simple /etc/kdump-collector.conf
	kdc_profile "$bin"
}
