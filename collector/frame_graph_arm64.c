// SPDX-License-Identifier: GPL-2.0-or-later
#include "frame_graph_arm64.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* PSTATE.M of a kernel context: EL1h (5), EL2h (9) and their SP_EL0 forms */
#define PSTATE_MODE_MASK 0xfull

struct stack_words {
	const struct kdc_stack_range *range;
	uint64_t *w; /* owned; NULL when unreadable */
	size_t n;
};

static int stack_rank(enum kdc_stack_kind k)
{
	/* the order the CPU enters them: task, then IRQ, then overflow */
	return k == KDC_STACK_TASK ? 0 : k == KDC_STACK_IRQ ? 1 : 2;
}

static bool word_at(const struct stack_words *sw, unsigned int nr, uint64_t addr, uint64_t *v,
		    enum kdc_stack_kind *kind)
{
	for (unsigned int i = 0; i < nr; i++) {
		const struct stack_words *s = &sw[i];

		if (s->w && addr >= s->range->lo && addr + 8 <= s->range->hi && !(addr & 7)) {
			*v = s->w[(addr - s->range->lo) / 8];
			if (kind)
				*kind = s->range->kind;
			return true;
		}
	}
	return false;
}

int frame_graph_find(const struct frame_graph *g, uint64_t addr)
{
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->node[i].addr == addr)
			return (int)i;
	return -1;
}

static bool in_entry_text(const struct kdc_kernel *k, uint64_t pc)
{
	uint64_t lo, hi;

	return !symbols_address(&k->syms, "__entry_text_start", &lo) &&
	       !symbols_address(&k->syms, "__entry_text_end", &hi) && pc >= lo && pc < hi;
}

static struct fg_node *add_node(struct frame_graph *g, uint64_t addr, uint64_t fp, uint64_t lr,
				enum kdc_stack_kind kind)
{
	struct fg_node *n;

	if (g->nr >= FG_NODES_MAX) {
		g->truncated = true;
		return NULL;
	}
	n = &g->node[g->nr++];
	*n = (struct fg_node){ .addr = addr, .fp = fp, .lr = lr, .stack = kind, .parent = -2 };
	return n;
}

static void find_records(const struct kdc_kernel *k, struct code_cache *code,
			 const struct stack_words *sw, unsigned int nr, struct frame_graph *g)
{
	/* task stack first, each from the top down: parents before children */
	for (int rank = 0; rank < 3; rank++)
		for (unsigned int i = 0; i < nr; i++) {
			const struct stack_words *s = &sw[i];

			if (!s->w || stack_rank(s->range->kind) != rank)
				continue;
			for (size_t j = (s->n - 2) & ~(size_t)1; j < s->n; j -= 2) {
				uint64_t lr = symbols_strip_pac(&k->syms, s->w[j + 1]), target;
				uint64_t addr = s->range->lo + 8 * j;
				bool indirect;
				struct fg_node *n;

				if (s->w[j + 1] && addr != g->final_record &&
				    code_call_before(code, lr, &target, &indirect) &&
				    (n = add_node(g, addr, s->w[j], lr, s->range->kind))) {
					n->owner = target;
					n->indirect = indirect;
				}
				if (j < 2)
					break;
			}
		}
}

/* pt_regs.stackframe records the entry code's C handlers point to. */
static void find_exceptions(const struct kdc_kernel *k, const struct stack_words *sw,
			    unsigned int nr, struct frame_graph *g)
{
	unsigned int nr_records = g->nr;

	if (!g->have_ptregs)
		return;
	for (unsigned int i = 0; i < nr_records; i++) {
		uint64_t e = g->node[i].fp, pt = e - g->ptregs.stackframe, fp, elr, pc, pstate;
		enum kdc_stack_kind kind;
		struct fg_node *n;
		int at;

		if (!in_entry_text(k, g->node[i].lr) || e == g->final_record ||
		    !word_at(sw, nr, e, &fp, &kind) || !word_at(sw, nr, e + 8, &elr, NULL) ||
		    !word_at(sw, nr, pt + g->ptregs.pc, &pc, NULL) ||
		    !word_at(sw, nr, pt + g->ptregs.pstate, &pstate, NULL) || pc != elr ||
		    ((pstate & PSTATE_MODE_MASK) != 5 && (pstate & PSTATE_MODE_MASK) != 9))
			continue;
		if ((at = frame_graph_find(g, e)) >= 0) {
			n = &g->node[at];
			n->lr = elr; /* an ELR, not a return address */
			n->owner = 0;
		} else if (!(n = add_node(g, e, fp, elr, kind))) {
			return;
		}
		n->exception = true;
		n->pt_regs = pt;
		n->indirect = false;
	}
}

static void link_and_anchor(struct frame_graph *g, uint64_t task_hi)
{
	for (unsigned int i = 0; i < g->nr; i++) {
		struct fg_node *n = &g->node[i];
		int p;

		/* fp 0 ends a chain only at the top of the task stack (4.18 and
		 * 5.10 kthreads end so); elsewhere it is a left-over word */
		if (n->fp == g->final_record || (n->fp == 0 && n->stack == KDC_STACK_TASK &&
						 n->addr + FG_TOP_SLACK >= task_hi)) {
			n->parent = -1;
			continue;
		}
		p = frame_graph_find(g, n->fp);
		if (p >= 0 && ((g->node[p].stack == n->stack && g->node[p].addr > n->addr) ||
			       stack_rank(g->node[p].stack) < stack_rank(n->stack)))
			n->parent = p;
	}
	/* parents are strictly older, so depths settle in at most nr passes */
	for (bool changed = true; changed;) {
		changed = false;
		for (unsigned int i = 0; i < g->nr; i++) {
			struct fg_node *n = &g->node[i];

			if (n->anchored)
				continue;
			if (n->parent == -1 || (n->parent >= 0 && g->node[n->parent].anchored)) {
				n->anchored = true;
				n->depth = n->parent == -1 ? 1 : g->node[n->parent].depth + 1;
				changed = true;
			}
		}
	}
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->node[i].anchored && g->node[i].parent >= 0)
			g->node[g->node[i].parent].nr_children++;
}

/*
 * The children's function @fn is one @n's caller calls directly, at another
 * site than the BLR @n returns to: they are left from that direct call,
 * whose record sat where a later indirect call's callee put its own.
 */
static bool called_directly_elsewhere(struct code_cache *code, const struct fg_node *n, uint64_t fn)
{
	const struct arm64_func_facts *f;
	uint64_t site = n->lr - 4;
	struct arm64_call_site calls[ARM64_FUNC_CALLS_MAX];
	unsigned int nr;

	if (!fn || !n->indirect || !(f = code_function(code, site)))
		return false;
	/* copied: resolving targets may reuse the cache slot f lives in */
	nr = f->nr_calls;
	memcpy(calls, f->calls, nr * sizeof(calls[0]));
	for (unsigned int i = 0; i < nr; i++)
		if (!calls[i].indirect && calls[i].site != site &&
		    code_resolve_target(code, calls[i].target) == fn)
			return true;
	return false;
}

/*
 * A record reached by BLR: its function is the one its children return
 * into, when they all agree (a child can be left from an earlier call that
 * had its record at the same address: the dispatcher's word, taken later
 * by the recovery, wins over this guess).
 */
static void owners_from_children(struct code_cache *code, struct frame_graph *g)
{
	uint64_t guess[FG_NODES_MAX] = { 0 };
	bool conflict[FG_NODES_MAX] = { false };

	for (unsigned int i = 0; i < g->nr; i++) {
		const struct fg_node *c = &g->node[i];
		uint64_t e;

		if (!c->anchored || c->parent < 0 || c->exception || g->node[c->parent].owner ||
		    g->node[c->parent].exception)
			continue;
		e = code_entry(code, c->lr - 4);
		if (guess[c->parent] && guess[c->parent] != e)
			conflict[c->parent] = true;
		guess[c->parent] = e;
	}
	for (unsigned int i = 0; i < g->nr; i++) {
		if (!g->node[i].exception && !g->node[i].owner && !conflict[i] &&
		    !called_directly_elsewhere(code, &g->node[i], guess[i]))
			g->node[i].owner = guess[i];
		if (g->node[i].exception)
			g->node[i].owner = code_entry(code, g->node[i].lr);
	}
}

void frame_graph_prune(struct code_cache *code, struct frame_graph *g)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (unsigned int i = 0; i < g->nr; i++) {
			struct fg_node *c = &g->node[i];
			const struct fg_node *p;

			if (!c->anchored || c->parent < 0)
				continue;
			p = &g->node[c->parent];
			if (!p->anchored || (!c->exception && !p->exception && p->owner &&
					     code_entry(code, c->lr - 4) != p->owner)) {
				c->anchored = false;
				changed = true;
			}
		}
	}
	for (unsigned int i = 0; i < g->nr; i++)
		g->node[i].nr_children = 0;
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->node[i].anchored && g->node[i].parent >= 0)
			g->node[g->node[i].parent].nr_children++;
}

/*
 * Page by page: the unused bottom of a stack is often all zeros, and dump
 * filters (makedumpfile -d 1) leave such pages out; they hold no records.
 */
static bool read_stack(const struct kdc_kernel *k, const struct kdc_stack_range *r, uint8_t *raw)
{
	uint64_t ps = k->page_size ? k->page_size : 4096;
	bool any = false;

	for (uint64_t at = r->lo; at < r->hi;) {
		uint64_t end = (at | (ps - 1)) + 1;

		if (end > r->hi)
			end = r->hi;
		any |= !mem_read(k->mem, at, raw + (at - r->lo), (size_t)(end - at), NULL);
		at = end;
	}
	return any;
}

unsigned int frame_graph_build(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
			       struct code_cache *code, struct frame_graph *g)
{
	struct stack_words sw[KDC_CPU_STACKS] = { { 0 } };
	unsigned int nr = 0, anchored = 0;
	uint64_t task_hi = 0;

	memset(g, 0, sizeof(*g));
	g->have_ptregs = !ptregs_arm64_layout(&k->types, &g->ptregs, NULL);
	for (unsigned int i = 0; i < cpu->nr_stacks; i++) {
		const struct kdc_stack_range *r = &cpu->stacks[i];
		struct stack_words *s = &sw[nr++];
		uint8_t *raw;

		s->range = r;
		if (r->hi - r->lo > FG_STACK_BYTES_MAX || (r->lo & 15) || (r->hi & 15))
			continue;
		if (r->kind == KDC_STACK_TASK)
			task_hi = r->hi;
		if (r->kind == KDC_STACK_TASK && g->have_ptregs)
			g->final_record = r->hi - g->ptregs.size + g->ptregs.stackframe;
		s->n = (size_t)(r->hi - r->lo) / 8;
		raw = calloc(1, r->hi - r->lo);
		s->w = malloc(s->n * 8);
		if (raw && s->w && read_stack(k, r, raw)) {
			for (size_t j = 0; j < s->n; j++)
				s->w[j] = mem_decode(k->mem, raw + 8 * j, 8);
		} else {
			free(s->w);
			s->w = NULL;
		}
		free(raw);
	}
	find_records(k, code, sw, nr, g);
	find_exceptions(k, sw, nr, g);
	link_and_anchor(g, task_hi);
	owners_from_children(code, g);
	for (unsigned int i = 0; i < nr; i++)
		free(sw[i].w);
	for (unsigned int i = 0; i < g->nr; i++)
		anchored += g->node[i].anchored;
	return anchored;
}
