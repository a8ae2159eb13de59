// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An ftrace call in progress on an arm64 stack, and what it holds.
 *
 * A traced function's patchable entry calls ftrace_caller
 * (arch/arm64/kernel/entry-ftrace.S) before its own prologue. The
 * trampoline saves the traced function's arguments x0-x8, its FP, LR (the
 * return address into its caller), SP and PC (the traced function + 8)
 * in a register block, pushes a frame record for the call site above it and
 * its own record, then calls the tracer:
 *  - 6.1 (DYNAMIC_FTRACE_WITH_REGS): the block is a struct pt_regs, its
 *    `stackframe` is the trampoline's record; the tracer is the BL at the
 *    ftrace_call (or ftrace_regs_call) label, patched to the ops' function
 *    or to the list function (arch_ftrace_ops_list_func);
 *  - 6.12 (WITH_ARGS + WITH_CALL_OPS): the block is struct
 *    __arch_ftrace_regs (x0-x8, direct_tramp, fp, lr, sp, pc) right below
 *    the trampoline's record; the tracer is ops->func, the ops pointer
 *    being the literal at an 8-byte boundary 12 or 16 bytes before the
 *    call site's BL ((pc & ~7) - 16).
 * So the traced function, its caller and its arguments survive in memory
 * after the CPU stopped in a callback: where a faulting ELR handed to
 * hyp_panic() or the guest context pointer of a world-switch function is.
 */
#ifndef KDC_FTRACE_ARM64_H
#define KDC_FTRACE_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#include "code_arm64.h"
#include "frame_graph_arm64.h"
#include "kernel.h"

#define FTRACE_CALLBACKS_MAX 6

struct arm64_ftrace_frame {
	bool found;
	int node;	    /* the trampoline's frame record */
	const char *layout; /* "pt_regs" or "__arch_ftrace_regs"; static */
	uint64_t regs;	    /* the register block's address */
	uint64_t traced;    /* entry of the traced function */
	uint64_t x[9], fp, lr, sp,
		pc; /* as saved: lr is the return into the traced function's caller */
	unsigned int nr_callbacks;
	uint64_t callback[FTRACE_CALLBACKS_MAX]; /* what the trampoline calls */
};

/** ftrace_frame_find() - the innermost ftrace call in @g's linked records */
void ftrace_frame_find(const struct kdc_kernel *k, struct code_cache *code,
		       const struct frame_graph *g, struct arm64_ftrace_frame *out);

#endif
