// SPDX-License-Identifier: GPL-2.0-or-later
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

void analysis_problem(struct kdc_analysis *a, const struct kdc_err *err)
{
	if (a->nr_problems < KDC_PROBLEMS_MAX)
		a->problems[a->nr_problems++] = *err;
	else
		a->problems_dropped++;
}

static void note_problems(struct kdc_analysis *a)
{
	const struct kdc_kernel *k = &a->kernel;

	if (!a->dump->vmcoreinfo)
		analysis_problem(a, &a->dump->vmcoreinfo_err);
	if (!a->dump->kctx)
		analysis_problem(a, &a->dump->kdumpfile_err);
	if (k->profile_err.code)
		analysis_problem(a, &k->profile_err);
	if (k->page_size_err.code)
		analysis_problem(a, &k->page_size_err);
	if (k->syms.vmlinux_err.code)
		analysis_problem(a, &k->syms.vmlinux_err);
	if (!k->have_symbols)
		analysis_problem(a, &k->symbols_err);
	if (!k->have_types)
		analysis_problem(a, &k->types_err);
	else if (!k->have_layouts)
		analysis_problem(a, &k->layout_err);
	if (k->have_types && k->have_layouts && !k->nr_cpus)
		analysis_problem(a, &k->percpu_err);
	if (k->have_types && !k->have_modules)
		analysis_problem(a, &k->modules_err);
}

static void gather(struct kdc_dump *dump, const struct kdc_sources *src, struct kdc_analysis *a)
{
	struct kdc_err err = { 0 };

	memset(a, 0, sizeof(*a));
	a->dump = dump;
	kernel_load(dump, src, &a->kernel);
	note_problems(a);
	if (panic_info_from_log(dump, &a->panic, &err))
		analysis_problem(a, &err);
	if (cpus_load(&a->kernel, &a->cpus, &err))
		analysis_problem(a, &err);
	for (unsigned int i = 0; i < a->cpus.nr; i++)
		if (a->cpus.cpu[i].err.code)
			analysis_problem(a, &a->cpus.cpu[i].err);
	a->bt = calloc(a->cpus.nr ? a->cpus.nr : 1, sizeof(*a->bt));
	a->note_bt = calloc(a->cpus.nr_notes ? a->cpus.nr_notes : 1, sizeof(*a->note_bt));
	if (!a->bt || !a->note_bt) {
		kdc_fail(&err, KC_NOMEM, "backtraces");
		analysis_problem(a, &err);
		return;
	}
	a->recovery = calloc(a->cpus.nr ? a->cpus.nr : 1, sizeof(*a->recovery));
	if (!a->recovery) {
		kdc_fail(&err, KC_NOMEM, "recovery");
		analysis_problem(a, &err);
		return;
	}
	for (unsigned int i = 0; i < a->cpus.nr; i++) {
		struct kdc_cpu *c = &a->cpus.cpu[i];

		if (c->regs_source != KDC_REGS_NONE) {
			unwind(&a->kernel, c, &c->regs, &a->bt[i]);
		} else if (c->online && c->have_task) {
			/* no note: the CPU never took the crash-stop IPI */
			recover_cpu(&a->kernel, c, &a->recovery[i]);
			if (a->recovery[i].ok) {
				/* kernel mode, so tools tell it from user registers */
				if (a->dump->arch->recovered_flags)
					a->recovery[i].regs.flags = a->dump->arch->recovered_flags(
						a->cpus.nr_notes ? &a->cpus.notes[0].regs : NULL,
						a->recovery[i].cand[0].at_el2,
						a->recovery[i].regs.flags);
				c->regs = a->recovery[i].regs;
				c->regs_source = KDC_REGS_RECOVERED;
				a->bt[i] = a->recovery[i].bt;
			}
		}
	}
	/* not complete, whatever else was read: no register note at all, or a
	 * noted CPU's walk cut by damage rather than by its own end */
	if (a->cpus.nr && !(a->cpus.nr_notes - a->cpus.nr_synthetic)) {
		kdc_fail(&err, KC_NODATA,
			 "the dump holds no NT_PRSTATUS note: the kernel saved no "
			 "CPU's registers (a dump not made by crash_kexec?)");
		analysis_problem(a, &err);
	}
	for (unsigned int i = 0; i < a->cpus.nr; i++) {
		const struct kdc_backtrace *bt = &a->bt[i];

		if (a->cpus.cpu[i].regs_source == KDC_REGS_NOTE && bt->stop && !bt->complete &&
		    (strstr(bt->stop, "loop") || strstr(bt->stop, "already left") ||
		     strstr(bt->stop, "depth limit"))) {
			kdc_fail(&err, KC_CORRUPT, "CPU %u: backtrace cut after %u frames: %s", i,
				 bt->nr, bt->stop);
			analysis_problem(a, &err);
		}
	}
	csd_wait_graph_build(&a->kernel, &a->cpus, a->bt, &a->csd);
	if (a->cpus.nr && !a->csd.complete)
		analysis_problem(a, &a->csd.err);
	kvm_scan(&a->kernel, &a->cpus, a->bt, &a->kvm);
	if (a->kvm.err.code)
		analysis_problem(a, &a->kvm.err);
	/* A note no CPU claimed still gets its first frame, symbolized. */
	for (unsigned int i = 0; i < a->cpus.nr_notes; i++) {
		const struct kdc_note_cpu *n = &a->cpus.notes[i];

		if (n->cpu < 0 && !n->synthetic) {
			a->note_bt[i].frame[0].pc = n->regs.pc;
			a->note_bt[i].nr = 1;
			a->note_bt[i].stop = "note matches no CPU: stacks unknown";
			kdc_fail(&err, KC_NODATA, "NT_PRSTATUS note %u (pid %d) matches no CPU", i,
				 n->pid);
			analysis_problem(a, &err);
		}
	}
}

/* Every bound that was reached is a problem the report names: a big
 * machine must never be cut silently. */
static void report_cuts(struct kdc_analysis *a)
{
	const struct kdc_verdict *v = &a->verdict;
	struct kdc_err err = { 0 };

	if (v->cut_stuck || v->cut_parked || v->cut_waits) {
		kdc_fail(&err, KC_LIMIT,
			 "verdict: %u stuck, %u parked CPUs and %u waits past the "
			 "%u it lists of each (see cpus[] for all)",
			 v->cut_stuck, v->cut_parked, v->cut_waits, KDC_VERDICT_CPUS_MAX);
		analysis_problem(a, &err);
	}
	if (v->cut_evidence) {
		kdc_fail(&err, KC_LIMIT, "verdict: %u evidence lines past the %u it keeps",
			 v->cut_evidence, KDC_VERDICT_EVIDENCE_MAX);
		analysis_problem(a, &err);
	}
	if (v->summary_cut) {
		kdc_fail(&err, KC_LIMIT,
			 "verdict: the summary line is longer than %zu bytes and "
			 "was cut",
			 sizeof(v->summary) - 1);
		analysis_problem(a, &err);
	}
	if (a->kvm.not_examined) {
		kdc_fail(&err, KC_LIMIT,
			 "kvm: %u loaded vCPUs listed, the bound; %u CPUs after "
			 "them not examined",
			 KDC_KVM_MAX, a->kvm.not_examined);
		analysis_problem(a, &err);
	}
}

void analysis_run(struct kdc_dump *dump, const struct kdc_sources *src, struct kdc_analysis *a)
{
	gather(dump, src, a);
	verdict_build(&(struct kdc_verdict_in){ &a->kernel, &a->cpus, a->recovery, &a->csd, &a->kvm,
						&a->panic },
		      &a->verdict);
	report_cuts(a);
	patterns_match(&(struct kdc_patterns_in){ a->dump, &a->kernel, &a->cpus, a->bt },
		       src ? src->patterns : NULL, &a->patterns);
	if (a->patterns.err.code)
		analysis_problem(a, &a->patterns.err);
}

void analysis_fini(struct kdc_analysis *a)
{
	free(a->bt);
	free(a->note_bt);
	free(a->recovery);
	csd_wait_graph_fini(&a->csd);
	patterns_fini(&a->patterns);
	a->recovery = NULL;
	cpus_fini(&a->cpus);
	kernel_fini(&a->kernel);
	a->bt = a->note_bt = NULL;
}
