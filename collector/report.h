// SPDX-License-Identifier: GPL-2.0-or-later
/* The report of an analysis already run: text (verdict first), JSON, one CPU. */
#ifndef KDC_REPORT_H
#define KDC_REPORT_H

#include <stdio.h>

#include <stdint.h>

struct kdc_analysis;
struct kdc_json;
struct kdc_kernel;

void report_text(const struct kdc_analysis *a, FILE *out);
void report_json(const struct kdc_analysis *a, FILE *out);
void report_cpu_text(const struct kdc_analysis *a, unsigned int cpu, FILE *out);

/* "@key": {function, offset, size, module} of @addr, or null; for the
 * architectures' own writers too */
void report_json_symbol(struct kdc_json *j, const char *key, const struct kdc_kernel *k,
			uint64_t addr);

#endif
