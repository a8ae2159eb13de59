// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel and module code as the crashed kernel ran it, read from the dump
 * and decoded into function facts (parsers/func_arm64.h), for the stack
 * recovery. A small cache keeps each function decoded once per analysis;
 * every read is bounded (CODE_FN_INSNS_MAX per function).
 */
#ifndef KDC_CODE_ARM64_H
#define KDC_CODE_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#include "func_arm64.h"
#include "kernel.h"

#define CODE_FN_INSNS_MAX 4096 /* 16 KiB: no stuck-CPU function is bigger */
#define CODE_CACHE_SLOTS 64

struct code_fn {
	uint64_t start; /* 0: slot unused */
	bool ok;
	struct arm64_func_facts facts;
	uint32_t *insns; /* owned; facts.size / 4 words */
};

struct code_cache {
	const struct kdc_kernel *k; /* borrowed */
	struct code_fn slot[CODE_CACHE_SLOTS];
	unsigned int next; /* round-robin replacement */
};

void code_cache_init(struct code_cache *c, const struct kdc_kernel *k);
void code_cache_fini(struct code_cache *c);

/**
 * code_reaches() - whether, inside the function holding @from, execution
 * from @from can get to @to (true when the code is unknown: no claim)
 */
bool code_reaches(struct code_cache *c, uint64_t from, uint64_t to);

/**
 * code_function() - facts of the function holding @addr, NULL when @addr is
 * in no known function or its code is not in the dump. Valid until the
 * next call (the cache may reuse the slot): copy what is needed.
 */
const struct arm64_func_facts *code_function(struct code_cache *c, uint64_t addr);

/** code_entry() - the start of the function holding @addr, 0 if unknown */
uint64_t code_entry(const struct code_cache *c, uint64_t addr);

/**
 * code_resolve_target() - where a call to @target really goes: @target
 * itself when it starts a known function, else the destination of the
 * branch veneer (module PLT) found there; 0 when neither
 */
uint64_t code_resolve_target(struct code_cache *c, uint64_t target);

/**
 * code_call_before() - the call instruction a return address @lr follows
 * @target: its resolved destination for a BL, 0 for BLR or an unresolvable BL
 * Return: true when the instruction at @lr - 4, in a known function, is a call,
 * or lies in init text (freed after boot) and so is taken as one.
 */
bool code_call_before(struct code_cache *c, uint64_t lr, uint64_t *target, bool *indirect);

/**
 * code_indirect_target() - where the BLR at @site goes, when straight-line
 * code before it in its function forms the register from a global (ADRP,
 * ADD, LDR, MOV; at most CODE_SLICE_LOADS loads from the dump's memory as
 * it is now): an ops table or function pointer in a global. The answer must
 * start a known function; 0 when the register cannot be followed.
 */
#define CODE_SLICE_INSNS 32 /* instructions looked back, per step */
#define CODE_SLICE_LOADS 3
uint64_t code_indirect_target(struct code_cache *c, uint64_t site);

/**
 * code_arg_at_call() - argument register X@reg (0-7) at the call @site, by
 * the same slice, followed through the callers' call sites @callers
 * (innermost first) when the function got it as its own argument
 * Return: true with *@out set when every step could be followed.
 */
bool code_arg_at_call(struct code_cache *c, uint64_t site, unsigned int reg,
		      const uint64_t *callers, unsigned int nr_callers, uint64_t *out);

#endif
