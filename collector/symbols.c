// SPDX-License-Identifier: GPL-2.0-or-later
#include "symbols.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

static enum kdc_status layout_from_vmcoreinfo(const struct kdc_vmcoreinfo *vi,
					      struct kallsyms_layout *l, struct kdc_err *err)
{
	static const char *const names[] = { "kallsyms_num_syms", "kallsyms_names",
					     "kallsyms_token_table", "kallsyms_token_index",
					     "kallsyms_offsets", "kallsyms_relative_base" };
	uint64_t *fields[] = { &l->num_syms, &l->names, &l->token_table, &l->token_index,
			       &l->offsets, &l->relative_base };
	enum kdc_status st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((st = vmcoreinfo_get_symbol(vi, names[i], fields[i], err)))
			return kdc_err_prefix(err, st, "kallsyms location (VMCOREINFO of 6.0+)");
	return KC_OK;
}

enum kdc_status symbols_load(struct kdc_dump *dump, struct kdc_symbols *out, struct kdc_err *err)
{
	struct kdc_symbols s = { .source = "kallsyms (dump)" };
	struct kallsyms_layout layout;
	struct kdc_reader r;
	enum kdc_status st;

	if (!dump->vmcoreinfo)
		return kdc_fail(err, KC_NODATA, "symbols: no VMCOREINFO");
	/* arm64 with pointer authentication prints NUMBER(KERNELPACMASK) (as
	 * in the 6.1 fixtures); accept the bare key too. */
	if (vmcoreinfo_get_u64(dump->vmcoreinfo, "NUMBER(KERNELPACMASK)", 16, &s.pac_mask, NULL))
		vmcoreinfo_get_u64(dump->vmcoreinfo, "KERNELPACMASK", 16, &s.pac_mask, NULL);
	if ((st = layout_from_vmcoreinfo(dump->vmcoreinfo, &layout, err)) ||
	    (st = mem_reader(dump, &r, err)) ||
	    (st = kallsyms_load(&r, &layout, &s.kallsyms, err)))
		return kdc_err_prefix(err, st, "symbols");
	*out = s;
	return KC_OK;
}

void symbols_fini(struct kdc_symbols *syms)
{
	kallsyms_free(syms->kallsyms);
	syms->kallsyms = NULL;
}

bool symbols_format(const struct kdc_symbols *syms, uint64_t addr, char *buf, size_t len)
{
	struct kdc_symbol sym;
	uint64_t off;

	buf[0] = '\0';
	if (!syms->kallsyms || kallsyms_lookup(syms->kallsyms, addr, &sym, &off))
		return false;
	snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, sym.name, off, sym.size);
	return true;
}

enum kdc_status symbols_address(const struct kdc_symbols *syms, const char *name, uint64_t *addr)
{
	struct kdc_symbol sym;

	if (!syms->kallsyms || kallsyms_find(syms->kallsyms, name, &sym))
		return KC_NODATA;
	*addr = sym.addr;
	return KC_OK;
}

enum kdc_status symbols_lookup(const struct kdc_symbols *syms, uint64_t addr,
			       struct kdc_symbol_hit *out)
{
	struct kdc_symbol sym;
	uint64_t off;

	if (!syms->kallsyms || kallsyms_lookup(syms->kallsyms, addr, &sym, &off))
		return KC_NODATA;
	out->name = sym.name;
	out->module = NULL;
	out->offset = off;
	out->size = sym.size;
	return KC_OK;
}
