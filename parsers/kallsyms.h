// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's compressed symbol table (kernel/kallsyms.c,
 * scripts/kallsyms.c), decoded from dump memory. VMCOREINFO carries its
 * location from Linux kernel commits 5fd8fea935a1 ("vmcoreinfo: include
 * kallsyms symbols") and f09bddbd8661 ("vmcoreinfo: add kallsyms_num_syms
 * symbol") (in v6.0; checked in Debian 6.1 kernel/crash_core.c and seen in
 * the 6.1.0-50 fixtures).
 *
 * Layout, as in 6.1 with CONFIG_KALLSYMS_BASE_RELATIVE (every arm64 kernel
 * since Linux kernel commit 2213e9a66bb8 ("kallsyms: add support for
 * relative offsets in kallsyms address table") (in v4.6)) and without
 * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 only):
 *   kallsyms_num_syms       u32
 *   kallsyms_names          per symbol: a length byte (two bytes when bit 7
 *                           is set: Linux kernel commit 73bbb94466fd
 *                           ("kallsyms: support "big" kernel symbols")
 *                           (in v6.1); shorter names are
 *                           encoded the same either way), then that many token indices; the
 *                           expanded first character is the symbol type
 *   kallsyms_token_table    256 NUL-terminated tokens
 *   kallsyms_token_index    256 u16 offsets into the token table
 *   kallsyms_offsets        s32 per symbol; address = relative_base + (u32)offset
 *   kallsyms_relative_base  u64
 */
#ifndef KDC_KALLSYMS_H
#define KDC_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "reader.h"

/* KSYM_NAME_LEN is 512 since Linux kernel commit b8a94bfb3395 ("kallsyms:
 * increase maximum kernel symbol length to 512") (in v6.1), 128 before */
#define KDC_KSYM_NAME_LEN 512
/* A KALLSYMS_ALL distribution kernel has ~250k symbols; allmodconfig ~1M. */
#define KDC_KALLSYMS_MAX_SYMS (1u << 21)

struct kallsyms_layout {
	uint64_t num_syms, names, token_table, token_index, offsets, relative_base;
};

struct kdc_kallsyms;

struct kdc_symbol {
	const char *name; /* borrowed from the table */
	char type;	  /* 't', 'T', 'W', ... as in /proc/kallsyms */
	uint64_t addr;
	uint64_t size; /* distance to the next symbol's address; 0 for the last */
};

/**
 * kallsyms_load() - decode the whole symbol table
 * @r: reads the crashed kernel's memory
 * @layout: the table's addresses (from VMCOREINFO)
 * @out: a new table sorted by address; free with kallsyms_free()
 * Return: KC_OK; KC_LIMIT for a symbol count over KDC_KALLSYMS_MAX_SYMS;
 * KC_CORRUPT for token indices or lengths that do not decode; errors of @r.
 */
enum kdc_status kallsyms_load(const struct kdc_reader *r, const struct kallsyms_layout *layout,
			      struct kdc_kallsyms **out, struct kdc_err *err);

void kallsyms_free(struct kdc_kallsyms *ks);

size_t kallsyms_count(const struct kdc_kallsyms *ks);

/** kallsyms_get() - the @i-th symbol in address order (i < kallsyms_count) */
void kallsyms_get(const struct kdc_kallsyms *ks, size_t i, struct kdc_symbol *out);

/**
 * kallsyms_lookup() - the symbol containing @addr
 * @offset: @addr minus the symbol's address
 * Return: KC_OK; KC_NODATA when @addr is below the first symbol or beyond the last.
 */
enum kdc_status kallsyms_lookup(const struct kdc_kallsyms *ks, uint64_t addr,
				struct kdc_symbol *out, uint64_t *offset);

/**
 * kallsyms_find() - the first symbol named @name, in address order
 * Return: KC_OK; KC_NODATA when there is none.
 */
enum kdc_status kallsyms_find(const struct kdc_kallsyms *ks, const char *name,
			      struct kdc_symbol *out);

/*
 * Building a table from another source (System.map, a profile, a vmlinux):
 * kallsyms_new(), kallsyms_add() per symbol, then kallsyms_sort() once.
 */
struct kdc_kallsyms *kallsyms_new(void);
/* @name is @len bytes, not NUL-terminated; @type as in /proc/kallsyms */
enum kdc_status kallsyms_add(struct kdc_kallsyms *ks, uint64_t addr, char type, const char *name,
			     size_t len, struct kdc_err *err);
void kallsyms_sort(struct kdc_kallsyms *ks);

#endif
