#!/usr/bin/env bash
# The Depends: line of the binary's shared libraries: the package owning
# each (dpkg -S), with the installed version as the minimum.
set -euo pipefail
deps=()
for lib in $(ldd "$1" | awk '/=>/ { print $3 }'); do
	real=$(readlink -f "$lib")
	pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true)
	pkg=${pkg%%:*}
	[ -n "$pkg" ] || continue
	ver=$(dpkg-query -W -f '${Version}' "$pkg")
	deps+=("$pkg (>= ${ver%%-*})")
done
printf '%s\n' "${deps[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
