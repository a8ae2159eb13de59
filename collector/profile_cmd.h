// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kdump-collect profile`: what the live kernel knows about itself that
 * its dump may not carry, written in the format of parsers/profile.h.
 */
#ifndef KDC_PROFILE_CMD_H
#define KDC_PROFILE_CMD_H

#include <stdio.h>

#include "err.h"

struct profile_opts {
	const char *output;
	const char *kallsyms;	/* default /proc/kallsyms */
	const char *btf;	/* default /sys/kernel/btf/vmlinux (skipped if absent) */
	const char *system_map; /* default /boot/System.map-RELEASE (skipped if a stub) */
	const char *release;	/* default uname -r */
	const char *notes;	/* default /sys/kernel/notes: the build ID */
};

/**
 * profile_write() - write the profile to @o->output (atomically: a
 * temporary file renamed into place); say on @log what was included
 */
enum kdc_status profile_write(const struct profile_opts *o, FILE *log, struct kdc_err *err);

#endif
