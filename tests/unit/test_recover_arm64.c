// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The recovery of a CPU without a note (recover_arm64) on a synthetic task
 * stack and real AArch64 code: the shape the recovery issue found named
 * wrong on every kernel. A kthread's function masks IRQs, calls a helper
 * that returns (its frame record stays on the stack below the live ones),
 * then calls a leaf that spins forever (a leaf pushes no record). The
 * deepest record is the stale one; the CPU is in the leaf.
 * Code is encoded here by hand (the words a compiler emits for these
 * shapes); pt_regs is laid out as 6.1 has it. The real-dump proof is the
 * corpus' accuracy table (docs/accuracy.md, QEMU's registers as truth).
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
#include "code_arm64.h"
#include "recover.h"

#define TASK_STACK 0xffff80000a010000ull
#define STACK_SIZE 0x4000ull
#define PT_REGS_SIZE BB_PT_REGS_SIZE
#define PT_STACKFRAME BB_PT_REGS_STACKFRAME
#define TEXT 0xffff800008010000ull
#define RET_FROM_FORK (TEXT + 0x000)
#define KTHREAD (TEXT + 0x100)
#define THREADFN (TEXT + 0x200)
#define HELPER (TEXT + 0x300) /* returned: its record is left over */
#define LEAF (TEXT + 0x400)   /* where the CPU is */
#define TEXT_END (TEXT + 0x500)

/* A64 encodings */
#define NOP 0xd503201fu
#define STP_FP_LR 0xa9bf7bfdu /* stp x29, x30, [sp, #-16]! */
#define MOV_FP_SP 0x910003fdu /* mov x29, sp */
#define LDP_FP_LR 0xa8c17bfdu /* ldp x29, x30, [sp], #16 */
#define RET 0xd65f03c0u
#define MSR_DAIFSET_3 0xd50343dfu /* msr daifset, #3: mask IRQ and FIQ */
#define BLR_X1 0xd63f0020u
#define BLR_X19 0xd63f0260u
#define B_SELF 0x14000000u /* b . */

static uint32_t bl(uint64_t from, uint64_t to)
{
	return 0x94000000u | (uint32_t)(((to - from) / 4) & 0x3ffffff);
}

struct world {
	struct mem_image mem;
	struct kdc_dump dump;
	struct kdc_kernel k;
	struct kdc_cpu cpu;
	struct kdc_recovery rec;
};

static void world_init(struct world *w)
{
	struct btf *btf = btf__new_empty();
	int u64 = bb_check(btf__add_int(btf, "long long unsigned int", 8, 0));
	static const struct test_sym syms[] = {
		{ RET_FROM_FORK, "ret_from_fork" },
		{ KTHREAD, "kthread" },
		{ THREADFN, "test_threadfn" },
		{ HELPER, "test_helper" },
		{ LEAF, "test_spin" },
		{ TEXT_END, "_etext" },
	};
	uint64_t top = TASK_STACK + STACK_SIZE;
	uint64_t entry = top - PT_REGS_SIZE + PT_STACKFRAME;
	uint64_t r_kthread = top - 0x400, r_threadfn = r_kthread - 0x80,
		 r_helper = r_threadfn - 0x40;

	memset(w, 0, sizeof(*w));
	bb_pt_regs(btf, u64);
	w->k.types.btf = btf;
	w->k.syms.kallsyms = test_kallsyms(syms, BB_N(syms));
	w->k.dump = &w->dump;
	w->k.mem = &w->dump.mem;
	w->k.page_size = 4096;
	w->k.thread_size = STACK_SIZE;
	w->dump.arch = &arch_arm64;
	mem_image_add(&w->mem, TASK_STACK, STACK_SIZE);
	mem_image_add(&w->mem, TEXT, 0x1000);
	mem_image_install(&w->mem, &w->dump);
	w->cpu.cpu = 2;
	w->cpu.online = true;
	w->cpu.have_task = true;
	w->cpu.task = (struct kdc_task){ .addr = 0xffff000003a0c000ull, .pid = 321 };
	memcpy(w->cpu.task.comm, "test_spinner", 13);
	w->cpu.stacks[0] = (struct kdc_stack_range){ KDC_STACK_TASK, TASK_STACK, top };
	w->cpu.nr_stacks = 1;
	w->cpu.regs_source = KDC_REGS_NONE;
	w->cpu.note_index = -1;

	/* ret_from_fork: blr x19 (the kthread() call) */
	mem_image_put_code(&w->mem, RET_FROM_FORK, (uint32_t[]){ NOP, NOP, BLR_X19, NOP, RET }, 5);
	/* kthread(): calls threadfn through a pointer */
	mem_image_put_code(&w->mem, KTHREAD,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, NOP, BLR_X1, NOP, LDP_FP_LR, RET },
			   7);
	/* threadfn: mask IRQs, call the helper (returns), then the spinning leaf */
	mem_image_put_code(&w->mem, THREADFN,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, MSR_DAIFSET_3,
					 bl(THREADFN + 12, HELPER), bl(THREADFN + 16, LEAF),
					 LDP_FP_LR, RET },
			   7);
	/* the helper: an ordinary function that returns */
	mem_image_put_code(&w->mem, HELPER,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, NOP, NOP, LDP_FP_LR, RET }, 6);
	/* the leaf: spins where it is, no frame record */
	mem_image_put_code(&w->mem, LEAF, (uint32_t[]){ NOP, B_SELF, RET }, 3);

	/* the stack, top down: kthread's record (to ret_from_fork), threadfn's
	 * (to kthread), and the helper's, left over from the call that returned */
	mem_image_put_record(&w->mem, r_kthread, entry, RET_FROM_FORK + 12);
	mem_image_put_record(&w->mem, r_threadfn, r_kthread, KTHREAD + 16);
	mem_image_put_record(&w->mem, r_helper, r_threadfn, THREADFN + 16);
	mem_image_put64(&w->mem, entry, 0);
	mem_image_put64(&w->mem, entry + 8, 0);
}

static void world_fini(struct world *w)
{
	btf__free(w->k.types.btf);
	kallsyms_free(w->k.syms.kallsyms);
	mem_image_fini(&w->mem);
}

static int rank_of(const struct kdc_recovery *r, uint64_t fn)
{
	for (unsigned int i = 0; i < r->nr_candidates; i++)
		if (r->cand[i].function == fn)
			return (int)i;
	return -1;
}

static void test_leaf_beats_stale_record(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	recover_cpu(&w->k, &w->cpu, &w->rec);
	assert_true(w->rec.ok);
	assert_int_equal(w->rec.anchored, 3);
	assert_int_equal(w->rec.cand[0].function, LEAF);
	/* the leaf's caller is the live record's owner: x30 returns into it */
	assert_int_equal(w->rec.cand[0].return_to, THREADFN + 20);
	assert_int_equal(w->rec.regs.lr, THREADFN + 20);
	assert_int_equal(w->rec.regs.pc, LEAF + 4);
	/* the stale helper may be listed, never above the leaf */
	assert_true(rank_of(&w->rec, HELPER) != 0);
	assert_non_null(strstr(w->rec.evidence, "test_spin"));
	world_fini(w);
	free(w);
}

static void test_tight_loop_around_helper(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	/* threadfn instead loops: bl helper; b back to it (udelay-style
	 * polling, the PC moves between the loop and the helper) */
	mem_image_put_code(&w->mem, THREADFN,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, MSR_DAIFSET_3,
					 bl(THREADFN + 12, HELPER), 0x17ffffffu /* b .-4 */,
					 LDP_FP_LR, RET },
			   7);
	recover_cpu(&w->k, &w->cpu, &w->rec);
	assert_true(w->rec.ok);
	assert_int_equal(w->rec.cand[0].function, THREADFN);
	assert_int_equal(w->rec.cand[0].via, HELPER);
	/* nothing calls the leaf now: it is no candidate at all */
	assert_int_equal(rank_of(&w->rec, LEAF), -1);
	world_fini(w);
	free(w);
}

#define DATA 0xffff800009000000ull /* the module's data: an ops pointer and table */
#define OPS_PTR DATA
#define OPS (DATA + 0x40)
#define PRINTK (TEXT + 0x500) /* what the helper called before it returned */
#define ARMED HELPER
#define LOOP_FN (TEXT + 0x600)
#define STEP_FN (TEXT + 0x700)

static uint32_t adrp(uint64_t pc, unsigned rd, uint64_t target)
{
	uint64_t imm = ((target >> 12) - (pc >> 12)) & 0x1fffff;

	return 0x90000000u | (uint32_t)(imm & 3) << 29 | (uint32_t)(imm >> 2) << 5 | rd;
}

static uint32_t ldr_imm(unsigned rt, unsigned rn, unsigned off)
{
	return 0xf9400000u | (off / 8) << 10 | rn << 5 | rt;
}

/*
 * The fnptr shape: threadfn calls a helper (bl; the helper called printk,
 * both returned), then ops->run() through a global (adrp/ldr/ldr/blr): the
 * callee's record now sits where the helper's was, and the helper's
 * printk record below still points at that slot. The callee loops calling
 * ops->step() through x19 = ops.
 */
static void fnptr_world(struct world *w)
{
	uint64_t top = TASK_STACK + STACK_SIZE, r_kthread = top - 0x400;
	uint64_t r_threadfn = r_kthread - 0x80, r_slot = r_threadfn - 0x40;
	uint64_t t = THREADFN, l = LOOP_FN;

	world_init(w);
	/* the symbol table gains the new functions (replaced whole) */
	kallsyms_free(w->k.syms.kallsyms);
	{
		static const struct test_sym syms[] = {
			{ RET_FROM_FORK, "ret_from_fork" },
			{ KTHREAD, "kthread" },
			{ THREADFN, "test_threadfn" },
			{ ARMED, "test_armed" },
			{ LEAF, "test_spin" },
			{ PRINTK, "test_printk" },
			{ LOOP_FN, "test_loop" },
			{ STEP_FN, "test_step" },
			{ TEXT + 0x800, "_etext" },
		};

		w->k.syms.kallsyms = test_kallsyms(syms, BB_N(syms));
	}
	mem_image_add(&w->mem, DATA, 0x1000);
	mem_image_put64(&w->mem, OPS_PTR, OPS);
	mem_image_put64(&w->mem, OPS, LOOP_FN);
	mem_image_put64(&w->mem, OPS + 8, STEP_FN);
	/* threadfn: bl armed; adrp x0, ops_ptr; ldr x0, [x0]; ldr x1, [x0]; blr x1 */
	mem_image_put_code(&w->mem, THREADFN,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, bl(t + 8, ARMED),
					 adrp(t + 12, 0, OPS_PTR), ldr_imm(0, 0, 0),
					 ldr_imm(1, 0, 0), 0x52800060u /* mov w0, #3 */, BLR_X1,
					 LDP_FP_LR, RET },
			   10);
	mem_image_put_code(
		&w->mem, ARMED,
		(uint32_t[]){ STP_FP_LR, MOV_FP_SP, bl(ARMED + 8, PRINTK), LDP_FP_LR, RET }, 5);
	mem_image_put_code(&w->mem, PRINTK,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, NOP, LDP_FP_LR, RET }, 5);
	/* loop: x19 = *ops_ptr; mask; again: ldr x1, [x19, #8]; blr x1; b again */
	mem_image_put_code(&w->mem, LOOP_FN,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, adrp(l + 8, 19, OPS_PTR),
					 ldr_imm(19, 19, 0), MSR_DAIFSET_3, ldr_imm(1, 19, 8),
					 BLR_X1, 0x17fffffeu /* b .-8 */, LDP_FP_LR, RET },
			   10);
	mem_image_put_code(&w->mem, STEP_FN, (uint32_t[]){ NOP, NOP, RET }, 3);
	/* the stack: the loop's record (returns after the BLR at threadfn+28)
	 * in the slot the helper's had; the helper's printk record below it */
	memset(mem_image_at(&w->mem, TASK_STACK, STACK_SIZE), 0, STACK_SIZE);
	mem_image_put_record(&w->mem, r_kthread, top - PT_REGS_SIZE + PT_STACKFRAME,
			     RET_FROM_FORK + 12);
	mem_image_put_record(&w->mem, r_threadfn, r_kthread, KTHREAD + 16);
	mem_image_put_record(&w->mem, r_slot, r_threadfn, THREADFN + 32);
	mem_image_put_record(&w->mem, r_slot - 0x40, r_slot, ARMED + 12);
}

static void test_fnptr_through_global(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	fnptr_world(w);
	/* the BLR's target, read through the global the code loads */
	{
		struct code_cache *c = calloc(1, sizeof(*c));

		code_cache_init(c, &w->k);
		assert_int_equal(code_indirect_target(c, THREADFN + 28), LOOP_FN);
		assert_int_equal(code_indirect_target(c, LOOP_FN + 24), STEP_FN);
		code_cache_fini(c);
		free(c);
	}
	recover_cpu(&w->k, &w->cpu, &w->rec);
	assert_true(w->rec.ok);
	assert_int_equal(w->rec.cand[0].function, LOOP_FN);
	assert_int_equal(w->rec.cand[0].via, STEP_FN);
	/* the stale printk chain names neither */
	assert_int_equal(rank_of(&w->rec, PRINTK), -1);
	world_fini(w);
	free(w);
}

static void test_fnptr_register_clobbered(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct code_cache *c = calloc(1, sizeof(*c));

	(void)state;
	fnptr_world(w);
	/* x1 rewritten by an instruction the slice does not model (add x1, x1, x2):
	 * no answer rather than a guess */
	mem_image_put32(&w->mem, THREADFN + 24, 0x8b020021u);
	code_cache_init(c, &w->k);
	assert_int_equal(code_indirect_target(c, THREADFN + 28), 0);
	code_cache_fini(c);
	free(c);
	world_fini(w);
	free(w);
}

static void test_argument_through_the_caller(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct code_cache *c = calloc(1, sizeof(*c));
	uint64_t at = 0, callers[1] = { THREADFN + 12 };

	(void)state;
	fnptr_world(w);
	/* threadfn: adrp x0, DATA; add x0, x0, #0x80; bl armed;
	 * armed: stp; mov x29, sp; mov x19, x0; mov x0, x19; bl printk */
	mem_image_put_code(&w->mem, THREADFN,
			   (uint32_t[]){ STP_FP_LR, adrp(THREADFN + 4, 0, DATA),
					 0x91020000u /* add x0, x0, #0x80 */,
					 bl(THREADFN + 12, ARMED), LDP_FP_LR, RET },
			   6);
	mem_image_put_code(&w->mem, ARMED,
			   (uint32_t[]){ STP_FP_LR, MOV_FP_SP, 0xaa0003f3u /* mov x19, x0 */,
					 0xaa1303e0u /* mov x0, x19 */, bl(ARMED + 16, PRINTK),
					 LDP_FP_LR, RET },
			   7);
	code_cache_init(c, &w->k);
	assert_true(code_arg_at_call(c, ARMED + 16, 0, callers, 1, &at));
	assert_int_equal(at, DATA + 0x80);
	/* without the caller the entry is as far as it goes */
	assert_false(code_arg_at_call(c, ARMED + 16, 0, NULL, 0, &at));
	/* x19 is no argument register: not followed into the caller */
	assert_false(code_arg_at_call(c, ARMED + 12, 19, callers, 1, &at));
	code_cache_fini(c);
	free(c);
	world_fini(w);
	free(w);
}

static void test_no_anchor(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	uint64_t r_kthread = TASK_STACK + STACK_SIZE - 0x400;

	(void)state;
	world_init(w);
	/* kthread's record points nowhere: nothing links to the entry frame */
	mem_image_put_record(&w->mem, r_kthread, 0xffff0000c0000000ull, RET_FROM_FORK + 12);
	recover_cpu(&w->k, &w->cpu, &w->rec);
	assert_false(w->rec.ok);
	assert_int_equal(w->rec.nr_candidates, 0);
	assert_non_null(strstr(w->rec.evidence, "leads to its entry frame"));
	world_fini(w);
	free(w);
}

static void test_code_missing(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w);
	/* the text page is not in the dump: no call can be confirmed, no claim made */
	w->mem.region[1].va = 0xffff0000dead0000ull;
	recover_cpu(&w->k, &w->cpu, &w->rec);
	assert_true(!w->rec.ok || w->rec.confidence == KDC_CONF_CHAIN);
	world_fini(w);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_beats_stale_record),
		cmocka_unit_test(test_tight_loop_around_helper),
		cmocka_unit_test(test_fnptr_through_global),
		cmocka_unit_test(test_fnptr_register_clobbered),
		cmocka_unit_test(test_argument_through_the_caller),
		cmocka_unit_test(test_no_anchor),
		cmocka_unit_test(test_code_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
