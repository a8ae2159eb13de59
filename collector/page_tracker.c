// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_tracker.h"

#include <string.h>

#include <libkdumpfile/addrxlat.h>

/*
 * Remembers @vaddr's page and every page-table page the translation of it
 * reads (libaddrxlat step by step).
 */
static void track_page(struct kdc_page_tracker *t, addrxlat_ctx_t *axctx, addrxlat_sys_t *axsys,
		       uint64_t vaddr)
{
	uint64_t ps = t->page_size;
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
				page_set_add(&t->pages, step.base.addr / ps);
			if (addrxlat_step(&step) != ADDRXLAT_OK)
				break;
		}
	}
	if (addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys) == ADDRXLAT_OK)
		page_set_add(&t->pages, fa.addr / ps);
}

void page_tracker_add(struct kdc_page_tracker *t, uint64_t vaddr, size_t len)
{
	uint64_t ps = t->page_size;
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;

	if (!t->mem || kdump_get_addrxlat(t->kctx, &axctx, &axsys) != KDUMP_OK)
		return;
	for (uint64_t page = vaddr & ~(ps - 1); page < vaddr + len; page += ps)
		track_page(t, axctx, axsys, page);
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
}

static enum kdc_status tracked_read(void *ctx, uint64_t vaddr, void *buf, size_t len,
				    struct kdc_err *err)
{
	struct kdc_page_tracker *t = ctx;
	enum kdc_status st = t->inner.read(t->inner.ctx, vaddr, buf, len, err);

	if (!st)
		page_tracker_add(t, vaddr, len);
	return st;
}

enum kdc_status page_tracker_install(struct kdc_page_tracker *t, struct kdc_mem *mem,
				     kdump_ctx_t *kctx, uint64_t page_size, struct kdc_err *err)
{
	memset(t, 0, sizeof(*t));
	if (!kctx || !mem->read.read)
		return kdc_fail(err, KC_NODATA, "no dump memory to record reads of");
	if (page_size < 512 || (page_size & (page_size - 1)))
		return kdc_fail(err, KC_INVAL, "page size %llu is not a power of two",
				(unsigned long long)page_size);
	t->mem = mem;
	t->inner = mem->read;
	t->kctx = kctx;
	t->page_size = page_size;
	mem->read = (struct kdc_reader){ .read = tracked_read,
					 .ctx = t,
					 .big_endian = t->inner.big_endian };
	return KC_OK;
}

void page_tracker_remove(struct kdc_page_tracker *t)
{
	if (t->mem)
		t->mem->read = t->inner;
	page_set_free(&t->pages);
	memset(t, 0, sizeof(*t));
}
