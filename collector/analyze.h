// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kdump-collect analyze`: what the dump says about itself. For now the
 * file-level facts (format, kernel, VMCOREINFO) and every ELF note in file
 * order with its register summary; symbols, backtraces and the verdict
 * build on this.
 */
#ifndef KDC_ANALYZE_H
#define KDC_ANALYZE_H

#include <stdbool.h>
#include <stdio.h>

#include "dump.h"

struct analyze_result {
	unsigned int nr_notes;
	unsigned int nr_prstatus;
	unsigned int nr_problems;	/* things that could not be read: a partial report */
};

/**
 * analyze_report() - write the report for @dump to @out
 * @json: JSON (schema kdump-collector.report/1) instead of text
 * @res: counts, for the exit code
 */
void analyze_report(const struct kdc_dump *dump, bool json, FILE *out, struct analyze_result *res);

#endif
