# shellcheck shell=bash
# shellcheck disable=SC2034  # every variable here is read by the scripts that source it
# Pinned inputs of the QEMU crash-dump harness. Sourced by the other scripts.
#
# KDC_KERNEL picks the guest kernel (default 6.1):
#   5.10      Debian 11 linux-image-5.10.0-32-arm64      4 KiB pages, 48-bit VA
#   6.1       Debian 12 linux-image-6.1.0-50-arm64       4 KiB pages, 48-bit VA
#   6.12      Debian 12 linux-image-6.12.118+deb12-arm64 4 KiB pages, 52-bit VA (LPA2)
#   6.12-16k  the same kernel built with 16 KiB pages
# Each is pinned to one package version so fixtures can be remade from the
# same packages; bump the version and regenerate fixtures when the archive
# drops it. The capture kernel saves the dump with the makedumpfile of the
# Debian release that ships the kernel's dump tools: bookworm's 1.7.2 cannot
# read 6.12's layouts ("PAGE SIZE 0x1000 and VA Bits 52 not supported"), so
# 6.12 guests run trixie's 1.7.6, as a Debian 13 machine would; 5.10
# guests run bullseye's 1.6.8, as a Debian 11 machine would. The kernel
# packages come from $KSUITE, the initramfs's user packages always from
# bookworm.
KERNEL=${KDC_KERNEL:-6.1}
case $KERNEL in
5.10)
	KREL=5.10.0-32-arm64
	KPKGVER=5.10.223-1
	KCOMMON=linux-headers-5.10.0-32-common
	KBUILD=linux-kbuild-5.10
	# bullseye-security has newer builds (5.10.0-46, 5.10.262-1) but its
	# arm64 packages are not downloadable here (404); this is the newest in
	# bullseye itself, with the kbuild tools of the same upload
	KBUILDVER=$KPKGVER
	KSUITE=bullseye
	# its headers ask for gcc-10, which bookworm has no arm64 cross
	# compiler of; the module builds with bookworm's (12)
	KCC=aarch64-linux-gnu-gcc
	DUMP_SUITE=bullseye
	DUMP_FORM=elf
	PAGE_SIZE=4096
	BASE_FIXTURE=csd-lockup-5.10
	;;
6.1)
	KREL=6.1.0-50-arm64
	KPKGVER=6.1.176-1
	KCOMMON=linux-headers-6.1.0-50-common
	KBUILD=linux-kbuild-6.1
	KSUITE=bookworm
	DUMP_SUITE=bookworm
	DUMP_FORM=elf
	PAGE_SIZE=4096
	BASE_FIXTURE=csd-lockup
	;;
6.12 | 6.12-16k)
	KREL=6.12.118+deb12-arm64
	[ "$KERNEL" = 6.12-16k ] && KREL=$KREL-16k
	KPKGVER=6.12.118-1~deb12u1
	KCOMMON=linux-headers-6.12.118+deb12-common
	KBUILD=linux-kbuild-6.12.118+deb12
	KSUITE=bookworm
	DUMP_SUITE=trixie
	# neither bookworm's makedumpfile 1.7.2 nor trixie's 1.7.6 reads it
	# ("PAGE SIZE 0x1000 and VA Bits 52 not supported"): the capture kernel
	# saves the raw /proc/vmcore and make-fixtures.sh filters it with
	# kdump-collect save (-d 31)
	DUMP_FORM=raw
	PAGE_SIZE=4096
	[ "$KERNEL" = 6.12-16k ] && PAGE_SIZE=16384
	BASE_FIXTURE=leaf-nested-$KERNEL
	;;
*)
	echo "config.sh: unknown KDC_KERNEL '$KERNEL' (5.10, 6.1, 6.12, 6.12-16k)" >&2
	exit 64
	;;
esac
# kept for scripts written before there was a choice
KABI=${KREL%-arm64*}

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK_TOP=${KDC_QEMU_WORK:-$HARNESS_DIR/work}
WORK=$WORK_TOP/$KERNEL
DEBS=$WORK/debs
ROOTX=$WORK/rootx          # every arm64 package of this kernel's guest, extracted
DUMPX=$WORK/dumptools      # makedumpfile of $DUMP_SUITE with its own libraries
KHDR=$ROOTX/usr/src/linux-headers-$KREL
KIMAGE=$ROOTX/boot/vmlinuz-$KREL

# Guest shape. virtualization=on starts the kernel at EL2 so it runs with VHE
# and /dev/kvm exists; pauth-impdef=on keeps pointer authentication but uses
# QEMU's cheap implementation-defined algorithm. The memory is the smallest
# that boots both kernels and still leaves the capture kernel room: dumps
# grow with it (page structs, slab), and every fixture is kept in git.
QEMU_CPU=${QEMU_CPU:-max,pauth-impdef=on}
# KDC_MACHINE=a57: another machine for the same kernel, a Cortex-A57
# (ARMv8.0: no VHE, so KVM runs nVHE; no pointer authentication, no LSE
# atomics; a 44-bit PARange, so KASLR moves the linear map too). Its
# fixtures are named <scenario>-<machine>-<kernel>.
MACHINE=${KDC_MACHINE:-}
QEMU_NUMA=0
case $MACHINE in
'') ;;
a57) QEMU_CPU=cortex-a57 ;;
# Neoverse N1 (ARMv8.2: VHE, LSE atomics, the 16 KiB granule the A57 lacks;
# no pointer authentication, no LPA2)
n1) QEMU_CPU=neoverse-n1 ;;
# two NUMA nodes (the default CPU): CPUs 0-1 and half the memory on node 0,
# CPUs 2-3 and the other half on node 1, as a two-socket server
numa2) QEMU_NUMA=2 ;;
*) echo "config.sh: KDC_MACHINE=$MACHINE: a57, n1 and numa2 are known" >&2; exit 64 ;;
esac
# KDC_SHAPE=big (make-big.sh): a production-sized guest, 32 vCPUs and 16 GiB
# (GICv3 takes more than 8), ~20,000 sleeping threads and a few GiB of
# anonymous memory and page cache (big/spawner.c) before the scenario. Its
# dumps are too big for git: they stay in work/big/, the truth goes to
# tests/big-fixtures/. The default shape is untouched by it.
SHAPE=${KDC_SHAPE:-default}
BUILD_DIR=$WORK/build
case $SHAPE in
default) ;;
big)
	QEMU_CPUS=${QEMU_CPUS:-32}
	QEMU_MEM=${QEMU_MEM:-16384}
	# makedumpfile -d 31 over 16 GiB in the capture kernel (nr_cpus=1)
	CRASHKERNEL=${CRASHKERNEL:-512M}
	BUILD_DIR=$WORK/build-big
	BIG_WORK=${KDC_BIG_WORK:-$WORK_TOP/big}
	# what the spawner makes (big/spawner.c): 8 x 2560 threads on 64 KiB
	# stacks, 3 GiB anonymous memory, 512 MiB of tmpfs files and 1 GiB of the
	# disk's page cache (its scratch offset is added by make-big.sh)
	BIG_SPAWN=${KDC_BIG_SPAWN:-procs=8,threads=2560,stack=64,anon=3072,tmpfs=512,disk_mb=1024}
	# CPUs of the actors: the csd-lockup spinner and its waiter, the
	# kvm_guest vCPU threads (one process each)
	BIG_STUCK_CPU=23
	BIG_WAIT_CPU=17
	BIG_KVM_CPUS=7,15,23,31
	;;
*)
	echo "config.sh: unknown KDC_SHAPE '$SHAPE' (default, big)" >&2
	exit 64
	;;
esac
QEMU_CPUS=${QEMU_CPUS:-4}
QEMU_MEM=${QEMU_MEM:-1024}
CRASHKERNEL=${CRASHKERNEL:-256M}

# arm64 packages the initramfs is built from (besides the kernel). Their
# shared libraries are resolved from these packages alone; build.sh
# fails naming any missing soname.
USER_PKGS="busybox-static kexec-tools makedumpfile libc6 zlib1g liblzo2-2 libdw1 libelf1
 liblzma5 libbz2-1.0 libzstd1 libxenmisc4.17 libxencall1 libxendevicemodel1 libxenevtchn1
 libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenstore4 libxentoollog1 libxentoolcore1
 libyajl2 libext2fs2 libfdt1 libuuid1 libcom-err2
 libkdumpfile10 libbpf1 libxxhash0 libsnappy1v5 libstdc++6 libgcc-s1"
# trixie's makedumpfile and what it links to (trixie renamed libdw/libelf in
# its 64-bit time_t transition)
DUMP_PKGS="makedumpfile libc6 zlib1g liblzo2-2 libdw1t64 libelf1t64 liblzma5 libbz2-1.0 libzstd1"
# bullseye's names of the same, taken from bullseye itself (/bullseye: its
# security suite's arm64 packages are not downloadable here)
DUMP_RELEASE=
if [ "$DUMP_SUITE" = bullseye ]; then
	DUMP_PKGS="makedumpfile libc6 zlib1g liblzo2-2 libdw1 libelf1 liblzma5 libbz2-1.0 libzstd1"
	DUMP_RELEASE=/bullseye
fi

# The original five scenarios; tests/qemu/scenarios.txt lists the corpus.
SCENARIOS="csd-lockup csd-single oops sysrq kvm"
