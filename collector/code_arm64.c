// SPDX-License-Identifier: GPL-2.0-or-later
#include "code_arm64.h"

#include <stdlib.h>
#include <string.h>

#include "insn_arm64.h"
#include "cursor.h"
#include "mem.h"

void code_cache_init(struct code_cache *c, const struct kdc_kernel *k)
{
	memset(c, 0, sizeof(*c));
	c->k = k;
}

void code_cache_fini(struct code_cache *c)
{
	for (unsigned int i = 0; i < CODE_CACHE_SLOTS; i++)
		free(c->slot[i].insns);
	memset(c, 0, sizeof(*c));
}

uint64_t code_entry(const struct code_cache *c, uint64_t addr)
{
	struct kdc_symbol_hit hit;

	if (kernel_symbolize(c->k, addr, &hit) || !hit.name)
		return 0;
	return addr - hit.offset;
}

/* Reads up to @n words at @at; returns how many could be read (a symbol's
 * size runs to the next symbol, sometimes over padding the dump left out). */
static size_t read_insns_upto(const struct kdc_kernel *k, uint64_t at, uint32_t *w, size_t n)
{
	uint8_t buf[4 * 256];
	size_t done = 0;

	while (done < n) {
		/* stay within one 1 KiB block: a missing page ends the read there */
		size_t now = n - done < 256 ? n - done : 256;

		if (mem_read(k->mem, at + 4 * done, buf, 4 * now, NULL))
			return done;
		for (size_t i = 0; i < now; i++) /* AArch64 code is little-endian */
			w[done + i] = (uint32_t)kdc_load_word(buf + 4 * i, 4, false);
		done += now;
	}
	return done;
}

static bool read_insns(const struct kdc_kernel *k, uint64_t at, uint32_t *w, size_t n)
{
	return read_insns_upto(k, at, w, n) == n;
}

const struct arm64_func_facts *code_function(struct code_cache *c, uint64_t addr)
{
	struct kdc_symbol_hit hit;
	uint64_t start, n;
	struct code_fn *s;
	uint32_t *insns;

	if (kernel_symbolize(c->k, addr, &hit) || !hit.name || !hit.size)
		return NULL;
	start = addr - hit.offset;
	for (unsigned int i = 0; i < CODE_CACHE_SLOTS; i++)
		if (c->slot[i].start == start)
			return c->slot[i].ok ? &c->slot[i].facts : NULL;
	n = hit.size / 4 < CODE_FN_INSNS_MAX ? hit.size / 4 : CODE_FN_INSNS_MAX;
	s = &c->slot[c->next];
	c->next = (c->next + 1) % CODE_CACHE_SLOTS;
	free(s->insns);
	s->insns = NULL;
	s->start = start;
	s->ok = false;
	if (!n || !(insns = malloc(n * 4)))
		return NULL;
	{
		size_t got = read_insns_upto(c->k, start, insns, (size_t)n);

		if (got) {
			arm64_func_analyze(insns, got, start, &s->facts);
			/* the part not read may return: never claim it cannot */
			if (got < hit.size / 4)
				s->facts.has_return = true;
			s->ok = true;
			s->insns = insns;
			insns = NULL;
		}
	}
	free(insns);
	return s->ok ? &s->facts : NULL;
}

bool code_reaches(struct code_cache *c, uint64_t from, uint64_t to)
{
	const struct arm64_func_facts *f = code_function(c, from);

	for (unsigned int i = 0; f && i < CODE_CACHE_SLOTS; i++)
		if (c->slot[i].ok && &c->slot[i].facts == f)
			return arm64_reaches(c->slot[i].insns, (size_t)(f->size / 4), f->start,
					     from, to);
	return true;
}

uint64_t code_resolve_target(struct code_cache *c, uint64_t target)
{
	struct kdc_symbol_hit hit;
	uint32_t w[4];
	uint64_t dest;

	if (!kernel_symbolize(c->k, target, &hit) && hit.name && hit.offset == 0)
		return target;
	if (read_insns(c->k, target, w, 4) && arm64_decode_veneer(w, 4, target, &dest) &&
	    !kernel_symbolize(c->k, dest, &hit) && hit.name && hit.offset == 0)
		return dest;
	return 0;
}

/* [_sinittext, _einittext): kallsyms keeps these markers with text-only symbols too */
static bool in_init_text(const struct code_cache *c, uint64_t addr)
{
	uint64_t lo, hi;

	return !symbols_address(&c->k->syms, "_sinittext", &lo) &&
	       !symbols_address(&c->k->syms, "_einittext", &hi) && addr >= lo && addr < hi;
}

bool code_call_before(struct code_cache *c, uint64_t lr, uint64_t *target, bool *indirect)
{
	struct kdc_symbol_hit hit;
	uint32_t insn;
	uint64_t t;

	if (lr < 4 || kernel_symbolize(c->k, lr - 4, &hit) || !hit.name)
		return false;
	if (in_init_text(c, lr - 4)) {
		/* freed after boot and maybe reused (the boot CPU's idle chain
		 * runs through start_kernel): taken on trust, it cannot be read */
		*indirect = true;
		*target = 0;
		return true;
	}
	if (!read_insns(c->k, lr - 4, &insn, 1) || !arm64_is_call(insn))
		return false;
	*indirect = !arm64_decode_bl(insn, lr - 4, &t);
	*target = *indirect ? 0 : code_resolve_target(c, t);
	return true;
}

/*
 * The value X@reg holds at @pc, from the instructions before it in the
 * function starting at @start: its last definition, followed through
 * base registers; each step looks back CODE_SLICE_INSNS instructions and
 * stops at anything that may write the register in a way not modelled.
 */
/* The instruction at @at: from the decoded function holding it when it is
 * in the cache (the slice walks code the recovery has already read), else
 * from the dump. */
static bool insn_at(const struct code_cache *c, uint64_t at, uint32_t *insn)
{
	for (unsigned int i = 0; i < CODE_CACHE_SLOTS; i++) {
		const struct code_fn *s = &c->slot[i];

		if (s->ok && at >= s->start && at - s->start < s->facts.size) {
			*insn = s->insns[(at - s->start) / 4];
			return true;
		}
	}
	return read_insns(c->k, at, insn, 1);
}

struct slice_callers {
	const uint64_t *site; /* the call sites above, innermost first */
	unsigned int nr;
};

static bool reg_value(struct code_cache *c, uint64_t start, uint64_t pc, unsigned reg,
		      unsigned int *loads, unsigned int depth, const struct slice_callers *up,
		      uint64_t *out)
{
	uint64_t at;

	for (at = pc - 4; at >= start && at + 4 * CODE_SLICE_INSNS > pc && depth < 8; at -= 4) {
		unsigned rd, rn;
		uint64_t v, imm;
		uint32_t insn;

		if (!insn_at(c, at, &insn))
			return false;
		if (arm64_decode_adrp(insn, at, &rd, &v) && rd == reg) {
			*out = v;
			return true;
		}
		if (arm64_decode_add_imm(insn, &rd, &rn, &imm) && rd == reg) {
			if (!reg_value(c, start, at, rn, loads, depth + 1, up, &v))
				return false;
			*out = v + imm;
			return true;
		}
		if (arm64_decode_ldr_imm(insn, &rd, &rn, &imm) && rd == reg) {
			if (++*loads > CODE_SLICE_LOADS || rn == 31 ||
			    !reg_value(c, start, at, rn, loads, depth + 1, up, &v) ||
			    kernel_read_u64(c->k, v + imm, out, NULL))
				return false;
			return true;
		}
		if (arm64_decode_mov_reg(insn, &rd, &rn) && rd == reg)
			return rn != 31 && reg_value(c, start, at, rn, loads, depth + 1, up, out);
		if (arm64_may_write_reg(insn, reg))
			return false;
	}
	/* back at the entry with an argument register (AAPCS64 x0-x7): its
	 * value is what the caller passed at the call site above */
	if (at + 4 == start && reg <= 7 && up && up->nr) {
		const struct arm64_func_facts *cf = code_function(c, up->site[0]);
		struct slice_callers rest = { up->site + 1, up->nr - 1 };

		return cf &&
		       reg_value(c, cf->start, up->site[0], reg, loads, depth + 1, &rest, out);
	}
	return false;
}

bool code_arg_at_call(struct code_cache *c, uint64_t site, unsigned int reg,
		      const uint64_t *callers, unsigned int nr_callers, uint64_t *out)
{
	const struct arm64_func_facts *f = code_function(c, site);
	struct slice_callers up = { callers, nr_callers };
	unsigned int loads = 0;

	return f && reg <= 7 && reg_value(c, f->start, site, reg, &loads, 0, &up, out);
}

uint64_t code_indirect_target(struct code_cache *c, uint64_t site)
{
	const struct arm64_func_facts *f = code_function(c, site);
	uint64_t target;
	unsigned int loads = 0;
	int reg = f ? arm64_func_call_reg(f, site) : -1;

	if (reg < 0 || reg > 30 ||
	    !reg_value(c, f->start, site, (unsigned)reg, &loads, 0, NULL, &target))
		return 0;
	return code_entry(c, target) == target ? target : code_resolve_target(c, target);
}
