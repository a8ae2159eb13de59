// SPDX-License-Identifier: GPL-2.0-or-later
#include "mem.h"

#include "cursor.h"

struct kdc_mem mem_over_reader(struct kdc_reader r, const struct kdc_arch_ops *arch)
{
	return (struct kdc_mem){ .read = r, .search = r, .arch = arch };
}

struct kdc_mem mem_for_search(const struct kdc_mem *m)
{
	struct kdc_mem s = *m;

	s.read = m->search;
	return s;
}

enum kdc_status mem_read(const struct kdc_mem *m, uint64_t vaddr, void *buf, size_t len,
			 struct kdc_err *err)
{
	if (len > KDC_MEM_READ_MAX)
		return kdc_fail(err, KC_LIMIT, "read of %zu bytes at 0x%llx over the %u-byte limit",
				len, (unsigned long long)vaddr, KDC_MEM_READ_MAX);
	if (!m->read.read)
		return kdc_fail(err, KC_NODATA, "no memory access");
	return m->read.read(m->read.ctx, vaddr, buf, len, err);
}

static enum kdc_status reader_read(void *ctx, uint64_t vaddr, void *buf, size_t len,
				   struct kdc_err *err)
{
	return mem_read(ctx, vaddr, buf, len, err);
}

struct kdc_reader mem_reader(const struct kdc_mem *m)
{
	/* the cast: kdc_reader's context is not const, reader_read() treats it so */
	return (struct kdc_reader){ .read = reader_read,
				    .ctx = (void *)m,
				    .big_endian = m->read.big_endian };
}

uint64_t mem_decode(const struct kdc_mem *m, const uint8_t *p, unsigned int n)
{
	return kdc_load_word(p, n, m->read.big_endian);
}

static enum kdc_status read_word(const struct kdc_mem *m, uint64_t vaddr, unsigned int n,
				 uint64_t *v, struct kdc_err *err)
{
	uint8_t b[8];
	enum kdc_status st = mem_read(m, vaddr, b, n, err);

	if (st)
		return st;
	*v = mem_decode(m, b, n);
	return KC_OK;
}

enum kdc_status mem_read_u64(const struct kdc_mem *m, uint64_t vaddr, uint64_t *v,
			     struct kdc_err *err)
{
	return read_word(m, vaddr, 8, v, err);
}

enum kdc_status mem_read_u32(const struct kdc_mem *m, uint64_t vaddr, uint32_t *v,
			     struct kdc_err *err)
{
	uint64_t w = 0;
	enum kdc_status st = read_word(m, vaddr, 4, &w, err);

	*v = (uint32_t)w;
	return st;
}

enum kdc_status mem_to_phys(const struct kdc_mem *m, uint64_t vaddr, uint64_t *paddr,
			    struct kdc_err *err)
{
	if (!m->to_phys)
		return kdc_fail(err, KC_NODATA, "0x%llx: no page tables to translate by",
				(unsigned long long)vaddr);
	return m->to_phys(m->phys_ctx, vaddr, paddr, err);
}

size_t mem_code_data_refs(const struct kdc_mem *m, uint64_t fn, size_t len, uint64_t *out,
			  size_t max)
{
	uint8_t code[1024];

	if (!m->arch || !m->arch->code_data_refs || len > sizeof(code) ||
	    mem_read(m, fn, code, len, NULL))
		return 0;
	return m->arch->code_data_refs(code, len, fn, out, max);
}
