// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kdump_header.h"
#include "note_builder.h"

static void put_u32_at(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A disk_dump_header as makedumpfile writes it for a 64-bit LE kernel. */
static void make_header(uint8_t *h, int version, uint32_t block_size)
{
	memset(h, 0, KDC_KDUMP_HEADER_SIZE);
	memcpy(h, "KDUMP   ", 8);
	put_u32_at(h + 8, (uint32_t)version);
	memcpy(h + 12 + 2 * 65, "6.1.0-50-arm64", 14);
	memcpy(h + 12 + 4 * 65, "aarch64", 7);
	put_u32_at(h + 428, block_size);
	put_u32_at(h + 432, 1);
	put_u32_at(h + 460, 4);
}

static void make_sub(uint8_t *s, uint64_t vmci_off, uint64_t vmci_len, uint64_t note_off,
		     uint64_t note_len)
{
	memset(s, 0, KDC_KDUMP_SUB_HEADER_SIZE);
	put_u64_at(s, 0x40000000);
	put_u32_at(s + 8, 31);
	put_u64_at(s + 32, vmci_off);
	put_u64_at(s + 40, vmci_len);
	put_u64_at(s + 48, note_off);
	put_u64_at(s + 56, note_len);
}

static void decodes_header_and_sub_header(void **state)
{
	uint8_t h[KDC_KDUMP_HEADER_SIZE], s[KDC_KDUMP_SUB_HEADER_SIZE];
	struct kdc_kdump_header hdr;

	(void)state;
	make_header(h, 6, 4096);
	assert_int_equal(kdump_header_parse(h, sizeof(h), &hdr, NULL), KC_OK);
	assert_int_equal(hdr.header_version, 6);
	assert_string_equal(hdr.release, "6.1.0-50-arm64");
	assert_string_equal(hdr.machine, "aarch64");
	assert_int_equal(hdr.block_size, 4096);
	assert_int_equal(hdr.nr_cpus, 4);
	make_sub(s, 0x3000, 0x800, 0x2000, 0x1000);
	assert_int_equal(kdump_sub_header_parse(s, sizeof(s), 0x10000, &hdr, NULL), KC_OK);
	assert_true(hdr.phys_base == 0x40000000);
	assert_int_equal(hdr.dump_level, 31);
	assert_true(hdr.offset_note == 0x2000 && hdr.size_note == 0x1000);
	assert_true(hdr.offset_vmcoreinfo == 0x3000 && hdr.size_vmcoreinfo == 0x800);
}

static void old_versions_have_no_notes(void **state)
{
	uint8_t h[KDC_KDUMP_HEADER_SIZE], s[KDC_KDUMP_SUB_HEADER_SIZE];
	struct kdc_kdump_header hdr;

	(void)state;
	make_header(h, 3, 4096);
	assert_int_equal(kdump_header_parse(h, sizeof(h), &hdr, NULL), KC_OK);
	make_sub(s, 0x3000, 0x800, 0x2000, 0x1000);
	assert_int_equal(kdump_sub_header_parse(s, sizeof(s), 0x10000, &hdr, NULL), KC_OK);
	assert_true(hdr.size_vmcoreinfo == 0x800);
	assert_true(hdr.size_note == 0 && hdr.offset_note == 0);
}

static void hostile_headers(void **state)
{
	static const struct {
		const char *what;
		int version;
		uint32_t block_size;
		size_t len;
		enum kdc_status want;
	} cases[] = {
		{ "short buffer", 6, 4096, 100, KC_CORRUPT },
		{ "block size 0", 6, 0, KDC_KDUMP_HEADER_SIZE, KC_CORRUPT },
		{ "block size not a power of two", 6, 4097, KDC_KDUMP_HEADER_SIZE, KC_CORRUPT },
		{ "block size 2 GiB", 6, 0x80000000u, KDC_KDUMP_HEADER_SIZE, KC_CORRUPT },
		{ "version 0", 0, 4096, KDC_KDUMP_HEADER_SIZE, KC_CORRUPT },
		{ "negative version", -1, 4096, KDC_KDUMP_HEADER_SIZE, KC_CORRUPT },
	};
	uint8_t h[KDC_KDUMP_HEADER_SIZE];
	struct kdc_kdump_header hdr = { .header_version = 77 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kdc_err err = { 0 };

		make_header(h, cases[i].version, cases[i].block_size);
		if (kdump_header_parse(h, cases[i].len, &hdr, &err) != cases[i].want)
			fail_msg("%s: want status %d (%s)", cases[i].what, cases[i].want, err.msg);
		assert_int_equal(hdr.header_version, 77);
	}
	make_header(h, 6, 4096);
	memcpy(h, "KDUMP  X", 8);
	assert_int_equal(kdump_header_parse(h, sizeof(h), &hdr, NULL), KC_NOTSUP);
	/* an ELF file is not a kdump file */
	memcpy(h, "\177ELF\2\1\1\0", 8);
	assert_int_equal(kdump_header_parse(h, sizeof(h), &hdr, NULL), KC_NOTSUP);
}

static void sub_header_offsets_must_lie_in_the_file(void **state)
{
	static const struct {
		uint64_t vo, vl, no, nl;
	} cases[] = {
		{ 0x3000, 0x800, 0xf000, 0x1001 },		 /* notes cross the end */
		{ 0xfffffffffffff000ull, 0x2000, 0x2000, 0x10 }, /* offset+size wraps */
		{ 0x3000, 0x800, 0x2000, 0xffffffffffffffffull },
		{ 0x20000, 0x1, 0x2000, 0x10 }, /* vmcoreinfo past the end */
	};
	uint8_t h[KDC_KDUMP_HEADER_SIZE], s[KDC_KDUMP_SUB_HEADER_SIZE];
	struct kdc_kdump_header hdr;

	(void)state;
	make_header(h, 6, 4096);
	assert_int_equal(kdump_header_parse(h, sizeof(h), &hdr, NULL), KC_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kdc_kdump_header copy = hdr;
		struct kdc_err err = { 0 };

		make_sub(s, cases[i].vo, cases[i].vl, cases[i].no, cases[i].nl);
		assert_int_equal(kdump_sub_header_parse(s, sizeof(s), 0x10000, &copy, &err),
				 KC_CORRUPT);
		assert_true(copy.size_note == hdr.size_note); /* untouched on failure */
		assert_non_null(strstr(err.msg, "beyond"));
	}
	assert_int_equal(kdump_sub_header_parse(s, 20, 0x10000, &hdr, NULL), KC_CORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_header_and_sub_header),
		cmocka_unit_test(old_versions_have_no_notes),
		cmocka_unit_test(hostile_headers),
		cmocka_unit_test(sub_header_offsets_must_lie_in_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
