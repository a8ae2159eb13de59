// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 KVM state, 5.10-6.12 layout (shared/KERNEL-FACTS.md section 5):
 *  - per-CPU kvm_running_vcpu: the vCPU loaded on that CPU (vcpu_load() to
 *    vcpu_put(); loaded is not the same as in the guest);
 *  - vcpu->arch.ctxt.regs: guest x0-x30, sp (SP_EL0), pc (ELR_EL2) and
 *    pstate (SPSR_EL2), saved at every exit; sys_regs[SP_EL1] is stale
 *    while the vCPU is loaded under VHE (SYSREGS_ON_CPU);
 *  - vcpu->arch.fault: ESR_EL2 of every trap, FAR/HPFAR of aborts;
 *  - per-CPU kvm_hyp_ctxt: __guest_enter saves the host's (VHE) or the
 *    hypervisor's (nVHE) x18-x30 and sp_el0 there and, right before the
 *    ERET, points its __hyp_running_vcpu at the vCPU; __guest_exit clears
 *    it after saving the guest's registers (set_loaded_vcpu in
 *    arch/arm64/kvm/hyp/entry.S, 5.10-6.12). Non-NULL: in the guest now.
 *    Under nVHE the copy that counts is the hypervisor's own
 *    (__kvm_nvhe_kvm_hyp_ctxt, reachable with KALLSYMS_ALL);
 *  - inside the world switch, where the guest may have run since the saved
 *    exit (the guest PC reaches vcpu->arch.ctxt only after the entry/exit
 *    loop): a CPU with a register note took an IPI, and interrupts are
 *    masked from before the switch until the exit is saved
 *    (kvm_arch_vcpu_ioctl_run()), so it was outside; under nVHE the
 *    hypervisor's kvm_host_data.host_ctxt.__hyp_running_vcpu is set for
 *    exactly __kvm_vcpu_run() (nvhe/switch.c); else a recovered backtrace
 *    through the switch code. (Under VHE that host_ctxt copy only means
 *    "loaded": set at the first run, 5.10-6.1, or at vcpu_load, 6.12.)
 * Before 5.10 (4.18 upstream and RHEL 8.1's 4.18.0-147; kernel sources
 * only, unit-tested on images built to their layout in tests/unit/test_kvm_arm64.c):
 *  - the loaded vCPU is the arm code's own per-CPU kvm_arm_running_vcpu
 *    (virt/kvm/arm/arm.c) until the generic kvm_running_vcpu replaced it
 *    (virt/kvm/kvm_main.c; Linux kernel commit 7495e22bb165 ("KVM: Move
 *    running VCPU from ARM to common code") (in v5.6); RHEL 8.3's
 *    4.18.0-240 already has it);
 *  - kvm_cpu_context embeds the uapi struct kvm_regs: guest registers at
 *    ctxt.gp_regs.regs.{regs,sp,pc,pstate}, SP_EL1 at ctxt.gp_regs.sp_el1
 *    (asm/kvm_host.h, uapi asm/kvm.h) until Linux kernel commit
 *    e47c2055c68e ("KVM: arm64: Make struct kvm_regs userspace-only") (in
 *    v5.9) gave it ctxt.regs, and "KVM: arm64: Move SP_EL1 to the system
 *    register array" (same series, v5.9) put SP_EL1 in sys_regs[];
 *  - vcpu->arch.sysregs_loaded_on_cpu (bool, 4.17-5.x) is what 6.1 keeps
 *    as SYSREGS_ON_CPU in arch.sflags;
 *  - __guest_enter(vcpu, host_ctxt) saves the host's x19-x30 into the
 *    per-CPU kvm_host_cpu_state (4.18; vcpu->arch.host_cpu_context points
 *    at it) or kvm_host_data.host_ctxt (5.1-5.9), and its sp_el0 in C
 *    (__sysreg_save_common_state); their __hyp_running_vcpu is set when a
 *    run starts and never cleared, so it says "has run here", not "in the
 *    guest now": on these kernels in-guest is left unknown;
 *  - the switch functions are kvm_vcpu_run_vhe and __kvm_vcpu_run_nvhe
 *    (arch/arm64/kvm/hyp/switch.c).
 * Each field below is resolved once from BTF, newest name first.
 */
#include "kvm_arm64.h"

#include <stdio.h>
#include <string.h>

#include "kvm_nvhe_arm64.h"
#include "mem.h"
#include "report.h"

struct kvm_layout {
	const char *running_var; /* per-CPU struct kvm_vcpu * of the loaded vCPU */
	uint64_t vcpu_id, kvm, pc, pstate, sp, sys_regs, sp_el1, esr, esr_size, far, hpfar;
	uint64_t ctxt_regs, ctxt_sp, hyp_running, host_running, sflags, sysregs_loaded;
	int64_t sp_el1_index, sysregs_on_cpu_bit;
	/* the per-CPU copy of the host registers __guest_enter saved, and
	 * where in it the kvm_cpu_context starts */
	const char *host_ctxt_var;
	uint64_t host_ctxt_off;
	bool have_sp_el1_index, have_sp_el1_reg, have_sflags, have_sysregs_loaded;
	bool have_hyp, have_hyp_running, have_running;
};

/* the per-CPU variable holding the loaded vCPU, or NULL: a kernel without KVM */
static const char *running_vcpu_var(const struct kdc_kernel *k)
{
	static const char *const names[] = { "kvm_running_vcpu", "kvm_arm_running_vcpu" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!kernel_percpu_var(k, names[i], &(uint64_t){ 0 }, NULL, NULL))
			return names[i];
	return NULL;
}

static void host_ctxt_layout(const struct kdc_kernel *k, struct kvm_layout *l)
{
	const struct kdc_ktypes *t = &k->types;

	l->have_hyp =
		!ktypes_member_any(t, "kvm_cpu_context",
				   KTYPES_PATHS("regs.regs", "gp_regs.regs.regs"), &l->ctxt_regs,
				   NULL, NULL) &&
		!ktypes_member_any(t, "kvm_cpu_context", KTYPES_PATHS("regs.sp", "gp_regs.regs.sp"),
				   &l->ctxt_sp, NULL, NULL);
	l->host_ctxt_off = 0;
	/* per-CPU kvm_host_cpu_state became kvm_host_data.host_ctxt with "arm64:
	 * KVM: Encapsulate kvm_cpu_context in kvm_host_data" (in v5.2; its
	 * commit ID is not in the sources this was checked against) */
	if (!kernel_percpu_var(k, "kvm_hyp_ctxt", &(uint64_t){ 0 }, NULL, NULL))
		l->host_ctxt_var = "kvm_hyp_ctxt"; /* 5.10+ */
	else if (!kernel_percpu_var(k, "kvm_host_data", &(uint64_t){ 0 }, NULL, NULL) &&
		 !ktypes_member(t, "kvm_host_data", "host_ctxt", &l->host_ctxt_off, NULL, NULL))
		l->host_ctxt_var = "kvm_host_data"; /* 5.2-5.9 (note above) */
	else if (!kernel_percpu_var(k, "kvm_host_cpu_state", &(uint64_t){ 0 }, NULL, NULL))
		l->host_ctxt_var = "kvm_host_cpu_state"; /* 4.18-5.1 */
	else
		l->have_hyp = false;
}

/* the guest's registers: ctxt.gp_regs.regs before, ctxt.regs since (header above) */
#define GP_REGS_HISTORY                                                                            \
	"Linux kernel commit e47c2055c68e (\"KVM: arm64: Make struct kvm_regs userspace-only\") "  \
	"(in v5.9)"
#define VCPU(off, history, ...)                                                                    \
	KTYPES_REQUIRED(struct kvm_layout, off, "kvm_vcpu", history, __VA_ARGS__)
static const struct ktypes_field vcpu_fields[] = {
	VCPU(vcpu_id, NULL, "vcpu_id"),
	VCPU(kvm, NULL, "kvm"),
	VCPU(pc, GP_REGS_HISTORY, "arch.ctxt.regs.pc", "arch.ctxt.gp_regs.regs.pc"),
	VCPU(pstate, GP_REGS_HISTORY, "arch.ctxt.regs.pstate", "arch.ctxt.gp_regs.regs.pstate"),
	VCPU(sp, GP_REGS_HISTORY, "arch.ctxt.regs.sp", "arch.ctxt.gp_regs.regs.sp"),
	KTYPES_REQUIRED_SIZED(struct kvm_layout, esr, esr_size, "kvm_vcpu", NULL,
			      "arch.fault.esr_el2"),
	VCPU(far, NULL, "arch.fault.far_el2"),
	VCPU(hpfar, NULL, "arch.fault.hpfar_el2"),
};
#undef VCPU

static enum kdc_status read_layout(const struct kdc_kernel *k, struct kvm_layout *l,
				   struct kdc_err *err)
{
	const struct kdc_ktypes *t = &k->types;
	enum kdc_status st;

	if ((st = ktypes_resolve(vcpu_fields, sizeof(vcpu_fields) / sizeof(vcpu_fields[0]), t, l,
				 err)))
		return st;
	/* SP_EL1: a sys_regs[] entry from 5.9, a kvm_regs field before (above) */
	l->have_sp_el1_index =
		!ktypes_member(t, "kvm_vcpu", "arch.ctxt.sys_regs", &l->sys_regs, NULL, NULL) &&
		!ktypes_enum_value(t, "vcpu_sysreg", "SP_EL1", &l->sp_el1_index, NULL) &&
		l->sp_el1_index >= 0 && l->sp_el1_index < 4096;
	l->have_sp_el1_reg =
		!l->have_sp_el1_index &&
		!ktypes_member(t, "kvm_vcpu", "arch.ctxt.gp_regs.sp_el1", &l->sp_el1, NULL, NULL);
	/* 6.1+: SYSREGS_ON_CPU is bit 4 of vcpu->arch.sflags (a #define, not in BTF) */
	l->have_sflags = !ktypes_member(t, "kvm_vcpu", "arch.sflags", &l->sflags, NULL, NULL);
	l->sysregs_on_cpu_bit = 4;
	l->have_sysregs_loaded =
		!l->have_sflags && !ktypes_member(t, "kvm_vcpu", "arch.sysregs_loaded_on_cpu",
						  &l->sysregs_loaded, NULL, NULL);
	host_ctxt_layout(k, l);
	/* kvm_hyp_ctxt's copy is cleared at every exit (5.10+): in the guest now */
	l->have_hyp_running = !ktypes_member(t, "kvm_cpu_context", "__hyp_running_vcpu",
					     &l->hyp_running, NULL, NULL);
	l->have_running = !ktypes_member(t, "kvm_host_data", "host_ctxt.__hyp_running_vcpu",
					 &l->host_running, NULL, NULL);
	return KC_OK;
}

/* Fails when the vCPU's guest PC cannot be read: a pointer to nowhere is no vCPU to list. */
static enum kdc_status read_vcpu(const struct kdc_kernel *k, const struct kvm_layout *l, uint64_t v,
				 struct kdc_kvm_vcpu *out, struct kdc_err *err)
{
	struct kvm_arm64_state *st = kvm_arm64_state(out);
	uint32_t id = 0, esr32 = 0;
	uint8_t sflags = 0;
	enum kdc_status rs;

	out->vcpu = v;
	if ((rs = kernel_read_u64(k, v + l->pc, &out->guest_pc, err)))
		return rs;
	kernel_read_u64(k, v + l->kvm, &out->vm, NULL);
	kernel_read_u32(k, v + l->vcpu_id, &id, NULL);
	out->vcpu_id = (int32_t)id;
	kernel_read_u64(k, v + l->pstate, &st->guest_pstate, NULL);
	kernel_read_u64(k, v + l->sp, &st->guest_sp_el0, NULL);
	if (l->esr_size == 4) {
		kernel_read_u32(k, v + l->esr, &esr32, NULL);
		st->esr_el2 = esr32;
	} else {
		kernel_read_u64(k, v + l->esr, &st->esr_el2, NULL);
	}
	kernel_read_u64(k, v + l->far, &st->far_el2, NULL);
	kernel_read_u64(k, v + l->hpfar, &st->hpfar_el2, NULL);
	if (l->have_sp_el1_index)
		st->have_sp_el1 =
			!kernel_read_u64(k, v + l->sys_regs + 8 * (uint64_t)l->sp_el1_index,
					 &st->guest_sp_el1, NULL);
	else if (l->have_sp_el1_reg)
		st->have_sp_el1 = !kernel_read_u64(k, v + l->sp_el1, &st->guest_sp_el1, NULL);
	if (l->have_sflags && !mem_read(k->mem, v + l->sflags, &sflags, 1, NULL))
		st->sysregs_on_cpu = (sflags >> l->sysregs_on_cpu_bit) & 1;
	else if (l->have_sysregs_loaded &&
		 !mem_read(k->mem, v + l->sysregs_loaded, &sflags, 1, NULL))
		st->sysregs_on_cpu = sflags != 0;
	snprintf(out->exit_brief, sizeof(out->exit_brief), "ESR_EL2 0x%llx",
		 (unsigned long long)st->esr_el2);
	return KC_OK;
}

/* The world switch's own functions, VHE and nVHE (the hyp text's kernel-image names) */
static bool in_switch_code(const char *fn)
{
	static const char *const names[] = {
		"__kvm_vcpu_run_vhe",
		"__kvm_vcpu_run",
		"__guest_enter",
		"__guest_exit",
		"__kvm_nvhe___kvm_vcpu_run",
		"__kvm_nvhe___guest_enter",
		"__kvm_nvhe___guest_exit",
		"__kvm_nvhe_handle___kvm_vcpu_run",
		"kvm_vcpu_run_vhe",
		"__kvm_vcpu_run_nvhe", /* 4.18 */
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(fn, names[i]))
			return true;
	return false;
}

/* nVHE (the hyp stack pages are allocated only then, init_hyp_mode()) */
static bool nvhe_mode(const struct kdc_kernel *k, unsigned int cpu)
{
	uint64_t slot, page = 0;

	return nvhe_hyp_stack_slot(k, cpu, &slot) && !kernel_read_u64(k, slot, &page, NULL) && page;
}

/* kvm_hyp_ctxt.__hyp_running_vcpu, the copy the world switch of this mode uses */
static void in_guest(const struct kdc_kernel *k, const struct kvm_layout *l, unsigned int cpu,
		     bool nvhe, struct kdc_kvm_vcpu *kv)
{
	uint64_t at, running;

	if (!l->have_hyp_running || !l->host_ctxt_var || strcmp(l->host_ctxt_var, "kvm_hyp_ctxt"))
		return;
	if (nvhe ? !nvhe_percpu_addr(k, cpu, "__kvm_nvhe_kvm_hyp_ctxt", &at)
		 : !!kernel_percpu_addr(k, "kvm_hyp_ctxt", cpu, &at, NULL))
		return;
	if (kernel_read_u64(k, at + l->hyp_running, &running, NULL) ||
	    (running && running != kv->vcpu && !(nvhe && nvhe_hyp_va_of(k, running, kv->vcpu))))
		return;
	kv->have_in_guest = true;
	kv->in_guest = running != 0;
}

/* Host code that runs only after the switch returned (kvm_arch_vcpu_ioctl_run()) */
static bool in_exit_handling(const char *fn)
{
	static const char *const names[] = { "handle_exit", "handle_exit_early",
					     "handle_trap_exceptions", "kvm_handle_guest_abort" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(fn, names[i]))
			return true;
	return false;
}

static void world_switch(const struct kdc_kernel *k, const struct kvm_layout *l,
			 const struct kdc_cpu *c, const struct kdc_backtrace *bt, bool nvhe,
			 struct kdc_kvm_vcpu *kv)
{
	uint64_t at, running;

	if (kv->have_in_guest && kv->in_guest) {
		kv->have_world_switch = kv->in_world_switch = true;
		snprintf(kv->world_switch_why, sizeof(kv->world_switch_why),
			 "in the guest: "
			 "kvm_hyp_ctxt.__hyp_running_vcpu names this vCPU");
		return;
	}

	if (c->regs_source == KDC_REGS_NOTE) {
		kv->have_world_switch = true;
		snprintf(kv->world_switch_why, sizeof(kv->world_switch_why),
			 "it took the crash-stop "
			 "IPI, and interrupts stay masked through the world switch");
		return;
	}
	if (nvhe && l->have_running &&
	    nvhe_percpu_addr(k, c->cpu, "__kvm_nvhe_kvm_host_data", &at) &&
	    !kernel_read_u64(k, at + l->host_running, &running, NULL) &&
	    (!running || nvhe_hyp_va_of(k, running, kv->vcpu))) {
		/* handle___kvm_vcpu_run() passes kern_hyp_va(vcpu) */
		kv->have_world_switch = true;
		kv->in_world_switch = running != 0;
		snprintf(kv->world_switch_why, sizeof(kv->world_switch_why),
			 "the nVHE hypervisor's "
			 "host context %s (__hyp_running_vcpu)",
			 kv->in_world_switch ? "names this vCPU" : "names no vCPU running");
		return;
	}
	for (unsigned int f = 0; bt && f < bt->nr; f++) {
		struct kdc_symbol_hit hit;

		if (frame_symbol(k, &bt->frame[f], &hit) || !hit.name)
			continue;
		if (in_switch_code(hit.name) || in_exit_handling(hit.name)) {
			kv->have_world_switch = true;
			kv->in_world_switch = in_switch_code(hit.name);
			snprintf(kv->world_switch_why, sizeof(kv->world_switch_why),
				 "its recovered "
				 "backtrace runs through %s%s",
				 hit.name,
				 kv->in_world_switch
					 ? ""
					 : ", which handles an exit after the switch returned");
			return;
		}
	}
}

void kvm_scan_arm64(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
		    const struct kdc_backtrace *bts, struct kdc_kvm *out)
{
	struct kvm_layout l = { 0 };

	if (!cpus->nr)
		return;
	/* a kernel without KVM has no running-vCPU variable: nothing to report */
	if (!(l.running_var = running_vcpu_var(k)))
		return;
	if (read_layout(k, &l, &out->err)) {
		kdc_err_prefix(&out->err, out->err.code, "kvm layout");
		return;
	}
	for (unsigned int i = 0; i < cpus->nr; i++) {
		const struct kdc_cpu *c = &cpus->cpu[i];
		struct kdc_kvm_vcpu *kv;
		uint64_t slot, vcpu = 0, hyp;
		struct kdc_err why = { 0 };
		bool nvhe;

		if (out->nr == KDC_KVM_MAX) {
			out->not_examined = cpus->nr - i;
			break;
		}
		kv = &out->vcpu[out->nr];
		if (kernel_percpu_addr(k, l.running_var, i, &slot, NULL) ||
		    kernel_read_u64(k, slot, &vcpu, NULL) || !vcpu)
			continue;
		memset(kv, 0, sizeof(*kv));
		kv->cpu = i;
		if (c->have_task) {
			kv->pid = c->task.pid;
			memcpy(kv->comm, c->task.comm, sizeof(kv->comm));
		}
		if (read_vcpu(k, &l, vcpu, kv, &why)) {
			/* the first such CPU is named; the others are alike */
			if (!out->err.code)
				kdc_fail(&out->err, why.code, "cpu %u: %s 0x%llx: %s", i,
					 l.running_var, (unsigned long long)vcpu, why.msg);
			continue;
		}
		nvhe = nvhe_mode(k, i);
		in_guest(k, &l, i, nvhe, kv);
		world_switch(k, &l, c, bts ? &bts[i] : NULL, nvhe, kv);
		/* under nVHE the host's copy is unused */
		if (!nvhe && l.have_hyp && !kernel_percpu_addr(k, l.host_ctxt_var, i, &hyp, NULL)) {
			struct kvm_arm64_state *as = kvm_arm64_state(kv);

			hyp += l.host_ctxt_off;
			as->have_host_ctxt =
				!kernel_read_u64(k, hyp + l.ctxt_regs + 8 * 29 /* x29 */,
						 &as->host_fp, NULL) &&
				!kernel_read_u64(k, hyp + l.ctxt_regs + 8 * 30 /* lr */,
						 &as->host_lr, NULL) &&
				!kernel_read_u64(k, hyp + l.ctxt_sp, &as->host_sp_el0, NULL);
		}
		out->nr++;
	}
}

void kvm_arm64_text(const struct kdc_kvm_vcpu *kv, FILE *out)
{
	const struct kvm_arm64_state *st = kvm_arm64_cstate(kv);

	fprintf(out, " PSTATE 0x%llx, exit ESR_EL2 0x%llx FAR_EL2 0x%llx HPFAR_EL2 0x%llx",
		(unsigned long long)st->guest_pstate, (unsigned long long)st->esr_el2,
		(unsigned long long)st->far_el2, (unsigned long long)st->hpfar_el2);
}

void kvm_arm64_json(const struct kdc_kernel *k, const struct kdc_kvm_vcpu *kv, struct kdc_json *j)
{
	const struct kvm_arm64_state *st = kvm_arm64_cstate(kv);

	json_key(j, "guest_pstate");
	json_hex(j, st->guest_pstate);
	json_key(j, "guest_sp_el0");
	json_hex(j, st->guest_sp_el0);
	json_key(j, "guest_sp_el1");
	if (st->have_sp_el1)
		json_hex(j, st->guest_sp_el1);
	else
		json_null(j);
	json_key(j, "guest_sysregs_stale");
	json_bool(j, st->sysregs_on_cpu);
	json_key(j, "esr_el2");
	json_hex(j, st->esr_el2);
	json_key(j, "far_el2");
	json_hex(j, st->far_el2);
	json_key(j, "hpfar_el2");
	json_hex(j, st->hpfar_el2);
	json_key(j, "host_context");
	if (!st->have_host_ctxt) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "fp");
	json_hex(j, st->host_fp);
	json_key(j, "lr");
	json_hex(j, st->host_lr);
	json_key(j, "sp_el0");
	json_hex(j, st->host_sp_el0);
	report_json_symbol(j, "lr_symbol", k, symbols_strip_pac(&k->syms, st->host_lr));
	json_object_end(j);
}
