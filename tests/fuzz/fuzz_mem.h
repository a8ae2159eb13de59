// SPDX-License-Identifier: GPL-2.0-or-later
/* A kdc_reader over a fuzz input mapped at FUZZ_BASE, for the decoders that
 * read "dump memory" (kallsyms, printk). */
#ifndef KDC_FUZZ_MEM_H
#define KDC_FUZZ_MEM_H

#include <string.h>

#include "err.h"
#include "reader.h"

#define FUZZ_BASE 0xffff800010000000ull

struct fuzz_mem {
	const uint8_t *data;
	size_t size;
};

static enum kdc_status fuzz_read(void *ctx, uint64_t vaddr, void *buf, size_t len,
				 struct kdc_err *err)
{
	const struct fuzz_mem *m = ctx;

	if (vaddr < FUZZ_BASE || vaddr - FUZZ_BASE > m->size || len > m->size - (vaddr - FUZZ_BASE))
		return kdc_fail(err, KC_NODATA, "0x%llx not in the fuzz input",
				(unsigned long long)vaddr);
	memcpy(buf, m->data + (vaddr - FUZZ_BASE), len);
	return KC_OK;
}

/* The i-th little-endian u16 of the input's header, as an offset into it. */
static inline uint64_t fuzz_off(const uint8_t *data, size_t size, unsigned i)
{
	if (size < 2 * (i + 1))
		return FUZZ_BASE;
	return FUZZ_BASE + (uint64_t)(data[2 * i] | data[2 * i + 1] << 8);
}

#endif
