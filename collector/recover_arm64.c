// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where an arm64 CPU without a note is, reasoned from its stacks and the
 * code that built them.
 *
 * frame_graph_arm64.c gives every frame record on the CPU's task, IRQ and
 * overflow stacks as a tree rooted at the task's entry frame. Records of
 * returned calls sit below the live ones and look the same, so instead of
 * taking the deepest chain, every place the CPU could be is a candidate:
 * a record's own function (its code after the call that record made), or a
 * leaf it calls (a leaf pushes no record, so a running leaf leaves none),
 * or a function a dispatcher called (cpu_activity.h). Each candidate is
 * scored by what the code and the kernel's bookkeeping say, and every
 * point is named in its evidence:
 *  - a function that can never return, or "b .": the CPU stays there;
 *  - a loop that calls nothing (a spin), or a tight loop around a helper
 *    (udelay, cpu_relax wrappers): the loop is where the CPU stays, and the
 *    helper is reported through it;
 *  - code on the path that masks IRQs: a CPU that took no IPI for seconds
 *    has them masked (or is in hard-IRQ context, or at EL2);
 *  - preempt_count: in hard-IRQ context the live path runs through the IRQ
 *    stack; in task context records on the IRQ stack are left over; when
 *    serving a softirq it runs through __do_softirq or handle_softirqs;
 *  - a dispatcher's record of what it is running (kthread function, hrtimer
 *    callback, timer callback, kprobe handler, ftrace callback): the path
 *    through that call is live;
 *  - each level of records trusted without such evidence costs a little,
 *    so a left-over chain below the live frames loses to an equal
 *    explanation higher up.
 * Module PLT veneers are resolved to the kernel functions they branch to.
 * The result is ranked; confidence "function" only when the function cannot
 * be otherwise (it never returns, or a dispatcher names a leaf), "chain"
 * otherwise.
 */
#include "recover_arm64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code_arm64.h"
#include "frame_graph_arm64.h"
#include "ftrace_arm64.h"
#include "kvm_nvhe_arm64.h"
#include "func_arm64.h"
#include "insn_arm64.h"
#include "mem.h"

#define CANDS_MAX 96
#define TIGHT_LOOP_INSNS 24 /* a loop this small around a call keeps calling it */
#define TIGHT_LOOP_CALLS 2
#define MERGE_LEVELS 3	     /* helper levels a tight loop is looked for above a candidate */
#define HELPER_BYTES_MAX 512 /* a helper a tight loop calls: udelay's, cpu_relax wrappers */
#define SAVED_REG_SLOTS 16   /* words above an unknown callee's record searched for x19-x28 */

/* score points; a level of records trusted without evidence costs PTS_LEVEL */
enum {
	PTS_NEVER_RETURNS = 32, /* a leaf with no return */
	PTS_SELF_LOOP = 16,	/* "b ." (it may sit on a path never taken) */
	PTS_SPIN_LEAF = 8,	/* a leaf with a loop that calls nothing */
	PTS_SPIN_OWN = 4,	/* a record's own function with such a loop */
	PTS_SPIN_WAITS = 8,	/* ... that waits (WFE/YIELD) */
	PTS_TIGHT_LOOP = 12,	/* a tight loop around a helper */
	PTS_MASKS_SELF = 8,	/* msr daifset in the function itself */
	PTS_MASKS_PATH = 4,	/* in a function on the path, or IRQ/exception context */
	PTS_UNMASKED = -8,	/* nothing masks IRQs: it would have taken the IPIs */
	PTS_DISPATCH = 16,
	PTS_CONTEXT = 16,
	PTS_CONTEXT_WRONG = -24,
	PTS_LEVEL = -1,
	PTS_UNKNOWN_FN = -12,
	PTS_AFTER_CALL = -16, /* a call still on the stack comes after this place */
	PTS_NO_LOOP = -12,    /* no loop, no way to stay: the CPU would have moved on */
	PTS_LOCK_WAITERS = 4, /* a qspinlock slowpath whose lock has waiters */
	PTS_LOCK_FREE = -16,  /* ... whose lock has none: no CPU is in it for that lock */
};

/* functions that call an ftrace callback (arch/arm64/kernel/entry-ftrace.S,
 * kernel/trace/ftrace.c) */
static const char *const ftrace_callers[] = { "ftrace_caller",
					      "ftrace_regs_caller",
					      "ftrace_call",
					      "ftrace_regs_call",
					      "arch_ftrace_ops_list_func",
					      "ftrace_ops_list_func",
					      "ftrace_ops_assist_func",
					      NULL };

/* where softirqs are served (kernel/softirq.c): __do_softirq(), whose body
 * Linux kernel commit 1dd1eff161bd ("softirq: Fix suspicious RCU usage in
 * __do_softirq()") (in v6.10) moved into handle_softirqs(); stable trees
 * took it too (Debian's 6.1.176 has both), so both names are looked for */
static const char *const softirq_fns[] = { "__do_softirq", "handle_softirqs", NULL };

struct cand {
	int node; /* frame record it hangs from; -1 none */
	uint64_t fn, pc, return_to, via;
	int score;
	bool dispatched, never_returns, spin, tight, masks, exact_pc;
	bool at_el2;	    /* hangs from a hyp-stack record */
	bool dispatch_weak; /* the caller is not one the dispatcher names */
	bool confirmed_own; /* the own code of a record a dispatcher vouches for */
	const char *dispatch_kind;
	char why[384];
};

struct rctx {
	const struct kdc_kernel *k;
	const struct kdc_cpu *cpu;
	struct code_cache *code;
	struct frame_graph *g;
	struct kdc_cpu_activity *act;
	bool *confirmed; /* per node: reached by a call a dispatcher named */
	bool *innermost; /* per node: an exception frame with none in its subtree */
	bool caller_seen[KDC_DISPATCH_MAX]; /* a record of a caller the dispatcher names is linked
					     */
	const char **confirmed_by;
	unsigned int nr;
	struct cand c[CANDS_MAX];
};

static const char *name_of(const struct rctx *r, uint64_t fn)
{
	struct kdc_symbol_hit hit;

	return fn && !kernel_symbolize(r->k, fn, &hit) && hit.name ? hit.name : NULL;
}

static bool name_in(const char *name, const char *const *list)
{
	for (; name && list && *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/* The dispatcher entry naming @fn as called from @caller, if any. */
static const struct kdc_dispatch *dispatched(const struct rctx *r, uint64_t caller, uint64_t fn)
{
	const char *cname = name_of(r, caller);

	for (unsigned int i = 0; i < r->act->nr; i++)
		if (r->act->d[i].fn == fn && name_in(cname, r->act->d[i].callers))
			return &r->act->d[i];
	return NULL;
}

/*
 * An unknown callee reached by `blr xR` after `ldr xR, [xB, #imm]` with xB
 * callee-saved (x19-x28): the callee, if it uses xB, saved the caller's
 * value in its frame just above its record, and *(xB + imm) is the callee.
 * A slot qualifies when the word there plus imm points at a function entry
 * whose code pushes a record and stores xB; exactly one must qualify.
 */
static uint64_t callee_from_saved_regs(struct rctx *r, const struct fg_node *n,
				       const struct fg_node *parent)
{
	const struct arm64_func_facts *pf;
	uint64_t site = n->lr - 4, found = 0, base_imm = 0;
	unsigned int matches = 0;
	int reg, base = -1;

	if (!parent->owner || !(pf = code_function(r->code, parent->owner)) ||
	    (reg = arm64_func_call_reg(pf, site)) < 0)
		return 0;
	/* the load that set the call's register, in the few instructions before */
	for (uint64_t pc = site - 4; pc + 32 > site && pc >= pf->start; pc -= 4) {
		unsigned rt, rn;
		uint32_t insn;

		if (kernel_read_u32(r->k, pc, &insn, NULL))
			return 0;
		if (arm64_decode_ldr_imm(insn, &rt, &rn, &base_imm) && (int)rt == reg) {
			base = (int)rn;
			break;
		}
		if ((int)(insn & 31) == reg)
			return 0; /* set some other way */
	}
	if (base < 19 || base > 28)
		return 0;
	for (unsigned int s = 2; s < SAVED_REG_SLOTS; s++) {
		uint64_t v, fn;
		uint32_t prologue[ARM64_PROLOGUE_INSNS];
		int64_t slot;
		bool readable = true;

		if (kernel_read_u64(r->k, n->addr + 8 * s, &v, NULL) ||
		    kernel_read_u64(r->k, v + base_imm, &fn, NULL) || code_entry(r->code, fn) != fn)
			continue;
		for (unsigned int i = 0; i < ARM64_PROLOGUE_INSNS && readable; i++)
			readable = !kernel_read_u32(r->k, fn + 4 * i, &prologue[i], NULL);
		/* the candidate's own prologue must put xB exactly in this slot */
		if (!readable ||
		    !arm64_prologue_saved_slot(prologue, ARM64_PROLOGUE_INSNS, (unsigned int)base,
					       &slot) ||
		    slot != 8 * (int64_t)s)
			continue;
		if (fn != found)
			matches++;
		found = fn;
	}
	return matches == 1 ? found : 0;
}

/* Owners of records reached by indirect calls, from dispatchers and saved registers. */
static void identify_indirect(struct rctx *r)
{
	struct frame_graph *g = r->g;

	for (unsigned int i = 0; i < g->nr; i++) {
		struct fg_node *n = &g->node[i];
		const struct fg_node *p;
		uint64_t caller;

		if (!n->anchored || n->exception || !n->indirect || n->parent < 0)
			continue;
		p = &g->node[n->parent];
		/* the function the record returns into made the call, whether
		 * or not the parent's own owner is known (it may be an
		 * indirect call too: call_break_hook() -> kprobe handler) */
		caller = p->owner ? p->owner : code_entry(r->code, n->lr - 4);
		/* a dispatcher's word beats what the children suggest */
		for (unsigned int d = 0; d < r->act->nr; d++) {
			const struct arm64_func_facts *f;

			if (name_in(name_of(r, caller), r->act->d[d].callers) &&
			    (f = code_function(r->code, r->act->d[d].fn)) && f->pushes_record) {
				n->owner = r->act->d[d].fn;
				break;
			}
		}
		if (!n->owner) {
			/* an ops table or function pointer in a global, read
			 * out of the caller's code; it pushed this record */
			uint64_t t = code_indirect_target(r->code, n->lr - 4);
			const struct arm64_func_facts *f = t ? code_function(r->code, t) : NULL;

			if (f && f->pushes_record)
				n->owner = t;
		}
		if (!n->owner)
			n->owner = callee_from_saved_regs(r, n, p);
		if (n->owner && dispatched(r, caller, n->owner)) {
			r->confirmed[i] = true;
			r->confirmed_by[i] = dispatched(r, caller, n->owner)->kind;
		}
	}
}

static bool callee_masks_irqs(struct rctx *r, const struct arm64_func_facts *f);

struct path_facts {
	int levels; /* records trusted without a dispatcher's word */
	bool irq_stack, exception, softirq, masks;
	bool masks_above;	  /* masks, not counting the first record's own function */
	bool innermost_exception; /* through an exception frame with none below it */
	bool hyp;		  /* on the nVHE hypervisor's stack: EL2 runs with DAIF masked */
	unsigned int depth;
};

static void path_of(struct rctx *r, int node, struct path_facts *pf)
{
	/* in IRQ context the handler's records below the exception frame are
	 * where the CPU must be: only the levels above it are in doubt */
	bool free_below = r->act->hardirq || r->act->softirq || r->act->nmi;
	int path[FG_NODES_MAX], len = 0, exc = -1;

	memset(pf, 0, sizeof(*pf));
	for (int i = node; i >= 0 && len < FG_NODES_MAX; i = r->g->node[i].parent) {
		if (r->g->node[i].exception && exc < 0)
			exc = len;
		path[len++] = i;
	}
	for (int j = 0; j < len; j++) {
		const struct fg_node *n = &r->g->node[path[j]];
		const struct arm64_func_facts *f;

		pf->depth++;
		if (n->stack == KDC_STACK_IRQ)
			pf->irq_stack = true;
		if (n->stack == KDC_STACK_HYP)
			pf->hyp = true;
		if (n->exception)
			pf->exception = true;
		if (n->exception && r->innermost[path[j]])
			pf->innermost_exception = true;
		if (name_in(name_of(r, n->owner), softirq_fns))
			pf->softirq = true;
		if (n->owner && (f = code_function(r->code, n->owner)) &&
		    (f->masks_irqs || (j > 0 && callee_masks_irqs(r, f)))) {
			pf->masks = true;
			pf->masks_above |= j > 0;
		}
		/* a record whose function never returns is live: the CPU is in it or below */
		if (n->parent >= 0 && !r->confirmed[path[j]] &&
		    !(free_below && exc >= 0 && j < exc) &&
		    !(n->owner && (f = code_function(r->code, n->owner)) &&
		      arm64_func_never_returns(f)))
			pf->levels++;
	}
}

/* Exception frames with no other exception frame linked below them: a hard
 * IRQ that is running entered through one of these (nested IRQs stack up). */
static void find_innermost_exceptions(struct rctx *r)
{
	for (unsigned int i = 0; i < r->g->nr; i++)
		r->innermost[i] = r->g->node[i].anchored && r->g->node[i].exception;
	for (unsigned int i = 0; i < r->g->nr; i++) {
		if (!r->g->node[i].anchored || !r->g->node[i].exception)
			continue;
		/* every exception frame above this one has one below it */
		for (int p = r->g->node[i].parent, guard = 0; p >= 0 && guard < FG_NODES_MAX;
		     p = r->g->node[p].parent, guard++)
			r->innermost[p] = false;
	}
}

/*
 * A host that made an HVC (the HVC inline in the record's function, 6.12, or
 * in a leaf it calls, __kvm_call_hyp on 5.10-6.1) may still be in the nVHE hypervisor: its hyp
 * stack's records hang below that record.
 */
static void add_hyp_stack(struct rctx *r)
{
	int attach = -1;

	for (unsigned int i = 0; i < r->g->nr; i++) {
		const struct fg_node *n = &r->g->node[i];
		const struct arm64_func_facts *f;
		struct arm64_call_site calls[ARM64_FUNC_CALLS_MAX];
		unsigned int nr;

		if (!n->anchored || n->exception || !n->owner ||
		    !(f = code_function(r->code, n->owner)) ||
		    (attach >= 0 && n->depth <= r->g->node[attach].depth))
			continue;
		if (f->hvc) { /* 6.12 inlines arm_smccc_1_1_hvc() */
			attach = (int)i;
			continue;
		}
		nr = f->nr_calls;
		memcpy(calls, f->calls, nr * sizeof(calls[0]));
		for (unsigned int c = 0; c < nr; c++) {
			uint64_t t = calls[c].indirect
					     ? 0
					     : code_resolve_target(r->code, calls[c].target);
			const struct arm64_func_facts *cf = t ? code_function(r->code, t) : NULL;

			if (cf && cf->hvc && !cf->pushes_record)
				attach = (int)i;
		}
	}
	if (attach >= 0)
		nvhe_add_hyp_stack(r->k, r->code, r->cpu->cpu, attach, r->g);
}

/* An ftrace call in progress: its callbacks are what the trampoline runs. */
static void add_ftrace_callbacks(struct rctx *r, struct kdc_recovery *out)
{
	struct arm64_ftrace_frame f;
	uint64_t slot_site = 0, at;

	ftrace_frame_find(r->k, r->code, r->g, &f);
	if (!f.found)
		return;
	out->traced = (struct kdc_traced_call){ .found = true,
						.function = f.traced,
						.return_to = f.lr,
						.saved_at = f.regs,
						.layout = f.layout };
	memcpy(out->traced.args, f.x, sizeof(out->traced.args));
	/* 6.1 calls from a patched slot (a label inside the trampoline) */
	if (!symbols_address(&r->k->syms, "ftrace_call", &at))
		slot_site = at;
	for (unsigned int i = 0; i < f.nr_callbacks && r->act->nr < KDC_DISPATCH_MAX; i++)
		r->act->d[r->act->nr++] =
			(struct kdc_dispatch){ f.callback[i], KDC_DISPATCH_FTRACE, ftrace_callers,
					       f.regs, slot_site };
}

static void add_cand(struct rctx *r, int node, uint64_t fn, uint64_t return_to,
		     const struct kdc_dispatch *d)
{
	struct cand *c;

	if (r->nr >= CANDS_MAX || !fn)
		return;
	c = &r->c[r->nr++];
	memset(c, 0, sizeof(*c));
	c->node = node;
	c->fn = fn;
	c->return_to = return_to;
	c->dispatched = d != NULL;
	c->dispatch_kind = d ? d->kind : NULL;
}

static void gen_candidates(struct rctx *r)
{
	for (unsigned int i = 0; i < r->g->nr; i++)
		for (unsigned int d = 0; d < r->act->nr; d++)
			if (r->g->node[i].anchored &&
			    name_in(name_of(r, r->g->node[i].owner), r->act->d[d].callers))
				r->caller_seen[d] = true;
	for (unsigned int i = 0; i < r->g->nr; i++) {
		const struct fg_node *n = &r->g->node[i];
		const struct arm64_func_facts *f;
		struct arm64_func_facts facts;

		if (!n->anchored)
			continue;
		if (n->exception) {
			/* the interrupted context: exact, but live only if the handler is not */
			if (n->owner) {
				add_cand(r, (int)i, n->owner, 0, NULL);
				r->c[r->nr - 1].pc = n->lr;
				r->c[r->nr - 1].exact_pc = true;
			}
			continue;
		}
		if (!n->owner || !(f = code_function(r->code, n->owner)))
			continue;
		facts = *f; /* the cache may reuse the slot below */
		/* a dispatcher's leaf: it left no record to be found by */
		for (unsigned int d = 0; d < r->act->nr; d++) {
			const struct arm64_func_facts *df;
			uint64_t site = r->act->d[d].site;

			if (!name_in(name_of(r, n->owner), r->act->d[d].callers) ||
			    !(df = code_function(r->code, r->act->d[d].fn)) || df->pushes_record)
				continue;
			for (unsigned int c = 0; !site && c < facts.nr_calls; c++)
				if (facts.calls[c].indirect)
					site = facts.calls[c].site;
			add_cand(r, (int)i, r->act->d[d].fn, site ? site + 4 : 0, &r->act->d[d]);
		}
		add_cand(r, (int)i, n->owner, 0, NULL);
		if (r->confirmed[i] && r->nr) {
			r->c[r->nr - 1].confirmed_own = true;
			r->c[r->nr - 1].dispatch_kind = r->confirmed_by[i];
		}
		for (unsigned int c = 0; c < facts.nr_calls; c++) {
			const struct arm64_func_facts *cf;
			uint64_t t;

			if (facts.calls[c].indirect) {
				/* a dispatcher's leaf called from where no caller
				 * it is known to use is on the stack (a kernel that
				 * renamed or inlined it): at every indirect call,
				 * with half the weight */
				for (unsigned int d = 0; d < r->act->nr; d++)
					if (!r->caller_seen[d] &&
					    (cf = code_function(r->code, r->act->d[d].fn)) &&
					    !cf->pushes_record) {
						add_cand(r, (int)i, r->act->d[d].fn,
							 facts.calls[c].site + 4, &r->act->d[d]);
						r->c[r->nr - 1].dispatch_weak = true;
					}
				/* a leaf reached through a pointer the code reads
				 * from a global (an ops table) */
				t = code_indirect_target(r->code, facts.calls[c].site);
				if (t && (cf = code_function(r->code, t)) && !cf->pushes_record)
					add_cand(r, (int)i, t, facts.calls[c].site + 4, NULL);
				continue;
			}
			t = code_resolve_target(r->code, facts.calls[c].target);
			if (t && (cf = code_function(r->code, t)) && !cf->pushes_record)
				add_cand(r, (int)i, t, facts.calls[c].site + 4, NULL);
		}
	}
}

/*
 * A candidate inside a helper that a tight loop calls (udelay() -> __delay,
 * a cpu_relax() wrapper): the CPU keeps coming back to the loop, which is
 * what it is stuck in. Looks up to MERGE_LEVELS calls above the candidate.
 */
static void merge_into_loop(struct rctx *r, struct cand *c)
{
	uint64_t callee = c->fn, site = c->return_to ? c->return_to - 4 : 0;
	int node = c->node;

	if (c->exact_pc)
		return;
	for (int level = 0; level < MERGE_LEVELS && node >= 0; level++) {
		const struct fg_node *n = &r->g->node[node];
		const struct arm64_func_facts *f = code_function(r->code, callee);

		/* only a small helper that returns is called again and again (a
		 * big function a loop calls is where the CPU is, not the loop) */
		if (!f || arm64_func_never_returns(f) || f->self_loop || f->size > HELPER_BYTES_MAX)
			return;
		if (!site) { /* the callee is the record's own function: step up */
			if (n->parent < 0 || n->exception)
				return;
			site = n->lr - 4;
			node = n->parent;
			continue;
		}
		f = code_function(r->code, n->owner);
		if (f &&
		    arm64_func_tight_loop_around(f, site, TIGHT_LOOP_INSNS, TIGHT_LOOP_CALLS)) {
			c->via = c->fn;
			c->fn = n->owner;
			c->node = node;
			c->return_to = 0;
			/* the loop's function is the record's own: what vouches
			 * for the record vouches for it */
			if (!c->dispatched && r->confirmed[node]) {
				c->confirmed_own = true;
				c->dispatch_kind = r->confirmed_by[node];
			}
			return;
		}
		/* up one: the record's own function as the callee of its caller */
		if (n->parent < 0 || n->exception)
			return;
		callee = n->owner;
		site = n->lr - 4;
		node = n->parent;
	}
}

/*
 * Whether an IRQ mask in @fn (msr daifset) can come before the call at
 * @site: some masking instruction from which @site is reachable. True when
 * it cannot be told (too many masking sites, code unknown).
 */
static bool masking_reaches(struct rctx *r, uint64_t fn, uint64_t site)
{
	const struct arm64_func_facts *f = code_function(r->code, fn);
	uint64_t sites[ARM64_MASK_SITES];
	unsigned int nr;

	if (!f || f->nr_mask_sites > ARM64_MASK_SITES)
		return true;
	nr = f->nr_mask_sites;
	memcpy(sites, f->mask_site, nr * sizeof(sites[0])); /* the cache may reuse f's slot */
	for (unsigned int i = 0; i < nr; i++)
		if (code_reaches(r->code, sites[i], site))
			return true;
	return false;
}

/* A leaf it calls masks IRQs (GCC may keep local_irq_disable() out of line). */
static bool callee_masks_irqs(struct rctx *r, const struct arm64_func_facts *f)
{
	struct arm64_call_site calls[ARM64_FUNC_CALLS_MAX];
	unsigned int nr = f->nr_calls;

	memcpy(calls, f->calls, nr * sizeof(calls[0])); /* the cache may reuse f's slot */
	for (unsigned int i = 0; i < nr; i++) {
		const struct arm64_func_facts *cf;
		uint64_t t = calls[i].indirect ? 0 : code_resolve_target(r->code, calls[i].target);

		if (t && (cf = code_function(r->code, t)) && !cf->pushes_record && cf->masks_irqs)
			return true;
	}
	return false;
}

/* the calls that returned below a frame: a loop is live if one reaches it */
struct returned_calls {
	struct code_cache *code;
	uint64_t lr[8];
	unsigned int nr;
};

static bool reached_after_return(const struct arm64_loop *lp, void *ctx)
{
	const struct returned_calls *rc = ctx;

	for (unsigned int i = 0; i < rc->nr; i++)
		if (code_reaches(rc->code, rc->lr[i], lp->end))
			return true;
	return false;
}

/*
 * The spin loop of @f where @c's CPU would be: of @f's loops that call
 * nothing, one the code reaches from a call whose record still hangs below
 * the candidate's frame (that call returned; the CPU went on from there:
 * smp_call_function_single's csd_lock_wait() after generic_exec_single(),
 * not the csd_lock() before it), else arm64_func_spin_loop()'s choice.
 * @f must not live in the code cache (score()'s copy): code_reaches() may
 * reuse its slot.
 */
static uint64_t spin_loop_for(struct rctx *r, const struct cand *c,
			      const struct arm64_func_facts *f, bool *waits)
{
	struct returned_calls rc = { .code = r->code };
	uint64_t spin;

	if (c->return_to || c->node < 0)
		return arm64_func_spin_loop(f, waits);
	for (unsigned int i = 0; i < r->g->nr && rc.nr < 8; i++) {
		const struct fg_node *ch = &r->g->node[i];

		if (ch->anchored && ch->parent == c->node && !ch->exception &&
		    code_entry(r->code, ch->lr - 4) == f->start)
			rc.lr[rc.nr++] = ch->lr;
	}
	if (rc.nr && (spin = arm64_func_spin_loop_if(f, reached_after_return, &rc, waits)))
		return spin;
	return arm64_func_spin_loop(f, waits);
}

/*
 * A qspinlock waiter's lock says whether anyone waits on it:
 * queued_spin_lock_slowpath(lock, val) (kernel/locking/qspinlock.c,
 * 4.18-6.12) sets the pending bit or queues itself in the tail before it
 * spins, and the word is u32 { locked:8; pending:8 (1 with NR_CPUS >= 16K);
 * tail:16 } (include/asm-generic/qspinlock_types.h). The lock is x0 of the
 * call, read out of the callers' code. A lock no one waits on has no CPU in
 * its slowpath; one with waiters is where such a CPU spins.
 */
#define QSPINLOCK_WAITERS 0xffffff00u

enum lock_word { LOCK_UNKNOWN, LOCK_NO_WAITER, LOCK_WAITERS };

static enum lock_word lock_word_of(struct rctx *r, const struct cand *c, uint64_t *lock,
				   uint32_t *val)
{
	const char *name = name_of(r, c->fn);
	uint64_t callers[4];
	unsigned int nr = 0;

	if (!name || strcmp(name, "queued_spin_lock_slowpath") || !c->return_to || c->node < 0)
		return LOCK_UNKNOWN;
	for (int n = c->node; n >= 0 && nr < 4 && !r->g->node[n].exception;
	     n = r->g->node[n].parent)
		callers[nr++] = r->g->node[n].lr - 4;
	if (!code_arg_at_call(r->code, c->return_to - 4, 0, callers, nr, lock) ||
	    kernel_read_u32(r->k, *lock, val, NULL))
		return LOCK_UNKNOWN;
	return *val & QSPINLOCK_WAITERS ? LOCK_WAITERS : LOCK_NO_WAITER;
}

static void score(struct rctx *r, struct cand *c)
{
	/* a copy: the lookups below (callees, reachability) may reuse the
	 * cache slot the facts live in */
	const struct arm64_func_facts *cached = code_function(r->code, c->fn);
	struct arm64_func_facts facts;
	const struct arm64_func_facts *f = cached ? (facts = *cached, &facts) : NULL;
	struct path_facts pf;
	size_t w = 0;
	bool waits = false, leaf, masked_context, masked_later = false;
	uint64_t lock;
	uint32_t lock_val;
	uint64_t spin;
	char b[128];

#define WHY(...)                                                                                   \
	(w +=                                                                                      \
	 (size_t)snprintf(c->why + w, w < sizeof(c->why) ? sizeof(c->why) - w : 0, __VA_ARGS__))
	path_of(r, c->node, &pf);
	/* the interrupted context of an exception frame runs outside it */
	if (c->exact_pc && r->g->node[c->node].exception) {
		struct path_facts up;

		path_of(r, r->g->node[c->node].parent, &up);
		pf.exception = up.exception;
		pf.irq_stack = up.irq_stack;
	}
	c->score = PTS_LEVEL * pf.levels;
	leaf = c->return_to != 0;
	if (!f) {
		c->score += PTS_UNKNOWN_FN;
		WHY("code not in the dump; ");
	} else if (f->self_loop) {
		c->score += PTS_SELF_LOOP;
		c->never_returns = true;
		c->pc = f->self_loop_pc;
		c->exact_pc = true;
		WHY("its code holds \"b .\" at 0x%llx; ", (unsigned long long)f->self_loop_pc);
	} else if (leaf && arm64_func_never_returns(f)) {
		/* a non-leaf that never returns may still be in a callee: that
		 * only vouches for its record (path_of) */
		c->score += PTS_NEVER_RETURNS;
		c->never_returns = true;
		WHY("a leaf with no return; ");
	}
	if (f && (spin = spin_loop_for(r, c, f, &waits))) {
		c->score += (leaf ? PTS_SPIN_LEAF : PTS_SPIN_OWN) + (waits ? PTS_SPIN_WAITS : 0);
		c->spin = true;
		if (!c->pc)
			c->pc = spin;
		kernel_describe(r->k, spin, b, sizeof(b));
		WHY("a loop that calls nothing closes at %s%s; ", b,
		    waits ? " (it waits: WFE/YIELD)" : "");
	} else if (c->via) {
		const struct arm64_loop *lp = NULL;

		for (unsigned int l = 0; f && l < f->nr_loops; l++)
			if ((!lp || f->loops[l].size < lp->size) && f->loops[l].calls)
				lp = &f->loops[l];
		c->score += PTS_TIGHT_LOOP;
		c->tight = true;
		if (lp && !c->pc)
			c->pc = lp->end;
		WHY("a tight loop calls %s every time round; ",
		    name_of(r, c->via) ? name_of(r, c->via) : "a helper");
	}
	switch (lock_word_of(r, c, &lock, &lock_val)) {
	case LOCK_WAITERS:
		c->score += PTS_LOCK_WAITERS;
		WHY("its lock 0x%llx has waiters (word 0x%x); ", (unsigned long long)lock,
		    lock_val);
		break;
	case LOCK_NO_WAITER:
		c->score += PTS_LOCK_FREE;
		WHY("but its lock 0x%llx (x0 of the call) has no waiter (word 0x%x): no CPU spins "
		    "in the slowpath for it; ",
		    (unsigned long long)lock, lock_val);
		break;
	case LOCK_UNKNOWN:
		break;
	}
	/* a CPU stuck for seconds is in a loop, or where it cannot return from */
	if (f && !c->spin && !c->via && !c->never_returns && !f->self_loop && !c->exact_pc &&
	    !f->nr_loops) {
		c->score += PTS_NO_LOOP;
		WHY("no loop in it; ");
	}
	c->at_el2 = pf.hyp;
	masked_context = r->act->hardirq || r->act->nmi || pf.exception || pf.hyp;
	/* a leaf its caller calls only before masking ran with them enabled,
	 * as far as the caller goes (local_irq_disable() after the call) */
	if (leaf && pf.masks && !pf.masks_above &&
	    !masking_reaches(r, r->g->node[c->node].owner, c->return_to - 4)) {
		pf.masks = false;
		masked_later = true;
	}
	if (f && !f->masks_irqs && callee_masks_irqs(r, f))
		pf.masks = true;
	if (f && f->masks_irqs) {
		c->score += PTS_MASKS_SELF;
		c->masks = true;
		WHY("it masks IRQs (msr daifset); ");
	} else if (pf.masks || masked_context) {
		c->score += PTS_MASKS_PATH;
		c->masks = true;
		WHY("IRQs %s; ", pf.masks ? "are masked on the way (msr daifset)"
				 : pf.hyp ? "are masked at EL2 (nVHE hypervisor)"
					  : "are masked in exception context");
	} else if (masked_later) {
		c->score += PTS_UNMASKED;
		WHY("its caller masks IRQs only after calling it, so it ran with them enabled "
		    "and would have taken the IPIs; ");
	} else {
		c->score += PTS_UNMASKED;
		WHY("nothing on the way masks IRQs, yet the CPU took no IPI; ");
	}
	if (c->dispatched) {
		c->score += c->dispatch_weak ? PTS_DISPATCH / 2 : PTS_DISPATCH;
		WHY("the %s%s; ", c->dispatch_kind,
		    c->dispatch_weak ? ", though called from a function it is not known to use"
				     : "");
	} else if (c->confirmed_own) {
		/* the record is live; that its own code runs is another matter */
		c->score += PTS_DISPATCH / 4;
		WHY("its record is the %s's; ", c->dispatch_kind);
	}
	if (r->act->have_preempt_count) {
		/* a hard IRQ enters through an exception frame (softirqs, too,
		 * run on the IRQ stack, but from a call, not an exception) */
		if (r->act->hardirq) {
			c->score += pf.innermost_exception ? PTS_CONTEXT : PTS_CONTEXT_WRONG;
			WHY("%s hard-IRQ context (preempt_count 0x%x); ",
			    pf.innermost_exception ? "fits" : "outside the", r->act->preempt_count);
		} else if (pf.irq_stack && !r->act->softirq) {
			c->score += PTS_CONTEXT_WRONG;
			WHY("on the IRQ stack while preempt_count 0x%x says no IRQ is running; ",
			    r->act->preempt_count);
		}
		if (r->act->softirq) {
			c->score += pf.softirq ? PTS_CONTEXT / 2 : PTS_CONTEXT_WRONG / 2;
			WHY("%s the softirq preempt_count says is being served; ",
			    pf.softirq ? "inside" : "outside");
		}
	}
	/* code order: a call whose record hangs below this frame was made
	 * after the CPU was here, unless the code can loop back */
	if (!r->g->node[c->node].exception) {
		uint64_t here = c->return_to ? c->return_to - 4 : c->pc;

		for (unsigned int i = 0; here && i < r->g->nr; i++) {
			const struct fg_node *ch = &r->g->node[i];

			if (!ch->anchored || ch->parent != c->node ||
			    code_entry(r->code, ch->lr - (ch->exception ? 0 : 4)) !=
				    r->g->node[c->node].owner ||
			    code_reaches(r->code, ch->lr, here))
				continue;
			c->score += PTS_AFTER_CALL;
			kernel_describe(r->k, ch->lr, b, sizeof(b));
			WHY("but the %s at %s (record 0x%llx) comes after it with no way back; ",
			    ch->exception ? "exception" : "call returning", b,
			    (unsigned long long)ch->addr);
			break;
		}
	}
	/* a leaf called at one site of a frame whose call at another site the
	 * kernel's bookkeeping vouches for (the running hrtimer or timer
	 * callback, whose record hangs below it) is a stale guess: the frame is
	 * in that other call now (5.10's __hrtimer_run_queues calls
	 * queued_spin_lock_slowpath inline after the callback returns). Half
	 * the weight of a later call: base->running is cleared only after that
	 * lock is retaken, so a CPU spinning on a contended cpu_base->lock
	 * looks the same but for the lock word, which is not read here. */
	if (c->return_to && c->node >= 0 && !r->g->node[c->node].exception) {
		for (unsigned int i = 0; i < r->g->nr; i++) {
			const struct fg_node *ch = &r->g->node[i];
			unsigned int hops = 0;

			if (!r->confirmed[i] || !ch->anchored)
				continue;
			/* the vouched-for record may hang deeper (call_timer_fn
			 * between __run_timers and the callback): climb to the
			 * record directly below this frame's */
			while (ch->parent >= 0 && ch->parent != c->node && hops++ < r->g->nr)
				ch = &r->g->node[ch->parent];
			if (ch->parent != c->node || ch->exception || ch->lr == c->return_to)
				continue;
			c->score += PTS_AFTER_CALL / 2;
			kernel_describe(r->k, ch->lr, b, sizeof(b));
			WHY("but the frame is in the call returning at %s (record 0x%llx, on the "
			    "way "
			    "to the %s's); ",
			    b, (unsigned long long)ch->addr,
			    r->confirmed_by[i] ? r->confirmed_by[i] : "vouched-for callback");
			break;
		}
	}
	if (c->exact_pc && r->g->node[c->node].exception)
		WHY("the registers of an exception frame (pt_regs at 0x%llx); ",
		    (unsigned long long)r->g->node[c->node].pt_regs);
	if (pf.levels)
		WHY("%d frame record%s above it trusted as live; ", pf.levels,
		    pf.levels == 1 ? "" : "s");
#undef WHY
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->score != y->score ? (x->score < y->score ? 1 : -1)
				    : (x->node < y->node ? -1 : x->node > y->node);
}

static void describe_place(const struct rctx *r, const struct cand *c, char *buf, size_t len)
{
	const struct fg_node *n = c->node >= 0 ? &r->g->node[c->node] : NULL;
	char caller[128], fn[128];

	kernel_describe(r->k, c->fn, fn, sizeof(fn));
	if (!n) {
		snprintf(buf, len, "%s", fn);
		return;
	}
	if (n->exception) {
		kernel_describe(r->k, n->lr, caller, sizeof(caller));
	} else {
		/* a return address: the call is the instruction before it (a
		 * noreturn call may end its function, leaving lr on the next) */
		struct kdc_frame f = { .pc = n->lr, .is_return = true };
		struct kdc_symbol_hit hit;

		if (!frame_symbol(r->k, &f, &hit) && hit.name)
			snprintf(caller, sizeof(caller), "%s+0x%llx%s%s%s", hit.name,
				 (unsigned long long)hit.offset, hit.module ? " [" : "",
				 hit.module ? hit.module : "", hit.module ? "]" : "");
		else
			kernel_describe(r->k, n->lr, caller, sizeof(caller));
	}
	if (n->exception)
		snprintf(buf, len, "interrupted at %s (exception frame at 0x%llx)", caller,
			 (unsigned long long)n->addr);
	else if (c->return_to) {
		kernel_describe(r->k, c->return_to - 4, caller, sizeof(caller));
		snprintf(buf, len, "a leaf called at %s (frame record 0x%llx)", caller,
			 (unsigned long long)n->addr);
	} else
		snprintf(buf, len, "frame record 0x%llx returns to %s", (unsigned long long)n->addr,
			 caller);
}

static void build_backtrace(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
			    const struct kdc_regs *regs, bool leaf, struct kdc_backtrace *bt)
{
	struct kdc_regs from = *regs;

	if (leaf)
		from.pc = regs->lr;
	unwind(k, cpu, &from, bt);
	if (!leaf)
		return;
	/* frame 0 is the leaf; the walk's frame 0 is its caller */
	if (bt->nr < KDC_BACKTRACE_MAX) {
		memmove(&bt->frame[1], &bt->frame[0], bt->nr * sizeof(bt->frame[0]));
		bt->nr++;
	}
	bt->frame[0] = (struct kdc_frame){ .pc = regs->pc };
	bt->frame[1].is_return = true;
}

/*
 * The unwinder cannot follow hyp records (their frame pointers are hyp
 * VAs): the hyp frames come from the graph down to the host record that
 * made the HVC, and the walk resumes there, in the function at its HVC.
 */
static void build_hyp_backtrace(const struct rctx *r, const struct kdc_candidate *top,
				struct kdc_backtrace *bt)
{
	int node = frame_graph_find(r->g, top->frame), guard = 0;
	struct kdc_backtrace host = { 0 };
	struct kdc_regs from = { 0 };
	const struct arm64_func_facts *f;

	memset(bt, 0, sizeof(*bt));
	bt->frame[bt->nr++] = (struct kdc_frame){ .pc = top->pc ? top->pc : top->function };
	for (; node >= 0 && r->g->node[node].stack == KDC_STACK_HYP && guard < FG_NODES_MAX;
	     node = r->g->node[node].parent, guard++) {
		const struct fg_node *n = &r->g->node[node];

		if (bt->nr < KDC_BACKTRACE_MAX)
			bt->frame[bt->nr++] = (struct kdc_frame){ .pc = n->lr,
								  .fp = n->addr,
								  .is_return = true,
								  .have_stack = true,
								  .stack = KDC_STACK_HYP };
	}
	if (node < 0) {
		bt->stop = "hyp frame records end without reaching the host's";
		return;
	}
	f = code_function(r->code, r->g->node[node].owner);
	from.pc = f && f->hvc ? f->hvc_pc : r->g->node[node].owner;
	from.fp = r->g->node[node].addr;
	from.sp = from.fp;
	unwind(r->k, r->cpu, &from, &host);
	for (unsigned int i = 0; i < host.nr && bt->nr < KDC_BACKTRACE_MAX; i++)
		bt->frame[bt->nr++] = host.frame[i];
	bt->stop = host.stop;
	bt->complete = host.complete;
}

static void finish(struct rctx *r, struct kdc_recovery *out)
{
	unsigned int n = 0;

	if (r->nr)
		qsort(r->c, r->nr, sizeof(r->c[0]), cmp_cand);
	if (getenv("KDC_DEBUG_RECOVERY")) /* every candidate, for tuning on the corpus */
		for (unsigned int i = 0; i < r->nr; i++) {
			char fn[128];

			kernel_describe(r->k, r->c[i].fn, fn, sizeof(fn));
			fprintf(stderr, "cpu %u cand %3d node %d %s: %s\n", r->cpu->cpu,
				r->c[i].score, r->c[i].node, fn, r->c[i].why);
		}
	for (unsigned int i = 0; i < r->nr && n < KDC_CANDIDATES_MAX; i++) {
		struct kdc_candidate *o;
		const struct cand *c = &r->c[i];
		char place[256];
		bool dup = false;

		for (unsigned int j = 0; j < n; j++)
			dup |= out->cand[j].function == c->fn;
		if (dup)
			continue;
		o = &out->cand[n++];
		o->function = c->fn;
		o->pc = c->pc;
		o->score = c->score;
		o->frame = c->node >= 0 ? r->g->node[c->node].addr : 0;
		o->return_to = c->return_to;
		o->via = c->via;
		o->at_el2 = c->at_el2;
		o->dispatch_kind = c->dispatched ? c->dispatch_kind : NULL;
		o->method = c->dispatched ? "dispatcher record + frame records"
			    : c->exact_pc && c->node >= 0 && r->g->node[c->node].exception
				    ? "exception frame"
			    : c->via ? "frame records + tight loop"
				     : "frame records + code";
		o->confidence = KDC_CONF_CHAIN;
		describe_place(r, c, place, sizeof(place));
		snprintf(o->evidence, sizeof(o->evidence), "%s; %s", place, c->why);
	}
	out->nr_candidates = n;
	if (!n)
		return;
	/* certain only when nothing else comes close and the code leaves no
	 * way out: no return, or a dispatcher names this very leaf */
	if ((r->c[0].never_returns || (r->c[0].dispatched && r->c[0].return_to)) &&
	    (n == 1 || out->cand[0].score - out->cand[1].score >= PTS_DISPATCH))
		out->cand[0].confidence = KDC_CONF_FUNCTION;
}

void recover_arm64(const struct kdc_kernel *k, const struct kdc_cpu *cpu, struct kdc_recovery *out)
{
	struct rctx r = { .k = k, .cpu = cpu, .act = &out->activity };
	const struct kdc_candidate *top;
	char fn[128];

	cpu_activity_read(k, cpu, &out->activity);
	r.code = malloc(sizeof(*r.code));
	r.g = malloc(sizeof(*r.g));
	r.confirmed = calloc(FG_NODES_MAX, sizeof(*r.confirmed));
	r.innermost = calloc(FG_NODES_MAX, sizeof(*r.innermost));
	r.confirmed_by = calloc(FG_NODES_MAX, sizeof(*r.confirmed_by));
	if (!r.code || !r.g || !r.confirmed || !r.confirmed_by || !r.innermost) {
		snprintf(out->evidence, sizeof(out->evidence), "out of memory");
		goto out;
	}
	code_cache_init(r.code, k);
	out->anchored = frame_graph_build(k, cpu, r.code, r.g);
	out->records = r.g->nr;
	if (!out->anchored) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "no frame record on CPU %u's stacks (%s's) leads to its entry frame (%u "
			 "records seen)",
			 cpu->cpu, cpu->task.comm, r.g->nr);
		goto out;
	}
	identify_indirect(&r);
	frame_graph_prune(r.code, r.g);
	add_hyp_stack(&r);
	find_innermost_exceptions(&r);
	add_ftrace_callbacks(&r, out);
	if (getenv("KDC_DEBUG_RECOVERY"))
		for (unsigned int i = 0; i < out->activity.nr; i++) {
			char d[128];

			kernel_describe(k, out->activity.d[i].fn, d, sizeof(d));
			fprintf(stderr, "cpu %u dispatch %s: %s\n", cpu->cpu,
				out->activity.d[i].kind, d);
		}
	if (getenv("KDC_DEBUG_RECOVERY"))
		for (unsigned int i = 0; i < r.g->nr; i++) {
			const struct fg_node *n = &r.g->node[i];
			char own[128], lr[128];

			kernel_describe(k, n->owner, own, sizeof(own));
			kernel_describe(k, n->lr, lr, sizeof(lr));
			fprintf(stderr,
				"cpu %u node %u %s 0x%llx fp 0x%llx lr %s owner %s parent %d%s%s\n",
				cpu->cpu, i, kdc_stack_kind_name(n->stack),
				(unsigned long long)n->addr, (unsigned long long)n->fp, lr, own,
				n->parent, n->anchored ? " anchored" : "",
				n->exception ? " exception" : "");
		}
	gen_candidates(&r);
	/* only where the symbols name no hypervisor function at all (5.10's
	 * kallsyms): elsewhere an unknown hyp owner is an indirect call, and
	 * the named records say enough */
	if (symbols_address(&k->syms, "__kvm_nvhe___kvm_vcpu_run", &(uint64_t){ 0 }) &&
	    symbols_address(&k->syms, "__kvm_nvhe_handle_trap", &(uint64_t){ 0 }))
		for (unsigned int i = 0; i < r.g->nr; i++)
			out->hyp_unnamed += r.g->node[i].stack == KDC_STACK_HYP &&
					    r.g->node[i].anchored && !r.g->node[i].owner;
	for (unsigned int i = 0; i < r.nr; i++) {
		merge_into_loop(&r, &r.c[i]);
		score(&r, &r.c[i]);
	}
	finish(&r, out);
	if (!out->nr_candidates) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "%u linked frame records, but no "
			 "function could be placed in them",
			 out->anchored);
		goto out;
	}
	top = &out->cand[0];
	out->ok = true;
	out->method = top->method;
	out->confidence = top->confidence;
	out->regs.pc = top->pc ? top->pc : top->function;
	out->regs.fp = top->frame;
	out->regs.sp = top->frame;
	{
		int node = frame_graph_find(r.g, top->frame);

		out->regs.lr = top->return_to ? top->return_to : node >= 0 ? r.g->node[node].lr : 0;
		/* an exception frame's own candidate: its registers, exactly */
		if (node >= 0 && r.g->node[node].exception && top->pc == r.g->node[node].lr) {
			uint64_t pt = r.g->node[node].pt_regs, v;

			for (unsigned int i = 0; i < 31; i++)
				if (!kernel_read_u64(k, pt + 8 * i, &v, NULL))
					out->regs.r[i] = v;
			if (!kernel_read_u64(k, pt + r.g->ptregs.sp, &v, NULL))
				out->regs.sp = v;
			out->regs.fp = out->regs.r[29];
			out->regs.lr = out->regs.r[30];
		}
	}
	if (top->at_el2)
		build_hyp_backtrace(&r, top, &out->bt);
	else
		build_backtrace(k, cpu, &out->regs, top->return_to != 0, &out->bt);
	kernel_describe(k, top->function, fn, sizeof(fn));
	snprintf(
		out->evidence, sizeof(out->evidence),
		"%s ranked first of %u candidates (%u of "
		"%u frame records linked; context %s): %s%s",
		fn, out->nr_candidates, out->anchored, out->records,
		cpu_activity_context(&out->activity), top->evidence,
		top->at_el2 || !out->hyp_unnamed
			? ""
			: "but the nVHE hypervisor's stack has frame records linked below the "
			  "host's "
			  "call into it, in code the symbols name no function for (5.10's kallsyms "
			  "leaves out every __kvm_nvhe_ symbol; --vmlinux names them): the CPU may "
			  "be at EL2 instead; ");
out:
	if (r.code)
		code_cache_fini(r.code);
	free(r.code);
	free(r.g);
	free(r.confirmed);
	free(r.confirmed_by);
	free(r.innermost);
}
