// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every possible CPU of the crashed kernel: its current task, its stacks,
 * and the NT_PRSTATUS note that belongs to it. Notes are in the order CPUs
 * wrote them, not by CPU number, and a CPU that never stopped wrote none,
 * so each note is matched to a CPU by its pid and stack pointer.
 */
#ifndef KDC_CPUS_H
#define KDC_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "regs.h"

enum kdc_stack_kind {
	KDC_STACK_TASK,
	KDC_STACK_IRQ,
	KDC_STACK_OVERFLOW,
	KDC_STACK_HYP, /* the nVHE hypervisor's (EL2), not walked by the unwinder */
};

struct kdc_stack_range {
	enum kdc_stack_kind kind;
	uint64_t lo, hi; /* [lo, hi) */
};

struct kdc_task {
	uint64_t addr; /* struct task_struct * */
	int32_t pid;
	char comm[17];
	uint64_t state;
	bool have_state;
	uint64_t stack; /* task->stack */
};

enum kdc_regs_source {
	KDC_REGS_NONE,
	KDC_REGS_NOTE,
	KDC_REGS_RECOVERED,
};

#define KDC_CPU_STACKS 3

struct kdc_cpu {
	unsigned int cpu;
	bool online;
	bool have_task;
	struct kdc_task task;
	struct kdc_stack_range stacks[KDC_CPU_STACKS];
	unsigned int nr_stacks;
	enum kdc_regs_source regs_source;
	struct kdc_regs regs;
	int note_index;	    /* position among the NT_PRSTATUS notes, -1 if none */
	struct kdc_err err; /* first thing about this CPU that could not be read */
};

struct kdc_note_cpu {
	int32_t pid;
	struct kdc_regs regs;
	int cpu;		/* -1 when no CPU matched */
	const char *matched_by; /* "pid+sp", "pid"; static */
	bool synthetic;		/* written by kdump-collector repair, not the kernel */
};

struct kdc_cpus {
	unsigned int nr;
	struct kdc_cpu *cpu; /* owned, nr entries */
	unsigned int nr_notes;
	struct kdc_note_cpu *notes; /* owned, NT_PRSTATUS notes in file order */
	unsigned int nr_synthetic;  /* of them, recovered or placeholder notes of a repaired dump */
};

/**
 * cpus_load() - read every possible CPU's state and map the notes to CPUs
 * @out: always initialised; release with cpus_fini(). With no per-CPU
 * information, nr is 0 and the notes are still listed (unmapped).
 * Return: KC_OK; KC_NOMEM.
 */
enum kdc_status cpus_load(const struct kdc_kernel *k, struct kdc_cpus *out, struct kdc_err *err);

void cpus_fini(struct kdc_cpus *c);

/** cpu_stack_of() - the stack of @cpu holding @addr, or NULL */
const struct kdc_stack_range *cpu_stack_of(const struct kdc_cpu *cpu, uint64_t addr);

const char *kdc_stack_kind_name(enum kdc_stack_kind kind);

/** cpus_add_stack() - @c has a stack [@lo, @lo + @size) of @kind (ignored if 0 or full) */
void cpus_add_stack(struct kdc_cpu *c, enum kdc_stack_kind kind, uint64_t lo, uint64_t size);
const char *kdc_regs_source_name(enum kdc_regs_source src);

#endif
