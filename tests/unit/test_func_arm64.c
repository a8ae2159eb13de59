// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Function facts on real code: the words below are the kdc_test module's
 * functions as GCC 12 built them for Debian's kernels (objdump of
 * tests/qemu's kdc_test.ko, relocations unapplied: calls read "bl ."), and a
 * module PLT entry as read from the spin-aa-6.12 fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "func_arm64.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define AT 0xffff800001000000ull
#define INSN_BL_SELF 0x94000000u

/* 6.1: local_irq_disable(); atomic_inc(); while (!stop) { count++; cpu_relax(); } */
static const uint32_t leaf_spin_6_1[] = {
	0xd503201f, 0xd503201f, 0xd503233f, 0xd503201f, 0xd2800c00, 0xd50343df, 0x14000011,
	0x90000001, 0x91000021, 0x91002022, 0x52800020, 0xb820005f, 0x14000005, 0xf9400020,
	0x91000400, 0xf9000020, 0xd503203f, 0xb9400c20, 0x34ffff60, 0xd2801c00, 0xd50343ff,
	0xd50323bf, 0xd65f03c0, 0x90000001, 0x91000021, 0x91002023, 0xf9800071, 0x885f7c60,
	0x11000400, 0x88027c60, 0x35ffffa2, 0x17fffff2, 0xd2801400, 0x17ffffe4, 0xd503201f,
};

/* 6.12: spin_lock_irqsave() twice, inlined, calling queued_spin_lock_slowpath */
static const uint32_t aa_lock_6_12[] = {
	0xd503201f, 0xd503201f, 0xd503233f, 0xa9bd7bfd, 0x910003fd, 0xa90153f3, 0xf90013f5,
	0xd53b4235, 0xd50343df, 0x14000032, 0x90000014, 0x91000293, 0x91018262, 0x52800001,
	0x52800020, 0x88e17c40, 0x350006e1, 0x14000023, 0x52800020, 0x91000281, 0xb820003f,
	0xd53b4234, 0xd50343df, 0x14000010, 0x91018262, 0x52800001, 0x52800020, 0x88e17c40,
	0x350002a1, 0x91018260, 0x089ffc1f, 0xd51b4234, 0x089ffc1f, 0xd51b4235, 0xa94153f3,
	0xf94013f5, 0xa8c37bfd, 0xd50323bf, 0xd65f03c0, 0x91018264, 0xd2800000, 0x52800022,
	0xf9800091, 0x885ffc81, 0x4a000023, 0x35000063, 0x88037c82, 0x35ffff83, 0x34fffda1,
	0x91018260, 0x94000000, 0x17ffffea, 0x91000282, 0xf9800051, 0x885f7c40, 0x11000400,
	0x88017c40, 0x35ffffa1, 0x17ffffdb, 0x90000014, 0x91000293, 0x91018264, 0xd2800000,
	0x52800022, 0xf9800091, 0x885ffc81, 0x4a000023, 0x35000063, 0x88037c82, 0x35ffff83,
	0x34fff961, 0x91018260, 0x94000000, 0x17ffffc8, 0xd503201f, 0xd503201f,
};

/* 6.12: local_irq_disable(); for (;;) { udelay(5); count++; if (stop) break; } */
static const uint32_t udelay_spin_6_12[] = {
	0xd503201f, 0xd503201f, 0xd503233f, 0xa9be7bfd, 0x910003fd, 0xf9000bf3,
	0xd50343df, 0x14000013, 0x90000000, 0x52800021, 0x91000000, 0xb821001f,
	0x90000013, 0x91000273, 0xd28a7c60, 0x94000000, 0xf9400660, 0x91000400,
	0xf9000660, 0xb9401260, 0x34ffff40, 0xd50343ff, 0xf9400bf3, 0xa8c27bfd,
	0xd50323bf, 0xd65f03c0, 0x90000000, 0x91000000, 0xf9800011, 0x885f7c01,
	0x11000421, 0x88027c01, 0x35ffffa2, 0x17ffffeb, 0xd503201f, 0xd503201f,
};

/* 6.12: the noreturn spinner, for (;;) { count++; cpu_relax(); } */
static const uint32_t spin_irqs_off_6_12[] = {
	0xd503201f, 0xd503201f, 0xd50343df, 0x1400000c, 0x90000000, 0x52800021, 0x91000000,
	0xb821001f, 0x90000001, 0x91000021, 0xf9400420, 0x91000400, 0xf9000420, 0xd503203f,
	0x17fffffc, 0x90000000, 0x91000000, 0xf9800011, 0x885f7c01, 0x11000421, 0x88027c01,
	0x35ffffa2, 0x17fffff2, 0xd503201f, 0xd503201f, 0xd503201f,
};

/* 6.12: a tasklet callback: stp x29, x30, [sp, #-32]!; mov x29, sp; str x19, [sp, #16] */
static const uint32_t tasklet_spin_6_12[] = {
	0xd503201f, 0xd503201f, 0xd503233f, 0xa9be7bfd, 0x910003fd, 0xf9000bf3,
	0xd50343df, 0x14000011, 0x90000013, 0x52800020, 0x91000261, 0xb820003f,
	0x91000273, 0xb9401260, 0x350000a0, 0xd503201f, 0x97ffff62, 0xb9401260,
	0x34ffffc0, 0xd50343ff, 0xf9400bf3, 0xa8c27bfd, 0xd50323bf, 0xd65f03c0,
};

static size_t index_of(const uint32_t *w, size_t n, uint32_t insn)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] == insn)
			return i;
	fail_msg("instruction 0x%08x not in the array", insn);
	return 0;
}

static void leaf_spin_is_a_leaf_that_masks_irqs_and_waits(void **state)
{
	struct arm64_func_facts f;
	bool waits = false;
	uint64_t spin;

	(void)state;
	arm64_func_analyze(leaf_spin_6_1, N(leaf_spin_6_1), AT, &f);
	assert_false(f.pushes_record);
	assert_true(f.masks_irqs);
	assert_true(f.has_return);
	assert_false(arm64_func_never_returns(&f));
	spin = arm64_func_spin_loop(&f, &waits);
	/* the cbz closing the yield loop, not the LL/SC retry of atomic_inc() */
	assert_true(spin == AT + 4 * index_of(leaf_spin_6_1, N(leaf_spin_6_1), 0x34ffff60));
	assert_true(waits);
}

static void a_jump_back_to_a_shared_tail_is_no_loop(void **state)
{
	struct arm64_func_facts f;
	size_t bl = index_of(aa_lock_6_12, N(aa_lock_6_12), INSN_BL_SELF);

	(void)state;
	arm64_func_analyze(aa_lock_6_12, N(aa_lock_6_12), AT, &f);
	assert_true(f.pushes_record);
	assert_true(f.masks_irqs);
	/* "bl slowpath; b unlock" jumps back, but never to the call again */
	assert_false(arm64_func_tight_loop_around(&f, AT + 4 * bl, 24, 2));
	/* and what loops there is are LL/SC retries, no spin */
	assert_int_equal(arm64_func_spin_loop(&f, NULL), 0);
	/* the unlock after the call cannot reach the call itself */
	assert_false(
		arm64_reaches(aa_lock_6_12, N(aa_lock_6_12), AT, AT + 4 * (bl + 1), AT + 4 * bl));
	assert_true(arm64_reaches(aa_lock_6_12, N(aa_lock_6_12), AT, AT + 4 * 3, AT + 4 * bl));
}

static void udelay_loop_is_tight_around_its_call(void **state)
{
	struct arm64_func_facts f;
	size_t bl = index_of(udelay_spin_6_12, N(udelay_spin_6_12), INSN_BL_SELF);

	(void)state;
	arm64_func_analyze(udelay_spin_6_12, N(udelay_spin_6_12), AT, &f);
	assert_int_equal(f.nr_calls, 1);
	assert_true(f.calls[0].site == AT + 4 * bl);
	assert_true(arm64_func_tight_loop_around(&f, AT + 4 * bl, 24, 2));
	/* too small a bound: not tight */
	assert_false(arm64_func_tight_loop_around(&f, AT + 4 * bl, 4, 2));
}

static void noreturn_spinner_never_returns(void **state)
{
	struct arm64_func_facts f;
	bool waits = false;

	(void)state;
	arm64_func_analyze(spin_irqs_off_6_12, N(spin_irqs_off_6_12), AT, &f);
	assert_true(arm64_func_never_returns(&f));
	assert_false(f.pushes_record);
	assert_true(arm64_func_spin_loop(&f, &waits) != 0);
	assert_true(waits);
	/* the same code with a return appended would return */
	{
		uint32_t w[N(spin_irqs_off_6_12) + 1];

		for (size_t i = 0; i < N(spin_irqs_off_6_12); i++)
			w[i] = spin_irqs_off_6_12[i];
		w[N(spin_irqs_off_6_12)] = 0xd65f03c0;
		arm64_func_analyze(w, N(w), AT, &f);
		assert_false(arm64_func_never_returns(&f));
	}
}

static void prologue_slot_of_a_saved_register(void **state)
{
	int64_t off = -1;

	(void)state;
	assert_true(arm64_prologue_saved_slot(tasklet_spin_6_12, 8, 19, &off));
	assert_int_equal(off, 16);
	assert_false(arm64_prologue_saved_slot(tasklet_spin_6_12, 8, 20, &off));
	/* aa_lock: stp x19, x20, [sp, #16]; str x21, [sp, #32] */
	assert_true(arm64_prologue_saved_slot(aa_lock_6_12, 8, 20, &off));
	assert_int_equal(off, 24);
	assert_true(arm64_prologue_saved_slot(aa_lock_6_12, 8, 21, &off));
	assert_int_equal(off, 32);
	/* a leaf pushes no record: no slot */
	assert_false(arm64_prologue_saved_slot(leaf_spin_6_1, 8, 19, &off));
}

static void module_plt_entry_is_a_veneer(void **state)
{
	/* spin-aa-6.12: the PLT entry kdc_aa_lock calls for queued_spin_lock_slowpath */
	static const uint32_t plt[] = { 0xd0276630, 0x913b2210, 0xd61f0200, 0xf0276450 };
	const uint64_t at = 0xffffa018cc875e68ull;
	uint64_t t = 0;

	(void)state;
	assert_true(arm64_decode_veneer(plt, N(plt), at, &t));
	/* queued_spin_lock_slowpath in that boot's /proc/kallsyms */
	assert_true(t == 0xffffa0191b53bec8ull);
	/* a br through another register, or an add into another, is not one */
	{
		uint32_t bad[] = { 0xd0276630, 0x913b2210, 0xd61f0220 };

		assert_false(arm64_decode_veneer(bad, N(bad), at, &t));
	}
	assert_false(arm64_decode_veneer(leaf_spin_6_1, N(leaf_spin_6_1), at, &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaf_spin_is_a_leaf_that_masks_irqs_and_waits),
		cmocka_unit_test(a_jump_back_to_a_shared_tail_is_no_loop),
		cmocka_unit_test(udelay_loop_is_tight_around_its_call),
		cmocka_unit_test(noreturn_spinner_never_returns),
		cmocka_unit_test(prologue_slot_of_a_saved_register),
		cmocka_unit_test(module_plt_entry_is_a_veneer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
