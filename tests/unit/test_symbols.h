// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A symbol table for the analysis suites: text symbols at the addresses a
 * test lays its synthetic code out at, built the way a profile's or
 * System.map's is (kallsyms_new/add/sort). Each symbol's size runs to the
 * next one, so a test ends its last function with an end marker.
 */
#ifndef KDC_TEST_SYMBOLS_H
#define KDC_TEST_SYMBOLS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

struct test_sym {
	uint64_t addr;
	const char *name;
};

/* owned by the caller (kallsyms_free); aborts on a table the test got wrong */
static inline struct kdc_kallsyms *test_kallsyms(const struct test_sym *s, size_t n)
{
	struct kdc_kallsyms *ks = kallsyms_new();

	if (!ks)
		abort();
	for (size_t i = 0; i < n; i++)
		if (kallsyms_add(ks, s[i].addr, 't', s[i].name, strlen(s[i].name), NULL))
			abort();
	kallsyms_sort(ks);
	return ks;
}

#endif
