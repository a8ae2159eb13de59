// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct kdc_mem, the one way analyses read memory: words in the dump's
 * byte order whatever the host's, the per-read bound, searches kept apart
 * from the evidence reads (the small dump records only the latter), and
 * memory without page tables saying so instead of inventing an address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mem.h"

#define BASE 0xffff800010000000ull

struct bytes {
	uint8_t b[64];
	unsigned int reads;
};

static enum kdc_status bytes_read(void *ctx, uint64_t va, void *buf, size_t len,
				  struct kdc_err *err)
{
	struct bytes *m = ctx;

	m->reads++;
	if (va < BASE || va - BASE > sizeof(m->b) || len > sizeof(m->b) - (va - BASE))
		return kdc_fail(err, KC_NODATA, "0x%llx not in the test memory",
				(unsigned long long)va);
	memcpy(buf, m->b + (va - BASE), len);
	return KC_OK;
}

static void words_in_the_dumps_byte_order(void **state)
{
	struct bytes m = { .b = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 } };
	struct kdc_mem le = mem_over_reader((struct kdc_reader){ bytes_read, &m, false }, NULL);
	struct kdc_mem be = mem_over_reader((struct kdc_reader){ bytes_read, &m, true }, NULL);
	uint64_t v64;
	uint32_t v32;

	(void)state;
	assert_int_equal(mem_read_u64(&le, BASE, &v64, NULL), KC_OK);
	assert_true(v64 == 0x0807060504030201ull);
	assert_int_equal(mem_read_u32(&le, BASE + 4, &v32, NULL), KC_OK);
	assert_true(v32 == 0x08070605u);
	assert_int_equal(mem_read_u64(&be, BASE, &v64, NULL), KC_OK);
	assert_true(v64 == 0x0102030405060708ull);
	assert_int_equal(mem_read_u32(&be, BASE, &v32, NULL), KC_OK);
	assert_true(v32 == 0x01020304u);
}

static void missing_memory_is_named(void **state)
{
	struct bytes m = { .b = { 0 } };
	struct kdc_mem mem = mem_over_reader((struct kdc_reader){ bytes_read, &m, false }, NULL);
	struct kdc_err err = { 0 };
	uint64_t v;

	(void)state;
	assert_int_equal(mem_read_u64(&mem, BASE + 60, &v, &err), KC_NODATA);
	assert_non_null(strstr(err.msg, "0xffff80001000003c"));
}

static void one_read_is_bounded(void **state)
{
	static uint8_t big[KDC_MEM_READ_MAX + 1];
	struct bytes m = { .b = { 0 } };
	struct kdc_mem mem = mem_over_reader((struct kdc_reader){ bytes_read, &m, false }, NULL);
	struct kdc_err err = { 0 };

	(void)state;
	assert_int_equal(mem_read(&mem, BASE, big, sizeof(big), &err), KC_LIMIT);
	assert_int_equal(m.reads, 0); /* refused before the source saw it */
	/* the parsers' reader is bounded the same way */
	{
		struct kdc_reader r = mem_reader(&mem);

		assert_int_equal(r.read(r.ctx, BASE, big, sizeof(big), &err), KC_LIMIT);
		assert_int_equal(m.reads, 0);
	}
}

static void searches_do_not_go_through_the_evidence_reader(void **state)
{
	struct bytes evidence = { .b = { 0xaa } }, search = { .b = { 0x55 } };
	struct kdc_mem mem =
		mem_over_reader((struct kdc_reader){ bytes_read, &evidence, false }, NULL);
	struct kdc_mem s;
	uint8_t b = 0;

	(void)state;
	mem.search = (struct kdc_reader){ bytes_read, &search, false };
	s = mem_for_search(&mem);
	assert_int_equal(mem_read(&s, BASE, &b, 1, NULL), KC_OK);
	assert_int_equal(b, 0x55);
	assert_int_equal(evidence.reads, 0);
	assert_int_equal(mem_read(&mem, BASE, &b, 1, NULL), KC_OK);
	assert_int_equal(b, 0xaa);
	assert_int_equal(search.reads, 1);
}

static void no_page_tables_no_physical_address(void **state)
{
	struct bytes m = { .b = { 0 } };
	struct kdc_mem mem = mem_over_reader((struct kdc_reader){ bytes_read, &m, false }, NULL);
	uint64_t pa = 0x1234;

	(void)state;
	assert_int_equal(mem_to_phys(&mem, BASE, &pa, NULL), KC_NODATA);
	assert_true(pa == 0x1234);
	/* and no code decoding without an architecture */
	assert_int_equal(mem_code_data_refs(&mem, BASE, 16, &pa, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_in_the_dumps_byte_order),
		cmocka_unit_test(missing_memory_is_named),
		cmocka_unit_test(one_read_is_bounded),
		cmocka_unit_test(searches_do_not_go_through_the_evidence_reader),
		cmocka_unit_test(no_page_tables_no_physical_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
