// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The two ways strings from the dump leave the program: as file-name
 * components and as terminal text. Hostile tables: path escapes, control
 * bytes, overlong and empty names, bytes >= 0x7f.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "name_safe.h"

static void component_table(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "6.1.0-50-arm64", "6.1.0-50-arm64" },
		{ "6.12.118+deb12-arm64-16k", "6.12.118+deb12-arm64-16k" },
		{ "x/../../escaped", "x_.._.._escaped" },
		{ "..", "_." },
		{ ".", "_" },
		{ ".hidden", "_hidden" },
		{ "-rf", "_rf" },
		{ "/etc/passwd", "_etc_passwd" },
		{ "a\x1b]0;pwn\x07", "a__0_pwn_" },
		{ "tab\there", "tab_here" },
		{ "caf\xc3\xa9", "caf__" },
		{ "", "fallback" },
		{ "(none)", "_none_" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[KDC_NAME_COMPONENT_MAX + 1];

		name_component(t[i].in, "fallback", out, sizeof(out));
		assert_string_equal(out, t[i].want);
	}
}

static void component_bounds(void **state)
{
	char long_in[1000], out[KDC_NAME_COMPONENT_MAX + 1], small[4];

	(void)state;
	memset(long_in, 'a', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	name_component(long_in, "x", out, sizeof(out));
	assert_int_equal(strlen(out), KDC_NAME_COMPONENT_MAX);
	/* a buffer smaller than the cap: cut to it, still terminated */
	name_component(long_in, "x", small, sizeof(small));
	assert_string_equal(small, "aaa");
	name_component(NULL, NULL, small, sizeof(small));
	assert_string_equal(small, "_");
}

static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	fwrite_terminal(s, len, f);
	fclose(f);
	return buf;
}

static void terminal_table(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} t[] = {
		{ "plain text\n", 11, "plain text\n" }, { "\x1b[2J", 4, "\\x1b[2J" },
		{ "bell\x07", 5, "bell\\x07" },		{ "cr\rforged", 9, "cr\\x0dforged" },
		{ "back\\slash", 10, "back\\\\slash" }, { "nul\0x", 5, "nul\\x00x" },
		{ "\x7f\xff", 2, "\\x7f\\xff" },	{ "tab\tok", 6, "tab\tok" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = escaped(t[i].in, t[i].len);

		assert_string_equal(got, t[i].want);
		free(got);
	}
}

/* the stream wrapper every text writer goes through escapes across writes */
static void terminal_stream(void **state)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&buf, &n), *f;

	(void)state;
	assert_non_null(mem);
	f = terminal_safe_stream(mem);
	assert_non_null(f);
	fprintf(f, "comm %s pid %d\n", "evil\x1b[31m", 7);
	fputs("\x9b", f);
	fclose(f);
	fclose(mem);
	assert_string_equal(buf, "comm evil\\x1b[31m pid 7\n\\x9b");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(component_table),
		cmocka_unit_test(component_bounds),
		cmocka_unit_test(terminal_table),
		cmocka_unit_test(terminal_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
