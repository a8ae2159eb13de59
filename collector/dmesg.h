// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crashed kernel's log, read from its printk ring buffer and printed as
 * its console printed it: "[seconds.micros] text", every line of a
 * multi-line record prefixed, control bytes shown as \xNN.
 */
#ifndef KDC_DMESG_H
#define KDC_DMESG_H

#include <stdio.h>

#include "dump.h"
#include "printk.h"

struct dmesg_stats {
	size_t records;
	size_t skipped;
};

/**
 * dmesg_write() - write the log to @out
 * Both layouts are read: the lockless ring buffer (5.10+) and the log_buf
 * of struct printk_log before it, whichever VMCOREINFO describes.
 * Return: KC_OK; KC_NOTSUP when VMCOREINFO describes neither; reader errors.
 */
enum kdc_status dmesg_write(struct kdc_dump *dump, FILE *out, struct dmesg_stats *stats,
			    struct kdc_err *err);

/**
 * dmesg_for_each() - call @fn for every readable log record, oldest first
 * @skipped: records that could not be read
 */
enum kdc_status dmesg_for_each(struct kdc_dump *dump, printk_record_fn fn, void *ctx,
			       size_t *skipped, struct kdc_err *err);

#endif
