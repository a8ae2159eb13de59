// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmcoreinfo.h"

/* Lines as Debian 6.1 arm64 prints them (kernel/crash_core.c, arch/arm64/kernel/crash_core.c). */
static const char sample[] = "OSRELEASE=6.1.0-50-arm64\n"
			     "BUILD-ID=0123abcd\n"
			     "PAGESIZE=4096\n"
			     "SYMBOL(init_uts_ns)=ffffabcd12345678\n"
			     "OFFSET(list_head.next)=0\n"
			     "NUMBER(PG_head_mask)=65536\n"
			     "NUMBER(VA_BITS)=48\n"
			     "NUMBER(kimage_voffset)=0xffff7fff6fe00000\n"
			     "NUMBER(PHYS_OFFSET)=0x40000000\n"
			     "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
			     "KERNELOFFSET=4b9833c00000\n"
			     "KERNELPACMASK=0xff7f000000000000\n"
			     "CRASHTIME=1763822647\n";

static struct kdc_vmcoreinfo *parse_ok(const char *text, size_t len)
{
	struct kdc_vmcoreinfo *vi = NULL;
	struct kdc_err err = { 0 };

	if (vmcoreinfo_parse(text, len, &vi, &err))
		fail_msg("parse failed: %s", err.msg);
	return vi;
}

static void typed_lookups(void **state)
{
	struct kdc_vmcoreinfo *vi = parse_ok(sample, sizeof(sample) - 1);
	uint64_t v = 0;

	(void)state;
	assert_string_equal(vmcoreinfo_get(vi, "OSRELEASE"), "6.1.0-50-arm64");
	assert_int_equal(vmcoreinfo_get_u64(vi, "PAGESIZE", 10, &v, NULL), KC_OK);
	assert_int_equal(v, 4096);
	assert_int_equal(vmcoreinfo_get_symbol(vi, "init_uts_ns", &v, NULL), KC_OK);
	assert_true(v == 0xffffabcd12345678ull);
	assert_int_equal(vmcoreinfo_get_u64(vi, "KERNELOFFSET", 16, &v, NULL), KC_OK);
	assert_true(v == 0x4b9833c00000ull);
	assert_int_equal(vmcoreinfo_get_u64(vi, "NUMBER(kimage_voffset)", 16, &v, NULL), KC_OK);
	assert_true(v == 0xffff7fff6fe00000ull);
	assert_int_equal(
		vmcoreinfo_get_u64(vi, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", 10, &v, NULL), KC_OK);
	assert_true((int64_t)v == -257);
	assert_int_equal(vmcoreinfo_get_u64(vi, "KERNELPACMASK", 16, &v, NULL), KC_OK);
	assert_true(v == 0xff7f000000000000ull);
	assert_int_equal(vmcoreinfo_nr_entries(vi), 13);
	assert_int_equal(vmcoreinfo_nr_bad_lines(vi), 0);
	vmcoreinfo_free(vi);
}

static void absent_and_malformed_values_are_nodata(void **state)
{
	static const char text[] = "PAGESIZE=4k\nEMPTY=\nSPACE= 12\nHEX=0x\nPLUS=+5\nOK=7\n";
	struct kdc_vmcoreinfo *vi = parse_ok(text, sizeof(text) - 1);
	const char *keys[] = { "PAGESIZE", "EMPTY", "SPACE", "PLUS", "MISSING" };
	struct kdc_err err = { 0 };
	uint64_t v = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(vmcoreinfo_get_u64(vi, keys[i], 10, &v, &err), KC_NODATA);
		assert_int_equal(v, 99);
		assert_non_null(strstr(err.msg, keys[i]));
	}
	assert_int_equal(vmcoreinfo_get_u64(vi, "HEX", 16, &v, NULL), KC_NODATA);
	assert_int_equal(vmcoreinfo_get_u64(vi, "OK", 10, &v, NULL), KC_OK);
	assert_int_equal(v, 7);
	vmcoreinfo_free(vi);
}

static void bad_lines_are_skipped_and_counted(void **state)
{
	static const char text[] = "no equals sign\n=novalue\nKEY WITH SPACE=1\nGOOD=1\n\n\n"
				   "BAD\x01KEY=2\nLAST=3"; /* no final newline */
	struct kdc_vmcoreinfo *vi = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(vmcoreinfo_nr_entries(vi), 2);
	assert_int_equal(vmcoreinfo_nr_bad_lines(vi), 4);
	assert_string_equal(vmcoreinfo_get(vi, "LAST"), "3");
	assert_null(vmcoreinfo_get(vi, "KEY WITH SPACE"));
	vmcoreinfo_free(vi);
}

static void embedded_nul_ends_the_text(void **state)
{
	static const char text[] = "A=1\n\0B=2\n";
	struct kdc_vmcoreinfo *vi = parse_ok(text, sizeof(text) - 1);

	(void)state;
	assert_string_equal(vmcoreinfo_get(vi, "A"), "1");
	assert_null(vmcoreinfo_get(vi, "B"));
	vmcoreinfo_free(vi);
}

static void hostile_texts(void **state)
{
	struct kdc_vmcoreinfo *vi = NULL;
	struct kdc_err err = { 0 };
	size_t big = KDC_VMCOREINFO_BYTES_MAX + 1;
	char *text;

	(void)state;
	/* empty, zeroed, and garbage notes have no entry at all */
	assert_int_equal(vmcoreinfo_parse("", 0, &vi, &err), KC_NODATA);
	assert_int_equal(vmcoreinfo_parse("\0\0\0\0", 4, &vi, &err), KC_NODATA);
	assert_int_equal(vmcoreinfo_parse("garbage\n", 8, &vi, &err), KC_NODATA);
	assert_null(vi);
	/* over the size ceiling */
	text = calloc(1, big);
	assert_non_null(text);
	assert_int_equal(vmcoreinfo_parse(text, big, &vi, &err), KC_LIMIT);
	/* too many entries: "A=1\n" repeated */
	for (size_t i = 0; i + 4 <= KDC_VMCOREINFO_BYTES_MAX; i += 4)
		memcpy(text + i, "A=1\n", 4);
	assert_int_equal(vmcoreinfo_parse(text, KDC_VMCOREINFO_BYTES_MAX, &vi, &err), KC_LIMIT);
	assert_null(vi);
	/* an overlong line is a bad line, not a crash */
	memset(text, 'K', KDC_VMCOREINFO_LINE_MAX + 10);
	memcpy(text + KDC_VMCOREINFO_LINE_MAX + 10, "=1\nOK=2\n", 8);
	assert_int_equal(vmcoreinfo_parse(text, KDC_VMCOREINFO_LINE_MAX + 18, &vi, &err), KC_OK);
	assert_int_equal(vmcoreinfo_nr_bad_lines(vi), 1);
	assert_string_equal(vmcoreinfo_get(vi, "OK"), "2");
	vmcoreinfo_free(vi);
	vmcoreinfo_free(NULL);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typed_lookups),
		cmocka_unit_test(absent_and_malformed_values_are_nodata),
		cmocka_unit_test(bad_lines_are_skipped_and_counted),
		cmocka_unit_test(embedded_nul_ends_the_text),
		cmocka_unit_test(hostile_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
