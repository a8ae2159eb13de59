// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Everything `analyze` learns about a dump, gathered in one pass so the
 * text and JSON reports (and later the bundle) print the same facts. What
 * could not be learned is kept as a list of problems, each naming what
 * was wrong; the analysis itself never fails.
 */
#ifndef KDC_ANALYSIS_H
#define KDC_ANALYSIS_H

#include "cpus.h"
#include "csd_wait_graph.h"
#include "kernel.h"
#include "kvm.h"
#include "patterns.h"
#include "recover.h"
#include "verdict.h"
#include "panic_info.h"
#include "unwind.h"

#define KDC_PROBLEMS_MAX 32

struct kdc_analysis {
	struct kdc_dump *dump;	       /* borrowed */
	struct kdc_kernel kernel;      /* owned */
	struct kdc_cpus cpus;	       /* owned */
	struct kdc_backtrace *bt;      /* owned; one per cpus.nr, NULL entries' nr == 0 */
	struct kdc_backtrace *note_bt; /* owned; one per unmapped note (cpus.notes) */
	struct kdc_recovery *recovery; /* owned; one per CPU, ok when its registers were rebuilt */
	struct kdc_csd_graph csd;      /* owned */
	struct kdc_kvm kvm;
	struct kdc_verdict verdict;
	struct kdc_pattern_matches patterns;
	struct kdc_panic_info panic;
	unsigned int nr_problems;
	struct kdc_err problems[KDC_PROBLEMS_MAX];
	unsigned int problems_dropped;
};

/**
 * analysis_run() - analyse @dump into @a (always initialised; release with analysis_fini)
 * @src: symbol and type sources besides the dump, may be NULL
 */
void analysis_run(struct kdc_dump *dump, const struct kdc_sources *src, struct kdc_analysis *a);

void analysis_fini(struct kdc_analysis *a);

/** analysis_problem() - record something that could not be read */
void analysis_problem(struct kdc_analysis *a, const struct kdc_err *err);

#endif
