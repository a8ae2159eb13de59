// SPDX-License-Identifier: GPL-2.0-or-later
#include "modules.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ktypes.h"
#include "mem.h"
#include "symbols.h"

#define CODE_WINDOW 64
#define ELF64_SYM_SIZE 24
#define STT_FUNC 2
#define STB_LOCAL 0
#define SYM_NAME_MAX 128

struct module_layout {
	uint64_t list, name, text, text_size, kallsyms;
	uint64_t symtab, num_symtab, strtab, typetab;
	bool have_typetab;
	uint64_t text_size_size;
};

#define MOD(off, type, history, ...)                                                               \
	KTYPES_REQUIRED(struct module_layout, off, type, history, __VA_ARGS__)
static const struct ktypes_field module_fields[] = {
	MOD(list, "module", NULL, "list"),
	MOD(name, "module", NULL, "name"),
	MOD(kallsyms, "module", NULL, "kallsyms"),
	MOD(symtab, "mod_kallsyms", NULL, "symtab"),
	MOD(num_symtab, "mod_kallsyms", NULL, "num_symtab"),
	MOD(strtab, "mod_kallsyms", NULL, "strtab"),
	/* the type letters the kernel itself shows; before, they overwrote
	 * st_info (st_size in 5.0-5.1, kernels not read here) */
	KTYPES_OPTIONAL(
		struct module_layout, typetab, have_typetab, "mod_kallsyms",
		"Linux kernel commit 1c7651f43777 (\"kallsyms: store type information in its "
		"own array\") (in v5.2)",
		"typetab"),
};
#undef MOD

/* the text's bounds before module_memory (below) */
static const struct ktypes_field core_layout_fields[] = {
	KTYPES_REQUIRED(struct module_layout, text, "module", NULL, "core_layout.base"),
	KTYPES_REQUIRED_SIZED(struct module_layout, text_size, text_size_size, "module", NULL,
			      "core_layout.text_size"),
};

static enum kdc_status read_layout(const struct kdc_ktypes *t, struct module_layout *l,
				   struct kdc_err *err)
{
	enum kdc_status st;

	if ((st = ktypes_resolve(module_fields, sizeof(module_fields) / sizeof(module_fields[0]), t,
				 l, err)))
		return st;
	if (!ktypes_resolve(core_layout_fields,
			    sizeof(core_layout_fields) / sizeof(core_layout_fields[0]), t, l, NULL))
		return KC_OK;
	/* Linux kernel commit ac3b43283923 ("module: replace module_layout with
	 * module_memory") (in v6.4): the text is mem[MOD_TEXT], MOD_TEXT being
	 * the first of enum mod_mem_type */
	{
		uint64_t mem, base, size;
		int64_t mod_text;

		if (ktypes_member(t, "module", "mem", &mem, NULL, err) ||
		    ktypes_member(t, "module_memory", "base", &base, NULL, err) ||
		    ktypes_member(t, "module_memory", "size", &size, &l->text_size_size, err))
			return kdc_err_prefix(err, err->code,
					      "struct module has neither "
					      "core_layout nor mem[]");
		if (!ktypes_enum_value(t, "mod_mem_type", "MOD_TEXT", &mod_text, NULL) &&
		    mod_text != 0)
			return kdc_fail(err, KC_NOTSUP, "MOD_TEXT is %lld, not 0",
					(long long)mod_text);
		l->text = mem + base;
		l->text_size = mem + size;
	}
	return KC_OK;
}

static bool printable_name(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == 0 || n == max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return false;
	return true;
}

/* Whether @head heads a circle of modules; counts them into *@nr. */
static bool is_module_list(const struct kdc_modules_src *k, const struct module_layout *l,
			   uint64_t head, size_t *nr)
{
	uint64_t pos;
	size_t n = 0;

	if (mem_read_u64(k->mem, head, &pos, NULL))
		return false;
	while (pos != head) {
		char name[KDC_MODULE_NAME_LEN];

		if (++n > KDC_MODULES_MAX ||
		    mem_read(k->mem, pos - l->list + l->name, name, sizeof(name), NULL) ||
		    !printable_name(name, sizeof(name)) || mem_read_u64(k->mem, pos, &pos, NULL))
			return false;
	}
	*nr = n;
	return true;
}

static enum kdc_status find_list_head(const struct kdc_modules_src *k,
				      const struct module_layout *l, uint64_t *head, size_t *nr,
				      struct kdc_err *err)
{
	uint64_t cand[CODE_WINDOW], at;
	size_t nc;

	if (!symbols_address(k->syms, "modules", head) && is_module_list(k, l, *head, nr))
		return KC_OK;
	if (symbols_address(k->syms, "print_modules", &at))
		return kdc_fail(err, KC_NODATA,
				"no print_modules symbol to find the module list by");
	if (!(nc = mem_code_data_refs(k->mem, at, 4 * CODE_WINDOW, cand, CODE_WINDOW)))
		return kdc_fail(err, KC_NODATA,
				"print_modules code: unreadable, or it forms no address");
	for (size_t i = 0; i < nc; i++) {
		if (is_module_list(k, l, cand[i], nr)) {
			*head = cand[i];
			return KC_OK;
		}
	}
	return kdc_fail(err, KC_NODATA, "no address in print_modules heads a module list");
}

static int cmp_sym(const void *a, const void *b)
{
	const struct kdc_module_sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Appends @name to the module's name pool; returns its offset. */
static bool add_name(struct kdc_module *m, const char *name, uint32_t *off)
{
	size_t len = strlen(name) + 1;
	char *grown = realloc(m->names, m->names_len + len);

	if (!grown)
		return false;
	m->names = grown;
	memcpy(m->names + m->names_len, name, len);
	*off = (uint32_t)m->names_len;
	m->names_len += len;
	return true;
}

static enum kdc_status load_symbols(const struct kdc_modules_src *k, const struct module_layout *l,
				    struct kdc_module *m, struct kdc_err *err)
{
	uint64_t ks, symtab, num, strtab, typetab = 0;
	enum kdc_status st;

	if ((st = mem_read_u64(k->mem, m->addr + l->kallsyms, &ks, err)) ||
	    (st = mem_read_u64(k->mem, ks + l->symtab, &symtab, err)) ||
	    (st = mem_read_u64(k->mem, ks + l->num_symtab, &num, err)) ||
	    (st = mem_read_u64(k->mem, ks + l->strtab, &strtab, err)))
		return st;
	if (l->have_typetab && mem_read_u64(k->mem, ks + l->typetab, &typetab, NULL))
		typetab = 0;
	if (num > KDC_MODULE_SYMS_MAX)
		return kdc_fail(err, KC_LIMIT, "%llu symbols", (unsigned long long)num);
	m->syms = calloc(num ? num : 1, sizeof(*m->syms));
	if (!m->syms)
		return kdc_fail(err, KC_NOMEM, "module symbols");
	for (uint64_t i = 0; i < num; i++) {
		uint8_t e[ELF64_SYM_SIZE];
		char name[SYM_NAME_MAX];
		uint32_t st_name;
		uint64_t value = 0, size = 0;

		if ((st = mem_read(k->mem, symtab + i * ELF64_SYM_SIZE, e, sizeof(e), err)))
			return st;
		if ((e[4] & 0xf) != STT_FUNC)
			continue;
		/* Elf64_Sym: st_name, st_info, st_other, st_shndx, st_value, st_size */
		st_name = (uint32_t)mem_decode(k->mem, e, 4);
		value = mem_decode(k->mem, e + 8, 8);
		size = mem_decode(k->mem, e + 16, 8);
		if (value < m->text || value >= m->text + m->text_size ||
		    mem_read(k->mem, strtab + st_name, name, sizeof(name), NULL))
			continue;
		name[sizeof(name) - 1] = '\0';
		if (!add_name(m, name, &m->syms[m->nr_syms].name))
			return kdc_fail(err, KC_NOMEM, "module symbol names");
		m->syms[m->nr_syms].addr = value;
		m->syms[m->nr_syms].size = size;
		m->syms[m->nr_syms].type = (e[4] >> 4) == STB_LOCAL ? 't' : 'T';
		if (typetab)
			mem_read(k->mem, typetab + i, &m->syms[m->nr_syms].type, 1, NULL);
		m->nr_syms++;
	}
	if (m->nr_syms)
		qsort(m->syms, m->nr_syms, sizeof(*m->syms), cmp_sym);
	return KC_OK;
}

enum kdc_status modules_load(const struct kdc_modules_src *k, struct kdc_modules *out,
			     struct kdc_err *err)
{
	struct module_layout l;
	uint64_t pos;
	size_t nr = 0;
	enum kdc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = read_layout(k->types, &l, err)) ||
	    (st = find_list_head(k, &l, &out->list_head, &nr, err)))
		return kdc_err_prefix(err, st, "modules");
	out->source = "print_modules code + btf";
	out->mod = calloc(nr ? nr : 1, sizeof(*out->mod));
	if (!out->mod)
		return kdc_fail(err, KC_NOMEM, "modules");
	if ((st = mem_read_u64(k->mem, out->list_head, &pos, err)))
		return kdc_err_prefix(err, st, "modules");
	/* is_module_list() walked this circle already; stay within its count */
	for (size_t i = 0; i < nr && pos != out->list_head; i++) {
		struct kdc_module *m = &out->mod[out->nr++];
		uint32_t ts32;
		struct kdc_err merr = { 0 };

		m->addr = pos - l.list;
		if (mem_read(k->mem, m->addr + l.name, m->name, sizeof(m->name), &merr) ||
		    mem_read_u64(k->mem, m->addr + l.text, &m->text, &merr) ||
		    mem_read_u32(k->mem, m->addr + l.text_size, &ts32, &merr) ||
		    mem_read_u64(k->mem, pos, &pos, &merr)) {
			out->nr--;
			*err = merr;
			return kdc_err_prefix(err, merr.code, "module %zu", i);
		}
		m->name[sizeof(m->name) - 1] = '\0';
		m->text_size = ts32;
		if (load_symbols(k, &l, m, &merr))
			/* the module's range is still known: addresses show as module+offset */
			m->nr_syms = 0;
	}
	return KC_OK;
}

void modules_fini(struct kdc_modules *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		free(m->mod[i].syms);
		free(m->mod[i].names);
	}
	free(m->mod);
	memset(m, 0, sizeof(*m));
}

enum kdc_status modules_lookup(const struct kdc_modules *m, uint64_t addr,
			       struct kdc_symbol_hit *out)
{
	for (size_t i = 0; i < m->nr; i++) {
		const struct kdc_module *mod = &m->mod[i];
		size_t lo = 0, hi = mod->nr_syms;

		if (addr < mod->text || addr >= mod->text + mod->text_size)
			continue;
		out->module = mod->name;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (mod->syms[mid].addr <= addr)
				lo = mid;
			else
				hi = mid;
		}
		if (mod->nr_syms && addr >= mod->syms[lo].addr &&
		    (addr - mod->syms[lo].addr < mod->syms[lo].size || !mod->syms[lo].size)) {
			out->name = mod->names + mod->syms[lo].name;
			out->offset = addr - mod->syms[lo].addr;
			out->size = mod->syms[lo].size;
		} else {
			out->name = NULL; /* in the module, but in no function */
			out->offset = addr - mod->text;
			out->size = mod->text_size;
		}
		return KC_OK;
	}
	return KC_NODATA;
}
