// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Layout tables (ktypes_resolve()): BTF built to two kernels' shapes of
 * the same struct, a member renamed between them, one that only the newer
 * has, one that neither has; and the arm64 pt_regs table on 6.1's layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btf_builder.h"
#include "ktypes.h"
#include "ptregs_arm64.h"

struct thing_layout {
	uint64_t id, pc, pc_size, extra, absent;
	bool have_extra, have_absent;
};

static const struct ktypes_field thing_fields[] = {
	KTYPES_REQUIRED(struct thing_layout, id, "thing", NULL, "id"),
	KTYPES_REQUIRED_SIZED(struct thing_layout, pc, pc_size, "thing", "renamed in the test's v2",
			      "regs.pc", "old_pc"),
	KTYPES_OPTIONAL(struct thing_layout, extra, have_extra, "thing", "added in v2", "extra"),
	KTYPES_OPTIONAL(struct thing_layout, absent, have_absent, "thing", NULL, "absent"),
};

static const struct ktypes_field needs_missing[] = {
	KTYPES_REQUIRED(struct thing_layout, id, "thing", NULL, "id"),
	KTYPES_REQUIRED(struct thing_layout, absent, "thing", NULL, "absent"),
	KTYPES_REQUIRED(struct thing_layout, pc, "thing", NULL, "old_pc", "regs.pc"),
};

/* v1: id at 8, old_pc (u32) at 16; v2: id at 0, regs.pc (u64) at 24, extra at 40 */
static struct kdc_ktypes types_for(int version)
{
	struct btf *btf = btf__new_empty();
	int u64 = bb_check(btf__add_int(btf, "long long unsigned int", 8, 0));
	int u32 = bb_check(btf__add_int(btf, "unsigned int", 4, 0));
	struct kdc_ktypes t = { 0 };

	if (version == 1) {
		bb_struct(btf, "thing", 32,
			  (struct bb_field[]){ { "id", u64, 8 }, { "old_pc", u32, 16 } }, 2);
	} else {
		int regs = bb_struct(btf, "thing_regs", 16,
				     (struct bb_field[]){ { "sp", u64, 0 }, { "pc", u64, 8 } }, 2);

		bb_struct(btf, "thing", 48,
			  (struct bb_field[]){
				  { "id", u64, 0 }, { "regs", regs, 16 }, { "extra", u64, 40 } },
			  3);
	}
	t.btf = btf;
	return t;
}

static void old_and_new_names_both_resolve(void **state)
{
	struct thing_layout l1, l2;
	struct kdc_ktypes t1 = types_for(1), t2 = types_for(2);

	(void)state;
	memset(&l1, 0xff, sizeof(l1));
	memset(&l2, 0xff, sizeof(l2));
	assert_int_equal(ktypes_resolve(thing_fields, BB_N(thing_fields), &t1, &l1, NULL), KC_OK);
	assert_int_equal(l1.id, 8);
	assert_int_equal(l1.pc, 16);
	assert_int_equal(l1.pc_size, 4);
	assert_false(l1.have_extra);
	assert_false(l1.have_absent);
	assert_int_equal(ktypes_resolve(thing_fields, BB_N(thing_fields), &t2, &l2, NULL), KC_OK);
	assert_int_equal(l2.id, 0);
	assert_int_equal(l2.pc, 24); /* regs at 16 + pc at 8: the path is followed */
	assert_int_equal(l2.pc_size, 8);
	assert_true(l2.have_extra);
	assert_int_equal(l2.extra, 40);
	assert_false(l2.have_absent);
	btf__free(t1.btf);
	btf__free(t2.btf);
}

static void a_missing_required_member_is_named(void **state)
{
	struct thing_layout l = { 0 };
	struct kdc_ktypes t = types_for(2);
	struct kdc_err err = { 0 };

	(void)state;
	assert_int_equal(ktypes_resolve(needs_missing, BB_N(needs_missing), &t, &l, &err),
			 KC_NODATA);
	assert_non_null(strstr(err.msg, "absent"));
	assert_non_null(strstr(err.msg, "thing"));
	assert_int_equal(l.pc, 0); /* the table stopped at the missing row */
	btf__free(t.btf);
}

static void no_types_no_layout(void **state)
{
	struct thing_layout l = { 0 };
	struct kdc_ktypes none = { 0 };
	struct kdc_err err = { 0 };

	(void)state;
	assert_int_not_equal(ktypes_resolve(thing_fields, BB_N(thing_fields), &none, &l, &err),
			     KC_OK);
	assert_int_not_equal(err.code, KC_OK);
}

static void pt_regs_of_6_1(void **state)
{
	struct btf *btf = btf__new_empty();
	int u64 = bb_check(btf__add_int(btf, "long long unsigned int", 8, 0));
	struct kdc_ktypes t = { 0 };
	struct ptregs_arm64_layout l;

	(void)state;
	bb_pt_regs(btf, u64);
	t.btf = btf;
	assert_int_equal(ptregs_arm64_layout(&t, &l, NULL), KC_OK);
	assert_int_equal(l.size, BB_PT_REGS_SIZE);
	assert_int_equal(l.stackframe, BB_PT_REGS_STACKFRAME);
	assert_int_equal(l.regs, 0);
	assert_int_equal(l.sp, 248);
	assert_int_equal(l.pc, 256);
	assert_int_equal(l.pstate, 264);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_and_new_names_both_resolve),
		cmocka_unit_test(a_missing_required_member_is_named),
		cmocka_unit_test(no_types_no_layout),
		cmocka_unit_test(pt_regs_of_6_1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
