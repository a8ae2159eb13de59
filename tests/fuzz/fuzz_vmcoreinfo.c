// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: VMCOREINFO text, parsed and queried the way the collector does. */
#include <stddef.h>
#include <stdint.h>

#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdc_vmcoreinfo *vi = NULL;
	uint64_t v;

	if (vmcoreinfo_parse(data, size, &vi, NULL))
		return 0;
	vmcoreinfo_get(vi, "OSRELEASE");
	vmcoreinfo_get_u64(vi, "PAGESIZE", 10, &v, NULL);
	vmcoreinfo_get_u64(vi, "NUMBER(kimage_voffset)", 16, &v, NULL);
	vmcoreinfo_get_u64(vi, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", 10, &v, NULL);
	vmcoreinfo_get_symbol(vi, "prb", &v, NULL);
	vmcoreinfo_free(vi);
	return 0;
}
