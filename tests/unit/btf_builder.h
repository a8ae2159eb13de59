// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel types for the analysis suites, built with libbpf's BTF writer
 * (btf__add_*) to the layout of the kernel version under test, so a suite
 * states which struct members a version has and where, as BTF would tell
 * the collector on a real dump of that version.
 */
#ifndef KDC_TEST_BTF_BUILDER_H
#define KDC_TEST_BTF_BUILDER_H

#include <bpf/btf.h>
#include <stdint.h>
#include <stdlib.h>

struct bb_field {
	const char *name; /* "" for an anonymous member */
	int type;
	uint32_t offset; /* bytes */
};

static inline int bb_check(int id)
{
	if (id < 0)
		abort(); /* a type the test itself got wrong */
	return id;
}

static inline int bb_fields(struct btf *btf, int id, const struct bb_field *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		bb_check(btf__add_field(btf, f[i].name, f[i].type, f[i].offset * 8, 0));
	return id;
}

static inline int bb_struct(struct btf *btf, const char *name, uint32_t size,
			    const struct bb_field *f, unsigned int n)
{
	return bb_fields(btf, bb_check(btf__add_struct(btf, name, size)), f, n);
}

static inline int bb_union(struct btf *btf, const char *name, uint32_t size,
			   const struct bb_field *f, unsigned int n)
{
	return bb_fields(btf, bb_check(btf__add_union(btf, name, size)), f, n);
}

static inline int bb_array(struct btf *btf, int elem, uint32_t nr)
{
	int index = bb_check(btf__add_int(btf, "__ARRAY_SIZE_TYPE__", 4, 0));

	return bb_check(btf__add_array(btf, index, elem, nr));
}

struct bb_percpu_var {
	const char *name;
	int type;
	uint32_t offset, size;
};

/* the .data..percpu DATASEC pahole writes (5.11+ kernels; older ones get
 * the same answers from symbols) */
static inline void bb_percpu(struct btf *btf, const struct bb_percpu_var *v, unsigned int n,
			     uint32_t sec_size)
{
	int vars[16];

	if (n > 16)
		abort();
	for (unsigned int i = 0; i < n; i++)
		vars[i] =
			bb_check(btf__add_var(btf, v[i].name, BTF_VAR_GLOBAL_ALLOCATED, v[i].type));
	bb_check(btf__add_datasec(btf, ".data..percpu", sec_size));
	for (unsigned int i = 0; i < n; i++)
		bb_check(btf__add_datasec_var_info(btf, vars[i], v[i].offset, v[i].size));
}

/* struct pt_regs as 6.1 has it (arch/arm64/include/asm/ptrace.h): user_regs
 * at 0, stackframe[2] at 304, 336 bytes; the members the collector reads */
#define BB_PT_REGS_SIZE 336u
#define BB_PT_REGS_STACKFRAME 304u
static inline int bb_pt_regs(struct btf *btf, int u64)
{
	return bb_struct(btf, "pt_regs", BB_PT_REGS_SIZE,
			 (struct bb_field[]){
				 { "regs", bb_array(btf, u64, 31), 0 },
				 { "sp", u64, 248 },
				 { "pc", u64, 256 },
				 { "pstate", u64, 264 },
				 { "stackframe", bb_array(btf, u64, 2), BB_PT_REGS_STACKFRAME } },
			 5);
}

#define BB_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
