// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bounded reader over an untrusted byte range. Every getter checks what
 * remains by subtraction, never advances on failure, and reports the offset
 * it failed at, so dump bytes are never cast to C structs.
 */
#ifndef KDC_CURSOR_H
#define KDC_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"

struct kdc_cursor {
	const uint8_t *base; /* borrowed; the caller keeps it alive */
	size_t len;
	size_t pos;
	bool big_endian;
	const char *what; /* names the range in error messages */
};

static inline void kdc_cursor_init(struct kdc_cursor *c, const void *base, size_t len,
				   bool big_endian, const char *what)
{
	c->base = base;
	c->len = len;
	c->pos = 0;
	c->big_endian = big_endian;
	c->what = what ? what : "buffer";
}

static inline size_t kdc_cursor_remaining(const struct kdc_cursor *c)
{
	return c->len - c->pos;
}

static inline enum kdc_status kdc_cursor_need(const struct kdc_cursor *c, size_t n,
					      struct kdc_err *err)
{
	if (n > kdc_cursor_remaining(c))
		return kdc_fail(err, KC_CORRUPT, "%s+0x%zx: need %zu bytes, %zu remain", c->what,
				c->pos, n, kdc_cursor_remaining(c));
	return KC_OK;
}

/* the @n-byte (at most 8) word at @p in the given byte order, whatever the host's */
static inline uint64_t kdc_load_word(const uint8_t *p, size_t n, bool big_endian)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[big_endian ? i : n - 1 - i];
	return v;
}

static inline uint64_t kdc_cursor_load(const struct kdc_cursor *c, size_t n)
{
	return kdc_load_word(c->base + c->pos, n, c->big_endian);
}

#define KDC_CURSOR_GETTER(bits)                                                                    \
	static inline enum kdc_status kdc_cursor_u##bits(struct kdc_cursor *c,                     \
							 uint##bits##_t *out, struct kdc_err *err) \
	{                                                                                          \
		enum kdc_status st = kdc_cursor_need(c, bits / 8, err);                            \
		if (st)                                                                            \
			return st;                                                                 \
		*out = (uint##bits##_t)kdc_cursor_load(c, bits / 8);                               \
		c->pos += bits / 8;                                                                \
		return KC_OK;                                                                      \
	}
KDC_CURSOR_GETTER(8)
KDC_CURSOR_GETTER(16)
KDC_CURSOR_GETTER(32)
KDC_CURSOR_GETTER(64)
#undef KDC_CURSOR_GETTER

/* Borrow @n bytes in place: *out points into the cursor's range. */
static inline enum kdc_status kdc_cursor_bytes(struct kdc_cursor *c, size_t n, const uint8_t **out,
					       struct kdc_err *err)
{
	enum kdc_status st = kdc_cursor_need(c, n, err);

	if (st)
		return st;
	*out = c->base + c->pos;
	c->pos += n;
	return KC_OK;
}

static inline enum kdc_status kdc_cursor_skip(struct kdc_cursor *c, size_t n, struct kdc_err *err)
{
	enum kdc_status st = kdc_cursor_need(c, n, err);

	if (st)
		return st;
	c->pos += n;
	return KC_OK;
}

/* Move to absolute offset @pos within the range (== len is allowed: at end). */
static inline enum kdc_status kdc_cursor_seek(struct kdc_cursor *c, size_t pos, struct kdc_err *err)
{
	if (pos > c->len)
		return kdc_fail(err, KC_CORRUPT, "%s: offset 0x%zx beyond its 0x%zx bytes", c->what,
				pos, c->len);
	c->pos = pos;
	return KC_OK;
}

/* Skip to the next multiple of @align (a power of two); fails past the end. */
static inline enum kdc_status kdc_cursor_align(struct kdc_cursor *c, size_t align,
					       struct kdc_err *err)
{
	size_t pad = (align - (c->pos & (align - 1))) & (align - 1);

	return kdc_cursor_skip(c, pad, err);
}

#endif
