// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Just enough AArch64 decoding to learn data addresses from kernel code
 * when kallsyms has text symbols only (Debian 6.1, KALLSYMS_ALL=n): the
 * address of __per_cpu_offset and of the per-CPU `runqueues` as
 * nr_iowait_cpu() computes them (kernel/sched/core.c, unchanged 4.18-6.12):
 *
 *     adrp xA, __per_cpu_offset        ; in either order
 *     add  xA, xA, :lo12:__per_cpu_offset
 *     adrp xB, runqueues
 *     add  xB, xB, :lo12:runqueues
 *     ldr  xO, [xA, wCPU, sxtw #3]     ; __per_cpu_offset[cpu]
 *     add  xB, xB, xO                  ; per_cpu_ptr(&runqueues, cpu)
 *
 * Checked on Debian 6.1.0-50-arm64 (the fixtures) and 6.12; ftrace NOPs,
 * BTI and PACIASP at the entry are skipped like any unknown instruction.
 * Hand-written because no packaged library offers AArch64 decoding (binutils'
 * libopcodes has no stable API and is not built for arm64 on amd64 Debian).
 */
#ifndef KDC_INSN_ARM64_H
#define KDC_INSN_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arm64_percpu_code {
	uint64_t per_cpu_offset; /* &__per_cpu_offset[0] */
	uint64_t var;		 /* the per-CPU variable the function reads */
};

/**
 * arm64_find_percpu_access() - follow ADRP/ADD/LDR in @insns (little-endian
 * words as read from memory) starting at address @pc
 * Return: true when an `ldr x, [xA, w, sxtw #3]` on an ADRP-computed base
 * was found and another ADRP-computed address was added to its result.
 */
bool arm64_find_percpu_access(const uint32_t *insns, size_t n, uint64_t pc,
			      struct arm64_percpu_code *out);

/**
 * arm64_adrp_add_targets() - every address an ADRP-based sequence forms:
 * ADRP then ADD immediate (repeatable: GCC's section anchors add twice),
 * 64-bit LDR with unsigned offset, or pre-indexed LDR, in code order
 * @out: up to @max addresses
 * Return: how many were stored. Used to find data a function refers to
 * (e.g. the `modules` list head in print_modules()); callers must validate
 * each candidate, since string and other addresses are formed the same way.
 */
size_t arm64_adrp_add_targets(const uint32_t *insns, size_t n, uint64_t pc, uint64_t *out,
			      size_t max);

/**
 * arm64_percpu_var_refs() - the per-CPU variables the code at @pc uses:
 * an ADRP(+ADD) address added to, or used as the base of a load/store
 * with, a per-CPU offset (this_cpu_ptr: MRS TPIDR_EL1/EL2; per_cpu(v, cpu):
 * a load from an ADRP-formed table indexed by the CPU, __per_cpu_offset[])
 * @out: up to @max link addresses, in code order, repeats kept
 * Return: how many were stored.
 */
size_t arm64_percpu_var_refs(const uint32_t *insns, size_t n, uint64_t pc, uint64_t *out,
			     size_t max);

/* Calls and returns, for the frame-record checks of stack recovery. */
bool arm64_is_call(uint32_t insn); /* BL, BLR, BLRAA/AB(Z) */
bool arm64_decode_bl(uint32_t insn, uint64_t pc, uint64_t *target);
bool arm64_is_return(uint32_t insn);				   /* RET, RETAA, RETAB, ERET */
bool arm64_decode_b(uint32_t insn, uint64_t pc, uint64_t *target); /* unconditional B */

/* Single-instruction decoders, exposed for tests. */
bool arm64_decode_adrp(uint32_t insn, uint64_t pc, unsigned *rd, uint64_t *page);
bool arm64_decode_add_imm(uint32_t insn, unsigned *rd, unsigned *rn, uint64_t *imm);
/* LDR Xt, [Xn, #imm] (unsigned offset, 64-bit) */
bool arm64_decode_ldr_imm(uint32_t insn, unsigned *rt, unsigned *rn, uint64_t *off);
/* MOV Xd, Xm (ORR Xd, XZR, Xm) */
bool arm64_decode_mov_reg(uint32_t insn, unsigned *rd, unsigned *rm);
/**
 * arm64_may_write_reg() - whether @insn may change X@reg: false only for
 * instructions known not to (stores, compares, branches that link nothing,
 * hints) and for those whose destination is another register; calls
 * change x0-x18 and x30 (AAPCS64). Conservative: unknown means "may".
 */
bool arm64_may_write_reg(uint32_t insn, unsigned reg);

#endif
