// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which physical pages a full dump can leave out, decided as makedumpfile's
 * -d levels do, from the crashed kernel's own struct pages. Written here
 * because makedumpfile (1.7.2 in Debian 12, 1.7.6 in Debian 13) refuses
 * Debian's 6.12 arm64 kernels ("PAGE SIZE 0x1000 and VA Bits 52 not
 * supported"), and kdump must still save something.
 *
 * Everything comes from VMCOREINFO (kernel/vmcore_info.c since Linux kernel
 * commit 443cbaf9e2fd ("crash: split vmcoreinfo exporting code out from
 * crash_core.c") (in v6.9); kernel/crash_core.c before): SIZE(page),
 * OFFSET(page.flags/_mapcount/private/mapping), NUMBER(PG_lru/PG_private),
 * NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE), and the struct page
 * array's base (SYMBOL(vmemmap), or the architecture's formula).
 *  - free: the first page of a free buddy block has page_type (a union
 *    with _mapcount) equal to PAGE_BUDDY_MAPCOUNT_VALUE, and page->private
 *    holds the block's order (mm/page_alloc.c set_buddy_order());
 *  - cache: on an LRU list with a file mapping;
 *  - user: with an anonymous mapping (mapping bit 0, PAGE_MAPPING_ANON);
 *  - zero: every byte 0 (decided by the caller, who has the data).
 * Any doubt keeps the page: a struct page that cannot be read, a layout
 * VMCOREINFO does not give, a block order out of range.
 */
#ifndef KDC_PAGE_FILTER_H
#define KDC_PAGE_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "dump.h"

/* makedumpfile's dump-level bits (-d), kept with the same meaning */
enum kdc_exclude {
	KDC_EXCLUDE_ZERO = 1,
	KDC_EXCLUDE_CACHE = 2,
	KDC_EXCLUDE_CACHE_PRIVATE = 4,
	KDC_EXCLUDE_USER = 8,
	KDC_EXCLUDE_FREE = 16,
};

#define KDC_PAGE_FILTER_BATCH 64 /* struct pages read at once */

struct kdc_page_filter {
	struct kdc_dump *dump; /* borrowed */
	unsigned int level;    /* the kdc_exclude bits that can be applied */
	uint64_t page_size;
	uint64_t vmemmap; /* struct page of pfn 0 */
	uint64_t page_struct_size;
	uint64_t off_flags, off_mapcount, off_private, off_mapping;
	uint64_t pg_lru, pg_private;
	/* tail pages of a compound page (THP, large folios) carry neither
	 * PG_lru nor the mapping: they go as their head page goes */
	uint64_t off_compound_head; /* 0: not known, tails kept */
	uint64_t head_pfn;	    /* last head looked up, UINT64_MAX: none */
	int head_class;		    /* what that head is (enum in page_filter.c) */
	uint32_t buddy_value, buddy_mask;
	/* a free block still being skipped */
	uint64_t skip_until; /* first pfn past it */
	/* the batch of struct pages last read */
	uint64_t batch_pfn;
	bool batch_ok;
	uint8_t batch[KDC_PAGE_FILTER_BATCH * 128];
	/* counts, for the caller's report */
	uint64_t nr_free, nr_cache, nr_user, nr_unknown;
};

/**
 * page_filter_init() - prepare to apply @level (kdc_exclude bits) to @dump
 * Return: KC_OK, with f->level the bits that can be applied (zero pages
 * always; the others only when VMCOREINFO gives the struct page layout).
 * The reason a bit was dropped is in @err even on success.
 */
enum kdc_status page_filter_init(struct kdc_dump *dump, unsigned int level,
				 struct kdc_page_filter *f, struct kdc_err *err);

/**
 * page_filter_excludes() - whether @pfn's page may be left out for what its
 * struct page says (zero pages are the caller's to test). Call with rising
 * pfns: a free block found at one pfn excludes the pfns after it.
 */
bool page_filter_excludes(struct kdc_page_filter *f, uint64_t pfn);

#endif
