// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * AArch64 frame-record unwinding (AAPCS64; Debian builds with
 * CONFIG_FRAME_POINTER). A record is {caller's x29, return address} at the
 * address in x29. Facts it relies on, checked in arch/arm64 of 6.1 and 6.12
 * (4.18 and 5.10 differ only where noted):
 *  - exceptions taken from EL1 (entry.S kernel_entry) save a pt_regs whose
 *    `stackframe` is a synthetic record {x29, ELR} and point x29 at it; the
 *    C handler's record returns into the entry code (__entry_text_start ..
 *    __entry_text_end), which is how such a record is recognised;
 *  - exceptions from EL0 end the chain with a {0, 0} record in the task's
 *    top pt_regs; 4.18/5.10 end it with fp == 0;
 *  - IRQs run on the per-CPU IRQ stack (call_on_irq_stack), and the chain
 *    steps from it back to the task stack, never the other way; likewise
 *    from the overflow stack. So once a stack is left it is never re-entered
 *    and, within one stack, records only move up.
 *  - return addresses carry a PAC when the kernel signs them
 *    (CONFIG_ARM64_PTR_AUTH_KERNEL); KERNELPACMASK says which bits.
 */
#include "unwind_arm64.h"

#include <string.h>

#include "mem.h"
#include "ptregs_arm64.h"

static bool in_entry_text(const struct kdc_kernel *k, uint64_t pc)
{
	uint64_t lo, hi;

	return !symbols_address(&k->syms, "__entry_text_start", &lo) &&
	       !symbols_address(&k->syms, "__entry_text_end", &hi) && pc >= lo && pc < hi;
}

void unwind_arm64(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
		  const struct kdc_regs *regs, struct kdc_backtrace *bt)
{
	struct ptregs_arm64_layout pl;
	bool have_pl;
	bool left[KDC_CPU_STACKS + 1] = { false }; /* stacks already stepped off */
	const struct kdc_stack_range *cur = NULL;
	uint64_t fp = regs->fp, prev_fp = 0;
	bool next_is_exception = false;
	uint64_t final_record = 0;

	have_pl = !ptregs_arm64_layout(&k->types, &pl, NULL);
	bt->frame[bt->nr++] = (struct kdc_frame){ .pc = regs->pc };
	/* The task's EL0-entry pt_regs sits at the top of its stack; its
	 * record ends every 5.x+ chain (stacktrace.c). */
	if (have_pl && cpu->nr_stacks && cpu->stacks[0].kind == KDC_STACK_TASK)
		final_record = cpu->stacks[0].hi - pl.size + pl.stackframe;
	for (;;) {
		const struct kdc_stack_range *st;
		uint64_t rec[2];
		struct kdc_frame f = { 0 };

		if (fp == 0) {
			bt->stop = "frame pointer is 0 (end of chain)";
			bt->complete = true;
			return;
		}
		if (fp == final_record) {
			bt->stop = "reached the task's entry frame";
			bt->complete = true;
			return;
		}
		if (bt->nr >= KDC_BACKTRACE_MAX) {
			bt->stop = "depth limit";
			return;
		}
		if (fp & 7) {
			bt->stop = "misaligned frame pointer";
			return;
		}
		st = cpu_stack_of(cpu, fp);
		if (!st || fp + 16 > st->hi) {
			bt->stop = "frame pointer outside this CPU's stacks";
			return;
		}
		if (cur && st != cur) {
			left[cur - cpu->stacks] = true;
			if (left[st - cpu->stacks]) {
				bt->stop = "frame pointer returns to a stack already left";
				return;
			}
		} else if (cur && fp <= prev_fp) {
			bt->stop = "frame pointer does not move up the stack (loop?)";
			return;
		}
		/* {x29, x30}: words in the dump's order, whatever the host's */
		if (mem_read_u64(k->mem, fp, &rec[0], NULL) ||
		    mem_read_u64(k->mem, fp + 8, &rec[1], NULL)) {
			bt->stop = "frame record not in the dump";
			return;
		}
		/* {0, 0} ends the chain; so does a return address of 0 signed
		 * with a PAC (the boot CPU's start_kernel record on 5.10: head.S
		 * calls it with x30 = 0, and its prologue signs that) */
		if ((rec[0] == 0 && rec[1] == 0) || (rec[1] & ~k->syms.pac_mask) == 0) {
			bt->stop = "final frame record";
			bt->complete = true;
			return;
		}
		f.pc = symbols_strip_pac(&k->syms, rec[1]);
		f.fp = fp;
		f.is_return = true;
		f.have_stack = true;
		f.stack = st->kind;
		if (next_is_exception && have_pl) {
			/* this record is pt_regs.stackframe: {x29, ELR} */
			f.exception = true;
			f.is_return = false;
			f.pt_regs = fp - pl.stackframe;
		}
		next_is_exception = in_entry_text(k, f.pc);
		bt->frame[bt->nr++] = f;
		cur = st;
		prev_fp = fp;
		fp = rec[0];
	}
}
