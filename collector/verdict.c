// SPDX-License-Identifier: GPL-2.0-or-later
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void evidence(struct kdc_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void evidence(struct kdc_verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nr_evidence >= KDC_VERDICT_EVIDENCE_MAX) {
		v->cut_evidence++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(v->evidence[v->nr_evidence++], sizeof(v->evidence[0]), fmt, ap);
	va_end(ap);
}

static bool is_stuck(const struct kdc_verdict *v, unsigned int cpu)
{
	for (unsigned int i = 0; i < v->nr_stuck; i++)
		if (v->stuck[i] == cpu)
			return true;
	return false;
}

static void add_stuck(struct kdc_verdict *v, unsigned int cpu)
{
	unsigned int i;

	if (is_stuck(v, cpu))
		return;
	if (v->nr_stuck >= KDC_VERDICT_CPUS_MAX) {
		v->cut_stuck++;
		return;
	}
	for (i = v->nr_stuck; i > 0 && v->stuck[i - 1] > cpu; i--)
		v->stuck[i] = v->stuck[i - 1];
	v->stuck[i] = cpu;
	v->nr_stuck++;
}

/*
 * A CPU that panicked too but lost the race parks with IRQs masked and no
 * note: panic() -> panic_smp_self_stop(), arm64's is local_cpu_stop()
 * (arch/arm64/kernel/smp.c, 5.10-6.12; the generic one spins in
 * cpu_relax()). Only a recovery that ranks such a function first, with
 * panic on the path, says so.
 */
static bool parked_itself(const struct kdc_verdict_in *a, unsigned int cpu)
{
	static const char *const parking[] = { "local_cpu_stop", "panic_smp_self_stop" };
	const struct kdc_recovery *r = a->recovery ? &a->recovery[cpu] : NULL;
	struct kdc_symbol_hit hit;
	bool in_panic = false;

	if (!r || !r->ok || !r->nr_candidates ||
	    kernel_symbolize(a->kernel, r->cand[0].function, &hit) || !hit.name)
		return false;
	for (unsigned int i = 0; i < r->bt.nr && !in_panic; i++) {
		struct kdc_symbol_hit f;

		in_panic = !frame_symbol(a->kernel, &r->bt.frame[i], &f) && f.name &&
			   (!strcmp(f.name, "panic") || !strcmp(f.name, "vpanic"));
	}
	for (size_t i = 0; i < sizeof(parking) / sizeof(parking[0]); i++)
		if (!strcmp(hit.name, parking[i]))
			return in_panic;
	return false;
}

static void find_waits(const struct kdc_verdict_in *a, struct kdc_verdict *v)
{
	for (unsigned int i = 0; i < a->csd->nr; i++) {
		const struct kdc_csd_wait *w = &a->csd->wait[i];

		/* an open request blocks its issuer only while it waits in the call */
		if (!w->waiter_in_call)
			continue;
		if (v->nr_waits >= KDC_VERDICT_CPUS_MAX) {
			v->cut_waits++;
			continue;
		}
		v->waits[v->nr_waits++] = (struct kdc_verdict_wait){
			w->cpu, w->waits_for, kdc_csd_via_name(w->via), w->queued, w->csd, w->func
		};
		if (w->queued)
			add_stuck(v, w->waits_for);
	}
}

static void find_faulting(const struct kdc_verdict_in *a, struct kdc_verdict *v)
{
	const struct kdc_panic_info *p = a->panic;

	if (p->found && p->arch.have_hyp) {
		/* the hypervisor's report: its note holds only panic()'s
		 * registers, so the message is the source */
		v->have_faulting = true;
		v->faulting.cpu = p->cpu;
		v->faulting.pc = p->arch.hyp_pc;
		v->faulting.source = p->arch.hyp_source;
		v->faulting.have_syndrome = true;
		v->faulting.syndrome = p->arch.hyp_syndrome;
		v->faulting.have_addr = p->arch.hyp_have_addr;
		v->faulting.addr = p->arch.hyp_addr;
	} else if (p->found && !strcmp(p->kind, "oops") && p->cpu >= 0 &&
		   (unsigned int)p->cpu < a->cpus->nr &&
		   a->cpus->cpu[p->cpu].regs_source == KDC_REGS_NOTE) {
		/* die() passes the exception's pt_regs to crash_kexec(): the note
		 * holds the faulting context itself */
		v->have_faulting = true;
		v->faulting.cpu = p->cpu;
		v->faulting.pc = a->cpus->cpu[p->cpu].regs.pc;
		v->faulting.source = "the oopsing CPU's note (exception registers) and the log";
		v->faulting.have_addr = p->arch.have_addr;
		v->faulting.addr = p->arch.addr;
		v->faulting.have_syndrome = p->arch.have_syndrome;
		v->faulting.syndrome = p->arch.syndrome;
	} else if (v->nr_stuck && a->cpus->cpu[v->stuck[0]].regs_source == KDC_REGS_RECOVERED &&
		   a->recovery[v->stuck[0]].confidence != KDC_CONF_CHAIN) {
		v->have_faulting = true;
		v->faulting.cpu = (int)v->stuck[0];
		v->faulting.pc = a->cpus->cpu[v->stuck[0]].regs.pc;
		v->faulting.source = "recovered from the stuck CPU's stack";
	}
	if (v->have_faulting)
		kernel_describe(a->kernel, v->faulting.pc, v->faulting.function,
				sizeof(v->faulting.function));
}

static size_t append(char *buf, size_t len, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t len, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n >= len)
		return n;
	va_start(ap, fmt);
	w = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	return w < 0 ? n : n + (size_t)w;
}

static const char *comm_of(const struct kdc_verdict_in *a, unsigned int cpu)
{
	return cpu < a->cpus->nr && a->cpus->cpu[cpu].have_task ? a->cpus->cpu[cpu].task.comm : "?";
}

static int pid_of(const struct kdc_verdict_in *a, unsigned int cpu)
{
	return cpu < a->cpus->nr && a->cpus->cpu[cpu].have_task ? a->cpus->cpu[cpu].task.pid : -1;
}

static void function_name(const struct kdc_verdict_in *a, uint64_t fn, char *buf, size_t len)
{
	struct kdc_symbol_hit hit;

	if (!kernel_symbolize(a->kernel, fn, &hit) && hit.name)
		snprintf(buf, len, "%s%s%s%s", hit.name, hit.module ? " [" : "",
			 hit.module ? hit.module : "", hit.module ? "]" : "");
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)fn);
}

/* Candidates this close to the first are named with it: the verdict must
 * not state one of several fits as fact. */
#define VERDICT_CLOSE_SCORE 8

/*
 * " in F" when the recovery is certain of the function, else
 * ", most likely in F (or G, H)": the support engineer acts on this line.
 */
static size_t describe_stuck_place(const struct kdc_verdict_in *a, const struct kdc_recovery *r,
				   char *s, size_t len, size_t n)
{
	const struct kdc_candidate *top = &r->cand[0];
	char fn[160];
	unsigned int alts = 0;

	if (!r->nr_candidates)
		return n;
	function_name(a, top->function, fn, sizeof(fn));
	if (top->confidence == KDC_CONF_CHAIN)
		n = append(s, len, n, ", most likely in %s", fn);
	else
		n = append(s, len, n, " in %s", fn);
	if (top->via) {
		function_name(a, top->via, fn, sizeof(fn));
		n = append(s, len, n, " (looping over %s)", fn);
	}
	for (unsigned int i = 1; i < r->nr_candidates && alts < 2; i++) {
		if (r->cand[i].score < top->score - VERDICT_CLOSE_SCORE)
			break;
		function_name(a, r->cand[i].function, fn, sizeof(fn));
		n = append(s, len, n, "%s%s", alts ? ", " : " (or ", fn);
		alts++;
	}
	if (alts)
		n = append(s, len, n, ")");
	if (top->dispatch_kind && !strcmp(top->dispatch_kind, KDC_DISPATCH_FTRACE) &&
	    r->traced.found) {
		char caller[160];

		function_name(a, r->traced.function, fn, sizeof(fn));
		kernel_describe(a->kernel, r->traced.return_to, caller, sizeof(caller));
		n = append(s, len, n, " (an ftrace callback, on the call of %s returning to %s)",
			   fn, caller);
	}
	if (top->at_el2)
		n = append(s, len, n, "%s",
			   a->kernel->dump->arch->hyp_place ? a->kernel->dump->arch->hyp_place
							    : " in the hypervisor");
	else if (r->hyp_unnamed)
		/* the hypervisor's frames are there, only nameless: not a fact either way */
		n = append(s, len, n, ", or in code the symbols do not name%s",
			   a->kernel->dump->arch->hyp_place ? a->kernel->dump->arch->hyp_place
							    : " in the hypervisor");
	else if (r->activity.have_preempt_count && (r->activity.hardirq || r->activity.softirq))
		n = append(s, len, n, " in %s context", cpu_activity_context(&r->activity));
	return n;
}

/* A path of waits from @at back to @path[0], depth-first, at most 8 CPUs long. */
static bool wait_cycle_from(const struct kdc_verdict *v, unsigned int *path, unsigned int len,
			    unsigned int at)
{
	if (len == 8)
		return false;
	path[len++] = at;
	for (unsigned int w = 0; w < v->nr_waits; w++) {
		unsigned int to = v->waits[w].waits_for;
		bool seen = false;

		if (v->waits[w].cpu != at)
			continue;
		if (to == path[0]) {
			path[len] = to;
			return true;
		}
		for (unsigned int i = 0; i < len; i++)
			seen |= path[i] == to;
		if (!seen && wait_cycle_from(v, path, len, to))
			return true;
	}
	return false;
}

/* The first cycle of waits, as CPU numbers from and back to one CPU; 0 when none. */
static unsigned int wait_cycle(const struct kdc_verdict *v, unsigned int path[9])
{
	for (unsigned int w = 0; w < v->nr_waits; w++) {
		memset(path, 0xff, 9 * sizeof(path[0]));
		if (wait_cycle_from(v, path, 0, v->waits[w].cpu)) {
			unsigned int n = 1;

			while (n < 9 && path[n] != path[0])
				n++;
			return n + 1;
		}
	}
	return 0;
}

static void summarize(const struct kdc_verdict_in *a, struct kdc_verdict *v)
{
	const struct kdc_panic_info *p = a->panic;
	const struct kdc_arch_ops *arch = a->kernel->dump->arch;
	char *s = v->summary;
	size_t len = sizeof(v->summary), n = 0;

	for (unsigned int i = 0; i < v->nr_stuck; i++) {
		unsigned int c = v->stuck[i];
		const struct kdc_cpu *cpu = &a->cpus->cpu[c];
		bool told = false;

		n = append(s, len, n, "%sCPU %u (%s, pid %d) is stuck", n ? "; " : "", c,
			   comm_of(a, c), pid_of(a, c));
		if (cpu->regs_source == KDC_REGS_RECOVERED)
			n = describe_stuck_place(a, &a->recovery[c], s, len, n);
		for (unsigned int w = 0; w < v->nr_waits; w++)
			if (v->waits[w].waits_for == c && v->waits[w].queued && !told) {
				n = append(s, len, n, ": it never took the %s IPI from CPU %u",
					   v->waits[w].via, v->waits[w].cpu);
				told = true;
			}
		if (cpu->note_index < 0)
			n = append(s, len, n, "%s the crash-stop IPI (no register note)",
				   told ? " nor" : ": it never took");
	}
	for (unsigned int i = 0; i < v->nr_parked; i++)
		n = append(s, len, n,
			   "%sCPU %u (%s, pid %d) panicked too, lost the race and parked "
			   "itself without a note",
			   n ? "; " : "", v->parked[i], comm_of(a, v->parked[i]),
			   pid_of(a, v->parked[i]));
	for (unsigned int w = 0; w < v->nr_waits; w++) {
		const struct kdc_verdict_wait *wt = &v->waits[w];
		bool first = true;

		/* one clause per waiter and call: "waits for CPUs 2, 3 in ..." */
		for (unsigned int e = 0; e < w; e++)
			first &= !(v->waits[e].cpu == wt->cpu && !strcmp(v->waits[e].via, wt->via));
		if (!first)
			continue;
		n = append(s, len, n, "; CPU %u (%s, pid %d) waits for CPU", wt->cpu,
			   comm_of(a, wt->cpu), pid_of(a, wt->cpu));
		for (unsigned int e = w, k = 0; e < v->nr_waits; e++)
			if (v->waits[e].cpu == wt->cpu && !strcmp(v->waits[e].via, wt->via))
				n = append(
					s, len, n, "%s %u",
					k++ ? ","
					    : (e + 1 < v->nr_waits && v->waits[e + 1].cpu == wt->cpu
						       ? "s"
						       : ""),
					v->waits[e].waits_for);
		n = append(s, len, n, " in %s", wt->via);
		for (unsigned int l = 0; l < p->nr_soft_lockups; l++)
			if (p->soft_lockup[l].cpu == (int)wt->cpu)
				n = append(s, len, n,
					   " (soft lockup: stuck for %us at %llu.%03llu s)",
					   p->soft_lockup[l].seconds,
					   (unsigned long long)(p->soft_lockup[l].ts_nsec /
								1000000000),
					   (unsigned long long)(p->soft_lockup[l].ts_nsec %
								1000000000 / 1000000));
	}
	{
		unsigned int cyc[9], nc = wait_cycle(v, cyc);

		if (nc) {
			n = append(s, len, n, "; a cross-call deadlock: CPUs");
			for (unsigned int i = 0; i < nc; i++)
				n = append(s, len, n, "%s %u", i ? " ->" : "", cyc[i]);
			n = append(s, len, n,
				   " each wait for the next, none can take the IPI it "
				   "waits on");
		}
	}
	if (v->have_faulting && v->faulting.have_addr) {
		char syn[48] = "";

		if (v->faulting.have_syndrome)
			snprintf(syn, sizeof(syn), " (%s 0x%llx)", arch->syndrome_name,
				 (unsigned long long)v->faulting.syndrome);
		n = append(s, len, n, "%s%s on CPU %d at %s: %s at 0x%llx%s", n ? "; " : "",
			   p->kind, v->faulting.cpu, v->faulting.function,
			   p->arch.what[0] ? p->arch.what : "fault",
			   (unsigned long long)v->faulting.addr, syn);
	}
	if (p->found && p->cpu >= 0)
		n = append(s, len, n, "%s%s on CPU %d (%s, pid %d): %s", n ? "; " : "", p->kind,
			   p->cpu, p->comm, p->pid, p->message);
	else if (p->found)
		n = append(s, len, n, "%s%s: %s", n ? "; " : "", p->kind, p->message);
	else
		n = append(s, len, n, "%sno panic message in the log", n ? "; " : "");
	for (unsigned int i = 0; i < a->kvm->nr; i++) {
		const struct kdc_kvm_vcpu *kv = &a->kvm->vcpu[i];

		n = append(s, len, n,
			   "; CPU %u has vCPU %d (%s, pid %d) loaded%s, guest PC 0x%llx "
			   "(%s) as saved at %s",
			   kv->cpu, kv->vcpu_id, kv->comm, kv->pid,
			   !kv->have_world_switch	       ? ""
			   : kv->have_in_guest && kv->in_guest ? " and is in the guest"
			   : kv->in_world_switch
				   ? " and is inside the world switch, not in the guest"
				   : " outside the world switch",
			   (unsigned long long)kv->guest_pc, kv->exit_brief,
			   kv->have_world_switch && kv->in_world_switch
				   ? "an earlier exit (the guest may have run since)"
				   : "its last exit");
	}
	/* without per-CPU state no CPU can be called stuck: say so first-hand,
	 * with what would give it, rather than let the panic line stand alone */
	if (!a->cpus->nr)
		n = append(s, len, n,
			   "; no per-CPU state (%s), so no CPU can be named stuck or "
			   "idle: give --vmlinux (the kernel's -dbg package) or --profile (made by "
			   "`kdump-collect profile` on the running kernel)",
			   a->kernel->percpu_err.msg[0] ? a->kernel->percpu_err.msg : "unknown");
	if (n >= len) {
		/* cut: say so where it was cut, never end mid-word silently */
		memcpy(s + len - 7, " [...]", 7);
		v->summary_cut = true;
	}
}

static void collect_evidence(const struct kdc_verdict_in *a, struct kdc_verdict *v)
{
	const struct kdc_panic_info *p = a->panic;
	const struct kdc_arch_ops *arch = a->kernel->dump->arch;
	char fn[160];

	for (unsigned int i = 0; i < a->cpus->nr; i++) {
		if (!a->cpus->cpu[i].online || a->cpus->cpu[i].note_index >= 0)
			continue;
		if (parked_itself(a, i))
			/* local_cpu_stop() clears the CPU from cpu_online_mask
			 * first, so the crash-stop IPI is not even sent to it */
			evidence(v,
				 "CPU %u has no NT_PRSTATUS note: it panicked too, lost the "
				 "race, took itself out of cpu_online_mask and parked with "
				 "interrupts masked (local_cpu_stop()), so the crash-stop IPI "
				 "skipped it",
				 i);
		else
			evidence(v,
				 "CPU %u has no NT_PRSTATUS note: it did not answer the "
				 "crash-stop IPI (Debian kernels have no pseudo-NMI, so a CPU "
				 "with interrupts masked never writes one)",
				 i);
	}
	if (p->arch.failed_to_stop[0])
		evidence(v, "the log says \"%s %s\"%s%s%s", p->arch.failed_to_stop_line,
			 p->arch.failed_to_stop, p->arch.failed_to_stop_note ? " (" : "",
			 p->arch.failed_to_stop_note ? p->arch.failed_to_stop_note : "",
			 p->arch.failed_to_stop_note ? ")" : "");
	for (unsigned int w = 0; w < v->nr_waits; w++) {
		kernel_describe(a->kernel, v->waits[w].func, fn, sizeof(fn));
		evidence(v,
			 "CPU %u's call-function request 0x%llx (func %s) for CPU %u is %s; "
			 "CPU %u's backtrace is inside %s",
			 v->waits[w].cpu, (unsigned long long)v->waits[w].csd, fn,
			 v->waits[w].waits_for,
			 v->waits[w].queued ? "still queued on the target's call_single_queue"
					    : "locked (dequeued, not finished)",
			 v->waits[w].cpu, v->waits[w].via);
	}
	for (unsigned int i = 0; i < a->cpus->nr; i++)
		if (a->recovery && a->recovery[i].ok)
			evidence(v, "CPU %u registers recovered (%s, confidence %s): %.600s", i,
				 a->recovery[i].method,
				 kdc_confidence_name(a->recovery[i].confidence),
				 a->recovery[i].evidence);
	for (unsigned int l = 0; l < p->nr_soft_lockups; l++)
		evidence(v,
			 "the log has \"BUG: soft lockup - CPU#%d stuck for %us!\" at %llu.%06llu",
			 p->soft_lockup[l].cpu, p->soft_lockup[l].seconds,
			 (unsigned long long)(p->soft_lockup[l].ts_nsec / 1000000000),
			 (unsigned long long)(p->soft_lockup[l].ts_nsec % 1000000000 / 1000));
	for (unsigned int l = 0; l < p->nr_stalls; l++)
		evidence(v, "the log at %llu.%06llu: \"%s\"",
			 (unsigned long long)(p->stall[l].ts_nsec / 1000000000),
			 (unsigned long long)(p->stall[l].ts_nsec % 1000000000 / 1000),
			 p->stall[l].line);
	if (v->have_faulting && (v->faulting.have_syndrome || v->faulting.have_addr))
		evidence(v, "fault on CPU %d at %s: %s 0x%llx, %s 0x%llx (%s)", v->faulting.cpu,
			 v->faulting.function, arch->syndrome_name,
			 (unsigned long long)v->faulting.syndrome, arch->fault_addr_name,
			 (unsigned long long)v->faulting.addr, v->faulting.source);
}

void verdict_build(const struct kdc_verdict_in *a, struct kdc_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->panic_cpu = a->panic->found ? a->panic->cpu : -1;
	for (unsigned int i = 0; i < a->cpus->nr; i++)
		if (a->cpus->cpu[i].online && a->cpus->cpu[i].note_index < 0) {
			if (parked_itself(a, i)) {
				if (v->nr_parked < KDC_VERDICT_CPUS_MAX)
					v->parked[v->nr_parked++] = i;
				else
					v->cut_parked++;
			} else {
				add_stuck(v, i);
			}
		}
	find_waits(a, v);
	find_faulting(a, v);
	summarize(a, v);
	collect_evidence(a, v);
}
