// SPDX-License-Identifier: GPL-2.0-or-later
#include "symbol_map.h"

#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "addr type name[\t[module]]" in [p, end); false for anything else */
static bool parse_line(const char *p, const char *end, uint64_t *addr, char *type,
		       const char **name, size_t *name_len, bool *is_module)
{
	int digits = 0, v;

	*addr = 0;
	while (p < end && (v = hexval(*p)) >= 0) {
		if (++digits > 16)
			return false;
		*addr = *addr << 4 | (uint64_t)v;
		p++;
	}
	if (digits == 0 || end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return false;
	*type = p[1];
	p += 3;
	*name = p;
	while (p < end && *p != '\t' && *p != ' ')
		p++;
	*name_len = (size_t)(p - *name);
	*is_module = p < end && memchr(p, '[', (size_t)(end - p)) != NULL;
	return *name_len > 0;
}

enum kdc_status symbol_map_parse(const char *text, size_t len, uint64_t delta,
				 struct kdc_kallsyms *ks, size_t *nr_bad, struct kdc_err *err)
{
	const char *p = text, *end = text + len;
	size_t added = 0, zero = 0;
	enum kdc_status st;

	*nr_bad = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *name;
		size_t name_len;
		uint64_t addr;
		char type;
		bool is_module;

		if (eol > p && !parse_line(p, eol, &addr, &type, &name, &name_len, &is_module))
			(*nr_bad)++;
		/* absolute symbols (System.map's _kernel_size_le_lo32 and the like)
		 * are numbers, not addresses: moving them by KASLR would plant
		 * false symbols among module addresses */
		else if (eol > p && !is_module && type != 'a' && type != 'A' &&
			 name_len <= KDC_KSYM_NAME_LEN) {
			zero += addr == 0;
			if ((st = kallsyms_add(ks, addr + delta, type, name, name_len, err)))
				return st;
			added++;
		}
		p = eol + 1;
	}
	if (added == 0)
		return kdc_fail(err, KC_NODATA, "no symbols in the map (%zu bad lines)", *nr_bad);
	/* kptr_restrict shows every address as 0 */
	if (zero == added)
		return kdc_fail(err, KC_NODATA, "every address is 0 (read without privilege?)");
	kallsyms_sort(ks);
	return KC_OK;
}
