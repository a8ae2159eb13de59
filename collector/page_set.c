// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_set.h"

#include <stdlib.h>

void page_set_add(struct kdc_page_set *s, uint64_t pfn)
{
	if (s->last == pfn + 1)
		return;
	s->last = pfn + 1;
	if (s->nr == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *p;

		if (ncap > KDC_PAGE_SET_MAX)
			ncap = KDC_PAGE_SET_MAX;
		if (s->nr == ncap || !(p = realloc(s->pfn, ncap * sizeof(*p)))) {
			/* full (or no memory): sort and squeeze out repeats first */
			page_set_sort(s);
			if (s->nr == s->cap) {
				s->dropped++;
				return;
			}
		} else {
			s->pfn = p;
			s->cap = ncap;
		}
	}
	s->pfn[s->nr++] = pfn;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void page_set_sort(struct kdc_page_set *s)
{
	size_t out = 0;

	if (!s->nr)
		return;
	qsort(s->pfn, s->nr, sizeof(*s->pfn), cmp);
	for (size_t i = 0; i < s->nr; i++)
		if (!out || s->pfn[out - 1] != s->pfn[i])
			s->pfn[out++] = s->pfn[i];
	s->nr = out;
}

void page_set_free(struct kdc_page_set *s)
{
	free(s->pfn);
	s->pfn = NULL;
	s->nr = s->cap = 0;
}
