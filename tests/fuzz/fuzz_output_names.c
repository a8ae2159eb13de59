// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: dump bytes on their way out - as a bundle-name component and
 * as terminal text - with the promises checked, not just "no crash": the
 * component is non-empty, capped, of the allowed bytes, never "."/".." nor
 * starting with '.' or '-'; the terminal text has no control byte but '\n'
 * and '\t' and no byte >= 0x7f. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name_safe.h"

static int allowed(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), out[KDC_NAME_COMPONENT_MAX + 1], *text = NULL;
	size_t n, tlen = 0;
	FILE *mem, *f;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	name_component(in, "fallback", out, sizeof(out));
	n = strlen(out);
	if (!n || n > KDC_NAME_COMPONENT_MAX || out[0] == '.' || out[0] == '-')
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (!allowed((unsigned char)out[i]))
			__builtin_trap();
	/* the same bytes through the stream every text writer uses */
	if ((mem = open_memstream(&text, &tlen))) {
		if ((f = terminal_safe_stream(mem))) {
			fwrite(data, 1, size, f);
			fclose(f);
		}
		fclose(mem);
		for (size_t i = 0; i < tlen; i++) {
			unsigned char c = (unsigned char)text[i];

			if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f)
				__builtin_trap();
		}
		free(text);
	}
	free(in);
	return 0;
}
