// SPDX-License-Identifier: GPL-2.0-or-later
#include "ftrace_arm64.h"

#include <endian.h>
#include <string.h>

#include "insn_arm64.h"
#include "mem.h"
#include "ptregs_arm64.h"

static const char *const trampolines[] = { "ftrace_caller", "ftrace_regs_caller", NULL };
/* 6.1's patched call slots: labels inside the trampolines */
static const char *const call_slots[] = { "ftrace_call", "ftrace_regs_call", NULL };

static const char *name_of(const struct kdc_kernel *k, uint64_t fn)
{
	struct kdc_symbol_hit hit;

	return fn && !kernel_symbolize(k, fn, &hit) && hit.name ? hit.name : NULL;
}

static bool is_one_of(const char *name, const char *const *list)
{
	for (; name && *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

static void add_callback(const struct kdc_kernel *k, struct arm64_ftrace_frame *f, uint64_t fn)
{
	const char *name = name_of(k, fn);

	if (!fn || !name || !strcmp(name, "ftrace_stub") || f->nr_callbacks >= FTRACE_CALLBACKS_MAX)
		return;
	for (unsigned int i = 0; i < f->nr_callbacks; i++)
		if (f->callback[i] == fn)
			return;
	f->callback[f->nr_callbacks++] = fn;
}

/*
 * The list function (arch_ftrace_ops_list_func(), kernel/trace/ftrace.c)
 * calls every registered ftrace_ops whose hashes take the traced site
 * (ftrace_ops_test()): walk ftrace_ops_list, ended by ftrace_list_end
 * (func ftrace_stub). Without KALLSYMS_ALL the head is found where the list
 * function's own code loads it (ADRP + LDR), each candidate proven by the
 * walk ending at ftrace_stub.
 */
#define OPS_MAX 32
#define HASH_BITS_MAX 12
#define HASH_CHAIN_MAX 64

struct ops_layout {
	uint64_t func, next, func_hash, filter, notrace, size_bits, buckets, count, entry_ip;
};

#define OPS(off, type, path) KTYPES_REQUIRED(struct ops_layout, off, type, NULL, path)
static const struct ktypes_field ops_fields[] = {
	OPS(func, "ftrace_ops", "func"),
	OPS(next, "ftrace_ops", "next"),
	OPS(func_hash, "ftrace_ops", "func_hash"),
	OPS(filter, "ftrace_ops_hash", "filter_hash"),
	OPS(notrace, "ftrace_ops_hash", "notrace_hash"),
	OPS(size_bits, "ftrace_hash", "size_bits"),
	OPS(buckets, "ftrace_hash", "buckets"),
	OPS(count, "ftrace_hash", "count"),
	OPS(entry_ip, "ftrace_func_entry", "ip"),
};
#undef OPS

static bool ops_layout(const struct kdc_ktypes *t, struct ops_layout *l)
{
	return !ktypes_resolve(ops_fields, sizeof(ops_fields) / sizeof(ops_fields[0]), t, l, NULL);
}

/* whether @hash holds a site of the function at [fn, fn + 16); -1 unreadable */
static int hash_holds(const struct kdc_kernel *k, const struct ops_layout *l, uint64_t hash,
		      uint64_t fn, bool *empty)
{
	uint64_t buckets, count;
	uint32_t bits;

	*empty = true;
	if (!hash)
		return 0;
	if (kernel_read_u32(k, hash + l->size_bits, &bits, NULL) || bits > HASH_BITS_MAX ||
	    kernel_read_u64(k, hash + l->count, &count, NULL) ||
	    kernel_read_u64(k, hash + l->buckets, &buckets, NULL))
		return -1;
	*empty = count == 0;
	for (uint64_t b = 0; count && b < (1ull << bits); b++) {
		uint64_t e;

		if (kernel_read_u64(k, buckets + 8 * b, &e, NULL))
			return -1;
		/* hlist_node is the entry's first member */
		for (unsigned int n = 0; e && n < HASH_CHAIN_MAX; n++) {
			uint64_t ip;

			if (kernel_read_u64(k, e + l->entry_ip, &ip, NULL))
				return -1;
			if (ip >= fn && ip < fn + 16)
				return 1;
			if (kernel_read_u64(k, e, &e, NULL))
				return -1;
		}
	}
	return 0;
}

/* the ops that take @traced; false when @head is not the list */
static bool walk_ops(const struct kdc_kernel *k, struct code_cache *code,
		     const struct ops_layout *l, uint64_t head, uint64_t traced,
		     struct arm64_ftrace_frame *f)
{
	uint64_t op, fns[OPS_MAX];
	unsigned int nr = 0;

	if (kernel_read_u64(k, head, &op, NULL))
		return false;
	for (unsigned int i = 0; i < OPS_MAX; i++) {
		uint64_t fn, hashes, filter, notrace;
		const char *name;
		bool empty_filter, empty_notrace;
		int in_filter, in_notrace;

		if (!op || kernel_read_u64(k, op + l->func, &fn, NULL) ||
		    code_entry(code, fn) != fn || !(name = name_of(k, fn)))
			return false;
		if (!strcmp(name, "ftrace_stub")) { /* ftrace_list_end */
			for (unsigned int j = 0; j < nr; j++)
				add_callback(k, f, fns[j]);
			return true;
		}
		if (kernel_read_u64(k, op + l->func_hash, &hashes, NULL) || !hashes ||
		    kernel_read_u64(k, hashes + l->filter, &filter, NULL) ||
		    kernel_read_u64(k, hashes + l->notrace, &notrace, NULL))
			return false;
		in_filter = hash_holds(k, l, filter, traced, &empty_filter);
		in_notrace = hash_holds(k, l, notrace, traced, &empty_notrace);
		/* an empty filter traces everything; unreadable hashes keep the op */
		if ((in_filter != 0 || empty_filter) && in_notrace != 1 && nr < OPS_MAX)
			fns[nr++] = fn;
		if (kernel_read_u64(k, op + l->next, &op, NULL))
			return false;
	}
	return false;
}

static void add_listed_ops(const struct kdc_kernel *k, struct code_cache *code,
			   struct arm64_ftrace_frame *f)
{
	static const char *const list_fns[] = { "arch_ftrace_ops_list_func", "ftrace_ops_list_func",
						NULL };
	struct ops_layout l;
	uint64_t head, at, cand[64];
	uint32_t insns[128];
	size_t n;

	if (!ops_layout(&k->types, &l))
		return;
	if (!symbols_address(&k->syms, "ftrace_ops_list", &head)) {
		walk_ops(k, code, &l, head, f->traced, f);
		return;
	}
	for (const char *const *fn = list_fns; *fn; fn++) {
		if (symbols_address(&k->syms, *fn, &at) ||
		    mem_read(k->mem, at, insns, sizeof(insns), NULL))
			continue;
		for (size_t i = 0; i < 128; i++)
			insns[i] = le32toh(insns[i]);
		n = arm64_adrp_add_targets(insns, 128, at, cand, 64);
		for (size_t i = 0; i < n; i++)
			if (walk_ops(k, code, &l, cand[i], f->traced, f))
				return;
	}
}

static bool read_block(const struct kdc_kernel *k, struct arm64_ftrace_frame *f,
		       const struct fg_node *n)
{
	const struct kdc_ktypes *t = &k->types;
	uint64_t size, off_fp, off_lr, off_sp, off_pc;
	struct ptregs_arm64_layout pl;

	if (!ktypes_size(t, "__arch_ftrace_regs", &size, NULL) &&
	    !ktypes_member(t, "__arch_ftrace_regs", "fp", &off_fp, NULL, NULL) &&
	    !ktypes_member(t, "__arch_ftrace_regs", "lr", &off_lr, NULL, NULL) &&
	    !ktypes_member(t, "__arch_ftrace_regs", "sp", &off_sp, NULL, NULL) &&
	    !ktypes_member(t, "__arch_ftrace_regs", "pc", &off_pc, NULL, NULL)) {
		f->layout = "__arch_ftrace_regs";
		f->regs = n->addr - size;
	} else if (!ptregs_arm64_layout(t, &pl, NULL)) {
		f->layout = "pt_regs";
		f->regs = n->addr - pl.stackframe;
		off_sp = pl.sp;
		off_pc = pl.pc;
		off_fp = pl.regs + 29 * 8; /* regs[29], regs[30] */
		off_lr = pl.regs + 30 * 8;
	} else {
		return false;
	}
	for (unsigned int i = 0; i < 9; i++)
		if (kernel_read_u64(k, f->regs + 8 * i, &f->x[i], NULL))
			return false;
	return !kernel_read_u64(k, f->regs + off_fp, &f->fp, NULL) &&
	       !kernel_read_u64(k, f->regs + off_lr, &f->lr, NULL) &&
	       !kernel_read_u64(k, f->regs + off_sp, &f->sp, NULL) &&
	       !kernel_read_u64(k, f->regs + off_pc, &f->pc, NULL);
}

void ftrace_frame_find(const struct kdc_kernel *k, struct code_cache *code,
		       const struct frame_graph *g, struct arm64_ftrace_frame *f)
{
	const struct fg_node *n = NULL;
	uint64_t off, ops, fn;

	memset(f, 0, sizeof(*f));
	f->node = -1;
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->node[i].anchored && !g->node[i].exception &&
		    is_one_of(name_of(k, g->node[i].owner), trampolines) &&
		    (!n || g->node[i].depth > n->depth)) {
			n = &g->node[i];
			f->node = (int)i;
		}
	if (!n || !read_block(k, f, n))
		return;
	/* the saved pc is the one after the call site's BL: its own record's lr */
	f->pc = symbols_strip_pac(&k->syms, f->pc);
	f->lr = symbols_strip_pac(&k->syms, f->lr);
	if (f->pc != n->lr)
		return;
	f->traced = code_entry(code, f->pc - 4);
	f->found = f->traced != 0;
	/* 6.12: the ops pointer literal before the call site */
	if (!strcmp(f->layout, "__arch_ftrace_regs") &&
	    !ktypes_member(&k->types, "ftrace_ops", "func", &off, NULL, NULL) &&
	    !kernel_read_u64(k, (f->pc & ~7ull) - 16, &ops, NULL) &&
	    !kernel_read_u64(k, ops + off, &fn, NULL) && code_entry(code, fn) == fn)
		add_callback(k, f, fn);
	/* 6.1: the patched BL in the trampoline's call slot */
	for (const char *const *slot = call_slots; *slot; slot++) {
		uint64_t at, target;
		uint32_t insn;

		if (!symbols_address(&k->syms, *slot, &at) &&
		    !kernel_read_u32(k, at, &insn, NULL) && arm64_decode_bl(insn, at, &target))
			add_callback(k, f, code_resolve_target(code, target));
	}
	/* the list function calls the registered ops in turn */
	for (unsigned int i = 0; i < f->nr_callbacks; i++) {
		const char *name = name_of(k, f->callback[i]);

		if (name && (!strcmp(name, "arch_ftrace_ops_list_func") ||
			     !strcmp(name, "ftrace_ops_list_func"))) {
			add_listed_ops(k, code, f);
			break;
		}
	}
}
