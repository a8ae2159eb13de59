#!/bin/sh
# The symbol profile of the RUNNING kernel, for kernels whose dumps carry
# no kallsyms in VMCOREINFO (before 6.0: Linux kernel commit 5fd8fea935a1
# ("vmcoreinfo: include kallsyms symbols") (in v6.0)). Run at boot by
# kdump-collector-profile.service; the hooks and the dracut module read
# /var/lib/kdump-collector/profile-$(uname -r). A profile can only be made
# on the kernel it describes (live kallsyms, BTF and build ID), so a new
# kernel gets its profile on its first boot. Installed as
# /usr/lib/kdump-collector/make-profile.sh; --force makes one on 6.0+ too.
set -u
dir=${KDC_PROFILE_DIR:-/var/lib/kdump-collector}
release=$(uname -r)
major=${release%%.*}
if [ "${1:-}" != --force ] && [ "$major" -ge 6 ] 2>/dev/null; then
	exit 0
fi
[ -e /proc/vmcore ] && exit 0	# the capture kernel: nothing to describe
mkdir -p "$dir" || exit 1
tmp=$(mktemp "$dir/.profile-XXXXXX") || exit 1
if kdump-collect profile -o "$tmp" 2>"$tmp.err" && mv -f "$tmp" "$dir/profile-$release"; then
	rm -f "$tmp.err"
	logger -t kdump-collector "profile of $release written to $dir/profile-$release" 2>/dev/null
	exit 0
fi
logger -t kdump-collector "could not make the profile of $release: $(cat "$tmp.err")" 2>/dev/null
rm -f "$tmp" "$tmp.err"
exit 1
