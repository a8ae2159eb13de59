// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pages an analysis read, for the bundle's small dump: a reader
 * installed around a dump's memory that remembers, for every successful
 * read, the physical pages it touched and the page-table pages their
 * translation walked (so a reader of the small dump translates the same
 * addresses the same way). Searches (mem_for_search()) are not recorded.
 * collect installs one; the small dump's writer adds the regions it wants
 * beside the analysis' reads (page_tracker_add()).
 */
#ifndef KDC_PAGE_TRACKER_H
#define KDC_PAGE_TRACKER_H

#include <stdint.h>

#include <libkdumpfile/kdumpfile.h>

#include "mem.h"
#include "page_set.h"

struct kdc_page_tracker {
	struct kdc_mem *mem;	   /* borrowed; NULL when not installed */
	struct kdc_reader inner;   /* mem->read before install, put back by remove */
	kdump_ctx_t *kctx;	   /* borrowed: the translations walked */
	uint64_t page_size;	   /* the dump's; pages are counted in it */
	struct kdc_page_set pages; /* owned */
};

/**
 * page_tracker_install() - record the reads of @mem, whose translations
 * @kctx knows, in pages of @page_size bytes (a power of two)
 * Return: KC_OK; KC_NODATA without a libkdumpfile context (nothing could
 * be recorded, and the tracker is left uninstalled).
 */
enum kdc_status page_tracker_install(struct kdc_page_tracker *t, struct kdc_mem *mem,
				     kdump_ctx_t *kctx, uint64_t page_size, struct kdc_err *err);

/** page_tracker_add() - remember the pages of [@vaddr, +@len) as if read */
void page_tracker_add(struct kdc_page_tracker *t, uint64_t vaddr, size_t len);

/** page_tracker_remove() - give @mem its own reader back and free the pages */
void page_tracker_remove(struct kdc_page_tracker *t);

#endif
