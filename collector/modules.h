// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loaded modules and their function symbols, read from the dump: the
 * `modules` list, each module's core text range and its own ELF symbol
 * table (struct mod_kallsyms), which kallsyms in VMCOREINFO does not cover.
 *
 * `modules` is a data symbol, absent from kallsyms without KALLSYMS_ALL, so
 * its address is taken from print_modules()'s code (it walks the list) and
 * accepted only when the list it heads is a well-formed circle of modules
 * with printable names. Layouts (list, name, core_layout, kallsyms) come
 * from BTF; the pre-6.4 core_layout form is handled (6.4 replaced it with
 * mem[MOD_TEXT], which is reported as unsupported).
 */
#ifndef KDC_MODULES_H
#define KDC_MODULES_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct kdc_kernel;
struct kdc_symbol_hit;

#define KDC_MODULES_MAX 4096
#define KDC_MODULE_SYMS_MAX (1u << 16)
#define KDC_MODULE_NAME_LEN 56 /* MODULE_NAME_LEN on 64-bit */

struct kdc_module_sym {
	uint64_t addr, size;
	uint32_t name; /* offset into kdc_module.names */
	char type;     /* 'T' global, 't' local, as /proc/kallsyms shows them */
};

struct kdc_module {
	char name[KDC_MODULE_NAME_LEN];
	uint64_t addr; /* struct module * */
	uint64_t text, text_size;
	struct kdc_module_sym *syms; /* owned, sorted by addr */
	size_t nr_syms;
	char *names; /* owned */
	size_t names_len;
};

struct kdc_modules {
	const char *source; /* how the list was found; static */
	uint64_t list_head;
	struct kdc_module *mod; /* owned */
	size_t nr;
};

/** modules_load() - @out always initialised; release with modules_fini() */
/* what loading the module list reads: the dump's memory, symbols and types
 * (borrowed), not the whole kernel object, which owns the modules */
struct kdc_mem;
struct kdc_symbols;
struct kdc_ktypes;
struct kdc_modules_src {
	const struct kdc_mem *mem;
	const struct kdc_symbols *syms;
	const struct kdc_ktypes *types;
};

enum kdc_status modules_load(const struct kdc_modules_src *k, struct kdc_modules *out,
			     struct kdc_err *err);

void modules_fini(struct kdc_modules *m);

/** modules_lookup() - the module function containing @addr */
enum kdc_status modules_lookup(const struct kdc_modules *m, uint64_t addr,
			       struct kdc_symbol_hit *out);

#endif
