// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM state of each CPU that had a vCPU loaded when the machine died:
 * which VM and vCPU, the guest registers saved at its last exit, why it
 * exited (the architecture's exit syndrome), whether the CPU was inside the world switch (then
 * the guest may have run since that exit, and the saved registers are the
 * previous exit's), and the host registers saved when it entered the guest.
 * Read by architecture code (kvm_<arch>.c) with layouts from BTF.
 */
#ifndef KDC_KVM_H
#define KDC_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "cpus.h"
#include "kernel.h"
#include "unwind.h"

#define KDC_KVM_ARCH_WORDS 16

struct kdc_kvm_vcpu {
	unsigned int cpu;
	uint64_t vcpu; /* struct kvm_vcpu * */
	uint64_t vm;   /* struct kvm * */
	int32_t vcpu_id;
	int32_t pid; /* the host thread running it (the CPU's current task) */
	char comm[17];
	uint64_t guest_pc; /* saved at the last exit */
	/* the last exit's cause in the architecture's own words (kvm_<arch>.c) */
	char exit_brief[48];
	/* in the guest at the dump (arm64: kvm_hyp_ctxt.__hyp_running_vcpu) */
	bool in_guest;
	bool have_in_guest;
	/* inside the world switch (in the guest, or the hypervisor around it) */
	bool have_world_switch; /* known either way */
	bool in_world_switch;
	char world_switch_why[160]; /* the evidence, either way */
	/* the architecture's own part (saved guest registers, exit syndrome,
	 * host context): written and read only by kvm_<arch>.c through its
	 * accessor, and shown by the arch's writers (kdc_arch_ops.kvm_text/json) */
	uint64_t arch_state[KDC_KVM_ARCH_WORDS];
};

#define KDC_KVM_MAX 256 /* loaded vCPUs listed; past it, counted in not_examined */

struct kdc_kvm {
	unsigned int nr;
	struct kdc_kvm_vcpu vcpu[KDC_KVM_MAX];
	unsigned int not_examined; /* CPUs left unread once vcpu[] was full */
	struct kdc_err err;	   /* set when KVM state could not be read */
};

/** kvm_scan() - every CPU's loaded vCPU, if any; @bts: every CPU's backtrace (or NULL) */
void kvm_scan(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
	      const struct kdc_backtrace *bts, struct kdc_kvm *out);

#endif
