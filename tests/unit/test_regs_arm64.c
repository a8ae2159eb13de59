// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "note_builder.h"
#include "regs.h"

/* Builds a prstatus the way the kernel's elf_prstatus lays it out on arm64:
 * pid at 32, ppid at 36, user_pt_regs at 112, register i = 0x1000 + i. */
static void make_prstatus(uint8_t *p)
{
	memset(p, 0, 392);
	p[12] = 9;		    /* pr_cursig */
	p[32] = 0x39, p[33] = 0x30; /* pid 12345 */
	p[36] = 2;
	for (int i = 0; i < 34; i++)
		put_u64_at(p + 112 + 8 * i, 0x1000 + (uint64_t)i);
	put_u64_at(p + 112 + 8 * 32, 0xffff800008123456ull); /* pc */
}

static void decodes_registers_and_pid(void **state)
{
	uint8_t p[392];
	struct kdc_prstatus ps;

	(void)state;
	make_prstatus(p);
	assert_int_equal(regs_arm64_from_prstatus(p, sizeof(p), &ps, NULL), KC_OK);
	assert_int_equal(ps.pid, 12345);
	assert_int_equal(ps.ppid, 2);
	assert_int_equal(ps.cursig, 9);
	assert_int_equal(ps.regs.nr, 34);
	assert_true(ps.regs.r[0] == 0x1000 && ps.regs.r[30] == 0x1000 + 30);
	assert_true(ps.regs.fp == 0x1000 + 29);
	assert_true(ps.regs.lr == 0x1000 + 30);
	assert_true(ps.regs.sp == 0x1000 + 31);
	assert_true(ps.regs.pc == 0xffff800008123456ull);
	assert_true(ps.regs.flags == 0x1000 + 33);
	assert_string_equal(ps.regs.names[32], "pc");
}

static void wrong_sizes_are_rejected(void **state)
{
	static const size_t sizes[] = { 0, 1, 112, 384, 391, 393, 400, 4096 };
	uint8_t p[4096] = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct kdc_prstatus ps = { .pid = -7 };
		struct kdc_err err = { 0 };

		assert_int_equal(regs_arm64_from_prstatus(p, sizes[i], &ps, &err), KC_CORRUPT);
		assert_int_equal(ps.pid, -7); /* untouched on failure */
		assert_non_null(strstr(err.msg, "392"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_registers_and_pid),
		cmocka_unit_test(wrong_sizes_are_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
