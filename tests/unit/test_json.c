// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static char *render(void (*fn)(struct kdc_json *), bool *balanced)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct kdc_json j;

	assert_non_null(f);
	json_init(&j, f);
	fn(&j);
	*balanced = json_finish(&j);
	fclose(f);
	return buf;
}

static void nested(struct kdc_json *j)
{
	json_object_begin(j);
	json_key(j, "schema");
	json_string(j, "kdump-collector.report/1");
	json_key(j, "cpus");
	json_array_begin(j);
	json_u64(j, 1);
	json_i64(j, -2);
	json_hex(j, 0xffff800008000000ull);
	json_null(j);
	json_bool(j, true);
	json_array_end(j);
	json_key(j, "empty");
	json_object_begin(j);
	json_object_end(j);
	json_object_end(j);
}

static void writes_nested_values_with_commas(void **state)
{
	bool ok;
	char *s = render(nested, &ok);

	(void)state;
	assert_true(ok);
	assert_string_equal(s, "{\"schema\":\"kdump-collector.report/1\",\"cpus\":[1,-2,"
			       "\"0xffff800008000000\",null,true],\"empty\":{}}\n");
	free(s);
}

static void hostile_strings(struct kdc_json *j)
{
	static const char comm[] = { 'a', '"', '\\', '\n', 0x01, (char)0xff, 'z' };

	json_array_begin(j);
	json_string_n(j, comm, sizeof(comm));
	json_string(j, NULL);
	json_array_end(j);
}

static void escapes_every_unsafe_byte(void **state)
{
	bool ok;
	char *s = render(hostile_strings, &ok);

	(void)state;
	assert_true(ok);
	assert_string_equal(s, "[\"a\\\"\\\\\\n\\u0001\\u00ffz\",null]\n");
	free(s);
}

static void unbalanced(struct kdc_json *j)
{
	json_object_begin(j);
	json_key(j, "a");
}

static void too_deep(struct kdc_json *j)
{
	for (int i = 0; i < KDC_JSON_DEPTH_MAX + 5; i++)
		json_array_begin(j);
	for (int i = 0; i < KDC_JSON_DEPTH_MAX + 5; i++)
		json_array_end(j);
}

static void misuse_is_reported(void **state)
{
	bool ok = true;

	(void)state;
	free(render(unbalanced, &ok));
	assert_false(ok);
	ok = true;
	free(render(too_deep, &ok));
	assert_false(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_nested_values_with_commas),
		cmocka_unit_test(escapes_every_unsafe_byte),
		cmocka_unit_test(misuse_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
