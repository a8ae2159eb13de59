// SPDX-License-Identifier: GPL-2.0-or-later
#include "vmcoreinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vmcoreinfo_entry {
	const char *key; /* both point into text */
	const char *value;
};

struct kdc_vmcoreinfo {
	char *text; /* owned copy, NULs replace '=' and '\n' */
	struct vmcoreinfo_entry *entries;
	size_t nr, bad_lines;
};

static int parse_line(char *line, struct vmcoreinfo_entry *out)
{
	char *eq = strchr(line, '=');

	if (!eq || eq == line || strlen(line) > KDC_VMCOREINFO_LINE_MAX)
		return -1;
	for (const char *p = line; p < eq; p++)
		if (*p < 0x21 || *p > 0x7e)
			return -1;
	*eq = '\0';
	out->key = line;
	out->value = eq + 1;
	return 0;
}

enum kdc_status vmcoreinfo_parse(const void *text, size_t len, struct kdc_vmcoreinfo **out,
				 struct kdc_err *err)
{
	struct kdc_vmcoreinfo *vi;
	size_t cap = 0;

	if (len > KDC_VMCOREINFO_BYTES_MAX)
		return kdc_fail(err, KC_LIMIT, "vmcoreinfo: %zu bytes, limit %u", len,
				KDC_VMCOREINFO_BYTES_MAX);
	vi = calloc(1, sizeof(*vi));
	if (!vi || !(vi->text = malloc(len + 1))) {
		free(vi);
		return kdc_fail(err, KC_NOMEM, "vmcoreinfo: out of memory");
	}
	memcpy(vi->text, text, len);
	vi->text[len] = '\0';

	for (char *line = vi->text, *next; line < vi->text + len && *line; line = next) {
		struct vmcoreinfo_entry e;
		char *nl = strchr(line, '\n');

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if (*line == '\0')
			continue;
		if (parse_line(line, &e)) {
			vi->bad_lines++;
			continue;
		}
		if (vi->nr == KDC_VMCOREINFO_ENTRIES_MAX) {
			vmcoreinfo_free(vi);
			return kdc_fail(err, KC_LIMIT, "vmcoreinfo: more than %u entries",
					KDC_VMCOREINFO_ENTRIES_MAX);
		}
		if (vi->nr == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(vi->entries, ncap * sizeof(*vi->entries));

			if (!p) {
				vmcoreinfo_free(vi);
				return kdc_fail(err, KC_NOMEM, "vmcoreinfo: out of memory");
			}
			vi->entries = p;
			cap = ncap;
		}
		vi->entries[vi->nr++] = e;
	}
	if (vi->nr == 0) {
		size_t bad = vi->bad_lines;

		vmcoreinfo_free(vi);
		return kdc_fail(err, KC_NODATA, "vmcoreinfo: no KEY=VALUE line (%zu malformed)",
				bad);
	}
	*out = vi;
	return KC_OK;
}

void vmcoreinfo_free(struct kdc_vmcoreinfo *vi)
{
	if (!vi)
		return;
	free(vi->entries);
	free(vi->text);
	free(vi);
}

const char *vmcoreinfo_get(const struct kdc_vmcoreinfo *vi, const char *key)
{
	/* The kernel appends; a later duplicate (e.g. from an arch hook) wins. */
	for (size_t i = vi->nr; i-- > 0;)
		if (!strcmp(vi->entries[i].key, key))
			return vi->entries[i].value;
	return NULL;
}

enum kdc_status vmcoreinfo_get_u64(const struct kdc_vmcoreinfo *vi, const char *key, int base,
				   uint64_t *out, struct kdc_err *err)
{
	const char *v = vmcoreinfo_get(vi, key);
	const char *digits;
	bool negative = false;
	unsigned long long n;
	char *end;

	if (!v)
		return kdc_fail(err, KC_NODATA, "vmcoreinfo: no %s", key);
	digits = v;
	if (base == 16 && (!strncmp(v, "0x", 2) || !strncmp(v, "0X", 2)))
		digits += 2;
	else if (base == 10 && *v == '-') {
		negative = true;
		digits++;
	}
	/* strtoull alone would accept spaces, signs and an empty string. */
	if (!*digits || !(base == 16 ? strchr("0123456789abcdefABCDEF", *digits) && *digits
				     : (*digits >= '0' && *digits <= '9')))
		return kdc_fail(err, KC_NODATA, "vmcoreinfo: %s=%s is not a base-%d number", key, v,
				base);
	errno = 0;
	n = strtoull(digits, &end, base);
	if (errno || *end)
		return kdc_fail(err, KC_NODATA, "vmcoreinfo: %s=%s is not a base-%d number", key, v,
				base);
	*out = negative ? (uint64_t)0 - n : n;
	return KC_OK;
}

enum kdc_status vmcoreinfo_get_symbol(const struct kdc_vmcoreinfo *vi, const char *name,
				      uint64_t *out, struct kdc_err *err)
{
	char key[128];

	if ((size_t)snprintf(key, sizeof(key), "SYMBOL(%s)", name) >= sizeof(key))
		return kdc_fail(err, KC_INVAL, "vmcoreinfo: symbol name too long");
	return vmcoreinfo_get_u64(vi, key, 16, out, err);
}

size_t vmcoreinfo_nr_entries(const struct kdc_vmcoreinfo *vi)
{
	return vi->nr;
}

size_t vmcoreinfo_nr_bad_lines(const struct kdc_vmcoreinfo *vi)
{
	return vi->bad_lines;
}
