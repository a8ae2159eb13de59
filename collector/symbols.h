// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols for the analyses, from the first source available: a vmlinux,
 * the kallsyms table decoded from dump memory (located through VMCOREINFO,
 * 6.0+), a profile made on the live system, or a System.map.
 */
#ifndef KDC_SYMBOLS_H
#define KDC_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "dump.h"
#include "kallsyms.h"
#include "sources.h"

struct kdc_symbols {
	/* "vmlinux", "kallsyms (dump)", "profile", "System.map"; static storage */
	const char *source;
	struct kdc_kallsyms *kallsyms; /* owned */
	uint64_t pac_mask;	       /* KERNELPACMASK bits to clear from return addresses */
	struct kdc_err vmlinux_err;    /* why a --vmlinux given was not used */
};

/**
 * symbols_load() - find the symbol table for @dump, from the first source
 * that works: --vmlinux, kallsyms in the dump (VMCOREINFO, 6.0+), the
 * profile, --system-map
 * @src: what the user gave, may be NULL
 * @profile: the parsed profile, may be NULL
 * @out: filled on success; release with symbols_fini()
 * Return: KC_OK; the last source's error when none worked.
 */
enum kdc_status symbols_load(struct kdc_dump *dump, const struct kdc_sources *src,
			     const struct kdc_profile *profile, struct kdc_symbols *out,
			     struct kdc_err *err);

void symbols_fini(struct kdc_symbols *syms);

/**
 * symbols_address() - the address of symbol @name
 * Return: KC_OK; KC_NODATA when there is no table or no such symbol.
 */
enum kdc_status symbols_address(const struct kdc_symbols *syms, const char *name, uint64_t *addr);

/**
 * symbols_lookup() - the function containing @addr: name (borrowed from the
 * table), offset and size; module is NULL for the kernel image
 * Return: KC_OK; KC_NODATA when @addr is not in any known symbol.
 */
struct kdc_symbol_hit {
	const char *name;
	const char *module;
	uint64_t offset, size;
};
enum kdc_status symbols_lookup(const struct kdc_symbols *syms, uint64_t addr,
			       struct kdc_symbol_hit *out);

/** symbols_strip_pac() - a return address with its pointer-authentication code removed */
static inline uint64_t symbols_strip_pac(const struct kdc_symbols *syms, uint64_t addr)
{
	/* kernel addresses have the PAC bits set once the code is removed */
	return syms->pac_mask ? addr | syms->pac_mask : addr;
}

#endif
