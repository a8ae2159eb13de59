// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kdump-collect collect`: the capture-kernel job. The analysis runs in a
 * child process that writes each result file as it finishes (name.tmp,
 * then renamed), so the parent can always bundle what is complete: after
 * the child ends, crashes, exceeds its memory ceiling, or is killed when
 * the time budget runs out. Only then, and only if asked, the full dump is
 * written with makedumpfile, so the small bundle exists even if that fails.
 */
#ifndef KDC_COLLECT_H
#define KDC_COLLECT_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "sources.h"

/* the least --memory-limit (MiB): the analysis' resident peak is ~25 MiB */
#define KDC_MEMORY_LIMIT_FLOOR_MIB 40

struct collect_opts {
	const char *vmcore;		/* default /proc/vmcore */
	const char *output_dir;		/* default . */
	double timeout;			/* seconds for the analysis; 0: none */
	unsigned long memory_limit_mib; /* resident-memory ceiling of the analysis; 0: none */
	bool full_dump;			/* also makedumpfile -d 31 (zstd) beside the bundle */
	struct kdc_sources src;
};

struct collect_result {
	char bundle[4096]; /* the bundle written */
	bool complete;	   /* every step ran */
	char skipped[512]; /* what did not, and why */
};

/** collect_run() - write the bundle; log progress to @log */
enum kdc_status collect_run(const struct collect_opts *o, FILE *log, struct collect_result *res,
			    struct kdc_err *err);

#endif
