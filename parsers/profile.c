// SPDX-License-Identifier: GPL-2.0-or-later
#include "profile.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 256

/* The next "\n"-terminated line at *@pos, without the newline. */
static bool next_line(const uint8_t *buf, size_t len, size_t *pos, char *line)
{
	const uint8_t *nl;
	size_t n;

	if (*pos >= len)
		return false;
	nl = memchr(buf + *pos, '\n', len - *pos);
	if (!nl)
		return false;
	n = (size_t)(nl - (buf + *pos));
	if (n >= LINE_MAX_LEN)
		return false;
	memcpy(line, buf + *pos, n);
	line[n] = '\0';
	*pos += n + 1;
	return true;
}

static bool copy_value(char *dst, size_t size, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= size)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7f)
			return false;
	memcpy(dst, v, n + 1);
	return true;
}

enum kdc_status profile_parse(const uint8_t *buf, size_t len, struct kdc_profile *out,
			      struct kdc_err *err)
{
	char line[LINE_MAX_LEN];
	size_t pos = 0;
	unsigned lineno = 1;

	memset(out, 0, sizeof(*out));
	if (len > KDC_PROFILE_MAX)
		return kdc_fail(err, KC_LIMIT, "profile of %zu bytes", len);
	if (!next_line(buf, len, &pos, line) || strcmp(line, KDC_PROFILE_MAGIC))
		return kdc_fail(err, KC_CORRUPT, "not a kdump-collector profile (no '%s' line)",
				KDC_PROFILE_MAGIC);
	while (next_line(buf, len, &pos, line)) {
		char *sp = strchr(line, ' ');
		char name[32];
		unsigned long long size;
		char *end;

		lineno++;
		if (!strcmp(line, "end")) {
			if (!out->release[0] || !out->base[0])
				return kdc_fail(err, KC_CORRUPT, "profile without release or base");
			return KC_OK;
		}
		if (!sp)
			return kdc_fail(err, KC_CORRUPT, "profile line %u: no value", lineno);
		*sp++ = '\0';
		if (!strcmp(line, "release")) {
			if (!copy_value(out->release, sizeof(out->release), sp))
				return kdc_fail(err, KC_CORRUPT, "profile line %u: bad release",
						lineno);
		} else if (!strcmp(line, "build-id")) {
			if (!copy_value(out->build_id, sizeof(out->build_id), sp))
				return kdc_fail(err, KC_CORRUPT, "profile line %u: bad build-id",
						lineno);
		} else if (!strcmp(line, "base")) {
			if (!copy_value(out->base, sizeof(out->base), sp))
				return kdc_fail(err, KC_CORRUPT, "profile line %u: bad base",
						lineno);
		} else if (!strcmp(line, "section")) {
			char *sz = strchr(sp, ' ');

			if (!sz || (size_t)(sz - sp) >= sizeof(name))
				return kdc_fail(err, KC_CORRUPT, "profile line %u: bad section",
						lineno);
			memcpy(name, sp, (size_t)(sz - sp));
			name[sz - sp] = '\0';
			size = strtoull(sz + 1, &end, 10);
			if (*end || end == sz + 1 || size > len - pos || len - pos - size < 1 ||
			    buf[pos + size] != '\n')
				return kdc_fail(
					err, KC_CORRUPT,
					"profile line %u: section %s of %s bytes does not fit",
					lineno, name, sz + 1);
			if (!strcmp(name, "kallsyms"))
				out->kallsyms = (const char *)buf + pos, out->kallsyms_len = size;
			else if (!strcmp(name, "btf"))
				out->btf = buf + pos, out->btf_len = size;
			else if (!strcmp(name, "system.map"))
				out->system_map = (const char *)buf + pos,
				out->system_map_len = size;
			pos += size + 1;
		}
		/* other keys: written by a later version, skipped */
	}
	return kdc_fail(err, KC_CORRUPT, "profile ends without 'end' (truncated?)");
}
