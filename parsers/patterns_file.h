// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known crash patterns, kept in a text file a support engineer can extend
 * without rebuilding (data/patterns.conf):
 *
 *   # comment
 *   [hyp-panic-ftrace-sp-el0]
 *   title = HYP panic from ftrace in the VHE world switch
 *   log = HYP panic:                  every "log" must appear in the kernel log
 *   backtrace = ftrace_*              every "backtrace" glob must match a function
 *                                     on some CPU's backtrace
 *   kernel-before = 5.7               optional: only releases older than this
 *   explain = ...                     repeatable: lines of the explanation
 *   fix = 6e977984f6d8 "KVM: arm64: ..."
 *
 * A pattern needs at least one condition. Unknown keys are an error, so a
 * typo does not silently disable a pattern.
 */
#ifndef KDC_PATTERNS_FILE_H
#define KDC_PATTERNS_FILE_H

#include <stddef.h>

#include "err.h"

#define KDC_PATTERNS_MAX 64
#define KDC_PATTERN_CONDS_MAX 8
#define KDC_PATTERN_TEXT_MAX 1024

struct kdc_pattern {
	char id[64];
	char title[160];
	char explain[KDC_PATTERN_TEXT_MAX];
	char fix[256];
	char kernel_before[32];
	unsigned int nr_log, nr_backtrace;
	char log[KDC_PATTERN_CONDS_MAX][160];
	char backtrace[KDC_PATTERN_CONDS_MAX][96];
};

struct kdc_patterns {
	unsigned int nr;
	struct kdc_pattern p[KDC_PATTERNS_MAX];
};

/**
 * patterns_parse() - parse the file's @text (@len bytes) into @out
 * Return: KC_OK; KC_CORRUPT naming the line; KC_LIMIT past the ceilings above.
 */
enum kdc_status patterns_parse(const char *text, size_t len, struct kdc_patterns *out,
			       struct kdc_err *err);

/**
 * release_before() - whether kernel release @release ("4.18.0-147.el8") is
 * older than @version ("5.7"), comparing the numeric dotted prefix
 */
int release_before(const char *release, const char *version);

#endif
