// SPDX-License-Identifier: GPL-2.0-or-later
#include "log_lines_arm64.h"

#include <stdlib.h>
#include <string.h>

/* The hex number after "@key:" in @s, at a word start. */
static bool hex_after(const char *s, const char *key, uint64_t *v)
{
	size_t n = strlen(key);

	for (const char *p = s; (p = strstr(p, key)); p += n) {
		char *end;

		if (p != s && p[-1] != ' ' && p[-1] != '\n')
			continue;
		*v = strtoull(p + n, &end, 16);
		if (end != p + n)
			return true;
	}
	return false;
}

bool log_parse_hyp_panic(const char *text, size_t len, struct kdc_hyp_panic *out)
{
	char buf[512];

	if (len < 10 || memcmp(text, "HYP panic:", 10))
		return false;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	out->have_far = hex_after(buf, "FAR:", &out->far);
	out->have_hpfar = hex_after(buf, "HPFAR:", &out->hpfar);
	hex_after(buf, "PAR:", &out->par);
	return hex_after(buf, "PS:", &out->pstate) && hex_after(buf, "PC:", &out->pc) &&
	       hex_after(buf, "ESR:", &out->esr);
}
