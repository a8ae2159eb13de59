// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every analysis needs to know about the crashed kernel, found once:
 * its symbols, its types, where each CPU's per-CPU area is, and the struct
 * layouts the analyses read. Each part that could not be found leaves its
 * error here, so the report can say what is missing and still show the rest.
 */
#ifndef KDC_KERNEL_H
#define KDC_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "dump.h"
#include "ktypes.h"
#include "modules.h"
#include "symbols.h"

/* CONFIG_NR_CPUS is 256 in Debian arm64 and 4096 at most on arm64. */
#define KDC_CPUS_MAX 4096

/* Offsets into struct task_struct and struct rq; 0 and !have when absent. */
struct kdc_task_layout {
	uint64_t pid, comm, stack, state, state_size, cpu, cpu_context;
	bool have_state, have_cpu, have_cpu_context;
};

struct kdc_rq_layout {
	uint64_t curr, cpu, online;
	bool have_online;
};

/* a per-CPU variable read out of code, remembered (addr 0: not found, why) */
#define KDC_PERCPU_MEMO_MAX 16
struct kdc_percpu_memo {
	const char *name; /* borrowed: the caller's literal */
	uint64_t addr;
	char why[KDC_ERR_MSG_MAX];
};

struct kdc_kernel {
	struct kdc_dump *dump;		 /* borrowed */
	const struct kdc_mem *mem;	 /* borrowed: what every analysis reads */
	const struct kdc_sources *src;	 /* borrowed, may be NULL */
	struct kdc_profile_file profile; /* owned; buf NULL when none */
	struct kdc_symbols syms;	 /* owned */
	struct kdc_ktypes types;	 /* owned */
	uint64_t page_size;
	uint64_t thread_size;		/* task and IRQ stack size */
	const char *thread_size_source; /* "btf" or "arch default"; static */

	/* per-CPU areas; nr_cpus == 0 when they could not be found */
	const char *percpu_source;	     /* how __per_cpu_offset was found; static */
	uint64_t per_cpu_offset_addr;	     /* &__per_cpu_offset[0] */
	uint64_t per_cpu_start;		     /* __per_cpu_start (KASLR-relocated) */
	bool have_per_cpu_start;	     /* else per_cpu_start holds runqueues_addr */
	uint64_t runqueues_addr;	     /* when read out of code; 0 otherwise */
	struct kdc_percpu_memo *percpu_memo; /* owned; KDC_PERCPU_MEMO_MAX */
	uint64_t percpu_area_size;	     /* __per_cpu_end - __per_cpu_start; 0 unknown */
	bool percpu_vars_from_btf;	     /* else variables by symbol - __per_cpu_start */
	const char *percpu_vars_source;	     /* static */
	unsigned int nr_cpus;		     /* possible CPUs: offsets[0..nr_cpus) */
	uint64_t cpu_offset[KDC_CPUS_MAX];

	struct kdc_task_layout task;
	struct kdc_rq_layout rq;
	uint64_t runqueues_off; /* per-CPU offset of runqueues */

	struct kdc_modules modules; /* owned */

	bool have_symbols, have_types, have_layouts, have_modules;
	struct kdc_err symbols_err, types_err, percpu_err, layout_err, modules_err, profile_err;
	struct kdc_err page_size_err; /* VMCOREINFO's PAGESIZE was not one */
};

/**
 * kernel_load() - find everything above for @dump
 * @src: symbol and type sources the user gave, may be NULL
 * @k: caller-provided; always initialised, release with kernel_fini()
 * Return: the number of parts that could not be found (each with its error
 * in @k); 0 when all is there.
 */
unsigned int kernel_load(struct kdc_dump *dump, const struct kdc_sources *src,
			 struct kdc_kernel *k);

void kernel_fini(struct kdc_kernel *k);

/* a static per-CPU area larger than this is not one (6.1 arm64: ~80 KiB) */
#define KDC_PERCPU_AREA_MAX (16ull << 20)

/**
 * kernel_percpu_var() - offset of static per-CPU variable @name from
 * __per_cpu_start and its size (@size may be NULL; 0 when unknown): from
 * BTF's .data..percpu, else from the symbol table, else read out of code
 * that uses it (then relative to runqueues, the area's start unknown)
 * Return: KC_OK; KC_NODATA when neither knows it.
 */
enum kdc_status kernel_percpu_var(const struct kdc_kernel *k, const char *name, uint64_t *offset,
				  uint64_t *size, struct kdc_err *err);

/* the per-CPU variables the analyses read, NULL-terminated (the report
 * lists where each was found) */
extern const char *const kernel_percpu_vars_used[];

/** kernel_percpu_area_size() - bytes of one CPU's static per-CPU area; 0 unknown */
uint64_t kernel_percpu_area_size(const struct kdc_kernel *k);

/**
 * kernel_percpu_addr() - address of per-CPU variable @name on @cpu
 * Return: KC_OK; KC_NODATA when the variable or the CPU's area is unknown.
 */
enum kdc_status kernel_percpu_addr(const struct kdc_kernel *k, const char *name, unsigned int cpu,
				   uint64_t *addr, struct kdc_err *err);

/**
 * kernel_symbolize() - the function holding @addr, in the kernel image or a
 * module; hit.name is NULL for an address inside a module but in no function
 * Return: KC_OK; KC_NODATA when @addr is in neither.
 */
enum kdc_status kernel_symbolize(const struct kdc_kernel *k, uint64_t addr,
				 struct kdc_symbol_hit *out);

/** kernel_rq() - the address of @cpu's struct rq (cpu < nr_cpus) */
uint64_t kernel_rq(const struct kdc_kernel *k, unsigned int cpu);

/**
 * kernel_describe() - "func+0xoff [module]" for @addr, or its hex when unknown
 * Return: true when @addr was in a known function.
 */
bool kernel_describe(const struct kdc_kernel *k, uint64_t addr, char *buf, size_t len);

/** kernel_read_u64() / kernel_read_u32() - a bounded read of one value */
enum kdc_status kernel_read_u64(const struct kdc_kernel *k, uint64_t addr, uint64_t *v,
				struct kdc_err *err);
enum kdc_status kernel_read_u32(const struct kdc_kernel *k, uint64_t addr, uint32_t *v,
				struct kdc_err *err);

/**
 * kernel_code_data_refs() - the data addresses the first @len bytes of code
 * at @fn form (the architecture's code_data_refs hook), for finding data
 * symbols kallsyms does not list; every candidate must be validated
 * Return: how many were stored in @out (at most @max); 0 when unreadable
 */
size_t kernel_code_data_refs(const struct kdc_kernel *k, uint64_t fn, size_t len, uint64_t *out,
			     size_t max);

#endif
