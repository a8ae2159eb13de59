#!/bin/sh
# RHEL/Fedora kdump (kdump-utils): kdump-collector in the capture kernel,
# before the vmcore is saved. Installed as /etc/kdump/pre.d/kdump-collector:
# kdumpbase copies every executable there into the kdump initramfs and runs
# it before the dump; a failure there only warns (dracut/99kdumpbase/kdump.sh
# do_kdump_pre()). As `kdump_pre /usr/lib/kdump-collector/kdump-pre.sh` in
# /etc/kdump.conf it works too, but then a non-zero exit would cancel the
# dump, and there is only one kdump_pre slot: this script always exits 0.
#
# Where the bundle goes, as kdump.sh decides where the vmcore goes:
#  - a local file-system target line in kdump.conf (ext[234], xfs, btrfs,
#    minix, virtiofs, nfs; mkdumprd writes one even for the default target):
#    the mount point of that device in the capture kernel (/kdumproot/...,
#    or /sysroot when it is the root file system), plus `path`;
#  - none: /sysroot plus `path` (kdump.sh's NEWROOT);
#  - ssh: written to RAM, then copied with scp as kdump.sh copies the vmcore;
#  - raw: nowhere to put a file; the hook says so and does nothing.
# The target is mounted and made read-write here if needed, as dump_fs()
# would do a moment later anyway. KDC_OUTPUT_DIR in /etc/kdump-collector.conf
# overrides all of this.

# shellcheck source-path=SCRIPTDIR source=kdump-collector-lib.sh
. "${KDC_LIB:-/usr/lib/kdump-collector/lib.sh}"

KDUMP_CONF=${KDC_KDUMP_CONF:-/etc/kdump.conf}
NEWROOT=${KDC_NEWROOT:-/sysroot}

# KDC_LOG: a file instead (tests)
log() {
	if [ -n "${KDC_LOG:-}" ]; then
		echo "kdump-collector: $*" >> "$KDC_LOG"
		return
	fi
	# kdump-utils logs through the kernel log; the console shows it too
	echo "<6>kdump-collector: $*" > /dev/kmsg 2>/dev/null
	echo "kdump-collector: $*" > /dev/console 2>/dev/null
}

# the value of the last `KEY value` line of kdump.conf, comments removed
conf_val() {
	sed -n "s/#.*//; s/^[[:space:]]*$1[[:space:]]\{1,\}//p" "$KDUMP_CONF" 2>/dev/null |
		tail -n 1 | sed 's/[[:space:]]*$//'
}

# the dump target line: "TYPE VALUE" or nothing
target_line() {
	sed -n 's/#.*//; s/^[[:space:]]*\(ext[234]\|xfs\|btrfs\|minix\|virtiofs\|nfs\|ssh\|raw\)[[:space:]]\{1,\}/\1 /p' \
		"$KDUMP_CONF" 2>/dev/null | tail -n 1 | sed 's/[[:space:]]*$//'
}

# the mount point of device $1 in this (capture) kernel, as
# get_mntpoint_from_target() finds it: the first not ending in "]" (a
# bind or subvolume mount)
mount_point_of() {
	findmnt -k -n -r -o TARGET,SOURCE --source "$1" 2>/dev/null | grep -v '\]$' |
		awk 'NR == 1 { print $1 }'
}

# make $1 a mounted, writable mount point
ready() {
	if ! findmnt -k -n "$1" >/dev/null 2>&1 && ! mount --target "$1" 2>/dev/null; then
		log "dump target $1 is not mounted and could not be mounted"
		return 1
	fi
	case $(findmnt -k -n -r -o OPTIONS --target "$1" 2>/dev/null) in
	ro*) mount -o remount,rw "$1" || { log "could not remount $1 read-write"; return 1; } ;;
	esac
}

main() {
	kdc_load_conf
	[ -e "${KDC_VMCORE:-/proc/vmcore}" ] || return 0
	command -v "${KDC_BIN:-kdump-collect}" >/dev/null 2>&1 || {
		log "kdump-collect is not in this initramfs"
		return 0
	}
	path=$(conf_val path)
	path=${path:-/var/crash}
	remote=
	if [ -n "${KDC_OUTPUT_DIR:-}" ]; then
		out=$KDC_OUTPUT_DIR
	else
		line=$(target_line)
		case $line in
		raw\ *)
			log "raw dump target: no file system to write a bundle to; skipped"
			return 0
			;;
		ssh\ *)
			remote=${line#ssh }
			out=/tmp/kdump-collector
			;;
		?*)
			mnt=$(mount_point_of "${line#* }")
			[ -n "$mnt" ] || mnt=$NEWROOT
			ready "$mnt" || return 0
			out=$mnt/$path/kdump-collector
			;;
		*)
			ready "$NEWROOT" || return 0
			out=$NEWROOT/$path/kdump-collector
			;;
		esac
	fi
	out=$(echo "$out" | tr -s /)
	if ! kdc_output_dir "$out"; then
		log "cannot create $out"
		return 0
	fi
	if bundle=$(kdc_collect "$out" 2>>"${KDC_LOG:-/dev/console}"); then
		log "bundle written: $bundle"
	elif [ -n "$bundle" ]; then
		log "bundle incomplete (see its MANIFEST): $bundle"
	else
		log "no bundle written (see the messages above); the dump goes on"
		return 0
	fi
	kdc_finish "$bundle"
	kdc_rotate "$out" "${KDC_KEEP_BUNDLES:-0}"
	if [ -n "$remote" ]; then
		key=$(conf_val sshkey)
		key=${key:-/root/.ssh/kdump_id_rsa}
		opts="-i $key -o BatchMode=yes -o StrictHostKeyChecking=yes"
		# shellcheck disable=SC2086 # the options are words
		if ssh -q $opts "$remote" mkdir -p "$path/kdump-collector" &&
			scp -q $opts "$bundle" "$remote:$path/kdump-collector/"; then
			log "bundle copied to $remote:$path/kdump-collector/"
		else
			log "could not copy the bundle to $remote; it is lost at reboot"
		fi
	fi
}

main
exit 0
