#!/usr/bin/env bash
# `make install` then `make uninstall` into a staging root leave nothing
# behind but the admin's data; the installed binary finds its patterns file
# beside itself whatever PREFIX it was built with; `make deb` builds a
# package whose files are those of `make install PREFIX=/usr`, with the
# files under /etc as conffiles; the man page renders. Bundles are 0600.
# Prints PASS/FAIL lines.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
scratch=${KDC_SCRATCH:-$top/build}/install-check
fail=0
say() { if [ "$1" = ok ]; then echo "PASS install/$2"; else echo "FAIL install/$2: $3"; fail=1; fi; }
rm -rf "$scratch"
mkdir -p "$scratch"
# a build of its own: PREFIX is compiled in, and must not change build/
o=$scratch/obj
stage=$scratch/stage
if ! make -C "$top" -s O="$o" install PREFIX=/opt/kdc DESTDIR="$stage" >"$scratch/install.log" 2>&1; then
	say no install "$(tail -3 "$scratch/install.log")"
	exit 1
fi
say ok install ""
# the patterns beside the binary, although PREFIX (/opt/kdc) is not where it runs
# (the fixture checks unpack it into the build directory, $(O)/fixtures)
dump=${KDC_SCRATCH:-$top/build}/fixtures/csd-lockup.elf
if [ ! -s "$dump" ]; then
	echo "SKIP install/patterns-beside-binary: no $dump (the fixture checks unpack it)"
else
	got=$("$stage/opt/kdc/bin/kdump-collect" analyze --json "$dump" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["known_patterns"]["file"])')
	case $got in
	"$stage"/opt/kdc/bin/../share/kdump-collector/patterns.conf) say ok patterns-beside-binary "" ;;
	*) say no patterns-beside-binary "used $got" ;;
	esac
fi
page=$stage/opt/kdc/share/man/man1/kdump-collect.1
if grep -q '^\.TH "kdump-collect" "1"' "$page" 2>/dev/null &&
	{ ! command -v man >/dev/null || man -l "$page" 2>/dev/null | grep -q 'kdump-collect collect'; }; then
	say ok man-page ""
else
	say no man-page "man -l does not render it"
fi
# the admin's settings file survives a changed uninstall; profiles are data
echo "KDC_TIMEOUT=60" >> "$stage/etc/kdump-collector.conf"
make -C "$top" -s O="$o" uninstall PREFIX=/opt/kdc DESTDIR="$stage" >"$scratch/uninstall.log" 2>&1
left=$(cd "$stage" && find . -type f | sort)
if [ "$left" = "./etc/kdump-collector.conf" ]; then
	say ok uninstall-leaves-only-settings ""
else
	say no uninstall-leaves-only-settings "left: $left"
fi
# the package: the same files as a PREFIX=/usr install, /etc as conffiles
make -C "$top" -s --no-print-directory O="$o" deb >"$scratch/deb.log" 2>&1
deb=$(find "$o/deb" -maxdepth 1 -name 'kdump-collector_*.deb' 2>/dev/null | head -1)
if [ ! -f "$deb" ]; then
	say no deb "$(tail -3 "$scratch/deb.log")"
	exit 1
fi
make -C "$top" -s O="$o" install PREFIX=/usr DESTDIR="$scratch/usr-stage" >/dev/null 2>&1
want=$(cd "$scratch/usr-stage" && find . -type f | sort)
got=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)
conf=$(dpkg-deb -f "$deb" Package >/dev/null && dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | sort)
want_conf=$(grep '^\./etc/' <<<"$want" | sed 's|^\.||')
if [ "$got" = "$want" ] && [ "$conf" = "$want_conf" ] && dpkg-deb -f "$deb" Depends | grep -q libkdumpfile; then
	say ok deb-matches-install ""
else
	say no deb-matches-install "files differ: $(diff <(echo "$want") <(echo "$got") | head -5); conffiles: $conf"
fi
exit $fail
