// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO: the "KEY=VALUE\n" text the kernel writes into its VMCOREINFO
 * ELF note (kernel/crash_core.c, arch/arm64/kernel/crash_core.c). Values are
 * printed by the kernel as: SYMBOL(x) and KERNELOFFSET in hex without "0x";
 * SIZE/OFFSET/LENGTH/NUMBER, PAGESIZE, VA_BITS in decimal (NUMBER may be
 * negative); NUMBER(kimage_voffset), NUMBER(PHYS_OFFSET) and KERNELPACMASK
 * with "0x".
 * Policy: a malformed line is skipped and counted; a malformed value for a
 * key makes that key absent (KC_NODATA) rather than failing the whole note.
 */
#ifndef KDC_VMCOREINFO_H
#define KDC_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* VMCOREINFO_BYTES is one page; with kallsyms (6.0+) and 64 KiB pages the
 * note stays below this. */
#define KDC_VMCOREINFO_BYTES_MAX (256u << 10)
#define KDC_VMCOREINFO_LINE_MAX 1024
#define KDC_VMCOREINFO_ENTRIES_MAX 8192

struct kdc_vmcoreinfo;

/**
 * vmcoreinfo_parse() - index a VMCOREINFO note's text
 * @text: the descriptor bytes (borrowed; copied, may contain trailing NULs)
 * @len: their size
 * @out: a new object on success; free with vmcoreinfo_free()
 * @err: error detail
 *
 * Return: KC_OK, KC_LIMIT when the text or the entry count is over the
 * ceilings, KC_NODATA when no line is a key=value pair, KC_NOMEM.
 */
enum kdc_status vmcoreinfo_parse(const void *text, size_t len, struct kdc_vmcoreinfo **out,
				 struct kdc_err *err);

void vmcoreinfo_free(struct kdc_vmcoreinfo *vi);

/** vmcoreinfo_get() - the value of @key, borrowed from @vi, or NULL when absent */
const char *vmcoreinfo_get(const struct kdc_vmcoreinfo *vi, const char *key);

/**
 * vmcoreinfo_get_u64() - @key's value as a number
 * @base: 10 or 16; with 16 an optional "0x" prefix is accepted, with 10 a
 *        leading '-' gives the two's complement (NUMBER(x) may be negative)
 * Return: KC_OK; KC_NODATA when absent or not a number in @base.
 */
enum kdc_status vmcoreinfo_get_u64(const struct kdc_vmcoreinfo *vi, const char *key, int base,
				   uint64_t *out, struct kdc_err *err);

/** vmcoreinfo_get_symbol() - SYMBOL(@name), hex; KC_NODATA when absent */
enum kdc_status vmcoreinfo_get_symbol(const struct kdc_vmcoreinfo *vi, const char *name,
				      uint64_t *out, struct kdc_err *err);

/** vmcoreinfo_nr_entries() / vmcoreinfo_nr_bad_lines() - for the report */
size_t vmcoreinfo_nr_entries(const struct kdc_vmcoreinfo *vi);
size_t vmcoreinfo_nr_bad_lines(const struct kdc_vmcoreinfo *vi);

#endif
