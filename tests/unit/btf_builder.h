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
	const char *name;	/* "" for an anonymous member */
	int type;
	uint32_t offset;	/* bytes */
};

static inline int bb_check(int id)
{
	if (id < 0)
		abort();	/* a type the test itself got wrong */
	return id;
}

static inline int bb_struct(struct btf *btf, const char *name, uint32_t size,
			    const struct bb_field *f, unsigned int n)
{
	int id = bb_check(btf__add_struct(btf, name, size));

	for (unsigned int i = 0; i < n; i++)
		bb_check(btf__add_field(btf, f[i].name, f[i].type, f[i].offset * 8, 0));
	return id;
}

static inline int bb_union(struct btf *btf, const char *name, uint32_t size,
			   const struct bb_field *f, unsigned int n)
{
	int id = bb_check(btf__add_union(btf, name, size));

	for (unsigned int i = 0; i < n; i++)
		bb_check(btf__add_field(btf, f[i].name, f[i].type, f[i].offset * 8, 0));
	return id;
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
		vars[i] = bb_check(btf__add_var(btf, v[i].name, BTF_VAR_GLOBAL_ALLOCATED, v[i].type));
	bb_check(btf__add_datasec(btf, ".data..percpu", sec_size));
	for (unsigned int i = 0; i < n; i++)
		bb_check(btf__add_datasec_var_info(btf, vars[i], v[i].offset, v[i].size));
}

#define BB_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
