// SPDX-License-Identifier: GPL-2.0-or-later
#include "mem.h"

#include <libkdumpfile/addrxlat.h>

enum kdc_status mem_to_phys(struct kdc_dump *dump, uint64_t vaddr, uint64_t *paddr,
			    struct kdc_err *err)
{
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;
	addrxlat_fulladdr_t fa = { vaddr, ADDRXLAT_KVADDR };
	addrxlat_status as;

	if (!dump->kctx)
		return kdc_fail(err, KC_NODATA, "no memory access");
	if (kdump_get_addrxlat(dump->kctx, &axctx, &axsys) != KDUMP_OK)
		return kdc_fail(err, KC_NODATA, "no address translation: %s",
				kdump_get_err(dump->kctx));
	as = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	if (as != ADDRXLAT_OK)
		return kdc_fail(err, KC_NODATA, "0x%llx has no physical address",
				(unsigned long long)vaddr);
	*paddr = fa.addr;
	return KC_OK;
}

/*
 * Remembers @vaddr's page and every page-table page the translation of it
 * reads (libaddrxlat step by step), so a reader of the small dump can
 * translate it again the same way.
 */
static void track_page(struct kdc_dump *dump, addrxlat_ctx_t *axctx, addrxlat_sys_t *axsys,
		       uint64_t vaddr)
{
	uint64_t ps = dump->track_page_size;
	addrxlat_map_t *map = addrxlat_sys_get_map(axsys, ADDRXLAT_SYS_MAP_KV_PHYS);
	addrxlat_sys_meth_t idx = map ? addrxlat_map_search(map, vaddr) : ADDRXLAT_SYS_METH_NONE;
	addrxlat_step_t step = { .ctx = axctx, .sys = axsys };
	addrxlat_fulladdr_t fa = { vaddr, ADDRXLAT_KVADDR };

	if (idx != ADDRXLAT_SYS_METH_NONE && (step.meth = addrxlat_sys_get_meth(axsys, idx)) &&
	    addrxlat_launch(&step, vaddr) == ADDRXLAT_OK) {
		/* at most one step per level; a bound against a looping table */
		for (int n = 0; step.remain && n < ADDRXLAT_FIELDS_MAX + 1; n++) {
			if (step.base.as == ADDRXLAT_KPHYSADDR ||
			    step.base.as == ADDRXLAT_MACHPHYSADDR)
				page_set_add(&dump->touched, step.base.addr / ps);
			if (addrxlat_step(&step) != ADDRXLAT_OK)
				break;
		}
	}
	if (addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys) == ADDRXLAT_OK)
		page_set_add(&dump->touched, fa.addr / ps);
}

void mem_track(struct kdc_dump *dump, uint64_t vaddr, size_t len)
{
	uint64_t ps = dump->track_page_size;
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;

	if (!dump->kctx || kdump_get_addrxlat(dump->kctx, &axctx, &axsys) != KDUMP_OK)
		return;
	for (uint64_t page = vaddr & ~(ps - 1); page < vaddr + len; page += ps)
		track_page(dump, axctx, axsys, page);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
}

enum kdc_status mem_read(struct kdc_dump *dump, uint64_t vaddr, void *buf, size_t len,
			 struct kdc_err *err)
{
	size_t got = len;
	kdump_status ks;

	if (len > KDC_MEM_READ_MAX)
		return kdc_fail(err, KC_LIMIT, "read of %zu bytes at 0x%llx over the %u-byte limit",
				len, (unsigned long long)vaddr, KDC_MEM_READ_MAX);
	if (!dump->kctx && dump->image.read)
		return dump->image.read(dump->image.ctx, vaddr, buf, len, err);
	if (!dump->kctx)
		return kdc_fail(err, KC_NODATA, "no memory access: %s", dump->kdumpfile_err.msg);
	ks = kdump_read(dump->kctx, KDUMP_KVADDR, vaddr, buf, &got);
	if (ks == KDUMP_OK && got == len) {
		if (dump->track_page_size > 1) /* 1: asked for, page size not known yet */
			mem_track(dump, vaddr, len);
		return KC_OK;
	}
	/* Filtered-out pages (makedumpfile -d) and unmapped addresses are
	 * absent data, not a broken dump. */
	return kdc_fail(err,
			ks == KDUMP_ERR_NODATA || ks == KDUMP_ERR_ADDRXLAT || ks == KDUMP_OK
				? KC_NODATA
				: KC_IO,
			"0x%llx+0x%zx: %s", (unsigned long long)(vaddr + got), len - got,
			ks == KDUMP_OK ? "short read" : kdump_get_err(dump->kctx));
}

static enum kdc_status read_le(struct kdc_dump *dump, uint64_t vaddr, unsigned int n, uint64_t *v,
			       struct kdc_err *err)
{
	uint8_t b[8];
	enum kdc_status st = mem_read(dump, vaddr, b, n, err);

	if (st)
		return st;
	*v = 0;
	for (int i = (int)n - 1; i >= 0; i--)
		*v = *v << 8 | b[i];
	return KC_OK;
}

enum kdc_status mem_read_u64(struct kdc_dump *dump, uint64_t vaddr, uint64_t *v,
			     struct kdc_err *err)
{
	return read_le(dump, vaddr, 8, v, err);
}

enum kdc_status mem_read_u32(struct kdc_dump *dump, uint64_t vaddr, uint32_t *v,
			     struct kdc_err *err)
{
	uint64_t w = 0;
	enum kdc_status st = read_le(dump, vaddr, 4, &w, err);

	*v = (uint32_t)w;
	return st;
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

size_t mem_code_data_refs(struct kdc_dump *dump, uint64_t fn, size_t len, uint64_t *out, size_t max)
{
	uint8_t code[1024];

	if (!dump->arch->code_data_refs || len > sizeof(code) ||
	    mem_read(dump, fn, code, len, NULL))
		return 0;
	return dump->arch->code_data_refs(code, len, fn, out, max);
}
