// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What one AArch64 function's code says about where a CPU without
 * registers can be inside it: whether it pushes a frame record (a leaf
 * does not, so a leaf that is running leaves no trace on the stack),
 * its direct and indirect call sites, its loops (every backward branch
 * closes one), whether a loop calls nothing (a spin), whether it masks
 * IRQs, waits for events, or can never return. Decoded from the words as
 * read from the dump, so patched code (ftrace calls, "b .") is seen as it
 * ran. The encodings are the Arm ARM's (DDI 0487, C6); GCC's prologue
 * shapes (stp x29, x30, [sp, #-N]! or sub sp + stp) are the ones the
 * kernel's -fno-omit-frame-pointer builds emit.
 *
 * Also the branch veneers a call may go through: module PLT entries
 * (arch/arm64/kernel/module-plts.c get_plt_entry(): adrp x16; add x16;
 * br x16) and the linker's long-branch veneers (the same, optionally
 * after a BTI).
 */
#ifndef KDC_FUNC_ARM64_H
#define KDC_FUNC_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARM64_FUNC_CALLS_MAX 128
#define ARM64_FUNC_LOOPS_MAX 64
#define ARM64_PROLOGUE_INSNS 24 /* where a frame record push is looked for */

struct arm64_call_site {
	uint64_t site;	 /* address of the BL/BLR */
	uint64_t target; /* BL target; 0 for an indirect call */
	bool indirect;
	int reg; /* BLR's register; -1 for BL */
};

#define ARM64_LOOP_SITES 4
#define ARM64_MASK_SITES 4

struct arm64_loop {
	uint64_t start, end; /* the head (branch target) and the backward branch */
	unsigned int size;   /* instructions on a path from the head back to the branch */
	unsigned int calls;  /* call instructions among them */
	uint64_t call_site[ARM64_LOOP_SITES]; /* the first few of them */
	bool waits;			      /* WFE/WFI/YIELD among them */
	bool atomic;			      /* a store-exclusive: an LL/SC retry, not a wait */
};

struct arm64_func_facts {
	uint64_t start, size;
	bool pushes_record; /* stp x29, x30 in the prologue */
	bool has_return;    /* RET/RETAA/RETAB/ERET */
	bool branches_out;  /* B or BR leaving the function (a tail call) */
	bool masks_irqs;    /* msr daifset with the I bit */
	unsigned int nr_mask_sites;
	uint64_t mask_site[ARM64_MASK_SITES]; /* the first few of them */
	bool hvc;			      /* calls the hypervisor */
	uint64_t hvc_pc;		      /* its first HVC */
	bool self_loop;			      /* "b ." */
	uint64_t self_loop_pc;
	unsigned int nr_calls;
	struct arm64_call_site calls[ARM64_FUNC_CALLS_MAX];
	bool calls_truncated;
	unsigned int nr_loops;
	struct arm64_loop loops[ARM64_FUNC_LOOPS_MAX];
};

/**
 * arm64_func_analyze() - facts of the function of @n instructions at @start
 * @insns: little-endian instruction words as read from memory
 */
void arm64_func_analyze(const uint32_t *insns, size_t n, uint64_t start,
			struct arm64_func_facts *out);

/** arm64_func_never_returns() - no return, no tail branch: once entered, never left */
bool arm64_func_never_returns(const struct arm64_func_facts *f);

/**
 * arm64_func_spin_loop() - the loop that calls nothing (and is not an
 * LL/SC retry) where a spinning CPU stays, preferring one that waits
 * (WFE/YIELD), then the smallest; its closing branch, 0 when there is none
 */
uint64_t arm64_func_spin_loop(const struct arm64_func_facts *f, bool *waits);

/** arm64_func_spin_loop_if() - the same choice among the loops @keep accepts */
uint64_t arm64_func_spin_loop_if(const struct arm64_func_facts *f,
				 bool (*keep)(const struct arm64_loop *lp, void *ctx), void *ctx,
				 bool *waits);

/** arm64_func_call_reg() - the register of the BLR at @site, -1 when @site is no BLR of @f */
int arm64_func_call_reg(const struct arm64_func_facts *f, uint64_t site);

/**
 * arm64_func_tight_loop_around() - whether @site lies in a loop of at most
 * @max_insns instructions and @max_calls calls: a helper called there is
 * called again and again, and the loop, not the helper, is where the CPU stays
 */
bool arm64_func_tight_loop_around(const struct arm64_func_facts *f, uint64_t site,
				  unsigned int max_insns, unsigned int max_calls);

/**
 * arm64_reaches() - whether execution starting at @from can get to @to
 * inside the function (branches and fall-through followed, calls assumed
 * to return, returns and indirect jumps end a path)
 */
bool arm64_reaches(const uint32_t *insns, size_t n, uint64_t start, uint64_t from, uint64_t to);

/**
 * arm64_prologue_saved_slot() - where a function's prologue (the first @n
 * instructions) stores callee-saved register x@reg, as a byte offset from
 * the frame record it pushes: stp x29, x30, [sp, #-N]! (record at the new
 * sp) or sub sp + stp x29, x30, [sp, #M] (record at sp + M), then stp/str
 * of x19-x28 relative to sp
 * Return: true when both the record and the store were found.
 */
bool arm64_prologue_saved_slot(const uint32_t *insns, size_t n, unsigned int reg, int64_t *offset);

/**
 * arm64_decode_veneer() - the destination of a branch veneer at @pc
 * (optional BTI; ADRP x16/x17; ADD; BR the same register)
 * Return: true when @insns (at least 4 words) are one.
 */
bool arm64_decode_veneer(const uint32_t *insns, size_t n, uint64_t pc, uint64_t *target);

#endif
