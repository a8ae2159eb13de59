// SPDX-License-Identifier: GPL-2.0-or-later
#include "mem.h"

enum kdc_status mem_read(struct kdc_dump *dump, uint64_t vaddr, void *buf, size_t len,
			 struct kdc_err *err)
{
	size_t got = len;
	kdump_status ks;

	if (!dump->kctx)
		return kdc_fail(err, KC_NODATA, "no memory access: %s", dump->kdumpfile_err.msg);
	if (len > KDC_MEM_READ_MAX)
		return kdc_fail(err, KC_LIMIT, "read of %zu bytes at 0x%llx over the %u-byte limit",
				len, (unsigned long long)vaddr, KDC_MEM_READ_MAX);
	ks = kdump_read(dump->kctx, KDUMP_KVADDR, vaddr, buf, &got);
	if (ks == KDUMP_OK && got == len)
		return KC_OK;
	/* Filtered-out pages (makedumpfile -d) and unmapped addresses are
	 * absent data, not a broken dump. */
	return kdc_fail(err, ks == KDUMP_ERR_NODATA || ks == KDUMP_ERR_ADDRXLAT || ks == KDUMP_OK
				     ? KC_NODATA : KC_IO,
			"0x%llx+0x%zx: %s", (unsigned long long)(vaddr + got), len - got,
			ks == KDUMP_OK ? "short read" : kdump_get_err(dump->kctx));
}

static enum kdc_status read_cb(void *ctx, uint64_t vaddr, void *buf, size_t len,
			       struct kdc_err *err)
{
	return mem_read(ctx, vaddr, buf, len, err);
}

enum kdc_status mem_reader(struct kdc_dump *dump, struct kdc_reader *out, struct kdc_err *err)
{
	if (!dump->kctx)
		return kdc_fail(err, KC_NODATA, "no memory access: %s", dump->kdumpfile_err.msg);
	out->read = read_cb;
	out->ctx = dump;
	out->big_endian = false;
	return KC_OK;
}
