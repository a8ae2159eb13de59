// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the 5.10+ printk ring and the older log_buf. The input's
 * first bytes give the ring's place and a few layout offsets; the rest is
 * the memory the ring lives in. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_mem.h"
#include "printk.h"
#include "printk_layout_61.h"
#include "printk_log.h"

static int count(const struct printk_record *rec, void *ctx)
{
	(void)rec;
	return ++*(int *)ctx > 100000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_mem m = { data, size };
	struct kdc_reader r = { fuzz_read, &m, false };
	/* the 6.1 layout of VMCOREINFO, the ring's address from the input */
	struct printk_layout l = printk_layout_61(fuzz_off(data, size, 0));
	struct printk_log_layout old = { 16, 0, 8, 10 };
	size_t skipped;
	int n = 0;

	printk_for_each_record(&r, &l, count, &n, &skipped, NULL);
	if (size > 8)
		printk_log_for_each(data + 8, size - 8, data[0] | data[1] << 8,
				    data[2] | data[3] << 8, &old, count, &n, &skipped, NULL);
	return 0;
}
