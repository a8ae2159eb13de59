// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON report, schema kdump-collector.report/1 (docs/report-schema.md). */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "json.h"
#include "report_facts.h"
#include "symbols.h"

static void json_header(const struct kdc_dump *d, const struct facts *f, struct kdc_json *j)
{
	json_key(j, "schema");
	json_string(j, REPORT_SCHEMA);
	json_key(j, "dump");
	json_object_begin(j);
	json_key(j, "path");
	json_string(j, d->path);
	json_key(j, "format");
	json_string(j, dump_format_name(d));
	json_object_end(j);
	json_key(j, "kernel");
	json_object_begin(j);
	json_key(j, "release");
	json_string(j, f->release);
	json_key(j, "arch");
	json_string(j, d->arch->name);
	json_key(j, "page_size");
	if (f->have_page_size)
		json_u64(j, f->page_size);
	else
		json_null(j);
	json_key(j, "crash_time");
	if (f->have_crash_time)
		json_u64(j, f->crash_time);
	else
		json_null(j);
	json_key(j, "kernel_offset");
	if (f->have_kernel_offset)
		json_hex(j, f->kernel_offset);
	else
		json_null(j);
	json_object_end(j);
}

static void json_hex_or_null(struct kdc_json *j, bool have, uint64_t v)
{
	if (have)
		json_hex(j, v);
	else
		json_null(j);
}

static void json_u64_or_null(struct kdc_json *j, bool have, uint64_t v)
{
	if (have)
		json_u64(j, v);
	else
		json_null(j);
}

static void json_registers(const struct kdc_regs *r, struct kdc_json *j)
{
	json_key(j, "registers");
	json_object_begin(j);
	json_key(j, "pc");
	json_hex(j, r->pc);
	json_key(j, "sp");
	json_hex(j, r->sp);
	json_key(j, "fp");
	json_hex(j, r->fp);
	json_key(j, "lr");
	json_hex(j, r->lr);
	json_key(j, "pstate");
	json_hex(j, r->flags);
	json_key(j, "x");
	json_array_begin(j);
	for (unsigned int i = 0; i < r->nr && i < 31; i++)
		json_hex(j, r->r[i]);
	json_array_end(j);
	json_object_end(j);
}

void report_json_symbol(struct kdc_json *j, const char *key, const struct kdc_kernel *k,
			uint64_t addr)
{
	struct kdc_symbol_hit hit;

	json_key(j, key);
	if (kernel_symbolize(k, addr, &hit) || !hit.name) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "function");
	json_string(j, hit.name);
	json_key(j, "offset");
	json_u64(j, hit.offset);
	json_key(j, "size");
	json_u64(j, hit.size);
	json_key(j, "module");
	json_string(j, hit.module);
	json_object_end(j);
}

static void json_frames(const struct kdc_analysis *a, const struct kdc_backtrace *bt,
			struct kdc_json *j)
{
	json_key(j, "backtrace");
	json_array_begin(j);
	for (unsigned int i = 0; i < bt->nr; i++) {
		const struct kdc_frame *f = &bt->frame[i];
		struct kdc_symbol_hit hit;
		bool in_module_or_kernel = !frame_symbol(&a->kernel, f, &hit);
		bool known = in_module_or_kernel && hit.name;

		json_object_begin(j);
		json_key(j, "pc");
		json_hex(j, f->pc);
		json_key(j, "function");
		json_string(j, known ? hit.name : NULL);
		json_key(j, "offset");
		json_u64_or_null(j, known, known ? hit.offset : 0);
		json_key(j, "size");
		json_u64_or_null(j, known, known ? hit.size : 0);
		json_key(j, "module");
		json_string(j, in_module_or_kernel ? hit.module : NULL);
		json_key(j, "frame");
		json_hex_or_null(j, f->fp != 0, f->fp);
		json_key(j, "stack");
		json_string(j, f->have_stack ? kdc_stack_kind_name(f->stack) : NULL);
		json_key(j, "exception_frame");
		json_hex_or_null(j, f->exception, f->pt_regs);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "backtrace_end");
	json_string(j, bt->stop);
	json_key(j, "backtrace_complete");
	json_bool(j, bt->complete);
}

static void json_task(const struct kdc_cpu *c, struct kdc_json *j)
{
	json_key(j, "task");
	if (!c->have_task) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "address");
	json_hex(j, c->task.addr);
	json_key(j, "pid");
	json_i64(j, c->task.pid);
	json_key(j, "comm");
	json_string(j, c->task.comm);
	json_key(j, "state");
	json_u64_or_null(j, c->task.have_state, c->task.state);
	json_object_end(j);
}

/* recovery.candidates[]: ranked; the first one is the CPU's registers and backtrace[0] */
static void json_candidates(const struct kdc_analysis *a, const struct kdc_recovery *r,
			    struct kdc_json *j)
{
	json_array_begin(j);
	for (unsigned int i = 0; i < r->nr_candidates; i++) {
		const struct kdc_candidate *c = &r->cand[i];
		struct kdc_symbol_hit hit;
		bool named = !kernel_symbolize(&a->kernel, c->function, &hit) && hit.name;

		json_object_begin(j);
		json_key(j, "function");
		json_string(j, named ? hit.name : NULL);
		json_key(j, "module");
		json_string(j, named ? hit.module : NULL);
		json_key(j, "address");
		json_hex(j, c->function);
		json_key(j, "pc");
		if (c->pc)
			json_hex(j, c->pc);
		else
			json_null(j);
		json_key(j, "confidence");
		json_string(j, kdc_confidence_name(c->confidence));
		json_key(j, "method");
		json_string(j, c->method);
		json_key(j, "score");
		json_i64(j, c->score);
		json_key(j, "at_el2");
		json_bool(j, c->at_el2);
		json_key(j, "dispatched_by");
		json_string(j, c->dispatch_kind);
		json_key(j, "evidence");
		json_string(j, c->evidence);
		json_object_end(j);
	}
	json_array_end(j);
}

/* recovery.traced_call: an ftrace trampoline's saved registers, or null */
static void json_traced_call(const struct kdc_analysis *a, const struct kdc_traced_call *t,
			     struct kdc_json *j)
{
	json_key(j, "traced_call");
	if (!t->found) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	report_json_symbol(j, "function", &a->kernel, t->function);
	report_json_symbol(j, "returns_to", &a->kernel, t->return_to);
	json_key(j, "return_address");
	json_hex(j, t->return_to);
	json_key(j, "args");
	json_array_begin(j);
	for (unsigned int i = 0; i < 8; i++)
		json_hex(j, t->args[i]);
	json_array_end(j);
	json_key(j, "saved_at");
	json_hex(j, t->saved_at);
	json_key(j, "layout");
	json_string(j, t->layout);
	json_object_end(j);
}

static void json_cpu(const struct kdc_analysis *a, unsigned int n, struct kdc_json *j)
{
	const struct kdc_cpu *c = &a->cpus.cpu[n];

	json_object_begin(j);
	json_key(j, "cpu");
	json_u64(j, c->cpu);
	json_key(j, "online");
	json_bool(j, c->online);
	json_key(j, "registers_source");
	json_string(j, kdc_regs_source_name(c->regs_source));
	json_key(j, "note_index");
	json_u64_or_null(j, c->note_index >= 0, (uint64_t)c->note_index);
	json_key(j, "runqueue");
	json_hex(j, kernel_rq(&a->kernel, n));
	json_task(c, j);
	json_key(j, "stacks");
	json_array_begin(j);
	for (unsigned int i = 0; i < c->nr_stacks; i++) {
		json_object_begin(j);
		json_key(j, "kind");
		json_string(j, kdc_stack_kind_name(c->stacks[i].kind));
		json_key(j, "low");
		json_hex(j, c->stacks[i].lo);
		json_key(j, "high");
		json_hex(j, c->stacks[i].hi);
		json_object_end(j);
	}
	json_array_end(j);
	if (c->regs_source == KDC_REGS_RECOVERED) {
		const struct kdc_recovery *r = &a->recovery[n];

		json_key(j, "recovery");
		json_object_begin(j);
		json_key(j, "method");
		json_string(j, r->method);
		json_key(j, "confidence");
		json_string(j, kdc_confidence_name(r->confidence));
		json_key(j, "evidence");
		json_string(j, r->evidence);
		json_key(j, "context");
		json_string(j, cpu_activity_context(&r->activity));
		json_key(j, "preempt_count");
		json_u64_or_null(j, r->activity.have_preempt_count, r->activity.preempt_count);
		json_key(j, "candidates");
		json_candidates(a, r, j);
		json_traced_call(a, &r->traced, j);
		json_object_end(j);
	}
	if (c->regs_source != KDC_REGS_NONE) {
		json_registers(&c->regs, j);
		json_frames(a, &a->bt[n], j);
	} else {
		json_key(j, "registers");
		json_null(j);
		json_key(j, "backtrace");
		json_array_begin(j);
		json_array_end(j);
	}
	json_key(j, "error");
	json_string(j, c->err.code ? c->err.msg : NULL);
	json_object_end(j);
}

static void json_notes(const struct kdc_analysis *a, struct kdc_json *j)
{
	json_key(j, "notes");
	json_array_begin(j);
	for (unsigned int i = 0; i < a->cpus.nr_notes; i++) {
		const struct kdc_note_cpu *n = &a->cpus.notes[i];

		json_object_begin(j);
		json_key(j, "index");
		json_u64(j, i);
		json_key(j, "type_name");
		json_string(j, "NT_PRSTATUS");
		json_key(j, "pid");
		json_i64(j, n->pid);
		json_key(j, "cpu");
		json_u64_or_null(j, n->cpu >= 0, (uint64_t)n->cpu);
		json_key(j, "matched_by");
		json_string(j, n->matched_by);
		json_key(j, "written_by");
		json_string(j, n->synthetic ? "kdump-collector" : "kernel");
		json_registers(&n->regs, j);
		report_json_symbol(j, "pc_symbol", &a->kernel, n->regs.pc);
		report_json_symbol(j, "lr_symbol", &a->kernel,
				   symbols_strip_pac(&a->kernel.syms, n->regs.lr));
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_kvm(const struct kdc_analysis *a, struct kdc_json *j)
{
	json_key(j, "kvm");
	json_array_begin(j);
	for (unsigned int i = 0; i < a->kvm.nr; i++) {
		const struct kdc_kvm_vcpu *kv = &a->kvm.vcpu[i];

		json_object_begin(j);
		json_key(j, "cpu");
		json_u64(j, kv->cpu);
		json_key(j, "task");
		json_object_begin(j);
		json_key(j, "pid");
		json_i64(j, kv->pid);
		json_key(j, "comm");
		json_string(j, kv->comm);
		json_object_end(j);
		json_key(j, "vm");
		json_hex(j, kv->vm);
		json_key(j, "vcpu");
		json_hex(j, kv->vcpu);
		json_key(j, "vcpu_id");
		json_i64(j, kv->vcpu_id);
		json_key(j, "in_guest");
		if (kv->have_in_guest)
			json_bool(j, kv->in_guest);
		else
			json_null(j);
		json_key(j, "in_world_switch");
		if (kv->have_world_switch)
			json_bool(j, kv->in_world_switch);
		else
			json_null(j);
		json_key(j, "world_switch_evidence");
		if (kv->have_world_switch)
			json_string(j, kv->world_switch_why);
		else
			json_null(j);
		json_key(j, "guest_pc");
		json_hex(j, kv->guest_pc);
		if (a->dump->arch->kvm_json)
			a->dump->arch->kvm_json(&a->kernel, kv, j);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_panic_and_verdict(const struct kdc_analysis *a, struct kdc_json *j)
{
	const struct kdc_panic_info *p = &a->panic;
	const struct kdc_verdict *v = &a->verdict;
	bool have_cpu = p->found && p->cpu >= 0;

	json_key(j, "panic");
	json_object_begin(j);
	json_key(j, "cpu");
	json_u64_or_null(j, have_cpu, (uint64_t)p->cpu);
	json_key(j, "message");
	json_string(j, p->found ? p->message : NULL);
	json_key(j, "kind");
	json_string(j, p->found ? p->kind : NULL);
	json_key(j, "pid");
	if (have_cpu)
		json_i64(j, p->pid);
	else
		json_null(j);
	json_key(j, "comm");
	json_string(j, have_cpu ? p->comm : NULL);
	json_key(j, "uptime_ns");
	json_u64_or_null(j, p->found, p->ts_nsec);
	json_key(j, "source");
	json_string(j, p->found ? "dmesg" : NULL);
	json_object_end(j);

	json_key(j, "verdict");
	json_object_begin(j);
	json_key(j, "summary");
	json_string(j, v->summary);
	json_key(j, "panic_cpu");
	json_u64_or_null(j, have_cpu, (uint64_t)p->cpu);
	json_key(j, "cpus_without_note");
	json_array_begin(j);
	for (unsigned int i = 0; i < a->cpus.nr; i++)
		if (a->cpus.cpu[i].online && a->cpus.cpu[i].note_index < 0)
			json_u64(j, i);
	json_array_end(j);
	json_key(j, "parked_cpus");
	json_array_begin(j);
	for (unsigned int i = 0; i < v->nr_parked; i++)
		json_u64(j, v->parked[i]);
	json_array_end(j);
	json_key(j, "stuck_cpus");
	json_array_begin(j);
	for (unsigned int i = 0; i < v->nr_stuck; i++)
		json_u64(j, v->stuck[i]);
	json_array_end(j);
	json_key(j, "waits");
	json_array_begin(j);
	for (unsigned int i = 0; i < v->nr_waits; i++) {
		json_object_begin(j);
		json_key(j, "cpu");
		json_u64(j, v->waits[i].cpu);
		json_key(j, "waits_for");
		json_u64(j, v->waits[i].waits_for);
		json_key(j, "via");
		json_string(j, v->waits[i].via);
		json_key(j, "request_queued");
		json_bool(j, v->waits[i].queued);
		json_key(j, "csd");
		json_hex(j, v->waits[i].csd);
		report_json_symbol(j, "func", &a->kernel, v->waits[i].func);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "faulting");
	if (v->have_faulting) {
		json_object_begin(j);
		json_key(j, "cpu");
		json_i64(j, v->faulting.cpu);
		json_key(j, "pc");
		json_hex(j, v->faulting.pc);
		json_key(j, "function");
		json_string(j, v->faulting.function[0] ? v->faulting.function : NULL);
		json_key(j, a->kernel.dump->arch->fault_addr_key);
		json_hex_or_null(j, v->faulting.have_addr, v->faulting.addr);
		json_key(j, a->kernel.dump->arch->syndrome_key);
		json_hex_or_null(j, v->faulting.have_syndrome, v->faulting.syndrome);
		json_key(j, "source");
		json_string(j, v->faulting.source);
		json_object_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "evidence");
	json_array_begin(j);
	for (unsigned int i = 0; i < v->nr_evidence; i++)
		json_string(j, v->evidence[i]);
	json_array_end(j);
	json_object_end(j);
	json_kvm(a, j);
}

static void json_sources(const struct kdc_kernel *k, struct kdc_json *j)
{
	json_key(j, "symbols");
	json_object_begin(j);
	json_key(j, "source");
	json_string(j, k->have_symbols ? k->syms.source : NULL);
	json_key(j, "count");
	json_u64(j, k->have_symbols ? kallsyms_count(k->syms.kallsyms) : 0);
	json_key(j, "error");
	json_string(j, k->have_symbols ? NULL : k->symbols_err.msg);
	json_object_end(j);
	json_key(j, "types");
	json_object_begin(j);
	json_key(j, "source");
	json_string(j, k->have_types ? k->types.source : NULL);
	json_key(j, "btf_address");
	json_hex_or_null(j, k->have_types, k->types.btf_addr);
	json_key(j, "btf_size");
	json_u64(j, k->have_types ? k->types.btf_size : 0);
	json_key(j, "error");
	json_string(j, k->have_types ? NULL : k->types_err.msg);
	json_object_end(j);
	json_key(j, "percpu");
	json_object_begin(j);
	json_key(j, "source");
	json_string(j, k->nr_cpus ? k->percpu_source : NULL);
	json_key(j, "per_cpu_offset");
	json_hex_or_null(j, k->nr_cpus != 0, k->per_cpu_offset_addr);
	json_key(j, "per_cpu_start");
	json_hex_or_null(j, k->nr_cpus != 0, k->per_cpu_start);
	json_key(j, "variables_source");
	json_string(j, k->nr_cpus ? k->percpu_vars_source : NULL);
	json_key(j, "variables");
	json_array_begin(j);
	for (unsigned int i = 0; k->nr_cpus && kernel_percpu_vars_used[i]; i++) {
		struct kdc_err why = { 0 };
		uint64_t at = 0;
		bool found = !kernel_percpu_addr(k, kernel_percpu_vars_used[i], 0, &at, &why);

		json_object_begin(j);
		json_key(j, "name");
		json_string(j, kernel_percpu_vars_used[i]);
		json_key(j, "cpu0_address");
		json_hex_or_null(j, found, at);
		json_key(j, "error");
		json_string(j, found ? NULL : why.msg);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "possible_cpus");
	json_u64(j, k->nr_cpus);
	json_key(j, "thread_size");
	json_u64(j, k->thread_size);
	json_key(j, "thread_size_source");
	json_string(j, k->thread_size_source);
	json_key(j, "error");
	json_string(j, k->nr_cpus ? NULL : k->percpu_err.msg);
	json_object_end(j);
	json_key(j, "modules");
	json_object_begin(j);
	json_key(j, "source");
	json_string(j, k->have_modules ? k->modules.source : NULL);
	json_key(j, "list_head");
	json_hex_or_null(j, k->have_modules, k->modules.list_head);
	json_key(j, "loaded");
	json_array_begin(j);
	for (size_t i = 0; i < k->modules.nr; i++) {
		json_object_begin(j);
		json_key(j, "name");
		json_string(j, k->modules.mod[i].name);
		json_key(j, "text");
		json_hex(j, k->modules.mod[i].text);
		json_key(j, "text_size");
		json_u64(j, k->modules.mod[i].text_size);
		json_key(j, "functions");
		json_u64(j, k->modules.mod[i].nr_syms);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "error");
	json_string(j, k->have_modules ? NULL : k->modules_err.msg);
	json_object_end(j);
}

void report_json(const struct kdc_analysis *a, FILE *out)
{
	struct facts facts, *f = &facts;
	struct kdc_json j;

	report_read_facts(a->dump, f);
	json_init(&j, out);
	json_object_begin(&j);
	json_header(a->dump, f, &j);
	json_sources(&a->kernel, &j);
	json_panic_and_verdict(a, &j);
	json_key(&j, "cpus");
	json_array_begin(&j);
	for (unsigned int i = 0; i < a->cpus.nr; i++)
		json_cpu(a, i, &j);
	json_array_end(&j);
	json_notes(a, &j);
	json_key(&j, "known_patterns");
	json_object_begin(&j);
	json_key(&j, "file");
	json_string(&j, a->patterns.path[0] ? a->patterns.path : NULL);
	json_key(&j, "warning");
	json_string(&j, a->patterns.missing ? PATTERNS_MISSING : NULL);
	json_key(&j, "matched");
	json_array_begin(&j);
	for (unsigned int i = 0; i < a->patterns.nr; i++) {
		const struct kdc_pattern_match *m = &a->patterns.match[i];

		json_object_begin(&j);
		json_key(&j, "id");
		json_string(&j, m->pattern->id);
		json_key(&j, "title");
		json_string(&j, m->pattern->title);
		json_key(&j, "explanation");
		json_string(&j, m->pattern->explain);
		json_key(&j, "fix");
		json_string(&j, m->pattern->fix[0] ? m->pattern->fix : NULL);
		json_key(&j, "evidence");
		json_string(&j, m->evidence);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_key(&j, "problems");
	json_array_begin(&j);
	for (unsigned int i = 0; i < a->nr_problems; i++)
		json_string(&j, a->problems[i].msg);
	if (a->problems_dropped) {
		char more[96];

		snprintf(more, sizeof(more), "%u more problems past the %u listed",
			 a->problems_dropped, KDC_PROBLEMS_MAX);
		json_string(&j, more);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}
