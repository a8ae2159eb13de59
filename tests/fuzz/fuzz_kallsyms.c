// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: a kallsyms table; the input's first 12 bytes place its six
 * arrays within the input itself. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_mem.h"
#include "kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_mem m = { data, size };
	struct kdc_reader r = { fuzz_read, &m, false };
	struct kallsyms_layout l = {
		fuzz_off(data, size, 0), fuzz_off(data, size, 1), fuzz_off(data, size, 2),
		fuzz_off(data, size, 3), fuzz_off(data, size, 4), fuzz_off(data, size, 5),
	};
	struct kdc_kallsyms *ks;
	struct kdc_symbol sym;
	uint64_t off;

	if (kallsyms_load(&r, &l, &ks, NULL))
		return 0;
	for (size_t i = 0; i < kallsyms_count(ks) && i < 64; i++)
		kallsyms_get(ks, i, &sym);
	kallsyms_lookup(ks, 0xffff800010000100ull, &sym, &off);
	kallsyms_find(ks, "_stext", &sym);
	kallsyms_free(ks);
	return 0;
}
