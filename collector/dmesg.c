// SPDX-License-Identifier: GPL-2.0-or-later
#include "dmesg.h"

#include <inttypes.h>
#include <stdlib.h>

#include "mem.h"
#include "printk.h"
#include "printk_log.h"

struct vi_field {
	const char *key;
	uint64_t *dst;
};

static enum kdc_status layout_from_vmcoreinfo(struct kdc_dump *d, struct printk_layout *l,
					      struct kdc_err *err)
{
	const struct kdc_vmcoreinfo *vi = d->vmcoreinfo;
	const struct vi_field fields[] = {
		{ "OFFSET(printk_ringbuffer.desc_ring)", &l->rb_desc_ring },
		{ "OFFSET(printk_ringbuffer.text_data_ring)", &l->rb_text_data_ring },
		{ "OFFSET(prb_desc_ring.count_bits)", &l->dr_count_bits },
		{ "OFFSET(prb_desc_ring.descs)", &l->dr_descs },
		{ "OFFSET(prb_desc_ring.infos)", &l->dr_infos },
		{ "OFFSET(prb_desc_ring.head_id)", &l->dr_head_id },
		{ "OFFSET(prb_desc_ring.tail_id)", &l->dr_tail_id },
		{ "SIZE(prb_desc)", &l->desc_size },
		{ "OFFSET(prb_desc.state_var)", &l->desc_state_var },
		{ "OFFSET(prb_desc.text_blk_lpos)", &l->desc_text_blk_lpos },
		{ "OFFSET(prb_data_blk_lpos.begin)", &l->lpos_begin },
		{ "OFFSET(prb_data_blk_lpos.next)", &l->lpos_next },
		{ "SIZE(printk_info)", &l->info_size },
		{ "OFFSET(printk_info.seq)", &l->info_seq },
		{ "OFFSET(printk_info.ts_nsec)", &l->info_ts_nsec },
		{ "OFFSET(printk_info.text_len)", &l->info_text_len },
		{ "OFFSET(printk_info.caller_id)", &l->info_caller_id },
		{ "OFFSET(prb_data_ring.size_bits)", &l->data_size_bits },
		{ "OFFSET(prb_data_ring.data)", &l->data_data },
	};
	uint64_t prb_ptr;
	enum kdc_status st;

	if (!vi)
		return kdc_fail(err, KC_NODATA, "dmesg: no VMCOREINFO");
	if (vmcoreinfo_get_symbol(vi, "prb", &prb_ptr, err))
		return kdc_fail(err, KC_NOTSUP,
				"dmesg: no SYMBOL(prb): not a lockless printk ring "
				"buffer (kernel before 5.10?)");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((st = vmcoreinfo_get_u64(vi, fields[i].key, 10, fields[i].dst, err)))
			return kdc_err_prefix(err, st, "dmesg");
	/* prb is a pointer to the ring (printk_rb_static, or the dynamic one
	 * after log_buf_len=). */
	if ((st = mem_read_u64(&d->mem, prb_ptr, &l->prb, err)))
		return kdc_err_prefix(err, st, "dmesg: reading prb");
	return KC_OK;
}

struct writer {
	FILE *out;
	size_t records;
};

static int write_record(const struct printk_record *rec, void *ctx)
{
	struct writer *w = ctx;
	char prefix[40];
	bool line_start = true;
	int prefix_len;

	prefix_len = snprintf(prefix, sizeof(prefix), "[%5" PRIu64 ".%06" PRIu64 "] ",
			      rec->ts_nsec / 1000000000, (rec->ts_nsec % 1000000000) / 1000);
	/* a record of several lines: the later ones indented to the text, as
	 * makedumpfile --dump-dmesg and crash's log print them (the console
	 * repeats the timestamp instead) */
	for (size_t i = 0; i < rec->text_len; i++) {
		unsigned char c = (unsigned char)rec->text[i];

		if (line_start && i)
			fprintf(w->out, "%*s", prefix_len, "");
		else if (line_start)
			fputs(prefix, w->out);
		line_start = c == '\n';
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80)
			fputc(c, w->out);
		else
			fprintf(w->out, "\\x%02x", c);
	}
	if (line_start && rec->text_len == 0)
		fputs(prefix, w->out);
	fputc('\n', w->out);
	w->records++;
	return 0;
}

/*
 * Kernels before 5.10 (the lockless ring came with Linux kernel commit
 * 896fbe20b4e2 ("printk: use the lockless ringbuffer") (in v5.10)):
 * VMCOREINFO gives SYMBOL(log_buf) (the address of the
 * char * pointer), log_buf_len, log_first_idx, log_next_idx and the
 * printk_log layout. The whole buffer is read once (it is a few MiB at most).
 */
static enum kdc_status old_log_buf(struct kdc_dump *d, printk_record_fn fn, void *ctx,
				   size_t *skipped, struct kdc_err *err)
{
	const struct kdc_vmcoreinfo *vi = d->vmcoreinfo;
	struct printk_log_layout l;
	uint64_t sym_buf, sym_len, sym_first, sym_next, buf_addr = 0;
	uint32_t buf_len = 0, first = 0, next = 0;
	uint8_t *buf;
	enum kdc_status st;

	if ((st = vmcoreinfo_get_symbol(vi, "log_buf", &sym_buf, err)) ||
	    (st = vmcoreinfo_get_symbol(vi, "log_buf_len", &sym_len, err)) ||
	    (st = vmcoreinfo_get_symbol(vi, "log_first_idx", &sym_first, err)) ||
	    (st = vmcoreinfo_get_symbol(vi, "log_next_idx", &sym_next, err)) ||
	    (st = vmcoreinfo_get_u64(vi, "SIZE(printk_log)", 10, &l.header_size, err)) ||
	    (st = vmcoreinfo_get_u64(vi, "OFFSET(printk_log.ts_nsec)", 10, &l.ts_nsec, err)) ||
	    (st = vmcoreinfo_get_u64(vi, "OFFSET(printk_log.len)", 10, &l.len, err)) ||
	    (st = vmcoreinfo_get_u64(vi, "OFFSET(printk_log.text_len)", 10, &l.text_len, err)))
		return kdc_fail(err, KC_NOTSUP,
				"dmesg: neither SYMBOL(prb) (5.10+) nor the log_buf "
				"entries (before 5.10) in VMCOREINFO");
	if ((st = mem_read_u64(&d->mem, sym_buf, &buf_addr, err)) ||
	    (st = mem_read_u32(&d->mem, sym_len, &buf_len, err)) ||
	    (st = mem_read_u32(&d->mem, sym_first, &first, err)) ||
	    (st = mem_read_u32(&d->mem, sym_next, &next, err)))
		return kdc_err_prefix(err, st, "dmesg: log_buf variables");
	if (buf_len == 0 || buf_len > KDC_PRINTK_LOG_MAX)
		return kdc_fail(err, KC_CORRUPT, "dmesg: log_buf_len %u", buf_len);
	if (!(buf = malloc(buf_len)))
		return kdc_fail(err, KC_NOMEM, "dmesg: log_buf of %u bytes", buf_len);
	for (uint32_t done = 0; done < buf_len && !st; done += KDC_MEM_READ_MAX)
		st = mem_read(&d->mem, buf_addr + done, buf + done,
			      buf_len - done < KDC_MEM_READ_MAX ? buf_len - done : KDC_MEM_READ_MAX,
			      err);
	if (!st)
		st = printk_log_for_each(buf, buf_len, first, next, &l, fn, ctx, skipped, err);
	free(buf);
	return st ? kdc_err_prefix(err, st, "dmesg") : KC_OK;
}

enum kdc_status dmesg_for_each(struct kdc_dump *d, printk_record_fn fn, void *ctx, size_t *skipped,
			       struct kdc_err *err)
{
	struct printk_layout l;
	struct kdc_reader r = mem_reader(&d->mem);
	uint64_t prb;
	enum kdc_status st;

	if (d->vmcoreinfo && vmcoreinfo_get_symbol(d->vmcoreinfo, "prb", &prb, NULL))
		return old_log_buf(d, fn, ctx, skipped, err);
	if ((st = layout_from_vmcoreinfo(d, &l, err)))
		return st;
	st = printk_for_each_record(&r, &l, fn, ctx, skipped, err);
	return st ? kdc_err_prefix(err, st, "dmesg") : KC_OK;
}

enum kdc_status dmesg_write(struct kdc_dump *d, FILE *out, struct dmesg_stats *stats,
			    struct kdc_err *err)
{
	struct writer w = { .out = out };
	enum kdc_status st = dmesg_for_each(d, write_record, &w, &stats->skipped, err);

	stats->records = w.records;
	return st;
}
