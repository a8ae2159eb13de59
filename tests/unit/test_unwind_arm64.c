// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 frame-record unwinder (unwind_arm64) on synthetic stacks:
 * a task stack whose chain ends at the task's entry pt_regs, an IRQ stack
 * entered through an exception frame (pt_regs.stackframe, recognised by a
 * return into the entry text), and the ways dump memory breaks a chain:
 * loops, a chain that returns to a stack it left, wild, misaligned and
 * missing frame pointers, and chains deeper than the walk's bound. Return
 * addresses carry a pointer-authentication code where KERNELPACMASK is set.
 * pt_regs is laid out as 6.1 has it (arch/arm64/include/asm/ptrace.h:
 * user_regs at 0, stackframe[2] at 304, 336 bytes); the real-dump proof is
 * the fixtures' backtraces against crash's bt -a (tests/fixture-checks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btf_builder.h"
#include "kallsyms.h"
#include "test_symbols.h"
#include "mem_image.h"
#include "unwind_arm64.h"

#define TASK_STACK 0xffff80000a010000ull /* THREAD_SIZE 16 KiB */
#define IRQ_STACK 0xffff800008000000ull
#define STACK_SIZE 0x4000ull
#define PT_REGS_SIZE BB_PT_REGS_SIZE
#define PT_STACKFRAME BB_PT_REGS_STACKFRAME
#define TEXT 0xffff800008010000ull
#define FN_A (TEXT + 0x1000)	   /* kthread-like: calls B */
#define FN_B (TEXT + 0x2000)	   /* calls C */
#define FN_C (TEXT + 0x3000)	   /* the function the PC is in */
#define FN_HANDLER (TEXT + 0x4000) /* an IRQ handler */
#define ENTRY_TEXT (TEXT + 0x8000) /* __entry_text_start: el1h_64_irq and friends */
#define FN_EL1_IRQ (ENTRY_TEXT + 0x100)
#define PAC 0x00ff000000000000ull /* KERNELPACMASK of a 48-bit VA kernel */

struct world {
	struct mem_image mem;
	struct kdc_dump dump;
	struct kdc_kernel k;
	struct kdc_cpu cpu;
	struct kdc_regs regs;
	struct kdc_backtrace bt;
};

static void world_init(struct world *w)
{
	struct btf *btf = btf__new_empty();
	int u64 = bb_check(btf__add_int(btf, "long long unsigned int", 8, 0));
	static const struct test_sym syms[] = {
		{ FN_A, "fn_a" },
		{ FN_B, "fn_b" },
		{ FN_C, "fn_c" },
		{ FN_HANDLER, "handler" },
		{ ENTRY_TEXT, "__entry_text_start" },
		{ FN_EL1_IRQ, "el1h_64_irq" },
		{ ENTRY_TEXT + 0x1000, "__entry_text_end" },
	};

	memset(w, 0, sizeof(*w));
	bb_pt_regs(btf, u64);
	w->k.types.btf = btf;
	w->k.syms.kallsyms = test_kallsyms(syms, BB_N(syms));
	w->k.dump = &w->dump;
	w->k.mem = &w->dump.mem;
	w->dump.arch = &arch_arm64;
	mem_image_add(&w->mem, TASK_STACK, STACK_SIZE);
	mem_image_add(&w->mem, IRQ_STACK, STACK_SIZE);
	mem_image_install(&w->mem, &w->dump);
	w->cpu.stacks[0] =
		(struct kdc_stack_range){ KDC_STACK_TASK, TASK_STACK, TASK_STACK + STACK_SIZE };
	w->cpu.stacks[1] =
		(struct kdc_stack_range){ KDC_STACK_IRQ, IRQ_STACK, IRQ_STACK + STACK_SIZE };
	w->cpu.nr_stacks = 2;
}

static void world_fini(struct world *w)
{
	btf__free(w->k.types.btf);
	kallsyms_free(w->k.syms.kallsyms);
	mem_image_fini(&w->mem);
}

/* the task's entry pt_regs at the top of its stack: its record ends the chain */
static uint64_t entry_record(void)
{
	return TASK_STACK + STACK_SIZE - PT_REGS_SIZE + PT_STACKFRAME;
}

static const char *fn_of(struct world *w, unsigned int i)
{
	struct kdc_symbol_hit hit;

	return frame_symbol(&w->k, &w->bt.frame[i], &hit) ? "?" : hit.name;
}

/* C <- B <- A on the task stack, then the entry frame */
static void task_chain(struct world *w)
{
	uint64_t rb = TASK_STACK + 0x3e00, ra = TASK_STACK + 0x3e40;

	w->regs.pc = FN_C + 0x10;
	w->regs.fp = TASK_STACK + 0x3d00;
	mem_image_put_record(&w->mem, w->regs.fp, rb, FN_B + 0x24);
	mem_image_put_record(&w->mem, rb, ra, FN_A + 0x38);
	/* A's caller: the entry code's ret path */
	mem_image_put_record(&w->mem, ra, entry_record(), FN_A + 0x90);
}

static void test_task_chain(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	task_chain(w);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_true(w->bt.complete);
	assert_string_equal(w->bt.stop, "reached the task's entry frame");
	assert_int_equal(w->bt.nr, 4);
	assert_string_equal(fn_of(w, 0), "fn_c");
	assert_false(w->bt.frame[0].is_return);
	assert_string_equal(fn_of(w, 1), "fn_b");
	assert_true(w->bt.frame[1].is_return);
	assert_int_equal(w->bt.frame[1].stack, KDC_STACK_TASK);
	assert_string_equal(fn_of(w, 2), "fn_a");
	assert_string_equal(fn_of(w, 3), "fn_a");
	world_fini(w);
	free(w);
}

static void test_irq_through_exception_frame(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	uint64_t ptregs = TASK_STACK + 0x3b00, irq_rec = IRQ_STACK + 0x3f00;

	(void)state;
	world_init(w);
	task_chain(w);
	/* the interrupted context (C) is saved in a pt_regs on the task stack;
	 * the handler runs on the IRQ stack, its caller is el1h_64_irq */
	w->regs.pc = FN_HANDLER + 0x8;
	w->regs.fp = irq_rec;
	mem_image_put_record(&w->mem, irq_rec, ptregs + PT_STACKFRAME, FN_EL1_IRQ + 0x40);
	/* {x29, ELR} */
	mem_image_put_record(&w->mem, ptregs + PT_STACKFRAME, TASK_STACK + 0x3d00, FN_C + 0x10);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_true(w->bt.complete);
	assert_int_equal(w->bt.nr, 6);
	assert_string_equal(fn_of(w, 0), "handler");
	assert_string_equal(fn_of(w, 1), "el1h_64_irq");
	assert_int_equal(w->bt.frame[1].stack, KDC_STACK_IRQ);
	/* the ELR is where C was interrupted, not a return address */
	assert_true(w->bt.frame[2].exception);
	assert_false(w->bt.frame[2].is_return);
	assert_int_equal(w->bt.frame[2].pt_regs, ptregs);
	assert_int_equal(w->bt.frame[2].pc, FN_C + 0x10);
	assert_int_equal(w->bt.frame[2].stack, KDC_STACK_TASK);
	assert_string_equal(fn_of(w, 3), "fn_b");
	world_fini(w);
	free(w);
}

static void test_pac_stripped(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	task_chain(w);
	w->k.syms.pac_mask = PAC;
	/* a signed return address: the PAC replaced the top bits */
	mem_image_put_record(&w->mem, w->regs.fp, TASK_STACK + 0x3e00, (FN_B + 0x24) & ~PAC);
	mem_image_put(&w->mem, w->regs.fp + 8 + 6, 0x5a, 1);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_int_equal(w->bt.frame[1].pc, FN_B + 0x24);
	assert_string_equal(fn_of(w, 1), "fn_b");
	world_fini(w);
	free(w);
}

static void test_loop(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	uint64_t r = TASK_STACK + 0x3d00;

	(void)state;
	world_init(w);
	w->regs.pc = FN_C;
	w->regs.fp = r;
	mem_image_put_record(&w->mem, r, r - 0x40, FN_B + 4); /* points down the stack */
	mem_image_put_record(&w->mem, r - 0x40, r, FN_A + 4);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_false(w->bt.complete);
	assert_string_equal(w->bt.stop, "frame pointer does not move up the stack (loop?)");
	assert_int_equal(w->bt.nr, 2);
	world_fini(w);
	free(w);
}

static void test_back_to_left_stack(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	w->regs.pc = FN_HANDLER;
	w->regs.fp = IRQ_STACK + 0x100;
	mem_image_put_record(&w->mem, IRQ_STACK + 0x100, TASK_STACK + 0x100, FN_B + 4);
	/* back up the IRQ stack */
	mem_image_put_record(&w->mem, TASK_STACK + 0x100, IRQ_STACK + 0x200, FN_A + 4);
	mem_image_put_record(&w->mem, IRQ_STACK + 0x200, 0, FN_A + 8);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_false(w->bt.complete);
	assert_string_equal(w->bt.stop, "frame pointer returns to a stack already left");
	assert_int_equal(w->bt.nr, 3);
	world_fini(w);
	free(w);
}

static void test_bad_pointers(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	w->regs.pc = FN_C;
	w->regs.fp = 0xffff0000c0000000ull; /* no stack of this CPU */
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_string_equal(w->bt.stop, "frame pointer outside this CPU's stacks");
	assert_int_equal(w->bt.nr, 1);

	w->regs.fp = TASK_STACK + 0x3d04;
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_string_equal(w->bt.stop, "misaligned frame pointer");

	/* a record straddling the stack's end */
	w->regs.fp = TASK_STACK + STACK_SIZE - 8;
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_string_equal(w->bt.stop, "frame pointer outside this CPU's stacks");

	/* the stack page was filtered out of the dump */
	w->mem.region[0].va = 0xffff0000dead0000ull;
	w->regs.fp = TASK_STACK + 0x3d00;
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_string_equal(w->bt.stop, "frame record not in the dump");
	assert_false(w->bt.complete);
	world_fini(w);
	free(w);
}

static void test_depth_bound(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	uint64_t r = TASK_STACK + 0x100;

	(void)state;
	world_init(w);
	w->regs.pc = FN_C;
	w->regs.fp = r;
	/* 200 records, each 16 bytes above the last: deeper than any real stack */
	for (unsigned int i = 0; i < 200; i++, r += 16)
		mem_image_put_record(&w->mem, r, r + 16, FN_B + 4);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_string_equal(w->bt.stop, "depth limit");
	assert_int_equal(w->bt.nr, KDC_BACKTRACE_MAX);
	world_fini(w);
	free(w);
}

static void test_old_kernel_fp_zero(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	task_chain(w);
	/* 4.18/5.10 end the chain with fp == 0 instead of the entry record */
	mem_image_put_record(&w->mem, TASK_STACK + 0x3e40, 0, FN_A + 0x90);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_true(w->bt.complete);
	assert_string_equal(w->bt.stop, "frame pointer is 0 (end of chain)");
	assert_int_equal(w->bt.nr, 4);
	world_fini(w);
	free(w);
}

static void test_signed_zero_return_ends(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	task_chain(w);
	w->k.syms.pac_mask = PAC;
	/* the boot CPU's start_kernel record on 5.10: x30 was 0 when it was
	 * called, and its prologue signed that: {0, PAC(0)} */
	mem_image_put_record(&w->mem, TASK_STACK + 0x3e40, TASK_STACK + 0x3f00, FN_A + 0x90);
	mem_image_put_record(&w->mem, TASK_STACK + 0x3f00, 0, 0x004c000000000000ull);
	unwind(&w->k, &w->cpu, &w->regs, &w->bt);
	assert_true(w->bt.complete);
	assert_string_equal(w->bt.stop, "final frame record");
	assert_int_equal(w->bt.nr, 4); /* no frame for the zero return */
	world_fini(w);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task_chain),
		cmocka_unit_test(test_irq_through_exception_frame),
		cmocka_unit_test(test_pac_stripped),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_back_to_left_stack),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_old_kernel_fp_zero),
		cmocka_unit_test(test_signed_zero_return_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
