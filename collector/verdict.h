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

#include "cpus.h"
#include "csd_wait_graph.h"
#include "kernel.h"
#include "kvm.h"
#include "panic_info.h"
#include "recover.h"
#include "unwind.h"

#define KDC_VERDICT_CPUS_MAX 256 /* stuck, parked, waits: past it, counted in cut_* */
#define KDC_VERDICT_EVIDENCE_MAX 16

/* what the verdict rests on: the analysis' facts (borrowed), nothing else */
struct kdc_verdict_in {
	const struct kdc_kernel *kernel;
	const struct kdc_cpus *cpus;
	const struct kdc_recovery *recovery; /* per CPU, or NULL */
	const struct kdc_csd_graph *csd;
	const struct kdc_kvm *kvm;
	const struct kdc_panic_info *panic;
};

struct kdc_verdict_wait {
	unsigned int cpu, waits_for;
	const char *via; /* static */
	bool queued;	 /* the request still sits in the target's queue */
	uint64_t csd, func;
};

struct kdc_verdict {
	int panic_cpu; /* -1 when unknown */
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
		char function[160];	       /* "kdc_oops_write+0x1c [kdc_test]" or "" */
		bool have_addr, have_syndrome; /* arch names: kdc_arch_ops.fault_addr_name */
		uint64_t addr, syndrome;
		const char *source; /* static: "exception registers", "recovered", ... */
	} faulting;
	char summary[2048];
	bool summary_cut; /* it did not fit: ends in " [...]" */
	/* what did not fit the bounds above, reported as a problem */
	unsigned int cut_stuck, cut_parked, cut_waits, cut_evidence;
	unsigned int nr_evidence;
	char evidence[KDC_VERDICT_EVIDENCE_MAX][768];
};

/** verdict_build() - conclude from @in into @v */
void verdict_build(const struct kdc_verdict_in *in, struct kdc_verdict *v);

#endif
