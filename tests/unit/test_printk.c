// SPDX-License-Identifier: GPL-2.0-or-later
/* The printk ring decoder on a synthetic ring laid out with the 6.1
 * VMCOREINFO offsets; the real-data proof is the fixture check that finds
 * every console line of the crashed kernel in the decoded log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "note_builder.h"
#include "printk.h"
#include "printk_layout_61.h"

#define BASE 0xffff800009000000ull
#define SIZE 0x8000
#define RB (BASE + 0x0)	      /* printk_ringbuffer: desc_ring at 0, text_data_ring at 48 */
#define DESCS (BASE + 0x1000) /* 4 descriptors of 24 bytes */
#define INFOS (BASE + 0x2000) /* 4 infos of 88 bytes */
#define DATA (BASE + 0x4000)  /* 256-byte text ring */
#define COUNT_BITS 2
#define SIZE_BITS 8

static uint8_t mem[SIZE];

static enum kdc_status rd(void *ctx, uint64_t va, void *buf, size_t len, struct kdc_err *err)
{
	(void)ctx;
	if (va < BASE || va - BASE > SIZE || len > SIZE - (va - BASE))
		return kdc_fail(err, KC_NODATA, "0x%llx not in the image", (unsigned long long)va);
	memcpy(buf, mem + (va - BASE), len);
	return KC_OK;
}

static void p64(uint64_t va, uint64_t v)
{
	put_u64_at(mem + (va - BASE), v);
}
static void p32(uint64_t va, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		mem[va - BASE + i] = (uint8_t)(v >> (8 * i));
}

/* Record @id with @text in the block [begin, next) of the text ring. */
static void put_record(uint64_t id, unsigned state, const char *text, uint64_t begin, uint64_t next)
{
	uint64_t idx = id & 3, off = (begin >> SIZE_BITS) == (next >> SIZE_BITS) ? begin & 0xff : 0;

	p64(DESCS + idx * 24, ((uint64_t)state << 62) | id);
	p64(DESCS + idx * 24 + 8, begin);
	p64(DESCS + idx * 24 + 16, next);
	p64(INFOS + idx * 88, id + 100);	       /* seq */
	p64(INFOS + idx * 88 + 8, 1500000000ull * id); /* ts_nsec */
	mem[INFOS + idx * 88 + 16 - BASE] = (uint8_t)strlen(text);
	p32(INFOS + idx * 88 + 20, 0x80000000u | (uint32_t)id);
	p64(DATA + off, id);
	memcpy(mem + (DATA + off + 8 - BASE), text, strlen(text));
}

static void build(uint64_t tail, uint64_t head)
{
	memset(mem, 0, sizeof(mem));
	p32(RB + 0, COUNT_BITS);
	p64(RB + 8, DESCS);
	p64(RB + 16, INFOS);
	p64(RB + 24, head);
	p64(RB + 32, tail);
	p32(RB + 48, SIZE_BITS);
	p64(RB + 56, DATA);
}

struct seen {
	int n;
	char text[8][64];
	uint64_t seq[8];
	uint32_t caller[8];
};

static int collect(const struct printk_record *rec, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		memcpy(s->text[s->n], rec->text, rec->text_len < 63 ? rec->text_len : 63);
		s->seq[s->n] = rec->seq;
		s->caller[s->n] = rec->caller_id;
	}
	s->n++;
	return 0;
}

static enum kdc_status walk(struct seen *s, size_t *skipped, struct kdc_err *err)
{
	struct kdc_reader r = { .read = rd };
	struct printk_layout layout = printk_layout_61(RB);

	memset(s, 0, sizeof(*s));
	return printk_for_each_record(&r, &layout, collect, s, skipped, err);
}

static void reads_records_in_order_including_a_wrapped_block(void **state)
{
	struct seen s;
	size_t skipped;

	(void)state;
	build(5, 7);
	put_record(5, 2, "first", 0x100 + 0x40, 0x100 + 0x60);
	put_record(6, 1, "second", 0x100 + 0x60, 0x100 + 0x80);
	/* the third does not fit before the ring's end: it wraps to offset 0 */
	put_record(7, 2, "wrapped third", 0x100 + 0xf0, 0x200 + 0x20);
	assert_int_equal(walk(&s, &skipped, NULL), KC_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(skipped, 0);
	assert_string_equal(s.text[0], "first");
	assert_string_equal(s.text[2], "wrapped third");
	assert_int_equal(s.seq[1], 106);
	assert_int_equal(s.caller[2], 0x80000007u);
}

static void overwritten_and_reserved_slots_are_skipped(void **state)
{
	struct seen s;
	size_t skipped;

	(void)state;
	build(4, 6);
	put_record(4, 2, "old", 0x0, 0x20);
	put_record(5, 0, "reserved", 0x20, 0x40); /* still being written */
	put_record(6, 2, "new", 0x40, 0x60);
	p64(DESCS + (4 & 3) * 24, (2ull << 62) | 8); /* slot 0 reused by id 8 */
	assert_int_equal(walk(&s, &skipped, NULL), KC_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.text[0], "new");
}

static void hostile_rings(void **state)
{
	struct seen s;
	struct kdc_err err;
	size_t skipped;

	(void)state;
	/* geometry beyond the ceilings */
	build(0, 0);
	p32(RB + 0, 40);
	assert_int_equal(walk(&s, &skipped, &err), KC_CORRUPT);
	build(0, 0);
	p32(RB + 48, 63);
	assert_int_equal(walk(&s, &skipped, &err), KC_CORRUPT);
	/* head far beyond tail: bounded by the descriptor count, no hang */
	build(0, (1ull << 62) - 1);
	put_record(1, 2, "x", 0, 0x10);
	assert_int_equal(walk(&s, &skipped, &err), KC_OK);
	assert_true(s.n <= 4);
	/* text blocks that cannot be right are counted, not followed */
	build(1, 2);
	put_record(1, 2, "bad", 0x0, 0x10000); /* spans many wraps */
	put_record(2, 2, "tiny", 0x20, 0x24);  /* shorter than its id */
	assert_int_equal(walk(&s, &skipped, &err), KC_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(skipped, 2);
	/* text_len larger than the block: clipped to the block */
	build(1, 1);
	put_record(1, 2, "abc", 0x0, 0x10);
	mem[INFOS + 1 * 88 + 16 - BASE] = 200;
	assert_int_equal(walk(&s, &skipped, &err), KC_OK);
	assert_int_equal(s.n, 1);
	/* the ring header itself unreadable */
	{
		struct printk_layout bad = printk_layout_61(RB);
		struct kdc_reader r = { .read = rd };

		bad.prb = 0x1000;
		assert_int_equal(printk_for_each_record(&r, &bad, collect, &s, &skipped, &err),
				 KC_NODATA);
		assert_non_null(strstr(err.msg, "desc_ring"));
		bad = printk_layout_61(RB);
		bad.desc_size = 4096;
		assert_int_equal(printk_for_each_record(&r, &bad, collect, &s, &skipped, &err),
				 KC_NOTSUP);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_records_in_order_including_a_wrapped_block),
		cmocka_unit_test(overwritten_and_reserved_slots_are_skipped),
		cmocka_unit_test(hostile_rings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
