// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "insn_arm64.h"

/*
 * nr_iowait_cpu() as read from the csd-lockup fixture (Debian 6.1.0-50-arm64,
 * KASLR base of that boot), disassembled with aarch64 objdump:
 *   mov x9,x30; nop; adrp x2,...4c3000; add x2,x2,#0; adrp x1,...016000;
 *   add x1,x1,#0xf40; ldr x0,[x2,w0,sxtw #3]; paciasp; autiasp;
 *   add x1,x1,x0; ldr w0,[x1,#2536]; ret
 */
static const uint32_t nr_iowait_cpu_6_1[] = {
	0xaa1e03e9, 0xd503201f, 0xd000df22, 0x91000042, 0xb000b9c1, 0x913d0021,
	0xf860d840, 0xd503233f, 0xd50323bf, 0x8b000021, 0xb949e820, 0xd65f03c0,
};
static const uint64_t nr_iowait_cpu_at = 0xffffd5f83e8ddf80ull;

static void finds_per_cpu_offset_and_runqueues_in_real_code(void **state)
{
	struct arm64_percpu_code code = { 0 };

	(void)state;
	assert_true(arm64_find_percpu_access(nr_iowait_cpu_6_1, 12, nr_iowait_cpu_at, &code));
	/* objdump's reading of the same words */
	assert_true(code.per_cpu_offset == 0xffffd5f8404c3000ull);
	assert_true(code.var == 0xffffd5f840016f40ull);
}

static void adrp_is_pc_relative_and_signed(void **state)
{
	unsigned rd = 99;
	uint64_t page = 0;

	(void)state;
	/* adrp x2, +0xdf22 pages... as in the real code above */
	assert_true(arm64_decode_adrp(0xd000df22, nr_iowait_cpu_at + 8, &rd, &page));
	assert_int_equal(rd, 2);
	assert_true(page == 0xffffd5f8404c3000ull);
	/* adrp x0, #-4096 (immhi all ones, immlo 3): one page back */
	assert_true(arm64_decode_adrp(0xf0ffffe0, 0x10000, &rd, &page));
	assert_true(page == 0xf000);
	/* not ADRP: ADR (op bit 0) */
	assert_false(arm64_decode_adrp(0x10000000, 0, &rd, &page));
}

static void add_imm_with_shift(void **state)
{
	unsigned rd, rn;
	uint64_t imm;

	(void)state;
	assert_true(arm64_decode_add_imm(0x913d0021, &rd, &rn, &imm));
	assert_int_equal(rd, 1);
	assert_int_equal(rn, 1);
	assert_int_equal(imm, 0xf40);
	/* add x3, x4, #1, lsl #12 */
	assert_true(arm64_decode_add_imm(0x91400483, &rd, &rn, &imm));
	assert_int_equal(imm, 0x1000);
	/* adds (flags) and 32-bit add are not taken */
	assert_false(arm64_decode_add_imm(0xb1000000, &rd, &rn, &imm));
	assert_false(arm64_decode_add_imm(0x11000000, &rd, &rn, &imm));
}

static void hostile_code_is_rejected(void **state)
{
	struct arm64_percpu_code code;
	/* load through a register never set by ADRP */
	static const uint32_t unknown_base[] = { 0xf860d840, 0x8b000021, 0xd65f03c0 };
	/* returns before any access */
	static const uint32_t early_ret[] = { 0xd000df22, 0xd65f03c0, 0xf860d840 };
	static const uint32_t zeros[8];

	(void)state;
	assert_false(arm64_find_percpu_access(unknown_base, 3, 0x1000, &code));
	assert_false(arm64_find_percpu_access(early_ret, 3, 0x1000, &code));
	assert_false(arm64_find_percpu_access(zeros, 8, 0x1000, &code));
	assert_false(arm64_find_percpu_access(nr_iowait_cpu_6_1, 0, 0x1000, &code));
}

/* print_modules() of the same kernel: a section anchor, then a pre-indexed
 * load of `modules` (anchor + 80). */
static void anchor_and_preindexed_load(void **state)
{
	static const uint32_t code[] = {
		0x90008514, /* adrp x20, 0xffffd5f84055c000 */
		0x91250294, /* add  x20, x20, #0x940 */
		0xf0001a35, /* adrp x21, ... */
		0x912c42b5, /* add  x21, x21, #0xb10 */
		0xf8450e93, /* ldr  x19, [x20, #80]! */
	};
	uint64_t out[8];
	size_t n;

	(void)state;
	n = arm64_adrp_add_targets(code, 5, 0xffffd5f83f4bc150ull, out, 8);
	assert_int_equal(n, 3);
	assert_true(out[0] == 0xffffd5f84055c940ull);
	assert_true(out[1] == 0xffffd5f83f803b10ull);
	assert_true(out[2] == 0xffffd5f84055c990ull);
	/* the output bound holds */
	assert_int_equal(arm64_adrp_add_targets(code, 5, 0xffffd5f83f4bc150ull, out, 1), 1);
}

/* kdc_spinner_thread() of the csd-lockup fixture's kdc_test module */
/* kvm_get_running_vcpu() of Debian's 6.1 arm64 image, as in memory:
 * adrp x0, kvm_running_vcpu; add x0, x0, #0x8d0; mrs x1, tpidr_el1;
 * ldr x0, [x0, x1] */
static void this_cpu_read_names_its_variable(void **state)
{
	static const uint32_t code[] = { 0xd503201f, 0xd503201f, 0xd503233f, 0xf000bdc0, 0x91234000,
					 0xd538d081, 0xf8616800, 0xd50323bf, 0xd65f03c0 };
	uint64_t out[4];

	(void)state;
	assert_int_equal(arm64_percpu_var_refs(code, 9, 0xffffd5f83e8491d0ull, out, 4), 1);
	assert_int_equal(out[0], 0xffffd5f8400048d0ull);
}

/* smp_call_function_single() of the same image: cpu_number read through
 * [x4, x5], then csd_data through a section anchor copied by MOV and an
 * ADD of TPIDR_EL1; and TPIDR_EL2 (VHE-patched) works the same */
static void anchor_move_and_el2(void **state)
{
	static const uint32_t code[] = {
		0xb000b404, /* adrp x4, 0x...40003000 */
		0x91002084, /* add x4, x4, #0x8 */
		0xd538d085, /* mrs x5, tpidr_el1 */
		0xb8656884, /* ldr w4, [x4, x5] */
		0xd000b4a3, /* adrp x3, 0x...40018000 */
		0x91010063, /* add x3, x3, #0x40 */
		0x91010061, /* add x1, x3, #0x40 */
		0xaa0103e3, /* mov x3, x1 */
		0xd53cd041, /* mrs x1, tpidr_el2 */
		0x8b010061, /* add x1, x3, x1 */
	};
	uint64_t out[4];

	(void)state;
	assert_int_equal(arm64_percpu_var_refs(code, 10, 0xffffd5f83e982478ull, out, 4), 2);
	assert_int_equal(out[0], 0xffffd5f840003008ull);
	assert_int_equal(out[1], 0xffffd5f840018080ull);
}

/* a call clobbers x0-x18, and a register loaded from memory is no longer
 * the address it held: neither may be paired with the offset later */
static void clobbered_registers_are_forgotten(void **state)
{
	static const uint32_t code[] = {
		0x90000000, /* adrp x0, pc page */
		0x94000010, /* bl +0x40 */
		0xd538d081, /* mrs x1, tpidr_el1 */
		0xf8616800, /* ldr x0, [x0, x1]: x0 is the callee's now */
		0x90000013, /* adrp x19, pc page (callee-saved) */
		0xf9400273, /* ldr x19, [x19]: a value, not the address */
		0x94000010, /* bl */
		0xd538d081, /* mrs x1, tpidr_el1 */
		0x8b010261, /* add x1, x19, x1 */
	};
	uint64_t out[4];

	(void)state;
	assert_int_equal(arm64_percpu_var_refs(code, 9, 0x1000, out, 4), 0);
}

static void calls_and_returns(void **state)
{
	uint64_t t = 0;

	(void)state;
	/* bl 0xffffd5f7fd943034 at 0xffffd5f7fd9434d4 (backwards) */
	assert_true(arm64_decode_bl(0x97fffed8, 0xffffd5f7fd9434d4ull, &t));
	assert_true(t == 0xffffd5f7fd943034ull);
	/* bl 0xffffd5f7fd94361c at 0xffffd5f7fd9434d0 (forwards) */
	assert_true(arm64_decode_bl(0x94000053, 0xffffd5f7fd9434d0ull, &t));
	assert_true(t == 0xffffd5f7fd94361cull);
	assert_true(arm64_is_call(0x97fffed8));
	assert_true(arm64_is_call(0xd63f0020));		     /* blr x1 */
	assert_true(arm64_is_call(0xd73f0a20));		     /* blraa x17, x0 */
	assert_false(arm64_is_call(0xd61f0020));	     /* br x1 */
	assert_false(arm64_is_call(0x14000000));	     /* b */
	assert_true(arm64_is_return(0xd65f03c0));	     /* ret */
	assert_true(arm64_is_return(0xd65f0bff));	     /* retaa */
	assert_false(arm64_is_return(0xd503233f));	     /* paciasp */
	assert_true(arm64_decode_b(0x17ffffff, 0x1004, &t)); /* b .-4 */
	assert_true(t == 0x1000);
	assert_false(arm64_decode_b(0x97fffed8, 0, &t));
}

/* the slice of code_indirect_target(): loads, moves and what may write a register */
static void ldr_mov_and_writes(void **state)
{
	unsigned rt, rn;
	uint64_t off;

	(void)state;
	/* ldr x1, [x19, #8] */
	assert_true(arm64_decode_ldr_imm(0xf9400661u, &rt, &rn, &off));
	assert_true(rt == 1 && rn == 19 && off == 8);
	/* ldr w1, [x19, #8] is a 32-bit load: not a pointer */
	assert_false(arm64_decode_ldr_imm(0xb9400a61u, &rt, &rn, &off));
	/* mov x1, x20 */
	assert_true(arm64_decode_mov_reg(0xaa1403e1u, &rt, &rn));
	assert_true(rt == 1 && rn == 20);
	/* orr x1, x2, x20 is no move */
	assert_false(arm64_decode_mov_reg(0xaa140041u, &rt, &rn));

	assert_false(arm64_may_write_reg(0xd503201fu, 1));  /* nop */
	assert_false(arm64_may_write_reg(0xf9000261u, 1));  /* str x1, [x19] */
	assert_false(arm64_may_write_reg(0xa9017bfdu, 29)); /* stp x29, x30, [sp, #16] */
	assert_true(arm64_may_write_reg(0xa9bf7bfdu, 31));  /* stp ... [sp, #-16]!: writes sp */
	assert_true(arm64_may_write_reg(0xa8c17bfdu, 29));  /* ldp x29, x30, [sp], #16 */
	assert_true(arm64_may_write_reg(0xa8c17bfdu, 30));
	assert_false(arm64_may_write_reg(0xa8c17bfdu, 1));
	assert_true(arm64_may_write_reg(0xb9800a61u, 1));   /* ldrsw x1, [x19, #8] */
	assert_false(arm64_may_write_reg(0xfd400661u, 1));  /* ldr d1, [x19, #8]: SIMD */
	assert_true(arm64_may_write_reg(0x8b020021u, 1));   /* add x1, x1, x2 */
	assert_false(arm64_may_write_reg(0xeb02003fu, 1));  /* cmp x1, x2 */
	assert_false(arm64_may_write_reg(0xb4000041u, 1));  /* cbz x1, .+8 */
	assert_true(arm64_may_write_reg(0x94000010u, 1));   /* bl: x0-x18 clobbered */
	assert_false(arm64_may_write_reg(0x94000010u, 19)); /* ... not x19 */
	assert_true(arm64_may_write_reg(0xd53b4221u, 1));   /* mrs x1, daif */
	assert_false(arm64_may_write_reg(0xd50343dfu, 31)); /* msr daifset, #3 */
	assert_true(arm64_may_write_reg(0xc85f7c61u, 1));   /* ldxr x1, [x3]: exclusive */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_per_cpu_offset_and_runqueues_in_real_code),
		cmocka_unit_test(adrp_is_pc_relative_and_signed),
		cmocka_unit_test(add_imm_with_shift),
		cmocka_unit_test(ldr_mov_and_writes),
		cmocka_unit_test(hostile_code_is_rejected),
		cmocka_unit_test(anchor_and_preindexed_load),
		cmocka_unit_test(calls_and_returns),
		cmocka_unit_test(this_cpu_read_names_its_variable),
		cmocka_unit_test(anchor_move_and_el2),
		cmocka_unit_test(clobbered_registers_are_forgotten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
