// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kallsyms_find_tables() on synthetic kernel images laid out as
 * scripts/kallsyms.c emits them before v6.0 (offsets, relative_base,
 * num_syms, names, markers, token_table, token_index, every label 8-aligned),
 * with and without the 3-byte seqs_of_names of v6.2 (as backported into
 * Debian's 6.1), among unrelated bytes; the located layout must then decode
 * to the symbols put in. The real-dump proof is the fault-injection case
 * that hides VMCOREINFO's kallsyms entries of a 6.1 dump.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kallsyms.h"
#include "kallsyms_find.h"

#define BASE 0xffff800008000000ull
#define SIZE (1u << 20)
#define STEXT (BASE + 0x10000)
#define NSYMS 700

struct image {
	uint8_t *m;
	uint64_t pos; /* next free offset */
	struct kallsyms_layout want;
};

static enum kdc_status rd(void *ctx, uint64_t va, void *buf, size_t len, struct kdc_err *err)
{
	struct image *im = ctx;

	if (va < BASE || va - BASE > SIZE || len > SIZE - (va - BASE))
		return kdc_fail(err, KC_NODATA, "outside");
	memcpy(buf, im->m + (va - BASE), len);
	return KC_OK;
}

static void align(struct image *im)
{
	im->pos = (im->pos + 7) & ~7ull;
}

static void put(struct image *im, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		im->m[im->pos++] = (uint8_t)(v >> (8 * i));
}

/* token t (1..255) expands to the letter 'a' + t % 26; token 0 is "T" */
static void build(struct image *im, bool seqs)
{
	uint64_t markers[(NSYMS + 255) / 256], names_at;
	char tok[256][4];
	size_t tlen = 0;

	memset(im->m, 0, SIZE);
	/* unrelated data first: a fake, broken token-index-like run */
	for (int i = 0; i < 300; i++)
		im->m[0x100 + i] = (uint8_t)(i * 37);
	im->pos = 0x40000;
	im->want.offsets = BASE + im->pos;
	for (int i = 0; i < NSYMS; i++)
		put(im, 0x10000 + 16u * i, 4);
	align(im);
	im->want.relative_base = BASE + im->pos;
	put(im, BASE, 8);
	align(im);
	im->want.num_syms = BASE + im->pos;
	put(im, NSYMS, 4);
	align(im);
	im->want.names = BASE + im->pos;
	names_at = im->pos;
	for (int i = 0; i < NSYMS; i++) {
		if (i % 256 == 0)
			markers[i / 256] = im->pos - names_at;
		/* "T" then 1..4 letters */
		put(im, 1 + (unsigned)(i % 4) + 1, 1);
		put(im, 0, 1);
		for (int j = 0; j <= i % 4; j++)
			put(im, 1 + (unsigned)((i + j) % 255), 1);
	}
	align(im);
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		put(im, markers[i], 4);
	if (seqs) {
		align(im);
		for (int i = 0; i < NSYMS; i++)
			put(im, (unsigned)i, 3);
	}
	align(im);
	im->want.token_table = BASE + im->pos;
	for (int t = 0; t < 256; t++) {
		snprintf(tok[t], sizeof(tok[t]), "%s",
			 t ? (char[]){ (char)('a' + t % 26), 0 } : "T");
		memcpy(im->m + im->pos + tlen, tok[t], strlen(tok[t]) + 1);
		tlen += strlen(tok[t]) + 1;
	}
	im->pos += tlen;
	align(im);
	im->want.token_index = BASE + im->pos;
	tlen = 0;
	for (int t = 0; t < 256; t++) {
		put(im, tlen, 2);
		tlen += strlen(tok[t]) + 1;
	}
	/* more unrelated data after */
	for (int i = 0; i < 4096; i++)
		im->m[im->pos + 64 + i] = (uint8_t)(i * 13 + 7);
}

static void check_found(bool seqs)
{
	struct image im = { .m = malloc(SIZE) };
	struct kdc_reader r = { .read = rd, .ctx = &im };
	struct kallsyms_layout got;
	struct kdc_kallsyms *ks;
	struct kdc_symbol sym;
	struct kdc_err err = { 0 };

	assert_non_null(im.m);
	build(&im, seqs);
	assert_int_equal(kallsyms_find_tables(&r, BASE, BASE + SIZE, STEXT, &got, &err), KC_OK);
	assert_int_equal(got.token_index, im.want.token_index);
	assert_int_equal(got.token_table, im.want.token_table);
	assert_int_equal(got.num_syms, im.want.num_syms);
	assert_int_equal(got.names, im.want.names);
	assert_int_equal(got.relative_base, im.want.relative_base);
	assert_int_equal(got.offsets, im.want.offsets);
	/* and it decodes: 700 symbols, the 300th at its offset */
	assert_int_equal(kallsyms_load(&r, &got, &ks, &err), KC_OK);
	assert_int_equal(kallsyms_count(ks), NSYMS);
	kallsyms_get(ks, 300, &sym);
	assert_int_equal(sym.addr, BASE + 0x10000 + 16 * 300);
	kallsyms_free(ks);
	free(im.m);
}

static void old_order(void **state)
{
	(void)state;
	check_found(false);
}

static void with_seqs_of_names(void **state)
{
	(void)state;
	check_found(true);
}

/* a relative base above _stext, or the markers disagreeing: not a table */
static void wrong_tables_refused(void **state)
{
	struct image im = { .m = malloc(SIZE) };
	struct kdc_reader r = { .read = rd, .ctx = &im };
	struct kallsyms_layout got;
	struct kdc_err err = { 0 };

	(void)state;
	assert_non_null(im.m);
	build(&im, false);
	assert_int_equal(kallsyms_find_tables(&r, BASE, BASE + SIZE, BASE - 0x1000, &got, &err),
			 KC_NODATA);
	build(&im, false);
	/* markers[1] off by one */
	{
		uint64_t nm = (NSYMS + 255) / 256,
			 mk = im.want.token_table - ((4 * nm + 7) & ~7ull);

		im.m[mk - BASE + 4] ^= 1;
	}
	assert_int_equal(kallsyms_find_tables(&r, BASE, BASE + SIZE, STEXT, &got, &err), KC_NODATA);
	free(im.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_order),
		cmocka_unit_test(with_seqs_of_names),
		cmocka_unit_test(wrong_tables_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
