// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one way analyses read the crashed kernel's memory: kernel virtual
 * addresses translated by libkdumpfile/libaddrxlat (KASLR, VA_BITS and
 * kimage_voffset come from VMCOREINFO), every read bounded, every failure
 * named with its address.
 */
#ifndef KDC_MEM_H
#define KDC_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "dump.h"
#include "reader.h"

/* No single read needs more: the biggest are kallsyms tables, read in pages. */
#define KDC_MEM_READ_MAX (1u << 20)

/**
 * mem_reader() - a kdc_reader over @dump's memory
 * Return: KC_OK; KC_NODATA when libkdumpfile could not open the dump.
 * The reader borrows @dump and is valid until dump_close().
 */
enum kdc_status mem_reader(struct kdc_dump *dump, struct kdc_reader *out, struct kdc_err *err);

/** mem_read() - read @len bytes at kernel virtual address @vaddr; see struct kdc_reader */
enum kdc_status mem_read(struct kdc_dump *dump, uint64_t vaddr, void *buf, size_t len,
			 struct kdc_err *err);

/** mem_read_u64() / mem_read_u32() - one little-endian word (arm64 dumps), whatever the host */
enum kdc_status mem_read_u64(struct kdc_dump *dump, uint64_t vaddr, uint64_t *v,
			     struct kdc_err *err);
enum kdc_status mem_read_u32(struct kdc_dump *dump, uint64_t vaddr, uint32_t *v,
			     struct kdc_err *err);

/** mem_to_phys() - the kernel physical address of @vaddr (page tables, KASLR) */
enum kdc_status mem_to_phys(struct kdc_dump *dump, uint64_t vaddr, uint64_t *paddr,
			    struct kdc_err *err);

/** mem_track() - remember the physical pages of [@vaddr, +@len) in dump->touched */
void mem_track(struct kdc_dump *dump, uint64_t vaddr, size_t len);

/**
 * mem_code_data_refs() - the data addresses the first @len bytes (at most
 * 1024) of code at @fn form, through the architecture's code_data_refs hook;
 * 0 when unreadable. Callers validate every candidate.
 */
size_t mem_code_data_refs(struct kdc_dump *dump, uint64_t fn, size_t len, uint64_t *out,
			  size_t max);

#endif
