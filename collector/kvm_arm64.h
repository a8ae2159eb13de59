// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef KDC_KVM_ARM64_H
#define KDC_KVM_ARM64_H

#include <stdio.h>

#include "json.h"
#include "kvm.h"

/* struct kdc_kvm_vcpu.arch_state on arm64 */
struct kvm_arm64_state {
	/* guest state saved at the last exit (vcpu->arch.ctxt) */
	uint64_t guest_pstate, guest_sp_el0, guest_sp_el1;
	/* why it last exited (vcpu->arch.fault) */
	uint64_t esr_el2, far_el2, hpfar_el2;
	/* host registers __guest_enter saved (kvm_hyp_ctxt): fp/lr of its caller, sp_el0 */
	uint64_t host_fp, host_lr, host_sp_el0;
	bool have_sp_el1;
	bool sysregs_on_cpu; /* VHE: EL1 system registers in memory are stale */
	bool have_host_ctxt;
};

_Static_assert(sizeof(struct kvm_arm64_state) <= sizeof(((struct kdc_kvm_vcpu *)0)->arch_state),
	       "struct kvm_arm64_state outgrew kdc_kvm_vcpu.arch_state");

static inline struct kvm_arm64_state *kvm_arm64_state(struct kdc_kvm_vcpu *kv)
{
	return (struct kvm_arm64_state *)kv->arch_state;
}

static inline const struct kvm_arm64_state *kvm_arm64_cstate(const struct kdc_kvm_vcpu *kv)
{
	return (const struct kvm_arm64_state *)kv->arch_state;
}

/* the arm64 part of a vCPU's report line, and of its JSON object */
void kvm_arm64_text(const struct kdc_kvm_vcpu *kv, FILE *out);
void kvm_arm64_json(const struct kdc_kernel *k, const struct kdc_kvm_vcpu *kv, struct kdc_json *j);

void kvm_scan_arm64(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
		    const struct kdc_backtrace *bts, struct kdc_kvm *out);

#endif
