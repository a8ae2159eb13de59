// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "elf_notes.h"
#include "note_builder.h"

static int walk(const struct blob *bl, struct kdc_note *notes, int max, enum kdc_status *st,
		struct kdc_err *err)
{
	struct kdc_cursor c;
	bool have;
	int n = 0;

	kdc_cursor_init(&c, bl->b, bl->len, false, "notes");
	while (!(*st = elf_notes_next(&c, &have, &notes[n < max ? n : max - 1], err)) && have)
		n++;
	return n;
}

static void walks_kernel_style_notes_in_order(void **state)
{
	uint8_t prstatus[392] = { 0 }, vmci[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
	struct kdc_note notes[8];
	struct blob bl = { .len = 0 };
	struct kdc_err err = { 0 };
	enum kdc_status st;

	(void)state;
	prstatus[32] = 42;
	put_note(&bl, "CORE", KDC_NT_PRSTATUS, prstatus, sizeof(prstatus));
	put_note(&bl, "CORE", KDC_NT_PRSTATUS, prstatus, sizeof(prstatus));
	put_note(&bl, "VMCOREINFO", 0, vmci, sizeof(vmci) - 1);
	assert_int_equal(walk(&bl, notes, 8, &st, &err), 3);
	assert_int_equal(st, KC_OK);
	assert_true(elf_note_name_is(&notes[0], "CORE"));
	assert_false(elf_note_name_is(&notes[0], "COR"));
	assert_int_equal(notes[1].type, KDC_NT_PRSTATUS);
	assert_int_equal(notes[1].desc_len, 392);
	assert_int_equal(notes[1].desc[32], 42);
	assert_int_equal(notes[1].offset, 12 + 8 + 392);
	assert_true(elf_note_name_is(&notes[2], "VMCOREINFO"));
	assert_int_equal(notes[2].desc_len, sizeof(vmci) - 1);
}

static void zero_header_terminates(void **state)
{
	struct kdc_note notes[4];
	struct blob bl = { .len = 0 };
	enum kdc_status st;
	uint8_t d[4] = { 1, 2, 3, 4 };

	(void)state;
	put_note(&bl, "CORE", 1, d, 4);
	put_u32(&bl, 0);
	put_u32(&bl, 0);
	put_u32(&bl, 0);
	put_note(&bl, "CORE", 1, d, 4); /* after the terminator: not a note */
	assert_int_equal(walk(&bl, notes, 4, &st, NULL), 1);
	assert_int_equal(st, KC_OK);
}

static void last_note_padding_may_be_missing(void **state)
{
	struct kdc_note notes[2];
	struct blob bl = { .len = 0 };
	enum kdc_status st;
	uint8_t d[3] = { 7, 8, 9 };

	(void)state;
	put_note(&bl, "CORE", 1, d, 3);
	bl.len -= 1; /* drop the desc's pad byte */
	assert_int_equal(walk(&bl, notes, 2, &st, NULL), 1);
	assert_int_equal(st, KC_OK);
	assert_int_equal(notes[0].desc[2], 9);
}

struct hostile_case {
	const char *what;
	uint32_t namesz, descsz;
	size_t body; /* bytes present after the header */
	enum kdc_status want;
};

/* Headers whose sizes lie: each must fail with the named status. */
static void hostile_headers(void **state)
{
	static const struct hostile_case cases[] = {
		{ "name past end", 5, 0, 4, KC_CORRUPT },
		{ "desc past end", 5, 392, 8 + 12, KC_CORRUPT },
		{ "namesz 0xffffffff", 0xffffffffu, 4, 16, KC_LIMIT },
		{ "descsz 0xffffffff", 5, 0xffffffffu, 16, KC_LIMIT },
		{ "descsz just over the limit", 5, KDC_NOTE_DESC_MAX + 1, 16, KC_LIMIT },
		{ "desc 0xfffffff0 (would wrap a 32-bit sum)", 4, 0xfffffff0u, 16, KC_LIMIT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct blob bl = { .len = 0 };
		struct kdc_note notes[2];
		struct kdc_err err = { 0 };
		enum kdc_status st;

		put_u32(&bl, cases[i].namesz);
		put_u32(&bl, cases[i].descsz);
		put_u32(&bl, 1);
		memset(bl.b + bl.len, 'A', cases[i].body);
		bl.len += cases[i].body;
		assert_int_equal(walk(&bl, notes, 2, &st, &err), 0);
		if (st != cases[i].want)
			fail_msg("%s: status %d, want %d (%s)", cases[i].what, st, cases[i].want,
				 err.msg);
		assert_true(strlen(err.msg) > 0);
	}
}

/* A blob cut at every byte boundary: never reads past it, never loops. */
static void truncation_at_every_byte(void **state)
{
	uint8_t d[24] = { 0 };
	struct blob full = { .len = 0 };

	(void)state;
	put_note(&full, "CORE", 1, d, sizeof(d));
	put_note(&full, "VMCOREINFO", 0, d, 5);
	for (size_t cut = 0; cut < full.len; cut++) {
		struct blob bl = full;
		struct kdc_note notes[4];
		enum kdc_status st;
		int n;

		bl.len = cut;
		n = walk(&bl, notes, 4, &st, NULL);
		assert_true(n <= 2);
		if (cut == 0 || cut == 12 + 8 + 24)
			assert_int_equal(st, KC_OK);
		else if (cut < 12 + 8 + 24)
			assert_int_equal(st, KC_CORRUPT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_kernel_style_notes_in_order),
		cmocka_unit_test(zero_header_terminates),
		cmocka_unit_test(last_note_padding_may_be_missing),
		cmocka_unit_test(hostile_headers),
		cmocka_unit_test(truncation_at_every_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
