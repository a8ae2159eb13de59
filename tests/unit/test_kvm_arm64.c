// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 KVM reader (kvm_scan_arm64) on synthetic memory images with
 * types laid out as each kernel line has them:
 *  - 6.1 (the fixtures' kernel: kvm_running_vcpu, ctxt.regs, sys_regs[SP_EL1],
 *    u64 ESR, sflags bit 4, kvm_hyp_ctxt cleared at every exit);
 *  - 5.10 (u32 ESR, bool sysregs_loaded_on_cpu);
 *  - 5.1-5.9 / RHEL 8.3 (kvm_running_vcpu, ctxt.gp_regs, host registers in
 *    kvm_host_data.host_ctxt);
 *  - 4.18 / RHEL 8.1 (kvm_arm_running_vcpu, ctxt.gp_regs with sp_el1,
 *    host registers in kvm_host_cpu_state), which no fixture can show;
 *  - 6.14's kvm_arm_hyp_stack_base (6.1-6.13: kvm_arm_hyp_stack_page).
 * Offsets follow the kernel sources (shared/KERNEL-FACTS.md section 5); the
 * reader takes every offset from the types, so what is proven here is that
 * it finds each version's members by their names and reads the right words.
 * The real-dump proof for 5.10, 6.1 and 6.12 is tests/fixture-checks (the
 * kvm fixtures' guest PC and ESR_EL2 against the guest's own records).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "btf_builder.h"
#include "kvm_arm64.h"
#include "kvm_nvhe_arm64.h"
#include "mem_image.h"
#include "test_symbols.h"

#define PCPU 0xffff800011a00000ull /* __per_cpu_start; CPU n's copy at + n * PCPU_STRIDE */
#define PCPU_STRIDE 0x10000ull
#define PCPU_SIZE 0x3000u
#define VCPU 0xffff000012340000ull /* the struct kvm_vcpu of CPU 1 */
#define VM 0xffff000012300000ull
#define VAR_RUNNING 0x100u /* per-CPU offsets of the variables */
#define VAR_HOST 0x1000u
#define VAR_HYP_STACK 0x180u

#define ARCH 256u /* kvm_vcpu.arch */
#define GUEST_PC 0x10000abcull
#define GUEST_PSTATE 0x3c5ull
#define GUEST_SP_EL0 0x4000f000ull
#define GUEST_SP_EL1 0xffff80000800f000ull
#define ESR 0x93c38045ull
#define FAR_ 0x9000000ull
#define HPFAR 0x90000ull
#define HOST_FP 0xffff80000a00be70ull
#define HOST_LR 0xffff800008123456ull
#define HOST_SP_EL0 0xffff000003a0c000ull

/* L614: 6.1's types with the hyp stack pointer under its 6.14 name */
enum line { L61, L510, L51, L418, L614 };

struct world {
	struct mem_image mem;
	struct kdc_dump dump;
	struct kdc_kernel k;
	struct kdc_cpu cpu[2];
	struct kdc_cpus cpus;
	struct kdc_kvm kvm;
	/* where this line keeps things (computed with the types) */
	uint32_t regs, sp_el1, esr, flag, host_regs, host_running, fault_size_esr;
};

/* Types and per-CPU variables of @line; fills the offsets the test writes to. */
static struct btf *types_for(enum line line, struct world *w)
{
	struct btf *btf = btf__new_empty();
	int u64 = bb_check(btf__add_int(btf, "long long unsigned int", 8, 0));
	int u32 = bb_check(btf__add_int(btf, "unsigned int", 4, 0));
	int i32 = bb_check(btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	int u8 = bb_check(btf__add_int(btf, "unsigned char", 1, 0));
	int boolean = bb_check(btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL));
	int vcpu_fwd = bb_check(btf__add_fwd(btf, "kvm_vcpu", BTF_FWD_STRUCT));
	int vcpu_ptr = bb_check(btf__add_ptr(btf, vcpu_fwd));
	int void_ptr = bb_check(btf__add_ptr(btf, 0));
	bool old = line == L51 || line == L418;
	/* uapi struct user_pt_regs, every version */
	int upt = bb_struct(btf, "user_pt_regs", 272,
			    (struct bb_field[]){ { "regs", bb_array(btf, u64, 31), 0 },
						 { "sp", u64, 248 },
						 { "pc", u64, 256 },
						 { "pstate", u64, 264 } },
			    4);
	int ctxt, fault, arch, nr_sys = line == L418 ? 101 : line == L51 ? 110 : 123;
	uint32_t sys_at, ctxt_size;

	assert_non_null(btf);
	if (old) {
		/* struct kvm_regs { user_pt_regs regs; sp_el1; elr_el1; spsr[5]; fp_regs } */
		int kregs = bb_struct(btf, "kvm_regs", 864,
				      (struct bb_field[]){ { "regs", upt, 0 },
							   { "sp_el1", u64, 272 },
							   { "elr_el1", u64, 280 } },
				      3);
		int sysu;

		sys_at = 864;
		sysu = bb_union(btf, "", 8 * (uint32_t)nr_sys,
				(struct bb_field[]){
					{ "sys_regs", bb_array(btf, u64, (uint32_t)nr_sys), 0 },
					{ "copro", bb_array(btf, u32, 2 * (uint32_t)nr_sys), 0 } },
				2);
		ctxt_size = sys_at + 8 * (uint32_t)nr_sys + 8;
		ctxt = bb_struct(
			btf, "kvm_cpu_context", ctxt_size,
			(struct bb_field[]){ { "gp_regs", kregs, 0 },
					     { "", sysu, sys_at },
					     { "__hyp_running_vcpu", vcpu_ptr, ctxt_size - 8 } },
			3);
		w->sp_el1 = 272;
	} else {
		sys_at = 832;
		ctxt_size = sys_at + 8 * (uint32_t)nr_sys + 8;
		ctxt = bb_struct(
			btf, "kvm_cpu_context", ctxt_size,
			(struct bb_field[]){
				{ "regs", upt, 0 },
				{ "sys_regs", bb_array(btf, u64, (uint32_t)nr_sys), sys_at },
				{ "__hyp_running_vcpu", vcpu_ptr, ctxt_size - 8 } },
			3);
		/* enum vcpu_sysreg's SP_EL1 (108 in 5.10 and 6.1) */
		bb_check(btf__add_enum(btf, "vcpu_sysreg", 4));
		bb_check(btf__add_enum_value(btf, "MPIDR_EL1", 1));
		bb_check(btf__add_enum_value(btf, "SP_EL1", 108));
		w->sp_el1 = sys_at + 8 * 108;
	}
	w->regs = 0;
	w->host_regs = 0;
	w->host_running = ctxt_size - 8;
	/* struct kvm_vcpu_fault_info: esr_el2 u32 before 6.1, u64 from it */
	fault = bb_struct(
		btf, "kvm_vcpu_fault_info", 32,
		(struct bb_field[]){ { "esr_el2", (line == L61 || line == L614) ? u64 : u32, 0 },
				     { "far_el2", u64, 8 },
				     { "hpfar_el2", u64, 16 },
				     { "disr_el1", u64, 24 } },
		4);
	w->esr = ctxt_size + 16; /* arch.fault, after hcr_el2 and mdcr_el2 */
	w->fault_size_esr = (line == L61 || line == L614) ? 8 : 4;
	w->flag = ctxt_size + 64;
	if (line == L61 || line == L614)
		arch = bb_struct(btf, "kvm_vcpu_arch", ctxt_size + 128,
				 (struct bb_field[]){ { "ctxt", ctxt, 0 },
						      { "hcr_el2", u64, ctxt_size },
						      { "fault", fault, w->esr },
						      { "sflags", u8, w->flag } },
				 4);
	else if (line == L418)
		arch = bb_struct(
			btf, "kvm_vcpu_arch", ctxt_size + 128,
			(struct bb_field[]){ { "ctxt", ctxt, 0 },
					     { "hcr_el2", u64, ctxt_size },
					     { "fault", fault, w->esr },
					     { "host_cpu_context", void_ptr, ctxt_size + 56 },
					     { "sysregs_loaded_on_cpu", boolean, w->flag } },
			5);
	else
		arch = bb_struct(
			btf, "kvm_vcpu_arch", ctxt_size + 128,
			(struct bb_field[]){ { "ctxt", ctxt, 0 },
					     { "hcr_el2", u64, ctxt_size },
					     { "fault", fault, w->esr },
					     { "sysregs_loaded_on_cpu", boolean, w->flag } },
			4);
	bb_struct(btf, "kvm_vcpu", ARCH + ctxt_size + 128,
		  (struct bb_field[]){ { "kvm", void_ptr, 0 },
				       { "cpu", i32, 32 },
				       { "vcpu_id", i32, 36 },
				       { "arch", arch, ARCH } },
		  4);

	/* the per-CPU variables */
	if (line == L61 || line == L510 || line == L614) {
		int host_data = bb_struct(btf, "kvm_host_data", ctxt_size,
					  (struct bb_field[]){ { "host_ctxt", ctxt, 0 } }, 1);

		bb_percpu(btf,
			  (struct bb_percpu_var[]){
				  { "kvm_running_vcpu", vcpu_ptr, VAR_RUNNING, 8 },
				  { "kvm_hyp_ctxt", ctxt, VAR_HOST, ctxt_size },
				  { "kvm_host_data", host_data, VAR_HOST + 0x800, ctxt_size },
				  { line == L614 ? "kvm_arm_hyp_stack_base"
						 : "kvm_arm_hyp_stack_page",
				    u64, VAR_HYP_STACK, 8 } },
			  line == L510 ? 3 : 4, PCPU_SIZE);
	} else if (line == L51) {
		/* kvm_host_data { host_ctxt; pmu_events } */
		int host_data = bb_struct(btf, "kvm_host_data", ctxt_size + 8,
					  (struct bb_field[]){ { "host_ctxt", ctxt, 0 },
							       { "pmu_events", u64, ctxt_size } },
					  2);

		bb_percpu(btf,
			  (struct bb_percpu_var[]){
				  { "kvm_running_vcpu", vcpu_ptr, VAR_RUNNING, 8 },
				  { "kvm_host_data", host_data, VAR_HOST, ctxt_size + 8 } },
			  2, PCPU_SIZE);
	} else {
		int state = bb_check(btf__add_typedef(btf, "kvm_cpu_context_t", ctxt));

		bb_percpu(btf,
			  (struct bb_percpu_var[]){
				  { "kvm_arm_running_vcpu", vcpu_ptr, VAR_RUNNING, 8 },
				  { "kvm_host_cpu_state", state, VAR_HOST, ctxt_size } },
			  2, PCPU_SIZE);
	}
	return btf;
}

/* Two CPUs: CPU 0 has no vCPU loaded, CPU 1 runs VCPU (vcpu_id 3). */
static void world_init(struct world *w, enum line line)
{
	memset(w, 0, sizeof(*w));
	w->k.types.btf = types_for(line, w);
	w->k.types.source = "btf (test)";
	w->k.percpu_vars_from_btf = true;
	w->k.per_cpu_start = PCPU;
	w->k.nr_cpus = 2;
	w->k.cpu_offset[1] = PCPU_STRIDE;
	w->k.dump = &w->dump;
	w->k.mem = &w->dump.mem;
	mem_image_add(&w->mem, PCPU, PCPU_SIZE);
	mem_image_add(&w->mem, PCPU + PCPU_STRIDE, PCPU_SIZE);
	mem_image_add(&w->mem, VCPU, 0x4000);
	mem_image_install(&w->mem, &w->dump);
	for (unsigned int i = 0; i < 2; i++) {
		w->cpu[i].cpu = i;
		w->cpu[i].online = true;
		w->cpu[i].have_task = true;
		w->cpu[i].task.pid = (int32_t)(100 + i);
		w->cpu[i].regs_source = KDC_REGS_NONE;
	}
	memcpy(w->cpu[1].task.comm, "qemu-system-aar", 16);
	w->cpus.nr = 2;
	w->cpus.cpu = w->cpu;

	/* CPU 1's vCPU, its guest registers saved at the last exit */
	mem_image_put64(&w->mem, PCPU + PCPU_STRIDE + VAR_RUNNING, VCPU);
	mem_image_put64(&w->mem, VCPU + 0, VM);
	mem_image_put32(&w->mem, VCPU + 36, 3);
	mem_image_put64(&w->mem, VCPU + ARCH + w->regs + 248, GUEST_SP_EL0);
	mem_image_put64(&w->mem, VCPU + ARCH + w->regs + 256, GUEST_PC);
	mem_image_put64(&w->mem, VCPU + ARCH + w->regs + 264, GUEST_PSTATE);
	mem_image_put64(&w->mem, VCPU + ARCH + w->sp_el1, GUEST_SP_EL1);
	/* a u32 ESR_EL2 has padding after it: garbage there must not leak in */
	mem_image_put64(&w->mem, VCPU + ARCH + w->esr,
			w->fault_size_esr == 4 ? 0xdead000000000000ull | ESR : ESR);
	mem_image_put64(&w->mem, VCPU + ARCH + w->esr + 8, FAR_);
	mem_image_put64(&w->mem, VCPU + ARCH + w->esr + 16, HPFAR);
	/* the EL1 system registers live in the CPU (VHE vcpu_load):
	 * 6.1's SYSREGS_ON_CPU is bit 4 of sflags, bit 0 is another flag */
	mem_image_put(&w->mem, VCPU + ARCH + w->flag, (line == L61 || line == L614) ? 0x11 : 1, 1);
	/* the host registers __guest_enter saved on CPU 1 */
	{
		uint64_t host = PCPU + PCPU_STRIDE + VAR_HOST + w->host_regs;

		mem_image_put64(&w->mem, host + 8 * 29, HOST_FP);
		mem_image_put64(&w->mem, host + 8 * 30, HOST_LR);
		mem_image_put64(&w->mem, host + 248, HOST_SP_EL0);
	}
}

static void world_fini(struct world *w)
{
	btf__free(w->k.types.btf);
	mem_image_fini(&w->mem);
}

/* what every line must give for CPU 1's vCPU */
static void assert_vcpu(const struct world *w)
{
	const struct kdc_kvm_vcpu *kv;
	const struct kvm_arm64_state *st;

	assert_int_equal(w->kvm.err.code, KC_OK);
	assert_int_equal(w->kvm.nr, 1);
	kv = &w->kvm.vcpu[0];
	st = kvm_arm64_cstate(kv);
	assert_int_equal(kv->cpu, 1);
	assert_int_equal(kv->vcpu, VCPU);
	assert_int_equal(kv->vm, VM);
	assert_int_equal(kv->vcpu_id, 3);
	assert_int_equal(kv->pid, 101);
	assert_string_equal(kv->comm, "qemu-system-aar");
	assert_int_equal(kv->guest_pc, GUEST_PC);
	assert_int_equal(st->guest_pstate, GUEST_PSTATE);
	assert_int_equal(st->guest_sp_el0, GUEST_SP_EL0);
	assert_true(st->have_sp_el1);
	assert_int_equal(st->guest_sp_el1, GUEST_SP_EL1);
	assert_int_equal(st->esr_el2, ESR);
	assert_int_equal(st->far_el2, FAR_);
	assert_int_equal(st->hpfar_el2, HPFAR);
	assert_true(st->sysregs_on_cpu);
	assert_true(st->have_host_ctxt);
	assert_int_equal(st->host_fp, HOST_FP);
	assert_int_equal(st->host_lr, HOST_LR);
	assert_int_equal(st->host_sp_el0, HOST_SP_EL0);
	assert_string_equal(kv->exit_brief, "ESR_EL2 0x93c38045");
}

static void test_61_in_guest(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L61);
	/* set_loaded_vcpu in __guest_enter: CPU 1 is running guest code */
	mem_image_put64(&w->mem, PCPU + PCPU_STRIDE + VAR_HOST + w->host_running, VCPU);
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_vcpu(w);
	assert_true(w->kvm.vcpu[0].have_in_guest);
	assert_true(w->kvm.vcpu[0].in_guest);
	assert_true(w->kvm.vcpu[0].have_world_switch);
	assert_true(w->kvm.vcpu[0].in_world_switch);
	world_fini(w);
	free(w);
}

static void test_61_sflags_other_bit(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L61);
	/* another flag without SYSREGS_ON_CPU: the memory copy is current */
	mem_image_put(&w->mem, VCPU + ARCH + w->flag, 0x01, 1);
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_int_equal(w->kvm.nr, 1);
	assert_false(kvm_arm64_cstate(&w->kvm.vcpu[0])->sysregs_on_cpu);
	world_fini(w);
	free(w);
}

static void test_510_outside_guest(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L510);
	/* __guest_exit cleared kvm_hyp_ctxt.__hyp_running_vcpu: out of the guest */
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_vcpu(w);
	assert_true(w->kvm.vcpu[0].have_in_guest);
	assert_false(w->kvm.vcpu[0].in_guest);
	/* no note, no backtrace: where in the switch stays unknown */
	assert_false(w->kvm.vcpu[0].have_world_switch);
	world_fini(w);
	free(w);
}

static void test_51_host_data(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L51);
	/* set at the start of every run and never cleared: no in-guest signal */
	mem_image_put64(&w->mem, PCPU + PCPU_STRIDE + VAR_HOST + w->host_running, VCPU);
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_vcpu(w);
	assert_false(w->kvm.vcpu[0].have_in_guest);
	world_fini(w);
	free(w);
}

static void test_418_rh81(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L418);
	mem_image_put64(&w->mem, PCPU + PCPU_STRIDE + VAR_HOST + w->host_running, VCPU);
	mem_image_put64(&w->mem, VCPU + ARCH + w->flag - 8, PCPU + PCPU_STRIDE + VAR_HOST);
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_vcpu(w);
	assert_false(w->kvm.vcpu[0].have_in_guest);
	world_fini(w);
	free(w);
}

static void test_418_sysregs_not_loaded(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L418);
	mem_image_put(&w->mem, VCPU + ARCH + w->flag, 0, 1);
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_int_equal(w->kvm.nr, 1);
	assert_false(kvm_arm64_cstate(&w->kvm.vcpu[0])->sysregs_on_cpu);
	world_fini(w);
	free(w);
}

/* the hyp stack pointer is found under the name of each kernel line */
static void hyp_stack_slot_case(enum line line, bool present)
{
	struct world *w = calloc(1, sizeof(*w));
	uint64_t slot = 0;

	world_init(w, line);
	assert_int_equal(nvhe_hyp_stack_slot(&w->k, 1, &slot), present);
	if (present)
		assert_int_equal(slot, PCPU + PCPU_STRIDE + VAR_HYP_STACK);
	world_fini(w);
	free(w);
}

static void test_hyp_stack_slot_names(void **state)
{
	(void)state;
	hyp_stack_slot_case(L61, true);	  /* kvm_arm_hyp_stack_page */
	hyp_stack_slot_case(L614, true);  /* kvm_arm_hyp_stack_base */
	hyp_stack_slot_case(L510, false); /* neither in this image */
}

/*
 * 5.10: no per-CPU DATASEC, no data symbols, and teardown_hyp_mode()
 * (free_page(per_cpu(kvm_arm_hyp_stack_page, cpu))) also names other
 * per-CPU data and globals: the variable is the one whose copies hold a
 * page-aligned linear address each, none shared (Debian's 5.10 on a
 * Cortex-A57 names seven addresses there, one of them the variable).
 */
#define TEARDOWN 0xffff800008011000ull
#define DECOY_SHARED 0x200u	     /* both CPUs' copies hold the same page */
#define DECOY_ZERO 0x208u	     /* CPU 1's copy is 0 */
#define GLOBAL 0xffff800009000040ull /* not in the image at all */

static uint32_t adrp(unsigned int rd, uint64_t pc, uint64_t target)
{
	uint64_t imm = ((target >> 12) - (pc >> 12)) & 0x1fffff;

	return 0x90000000u | (uint32_t)(imm & 3) << 29 | (uint32_t)(imm >> 2) << 5 | rd;
}

static uint32_t add_imm(unsigned int rd, unsigned int rn, uint64_t target)
{
	return 0x91000000u | (uint32_t)(target & 0xfff) << 10 | rn << 5 | rd;
}

static void teardown_case(bool ambiguous, bool want)
{
	static const char info[] = "NUMBER(VA_BITS)=48\nNUMBER(PHYS_OFFSET)=0x40000000\n"
				   "SYMBOL(_stext)=ffff800008010000\n";
	const uint64_t targets[] = { PCPU + DECOY_SHARED, GLOBAL, PCPU + VAR_HYP_STACK,
				     PCPU + DECOY_ZERO };
	const struct test_sym syms[] = { { TEARDOWN, "teardown_hyp_mode" },
					 { TEARDOWN + 0x40, "after_teardown" } };
	struct world *w = calloc(1, sizeof(*w));
	uint64_t slot = 0;

	world_init(w, L510);
	w->k.page_size = 4096;
	w->dump.arch = &arch_arm64;
	assert_int_equal(vmcoreinfo_parse(info, sizeof(info) - 1, &w->dump.vmcoreinfo, NULL),
			 KC_OK);
	w->k.syms.kallsyms = test_kallsyms(syms, BB_N(syms));
	mem_image_add(&w->mem, TEARDOWN, 0x40);
	for (unsigned int i = 0; i < BB_N(targets); i++) {
		mem_image_put32(&w->mem, TEARDOWN + 8 * i, adrp(2, TEARDOWN + 8 * i, targets[i]));
		mem_image_put32(&w->mem, TEARDOWN + 8 * i + 4, add_imm(2, 2, targets[i]));
	}
	mem_image_put32(&w->mem, TEARDOWN + 8 * BB_N(targets), 0xd65f03c0); /* ret */
	mem_image_install(&w->mem, &w->dump); /* again: code decoding needs the arch */
	for (unsigned int c = 0; c < 2; c++) {
		uint64_t copy = PCPU + c * PCPU_STRIDE;

		mem_image_put64(&w->mem, copy + VAR_HYP_STACK, 0xffff000012340000ull + c * 0x10000);
		mem_image_put64(&w->mem, copy + DECOY_SHARED,
				ambiguous ? 0xffff000012380000ull + c * 0x10000
					  : 0xffff000012380000ull);
		mem_image_put64(&w->mem, copy + DECOY_ZERO, c ? 0 : 0xffff0000123a0000ull);
	}
	assert_int_equal(nvhe_hyp_stack_slot(&w->k, 1, &slot), want);
	if (want)
		assert_true(slot == PCPU + PCPU_STRIDE + VAR_HYP_STACK);
	kallsyms_free(w->k.syms.kallsyms);
	vmcoreinfo_free(w->dump.vmcoreinfo);
	world_fini(w);
	free(w);
}

static void test_hyp_stack_slot_from_teardown(void **state)
{
	(void)state;
	teardown_case(false, true);
	/* two references whose copies both look like stack pages: no answer */
	teardown_case(true, false);
}

static void test_no_kvm(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct btf *btf = btf__new_empty();

	(void)state;
	world_init(w, L61);
	/* a kernel built without KVM: its types have no running-vCPU variable */
	btf__free(w->k.types.btf);
	bb_check(btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	w->k.types.btf = btf;
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_int_equal(w->kvm.nr, 0);
	assert_int_equal(w->kvm.err.code, KC_OK);
	world_fini(w);
	free(w);
}

static void test_vcpu_pointer_to_nowhere(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L510);
	/* a corrupt slot: the vCPU it names is not in the dump */
	mem_image_put64(&w->mem, PCPU + PCPU_STRIDE + VAR_RUNNING, 0xffff0000deadb000ull);
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_int_equal(w->kvm.nr, 0);
	assert_int_equal(w->kvm.err.code, KC_NODATA);
	assert_non_null(strstr(w->kvm.err.msg, "cpu 1: kvm_running_vcpu 0xffff0000deadb000"));
	world_fini(w);
	free(w);
}

static void test_per_cpu_area_missing(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, L61);
	/* CPU 1's per-CPU area filtered out of the dump: nothing to list, no crash */
	w->mem.region[1].va = 0xffff800099990000ull;
	kvm_scan_arm64(&w->k, &w->cpus, NULL, &w->kvm);
	assert_int_equal(w->kvm.nr, 0);
	world_fini(w);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_61_in_guest),
		cmocka_unit_test(test_61_sflags_other_bit),
		cmocka_unit_test(test_510_outside_guest),
		cmocka_unit_test(test_51_host_data),
		cmocka_unit_test(test_418_rh81),
		cmocka_unit_test(test_418_sysregs_not_loaded),
		cmocka_unit_test(test_hyp_stack_slot_names),
		cmocka_unit_test(test_hyp_stack_slot_from_teardown),
		cmocka_unit_test(test_no_kvm),
		cmocka_unit_test(test_vcpu_pointer_to_nowhere),
		cmocka_unit_test(test_per_cpu_area_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
