// SPDX-License-Identifier: GPL-2.0-or-later
/* The report of an analysis already run: text (verdict first), JSON, one CPU. */
#ifndef KDC_REPORT_H
#define KDC_REPORT_H

#include <stdio.h>

struct kdc_analysis;

void report_text(const struct kdc_analysis *a, FILE *out);
void report_json(const struct kdc_analysis *a, FILE *out);
void report_cpu_text(const struct kdc_analysis *a, unsigned int cpu, FILE *out);

#endif
