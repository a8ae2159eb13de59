// SPDX-License-Identifier: GPL-2.0-or-later
#include "ktypes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btf_header.h"
#include "mem.h"

#define SCAN_LIMIT (64ull << 20)
#define SCAN_CHUNK (256u << 10)
#define SCAN_PAGE 4096u /* the smallest page: reads never straddle a missing one */
#define MEMBER_DEPTH_MAX 8

/*
 * libbpf's btf__find_by_name_kind() walks every type (about 100,000 in a
 * distribution kernel's BTF), and the analyses ask for the same few dozen
 * names once per CPU: on a 32-CPU dump those walks were a third of the
 * collector's time. The answers (found or not) are kept in a small
 * open-addressed table; a name too long for it, or a full probe run, just
 * goes to libbpf.
 */
#define MEMO_SLOTS 512
#define MEMO_PROBES 8
#define MEMO_NAME_LEN 64
#define MEMO_PERCPU_VAR 0x100 /* a "kind" of our own: a .data..percpu entry's index */

struct ktypes_memo {
	struct {
		char name[MEMO_NAME_LEN];
		int kind; /* 0: empty slot */
		__s32 id;
	} slot[MEMO_SLOTS];
};

static unsigned int memo_hash(const char *name, int kind)
{
	unsigned int h = 2166136261u ^ (unsigned int)kind; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* @id of the kept answer, or a free slot to keep one in (*@id untouched) */
static bool memo_get(struct ktypes_memo *m, const char *name, int kind, __s32 *id, int *free_slot)
{
	unsigned int h = memo_hash(name, kind);

	*free_slot = -1;
	if (!m || strlen(name) >= MEMO_NAME_LEN)
		return false;
	for (unsigned int p = 0; p < MEMO_PROBES; p++) {
		unsigned int i = (h + p) % MEMO_SLOTS;

		if (!m->slot[i].kind) {
			*free_slot = (int)i;
			return false;
		}
		if (m->slot[i].kind == kind && !strcmp(m->slot[i].name, name)) {
			*id = m->slot[i].id;
			return true;
		}
	}
	return false;
}

static void memo_put(struct ktypes_memo *m, int slot, const char *name, int kind, __s32 id)
{
	if (!m || slot < 0)
		return;
	snprintf(m->slot[slot].name, MEMO_NAME_LEN, "%s", name);
	m->slot[slot].kind = kind;
	m->slot[slot].id = id;
}

static __s32 find_by_name_kind(const struct kdc_ktypes *t, const char *name, int kind)
{
	int slot;
	__s32 id;

	if (memo_get(t->memo, name, kind, &id, &slot))
		return id;
	id = btf__find_by_name_kind(t->btf, name, (__u32)kind);
	memo_put(t->memo, slot, name, kind, id);
	return id;
}

/* Reads the blob at @addr once its header has been recognised. */
static enum kdc_status load_blob(struct kdc_dump *dump, uint64_t addr,
				 const struct kdc_btf_header *h, struct kdc_ktypes *out,
				 struct kdc_err *err)
{
	uint8_t *blob = malloc(h->total_len);
	enum kdc_status st = KC_OK;
	struct btf *btf;

	if (!blob)
		return kdc_fail(err, KC_NOMEM, "btf: %u bytes", h->total_len);
	for (uint32_t done = 0; done < h->total_len && !st; done += SCAN_CHUNK) {
		uint32_t n = h->total_len - done < SCAN_CHUNK ? h->total_len - done : SCAN_CHUNK;

		st = mem_read(&dump->mem, addr + done, blob + done, n, err);
	}
	if (st) {
		free(blob);
		return kdc_err_prefix(err, st, "btf at 0x%llx", (unsigned long long)addr);
	}
	btf = btf__new(blob, h->total_len);
	free(blob);
	if (!btf)
		return kdc_fail(err, KC_CORRUPT, "btf at 0x%llx (%u bytes): libbpf: %s",
				(unsigned long long)addr, h->total_len, strerror(errno));
	out->btf = btf;
	out->btf_addr = addr;
	out->btf_size = h->total_len;
	out->source = "btf (dump)";
	return KC_OK;
}

static enum kdc_status scan_for_btf(struct kdc_dump *dump, uint64_t start, struct kdc_ktypes *out,
				    struct kdc_err *err)
{
	/* one chunk plus a header's worth of the next, so no header straddles */
	uint8_t *buf = malloc(SCAN_CHUNK + KDC_BTF_HEADER_LEN);
	enum kdc_status st = KC_NODATA;
	struct kdc_err rerr = { 0 };
	/* the megabytes searched are not evidence: only the blob found is kept */
	struct kdc_mem search = mem_for_search(&dump->mem);

	if (!buf)
		return kdc_fail(err, KC_NOMEM, "btf scan buffer");
	start &= ~3ull;
	for (uint64_t at = start; at < start + SCAN_LIMIT; at += SCAN_CHUNK) {
		size_t have = SCAN_CHUNK + KDC_BTF_HEADER_LEN;

		if (mem_read(&search, at, buf, have, &rerr)) {
			/* some page is not in the dump (filtered, or a small dump):
			 * read page by page, missing ones as zeros (never a match) */
			for (size_t p = 0; p < have; p += SCAN_PAGE) {
				size_t n = have - p < SCAN_PAGE ? have - p : SCAN_PAGE;

				if (mem_read(&search, at + p, buf + p, n, &rerr))
					memset(buf + p, 0, n);
			}
		}
		for (size_t i = 0; i + KDC_BTF_HEADER_LEN <= have; i += 4) {
			struct kdc_btf_header h;

			if (buf[i] != 0x9f || buf[i + 1] != 0xeb ||
			    !btf_header_parse(buf + i, have - i, &h))
				continue;
			st = load_blob(dump, at + i, &h, out, err);
			if (st != KC_CORRUPT)
				goto done;
		}
	}
	if (st == KC_NODATA)
		kdc_fail(err, KC_NODATA,
			 "no BTF in the 64 MiB after _etext (kernel without "
			 "CONFIG_DEBUG_INFO_BTF?)");
done:
	free(buf);
	return st;
}

static enum kdc_status from_dump(struct kdc_dump *dump, const struct kdc_symbols *syms,
				 struct kdc_ktypes *out, struct kdc_err *err)
{
	uint64_t start;

	if (!syms->kallsyms)
		return kdc_fail(err, KC_NODATA, "no symbols to find the BTF by");
	if (!symbols_address(syms, "__start_BTF", &start)) {
		struct kdc_btf_header h;
		uint8_t hdr[KDC_BTF_HEADER_LEN];

		if (!mem_read(&dump->mem, start, hdr, sizeof(hdr), err) &&
		    btf_header_parse(hdr, sizeof(hdr), &h) && !load_blob(dump, start, &h, out, err))
			return KC_OK;
	}
	if (symbols_address(syms, "_etext", &start))
		return kdc_fail(err, KC_NODATA, "no _etext symbol to scan for BTF from");
	return scan_for_btf(dump, start, out, err);
}

static enum kdc_status from_profile(struct kdc_dump *dump, const struct kdc_profile *p,
				    struct kdc_ktypes *out, struct kdc_err *err)
{
	const char *release =
		dump->vmcoreinfo ? vmcoreinfo_get(dump->vmcoreinfo, "OSRELEASE") : NULL;

	if (!p->btf)
		return kdc_fail(err, KC_NODATA, "the profile has no btf section");
	if (!release || strcmp(release, p->release))
		return kdc_fail(err, KC_INVAL, "the profile is for %s, the dump for %s", p->release,
				release ? release : "an unknown release");
	if (p->btf_len > KDC_BTF_SIZE_MAX || !btf_layout_aligned(p->btf, p->btf_len) ||
	    !(out->btf = btf__new(p->btf, (__u32)p->btf_len)))
		return kdc_fail(err, KC_CORRUPT, "the profile's btf section: libbpf: %s",
				strerror(errno));
	out->source = "btf (profile)";
	out->btf_size = (uint32_t)p->btf_len;
	return KC_OK;
}

enum kdc_status ktypes_load(struct kdc_dump *dump, const struct kdc_symbols *syms,
			    const struct kdc_sources *src, const struct kdc_profile *profile,
			    struct kdc_ktypes *out, struct kdc_err *err)
{
	memset(out, 0, sizeof(*out));
	out->memo = calloc(1, sizeof(*out->memo)); /* without it, lookups go uncached */
	if (!(src && src->ignore_dump_types)) {
		if (!from_dump(dump, syms, out, err))
			return KC_OK;
	} else {
		kdc_fail(err, KC_NODATA, "BTF in the dump ignored (--no-dump-types)");
	}
	if (profile && !from_profile(dump, profile, out, err))
		return KC_OK;
	/* a vmlinux whose build ID matched the dump (its symbols were used) */
	if (src && src->vmlinux && syms->source && !strcmp(syms->source, "vmlinux")) {
		out->btf = btf__parse_elf(src->vmlinux, NULL);
		if (out->btf) {
			__u32 raw_size;
			const void *raw = btf__raw_data(out->btf, &raw_size);

			if (!raw || !btf_layout_aligned(raw, raw_size)) {
				btf__free(out->btf);
				out->btf = NULL;
				return kdc_fail(err, KC_CORRUPT,
						"%s: .BTF with a misaligned "
						"type section",
						src->vmlinux);
			}
			out->source = "btf (vmlinux)";
			return KC_OK;
		}
		kdc_fail(err, KC_NOTSUP, "%s has no .BTF (DWARF types are not read yet)",
			 src->vmlinux);
	}
	free(out->memo);
	out->memo = NULL;
	return kdc_err_prefix(err, err->code ? err->code : KC_NODATA, "types");
}

void ktypes_fini(struct kdc_ktypes *t)
{
	btf__free(t->btf);
	t->btf = NULL;
	free(t->memo);
	t->memo = NULL;
}

static const struct btf_type *find_composite(const struct kdc_ktypes *t, const char *name,
					     __u32 *id)
{
	__s32 r = find_by_name_kind(t, name, BTF_KIND_STRUCT);

	if (r < 0)
		r = find_by_name_kind(t, name, BTF_KIND_UNION);
	if (r < 0)
		return NULL;
	*id = (__u32)r;
	return btf__type_by_id(t->btf, *id);
}

/* The composite @id with typedefs and qualifiers peeled off, or NULL. */
static const struct btf_type *peel(const struct btf *btf, __u32 *id)
{
	int r = btf__resolve_type(btf, *id);
	const struct btf_type *t;

	if (r < 0)
		return NULL;
	*id = (__u32)r;
	t = btf__type_by_id(btf, *id);
	return t && btf_is_composite(t) ? t : NULL;
}

/*
 * Finds member @name (length @len) of composite @t, descending into
 * anonymous members; adds its bit offset to *@bits and sets *@id to its
 * type. @depth bounds the descent (BTF from a dump is untrusted).
 */
static bool find_member(const struct btf *btf, const struct btf_type *t, const char *name,
			size_t len, int depth, __u64 *bits, __u32 *id, bool *bitfield)
{
	const struct btf_member *m = btf_members(t);

	if (depth > MEMBER_DEPTH_MAX)
		return false;
	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		__u64 here = btf_member_bit_offset(t, i);

		if (mname && *mname) {
			if (strlen(mname) == len && !memcmp(mname, name, len)) {
				*bits += here;
				*id = m->type;
				*bitfield = btf_member_bitfield_size(t, i) != 0;
				return true;
			}
		} else {
			__u32 sub = m->type;
			const struct btf_type *st = peel(btf, &sub);
			__u64 inner = 0;

			if (st &&
			    find_member(btf, st, name, len, depth + 1, &inner, id, bitfield)) {
				*bits += here + inner;
				return true;
			}
		}
	}
	return false;
}

enum kdc_status ktypes_member(const struct kdc_ktypes *t, const char *type, const char *path,
			      uint64_t *offset, uint64_t *size, struct kdc_err *err)
{
	const struct btf_type *cur;
	__u64 bits = 0;
	__u32 id = 0, rid;
	bool bitfield = false;
	__s64 sz;

	if (!t->btf)
		return kdc_fail(err, KC_NODATA, "no kernel types");
	if (!(cur = find_composite(t, type, &id)))
		return kdc_fail(err, KC_NODATA, "no struct %s in BTF", type);
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ".");

		if (!cur || !find_member(t->btf, cur, p, len, 0, &bits, &id, &bitfield))
			return kdc_fail(err, KC_NODATA, "no member %s in struct %s", path, type);
		p += len + (p[len] == '.');
		rid = id;
		cur = peel(t->btf, &rid); /* NULL when a non-composite is not last */
	}
	if (bitfield || bits % 8)
		return kdc_fail(err, KC_NOTSUP, "%s.%s is a bitfield", type, path);
	*offset = bits / 8;
	if (size) {
		sz = btf__resolve_size(t->btf, id);
		if (sz < 0)
			return kdc_fail(err, KC_CORRUPT, "size of %s.%s", type, path);
		*size = (uint64_t)sz;
	}
	return KC_OK;
}

enum kdc_status ktypes_member_any(const struct kdc_ktypes *t, const char *type,
				  const char *const *paths, uint64_t *offset, uint64_t *size,
				  struct kdc_err *err)
{
	for (unsigned int i = 0; paths[i]; i++)
		if (!ktypes_member(t, type, paths[i], offset, size, NULL))
			return KC_OK;
	return kdc_fail(err, KC_NODATA, "no member %s (nor older names) in struct %s", paths[0],
			type);
}

enum kdc_status ktypes_resolve(const struct ktypes_field *table, size_t n,
			       const struct kdc_ktypes *t, void *layout, struct kdc_err *err)
{
	uint8_t *base = layout;

	for (size_t i = 0; i < n; i++) {
		const struct ktypes_field *f = &table[i];
		uint64_t off = 0, size = 0;
		bool required = f->have_at == KTYPES_NONE;
		/* one name: ktypes_member()'s own message says what is missing */
		enum kdc_status st = f->paths[1] ? ktypes_member_any(t, f->type, f->paths, &off,
								     &size, required ? err : NULL)
						 : ktypes_member(t, f->type, f->paths[0], &off,
								 &size, required ? err : NULL);

		if (st && required)
			return st;
		if (!required)
			*(bool *)(base + f->have_at) = !st;
		if (st)
			continue;
		memcpy(base + f->offset_at, &off, sizeof(off));
		if (f->size_at != KTYPES_NONE)
			memcpy(base + f->size_at, &size, sizeof(size));
	}
	return KC_OK;
}

int ktypes_has_member(const struct kdc_ktypes *t, const char *type, const char *path)
{
	uint64_t off;

	return !ktypes_member(t, type, path, &off, NULL, NULL);
}

enum kdc_status ktypes_size(const struct kdc_ktypes *t, const char *type, uint64_t *size,
			    struct kdc_err *err)
{
	const struct btf_type *bt;
	__u32 id;

	if (!t->btf)
		return kdc_fail(err, KC_NODATA, "no kernel types");
	if (!(bt = find_composite(t, type, &id)))
		return kdc_fail(err, KC_NODATA, "no struct %s in BTF", type);
	*size = bt->size;
	return KC_OK;
}

enum kdc_status ktypes_percpu_var(const struct kdc_ktypes *t, const char *name, uint64_t *offset,
				  uint64_t *size, struct kdc_err *err)
{
	const struct btf_type *sec;
	const struct btf_var_secinfo *vs;
	__s32 id, index;
	int slot;

	if (!t->btf)
		return kdc_fail(err, KC_NODATA, "no kernel types");
	id = find_by_name_kind(t, ".data..percpu", BTF_KIND_DATASEC);
	if (id < 0 || !(sec = btf__type_by_id(t->btf, (__u32)id)))
		return kdc_fail(err, KC_NODATA, "no .data..percpu section in BTF");
	vs = btf_var_secinfos(sec);
	if (!memo_get(t->memo, name, MEMO_PERCPU_VAR, &index, &slot)) {
		index = -1;
		for (__u16 i = 0; i < btf_vlen(sec); i++) {
			const struct btf_type *var = btf__type_by_id(t->btf, vs[i].type);
			const char *vname = var ? btf__name_by_offset(t->btf, var->name_off) : NULL;

			if (vname && !strcmp(vname, name)) {
				index = i;
				break;
			}
		}
		memo_put(t->memo, slot, name, MEMO_PERCPU_VAR, index);
	}
	if (index < 0 || index >= btf_vlen(sec))
		return kdc_fail(err, KC_NODATA, "no per-CPU variable %s in BTF", name);
	*offset = vs[index].offset;
	if (size)
		*size = vs[index].size;
	return KC_OK;
}

enum kdc_status ktypes_enum_value(const struct kdc_ktypes *t, const char *type, const char *name,
				  int64_t *value, struct kdc_err *err)
{
	const struct btf_type *et;
	__s32 id;

	if (!t->btf)
		return kdc_fail(err, KC_NODATA, "no kernel types");
	id = find_by_name_kind(t, type, BTF_KIND_ENUM);
	if (id < 0 || !(et = btf__type_by_id(t->btf, (__u32)id)))
		return kdc_fail(err, KC_NODATA, "no enum %s in BTF", type);
	for (__u16 i = 0; i < btf_vlen(et); i++) {
		const struct btf_enum *e = btf_enum(et) + i;
		const char *n = btf__name_by_offset(t->btf, e->name_off);

		if (n && !strcmp(n, name)) {
			*value = e->val;
			return KC_OK;
		}
	}
	return kdc_fail(err, KC_NODATA, "no %s in enum %s", name, type);
}

enum kdc_status ktypes_datasec_size(const struct kdc_ktypes *t, const char *name, uint64_t *size,
				    struct kdc_err *err)
{
	const struct btf_type *sec;
	__s32 id;

	if (!t->btf)
		return kdc_fail(err, KC_NODATA, "no kernel types");
	id = find_by_name_kind(t, name, BTF_KIND_DATASEC);
	if (id < 0 || !(sec = btf__type_by_id(t->btf, (__u32)id)))
		return kdc_fail(err, KC_NODATA, "no %s section in BTF", name);
	*size = sec->size;
	return KC_OK;
}
