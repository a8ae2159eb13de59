// SPDX-License-Identifier: GPL-2.0-or-later
#include "cpus.h"

#include <stdlib.h>
#include <string.h>

#include "elf_notes.h"
#include "mem.h"

const char *kdc_stack_kind_name(enum kdc_stack_kind kind)
{
	switch (kind) {
	case KDC_STACK_TASK:
		return "task";
	case KDC_STACK_IRQ:
		return "irq";
	case KDC_STACK_OVERFLOW:
		return "overflow";
	case KDC_STACK_HYP:
		return "hyp";
	}
	return "?";
}

const char *kdc_regs_source_name(enum kdc_regs_source src)
{
	switch (src) {
	case KDC_REGS_NOTE:
		return "note";
	case KDC_REGS_RECOVERED:
		return "recovered";
	case KDC_REGS_NONE:
		break;
	}
	return "none";
}

const struct kdc_stack_range *cpu_stack_of(const struct kdc_cpu *cpu, uint64_t addr)
{
	for (unsigned int i = 0; i < cpu->nr_stacks; i++)
		if (addr >= cpu->stacks[i].lo && addr < cpu->stacks[i].hi)
			return &cpu->stacks[i];
	return NULL;
}

static enum kdc_status read_task(const struct kdc_kernel *k, uint64_t addr, struct kdc_task *t,
				 struct kdc_err *err)
{
	uint32_t pid, state32;
	enum kdc_status st;

	memset(t, 0, sizeof(*t));
	t->addr = addr;
	if ((st = kernel_read_u32(k, addr + k->task.pid, &pid, err)) ||
	    (st = mem_read(k->mem, addr + k->task.comm, t->comm, 16, err)) ||
	    (st = kernel_read_u64(k, addr + k->task.stack, &t->stack, err)))
		return kdc_err_prefix(err, st, "task 0x%llx", (unsigned long long)addr);
	t->pid = (int32_t)pid;
	t->comm[16] = '\0';
	if (k->task.have_state) {
		if (k->task.state_size == 4)
			t->have_state = !kernel_read_u32(k, addr + k->task.state, &state32, NULL),
			t->state = state32;
		else
			t->have_state = !kernel_read_u64(k, addr + k->task.state, &t->state, NULL);
	}
	return KC_OK;
}

void cpus_add_stack(struct kdc_cpu *c, enum kdc_stack_kind kind, uint64_t lo, uint64_t size)
{
	if (lo && c->nr_stacks < KDC_CPU_STACKS && lo + size > lo)
		c->stacks[c->nr_stacks++] = (struct kdc_stack_range){ kind, lo, lo + size };
}

static void load_cpu(const struct kdc_kernel *k, unsigned int n, struct kdc_cpu *c)
{
	uint64_t rq = kernel_rq(k, n);
	uint64_t curr;
	uint32_t online;

	c->cpu = n;
	c->note_index = -1;
	c->online = true;
	if (k->rq.have_online && !kernel_read_u32(k, rq + k->rq.online, &online, NULL))
		c->online = online != 0;
	if (kernel_read_u64(k, rq + k->rq.curr, &curr, &c->err) ||
	    read_task(k, curr, &c->task, &c->err)) {
		kdc_err_prefix(&c->err, c->err.code, "cpu %u: current task", n);
		return;
	}
	c->have_task = true;
	cpus_add_stack(c, KDC_STACK_TASK, c->task.stack, k->thread_size);
	if (k->dump->arch->cpu_stacks)
		k->dump->arch->cpu_stacks(k, n, c);
}

/*
 * A note belongs to the CPU whose current task has the note's pid and one
 * of whose stacks holds the note's SP; idle tasks all have pid 0, so the
 * stack is what tells them apart. A unique pid alone is the fallback.
 */
static void map_notes(struct kdc_cpus *c)
{
	for (unsigned int i = 0; i < c->nr_notes; i++) {
		struct kdc_note_cpu *n = &c->notes[i];
		int by_sp = -1, by_pid = -1;
		unsigned int nr_by_sp = 0, nr_by_pid = 0;

		if (n->synthetic)
			continue;

		for (unsigned int j = 0; j < c->nr; j++) {
			const struct kdc_cpu *cpu = &c->cpu[j];

			if (!cpu->have_task || cpu->task.pid != n->pid || cpu->note_index >= 0)
				continue;
			by_pid = (int)j, nr_by_pid++;
			if (cpu_stack_of(cpu, n->regs.sp))
				by_sp = (int)j, nr_by_sp++;
		}
		if (nr_by_sp == 1)
			n->cpu = by_sp, n->matched_by = "pid+sp";
		else if (nr_by_sp == 0 && nr_by_pid == 1 && n->pid != 0)
			n->cpu = by_pid, n->matched_by = "pid";
		else
			continue;
		c->cpu[n->cpu].note_index = (int)i;
		c->cpu[n->cpu].regs = n->regs;
		c->cpu[n->cpu].regs_source = KDC_REGS_NOTE;
	}
}

/*
 * A dump kdump-collector repaired (or the bundle's small dump) holds one
 * NT_PRSTATUS per online CPU, in CPU order, and a KDUMP-COLLECTOR note whose
 * lines say, in the same order, which came from the kernel ("cpu N:
 * original note K") and which it wrote ("cpu N: recovered ...", "cpu N: no
 * registers ..."). The written ones are not the kernel's word: the CPU is
 * analysed as the one without a note it was.
 */
static void mark_synthetic(const struct kdc_dump *d, struct kdc_cpus *c)
{
	struct kdc_cursor cur;
	struct kdc_note n;
	bool have;

	kdc_cursor_init(&cur, d->notes, d->notes_len, false, "notes");
	while (!elf_notes_next(&cur, &have, &n, NULL) && have) {
		const char *p, *end;
		unsigned int k = 0;

		if (!elf_note_name_is(&n, KDC_NOTE_PROVENANCE_NAME) ||
		    n.type != KDC_NOTE_PROVENANCE_TYPE)
			continue;
		p = (const char *)n.desc;
		end = p + n.desc_len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *colon;
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if (len > 4 && !memcmp(p, "cpu ", 4) && (colon = memchr(p, ':', len))) {
				if (k < c->nr_notes && (size_t)(p + len - colon) > 2 &&
				    memcmp(colon + 2, "original", 8))
					c->notes[k].synthetic = true, c->nr_synthetic++;
				k++;
			}
			p += len + 1;
		}
	}
}

static enum kdc_status load_notes(const struct kdc_kernel *k, struct kdc_cpus *c,
				  struct kdc_err *err)
{
	const struct kdc_dump *d = k->dump;
	struct kdc_cursor cur;
	struct kdc_note n;
	bool have;

	kdc_cursor_init(&cur, d->notes, d->notes_len, false, "notes");
	while (!elf_notes_next(&cur, &have, &n, NULL) && have) {
		struct kdc_prstatus ps;
		struct kdc_note_cpu *grown;

		if (!elf_note_name_is(&n, "CORE") || n.type != KDC_NT_PRSTATUS ||
		    d->arch->decode_prstatus(n.desc, n.desc_len, &ps, NULL))
			continue;
		grown = realloc(c->notes, (c->nr_notes + 1) * sizeof(*grown));
		if (!grown)
			return kdc_fail(err, KC_NOMEM, "notes");
		c->notes = grown;
		c->notes[c->nr_notes++] =
			(struct kdc_note_cpu){ .pid = ps.pid, .regs = ps.regs, .cpu = -1 };
	}
	return KC_OK;
}

enum kdc_status cpus_load(const struct kdc_kernel *k, struct kdc_cpus *out, struct kdc_err *err)
{
	enum kdc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = load_notes(k, out, err)))
		return st;
	mark_synthetic(k->dump, out);
	if (!k->nr_cpus)
		return KC_OK;
	out->cpu = calloc(k->nr_cpus, sizeof(*out->cpu));
	if (!out->cpu)
		return kdc_fail(err, KC_NOMEM, "%u cpus", k->nr_cpus);
	out->nr = k->nr_cpus;
	for (unsigned int i = 0; i < out->nr; i++)
		load_cpu(k, i, &out->cpu[i]);
	map_notes(out);
	return KC_OK;
}

void cpus_fini(struct kdc_cpus *c)
{
	free(c->cpu);
	free(c->notes);
	c->cpu = NULL;
	c->notes = NULL;
}
