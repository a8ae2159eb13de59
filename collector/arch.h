// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Architecture operations, chosen at run time from the dump's ELF e_machine
 * (or the kdump header's utsname.machine), never by #ifdef: arm64 dumps are
 * decoded on any host. Adding x86_64 is one arch_x86_64.c and one row in
 * arch.c.
 */
#ifndef KDC_ARCH_H
#define KDC_ARCH_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "regs.h"

struct kdc_dump;
struct kdc_symbols;
struct kdc_kernel;
struct kdc_cpu;
struct kdc_backtrace;
struct kdc_recovery;
struct kdc_cpus;
struct kdc_kvm;
struct kdc_kvm_vcpu;
struct kdc_json;
struct kdc_log_facts;

/* Data addresses an architecture can read out of kernel code. */
struct kdc_code_addrs {
	uint64_t per_cpu_offset; /* &__per_cpu_offset[0] */
	uint64_t runqueues;	 /* link address of the per-CPU runqueues */
};

struct kdc_arch_ops {
	/* the kernel's name for the architecture (VMCOREINFO, uname -m style) */
	const char *name;
	/* ELF e_machine of the dump */
	uint16_t e_machine;
	/* utsname.machine as a kdump-compressed header records it */
	const char *uts_machine;
	/* NT_PRSTATUS descriptor to registers; delegates to parsers/regs_<arch>.c */
	enum kdc_status (*decode_prstatus)(const uint8_t *desc, size_t len,
					   struct kdc_prstatus *out, struct kdc_err *err);
	/* registers to an NT_PRSTATUS descriptor; returns its size, 0 if @len is short */
	size_t (*encode_prstatus)(int32_t pid, const struct kdc_regs *regs, uint8_t *buf,
				  size_t len);
	/* __per_cpu_offset and runqueues, for kernels whose kallsyms has no data symbols */
	enum kdc_status (*code_addrs)(struct kdc_dump *dump, const struct kdc_symbols *syms,
				      struct kdc_code_addrs *out, struct kdc_err *err);
	/* the link address of static per-CPU variable @name, read out of a
	 * function known to use it, for kernels whose BTF has no per-CPU
	 * DATASEC and whose symbols have no data (Debian's 5.10); @near is
	 * runqueues' address, which any answer must lie close to; @reject
	 * (may be NULL) tells variables every function uses (cpu_number) */
	enum kdc_status (*percpu_var_code)(struct kdc_dump *dump, const struct kdc_symbols *syms,
					   const char *name, uint64_t near,
					   bool (*reject)(void *ctx, uint64_t addr), void *ctx,
					   uint64_t *addr, struct kdc_err *err);
	/* THREAD_SIZE when the kernel's types do not say: see arch_<name>.c */
	uint64_t (*thread_size)(uint64_t page_size);
	/* backtrace from @regs through @cpu's stacks; see unwind.h */
	void (*unwind)(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
		       const struct kdc_regs *regs, struct kdc_backtrace *bt);
	/* registers of a CPU without a note, from memory; see recover.h */
	void (*recover)(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
			struct kdc_recovery *out);
	/* the linear-map virtual address of physical @pa, 0 if unknown (ELF p_vaddr) */
	uint64_t (*linear_vaddr)(const struct kdc_dump *dump, uint64_t pa);
	/* its inverse: the physical address of linear-map address @va, 0 if unknown */
	uint64_t (*linear_paddr)(const struct kdc_dump *dump, uint64_t va);
	/* the address of pfn 0's struct page (vmemmap), from VMCOREINFO; KC_NODATA if unknown */
	enum kdc_status (*vmemmap_base)(const struct kdc_dump *dump, uint64_t *out);
	/* the data addresses the code at @pc (@len bytes, as in memory) forms, in code
	 * order (arm64: ADRP + ADD/LDR); callers validate each: see kernel_code_data_refs() */
	size_t (*code_data_refs)(const uint8_t *code, size_t len, uint64_t pc, uint64_t *out,
				 size_t max);
	/* the address of the call a return address @ret comes back from
	 * (arm64: the instruction before it; x86_64 would need the decoder) */
	uint64_t (*call_site)(uint64_t ret);
	/* the stacks of @n besides its task's (IRQ, overflow...), added to @c
	 * with cpus_add_stack() */
	void (*cpu_stacks)(const struct kdc_kernel *k, unsigned int n, struct kdc_cpu *c);
	/* the saved flags of registers recovered for a CPU without a note:
	 * kernel mode as @sample (a noted CPU's, may be NULL) shows it, or the
	 * hypervisor's when @at_el2; @flags (recovery's own) otherwise */
	uint64_t (*recovered_flags)(const struct kdc_regs *sample, bool at_el2, uint64_t flags);
	/* a vCPU's architecture part (kdc_kvm_vcpu.arch_state) in the report:
	 * text in the middle of its line, JSON keys in its object */
	void (*kvm_text)(const struct kdc_kvm_vcpu *kv, FILE *out);
	void (*kvm_json)(const struct kdc_kernel *k, const struct kdc_kvm_vcpu *kv,
			 struct kdc_json *j);
	/* one log line (@len bytes, no newline) of the crashed kernel's, or
	 * the panic message (@is_panic_message: it may span lines), into the
	 * facts only this architecture prints; see panic_info.h */
	void (*log_line)(const char *line, size_t len, bool is_panic_message,
			 struct kdc_log_facts *f);
	/* the names a fault's data address and syndrome go by ("FAR", "ESR")
	 * and their JSON keys ("far", "esr") */
	const char *fault_addr_name, *syndrome_name, *fault_addr_key, *syndrome_key;
	/* how a candidate in the hypervisor reads in the verdict */
	const char *hyp_place;
	/* loaded vCPUs and their saved state; see kvm.h */
	void (*kvm_scan)(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
			 const struct kdc_backtrace *bts, struct kdc_kvm *out);
};

extern const struct kdc_arch_ops arch_arm64;

/** arch_by_e_machine() / arch_by_uts_machine() - the ops, or NULL when unsupported */
const struct kdc_arch_ops *arch_by_e_machine(uint16_t e_machine);
const struct kdc_arch_ops *arch_by_uts_machine(const char *machine);

#endif
