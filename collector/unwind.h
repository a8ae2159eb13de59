// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backtraces from a register set and the CPU's stacks. The walk itself is
 * architecture code (unwind_<arch>.c, chosen through arch ops); this is
 * what every architecture produces. Dump memory is untrusted: every walk
 * is bounded in depth, stays inside the CPU's known stacks, and never
 * revisits an address, so a cycle or a wild pointer ends it with a reason.
 */
#ifndef KDC_UNWIND_H
#define KDC_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "cpus.h"
#include "kernel.h"

#define KDC_BACKTRACE_MAX 96

struct kdc_frame {
	uint64_t pc;
	uint64_t fp;	  /* the frame record it came from; 0 for frame 0 */
	bool is_return;	  /* pc is a return address (look up pc - 4) */
	bool exception;	  /* pc is an exception frame's ELR */
	uint64_t pt_regs; /* that exception frame's address */
	bool have_stack;
	enum kdc_stack_kind stack; /* where the frame record was */
};

struct kdc_backtrace {
	unsigned int nr;
	struct kdc_frame frame[KDC_BACKTRACE_MAX];
	const char *stop; /* why the walk ended; static */
	bool complete;	  /* ended at the kernel's own final frame */
};

/**
 * unwind() - walk from @regs through @cpu's stacks
 * @bt: always filled with what could be walked
 */
void unwind(const struct kdc_kernel *k, const struct kdc_cpu *cpu, const struct kdc_regs *regs,
	    struct kdc_backtrace *bt);

/**
 * frame_symbol() - the function a frame is in; for return addresses the
 * call site decides, as the kernel's %pB does, so a call that ends a
 * function is not attributed to the next one
 * Return: KC_OK; KC_NODATA when the address is in no known symbol.
 */
enum kdc_status frame_symbol(const struct kdc_kernel *k, const struct kdc_frame *f,
			     struct kdc_symbol_hit *out);

#endif
