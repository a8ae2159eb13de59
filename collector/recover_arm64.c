// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A CPU that never took the crash-stop IPI left no registers, but its
 * current task's stack still holds the frame records ({x29, x30} pairs,
 * AAPCS64) of every call in progress, and below them records of calls that
 * have returned. This finds the frame-record chains that are consistent
 * (each return address follows a call instruction, each frame pointer
 * points higher on the same stack, the chain ends at the task's entry
 * frame), takes the deepest, and then decides where the CPU is:
 *
 *  - if, going up from the deepest record, a return address is followed by
 *    a call to a function with no return instruction (a deliberate
 *    infinite loop, or a noreturn function), the CPU came back from the
 *    older call and is inside that function; the records below are left
 *    over. Confidence "function": the function is known, the instruction is
 *    not (pc is reported as the branch that closes its loop, or its entry);
 *  - otherwise the deepest chain is taken as live, and pc is the entry of
 *    the function its deepest record belongs to. Confidence "chain": the
 *    CPU may be deeper, in a function that pushed no record.
 *
 * Only the task stack is scanned today; IRQ-stack and exception-frame
 * recovery and the KVM host context are separate sources.
 */
#include "recover_arm64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn_arm64.h"
#include "mem.h"

#define STACK_MAX (64u << 10)
#define CONTINUATION_INSNS 16	/* straight-line code looked at after a return address */
#define NORETURN_SCAN_MAX 4096	/* instructions of a callee checked for a return */

struct stack_scan {
	const struct kdc_kernel *k;
	uint64_t lo, hi, final_record;
	uint64_t *word;		/* the stack, read once */
	size_t nr_words;
	uint16_t *depth;	/* records to the entry frame from each slot; 0 = not a record */
};

static bool read_insn(const struct kdc_kernel *k, uint64_t pc, uint32_t *insn)
{
	return !kernel_read_u32(k, pc, insn, NULL);
}

/* A return address: in a known function, right after a call instruction. */
static bool is_return_address(const struct kdc_kernel *k, uint64_t lr)
{
	struct kdc_symbol_hit hit;
	uint32_t insn;

	return lr >= 4 && !kernel_symbolize(k, lr - 4, &hit) && hit.name &&
	       read_insn(k, lr - 4, &insn) && arm64_is_call(insn);
}

static void find_records(struct stack_scan *s)
{
	/* from the top down, so a record's parent is judged before it */
	for (size_t i = s->nr_words - 2; i + 2 > 0 && i < s->nr_words; i -= 2) {
		uint64_t at = s->lo + i * 8, fp = s->word[i];
		uint64_t lr = symbols_strip_pac(&s->k->syms, s->word[i + 1]);

		if (at == s->final_record || !s->word[i + 1] || !is_return_address(s->k, lr))
			continue;
		if (fp == s->final_record || fp == 0)
			s->depth[i] = 1;
		else if (fp > at && fp < s->hi - 8 && !(fp & 15) && s->depth[(fp - s->lo) / 8])
			s->depth[i] = (uint16_t)(s->depth[(fp - s->lo) / 8] + 1);
		if (i == 0)
			break;
	}
}

/*
 * Whether @fn (an entry point) has no return instruction and no tail call
 * out; *@loop is then its last backward branch (where a spinning CPU keeps
 * coming back to), or its entry when it has none.
 */
static bool never_returns(const struct kdc_kernel *k, uint64_t fn, uint64_t *loop)
{
	struct kdc_symbol_hit hit;
	uint64_t size, target;

	*loop = fn;
	if (kernel_symbolize(k, fn, &hit) || !hit.name || hit.offset != 0 || !hit.size)
		return false;
	size = hit.size < NORETURN_SCAN_MAX * 4 ? hit.size : NORETURN_SCAN_MAX * 4;
	for (uint64_t off = 0; off < size; off += 4) {
		uint32_t insn;

		if (!read_insn(k, fn + off, &insn) || arm64_is_return(insn))
			return false;
		if (arm64_decode_b(insn, fn + off, &target) && (target < fn || target >= fn + size))
			return false;	/* a tail call: it returns through the callee */
		if (arm64_decode_b(insn, fn + off, &target) && target <= fn + off)
			*loop = fn + off;
		if ((insn & 0xfffffc1fu) == 0xd61f0000u)	/* BR: an indirect jump */
			return false;
	}
	return true;
}

/* The function called first in the straight-line code at @ret, if it never returns. */
static bool noreturn_continuation(const struct kdc_kernel *k, uint64_t ret, uint64_t *callee,
				  uint64_t *call_site, uint64_t *loop)
{
	for (unsigned int n = 0; n < CONTINUATION_INSNS; n++) {
		uint64_t pc = ret + 4ull * n, target;
		uint32_t insn;

		if (!read_insn(k, pc, &insn) || arm64_is_return(insn))
			return false;
		if (arm64_decode_bl(insn, pc, &target)) {
			*callee = target;
			*call_site = pc;
			return never_returns(k, target, loop);
		}
		if (arm64_is_call(insn) || arm64_decode_b(insn, pc, &target) ||
		    (insn & 0xff000010u) == 0x54000000u ||	/* B.cond */
		    (insn & 0x7e000000u) == 0x34000000u ||	/* CBZ/CBNZ */
		    (insn & 0x7e000000u) == 0x36000000u)	/* TBZ/TBNZ */
			return false;
	}
	return false;
}

/* pc at @pc, then the frame-record walk from @fp, with @caller_ret as frame 1 when set. */
static void build_backtrace(const struct kdc_kernel *k, const struct kdc_cpu *cpu, uint64_t pc,
			    uint64_t caller_ret, uint64_t fp, struct kdc_recovery *out)
{
	struct kdc_regs from = { .pc = caller_ret ? caller_ret : pc, .fp = fp };
	struct kdc_backtrace walk;

	unwind(k, cpu, &from, &walk);
	out->bt = walk;
	if (!caller_ret)
		return;
	/* frame 0 is the recovered function; the walk's frame 0 is its caller */
	if (out->bt.nr < KDC_BACKTRACE_MAX) {
		memmove(&out->bt.frame[1], &out->bt.frame[0],
			(out->bt.nr) * sizeof(out->bt.frame[0]));
		out->bt.nr++;
	}
	out->bt.frame[0] = (struct kdc_frame){ .pc = pc };
	out->bt.frame[1].is_return = true;
}

void recover_arm64(const struct kdc_kernel *k, const struct kdc_cpu *cpu, struct kdc_recovery *out)
{
	const struct kdc_stack_range *task = NULL;
	struct stack_scan s = { .k = k };
	uint64_t ptregs_size, stackframe, deepest = 0;
	char a[128], b[128], c[128];

	for (unsigned int i = 0; i < cpu->nr_stacks; i++)
		if (cpu->stacks[i].kind == KDC_STACK_TASK)
			task = &cpu->stacks[i];
	if (!task || task->hi - task->lo > STACK_MAX) {
		snprintf(out->evidence, sizeof(out->evidence), "no task stack known for CPU %u",
			 cpu->cpu);
		return;
	}
	s.lo = task->lo;
	s.hi = task->hi;
	s.nr_words = (size_t)(s.hi - s.lo) / 8;
	if (!ktypes_size(&k->types, "pt_regs", &ptregs_size, NULL) &&
	    !ktypes_member(&k->types, "pt_regs", "stackframe", &stackframe, NULL, NULL))
		s.final_record = s.hi - ptregs_size + stackframe;
	s.word = malloc(s.nr_words * 8);
	s.depth = calloc(s.nr_words, sizeof(*s.depth));
	if (!s.word || !s.depth || mem_read(k->dump, s.lo, s.word, s.nr_words * 8, NULL)) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "CPU %u: task stack 0x%llx-0x%llx not readable", cpu->cpu,
			 (unsigned long long)s.lo, (unsigned long long)s.hi);
		goto out;
	}
	for (size_t i = 0; i < s.nr_words; i++)	/* the dump is little-endian */
		s.word[i] = le64toh(s.word[i]);
	find_records(&s);
	for (size_t i = 0; i < s.nr_words; i += 2)
		if (s.depth[i] >= 2) {
			deepest = s.lo + i * 8;
			break;
		}
	if (!deepest) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "no consistent frame-record chain on %s's stack", cpu->task.comm);
		goto out;
	}
	out->method = "frame-record scan of the task stack";
	/* from the deepest record up: the first return that leads into a
	 * function that cannot return is where the CPU went next */
	for (uint64_t at = deepest; at && at != s.final_record && at >= s.lo && at < s.hi;
	     at = s.word[(at - s.lo) / 8]) {
		uint64_t ret = symbols_strip_pac(&k->syms, s.word[(at - s.lo) / 8 + 1]);
		uint64_t parent = s.word[(at - s.lo) / 8], callee, site, loop;

		if (!noreturn_continuation(k, ret, &callee, &site, &loop))
			continue;
		out->ok = true;
		out->confidence = KDC_CONF_FUNCTION;
		/* the instruction is unknown; the loop's closing branch is where
		 * a spinning CPU passes every iteration */
		out->regs.pc = loop;
		out->regs.lr = site + 4;
		out->regs.fp = parent;
		/* the callee pushed no record of its own (or we would have found
		 * it): its SP is about the caller's frame */
		out->regs.sp = parent;
		kernel_describe(k, ret, a, sizeof(a));
		kernel_describe(k, callee, b, sizeof(b));
		snprintf(out->evidence, sizeof(out->evidence),
			 "%s's stack holds a frame-record chain from 0x%llx to the task's entry "
			 "frame; the record at 0x%llx returns to %s, whose next instruction calls "
			 "%s, a function with no return: the CPU came back from the earlier call "
			 "and is inside %s (records below 0x%llx are left over); pc is set to its "
			 "loop's closing branch at 0x%llx",
			 cpu->task.comm, (unsigned long long)deepest, (unsigned long long)at, a,
			 b, b, (unsigned long long)parent, (unsigned long long)loop);
		build_backtrace(k, cpu, loop, site + 4, parent, out);
		goto out;
	}
	{
		uint64_t ret = symbols_strip_pac(&k->syms, s.word[(deepest - s.lo) / 8 + 1]);
		uint32_t insn = 0;
		uint64_t callee = 0;

		read_insn(k, ret - 4, &insn);
		out->ok = true;
		out->confidence = KDC_CONF_CHAIN;
		out->regs.fp = deepest;
		out->regs.sp = deepest;
		out->regs.lr = ret;
		kernel_describe(k, ret, a, sizeof(a));
		if (arm64_decode_bl(insn, ret - 4, &callee)) {
			out->regs.pc = callee;
			kernel_describe(k, callee, c, sizeof(c));
		} else {
			out->regs.pc = ret;	/* an indirect call: only the caller is known */
			snprintf(c, sizeof(c), "an indirect callee");
		}
		snprintf(out->evidence, sizeof(out->evidence),
			 "the deepest consistent frame-record chain on %s's stack starts at 0x%llx, "
			 "called from %s into %s; the CPU is there or deeper (in code that saved "
			 "no frame record), unless these records are left from returned calls",
			 cpu->task.comm, (unsigned long long)deepest, a, c);
		if (callee)
			build_backtrace(k, cpu, callee, ret, s.word[(deepest - s.lo) / 8], out);
		else
			build_backtrace(k, cpu, ret, 0, s.word[(deepest - s.lo) / 8], out);
	}
out:
	free(s.word);
	free(s.depth);
}
