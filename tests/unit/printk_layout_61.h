// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The printk ring's layout as Debian's 6.1 VMCOREINFO gives it
 * (OFFSET(printk_ringbuffer.desc_ring) and the rest), for the synthetic
 * rings of the unit suite and the fuzz target: one copy, so both decode
 * rings of the same shape.
 */
#ifndef KDC_TEST_PRINTK_LAYOUT_61_H
#define KDC_TEST_PRINTK_LAYOUT_61_H

#include <stdint.h>

#include "printk.h"

/* the layout of a ring whose struct printk_ringbuffer is at @prb */
static inline struct printk_layout printk_layout_61(uint64_t prb)
{
	return (struct printk_layout){
		.prb = prb,
		.rb_desc_ring = 0,
		.rb_text_data_ring = 48,
		.dr_count_bits = 0,
		.dr_descs = 8,
		.dr_infos = 16,
		.dr_head_id = 24,
		.dr_tail_id = 32,
		.desc_size = 24,
		.desc_state_var = 0,
		.desc_text_blk_lpos = 8,
		.lpos_begin = 0,
		.lpos_next = 8,
		.info_size = 88,
		.info_seq = 0,
		.info_ts_nsec = 8,
		.info_text_len = 16,
		.info_caller_id = 20,
		.data_size_bits = 0,
		.data_data = 8,
	};
}

#endif
