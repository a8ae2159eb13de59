// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "patterns_file.h"

static struct kdc_patterns pats; /* large: not on the stack */

static void parses_sections_and_repeats(void **state)
{
	static const char text[] = "# known patterns\n"
				   "[hyp-panic]\n"
				   "title = HYP panic\n"
				   "log = HYP panic:\n"
				   "backtrace = ftrace_*\n"
				   "backtrace = hyp_panic\n"
				   "kernel-before = 5.7\n"
				   "explain = first line\n"
				   "explain = second line\n"
				   "fix = 6e977984f6d8\n"
				   "\n"
				   "[other]\n"
				   "title = t\n"
				   "log = x\n";

	(void)state;
	assert_int_equal(patterns_parse(text, sizeof(text) - 1, &pats, NULL), KC_OK);
	assert_int_equal(pats.nr, 2);
	assert_string_equal(pats.p[0].id, "hyp-panic");
	assert_int_equal(pats.p[0].nr_backtrace, 2);
	assert_string_equal(pats.p[0].backtrace[1], "hyp_panic");
	assert_string_equal(pats.p[0].log[0], "HYP panic:");
	assert_string_equal(pats.p[0].explain, "first line second line");
	assert_string_equal(pats.p[0].kernel_before, "5.7");
	assert_string_equal(pats.p[1].log[0], "x");
}

static void rejects_mistakes_by_line(void **state)
{
	static const struct {
		const char *text, *expect;
	} cases[] = {
		{ "[a]\ntitle = t\nlgo = x\n", "line 3: unknown key" },
		{ "[a]\ntitle = t\n", "no log or backtrace" },
		{ "[a]\nlog = x\n", "no title" },
		{ "title = t\n", "line 1: expected" },
		{ "[a\n", "bad section header" },
		{ "[]\n", "bad section header" },
		{ "[a]\ntitle = t\nlog = x\nkernel-before = x\n", "bad kernel-before" },
	};
	struct kdc_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_not_equal(
			patterns_parse(cases[i].text, strlen(cases[i].text), &pats, &err), KC_OK);
		if (!strstr(err.msg, cases[i].expect))
			fail_msg("'%s': got '%s'", cases[i].expect, err.msg);
	}
}

static void release_ordering(void **state)
{
	(void)state;
	assert_true(release_before("4.18.0-147.el8.aarch64", "5.7"));
	assert_false(release_before("6.1.0-50-arm64", "5.7"));
	assert_false(release_before("5.7.0", "5.7"));
	assert_true(release_before("5.6.19", "5.7"));
	assert_false(release_before("garbage", "5.7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_sections_and_repeats),
		cmocka_unit_test(rejects_mistakes_by_line),
		cmocka_unit_test(release_ordering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
