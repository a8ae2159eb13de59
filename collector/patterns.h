// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known crash patterns (collector/patterns.conf, parsers/patterns_file.h)
 * matched against what the analysis found: the kernel log and every CPU's
 * backtrace.
 */
#ifndef KDC_PATTERNS_H
#define KDC_PATTERNS_H

#include <stdbool.h>
#include "cpus.h"
#include "dump.h"
#include "kernel.h"
#include "patterns_file.h"
#include "unwind.h"

/* what matching reads: the log (through the dump) and the backtraces (borrowed) */
struct kdc_patterns_in {
	struct kdc_dump *dump;
	const struct kdc_kernel *kernel;
	const struct kdc_cpus *cpus;
	const struct kdc_backtrace *bt; /* per CPU */
};

struct kdc_pattern_match {
	const struct kdc_pattern *pattern; /* borrowed from the loaded file */
	char evidence[320];
};

struct kdc_pattern_matches {
	char path[256];		   /* the file used, "" when none was found */
	struct kdc_patterns *file; /* owned */
	unsigned int nr;
	struct kdc_pattern_match match[KDC_PATTERNS_MAX];
	struct kdc_err err; /* the file could not be read or parsed */
	bool missing;	    /* no patterns file was found at all */
};

/* what the reports say when no patterns file was found */
#define PATTERNS_MISSING                                                                           \
	"no known-patterns file found (--patterns, $KDC_PATTERNS, "                                \
	"/etc/kdump-collector/patterns.conf, BINDIR/../share/kdump-collector/patterns.conf): "     \
	"known crash patterns were not checked"

/**
 * patterns_match() - load the patterns (@path, else $KDC_PATTERNS, else
 * /etc/kdump-collector/patterns.conf, the installed file, or the one next
 * to an in-tree build) and match them against @a
 * @out: always initialised; release with patterns_fini()
 */
void patterns_match(const struct kdc_patterns_in *a, const char *path,
		    struct kdc_pattern_matches *out);

void patterns_fini(struct kdc_pattern_matches *m);

#endif
