#!/bin/sh
# Install what building and testing kdump-collector needs on Debian 12.
#   tests/setup-debian.sh             build, unit tests, fixture checks, demo
#   tests/setup-debian.sh --harness   also the QEMU harness that remakes the
#                                     fixtures (make fixtures)
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

pkgs="build-essential pkg-config binutils python3 zstd
 libkdumpfile-dev libcmocka-dev libbpf-dev libelf-dev libdw-dev libzstd-dev
 libxxhash-dev xxhash dracut-core scdoc shellcheck clang-format e2fsprogs util-linux"
if [ "${1:-}" = --harness ]; then
	# arm64 packages are only downloaded (apt-get download), never
	# installed, but apt must know the architecture to fetch them.
	$SUDO dpkg --add-architecture arm64
	pkgs="$pkgs qemu-system-arm qemu-user-static gcc-aarch64-linux-gnu
 libc6-dev-arm64-cross linux-kbuild-6.1 cpio file bc flex bison kmod xz-utils makedumpfile dwarves"
fi
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $pkgs
