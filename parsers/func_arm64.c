// SPDX-License-Identifier: GPL-2.0-or-later
#include "func_arm64.h"

#include <stdlib.h>
#include <string.h>

#include "insn_arm64.h"

#define INSN_B_SELF 0x14000000u
#define INSN_WFE 0xd503205fu
#define INSN_WFI 0xd503207fu
#define INSN_YIELD 0xd503203fu

static int64_t sext(uint64_t v, unsigned int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* B.cond, CBZ/CBNZ, TBZ/TBNZ, B: the target of a PC-relative branch. */
static bool branch_target(uint32_t insn, uint64_t pc, uint64_t *target)
{
	if (arm64_decode_b(insn, pc, target))
		return true;
	if ((insn & 0xff000010u) == 0x54000000u || /* B.cond */
	    (insn & 0x7e000000u) == 0x34000000u) { /* CBZ/CBNZ */
		*target = pc + (uint64_t)(sext((insn >> 5) & 0x7ffff, 19) * 4);
		return true;
	}
	if ((insn & 0x7e000000u) == 0x36000000u) { /* TBZ/TBNZ */
		*target = pc + (uint64_t)(sext((insn >> 5) & 0x3fff, 14) * 4);
		return true;
	}
	return false;
}

/* STP x29, x30 in any addressing mode (pre-index, signed offset). */
static bool is_record_push(uint32_t insn)
{
	return (insn & 0x7fc07fffu) == 0x29807bfdu || /* stp x29, x30, [sp, #i]! */
	       (insn & 0x7fc07fffu) == 0x29007bfdu;   /* stp x29, x30, [sp, #i] */
}

static bool is_blr(uint32_t insn, int *reg)
{
	if ((insn & 0xfffffc1fu) == 0xd63f0000u || /* BLR */
	    (insn & 0xfffff800u) == 0xd63f0800u || /* BLRAAZ, BLRABZ */
	    (insn & 0xfffff800u) == 0xd73f0800u) { /* BLRAA, BLRAB */
		*reg = (int)((insn >> 5) & 31);
		return true;
	}
	return false;
}

static bool is_br(uint32_t insn)
{
	return (insn & 0xfffffc1fu) == 0xd61f0000u || /* BR */
	       (insn & 0xfffff800u) == 0xd61f0800u || /* BRAAZ, BRABZ */
	       (insn & 0xfffff800u) == 0xd71f0800u;   /* BRAA, BRAB */
}

/* Control-flow successors of instruction @i (indexes; -1 for none). */
static void successors(const uint32_t *insns, size_t n, uint64_t start, size_t i, long succ[2])
{
	uint32_t insn = insns[i];
	uint64_t pc = start + 4 * i, target;
	bool has_target = branch_target(insn, pc, &target);
	bool unconditional = (insn & 0xfc000000u) == 0x14000000u;

	succ[0] = succ[1] = -1;
	if (arm64_is_return(insn) || is_br(insn) || insn == 0xd4200000u /* brk: BUG() */)
		return;
	if (!unconditional && i + 1 < n)
		succ[0] = (long)i + 1;
	if (has_target && target >= start && target < start + 4 * n)
		succ[1] = (long)((target - start) / 4);
}

/*
 * A backward branch is a loop only if its target can flow back to it (GCC
 * also jumps back to shared tails); the body is what lies on such a path:
 * reachable from the target and reaching the branch.
 */
static void find_loop_bodies(const uint32_t *insns, size_t n, uint64_t start,
			     struct arm64_func_facts *f)
{
	/* the flow graph once (successors, and predecessors as one array cut
	 * by pred_at[]), then two linear walks per loop: functions of
	 * thousands of instructions with dozens of loops stay cheap */
	uint8_t *mark = calloc(n, 1); /* bit 0: from the head, bit 1: to the branch */
	size_t *work = malloc(n * sizeof(*work));
	long *succ = malloc(2 * n * sizeof(*succ));
	size_t *pred_at = calloc(n + 1, sizeof(*pred_at)), *pred = malloc(2 * n * sizeof(*pred));
	unsigned int kept = 0;

	if (!mark || !work || !succ || !pred_at || !pred) {
		f->nr_loops = 0; /* no claim rather than a wrong one */
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		successors(insns, n, start, i, succ + 2 * i);
		for (int s = 0; s < 2; s++)
			if (succ[2 * i + s] >= 0)
				pred_at[succ[2 * i + s] + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		pred_at[i + 1] += pred_at[i];
	{
		size_t *fill = work; /* borrowed as the next free slot of each node */

		memcpy(fill, pred_at, n * sizeof(*fill));
		for (size_t i = 0; i < n; i++)
			for (int s = 0; s < 2; s++)
				if (succ[2 * i + s] >= 0)
					pred[fill[succ[2 * i + s]]++] = i;
	}
	for (unsigned int l = 0; l < f->nr_loops; l++) {
		struct arm64_loop *lp = &f->loops[l];
		size_t head = (lp->start - start) / 4, tail = (lp->end - start) / 4, top = 0;

		memset(mark, 0, n);
		mark[head] = 1;
		work[top++] = head;
		while (top) {
			size_t i = work[--top];

			for (int s = 0; s < 2; s++) {
				long next = succ[2 * i + s];

				if (next >= 0 && !(mark[next] & 1)) {
					mark[next] |= 1;
					work[top++] = (size_t)next;
				}
			}
		}
		if (!(mark[tail] & 1))
			continue; /* the target never gets back: not a loop */
		/* backwards from the branch, through what the target reaches
		 * (all of whose successors it reaches too) */
		mark[tail] |= 2;
		work[top++] = tail;
		while (top) {
			size_t i = work[--top];

			for (size_t p = pred_at[i]; p < pred_at[i + 1]; p++)
				if ((mark[pred[p]] & 3) == 1) {
					mark[pred[p]] |= 2;
					work[top++] = pred[p];
				}
		}
		lp->calls = 0;
		lp->waits = lp->atomic = false;
		lp->size = 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t t;
			int reg = -1;

			if (mark[i] != 3)
				continue;
			lp->size++;
			if (arm64_decode_bl(insns[i], start + 4 * i, &t) ||
			    is_blr(insns[i], &reg)) {
				if (lp->calls < ARM64_LOOP_SITES)
					lp->call_site[lp->calls] = start + 4 * i;
				lp->calls++;
			}
			if (insns[i] == INSN_WFE || insns[i] == INSN_WFI || insns[i] == INSN_YIELD)
				lp->waits = true;
			if ((insns[i] & 0x3f400000u) == 0x08000000u) /* STXR, STLXR, STXP... */
				lp->atomic = true;
		}
		f->loops[kept++] = *lp;
	}
	f->nr_loops = kept;
out:
	free(mark);
	free(work);
	free(succ);
	free(pred_at);
	free(pred);
}

void arm64_func_analyze(const uint32_t *insns, size_t n, uint64_t start, struct arm64_func_facts *f)
{
	uint64_t end = start + 4 * (uint64_t)n;

	memset(f, 0, sizeof(*f));
	f->start = start;
	f->size = 4 * (uint64_t)n;
	for (size_t i = 0; i < n; i++) {
		uint32_t insn = insns[i];
		uint64_t pc = start + 4 * i, target;
		int reg = -1;

		if (is_record_push(insn)) /* anywhere: GCC may shrink-wrap the prologue */
			f->pushes_record = true;
		if (arm64_is_return(insn))
			f->has_return = true;
		if ((insn & 0xfffff0ffu) == 0xd50340dfu && (insn & 0x200u)) { /* msr daifset, #I */
			f->masks_irqs = true;
			if (f->nr_mask_sites < ARM64_MASK_SITES)
				f->mask_site[f->nr_mask_sites] = pc;
			f->nr_mask_sites++;
		}
		if ((insn & 0xffe0001fu) == 0xd4000002u && !f->hvc) { /* HVC #imm */
			f->hvc = true;
			f->hvc_pc = pc;
		}
		if (insn == INSN_B_SELF && !f->self_loop) {
			f->self_loop = true;
			f->self_loop_pc = pc;
		}
		if (arm64_decode_bl(insn, pc, &target) || is_blr(insn, &reg)) {
			if (f->nr_calls < ARM64_FUNC_CALLS_MAX) {
				struct arm64_call_site *c = &f->calls[f->nr_calls++];

				c->site = pc;
				c->indirect = !arm64_decode_bl(insn, pc, &c->target);
				c->reg = c->indirect ? reg : -1;
				if (c->indirect)
					c->target = 0;
			} else {
				f->calls_truncated = true;
			}
			continue;
		}
		if (is_br(insn))
			f->branches_out = true;
		if (branch_target(insn, pc, &target)) {
			if (target < start || target >= end) {
				/* only an unconditional B can be a tail call */
				if ((insn & 0xfc000000u) == 0x14000000u)
					f->branches_out = true;
			} else if (target <= pc && f->nr_loops < ARM64_FUNC_LOOPS_MAX) {
				f->loops[f->nr_loops++] =
					(struct arm64_loop){ .start = target, .end = pc };
			}
		}
	}
	find_loop_bodies(insns, n, start, f);
}

bool arm64_func_never_returns(const struct arm64_func_facts *f)
{
	return f->size && !f->has_return && !f->branches_out;
}

uint64_t arm64_func_spin_loop(const struct arm64_func_facts *f, bool *waits)
{
	return arm64_func_spin_loop_if(f, NULL, NULL, waits);
}

uint64_t arm64_func_spin_loop_if(const struct arm64_func_facts *f,
				 bool (*keep)(const struct arm64_loop *lp, void *ctx), void *ctx,
				 bool *waits)
{
	const struct arm64_loop *best = NULL;

	for (unsigned int l = 0; l < f->nr_loops; l++) {
		const struct arm64_loop *lp = &f->loops[l];

		if (lp->calls || lp->atomic || (keep && !keep(lp, ctx)))
			continue;
		if (!best || (lp->waits && !best->waits) ||
		    (lp->waits == best->waits && lp->size < best->size))
			best = lp;
	}
	if (waits)
		*waits = best && best->waits;
	return best ? best->end : 0;
}

bool arm64_func_tight_loop_around(const struct arm64_func_facts *f, uint64_t site,
				  unsigned int max_insns, unsigned int max_calls)
{
	for (unsigned int l = 0; l < f->nr_loops; l++) {
		const struct arm64_loop *lp = &f->loops[l];

		if (lp->size > max_insns || lp->calls > max_calls)
			continue;
		for (unsigned int c = 0; c < lp->calls && c < ARM64_LOOP_SITES; c++)
			if (lp->call_site[c] == site)
				return true;
	}
	return false;
}

bool arm64_reaches(const uint32_t *insns, size_t n, uint64_t start, uint64_t from, uint64_t to)
{
	size_t a = (from - start) / 4, b = (to - start) / 4, top = 0;
	uint8_t *seen;
	size_t *work;
	bool found = false;

	if (from < start || to < start || a >= n || b >= n)
		return false;
	seen = calloc(n, 1);
	work = malloc(n * sizeof(*work));
	if (!seen || !work) {
		free(seen);
		free(work);
		return true; /* no claim that it cannot */
	}
	seen[a] = 1;
	work[top++] = a;
	while (top && !found) {
		size_t i = work[--top];
		long succ[2];

		if (i == b) {
			found = true;
			break;
		}
		successors(insns, n, start, i, succ);
		for (int s = 0; s < 2; s++)
			if (succ[s] >= 0 && !seen[succ[s]]) {
				seen[succ[s]] = 1;
				work[top++] = (size_t)succ[s];
			}
	}
	free(seen);
	free(work);
	return found;
}

bool arm64_prologue_saved_slot(const uint32_t *insns, size_t n, unsigned int reg, int64_t *offset)
{
	int64_t record = -1; /* the record's offset from sp, once pushed */

	for (size_t i = 0; i < n; i++) {
		uint32_t insn = insns[i];
		unsigned int rt = insn & 31, rn = (insn >> 5) & 31, rt2 = (insn >> 10) & 31;
		int64_t imm7 = sext((insn >> 15) & 0x7f, 7) * 8;

		if ((insn & 0xffc07fffu) == 0xa9807bfdu) /* stp x29, x30, [sp, #-N]! */
			record = 0;
		else if ((insn & 0xffc07fffu) == 0xa9007bfdu) /* stp x29, x30, [sp, #M] */
			record = imm7;
		else if (record >= 0 && rn == 31 && (insn & 0xffc00000u) == 0xa9000000u &&
			 (rt == reg || rt2 == reg)) { /* stp xA, xB, [sp, #k] */
			*offset = imm7 + (rt == reg ? 0 : 8) - record;
			return true;
		} else if (record >= 0 && rn == 31 && (insn & 0xffc00000u) == 0xf9000000u &&
			   rt == reg) { /* str xA, [sp, #k] */
			*offset = (int64_t)((insn >> 10) & 0xfff) * 8 - record;
			return true;
		}
	}
	return false;
}

bool arm64_decode_veneer(const uint32_t *insns, size_t n, uint64_t pc, uint64_t *target)
{
	unsigned int rd, rd2, rn;
	uint64_t page, imm;
	size_t i = 0;

	if (n >= 1 && (insns[0] & 0xffffff3fu) == 0xd503241fu) /* BTI (any) */
		i = 1;
	if (n < i + 3 || !arm64_decode_adrp(insns[i], pc + 4 * i, &rd, &page) ||
	    (rd != 16 && rd != 17) || !arm64_decode_add_imm(insns[i + 1], &rd2, &rn, &imm) ||
	    rd2 != rd || rn != rd || insns[i + 2] != (0xd61f0000u | (rd << 5)))
		return false;
	*target = page + imm;
	return true;
}

int arm64_func_call_reg(const struct arm64_func_facts *f, uint64_t site)
{
	for (unsigned int i = 0; i < f->nr_calls; i++)
		if (f->calls[i].site == site && f->calls[i].indirect)
			return f->calls[i].reg;
	return -1;
}
