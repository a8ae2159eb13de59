// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A streaming JSON writer: values are written as they come, commas and
 * nesting are tracked, strings are escaped (dump strings may hold any byte).
 */
#ifndef KDC_JSON_H
#define KDC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KDC_JSON_DEPTH_MAX 32

struct kdc_json {
	FILE *out; /* borrowed */
	int depth;
	bool first[KDC_JSON_DEPTH_MAX]; /* no member written yet at this depth */
	bool after_key;
	bool overflow; /* nesting went past KDC_JSON_DEPTH_MAX */
};

void json_init(struct kdc_json *j, FILE *out);
void json_object_begin(struct kdc_json *j);
void json_object_end(struct kdc_json *j);
void json_array_begin(struct kdc_json *j);
void json_array_end(struct kdc_json *j);
void json_key(struct kdc_json *j, const char *key);
/* string of @len bytes; non-ASCII and control bytes become \u00XX */
void json_string_n(struct kdc_json *j, const char *s, size_t len);
void json_string(struct kdc_json *j, const char *s); /* NULL writes null */
void json_u64(struct kdc_json *j, uint64_t v);
void json_i64(struct kdc_json *j, int64_t v);
void json_hex(struct kdc_json *j, uint64_t v); /* "0x..." string */
void json_bool(struct kdc_json *j, bool v);
void json_null(struct kdc_json *j);
/* json_finish() - end with a newline; false when the nesting was unbalanced */
bool json_finish(struct kdc_json *j);

#endif
