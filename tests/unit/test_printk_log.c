// SPDX-License-Identifier: GPL-2.0-or-later
/* The pre-5.10 log_buf decoder, on buffers laid out as 4.18's printk.c
 * writes them (struct printk_log, 16-byte header, LOG_ALIGN 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "printk_log.h"

static const struct printk_log_layout layout_4_18 = { 16, 0, 8, 10 };

struct seen {
	int n;
	char text[8][64];
	uint64_t ts[8];
};

static int collect(const struct printk_record *r, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		memcpy(s->text[s->n], r->text, r->text_len < 63 ? r->text_len : 63);
		s->text[s->n][r->text_len < 63 ? r->text_len : 63] = '\0';
		s->ts[s->n] = r->ts_nsec;
	}
	s->n++;
	return 0;
}

/* Writes a record at @at; returns the next index (len rounded up to 4). */
static uint32_t put(uint8_t *buf, uint32_t at, uint64_t ts, const char *text)
{
	uint16_t tl = (uint16_t)strlen(text);
	uint16_t len = (uint16_t)((16 + tl + 3) & ~3);

	memset(buf + at, 0, len);
	for (int i = 0; i < 8; i++)
		buf[at + i] = (uint8_t)(ts >> (8 * i));
	buf[at + 8] = (uint8_t)len, buf[at + 9] = (uint8_t)(len >> 8);
	buf[at + 10] = (uint8_t)tl, buf[at + 11] = (uint8_t)(tl >> 8);
	memcpy(buf + at + 16, text, tl);
	return at + len;
}

static void walks_first_to_next(void **state)
{
	uint8_t buf[256] = { 0 };
	struct seen s = { 0 };
	size_t skipped = 9;
	uint32_t a = put(buf, 0, 1000, "Booting Linux");
	uint32_t b = put(buf, a, 2000000, "second");

	(void)state;
	assert_int_equal(printk_log_for_each(buf, sizeof(buf), 0, b, &layout_4_18, collect, &s,
					     &skipped, NULL),
			 KC_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.text[0], "Booting Linux");
	assert_string_equal(s.text[1], "second");
	assert_true(s.ts[1] == 2000000);
	assert_int_equal(skipped, 0);
}

static void follows_the_wrap_marker(void **state)
{
	uint8_t buf[128] = { 0 };
	struct seen s = { 0 };
	size_t skipped;
	/* oldest record at 80, then a zero-length header at 112: wrap to 0 */
	uint32_t end = put(buf, 80, 1, "old one");
	uint32_t next;

	(void)state;
	memset(buf + end, 0, 16);
	next = put(buf, 0, 2, "new one");
	assert_int_equal(printk_log_for_each(buf, sizeof(buf), 80, next, &layout_4_18, collect, &s,
					     &skipped, NULL),
			 KC_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.text[0], "old one");
	assert_string_equal(s.text[1], "new one");
}

static void hostile_rings_end(void **state)
{
	uint8_t buf[128] = { 0 };
	struct seen s = { 0 };
	size_t skipped = 0;
	struct printk_log_layout bad = { 4, 0, 8, 10 };

	(void)state;
	/* indices outside the buffer */
	assert_int_equal(printk_log_for_each(buf, sizeof(buf), 200, 0, &layout_4_18, collect, &s,
					     &skipped, NULL),
			 KC_CORRUPT);
	/* a layout whose fields do not fit its header */
	assert_int_equal(
		printk_log_for_each(buf, sizeof(buf), 0, 16, &bad, collect, &s, &skipped, NULL),
		KC_CORRUPT);
	/* a record claiming more than the buffer: the walk stops, marked */
	put(buf, 0, 1, "x");
	buf[8] = 0xff, buf[9] = 0x7f;
	assert_int_equal(printk_log_for_each(buf, sizeof(buf), 0, 64, &layout_4_18, collect, &s,
					     &skipped, NULL),
			 KC_OK);
	assert_int_equal(s.n, 0);
	assert_int_equal(skipped, 1);
	/* text_len larger than its record */
	memset(buf, 0, sizeof(buf));
	put(buf, 0, 1, "abc");
	buf[10] = 200;
	assert_int_equal(printk_log_for_each(buf, sizeof(buf), 0, 20, &layout_4_18, collect, &s,
					     &skipped, NULL),
			 KC_OK);
	assert_int_equal(s.n, 0);
	/* all-zero buffer with first == next: wraps once and ends */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(printk_log_for_each(buf, sizeof(buf), 0, 0, &layout_4_18, collect, &s,
					     &skipped, NULL),
			 KC_OK);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_first_to_next),
		cmocka_unit_test(follows_the_wrap_marker),
		cmocka_unit_test(hostile_rings_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
