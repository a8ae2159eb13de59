// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The physical pages an analysis read, remembered so the bundle's small
 * ELF dump can hold them: bounded (KDC_PAGE_SET_MAX pages), so memory
 * stays small whatever the dump's size; pages past the bound are counted
 * as dropped, never a failure of the read that touched them.
 */
#ifndef KDC_PAGE_SET_H
#define KDC_PAGE_SET_H

#include <stddef.h>
#include <stdint.h>

#define KDC_PAGE_SET_MAX (1u << 16) /* 256 MiB of 4 KiB pages, 512 KiB of memory */

struct kdc_page_set {
	uint64_t *pfn; /* owned; unsorted until page_set_sort() */
	size_t nr, cap;
	size_t dropped;
	uint64_t last; /* the pfn added last + 1, 0 if none: skips repeats cheaply */
};

void page_set_add(struct kdc_page_set *s, uint64_t pfn);
/** page_set_sort() - sort and remove duplicates */
void page_set_sort(struct kdc_page_set *s);
void page_set_free(struct kdc_page_set *s);

#endif
