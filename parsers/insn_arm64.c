// SPDX-License-Identifier: GPL-2.0-or-later
#include "insn_arm64.h"

bool arm64_decode_adrp(uint32_t insn, uint64_t pc, unsigned *rd, uint64_t *page)
{
	uint64_t immlo, immhi;
	int64_t imm;

	if ((insn & 0x9f000000u) != 0x90000000u) /* ADRP: op=1, 10000 */
		return false;
	immlo = (insn >> 29) & 3;
	immhi = (insn >> 5) & 0x7ffff;
	imm = (int64_t)((immhi << 2 | immlo) << 43) >> 31; /* sign-extend 21 bits, << 12 */
	*rd = insn & 31;
	*page = (pc & ~0xfffull) + (uint64_t)imm;
	return true;
}

bool arm64_decode_add_imm(uint32_t insn, unsigned *rd, unsigned *rn, uint64_t *imm)
{
	/* ADD (immediate), 64-bit, no flags: sf=1 op=0 S=0 100010 sh imm12 Rn Rd */
	if ((insn & 0xff800000u) != 0x91000000u)
		return false;
	*imm = (uint64_t)((insn >> 10) & 0xfff) << ((insn >> 22) & 1 ? 12 : 0);
	*rn = (insn >> 5) & 31;
	*rd = insn & 31;
	return true;
}

bool arm64_decode_ldr_imm(uint32_t insn, unsigned *rt, unsigned *rn, uint64_t *off)
{
	/* LDR (immediate), unsigned offset, 64-bit: 11 111 0 01 01 imm12 Rn Rt */
	if ((insn & 0xffc00000u) != 0xf9400000u)
		return false;
	*off = (uint64_t)((insn >> 10) & 0xfff) * 8;
	*rn = (insn >> 5) & 31;
	*rt = insn & 31;
	return true;
}

bool arm64_decode_mov_reg(uint32_t insn, unsigned *rd, unsigned *rm)
{
	/* ORR (shifted register), 64-bit, shift 0, Rn = XZR */
	if ((insn & 0xffe0ffe0u) != 0xaa0003e0u)
		return false;
	*rm = (insn >> 16) & 31;
	*rd = insn & 31;
	return true;
}

bool arm64_may_write_reg(uint32_t insn, unsigned reg)
{
	uint32_t op0 = (insn >> 25) & 0xf;

	if (arm64_is_call(insn))
		return reg <= 18 || reg == 30;
	/* hints (NOP, YIELD, PACIASP...), barriers, MSR/MRS to system registers
	 * (MRS writes Rt: system instruction class with L=1) */
	if ((insn & 0xffc00000u) == 0xd5000000u)
		return ((insn >> 21) & 1) && (insn & 31) == reg;
	/* branches: B, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, RET write nothing */
	if ((op0 & 0xe) == 0xa)
		return false;
	/* loads and stores: op0 = x1x0 */
	if ((op0 & 0x5) == 0x4) {
		unsigned cls = (insn >> 27) & 7, rn = (insn >> 5) & 31;
		bool vector = (insn >> 26) & 1, pair = cls == 5, load, writeback;

		if (cls != 5 && cls != 7) /* exclusives, atomics, literal loads */
			return (insn & 31) == reg || (((insn >> 10) & 31) == reg);
		load = pair ? (insn >> 22) & 1 : ((insn >> 22) & 3) != 0;
		writeback =
			pair ? ((insn >> 23) & 3) == 1 || ((insn >> 23) & 3) == 3
			     : ((insn >> 24) & 3) == 0 && !((insn >> 21) & 1) && ((insn >> 10) & 1);
		if (writeback && rn == reg)
			return true;
		if (!load || vector) /* a store, or a load into SIMD/FP registers */
			return false;
		return (insn & 31) == reg || (pair && ((insn >> 10) & 31) == reg);
	}
	/* data processing: the destination is bits 4:0 (31 there is XZR/SP:
	 * CMP, TST and CMN write no general register) */
	return (insn & 31) == reg;
}

/* LDR Xt, [Xn, Wm, SXTW #3] / [Xn, Xm, LSL #3]: 64-bit load, register offset, S=1 */
static bool decode_ldr_scaled_index(uint32_t insn, unsigned *rt, unsigned *rn)
{
	unsigned option = (insn >> 13) & 7;

	if ((insn & 0xffe00c00u) != 0xf8600800u || !((insn >> 12) & 1))
		return false;
	if (option != 6 && option != 3 && option != 2) /* sxtw, lsl, uxtw */
		return false;
	*rt = insn & 31;
	*rn = (insn >> 5) & 31;
	return true;
}

/* ADD Xd, Xn, Xm (shifted register, shift 0) */
static bool decode_add_reg(uint32_t insn, unsigned *rd, unsigned *rn, unsigned *rm)
{
	if ((insn & 0xff20fc00u) != 0x8b000000u)
		return false;
	*rd = insn & 31;
	*rn = (insn >> 5) & 31;
	*rm = (insn >> 16) & 31;
	return true;
}

bool arm64_find_percpu_access(const uint32_t *insns, size_t n, uint64_t pc,
			      struct arm64_percpu_code *out)
{
	uint64_t addr[32];
	bool known[32] = { false };
	int loaded_from = -1; /* register holding __per_cpu_offset[cpu] */
	uint64_t base = 0;

	for (size_t i = 0; i < n; i++, pc += 4) {
		uint32_t insn = insns[i];
		unsigned rd, rn, rm;
		uint64_t v;

		if (arm64_decode_adrp(insn, pc, &rd, &v)) {
			addr[rd] = v;
			known[rd] = rd != 31;
		} else if (arm64_decode_add_imm(insn, &rd, &rn, &v)) {
			known[rd] = rn != 31 && known[rn];
			addr[rd] = addr[rn] + v;
		} else if (decode_ldr_scaled_index(insn, &rd, &rn)) {
			if (!known[rn])
				return false;
			base = addr[rn];
			loaded_from = (int)rd;
			known[rd] = false;
		} else if (decode_add_reg(insn, &rd, &rn, &rm) && loaded_from >= 0) {
			unsigned other = rn == (unsigned)loaded_from   ? rm
					 : rm == (unsigned)loaded_from ? rn
								       : 32;

			if (other < 31 && known[other] && addr[other] != base) {
				out->per_cpu_offset = base;
				out->var = addr[other];
				return true;
			}
		} else if ((insn & 0xfffffc1fu) == 0xd65f0000u) { /* RET */
			return false;
		}
	}
	return false;
}

size_t arm64_adrp_add_targets(const uint32_t *insns, size_t n, uint64_t pc, uint64_t *out,
			      size_t max)
{
	uint64_t val[32];
	bool known[32] = { false };
	size_t nr = 0;

	for (size_t i = 0; i < n && nr < max; i++, pc += 4) {
		uint32_t insn = insns[i];
		unsigned rd, rn;
		uint64_t v;

		if (arm64_decode_adrp(insn, pc, &rd, &v)) {
			val[rd] = v;
			known[rd] = rd != 31;
		} else if (arm64_decode_add_imm(insn, &rd, &rn, &v)) {
			bool k = rn < 31 && known[rn];

			if (k)
				out[nr++] = val[rn] + v;
			val[rd] = k ? val[rn] + v : 0;
			known[rd] = k && rd != 31;
		} else if ((insn & 0xffc00000u) == 0xf9400000u) {
			/* LDR Xt, [Xn, #imm12*8] */
			rn = (insn >> 5) & 31;
			if (rn < 31 && known[rn])
				out[nr++] = val[rn] + ((insn >> 10) & 0xfff) * 8ull;
			known[insn & 31] = false;
		} else if ((insn & 0xffe00c00u) == 0xf8400c00u) {
			/* LDR Xt, [Xn, #simm9]!: GCC's section anchors walk a list this way */
			int64_t simm = (int64_t)((uint64_t)((insn >> 12) & 0x1ff) << 55) >> 55;

			rn = (insn >> 5) & 31;
			if (rn < 31 && known[rn]) {
				val[rn] += (uint64_t)simm;
				out[nr++] = val[rn];
			}
			known[insn & 31] = false;
		}
	}
	return nr;
}

bool arm64_decode_bl(uint32_t insn, uint64_t pc, uint64_t *target)
{
	if ((insn & 0xfc000000u) != 0x94000000u)
		return false;
	*target = pc + (uint64_t)((int64_t)((uint64_t)(insn & 0x03ffffffu) << 38) >> 36);
	return true;
}

bool arm64_decode_b(uint32_t insn, uint64_t pc, uint64_t *target)
{
	if ((insn & 0xfc000000u) != 0x14000000u)
		return false;
	*target = pc + (uint64_t)((int64_t)((uint64_t)(insn & 0x03ffffffu) << 38) >> 36);
	return true;
}

bool arm64_is_call(uint32_t insn)
{
	return (insn & 0xfc000000u) == 0x94000000u || /* BL */
	       (insn & 0xfffffc1fu) == 0xd63f0000u || /* BLR */
	       (insn & 0xfffff800u) == 0xd63f0800u || /* BLRAAZ, BLRABZ */
	       (insn & 0xfffff800u) == 0xd73f0800u;   /* BLRAA, BLRAB */
}

bool arm64_is_return(uint32_t insn)
{
	return (insn & 0xfffffc1fu) == 0xd65f0000u ||	     /* RET */
	       insn == 0xd65f0bffu || insn == 0xd65f0fffu || /* RETAA, RETAB */
	       insn == 0xd69f03e0u;			     /* ERET */
}

/* MRS Xt, TPIDR_EL1 / TPIDR_EL2: the per-CPU offset (EL2 when the kernel runs
 * with VHE: alternatives patch the EL1 form at boot) */
static bool decode_mrs_tpidr(uint32_t insn, unsigned *rt)
{
	uint32_t sysreg = insn & 0xffffffe0u;

	*rt = insn & 31;
	return sysreg == 0xd538d080u || sysreg == 0xd53cd040u;
}

/* load or store, any size, register offset [Xn, Xm{, extend}]: V=0 */
static bool decode_ldst_reg_offset(uint32_t insn, unsigned *rn, unsigned *rm)
{
	if ((insn & 0x3f200c00u) != 0x38200800u)
		return false;
	*rn = (insn >> 5) & 31;
	*rm = (insn >> 16) & 31;
	return true;
}

size_t arm64_percpu_var_refs(const uint32_t *insns, size_t n, uint64_t pc, uint64_t *out,
			     size_t max)
{
	uint64_t addr[32], table = 0;
	bool known[32] = { false }, offset[32] = { false };
	size_t nr = 0;

	for (size_t i = 0; i < n && nr < max; i++, pc += 4) {
		uint32_t insn = insns[i];
		unsigned rd, rn, rm;
		uint64_t v;
		int other = -1;

		if (arm64_decode_adrp(insn, pc, &rd, &v)) {
			addr[rd] = v;
			known[rd] = rd != 31;
			offset[rd] = false;
			continue;
		}
		if (arm64_decode_add_imm(insn, &rd, &rn, &v)) {
			bool k = rn < 31 && known[rn];

			addr[rd] = k ? addr[rn] + v : 0;
			known[rd] = k && rd != 31;
			offset[rd] = false;
			continue;
		}
		if ((insn & 0xffe0ffe0u) == 0xaa0003e0u) { /* MOV Xd, Xm (ORR Xd, XZR, Xm) */
			rd = insn & 31;
			rm = (insn >> 16) & 31;
			if (rd == 31)
				continue;
			known[rd] = rm < 31 && known[rm];
			offset[rd] = rm < 31 && offset[rm];
			addr[rd] = rm < 31 ? addr[rm] : 0;
			continue;
		}
		if (decode_mrs_tpidr(insn, &rd)) {
			known[rd] = false;
			offset[rd] = rd != 31;
			continue;
		}
		if (decode_ldr_scaled_index(insn, &rd, &rn)) {
			/* __per_cpu_offset[cpu], the per_cpu(var, cpu) form; the
			 * table itself is not a per-CPU variable */
			bool k = rn < 31 && known[rn];

			if (k)
				table = addr[rn];
			known[rd] = false;
			offset[rd] = k && rd != 31;
			continue;
		}
		if (decode_add_reg(insn, &rd, &rn, &rm)) {
			if (rn < 31 && rm < 31 && offset[rm] && known[rn])
				other = (int)rn;
			else if (rn < 31 && rm < 31 && offset[rn] && known[rm])
				other = (int)rm;
			if (other >= 0 && addr[other] != table) {
				out[nr++] = addr[other];
			}
			known[rd] = false;
			offset[rd] = false;
			continue;
		}
		if (decode_ldst_reg_offset(insn, &rn, &rm)) {
			if (rn < 31 && rm < 31 && offset[rm] && known[rn])
				other = (int)rn;
			else if (rn < 31 && rm < 31 && offset[rn] && known[rm])
				other = (int)rm;
			if (other >= 0 && addr[other] != table)
				out[nr++] = addr[other];
			/* a load's target register changes; a store's does not,
			 * but forgetting it only loses a later match */
			known[insn & 31] = false;
			offset[insn & 31] = false;
			continue;
		}
		/* anything else may overwrite the register in bits 0-4 (and a
		 * load pair the one in bits 10-14): forget them. Branches and
		 * system instructions other than MRS write none; stores (L,
		 * bit 22, clear) only read theirs. */
		if (arm64_is_call(insn)) {
			/* the callee may change x0-x18 (AAPCS64) */
			for (unsigned r = 0; r <= 18; r++)
				known[r] = offset[r] = false;
			continue;
		}
		if ((insn & 0x1c000000u) == 0x14000000u && (insn & 0xfff00000u) != 0xd5300000u)
			continue;
		if ((insn & 0x0a000000u) == 0x08000000u) {
			if (!(insn & (1u << 22)))
				continue;
			if ((insn & 0x3a000000u) == 0x28000000u) /* LDP */
				known[(insn >> 10) & 31] = offset[(insn >> 10) & 31] = false;
		}
		known[insn & 31] = false;
		offset[insn & 31] = false;
	}
	return nr;
}
