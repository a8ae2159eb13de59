// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conclusion: which CPU panicked, which CPUs are stuck and who waits
 * for them, where the fault was. Built from the analysis' evidence only;
 * every claim in the summary names what it rests on.
 */
#ifndef KDC_VERDICT_H
#define KDC_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#define KDC_VERDICT_CPUS_MAX 64
#define KDC_VERDICT_EVIDENCE_MAX 16

struct kdc_analysis;

struct kdc_verdict_wait {
	unsigned int cpu, waits_for;
	const char *via;		/* static */
	bool queued;			/* the request still sits in the target's queue */
	uint64_t csd, func;
};

struct kdc_verdict {
	int panic_cpu;			/* -1 when unknown */
	unsigned int nr_stuck;
	unsigned int stuck[KDC_VERDICT_CPUS_MAX];
	/* CPUs without a note that parked themselves: they lost the race to
	 * panic() (arm64 panic_smp_self_stop() -> local_cpu_stop()) */
	unsigned int nr_parked;
	unsigned int parked[KDC_VERDICT_CPUS_MAX];
	unsigned int nr_waits;
	struct kdc_verdict_wait waits[KDC_VERDICT_CPUS_MAX];
	bool have_faulting;
	struct {
		int cpu;
		uint64_t pc;
		char function[160];	/* "kdc_oops_write+0x1c [kdc_test]" or "" */
		bool have_far, have_esr;
		uint64_t far, esr;
		const char *source;	/* static: "exception registers", "recovered", ... */
	} faulting;
	char summary[1024];
	unsigned int nr_evidence;
	char evidence[KDC_VERDICT_EVIDENCE_MAX][768];
};

/** verdict_build() - conclude from @a (whose verdict member it fills) */
void verdict_build(struct kdc_analysis *a);

#endif
