#!/bin/sh
# /etc/kernel/postrm.d/kdump-collector: a removed kernel's profile goes with
# it (Debian calls these hooks with the release as $1, as for kdump-tools').
[ -n "${1:-}" ] || exit 0
rm -f "/var/lib/kdump-collector/profile-$1"
exit 0
