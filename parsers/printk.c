// SPDX-License-Identifier: GPL-2.0-or-later
#include "printk.h"

#include <stdlib.h>
#include <string.h>

#define DESC_FLAGS_SHIFT 62
#define DESC_ID_MASK ((1ull << DESC_FLAGS_SHIFT) - 1)
#define DESC_COMMITTED 1
#define DESC_FINALIZED 2
#define LPOS_DATALESS(lpos) ((lpos)&1)

static uint64_t get_le(const uint8_t *p, size_t n, bool be)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[be ? i : n - 1 - i];
	return v;
}

static enum kdc_status rd(const struct kdc_reader *r, uint64_t va, size_t n, uint64_t *out,
			  const char *what, struct kdc_err *err)
{
	uint8_t b[8];
	enum kdc_status st = r->read(r->ctx, va, b, n, err);

	if (st)
		return kdc_err_prefix(err, st, "%s", what);
	*out = get_le(b, n, r->big_endian);
	return KC_OK;
}

struct ring {
	uint64_t count_bits, descs, infos, head_id, tail_id;
	uint64_t size_bits, data;
};

static enum kdc_status read_ring(const struct kdc_reader *r, const struct printk_layout *l,
				 struct ring *g, struct kdc_err *err)
{
	uint64_t dr = l->prb + l->rb_desc_ring, tr = l->prb + l->rb_text_data_ring;
	enum kdc_status st;

	if ((st = rd(r, dr + l->dr_count_bits, 4, &g->count_bits, "prb desc_ring.count_bits",
		     err)) ||
	    (st = rd(r, dr + l->dr_descs, 8, &g->descs, "prb desc_ring.descs", err)) ||
	    (st = rd(r, dr + l->dr_infos, 8, &g->infos, "prb desc_ring.infos", err)) ||
	    (st = rd(r, dr + l->dr_head_id, 8, &g->head_id, "prb desc_ring.head_id", err)) ||
	    (st = rd(r, dr + l->dr_tail_id, 8, &g->tail_id, "prb desc_ring.tail_id", err)) ||
	    (st = rd(r, tr + l->data_size_bits, 4, &g->size_bits, "prb text_data_ring.size_bits",
		     err)) ||
	    (st = rd(r, tr + l->data_data, 8, &g->data, "prb text_data_ring.data", err)))
		return st;
	if (g->count_bits > KDC_PRINTK_DESC_BITS_MAX || g->size_bits > KDC_PRINTK_DATA_BITS_MAX ||
	    g->size_bits < 4)
		return kdc_fail(err, KC_CORRUPT, "printk ring: count_bits %llu, size_bits %llu",
				(unsigned long long)g->count_bits,
				(unsigned long long)g->size_bits);
	return KC_OK;
}

/* Reads the text of one record into @buf (of 1 << size_bits bytes). */
static enum kdc_status read_text(const struct kdc_reader *r, const struct ring *g, uint64_t begin,
				 uint64_t next, uint8_t *buf, size_t *len, struct kdc_err *err)
{
	uint64_t size = 1ull << g->size_bits, off, blk;

	if (LPOS_DATALESS(begin) || LPOS_DATALESS(next))
		return kdc_fail(err, KC_NODATA, "record without text");
	if (begin >> g->size_bits == next >> g->size_bits) {
		off = begin & (size - 1);
		blk = next - begin;
	} else if ((begin + size) >> g->size_bits == next >> g->size_bits) {
		off = 0; /* wrapped: the block was placed at the ring's start */
		blk = next & (size - 1);
	} else {
		return kdc_fail(err, KC_CORRUPT, "text block 0x%llx..0x%llx",
				(unsigned long long)begin, (unsigned long long)next);
	}
	if (blk < 8 || blk > size - off)
		return kdc_fail(err, KC_CORRUPT, "text block of %llu bytes",
				(unsigned long long)blk);
	*len = (size_t)(blk - 8);
	return r->read(r->ctx, g->data + off + 8, buf, *len, err);
}

enum kdc_status printk_for_each_record(const struct kdc_reader *r, const struct printk_layout *l,
				       printk_record_fn fn, void *ctx, size_t *skipped,
				       struct kdc_err *err)
{
	uint8_t desc[64], info[256], *text;
	struct ring g = { 0 };
	enum kdc_status st;
	uint64_t count, id, n;

	*skipped = 0;
	if (l->desc_size > sizeof(desc) || l->info_size > sizeof(info) ||
	    l->desc_text_blk_lpos + l->lpos_next + 8 > l->desc_size ||
	    l->info_text_len + 2 > l->info_size || l->info_caller_id + 4 > l->info_size ||
	    l->info_ts_nsec + 8 > l->info_size || l->info_seq + 8 > l->info_size)
		return kdc_fail(err, KC_NOTSUP,
				"printk layout from VMCOREINFO is unexpected "
				"(prb_desc %llu bytes, printk_info %llu bytes)",
				(unsigned long long)l->desc_size, (unsigned long long)l->info_size);
	if ((st = read_ring(r, l, &g, err)))
		return st;
	text = malloc(1ull << g.size_bits);
	if (!text)
		return kdc_fail(err, KC_NOMEM, "printk: out of memory");
	count = 1ull << g.count_bits;
	/* tail..head inclusive; ids wrap within DESC_ID_MASK. At most count
	 * descriptors are live, which also bounds a corrupt head/tail pair. */
	n = ((g.head_id - g.tail_id) & DESC_ID_MASK) + 1;
	if (n > count)
		n = count;
	id = g.tail_id & DESC_ID_MASK;
	for (uint64_t i = 0; i < n; i++, id = (id + 1) & DESC_ID_MASK) {
		uint64_t idx = id & (count - 1), sv, state;
		struct printk_record rec;
		struct kdc_err rerr;
		size_t len = 0;

		if (r->read(r->ctx, g.descs + idx * l->desc_size, desc, l->desc_size, &rerr) ||
		    r->read(r->ctx, g.infos + idx * l->info_size, info, l->info_size, &rerr)) {
			(*skipped)++;
			continue;
		}
		sv = get_le(desc + l->desc_state_var, 8, r->big_endian);
		state = sv >> DESC_FLAGS_SHIFT;
		/* A reused slot (the record was overwritten) or one still being
		 * written is not a loss of data the dump had: skip it silently,
		 * as the kernel's own reader does. */
		if ((sv & DESC_ID_MASK) != id ||
		    (state != DESC_COMMITTED && state != DESC_FINALIZED))
			continue;
		if (read_text(
			    r, &g,
			    get_le(desc + l->desc_text_blk_lpos + l->lpos_begin, 8, r->big_endian),
			    get_le(desc + l->desc_text_blk_lpos + l->lpos_next, 8, r->big_endian),
			    text, &len, &rerr)) {
			if (rerr.code != KC_NODATA ||
			    get_le(info + l->info_text_len, 2, r->big_endian))
				(*skipped)++;
			continue;
		}
		rec.seq = get_le(info + l->info_seq, 8, r->big_endian);
		rec.ts_nsec = get_le(info + l->info_ts_nsec, 8, r->big_endian);
		rec.caller_id = (uint32_t)get_le(info + l->info_caller_id, 4, r->big_endian);
		rec.text_len = get_le(info + l->info_text_len, 2, r->big_endian);
		if (rec.text_len > len) /* the block holds the text; never read past it */
			rec.text_len = len;
		rec.text = (const char *)text;
		if (fn(&rec, ctx))
			break;
	}
	free(text);
	return KC_OK;
}
