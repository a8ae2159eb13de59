# shellcheck shell=bash
# suite_download SUITE DIR PKG...: apt-get download PKGs of another Debian
# release (trixie, bullseye) into DIR, through a private apt configuration
# under $WORK_TOP/apt/SUITE: its own source list, package lists and cache.
# The machine's own apt configuration and dpkg database are never touched,
# and nothing is installed. SUITE bookworm uses the machine's apt as is.
# Sourced after config.sh.

suite_download() {
	local suite=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	if [ "$suite" = bookworm ]; then
		# apt-get download runs as _apt where it can; a root-owned dir makes it warn only.
		(cd "$dir" && apt-get download "$@" 2>&1 |
			grep -v -e unsandboxed -e '^Get:' -e '^Fetched') || true
		return 0
	fi
	local base=$WORK_TOP/apt/$suite
	local -a opts=(-o "Dir::Etc::sourcelist=$base/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$base/lists" -o "Dir::Cache=$base/cache"
		-o APT::Get::List-Cleanup=0 -o "APT::Architectures=amd64,arm64")
	mkdir -p "$base/lists/partial" "$base/cache/archives/partial"
	if [ ! -s "$base/sources.list" ]; then
		local kr=/usr/share/keyrings/debian-archive-keyring.gpg mirror sec
		mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			sed -n 's|^URIs: *\(.*/debian\)$|\1|p' | head -1)
		[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			2>/dev/null | sed -n 's|^deb \(\[[^]]*\] *\)*\(http[^ ]*/debian\) .*|\2|p' | head -1)
		[ -n "$mirror" ] || { echo "apt-suite.sh: no Debian mirror in /etc/apt" >&2; return 1; }
		sec=${mirror%/debian}/debian-security
		{
			echo "deb [signed-by=$kr] $mirror $suite main"
			echo "deb [signed-by=$kr] $sec $suite-security main"
		} >"$base/sources.list"
	fi
	if [ -z "$(find "$base/lists" -mindepth 1 -maxdepth 1 ! -name partial 2>/dev/null)" ]; then
		apt-get "${opts[@]}" update -q >"$base/update.log" 2>&1 ||
			{ echo "apt-suite.sh: apt-get update for $suite failed:" >&2; tail -3 "$base/update.log" >&2; return 1; }
	fi
	(cd "$dir" && apt-get "${opts[@]}" download "$@" 2>&1 |
		grep -v -e unsandboxed -e '^Get:' -e '^Fetched') || true
}
