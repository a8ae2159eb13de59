// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lockless printk ring buffer (kernel/printk/printk_ringbuffer.{c,h},
 * v5.10+), read from dump memory with the layout VMCOREINFO gives
 * (OFFSET(printk_ringbuffer.*), OFFSET(prb_desc.*), ...): no struct layout
 * is compiled in. A descriptor's state_var holds its id in the low 62 bits
 * and its state in the top two (0 reserved, 1 committed, 2 finalized,
 * 3 reusable); only committed and finalized records whose id matches are
 * read. A text block starts with the descriptor id (unsigned long); a block
 * that wraps lives at the start of the data ring.
 */
#ifndef KDC_PRINTK_H
#define KDC_PRINTK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "reader.h"

/* Ceilings: CONFIG_LOG_BUF_SHIFT is at most 25, log_buf_len= at most 2 GiB
 * in practice a few MiB; descriptors are 1/32 of that. */
#define KDC_PRINTK_DATA_BITS_MAX 28
#define KDC_PRINTK_DESC_BITS_MAX 24

struct printk_layout {
	uint64_t prb; /* address of the printk_ringbuffer (the value of SYMBOL(prb)'s pointer) */
	uint64_t rb_desc_ring, rb_text_data_ring; /* offsets in printk_ringbuffer */
	uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id; /* prb_desc_ring */
	uint64_t desc_size, desc_state_var, desc_text_blk_lpos;		    /* prb_desc */
	uint64_t lpos_begin, lpos_next;					    /* prb_data_blk_lpos */
	uint64_t info_size, info_seq, info_ts_nsec, info_text_len, info_caller_id; /* printk_info */
	uint64_t data_size_bits, data_data; /* prb_data_ring */
};

struct printk_record {
	uint64_t seq;
	uint64_t ts_nsec;
	uint32_t caller_id; /* bit 31 set: CPU number in the low bits, else a task pid */
	const char *text;   /* borrowed for the callback's duration; not NUL-terminated */
	size_t text_len;
};

/* Return non-zero to stop the walk. */
typedef int (*printk_record_fn)(const struct printk_record *rec, void *ctx);

/**
 * printk_for_each_record() - call @fn for every readable record, oldest first
 * @skipped: records whose descriptor or text could not be read (overwritten, filtered)
 * Return: KC_OK; KC_CORRUPT or KC_LIMIT for ring geometry that cannot be
 * right; reader errors for the ring's own header.
 */
enum kdc_status printk_for_each_record(const struct kdc_reader *r, const struct printk_layout *l,
				       printk_record_fn fn, void *ctx, size_t *skipped,
				       struct kdc_err *err);

#endif
