// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btf_header.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The header of the csd-lockup fixture's vmlinux BTF (4820595 bytes). */
static void make(uint8_t h[24], uint32_t type_len, uint32_t str_len)
{
	h[0] = 0x9f, h[1] = 0xeb, h[2] = 1, h[3] = 0;
	put32(h + 4, 24);
	put32(h + 8, 0);
	put32(h + 12, type_len);
	put32(h + 16, type_len);
	put32(h + 20, str_len);
}

static void accepts_vmlinux_header(void **state)
{
	uint8_t h[24];
	struct kdc_btf_header out;

	(void)state;
	make(h, 2890000, 1930571);
	assert_true(btf_header_parse(h, sizeof(h), &out));
	assert_int_equal(out.total_len, 24 + 2890000 + 1930571);
}

static void rejects_hostile_headers(void **state)
{
	struct {
		const char *what;
		int field; /* byte offset to overwrite, -1 for none */
		uint32_t value;
		size_t avail;
	} cases[] = {
		{ "truncated", -1, 0, 23 },
		{ "bad magic", 0, 0xeb9e, 24 },
		{ "version 2", 2, 2, 24 },
		{ "header length 32", 4, 32, 24 },
		{ "type section not first", 8, 4, 24 },
		{ "strings not after types", 16, 0, 24 },
		{ "no strings", 20, 0, 24 },
		{ "module-sized types", 12, 4096, 24 },
		{ "strings past 64 MiB", 20, 0xfffffff0u, 24 },
	};
	struct kdc_btf_header out;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t h[24];

		make(h, 2890000, 1930571);
		if (cases[i].field == 0)
			h[0] = (uint8_t)cases[i].value, h[1] = (uint8_t)(cases[i].value >> 8);
		else if (cases[i].field == 2)
			h[2] = (uint8_t)cases[i].value;
		else if (cases[i].field > 0)
			put32(h + cases[i].field, cases[i].value);
		if (cases[i].field == 12) /* keep str_off == type_len so only the size is wrong */
			put32(h + 16, cases[i].value);
		if (btf_header_parse(h, cases[i].avail, &out))
			fail_msg("accepted: %s", cases[i].what);
	}
}

/* found by fuzz_btf: libbpf took a type section at an odd offset */
static void misaligned_type_sections_are_refused(void **state)
{
	uint8_t h[24];

	(void)state;
	make(h, 2890000, 1930571);
	assert_true(btf_layout_aligned(h, sizeof(h)));
	put32(h + 8, 1); /* type_off 1 */
	assert_false(btf_layout_aligned(h, sizeof(h)));
	make(h, 2890000, 1930571);
	put32(h + 4, 26); /* hdr_len 26 */
	assert_false(btf_layout_aligned(h, sizeof(h)));
	assert_false(btf_layout_aligned(h, 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_vmlinux_header),
		cmocka_unit_test(rejects_hostile_headers),
		cmocka_unit_test(misaligned_type_sections_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
