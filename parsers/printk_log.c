// SPDX-License-Identifier: GPL-2.0-or-later
#include "printk_log.h"

#include <stdbool.h>

#include "cursor.h"

enum kdc_status printk_log_for_each(const uint8_t *buf, size_t size, uint32_t first_idx,
				    uint32_t next_idx, const struct printk_log_layout *l,
				    printk_record_fn fn, void *ctx, size_t *skipped,
				    struct kdc_err *err)
{
	uint64_t idx = first_idx, seq = 0;
	bool wrapped = false;

	*skipped = 0;
	if (l->header_size < 12 || l->header_size > 64 || l->ts_nsec + 8 > l->header_size ||
	    l->len + 2 > l->header_size || l->text_len + 2 > l->header_size)
		return kdc_fail(err, KC_CORRUPT,
				"log_buf: printk_log layout does not fit its size %llu",
				(unsigned long long)l->header_size);
	if (first_idx >= size || next_idx > size)
		return kdc_fail(err, KC_CORRUPT, "log_buf: indices %u/%u outside %zu bytes",
				first_idx, next_idx, size);
	/* each step consumes at least a header, so this bounds a corrupt ring */
	for (size_t steps = 0; steps <= size / l->header_size + 1; steps++) {
		struct kdc_cursor c;
		uint64_t ts;
		uint16_t len, text_len;
		struct printk_record rec;

		/* first == next at the start is a full ring: read round once */
		if (steps > 0 && idx == next_idx)
			return KC_OK;
		if (idx + l->header_size > size) {
			*skipped = 1;
			return KC_OK;
		}
		kdc_cursor_init(&c, buf + idx, size - idx, false, "printk_log");
		if (kdc_cursor_seek(&c, l->len, NULL) || kdc_cursor_u16(&c, &len, NULL) ||
		    kdc_cursor_seek(&c, l->text_len, NULL) || kdc_cursor_u16(&c, &text_len, NULL) ||
		    kdc_cursor_seek(&c, l->ts_nsec, NULL) || kdc_cursor_u64(&c, &ts, NULL))
			return kdc_fail(err, KC_CORRUPT, "log_buf+%llu: short header",
					(unsigned long long)idx);
		if (len == 0) { /* the writer wrapped here */
			if (wrapped) {
				*skipped = 1;
				return KC_OK;
			}
			wrapped = true;
			idx = 0;
			if (idx == next_idx)
				return KC_OK;
			continue;
		}
		if (len < l->header_size || idx + len > size || text_len > len - l->header_size) {
			*skipped = 1; /* overwritten while the kernel died: stop here */
			return KC_OK;
		}
		rec.seq = seq++;
		rec.ts_nsec = ts;
		/* struct printk_log has it only with CONFIG_PRINTK_CALLER,
		 * Linux kernel commit 15ff2069cb7f ("printk: Add caller
		 * information to printk() output.") (in v5.1): not read */
		rec.caller_id = 0;
		rec.text = (const char *)buf + idx + l->header_size;
		rec.text_len = text_len;
		if (fn(&rec, ctx))
			return KC_OK;
		idx += len;
	}
	return kdc_fail(err, KC_CORRUPT, "log_buf: the walk from %u never reaches %u", first_idx,
			next_idx);
}
