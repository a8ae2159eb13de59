// SPDX-License-Identifier: GPL-2.0-or-later
/* The kallsyms decoder on a synthetic kernel image laid out the way
 * scripts/kallsyms.c emits it; the real-table proof is the fixture check
 * that compares the decoded table with the guest's own /proc/kallsyms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kallsyms.h"
#include "note_builder.h"

#define MEM_BASE 0xffff800008000000ull
#define MEM_SIZE 0x6000
#define NUM_SYMS (MEM_BASE + 0x0)
#define REL_BASE (MEM_BASE + 0x8)
#define TOK_INDEX (MEM_BASE + 0x100)
#define TOK_TABLE (MEM_BASE + 0x400)
#define NAMES (MEM_BASE + 0x1000)
#define OFFSETS (MEM_BASE + 0x3000)
#define TOK_SYM 0x80 /* token 0x80 expands to "sym_" */

struct image {
	uint8_t m[MEM_SIZE];
	size_t names_len;
	size_t reads_after_names; /* make names unreadable past this many bytes */
};

static enum kdc_status read_image(void *ctx, uint64_t vaddr, void *buf, size_t len,
				  struct kdc_err *err)
{
	struct image *im = ctx;

	if (vaddr < MEM_BASE || vaddr - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (vaddr - MEM_BASE))
		return kdc_fail(err, KC_NODATA, "0x%llx not in the image",
				(unsigned long long)vaddr);
	/* pages are filtered whole: fail any read touching the forbidden range */
	if (im->reads_after_names && vaddr + len > NAMES + im->reads_after_names && vaddr < OFFSETS)
		return kdc_fail(err, KC_NODATA, "page filtered");
	memcpy(buf, im->m + (vaddr - MEM_BASE), len);
	return KC_OK;
}

static void put32(struct image *im, uint64_t va, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		im->m[va - MEM_BASE + i] = (uint8_t)(v >> (8 * i));
}

static void add_name(struct image *im, const uint8_t *tokens, size_t n)
{
	uint8_t *p = im->m + (NAMES - MEM_BASE) + im->names_len;

	p[0] = (uint8_t)n;
	memcpy(p + 1, tokens, n);
	im->names_len += n + 1;
}

/* Three symbols: Tsym_a at +0x100, tsym_b at +0, Tsym_c at +0x200. */
static void build(struct image *im, uint32_t num)
{
	size_t tpos = 0;

	memset(im, 0, sizeof(*im));
	put32(im, NUM_SYMS, num);
	put_u64_at(im->m + (REL_BASE - MEM_BASE), MEM_BASE);
	for (int i = 0; i < 256; i++) {
		const char *tok;
		char one[2] = { (char)i, 0 };

		if (i == TOK_SYM)
			tok = "sym_";
		else if ((i >= 'a' && i <= 'z') || i == 'T' || i == 't' || i == '_')
			tok = one;
		else
			tok = "";
		im->m[TOK_INDEX - MEM_BASE + 2 * i] = (uint8_t)tpos;
		im->m[TOK_INDEX - MEM_BASE + 2 * i + 1] = (uint8_t)(tpos >> 8);
		memcpy(im->m + (TOK_TABLE - MEM_BASE) + tpos, tok, strlen(tok) + 1);
		tpos += strlen(tok) + 1;
	}
	add_name(im, (const uint8_t[]){ 'T', TOK_SYM, 'a' }, 3);
	add_name(im, (const uint8_t[]){ 't', TOK_SYM, 'b' }, 3);
	add_name(im, (const uint8_t[]){ 'T', TOK_SYM, 'c' }, 3);
	put32(im, OFFSETS, 0x100);
	put32(im, OFFSETS + 4, 0x0);
	put32(im, OFFSETS + 8, 0x200);
}

static const struct kallsyms_layout layout = {
	.num_syms = NUM_SYMS,
	.names = NAMES,
	.token_table = TOK_TABLE,
	.token_index = TOK_INDEX,
	.offsets = OFFSETS,
	.relative_base = REL_BASE,
};

static enum kdc_status load(struct image *im, struct kdc_kallsyms **ks, struct kdc_err *err)
{
	struct kdc_reader r = { .read = read_image, .ctx = im, .big_endian = false };

	*ks = NULL;
	return kallsyms_load(&r, &layout, ks, err);
}

static struct image im;

static void decodes_sorts_and_looks_up(void **state)
{
	struct kdc_kallsyms *ks;
	struct kdc_symbol sym;
	struct kdc_err err = { 0 };
	uint64_t off;

	(void)state;
	build(&im, 3);
	if (load(&im, &ks, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(kallsyms_count(ks), 3);
	kallsyms_get(ks, 0, &sym);
	assert_string_equal(sym.name, "sym_b");
	assert_int_equal(sym.type, 't');
	assert_true(sym.addr == MEM_BASE && sym.size == 0x100);
	assert_int_equal(kallsyms_lookup(ks, MEM_BASE + 0x1c4, &sym, &off), KC_OK);
	assert_string_equal(sym.name, "sym_a");
	assert_int_equal(sym.type, 'T');
	assert_int_equal(off, 0xc4);
	assert_int_equal(sym.size, 0x100);
	assert_int_equal(kallsyms_lookup(ks, MEM_BASE - 1, &sym, &off), KC_NODATA);
	/* the last symbol has no known end */
	assert_int_equal(kallsyms_lookup(ks, MEM_BASE + 0x200, &sym, &off), KC_NODATA);
	kallsyms_free(ks);
}

static void big_length_encoding(void **state)
{
	struct kdc_kallsyms *ks;
	struct kdc_symbol sym;
	struct kdc_err err = { 0 };
	uint8_t *p;

	(void)state;
	build(&im, 1);
	/* 130 tokens: 'T' then 129 x 'x'; the length 130 takes two bytes */
	p = im.m + (NAMES - MEM_BASE);
	p[0] = 0x80 | (130 & 0x7f);
	p[1] = 130 >> 7;
	p[2] = 'T';
	memset(p + 3, 'x', 129);
	if (load(&im, &ks, &err))
		fail_msg("%s", err.msg);
	kallsyms_get(ks, 0, &sym);
	assert_int_equal(strlen(sym.name), 129);
	assert_int_equal(sym.name[128], 'x');
	kallsyms_free(ks);
}

static void hostile_tables(void **state)
{
	struct kdc_kallsyms *ks;
	struct kdc_err err;

	(void)state;
	build(&im, 0);
	assert_int_equal(load(&im, &ks, &err), KC_CORRUPT);
	build(&im, 0xffffffffu);
	assert_int_equal(load(&im, &ks, &err), KC_LIMIT);
	assert_non_null(strstr(err.msg, "kallsyms_num_syms"));
	/* more symbols than names: the walk runs into unreadable memory */
	build(&im, 200);
	assert_int_equal(load(&im, &ks, &err), KC_CORRUPT); /* empty names past the 3rd */
	assert_non_null(strstr(err.msg, "empty name"));
	/* names run into a filtered page */
	build(&im, 1500);
	for (size_t i = 0; i < 1500; i++)
		memcpy(im.m + (NAMES - MEM_BASE) + 4 * i, (const uint8_t[]){ 3, 'T', TOK_SYM, 'a' },
		       4);
	im.reads_after_names = 0x1000;
	assert_int_equal(load(&im, &ks, &err), KC_NODATA);
	assert_non_null(strstr(err.msg, "kallsyms_names+0x1000"));
	/* a token offset beyond any plausible table */
	build(&im, 3);
	im.m[TOK_INDEX - MEM_BASE + 2 * 'a' + 1] = 0xff;
	assert_int_equal(load(&im, &ks, &err), KC_CORRUPT);
	/* a name that expands past KSYM_NAME_LEN */
	build(&im, 1);
	im.m[NAMES - MEM_BASE] = 0xff;
	im.m[NAMES - MEM_BASE + 1] = 0x01; /* 255 tokens of "sym_" */
	memset(im.m + (NAMES - MEM_BASE) + 2, TOK_SYM, 255);
	assert_int_equal(load(&im, &ks, &err), KC_CORRUPT);
	assert_non_null(strstr(err.msg, "longer than"));
	/* the tables lie outside the dump */
	{
		struct kallsyms_layout bad = layout;
		struct kdc_reader r = { .read = read_image, .ctx = &im };

		build(&im, 3);
		bad.offsets = 0x1000;
		assert_int_equal(kallsyms_load(&r, &bad, &ks, &err), KC_NODATA);
		assert_non_null(strstr(err.msg, "kallsyms_offsets"));
	}
}

/* kallsyms_find() through the name index: the lowest-addressed of equal
 * names, every name of a shuffled table, absent names, and adds after a
 * sort (the index is stale until the next sort; finds must still work). */
static void find_by_name(void **state)
{
	static const struct {
		uint64_t addr;
		const char *name;
	} syms[] = {
		{ 0x5000, "zeta" }, { 0x1000, "alpha" }, { 0x3000, "dup" },
		{ 0x2000, "dup" },  { 0x4000, "mid" },	 { 0x6000, "alpha_2" },
	};
	struct kdc_kallsyms *ks = kallsyms_new();
	struct kdc_symbol sym;

	(void)state;
	assert_non_null(ks);
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		assert_int_equal(kallsyms_add(ks, syms[i].addr, 't', syms[i].name,
					      strlen(syms[i].name), NULL),
				 KC_OK);
	kallsyms_sort(ks);
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		assert_int_equal(kallsyms_find(ks, syms[i].name, &sym), KC_OK);
		assert_string_equal(sym.name, syms[i].name);
	}
	assert_int_equal(kallsyms_find(ks, "dup", &sym), KC_OK);
	assert_int_equal(sym.addr, 0x2000);
	assert_int_equal(kallsyms_find(ks, "alph", &sym), KC_NODATA);
	assert_int_equal(kallsyms_find(ks, "alpha_3", &sym), KC_NODATA);
	assert_int_equal(kallsyms_find(ks, "", &sym), KC_NODATA);
	assert_int_equal(kallsyms_find(ks, "zzz", &sym), KC_NODATA);
	assert_int_equal(kallsyms_add(ks, 0x7000, 't', "late", 4, NULL), KC_OK);
	assert_int_equal(kallsyms_find(ks, "late", &sym), KC_OK);
	assert_int_equal(sym.addr, 0x7000);
	assert_int_equal(kallsyms_find(ks, "mid", &sym), KC_OK);
	assert_int_equal(sym.addr, 0x4000);
	kallsyms_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_sorts_and_looks_up),
		cmocka_unit_test(big_length_encoding),
		cmocka_unit_test(hostile_tables),
		cmocka_unit_test(find_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
