// SPDX-License-Identifier: GPL-2.0-or-later
#include "symbols.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms_find.h"
#include "mem.h"
#include "symbol_map.h"
#include "vmlinux.h"

static enum kdc_status layout_from_vmcoreinfo(const struct kdc_vmcoreinfo *vi,
					      struct kallsyms_layout *l, struct kdc_err *err)
{
	static const char *const names[] = { "kallsyms_num_syms",    "kallsyms_names",
					     "kallsyms_token_table", "kallsyms_token_index",
					     "kallsyms_offsets",     "kallsyms_relative_base" };
	uint64_t *fields[] = { &l->num_syms,	&l->names,   &l->token_table,
			       &l->token_index, &l->offsets, &l->relative_base };
	enum kdc_status st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((st = vmcoreinfo_get_symbol(vi, names[i], fields[i], err)))
			return kdc_err_prefix(err, st, "kallsyms location (VMCOREINFO of 6.0+)");
	return KC_OK;
}

static enum kdc_status from_dump(struct kdc_dump *dump, struct kdc_kallsyms **out,
				 struct kdc_err *err)
{
	struct kallsyms_layout layout;
	struct kdc_reader r = mem_reader(&dump->mem);
	enum kdc_status st;

	if ((st = layout_from_vmcoreinfo(dump->vmcoreinfo, &layout, err)) ||
	    (st = kallsyms_load(&r, &layout, out, err)))
		return st;
	return KC_OK;
}

/* A map in the /proc/kallsyms or System.map format, moved by @delta. */
static enum kdc_status from_map(const char *text, size_t len, uint64_t delta,
				struct kdc_kallsyms **out, struct kdc_err *err)
{
	struct kdc_kallsyms *ks = kallsyms_new();
	size_t bad;
	enum kdc_status st;

	if (!ks)
		return kdc_fail(err, KC_NOMEM, "symbol map");
	if ((st = symbol_map_parse(text, len, delta, ks, &bad, err))) {
		kallsyms_free(ks);
		return st;
	}
	*out = ks;
	return KC_OK;
}

/*
 * Symbols the kernel itself writes into VMCOREINFO as addresses (the
 * VMCOREINFO_SYMBOL() of kernel/crash_core.c and kernel/printk, 4.18-6.12),
 * where a symbol table from elsewhere must agree with the dump. _stext is in
 * every map; the data ones only in maps with data symbols (System.map,
 * KALLSYMS_ALL kernels such as RHEL's): they tell another build of the same
 * release apart where VMCOREINFO has no BUILD-ID (before Linux kernel commit
 * 0935288c6e00 ("kdump: append kernel build-id string to VMCOREINFO") (in
 * v5.9)). mem_section
 * is left out: under SPARSEMEM_EXTREME its entry is the pointer's value.
 */
static const char *const vmcoreinfo_addr_symbols[] = {
	"_stext",      "swapper_pg_dir",   "init_uts_ns",  "vmap_area_list",
	"prb",	       "printk_rb_static", "clear_seq",	   "log_buf",
	"log_buf_len", "log_first_idx",	   "log_next_idx", NULL
};

/* The map must put each of them where VMCOREINFO says the running kernel had it. */
static enum kdc_status check_stext(const struct kdc_vmcoreinfo *vi, struct kdc_kallsyms *ks,
				   struct kdc_err *err)
{
	struct kdc_symbol sym;
	uint64_t at;

	if (!vmcoreinfo_get_symbol(vi, "_stext", &at, NULL) && kallsyms_find(ks, "_stext", &sym))
		return kdc_fail(err, KC_INVAL, "the map has no _stext (a stub System.map?)");
	for (unsigned int i = 0; vmcoreinfo_addr_symbols[i]; i++) {
		const char *name = vmcoreinfo_addr_symbols[i];

		if (vmcoreinfo_get_symbol(vi, name, &at, NULL) || kallsyms_find(ks, name, &sym))
			continue; /* nothing to check against */
		if (sym.addr != at)
			return kdc_fail(err, KC_INVAL,
					"the map puts %s at 0x%llx, the dump's kernel at 0x%llx "
					"(another kernel build?)",
					name, (unsigned long long)sym.addr, (unsigned long long)at);
	}
	return KC_OK;
}

/*
 * The tables found in the kernel image between _stext and init_uts_ns (the
 * read-only data lies between; .data comes after it on arm64 and x86_64),
 * a search whose reads are not the analysis' evidence: they stay out of
 * the small dump, the tables' own pages go in when they are decoded.
 */
#define IMAGE_SPAN_MAX (256ull << 20)
static enum kdc_status from_image(struct kdc_dump *dump, struct kdc_kallsyms **out,
				  struct kdc_err *err)
{
	const struct kdc_vmcoreinfo *vi = dump->vmcoreinfo;
	struct kdc_mem search = mem_for_search(&dump->mem);
	struct kdc_reader scan = mem_reader(&search), r = mem_reader(&dump->mem);
	uint64_t stext, uts;
	struct kallsyms_layout layout;
	enum kdc_status st;

	if (vmcoreinfo_get_symbol(vi, "_stext", &stext, NULL) ||
	    vmcoreinfo_get_symbol(vi, "init_uts_ns", &uts, NULL) || uts <= stext ||
	    uts - stext > IMAGE_SPAN_MAX)
		return kdc_fail(err, KC_NODATA,
				"no kernel image bounds (_stext, init_uts_ns) "
				"in VMCOREINFO to search for kallsyms");
	st = kallsyms_find_tables(&scan, stext, uts, stext, &layout, err);
	if (st || (st = kallsyms_load(&r, &layout, out, err)))
		return st;
	/* the search's answer must be the running kernel's own table */
	if ((st = check_stext(vi, *out, err))) {
		kallsyms_free(*out);
		*out = NULL;
		return kdc_err_prefix(err, st, "kallsyms found in the image");
	}
	return KC_OK;
}

static enum kdc_status from_profile(const struct kdc_vmcoreinfo *vi, const struct kdc_profile *p,
				    struct kdc_kallsyms **out, struct kdc_err *err)
{
	const char *release = vmcoreinfo_get(vi, "OSRELEASE");
	const char *build_id = vmcoreinfo_get(vi, "BUILD-ID");
	uint64_t base;
	enum kdc_status st;

	if (!p->kallsyms)
		return kdc_fail(err, KC_NODATA, "the profile has no kallsyms section");
	if (!release || strcmp(release, p->release))
		return kdc_fail(err, KC_INVAL, "the profile is for %s, the dump for %s", p->release,
				release ? release : "an unknown release");
	if (build_id && p->build_id[0] && strcmp(build_id, p->build_id))
		return kdc_fail(err, KC_INVAL, "the profile's build ID %s is not the dump's %s",
				p->build_id, build_id);
	if (vmcoreinfo_get_symbol(vi, p->base, &base, err))
		return kdc_err_prefix(err, KC_NODATA, "the profile's base symbol");
	if ((st = from_map(p->kallsyms, p->kallsyms_len, base, out, err)))
		return st;
	if ((st = check_stext(vi, *out, err))) {
		kallsyms_free(*out);
		*out = NULL;
		return kdc_err_prefix(err, st, "the profile's symbols");
	}
	return KC_OK;
}

static enum kdc_status from_system_map(const struct kdc_vmcoreinfo *vi, const char *path,
				       struct kdc_kallsyms **out, struct kdc_err *err)
{
	uint8_t *text;
	size_t len;
	uint64_t kaslr = 0;
	enum kdc_status st;

	vmcoreinfo_get_u64(vi, "KERNELOFFSET", 16, &kaslr, NULL);
	if ((st = read_whole_file(path, 256u << 20, &text, &len, err)))
		return st;
	st = from_map((const char *)text, len, kaslr, out, err);
	free(text);
	if (!st && (st = check_stext(vi, *out, err))) {
		kallsyms_free(*out);
		*out = NULL;
	}
	return st ? kdc_err_prefix(err, st, "%s", path) : KC_OK;
}

enum kdc_status symbols_load(struct kdc_dump *dump, const struct kdc_sources *src,
			     const struct kdc_profile *profile, struct kdc_symbols *out,
			     struct kdc_err *err)
{
	const struct kdc_vmcoreinfo *vi = dump->vmcoreinfo;
	struct kdc_symbols s = { .source = NULL };
	struct kdc_err why = { 0 };
	uint64_t kaslr = 0;

	if (!vi)
		return kdc_fail(err, KC_NODATA, "symbols: no VMCOREINFO");
	/* arm64 with pointer authentication prints NUMBER(KERNELPACMASK) (as
	 * in the 6.1 fixtures) since Linux kernel commit 203b1152d18c
	 * ("arm64/crash_core: Export KERNELPACMASK in vmcoreinfo") (in v5.8);
	 * accept the bare key too. */
	if (vmcoreinfo_get_u64(vi, "NUMBER(KERNELPACMASK)", 16, &s.pac_mask, NULL))
		vmcoreinfo_get_u64(vi, "KERNELPACMASK", 16, &s.pac_mask, NULL);
	vmcoreinfo_get_u64(vi, "KERNELOFFSET", 16, &kaslr, NULL);

	/* first source that works, in the order README documents */
	if (src && src->vmlinux) {
		if (!vmlinux_symbols(src->vmlinux, kaslr, vmcoreinfo_get(vi, "BUILD-ID"),
				     &s.kallsyms, &s.vmlinux_err)) {
			s.source = "vmlinux";
			goto found;
		}
		kdc_err_prefix(&s.vmlinux_err, s.vmlinux_err.code, "--vmlinux not used");
	}
	if (!(src && src->ignore_dump_symbols)) {
		if (!from_dump(dump, &s.kallsyms, &why)) {
			s.source = "kallsyms (dump)";
			goto found;
		}
	} else {
		kdc_fail(&why, KC_NODATA, "kallsyms in the dump ignored (--no-dump-symbols)");
	}
	if (profile && !from_profile(vi, profile, &s.kallsyms, &why)) {
		s.source = "profile";
		goto found;
	}
	if (src && src->system_map && !from_system_map(vi, src->system_map, &s.kallsyms, &why)) {
		s.source = "System.map";
		goto found;
	}
	/* last: the tables themselves, searched in the kernel image (before
	 * 6.0 VMCOREINFO does not say where they are: Linux kernel commits
	 * 5fd8fea935a1 ("vmcoreinfo: include kallsyms symbols") and f09bddbd8661
	 * ("vmcoreinfo: add kallsyms_num_syms symbol") (in v6.0)) */
	if (!(src && src->ignore_dump_symbols)) {
		struct kdc_err search = { 0 };

		if (!from_image(dump, &s.kallsyms, &search)) {
			s.source = "kallsyms (dump, found in the kernel image)";
			goto found;
		}
		kdc_err_prefix(&search, search.code, "%s; and", why.msg);
		why = search;
	}
	*err = why;
	return kdc_err_prefix(err, why.code ? why.code : KC_NODATA, "symbols");
found:
	*out = s;
	return KC_OK;
}

void symbols_fini(struct kdc_symbols *syms)
{
	kallsyms_free(syms->kallsyms);
	syms->kallsyms = NULL;
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
