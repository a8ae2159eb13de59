// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A synthetic kernel memory image for the analysis suites: a few regions of
 * kernel virtual addresses, each a zeroed byte array the test fills with
 * little-endian words laid out like the kernel version under test. Reads
 * outside every region fail with KC_NODATA as a filtered-out page does, so
 * the suites also prove the analyses survive missing memory.
 * Installed into a struct kdc_dump as its memory (dump->mem); the image
 * owns its buffers (mem_image_fini()).
 */
#ifndef KDC_TEST_MEM_IMAGE_H
#define KDC_TEST_MEM_IMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "err.h"

#define MEM_IMAGE_REGIONS 16

struct mem_image {
	struct {
		uint64_t va;
		size_t len;
		uint8_t *bytes;
	} region[MEM_IMAGE_REGIONS];
	unsigned int nr;
};

static inline enum kdc_status mem_image_read(void *ctx, uint64_t va, void *buf, size_t len,
					     struct kdc_err *err)
{
	const struct mem_image *m = ctx;

	for (unsigned int i = 0; i < m->nr; i++) {
		uint64_t off = va - m->region[i].va;

		if (va >= m->region[i].va && off <= m->region[i].len &&
		    len <= m->region[i].len - off) {
			memcpy(buf, m->region[i].bytes + off, len);
			return KC_OK;
		}
	}
	return kdc_fail(err, KC_NODATA, "0x%llx+0x%zx is not in the image", (unsigned long long)va,
			len);
}

/* a zeroed region [va, va + len); aborts the test program when out of room */
static inline void mem_image_add(struct mem_image *m, uint64_t va, size_t len)
{
	if (m->nr == MEM_IMAGE_REGIONS || !(m->region[m->nr].bytes = calloc(1, len)))
		abort();
	m->region[m->nr].va = va;
	m->region[m->nr].len = len;
	m->nr++;
}

static inline uint8_t *mem_image_at(struct mem_image *m, uint64_t va, size_t len)
{
	for (unsigned int i = 0; i < m->nr; i++)
		if (va >= m->region[i].va && va - m->region[i].va <= m->region[i].len &&
		    len <= m->region[i].len - (va - m->region[i].va))
			return m->region[i].bytes + (va - m->region[i].va);
	abort(); /* a test writing outside its own image is a broken test */
}

static inline void mem_image_put(struct mem_image *m, uint64_t va, uint64_t v, unsigned int n)
{
	uint8_t *p = mem_image_at(m, va, n);

	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void mem_image_put64(struct mem_image *m, uint64_t va, uint64_t v)
{
	mem_image_put(m, va, v, 8);
}

static inline void mem_image_put32(struct mem_image *m, uint64_t va, uint32_t v)
{
	mem_image_put(m, va, v, 4);
}

/* a frame record {caller's frame pointer, return address} (AAPCS64) at @at */
static inline void mem_image_put_record(struct mem_image *m, uint64_t at, uint64_t fp, uint64_t lr)
{
	mem_image_put64(m, at, fp);
	mem_image_put64(m, at + 8, lr);
}

/* @n instruction words from @at (A64 code is little-endian, as all of the image) */
static inline void mem_image_put_code(struct mem_image *m, uint64_t at, const uint32_t *insn,
				      unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		mem_image_put32(m, at + 4 * i, insn[i]);
}

/* @d's memory becomes @m (after d->arch is set: code decoding goes through it) */
static inline void mem_image_install(struct mem_image *m, struct kdc_dump *d)
{
	d->kctx = NULL;
	d->mem = mem_over_reader(
		(struct kdc_reader){ .read = mem_image_read, .ctx = m, .big_endian = false },
		d->arch);
}

static inline void mem_image_fini(struct mem_image *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		free(m->region[i].bytes);
	m->nr = 0;
}

#endif
