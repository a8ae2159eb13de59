// SPDX-License-Identifier: GPL-2.0-or-later
#include "mem_kdumpfile.h"

#include <libkdumpfile/addrxlat.h>

static enum kdc_status kdumpfile_read(void *ctx, uint64_t vaddr, void *buf, size_t len,
				      struct kdc_err *err)
{
	kdump_ctx_t *kctx = ctx;
	size_t got = len;
	kdump_status ks = kdump_read(kctx, KDUMP_KVADDR, vaddr, buf, &got);

	if (ks == KDUMP_OK && got == len)
		return KC_OK;
	return kdc_fail(err,
			ks == KDUMP_ERR_NODATA || ks == KDUMP_ERR_ADDRXLAT || ks == KDUMP_OK
				? KC_NODATA
				: KC_IO,
			"0x%llx+0x%zx: %s", (unsigned long long)(vaddr + got), len - got,
			ks == KDUMP_OK ? "short read" : kdump_get_err(kctx));
}

static enum kdc_status kdumpfile_to_phys(void *ctx, uint64_t vaddr, uint64_t *paddr,
					 struct kdc_err *err)
{
	kdump_ctx_t *kctx = ctx;
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;
	addrxlat_fulladdr_t fa = { vaddr, ADDRXLAT_KVADDR };
	addrxlat_status as;

	if (kdump_get_addrxlat(kctx, &axctx, &axsys) != KDUMP_OK)
		return kdc_fail(err, KC_NODATA, "no address translation: %s", kdump_get_err(kctx));
	as = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	if (as != ADDRXLAT_OK)
		return kdc_fail(err, KC_NODATA, "0x%llx has no physical address",
				(unsigned long long)vaddr);
	*paddr = fa.addr;
	return KC_OK;
}

struct kdc_mem mem_over_kdumpfile(kdump_ctx_t *kctx, const struct kdc_arch_ops *arch)
{
	struct kdc_reader r = { .read = kdumpfile_read, .ctx = kctx };
	kdump_num_t order = KDUMP_LITTLE_ENDIAN;
	struct kdc_mem m;

	/* the dump's own byte order; unknown (no architecture yet) reads as
	 * little-endian, which every architecture read here is */
	kdump_get_number_attr(kctx, KDUMP_ATTR_BYTE_ORDER, &order);
	r.big_endian = order == KDUMP_BIG_ENDIAN;
	m = mem_over_reader(r, arch);

	m.to_phys = kdumpfile_to_phys;
	m.phys_ctx = kctx;
	return m;
}
