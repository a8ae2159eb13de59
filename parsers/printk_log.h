// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The printk buffer of kernels before 5.10: `log_buf`, a ring of
 * struct printk_log records (kernel/printk/printk.c, 3.5-5.9; RHEL 8's 4.18):
 *   { u64 ts_nsec; u16 len; u16 text_len; u16 dict_len; u8 facility;
 *     u8 flags:5, level:3; } then text, dict, padding to LOG_ALIGN
 * `len` is the whole record; a record of len 0 means "wrap to offset 0".
 * The walk runs from log_first_idx to log_next_idx (both in VMCOREINFO).
 * Offsets of ts_nsec/len/text_len and the header size come from VMCOREINFO
 * (SIZE(printk_log), OFFSET(printk_log.*)), as the kernel exports them.
 */
#ifndef KDC_PRINTK_LOG_H
#define KDC_PRINTK_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "printk.h"

/* CONFIG_LOG_BUF_SHIFT is at most 25; log_buf_len= is rarely above 32 MiB */
#define KDC_PRINTK_LOG_MAX (64u << 20)

struct printk_log_layout {
	uint64_t header_size;		 /* SIZE(printk_log) */
	uint64_t ts_nsec, len, text_len; /* OFFSET(printk_log.*) */
};

/**
 * printk_log_for_each() - call @fn for each record of the copied @buf
 * (@size bytes, the whole log_buf), oldest first
 * @skipped: set when the walk had to stop at a record that does not fit
 * Return: KC_OK; KC_CORRUPT for indices or a layout that cannot be right.
 */
enum kdc_status printk_log_for_each(const uint8_t *buf, size_t size, uint32_t first_idx,
				    uint32_t next_idx, const struct printk_log_layout *l,
				    printk_record_fn fn, void *ctx, size_t *skipped,
				    struct kdc_err *err);

#endif
