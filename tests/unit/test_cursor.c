// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cursor.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

static void reads_both_byte_orders(void **state)
{
	struct kdc_cursor le, be;
	uint32_t v32;
	uint64_t v64;
	uint16_t v16;

	(void)state;
	kdc_cursor_init(&le, bytes, sizeof(bytes), false, "le");
	kdc_cursor_init(&be, bytes, sizeof(bytes), true, "be");
	assert_int_equal(kdc_cursor_u32(&le, &v32, NULL), KC_OK);
	assert_int_equal(v32, 0x04030201);
	assert_int_equal(kdc_cursor_u32(&be, &v32, NULL), KC_OK);
	assert_int_equal(v32, 0x01020304);
	assert_int_equal(kdc_cursor_u16(&le, &v16, NULL), KC_OK);
	assert_int_equal(v16, 0x0605);
	assert_int_equal(kdc_cursor_skip(&be, 1, NULL), KC_OK);
	assert_int_equal(kdc_cursor_u32(&be, &v32, NULL), KC_OK);
	assert_int_equal(v32, 0x06070809);
	kdc_cursor_init(&le, bytes, sizeof(bytes), false, "le");
	assert_int_equal(kdc_cursor_u64(&le, &v64, NULL), KC_OK);
	assert_true(v64 == 0x0807060504030201ull);
}

/* Every getter at every position near the end: fails cleanly, does not move. */
static void overruns_fail_without_moving(void **state)
{
	(void)state;
	for (size_t start = 0; start <= sizeof(bytes); start++) {
		for (size_t width = 1; width <= 8; width *= 2) {
			struct kdc_cursor c;
			struct kdc_err err = { 0 };
			uint64_t v64 = 0xaa;
			uint32_t v32 = 0xaa;
			uint16_t v16 = 0xaa;
			uint8_t v8 = 0xaa;
			enum kdc_status st;

			kdc_cursor_init(&c, bytes, sizeof(bytes), false, "t");
			assert_int_equal(kdc_cursor_seek(&c, start, NULL), KC_OK);
			switch (width) {
			case 1:
				st = kdc_cursor_u8(&c, &v8, &err);
				break;
			case 2:
				st = kdc_cursor_u16(&c, &v16, &err);
				break;
			case 4:
				st = kdc_cursor_u32(&c, &v32, &err);
				break;
			default:
				st = kdc_cursor_u64(&c, &v64, &err);
				break;
			}
			if (start + width <= sizeof(bytes)) {
				assert_int_equal(st, KC_OK);
				assert_int_equal(c.pos, start + width);
			} else {
				assert_int_equal(st, KC_CORRUPT);
				assert_int_equal(err.code, KC_CORRUPT);
				assert_int_equal(c.pos, start);
				assert_true(v8 == 0xaa && v16 == 0xaa && v32 == 0xaa &&
					    v64 == 0xaa);
				assert_non_null(strstr(err.msg, "t+0x"));
			}
		}
	}
}

static void huge_lengths_do_not_wrap(void **state)
{
	struct kdc_cursor c;
	const uint8_t *p = NULL;

	(void)state;
	kdc_cursor_init(&c, bytes, sizeof(bytes), false, "t");
	assert_int_equal(kdc_cursor_skip(&c, 2, NULL), KC_OK);
	assert_int_equal(kdc_cursor_bytes(&c, SIZE_MAX, &p, NULL), KC_CORRUPT);
	assert_int_equal(kdc_cursor_skip(&c, SIZE_MAX - 1, NULL), KC_CORRUPT);
	assert_null(p);
	assert_int_equal(kdc_cursor_seek(&c, sizeof(bytes) + 1, NULL), KC_CORRUPT);
	assert_int_equal(kdc_cursor_seek(&c, sizeof(bytes), NULL), KC_OK);
	assert_int_equal(kdc_cursor_remaining(&c), 0);
}

static void align_pads_and_checks(void **state)
{
	struct kdc_cursor c;

	(void)state;
	kdc_cursor_init(&c, bytes, sizeof(bytes), false, "t");
	assert_int_equal(kdc_cursor_skip(&c, 5, NULL), KC_OK);
	assert_int_equal(kdc_cursor_align(&c, 4, NULL), KC_OK);
	assert_int_equal(c.pos, 8);
	assert_int_equal(kdc_cursor_align(&c, 4, NULL), KC_OK);
	assert_int_equal(c.pos, 8);
	assert_int_equal(kdc_cursor_skip(&c, 1, NULL), KC_OK);
	assert_int_equal(kdc_cursor_align(&c, 8, NULL), KC_CORRUPT);
	assert_int_equal(c.pos, 9);
}

static void error_prefix_chains_and_truncates_visibly(void **state)
{
	struct kdc_err err;
	char longname[400];

	(void)state;
	assert_int_equal(kdc_fail(&err, KC_LIMIT, "desc size %u", 7u), KC_LIMIT);
	assert_int_equal(kdc_err_prefix(&err, KC_LIMIT, "note %d", 3), KC_LIMIT);
	assert_int_equal(kdc_err_prefix(NULL, KC_IO, "x"), KC_IO);
	assert_string_equal(err.msg, "note 3: desc size 7");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	kdc_err_prefix(&err, KC_LIMIT, "%s", longname);
	assert_int_equal(strlen(err.msg), KDC_ERR_MSG_MAX - 1);
	assert_string_equal(err.msg + KDC_ERR_MSG_MAX - 4, "...");
	assert_string_equal(kdc_status_name(KC_CORRUPT), "corrupt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_both_byte_orders),
		cmocka_unit_test(overruns_fail_without_moving),
		cmocka_unit_test(huge_lengths_do_not_wrap),
		cmocka_unit_test(align_pads_and_checks),
		cmocka_unit_test(error_prefix_chains_and_truncates_visibly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
