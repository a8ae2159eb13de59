// SPDX-License-Identifier: GPL-2.0-or-later
#include "name_safe.h"

#include <string.h>

static int allowed(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

void name_component(const char *in, const char *fallback, char *out, size_t len)
{
	size_t n = 0, cap = len - 1 < KDC_NAME_COMPONENT_MAX ? len - 1 : KDC_NAME_COMPONENT_MAX;

	if (!in || !*in)
		in = fallback;
	for (; in && in[n] && n < cap; n++)
		out[n] = allowed((unsigned char)in[n]) ? in[n] : '_';
	out[n] = '\0';
	if (!n) {
		snprintf(out, len, "_");
		return;
	}
	/* a leading '.' hides the file or names "." / ".."; a leading '-'
	 * reads as an option to the next tool */
	if (out[0] == '.' || out[0] == '-')
		out[0] = '_';
}

void fputs_terminal(const char *s, FILE *f)
{
	fwrite_terminal(s, strlen(s), f);
}

void fwrite_terminal(const char *s, size_t len, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + len;
	     p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}
