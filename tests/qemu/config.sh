# shellcheck shell=bash
# Pinned inputs of the QEMU crash-dump harness. Sourced by the other scripts.
#
# The kernel is pinned to a Debian 12 point-release ABI so fixtures can be
# rebuilt byte-for-byte from the same packages; bump KABI and KPKGVER
# together (and regenerate fixtures) when the archive drops this version.
KABI=6.1.0-50
KPKGVER=6.1.176-1
KREL=${KABI}-arm64

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${KDC_QEMU_WORK:-$HARNESS_DIR/work}
DEBS=$WORK/debs
ROOTX=$WORK/rootx          # every arm64 package extracted here
KHDR=$ROOTX/usr/src/linux-headers-$KREL
KIMAGE=$ROOTX/boot/vmlinuz-$KREL

# Guest shape. virtualization=on starts the kernel at EL2 so it runs with VHE
# and /dev/kvm exists; pauth-impdef=on keeps pointer authentication but uses
# QEMU's cheap implementation-defined algorithm.
QEMU_CPUS=${QEMU_CPUS:-4}
QEMU_MEM=${QEMU_MEM:-2048}
CRASHKERNEL=${CRASHKERNEL:-384M}

# arm64 packages the initramfs is built from (besides the kernel). Their
# shared libraries are resolved from these packages alone; build.sh
# fails naming any missing soname.
USER_PKGS="busybox-static kexec-tools makedumpfile libc6 zlib1g liblzo2-2 libdw1 libelf1
 liblzma5 libbz2-1.0 libzstd1 libxenmisc4.17 libxencall1 libxendevicemodel1 libxenevtchn1
 libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenstore4 libxentoollog1 libxentoolcore1
 libyajl2 libext2fs2 libfdt1 libuuid1 libcom-err2
 libkdumpfile10 libbpf1 libnettle8 libsnappy1v5 libstdc++6 libgcc-s1"

SCENARIOS="csd-lockup csd-single oops sysrq kvm"
