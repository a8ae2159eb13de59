// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

#include <inttypes.h>
#include <string.h>

void json_init(struct kdc_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->first[0] = true;
}

static void separate(struct kdc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth < KDC_JSON_DEPTH_MAX && !j->first[j->depth])
		fputc(',', j->out);
	if (j->depth < KDC_JSON_DEPTH_MAX)
		j->first[j->depth] = false;
}

static void open_(struct kdc_json *j, char c)
{
	separate(j);
	fputc(c, j->out);
	if (++j->depth >= KDC_JSON_DEPTH_MAX)
		j->overflow = true;
	else
		j->first[j->depth] = true;
}

static void close_(struct kdc_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	else
		j->overflow = true;
	fputc(c, j->out);
}

void json_object_begin(struct kdc_json *j)
{
	open_(j, '{');
}
void json_object_end(struct kdc_json *j)
{
	close_(j, '}');
}
void json_array_begin(struct kdc_json *j)
{
	open_(j, '[');
}
void json_array_end(struct kdc_json *j)
{
	close_(j, ']');
}

static void write_escaped(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\t')
			fputs("\\t", out);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

void json_key(struct kdc_json *j, const char *key)
{
	separate(j);
	write_escaped(j->out, key, strlen(key));
	fputc(':', j->out);
	j->after_key = true;
}

void json_string_n(struct kdc_json *j, const char *s, size_t len)
{
	separate(j);
	write_escaped(j->out, s, len);
}

void json_string(struct kdc_json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_string_n(j, s, strlen(s));
}

void json_u64(struct kdc_json *j, uint64_t v)
{
	separate(j);
	fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct kdc_json *j, int64_t v)
{
	separate(j);
	fprintf(j->out, "%" PRId64, v);
}

void json_hex(struct kdc_json *j, uint64_t v)
{
	separate(j);
	fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void json_bool(struct kdc_json *j, bool v)
{
	separate(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct kdc_json *j)
{
	separate(j);
	fputs("null", j->out);
}

bool json_finish(struct kdc_json *j)
{
	fputc('\n', j->out);
	return j->depth == 0 && !j->overflow && !j->after_key;
}
