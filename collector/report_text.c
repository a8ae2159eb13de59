// SPDX-License-Identifier: GPL-2.0-or-later
/* The text report: the verdict first, its evidence, then every CPU. */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "report_facts.h"
#include "symbols.h"

static void text_header(const struct kdc_dump *d, const struct facts *f, FILE *out)
{
	char when[64];

	fprintf(out, "dump:           %s\n", d->path);
	fprintf(out, "format:         %s", dump_format_name(d));
	if (d->format == KDC_DUMP_KDUMP_COMPRESSED)
		fprintf(out, " (header version %d)", d->kdump_header_version);
	fprintf(out, "\narch:           %s\n", d->arch->name);
	fprintf(out, "release:        %s\n", f->release ? f->release : "(unknown)");
	if (f->have_page_size)
		fprintf(out, "page size:      %" PRIu64 "\n", f->page_size);
	if (f->have_crash_time) {
		report_format_utc(f->crash_time, when, sizeof(when));
		fprintf(out, "crash time:     %s\n", when);
	}
	if (f->have_kernel_offset)
		fprintf(out, "kernel offset:  0x%" PRIx64 " (KASLR)\n", f->kernel_offset);
}

static void text_frames(const struct kdc_analysis *a, const struct kdc_backtrace *bt, FILE *out)
{
	for (unsigned int i = 0; i < bt->nr; i++) {
		const struct kdc_frame *f = &bt->frame[i];
		struct kdc_symbol_hit hit;

		if (f->exception)
			fprintf(out, "    -- exception frame (pt_regs at 0x%" PRIx64 ") --\n",
				f->pt_regs);
		fprintf(out, "    #%-2u ", i);
		if (frame_symbol(&a->kernel, f, &hit))
			fprintf(out, "0x%016" PRIx64, f->pc);
		else if (!hit.name)
			fprintf(out, "0x%016" PRIx64 " [%s]", f->pc, hit.module);
		else
			fprintf(out, "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s", hit.name, hit.offset,
				hit.size, hit.module ? " [" : "", hit.module ? hit.module : "",
				hit.module ? "]" : "");
		if (f->have_stack)
			fprintf(out, "  (%s stack)", kdc_stack_kind_name(f->stack));
		fputc('\n', out);
	}
	if (bt->stop && !bt->complete)
		fprintf(out, "    (backtrace ends: %s)\n", bt->stop);
}

static void text_recovery(const struct kdc_analysis *a, const struct kdc_recovery *r, FILE *out)
{
	fprintf(out, "  registers: RECOVERED (no note; %s, confidence %s)\n    %s\n", r->method,
		kdc_confidence_name(r->confidence), r->evidence);
	for (unsigned int i = 0; i < r->nr_candidates; i++) {
		char fn[160];

		kernel_describe(&a->kernel, r->cand[i].function, fn, sizeof(fn));
		fprintf(out, "    candidate %u: %s (%s, score %d): %s\n", i + 1, fn,
			kdc_confidence_name(r->cand[i].confidence), r->cand[i].score,
			r->cand[i].evidence);
	}
	if (r->traced.found) {
		char fn[160], ret[160];

		kernel_describe(&a->kernel, r->traced.function, fn, sizeof(fn));
		kernel_describe(&a->kernel, r->traced.return_to, ret, sizeof(ret));
		fprintf(out,
			"    traced call in progress (ftrace %s at 0x%" PRIx64 "): %s, returning "
			"to %s\n     ",
			r->traced.layout, r->traced.saved_at, fn, ret);
		for (unsigned int i = 0; i < 8; i++)
			fprintf(out, " x%u=0x%" PRIx64, i, r->traced.args[i]);
		fputc('\n', out);
	}
}

void report_cpu_text(const struct kdc_analysis *a, unsigned int n, FILE *out)
{
	const struct kdc_cpu *c = &a->cpus.cpu[n];
	const struct kdc_regs *r = &c->regs;

	fprintf(out, "\nCPU %u%s", c->cpu, c->online ? "" : " (offline)");
	if (c->have_task)
		fprintf(out, "  pid %d  %s", c->task.pid, c->task.comm);
	if (c->regs_source == KDC_REGS_NOTE)
		fprintf(out, "  registers: NT_PRSTATUS note #%d\n", c->note_index);
	else if (c->regs_source == KDC_REGS_RECOVERED)
		text_recovery(a, &a->recovery[n], out);
	else
		fprintf(out, "  registers: none (no NT_PRSTATUS note: the CPU did not stop)%s%s\n",
			a->recovery && a->recovery[n].evidence[0] ? "; not recovered: " : "",
			a->recovery ? a->recovery[n].evidence : "");
	if (c->err.code)
		fprintf(out, "  problem: %s\n", c->err.msg);
	if (c->regs_source == KDC_REGS_NONE)
		return;
	fprintf(out, "  pc %016" PRIx64 "  lr %016" PRIx64 "  sp %016" PRIx64 "\n", r->pc, r->lr,
		r->sp);
	fprintf(out, "  fp %016" PRIx64 "  pstate %08" PRIx64 "\n", r->fp, r->flags);
	text_frames(a, &a->bt[n], out);
}

void report_text(const struct kdc_analysis *a, FILE *out)
{
	const struct kdc_kernel *k = &a->kernel;
	const struct kdc_verdict *v = &a->verdict;
	struct facts facts, *f = &facts;

	report_read_facts(a->dump, f);
	fprintf(out, "verdict: %s\n", v->summary);
	for (unsigned int i = 0; i < v->nr_evidence; i++)
		fprintf(out, "  - %s\n", v->evidence[i]);
	for (unsigned int i = 0; i < a->kvm.nr; i++) {
		const struct kdc_kvm_vcpu *kv = &a->kvm.vcpu[i];

		fprintf(out,
			"  - KVM: CPU %u vCPU %d of VM 0x%" PRIx64
			" (%s, pid %d): guest PC 0x%" PRIx64,
			kv->cpu, kv->vcpu_id, kv->vm, kv->comm, kv->pid, kv->guest_pc);
		if (a->dump->arch->kvm_text)
			a->dump->arch->kvm_text(kv, out);
		fprintf(out, " as saved at its %s exit (%s)\n",
			kv->have_world_switch && kv->in_world_switch ? "previous" : "last",
			!kv->have_world_switch
				? "whether the CPU was inside the world switch is not "
				  "known: the guest may have run since"
				: kv->world_switch_why);
	}
	if (a->patterns.missing)
		fprintf(out, "  - warning: %s\n", PATTERNS_MISSING);
	for (unsigned int i = 0; i < a->patterns.nr; i++) {
		const struct kdc_pattern_match *m = &a->patterns.match[i];

		fprintf(out, "\nknown pattern [%s]: %s\n  evidence: %s\n  %s\n", m->pattern->id,
			m->pattern->title, m->evidence, m->pattern->explain);
		if (m->pattern->fix[0])
			fprintf(out, "  fix: %s\n", m->pattern->fix);
	}
	fputc('\n', out);
	text_header(a->dump, f, out);
	if (k->have_symbols)
		fprintf(out, "symbols:        %zu from %s\n", kallsyms_count(k->syms.kallsyms),
			k->syms.source);
	if (k->have_types)
		fprintf(out, "types:          %s, %u bytes at 0x%" PRIx64 "\n", k->types.source,
			k->types.btf_size, k->types.btf_addr);
	if (k->nr_cpus)
		fprintf(out,
			"per-CPU areas:  %u possible CPUs, __per_cpu_offset at 0x%" PRIx64
			" (%s), variables from %s\n",
			k->nr_cpus, k->per_cpu_offset_addr, k->percpu_source,
			k->percpu_vars_source);
	if (k->have_modules) {
		fprintf(out, "modules:       ");
		for (size_t i = 0; i < k->modules.nr; i++)
			fprintf(out, " %s", k->modules.mod[i].name);
		fputc('\n', out);
	}
	if (a->panic.found)
		fprintf(out, "uptime:         %" PRIu64 ".%06" PRIu64 " s at the panic message\n",
			a->panic.ts_nsec / 1000000000, a->panic.ts_nsec % 1000000000 / 1000);
	if (a->panic.found && a->panic.cpu >= 0)
		fprintf(out, "panic:          CPU %d, pid %d (%s): %s\n", a->panic.cpu,
			a->panic.pid, a->panic.comm, a->panic.message);
	else if (a->panic.found)
		fprintf(out, "panic:          %s\n", a->panic.message);
	for (unsigned int i = 0; i < a->nr_problems; i++)
		fprintf(out, "problem:        %s\n", a->problems[i].msg);
	if (a->problems_dropped)
		fprintf(out, "problem:        %u more problems past the %u listed\n",
			a->problems_dropped, KDC_PROBLEMS_MAX);
	for (unsigned int i = 0; i < a->cpus.nr; i++)
		report_cpu_text(a, i, out);
	fprintf(out, "\nNT_PRSTATUS notes, in file order (position is not the CPU number):\n");
	for (unsigned int i = 0; i < a->cpus.nr_notes; i++) {
		const struct kdc_note_cpu *n = &a->cpus.notes[i];

		fprintf(out, "  #%-3u pid %-6d pc 0x%016" PRIx64 "  ", i, n->pid, n->regs.pc);
		if (n->synthetic)
			fprintf(out, "written by kdump-collector (its recovery; not used as "
				     "evidence)\n");
		else if (n->cpu >= 0)
			fprintf(out, "CPU %d (matched by %s)\n", n->cpu, n->matched_by);
		else
			fprintf(out, "matches no CPU\n");
	}
}
