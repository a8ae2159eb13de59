// SPDX-License-Identifier: GPL-2.0-or-later
/* Builds ELF note blobs for the decoder tests, field by field. */
#ifndef KDC_TEST_NOTE_BUILDER_H
#define KDC_TEST_NOTE_BUILDER_H

#include <stdint.h>
#include <string.h>

struct blob {
	uint8_t b[4096];
	size_t len;
};

static inline void put_u32(struct blob *bl, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		bl->b[bl->len++] = (uint8_t)(v >> (8 * i));
}

static inline void put_u64_at(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_bytes(struct blob *bl, const void *p, size_t n)
{
	memcpy(bl->b + bl->len, p, n);
	bl->len += n;
	while (bl->len & 3)
		bl->b[bl->len++] = 0;
}

/* A note with a NUL-terminated name, the way the kernel writes them. */
static inline void put_note(struct blob *bl, const char *name, uint32_t type, const void *desc,
			    size_t desc_len)
{
	put_u32(bl, (uint32_t)strlen(name) + 1);
	put_u32(bl, (uint32_t)desc_len);
	put_u32(bl, type);
	put_bytes(bl, name, strlen(name) + 1);
	put_bytes(bl, desc, desc_len);
}

#endif
