// SPDX-License-Identifier: GPL-2.0-or-later
#include "kallsyms_find.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define CHUNK (64u * 1024)
#define TOKENS 256
#define INDEX_BYTES (TOKENS * 2)
#define TOKEN_LEN_MAX 64 /* a token is a short byte string */
#define TOKEN_TABLE_MAX 4096

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static uint64_t le(const uint8_t *p, unsigned int n, bool big_endian)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = (v << 8) | p[big_endian ? i : n - 1 - i];
	return v;
}

/* [@at, @at + @len) a page at a time; unreadable pages read as zeros */
static bool read_pages(const struct kdc_reader *r, uint64_t at, uint8_t *buf, size_t len)
{
	bool any = false;

	for (size_t done = 0; done < len;) {
		size_t n = PAGE - (size_t)((at + done) % PAGE);

		if (n > len - done)
			n = len - done;
		if (r->read(r->ctx, at + done, buf + done, n, NULL))
			memset(buf + done, 0, n);
		else
			any = true;
		done += n;
	}
	return any;
}

/* A forward byte stream over the reader, for walking the names. */
struct stream {
	const struct kdc_reader *r;
	uint64_t base; /* address of buf[0] */
	size_t len;
	uint8_t buf[CHUNK];
};

static bool stream_byte(struct stream *s, uint64_t at, uint8_t *out)
{
	if (at < s->base || at >= s->base + s->len) {
		s->base = at;
		s->len = CHUNK;
		if (s->r->read(s->r->ctx, at, s->buf, CHUNK, NULL)) {
			/* near unmapped memory: what is left of the page */
			s->len = PAGE - (size_t)(at % PAGE);
			if (s->r->read(s->r->ctx, at, s->buf, s->len, NULL)) {
				s->len = 0;
				return false;
			}
		}
	}
	*out = s->buf[at - s->base];
	return true;
}

/* 256 increasing offsets from 0, each gap a token's length + NUL */
static bool looks_like_index(const uint8_t *p, bool be, uint16_t *idx)
{
	for (int i = 0; i < TOKENS; i++) {
		idx[i] = (uint16_t)le(p + 2 * i, 2, be);
		if (i == 0 ? idx[0] != 0
			   : idx[i] < idx[i - 1] + 2 || idx[i] > idx[i - 1] + TOKEN_LEN_MAX + 1)
			return false;
	}
	return idx[TOKENS - 1] < TOKEN_TABLE_MAX;
}

/* the token table right below the index at @index, or 0 */
static uint64_t token_table_below(const struct kdc_reader *r, uint64_t index, const uint16_t *idx)
{
	uint8_t t[TOKEN_TABLE_MAX + TOKEN_LEN_MAX + 16];
	uint64_t span = idx[TOKENS - 1] + TOKEN_LEN_MAX + 16;

	if (index < span || span > sizeof(t) || !read_pages(r, index - span, t, span))
		return 0;
	/* the last token is 1..TOKEN_LEN_MAX bytes: the table then ends at most
	 * 7 bytes of padding below the index */
	for (uint64_t start = (index - idx[TOKENS - 1] - 2) & ~7ull;
	     start + idx[TOKENS - 1] + TOKEN_LEN_MAX + 8 >= index && start >= index - span;
	     start -= 8) {
		const uint8_t *tab = t + (start - (index - span));
		bool ok = true;
		size_t last;

		for (int i = 0; i + 1 < TOKENS && ok; i++)
			for (unsigned int j = idx[i]; j < idx[i + 1] && ok; j++)
				ok = (j == idx[i + 1] - 1u) == (tab[j] == 0);
		if (!ok)
			continue;
		last = strnlen((const char *)tab + idx[TOKENS - 1], TOKEN_LEN_MAX + 1);
		if (last && last <= TOKEN_LEN_MAX &&
		    align8(start + idx[TOKENS - 1] + last + 1) == index)
			return start;
	}
	return 0;
}

/*
 * Walks @n names from @names; fills the offsets of symbols 0, 256, ...
 * (the first @want of them) and returns the end, or 0 when the walk leaves
 * [@names, @limit).
 */
static uint64_t walk_names(struct stream *s, uint64_t names, uint64_t n, uint64_t limit,
			   uint64_t *marks, size_t want)
{
	uint64_t pos = names;

	for (uint64_t k = 0; k < n; k++) {
		uint8_t b0, b1;
		uint64_t len;

		if (k % TOKENS == 0 && k / TOKENS < want)
			marks[k / TOKENS] = pos - names;
		if (!stream_byte(s, pos, &b0))
			return 0;
		len = b0;
		/* "big" symbols (v6.1): a second length byte */
		if (b0 & 0x80) {
			if (!stream_byte(s, pos + 1, &b1))
				return 0;
			len = (b0 & 0x7fu) | (uint64_t)b1 << 7;
			pos++;
		}
		if (!len)
			return 0;
		pos += 1 + len;
		if (pos > limit)
			return 0;
	}
	return pos;
}

/* whether the markers at @at match the walk's: 0, then the offsets seen */
static bool markers_agree(const struct kdc_reader *r, uint64_t at, const uint64_t *marks, size_t nr)
{
	uint8_t b[4 * 8];

	if (nr > 8)
		nr = 8;
	if (r->read(r->ctx, at, b, 4 * nr, NULL))
		return false;
	for (size_t i = 0; i < nr; i++)
		if (le(b + 4 * i, 4, r->big_endian) != marks[i])
			return false;
	return true;
}

/* kallsyms_num_syms for the token table at @tt: see the header */
static bool num_syms_below(const struct kdc_reader *r, uint64_t lo, uint64_t tt, uint64_t stext,
			   struct kallsyms_layout *out, struct stream *s, uint8_t *buf)
{
	uint64_t floor = tt - lo > KDC_KALLSYMS_FIND_SPAN ? tt - KDC_KALLSYMS_FIND_SPAN : lo;

	floor = align8(floor);
	/* each chunk covers [base - 8, top): the u64 below every candidate */
	for (uint64_t top = tt & ~7ull; top >= floor + 16;) {
		uint64_t base = top - floor > CHUNK ? top - CHUNK : floor + 8;

		read_pages(r, base - 8, buf, (size_t)(top - base + 8));
		for (uint64_t a = top - 8; a >= base; a -= 8) {
			const uint8_t *p = buf + (a - (base - 8));
			uint64_t rb = le(p - 8, 8, r->big_endian), n = le(p, 4, r->big_endian);
			uint64_t marks[8], nm, x[2];
			size_t want;

			/* the relative base is _text or near it; every name is
			 * at least a length byte and one token */
			if (rb > stext || stext - rb > KDC_KALLSYMS_FIND_SPAN || !n ||
			    n > KDC_KALLSYMS_MAX_SYMS || 2 * n > tt - a)
				continue;
			nm = (n + TOKENS - 1) / TOKENS;
			want = nm < 8 ? (size_t)nm : 8;
			/* the markers end at the token table, or below the
			 * 3-byte seqs_of_names */
			x[0] = tt - align8(4 * nm);
			x[1] = tt - align8(3 * n) - align8(4 * nm);
			for (int v = 0; v < 2; v++) {
				uint64_t end;

				if (x[v] <= a + 8 || x[v] > tt)
					continue;
				end = walk_names(s, a + 8, n, x[v], marks, want);
				if (!end || align8(end) != x[v] ||
				    !markers_agree(r, x[v], marks, want))
					continue;
				out->num_syms = a;
				out->names = a + 8;
				out->relative_base = a - 8;
				out->offsets = a - 8 - align8(4 * n);
				out->token_table = tt;
				return true;
			}
		}
		top = base;
	}
	return false;
}

enum kdc_status kallsyms_find_tables(const struct kdc_reader *r, uint64_t lo, uint64_t hi,
				     uint64_t stext, struct kallsyms_layout *out,
				     struct kdc_err *err)
{
	struct stream *s = malloc(sizeof(*s));
	uint8_t *buf = malloc(CHUNK + INDEX_BYTES), *scan = malloc(CHUNK + 8);
	bool any = false;

	if (!s || !buf || !scan) {
		free(s);
		free(buf);
		free(scan);
		return kdc_fail(err, KC_NOMEM, "kallsyms search");
	}
	s->r = r;
	s->len = 0;
	lo &= ~7ull;
	for (uint64_t top = hi & ~7ull; top > lo;) {
		uint64_t base = top - lo > CHUNK ? top - CHUNK : lo;
		size_t len = (size_t)(top - base) + INDEX_BYTES;

		/* the index may run INDEX_BYTES past the chunk */
		any |= read_pages(r, base, buf, len);
		for (uint64_t at = top - 8; at >= base && at < top; at -= 8) {
			const uint8_t *p = buf + (at - base);
			uint16_t idx[TOKENS];
			uint64_t tt;

			if (p[0] || p[1] || !looks_like_index(p, r->big_endian, idx) ||
			    !(tt = token_table_below(r, at, idx)))
				continue;
			memset(out, 0, sizeof(*out));
			out->token_index = at;
			if (num_syms_below(r, lo, tt, stext, out, s, scan)) {
				free(s);
				free(buf);
				free(scan);
				return KC_OK;
			}
		}
		top = base;
	}
	free(s);
	free(buf);
	free(scan);
	return kdc_fail(err, any ? KC_NODATA : KC_IO,
			"no kallsyms tables found in the kernel "
			"image [0x%llx, 0x%llx)%s",
			(unsigned long long)lo, (unsigned long long)hi,
			any ? "" : ": none of it is in the dump");
}
