// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one way analyses read the crashed kernel's memory: struct kdc_mem,
 * a reader of kernel virtual addresses with its byte order and a way to
 * the physical address. A dump's memory is libkdumpfile/libaddrxlat (KASLR,
 * VA_BITS and kimage_voffset come from VMCOREINFO); the unit suites give a
 * synthetic image instead; collect wraps the reader to record the pages the
 * analysis read (page_tracker.h). Every read is bounded, every failure
 * named with its address.
 */
#ifndef KDC_MEM_H
#define KDC_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "err.h"
#include "reader.h"

/* No single read needs more: the biggest are kallsyms tables, read in pages. */
#define KDC_MEM_READ_MAX (1u << 20)

struct kdc_mem {
	/* the analysis' reads: its evidence, recorded when a page tracker is
	 * installed; big_endian is the dump's byte order */
	struct kdc_reader read;
	/* reads that are not evidence (the searches for kallsyms and BTF
	 * through megabytes of image): the same memory, never recorded */
	struct kdc_reader search;
	/* kernel virtual to physical address; NULL: no page tables behind
	 * the reader (synthetic images) */
	enum kdc_status (*to_phys)(void *ctx, uint64_t vaddr, uint64_t *paddr, struct kdc_err *err);
	void *phys_ctx;
	const struct kdc_arch_ops *arch; /* static storage; code_data_refs; may be NULL */
};

/**
 * mem_over_reader() - a kdc_mem whose reads and searches both go to @r,
 * with no physical addresses (the unit suites' images, a failing reader)
 */
struct kdc_mem mem_over_reader(struct kdc_reader r, const struct kdc_arch_ops *arch);

/**
 * mem_for_search() - @m reading through its search reader: for reads
 * whose bytes are not evidence
 */
struct kdc_mem mem_for_search(const struct kdc_mem *m);

/**
 * mem_reader() - a kdc_reader over @m for the parsers (kallsyms, printk),
 * its reads bounded as mem_read()'s; valid while @m is
 */
struct kdc_reader mem_reader(const struct kdc_mem *m);

/** mem_read() - read @len bytes at kernel virtual address @vaddr; see struct kdc_reader */
enum kdc_status mem_read(const struct kdc_mem *m, uint64_t vaddr, void *buf, size_t len,
			 struct kdc_err *err);

/** mem_read_u64() / mem_read_u32() - one word in the dump's byte order, whatever the host */
enum kdc_status mem_read_u64(const struct kdc_mem *m, uint64_t vaddr, uint64_t *v,
			     struct kdc_err *err);
enum kdc_status mem_read_u32(const struct kdc_mem *m, uint64_t vaddr, uint32_t *v,
			     struct kdc_err *err);

/**
 * mem_decode() - the @n-byte (at most 8) word at @p, bytes read from @m's
 * memory, in the dump's byte order: for decoding a block read at once
 */
uint64_t mem_decode(const struct kdc_mem *m, const uint8_t *p, unsigned int n);

/** mem_to_phys() - the kernel physical address of @vaddr (page tables, KASLR) */
enum kdc_status mem_to_phys(const struct kdc_mem *m, uint64_t vaddr, uint64_t *paddr,
			    struct kdc_err *err);

/**
 * mem_code_data_refs() - the data addresses the first @len bytes (at most
 * 1024) of code at @fn form, through the architecture's code_data_refs hook;
 * 0 when unreadable. Callers validate every candidate.
 */
size_t mem_code_data_refs(const struct kdc_mem *m, uint64_t fn, size_t len, uint64_t *out,
			  size_t max);

#endif
