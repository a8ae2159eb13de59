// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE /* fopencookie */
#include "name_safe.h"

#include <string.h>
#include <sys/types.h>

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

static ssize_t safe_write(void *cookie, const char *buf, size_t len)
{
	fwrite_terminal(buf, len, cookie);
	return ferror((FILE *)cookie) ? -1 : (ssize_t)len;
}

static int safe_close(void *cookie)
{
	return fflush(cookie) ? -1 : 0;
}

static int safe_close_owned(void *cookie)
{
	return fclose(cookie) ? -1 : 0;
}

FILE *terminal_safe_stream(FILE *dst)
{
	cookie_io_functions_t io = { .write = safe_write, .close = safe_close };

	return fopencookie(dst, "w", io);
}

FILE *terminal_safe_file(FILE *dst)
{
	cookie_io_functions_t io = { .write = safe_write, .close = safe_close_owned };
	FILE *f = dst ? fopencookie(dst, "w", io) : NULL;

	return f ? f : dst;
}
