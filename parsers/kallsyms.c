// SPDX-License-Identifier: GPL-2.0-or-later
#include "kallsyms.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

#define TOKENS 256
#define TOKEN_TABLE_MAX (64u << 10) /* 256 tokens of a few bytes; generous */
#define READ_CHUNK 4096

struct sym_entry {
	uint64_t addr;
	uint32_t name_off; /* into names; the type char is names[name_off - 1] */
};

struct kdc_kallsyms {
	struct sym_entry *syms; /* sorted by addr */
	size_t nr;
	uint32_t *by_name; /* hash table of index + 1 (0: empty slot), by_name_mask + 1
			    * slots; NULL if it could not be made (finds go linear) */
	size_t by_name_mask;
	char *names; /* "<type><name>\0" per symbol */
	size_t names_len;
	size_t names_cap, syms_cap; /* allocated, for kallsyms_add() */
};

/* Sequential reader over dump memory, a page at a time, for kallsyms_names. */
struct stream {
	const struct kdc_reader *r;
	uint64_t base, pos;
	uint8_t buf[READ_CHUNK];
	uint64_t buf_start;
	size_t buf_len;
};

static enum kdc_status stream_u8(struct stream *s, uint8_t *out, struct kdc_err *err)
{
	if (s->pos < s->buf_start || s->pos >= s->buf_start + s->buf_len) {
		/* Read up to the next page boundary, so a short last page is fine. */
		size_t len = READ_CHUNK - (size_t)(s->pos % READ_CHUNK);
		enum kdc_status st = s->r->read(s->r->ctx, s->pos, s->buf, len, err);

		if (st)
			return kdc_err_prefix(err, st, "kallsyms_names+0x%llx",
					      (unsigned long long)(s->pos - s->base));
		s->buf_start = s->pos;
		s->buf_len = len;
	}
	*out = s->buf[s->pos - s->buf_start];
	s->pos++;
	return KC_OK;
}

struct tokens {
	char table[TOKEN_TABLE_MAX];
	uint16_t index[TOKENS];
	uint16_t len[TOKENS];
};

static enum kdc_status load_tokens(const struct kdc_reader *r, const struct kallsyms_layout *l,
				   struct tokens *t, struct kdc_err *err)
{
	uint8_t raw[TOKENS * 2];
	enum kdc_status st;
	size_t table_len;

	if ((st = r->read(r->ctx, l->token_index, raw, sizeof(raw), err)))
		return kdc_err_prefix(err, st, "kallsyms_token_index");
	table_len = 0;
	for (int i = 0; i < TOKENS; i++) {
		t->index[i] = (uint16_t)kdc_load_word(raw + 2 * i, 2, r->big_endian);
		if (t->index[i] > table_len)
			table_len = t->index[i];
	}
	/* The last token starts at the largest index; allow it a KSYM_NAME_LEN. */
	table_len += KDC_KSYM_NAME_LEN;
	if (table_len > sizeof(t->table))
		return kdc_fail(err, KC_CORRUPT, "kallsyms_token_index: offset 0x%zx too large",
				table_len - KDC_KSYM_NAME_LEN);
	/* The table may end less than KSYM_NAME_LEN before unmapped memory:
	 * read what there is, a page at a time. */
	for (size_t done = 0; done < table_len;) {
		size_t chunk = READ_CHUNK - (size_t)((l->token_table + done) % READ_CHUNK);

		if (chunk > table_len - done)
			chunk = table_len - done;
		if (r->read(r->ctx, l->token_table + done, t->table + done, chunk, err)) {
			memset(t->table + done, 0, table_len - done);
			break;
		}
		done += chunk;
	}
	for (int i = 0; i < TOKENS; i++) {
		size_t max = table_len - t->index[i];
		size_t n = strnlen(t->table + t->index[i], max);

		if (n == max)
			return kdc_fail(err, KC_CORRUPT, "kallsyms token %d is not terminated", i);
		t->len[i] = (uint16_t)n;
	}
	return KC_OK;
}

static int by_addr(const void *a, const void *b)
{
	const struct sym_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->name_off < y->name_off ? -1 : x->name_off > y->name_off;
}

/* scripts/kallsyms writes the table in address order: sorting is only
 * for tables that are not (symbol maps, module symbols added by hand) */
static void sort_by_addr(struct kdc_kallsyms *ks)
{
	for (size_t i = 1; i < ks->nr; i++)
		if (by_addr(&ks->syms[i - 1], &ks->syms[i]) > 0) {
			qsort(ks->syms, ks->nr, sizeof(*ks->syms), by_addr);
			return;
		}
}

/* FNV-1a: names are short and the table is rebuilt per dump, nothing to attack */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/*
 * The name index, remade after every sort: per-CPU and layout lookups ask
 * for names thousands of times on a big machine, and a linear strcmp scan
 * over 100,000 symbols was a fifth of the collector's time (and sorting
 * them by name, a third of the rest). An open-addressed hash table at most
 * half full; symbols go in in address order and a name already in keeps
 * its first entry, so a find returns the lowest-addressed one, as the
 * linear scan does.
 */
static void index_names(struct kdc_kallsyms *ks)
{
	size_t slots = 1024;

	free(ks->by_name);
	ks->by_name = NULL;
	if (!ks->nr || ks->nr >= UINT32_MAX / 4)
		return;
	while (slots < 2 * ks->nr)
		slots *= 2;
	if (!(ks->by_name = calloc(slots, sizeof(*ks->by_name))))
		return;
	ks->by_name_mask = slots - 1;
	for (size_t i = 0; i < ks->nr; i++) {
		const char *name = ks->names + ks->syms[i].name_off;
		size_t at = name_hash(name) & ks->by_name_mask;

		while (ks->by_name[at] &&
		       strcmp(ks->names + ks->syms[ks->by_name[at] - 1].name_off, name))
			at = (at + 1) & ks->by_name_mask;
		if (!ks->by_name[at])
			ks->by_name[at] = (uint32_t)i + 1;
	}
}

static enum kdc_status read_u64_at(const struct kdc_reader *r, uint64_t vaddr, size_t n,
				   uint64_t *out, const char *what, struct kdc_err *err)
{
	uint8_t b[8];
	enum kdc_status st = r->read(r->ctx, vaddr, b, n, err);

	if (st)
		return kdc_err_prefix(err, st, "%s", what);
	*out = kdc_load_word(b, n, r->big_endian);
	return KC_OK;
}

/* Expands one symbol's tokens into names (type char first); returns its length. */
static enum kdc_status expand_name(struct stream *s, const struct tokens *t, size_t idx, char *out,
				   size_t *out_len, struct kdc_err *err)
{
	uint8_t b0, b1, tok;
	size_t len, n = 0;
	enum kdc_status st;

	if ((st = stream_u8(s, &b0, err)))
		return st;
	len = b0;
	if (b0 & 0x80) {
		if ((st = stream_u8(s, &b1, err)))
			return st;
		len = (b0 & 0x7f) | ((size_t)b1 << 7);
	}
	if (len == 0)
		return kdc_fail(err, KC_CORRUPT, "kallsyms symbol %zu: empty name", idx);
	for (size_t i = 0; i < len; i++) {
		if ((st = stream_u8(s, &tok, err)))
			return st;
		if (n + t->len[tok] > KDC_KSYM_NAME_LEN)
			return kdc_fail(err, KC_CORRUPT, "kallsyms symbol %zu: name longer than %d",
					idx, KDC_KSYM_NAME_LEN);
		memcpy(out + n, t->table + t->index[tok], t->len[tok]);
		n += t->len[tok];
	}
	if (n < 2)
		return kdc_fail(err, KC_CORRUPT, "kallsyms symbol %zu: name too short", idx);
	*out_len = n;
	return KC_OK;
}

enum kdc_status kallsyms_load(const struct kdc_reader *r, const struct kallsyms_layout *l,
			      struct kdc_kallsyms **out, struct kdc_err *err)
{
	struct stream *s = NULL;
	struct tokens *t = NULL;
	struct kdc_kallsyms *ks = NULL;
	uint64_t num = 0, base = 0;
	size_t cap = 0;
	uint8_t *offsets = NULL;
	enum kdc_status st;

	if ((st = read_u64_at(r, l->num_syms, 4, &num, "kallsyms_num_syms", err)) ||
	    (st = read_u64_at(r, l->relative_base, 8, &base, "kallsyms_relative_base", err)))
		return st;
	if (num == 0 || num > KDC_KALLSYMS_MAX_SYMS)
		return kdc_fail(err, num ? KC_LIMIT : KC_CORRUPT,
				"kallsyms_num_syms %llu (limit %u)", (unsigned long long)num,
				KDC_KALLSYMS_MAX_SYMS);
	t = malloc(sizeof(*t));
	s = calloc(1, sizeof(*s));
	ks = calloc(1, sizeof(*ks));
	offsets = malloc(num * 4);
	if (!t || !s || !ks || !offsets || !(ks->syms = malloc(num * sizeof(*ks->syms)))) {
		st = kdc_fail(err, KC_NOMEM, "kallsyms: out of memory for %llu symbols",
			      (unsigned long long)num);
		goto fail;
	}
	if ((st = load_tokens(r, l, t, err)))
		goto fail;
	for (uint64_t done = 0; done < num * 4;) {
		size_t chunk = READ_CHUNK - (size_t)((l->offsets + done) % READ_CHUNK);

		if (chunk > num * 4 - done)
			chunk = (size_t)(num * 4 - done);
		if ((st = r->read(r->ctx, l->offsets + done, offsets + done, chunk, err))) {
			kdc_err_prefix(err, st, "kallsyms_offsets+0x%llx",
				       (unsigned long long)done);
			goto fail;
		}
		done += chunk;
	}
	s->r = r;
	s->base = s->pos = l->names;
	for (size_t i = 0; i < num; i++) {
		char name[KDC_KSYM_NAME_LEN + 1];
		size_t n = 0;

		if ((st = expand_name(s, t, i, name, &n, err)))
			goto fail;
		if (ks->names_len + n + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 1u << 20;
			char *p = realloc(ks->names, ncap);

			if (!p) {
				st = kdc_fail(err, KC_NOMEM, "kallsyms: out of memory for names");
				goto fail;
			}
			ks->names = p;
			cap = ncap;
		}
		memcpy(ks->names + ks->names_len, name, n);
		ks->syms[i].name_off = (uint32_t)(ks->names_len + 1);
		ks->names_len += n;
		ks->names[ks->names_len++] = '\0';
		ks->syms[i].addr =
			base + (uint32_t)kdc_load_word(offsets + 4 * i, 4, r->big_endian);
	}
	ks->nr = num;
	ks->names_cap = cap;
	ks->syms_cap = num;
	sort_by_addr(ks);
	index_names(ks);
	*out = ks;
	ks = NULL;
	st = KC_OK;
fail:
	kallsyms_free(ks);
	free(offsets);
	free(s);
	free(t);
	return st;
}

void kallsyms_free(struct kdc_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->names);
	free(ks->by_name);
	free(ks);
}

size_t kallsyms_count(const struct kdc_kallsyms *ks)
{
	return ks->nr;
}

void kallsyms_get(const struct kdc_kallsyms *ks, size_t i, struct kdc_symbol *out)
{
	const struct sym_entry *e = &ks->syms[i];

	out->name = ks->names + e->name_off;
	out->type = ks->names[e->name_off - 1];
	out->addr = e->addr;
	out->size = 0;
	/* Aliases share an address: the size runs to the next distinct one. */
	for (size_t j = i + 1; j < ks->nr; j++)
		if (ks->syms[j].addr != e->addr) {
			out->size = ks->syms[j].addr - e->addr;
			break;
		}
}

enum kdc_status kallsyms_lookup(const struct kdc_kallsyms *ks, uint64_t addr,
				struct kdc_symbol *out, uint64_t *offset)
{
	size_t lo = 0, hi = ks->nr;

	if (ks->nr == 0 || addr < ks->syms[0].addr)
		return KC_NODATA;
	while (hi - lo > 1) { /* last entry with syms[i].addr <= addr */
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Prefer the first of several aliases, as /proc/kallsyms lookups do. */
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	kallsyms_get(ks, lo, out);
	if (out->size == 0 || addr - out->addr >= out->size)
		return KC_NODATA;
	*offset = addr - out->addr;
	return KC_OK;
}

enum kdc_status kallsyms_find(const struct kdc_kallsyms *ks, const char *name,
			      struct kdc_symbol *out)
{
	if (!ks->by_name) {
		for (size_t i = 0; i < ks->nr; i++) {
			kallsyms_get(ks, i, out);
			if (!strcmp(out->name, name))
				return KC_OK;
		}
		return KC_NODATA;
	}
	for (size_t at = name_hash(name) & ks->by_name_mask; ks->by_name[at];
	     at = (at + 1) & ks->by_name_mask)
		if (!strcmp(ks->names + ks->syms[ks->by_name[at] - 1].name_off, name)) {
			kallsyms_get(ks, ks->by_name[at] - 1, out);
			return KC_OK;
		}
	return KC_NODATA;
}

struct kdc_kallsyms *kallsyms_new(void)
{
	return calloc(1, sizeof(struct kdc_kallsyms));
}

enum kdc_status kallsyms_add(struct kdc_kallsyms *ks, uint64_t addr, char type, const char *name,
			     size_t len, struct kdc_err *err)
{
	if (len == 0 || len > KDC_KSYM_NAME_LEN)
		return kdc_fail(err, KC_CORRUPT, "symbol name of %zu bytes", len);
	free(ks->by_name); /* stale until kallsyms_sort() remakes it */
	ks->by_name = NULL;
	if (ks->nr >= KDC_KALLSYMS_MAX_SYMS)
		return kdc_fail(err, KC_LIMIT, "more than %u symbols", KDC_KALLSYMS_MAX_SYMS);
	if (ks->nr == ks->syms_cap) {
		size_t ncap = ks->syms_cap ? ks->syms_cap * 2 : 1024;
		struct sym_entry *p = realloc(ks->syms, ncap * sizeof(*p));

		if (!p)
			return kdc_fail(err, KC_NOMEM, "symbols");
		ks->syms = p;
		ks->syms_cap = ncap;
	}
	if (ks->names_len + len + 2 > ks->names_cap) {
		size_t ncap = ks->names_cap ? ks->names_cap * 2 : 1u << 16;
		char *p;

		while (ncap < ks->names_len + len + 2)
			ncap *= 2;
		p = realloc(ks->names, ncap);
		if (!p)
			return kdc_fail(err, KC_NOMEM, "symbol names");
		ks->names = p;
		ks->names_cap = ncap;
	}
	ks->names[ks->names_len++] = type;
	ks->syms[ks->nr].name_off = (uint32_t)ks->names_len;
	ks->syms[ks->nr].addr = addr;
	memcpy(ks->names + ks->names_len, name, len);
	ks->names_len += len;
	ks->names[ks->names_len++] = '\0';
	ks->nr++;
	return KC_OK;
}

void kallsyms_sort(struct kdc_kallsyms *ks)
{
	sort_by_addr(ks);
	index_names(ks);
}
