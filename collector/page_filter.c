// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_filter.h"

#include <string.h>

#include "mem.h"

/* A buddy block larger than this is not a real one (MAX_PAGE_ORDER is 10
 * on 4 KiB arm64, 13 with 64 KiB pages; 20 leaves room for any config). */
#define BUDDY_ORDER_MAX 20
#define PAGE_MAPPING_ANON 1ull /* include/linux/page-flags.h, all versions */

static bool vi_u64(const struct kdc_dump *d, const char *key, int base, uint64_t *v)
{
	return d->vmcoreinfo && !vmcoreinfo_get_u64(d->vmcoreinfo, key, base, v, NULL);
}

enum kdc_status page_filter_init(struct kdc_dump *dump, unsigned int level,
				 struct kdc_page_filter *f, struct kdc_err *err)
{
	uint64_t buddy;

	memset(f, 0, sizeof(*f));
	f->dump = dump;
	f->batch_pfn = UINT64_MAX;
	if (!vi_u64(dump, "PAGESIZE", 10, &f->page_size) || f->page_size < 4096 ||
	    f->page_size > (1u << 16) || (f->page_size & (f->page_size - 1)))
		return kdc_fail(err, KC_NODATA, "VMCOREINFO has no usable PAGESIZE");
	f->level = level & KDC_EXCLUDE_ZERO;
	if (!(level & ~KDC_EXCLUDE_ZERO))
		return KC_OK;
	if (!vi_u64(dump, "SIZE(page)", 10, &f->page_struct_size) || f->page_struct_size < 32 ||
	    f->page_struct_size > 128 || !vi_u64(dump, "OFFSET(page.flags)", 10, &f->off_flags) ||
	    !vi_u64(dump, "OFFSET(page._mapcount)", 10, &f->off_mapcount) ||
	    !vi_u64(dump, "OFFSET(page.private)", 10, &f->off_private) ||
	    !vi_u64(dump, "OFFSET(page.mapping)", 10, &f->off_mapping) ||
	    f->off_flags + 8 > f->page_struct_size || f->off_mapcount + 4 > f->page_struct_size ||
	    f->off_private + 8 > f->page_struct_size || f->off_mapping + 8 > f->page_struct_size) {
		kdc_fail(err, KC_NODATA,
			 "VMCOREINFO lacks the struct page layout: only zero pages "
			 "are left out");
		return KC_OK;
	}
	if (!dump->arch->vmemmap_base || dump->arch->vmemmap_base(dump, &f->vmemmap)) {
		kdc_fail(err, KC_NODATA,
			 "the struct page array is not known: only zero pages are "
			 "left out");
		return KC_OK;
	}
	f->head_pfn = UINT64_MAX;
	/* bit 0 of this word is set in tail pages only, in every union of
	 * struct page (include/linux/mm_types.h, 4.18 to 6.12) */
	if (!vi_u64(dump, "OFFSET(page.compound_head)", 10, &f->off_compound_head) ||
	    f->off_compound_head + 8 > f->page_struct_size)
		f->off_compound_head = 0;
	if ((level & KDC_EXCLUDE_FREE) &&
	    vi_u64(dump, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", 10, &buddy)) {
		f->buddy_value = (uint32_t)buddy;
		/* 6.12 keeps the type in page_type's top byte (PGTY_buddy << 24,
		 * include/linux/page-flags.h), older kernels clear one bit of an
		 * all-ones word: match what the exported value defines */
		f->buddy_mask = (f->buddy_value & 0x00ffffffu) ? 0xffffffffu : 0xff000000u;
		f->level |= KDC_EXCLUDE_FREE;
	}
	if ((level & (KDC_EXCLUDE_CACHE | KDC_EXCLUDE_CACHE_PRIVATE | KDC_EXCLUDE_USER)) &&
	    vi_u64(dump, "NUMBER(PG_lru)", 10, &f->pg_lru) && f->pg_lru < 64 &&
	    vi_u64(dump, "NUMBER(PG_private)", 10, &f->pg_private) && f->pg_private < 64)
		f->level |=
			level & (KDC_EXCLUDE_CACHE | KDC_EXCLUDE_CACHE_PRIVATE | KDC_EXCLUDE_USER);
	if ((f->level | KDC_EXCLUDE_ZERO) != (level | KDC_EXCLUDE_ZERO))
		kdc_fail(err, KC_NODATA, "VMCOREINFO lacks page flag numbers: dump level %u of %u",
			 f->level, level);
	return KC_OK;
}

/* The struct page of @pfn, from the batch holding it; NULL when unreadable. */
static const uint8_t *page_struct(struct kdc_page_filter *f, uint64_t pfn)
{
	uint64_t first = pfn - pfn % KDC_PAGE_FILTER_BATCH;

	if (first != f->batch_pfn) {
		f->batch_pfn = first;
		f->batch_ok =
			!mem_read(&f->dump->mem, f->vmemmap + first * f->page_struct_size, f->batch,
				  KDC_PAGE_FILTER_BATCH * f->page_struct_size, NULL);
	}
	return f->batch_ok ? f->batch + (pfn - first) * f->page_struct_size : NULL;
}

enum page_class { PAGE_KEEP, PAGE_CACHE, PAGE_USER };

/* What the flags and mapping of a (head or small) struct page make it. */
static enum page_class classify(const struct kdc_page_filter *f, const uint8_t *p)
{
	uint64_t flags = mem_decode(&f->dump->mem, p + f->off_flags, 8),
		 mapping = mem_decode(&f->dump->mem, p + f->off_mapping, 8);
	bool lru = (flags >> f->pg_lru) & 1;
	/* only LRU pages: PG_swapcache is PG_owner_priv_1, which non-LRU
	 * pages (slab, filesystems' own) may carry with something else in
	 * the mapping word */
	bool cache = lru && mapping && !(mapping & PAGE_MAPPING_ANON);

	if (cache && ((f->level & KDC_EXCLUDE_CACHE_PRIVATE) ||
		      ((f->level & KDC_EXCLUDE_CACHE) && !((flags >> f->pg_private) & 1))))
		return PAGE_CACHE;
	if ((f->level & KDC_EXCLUDE_USER) && lru && (mapping & PAGE_MAPPING_ANON))
		return PAGE_USER;
	return PAGE_KEEP;
}

/* A tail page's class is its head's: looked up once per compound page, and
 * kept when the head word does not point at an earlier struct page within
 * the largest order there is. */
static enum page_class tail_class(struct kdc_page_filter *f, uint64_t pfn, uint64_t head_word)
{
	uint64_t head = head_word - 1, head_pfn;
	uint8_t buf[128];

	if (head < f->vmemmap || (head - f->vmemmap) % f->page_struct_size)
		return PAGE_KEEP;
	head_pfn = (head - f->vmemmap) / f->page_struct_size;
	if (head_pfn >= pfn || pfn - head_pfn >= (1ull << BUDDY_ORDER_MAX))
		return PAGE_KEEP;
	if (head_pfn != f->head_pfn) {
		f->head_pfn = head_pfn;
		f->head_class = mem_read(&f->dump->mem, head, buf, f->page_struct_size, NULL)
					? PAGE_KEEP
					: classify(f, buf);
	}
	return (enum page_class)f->head_class;
}

bool page_filter_excludes(struct kdc_page_filter *f, uint64_t pfn)
{
	const uint8_t *p;
	uint64_t order, head_word;
	enum page_class c;

	if (pfn < f->skip_until) {
		f->nr_free++;
		return true;
	}
	if (!(f->level & ~KDC_EXCLUDE_ZERO))
		return false;
	if (!(p = page_struct(f, pfn))) {
		f->nr_unknown++;
		return false;
	}
	if ((f->level & KDC_EXCLUDE_FREE) &&
	    ((uint32_t)mem_decode(&f->dump->mem, p + f->off_mapcount, 4) & f->buddy_mask) ==
		    (f->buddy_value & f->buddy_mask)) {
		order = mem_decode(&f->dump->mem, p + f->off_private, 8);
		if (order <= BUDDY_ORDER_MAX) {
			f->skip_until = pfn + (1ull << order);
			f->nr_free++;
			return true;
		}
	}
	if (!(f->level & (KDC_EXCLUDE_CACHE | KDC_EXCLUDE_CACHE_PRIVATE | KDC_EXCLUDE_USER)))
		return false;
	head_word =
		f->off_compound_head ? mem_decode(&f->dump->mem, p + f->off_compound_head, 8) : 0;
	c = (head_word & 1) ? tail_class(f, pfn, head_word) : classify(f, p);
	if (c == PAGE_CACHE)
		f->nr_cache++;
	else if (c == PAGE_USER)
		f->nr_user++;
	return c != PAGE_KEEP;
}
