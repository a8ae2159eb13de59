// SPDX-License-Identifier: GPL-2.0-or-later
#include "arch.h"

#include <string.h>

#include "insn_arm64.h"
#include "kvm_arm64.h"
#include "log_facts_arm64.h"
#include "cursor.h"
#include "mem.h"
#include "dump.h"
#include "kernel.h"
#include "symbols.h"
#include "recover_arm64.h"
#include "unwind_arm64.h"

#define EM_AARCH64_VALUE 183 /* ELF gABI */
#define CODE_WINDOW 48	     /* instructions read from the function's start */

/*
 * nr_iowait_cpu() indexes __per_cpu_offset and adds the result to
 * &runqueues (parsers/insn_arm64.h); idle_cpu() does the same and is the
 * fallback. ADRP is PC-relative, so decoding at the runtime (KASLR) address
 * yields runtime addresses.
 */
static enum kdc_status arm64_code_addrs(struct kdc_dump *dump, const struct kdc_symbols *syms,
					struct kdc_code_addrs *out, struct kdc_err *err)
{
	static const char *const funcs[] = { "nr_iowait_cpu", "idle_cpu" };

	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		uint32_t insns[CODE_WINDOW];
		struct arm64_percpu_code code;
		uint64_t at;

		if (symbols_address(syms, funcs[i], &at) ||
		    mem_read(&dump->mem, at, insns, sizeof(insns), err))
			continue;
		if (arm64_find_percpu_access(insns, CODE_WINDOW, at, &code)) {
			out->per_cpu_offset = code.per_cpu_offset;
			out->runqueues = code.var;
			return KC_OK;
		}
	}
	return kdc_fail(err, KC_NODATA,
			"neither nr_iowait_cpu nor idle_cpu shows the __per_cpu_offset access");
}

/*
 * Functions whose code names one static per-CPU variable, for kernels that
 * give neither a per-CPU DATASEC in BTF nor data symbols (Debian's arm64
 * kernels have no CONFIG_KALLSYMS_ALL; 5.10's BTF was made with pahole
 * 1.20, which the kernel tells to skip variables). Each function is tried
 * in turn; `pick` says which of its per-CPU references is the variable.
 * The function names are the kernel's own across 5.10-6.12; a function
 * that does not exist, or whose code does not have the expected shape, is
 * skipped, and an answer must lie near runqueues (the same small section).
 */
enum percpu_pick {
	PICK_ONLY,   /* the function uses exactly one per-CPU variable */
	PICK_LOWEST, /* it indexes an array variable: its lowest address */
	PICK_FIRST,  /* the first it uses (a read at the function's start) */
};

static const struct {
	const char *var;
	enum percpu_pick pick;
	const char *funcs[4];
} percpu_code_vars[] = {
	/* call_on_irq_stack (6.x, entry.S), el1_irq/el0_irq (5.10's irq_handler) */
	{ "irq_stack_ptr", PICK_ONLY, { "call_on_irq_stack", "el1_irq", "el0_irq" } },
	{ "kvm_running_vcpu", PICK_ONLY, { "kvm_get_running_vcpu" } },
	{ "call_single_queue",
	  PICK_ONLY,
	  { "__smp_call_single_queue", "generic_smp_call_function_single_interrupt" } },
	{ "cfd_data", PICK_ONLY, { "smp_call_function_many_cond", "smp_call_function_many" } },
	{ "csd_data", PICK_ONLY, { "smp_call_function_single" } },
	/* timer_bases[BASE_STD] and [BASE_DEF] */
	{ "timer_bases", PICK_LOWEST, { "run_timer_softirq" } },
	{ "hrtimer_bases", PICK_ONLY, { "hrtimer_interrupt", "hrtimer_run_queues" } },
	/* kprobe_running() comes before get_kprobe_ctlblk() */
	{ "current_kprobe", PICK_FIRST, { "kprobe_breakpoint_handler", "kprobe_brk_handler" } },
	/* adr_this_cpu kvm_hyp_ctxt in the hyp entry code (VHE runs it as is) */
	{ "kvm_hyp_ctxt", PICK_ONLY, { "__guest_enter" } },
	/* nVHE's hyp stacks (6.2+; before, teardown_hyp_mode() names other data
	 * too and kvm_nvhe_arm64.c picks the variable by its copies' values). The
	 * code shows the variable, not its name: this one entry also stands
	 * for 6.14's kvm_arm_hyp_stack_base (kvm_nvhe_arm64.h), which is
	 * looked up only after this name */
	{ "kvm_arm_hyp_stack_page",
	  PICK_ONLY,
	  { "stackinfo_get_hyp_kern_va", "teardown_hyp_mode" } },
};

static size_t read_code_le(struct kdc_dump *dump, uint64_t at, uint32_t *w, size_t n)
{
	uint8_t buf[4 * 256];

	n = n < 256 ? n : 256;
	if (mem_read(&dump->mem, at, buf, 4 * n, NULL))
		return 0;
	for (size_t i = 0; i < n; i++) /* AArch64 code is little-endian */
		w[i] = (uint32_t)kdc_load_word(buf + 4 * i, 4, false);
	return n;
}

static enum kdc_status arm64_percpu_var_code(struct kdc_dump *dump, const struct kdc_symbols *syms,
					     const char *name, uint64_t near,
					     bool (*reject)(void *, uint64_t), void *ctx,
					     uint64_t *addr, struct kdc_err *err)
{
	for (size_t v = 0; v < sizeof(percpu_code_vars) / sizeof(percpu_code_vars[0]); v++) {
		if (strcmp(percpu_code_vars[v].var, name))
			continue;
		for (size_t f = 0; f < 4 && percpu_code_vars[v].funcs[f]; f++) {
			struct kdc_symbol_hit hit;
			uint32_t insns[256];
			uint64_t refs[16], at, best = 0;
			size_t n, nr;
			bool ok = true;

			if (symbols_address(syms, percpu_code_vars[v].funcs[f], &at) ||
			    symbols_lookup(syms, at, &hit) || hit.offset || !hit.size ||
			    !(n = read_code_le(dump, at, insns, (size_t)(hit.size / 4))))
				continue;
			nr = arm64_percpu_var_refs(insns, n, at, refs, 16);
			for (size_t i = 0; i < nr && ok; i++) {
				uint64_t d = refs[i] > near ? refs[i] - near : near - refs[i];

				if (d > KDC_PERCPU_AREA_MAX || (reject && reject(ctx, refs[i])))
					continue; /* not per-CPU, or cpu_number */
				if (best && percpu_code_vars[v].pick == PICK_FIRST)
					break;
				if (!best || refs[i] < best) {
					ok = !best || percpu_code_vars[v].pick == PICK_LOWEST;
					best = refs[i];
				} else if (refs[i] != best) {
					ok = percpu_code_vars[v].pick == PICK_LOWEST;
				}
			}
			if (ok && best) {
				*addr = best;
				return KC_OK;
			}
		}
		return kdc_fail(err, KC_NODATA,
				"per-CPU variable %s: no function that uses it "
				"shows its address",
				name);
	}
	return kdc_fail(err, KC_NOTSUP, "per-CPU variable %s: no code known to use it", name);
}

/* AArch64 instructions are 4 bytes: the call is the one before the return address */
static uint64_t arm64_call_site(uint64_t ret)
{
	return ret - 4;
}

/*
 * irq_stack_ptr holds the IRQ stack's lowest address (arch/arm64/kernel/
 * irq.c, 5.10-6.12; a pointer since v4.14, commit f60fe78f1332;
 * IRQ_STACK_SIZE = THREAD_SIZE); overflow_stack is the per-CPU array the
 * vectors switch to (Linux kernel commit 872d8327ce89 ("arm64: add
 * VMAP_STACK overflow detection") (in v4.14); OVERFLOW_STACK_SIZE, its size from
 * BTF or the symbols: unknown when read out of code, then left out).
 */
static void arm64_cpu_stacks(const struct kdc_kernel *k, unsigned int n, struct kdc_cpu *c)
{
	uint64_t addr, irq_stack, size;

	if (!kernel_percpu_addr(k, "irq_stack_ptr", n, &addr, NULL) &&
	    !kernel_read_u64(k, addr, &irq_stack, NULL))
		cpus_add_stack(c, KDC_STACK_IRQ, irq_stack, k->thread_size);
	if (!kernel_percpu_addr(k, "overflow_stack", n, &addr, NULL) &&
	    !kernel_percpu_var(k, "overflow_stack", &(uint64_t){ 0 }, &size, NULL) && size)
		cpus_add_stack(c, KDC_STACK_OVERFLOW, addr, size);
}

/*
 * PSTATE of recovered registers: the exception level and stack selector
 * (M[3:0]) are the kernel's own, as every note shows (EL2h under VHE, else
 * EL1h), which is how tools tell kernel from user registers; in the nVHE
 * hypervisor EL2h with DAIF masked. No note at all: what recovery set.
 */
#define PSTATE_MODE_MASK 0xfull
#define PSTATE_EL2H_DAIF 0x3c9ull

static uint64_t arm64_recovered_flags(const struct kdc_regs *sample, bool at_el2, uint64_t flags)
{
	if (at_el2)
		return PSTATE_EL2H_DAIF;
	return sample ? sample->flags & PSTATE_MODE_MASK : flags;
}

/*
 * THREAD_SIZE = max(PAGE_SIZE, 1 << MIN_THREAD_SHIFT), MIN_THREAD_SHIFT =
 * 14 without KASAN (arch/arm64/include/asm/memory.h, 4.18-6.12). Used only
 * when BTF has no union thread_union to measure.
 */
static uint64_t arm64_thread_size(uint64_t page_size)
{
	return page_size > 16384 ? page_size : 16384;
}

/*
 * The linear map since Linux kernel commit 14c127c957c1 ("arm64: mm: Flip
 * kernel VA space") (in v5.4): PAGE_OFFSET =
 * -(1 << VA_BITS), __phys_to_virt(pa) = (pa - PHYS_OFFSET) | PAGE_OFFSET
 * (memory.h), both from VMCOREINFO. PHYS_OFFSET is memstart_addr, which
 * KASLR moves below the first RAM address to randomize the linear map
 * (arm64_memblock_init(), seen on Debian 11's 5.10), so the subtraction
 * wraps by design. 0 for older layouts, where p_vaddr is left unset.
 * linear_layout() reads VA_BITS (configured), vabits_actual and PHYS_OFFSET.
 */
static bool linear_layout(const struct kdc_dump *dump, uint64_t *va_bits, uint64_t *actual,
			  uint64_t *phys_offset)
{
	uint64_t stext, t1sz;

	if (!dump->vmcoreinfo ||
	    vmcoreinfo_get_u64(dump->vmcoreinfo, "NUMBER(VA_BITS)", 10, va_bits, NULL) ||
	    vmcoreinfo_get_u64(dump->vmcoreinfo, "NUMBER(PHYS_OFFSET)", 16, phys_offset, NULL) ||
	    vmcoreinfo_get_symbol(dump->vmcoreinfo, "_stext", &stext, NULL) || *va_bits < 36 ||
	    *va_bits > 52 || !((stext >> (*va_bits - 1)) & 1))
		return false;
	/*
	 * The linear map is the lower half of the VA range the CPU translates:
	 * vabits_actual = 64 - TCR_EL1.T1SZ (VMCOREINFO since Linux kernel
	 * commit bbdbc11804ff ("arm64/crash_core: Export TCR_EL1.T1SZ in
	 * vmcoreinfo") (in v5.9)). A 52-bit kernel on a CPU without LPA2 runs
	 * with 48 and keeps PAGE_OFFSET = -(1 << VA_BITS): arm64_memblock_init()
	 * lowers PHYS_OFFSET by _PAGE_OFFSET(48) - _PAGE_OFFSET(52) so that
	 * __phys_to_virt() lands in the 48-bit range (Debian's 6.12 on a
	 * Cortex-A57: PHYS_OFFSET 0xfff0ed2080000000).
	 */
	*actual = *va_bits;
	if (!vmcoreinfo_get_u64(dump->vmcoreinfo, "NUMBER(TCR_EL1_T1SZ)", 16, &t1sz, NULL) &&
	    t1sz >= 64 - *va_bits && t1sz <= 64 - 36)
		*actual = 64 - t1sz;
	return true;
}

static bool in_linear_map(uint64_t va, uint64_t actual)
{
	return va >= 0ull - (1ull << actual) && va < 0ull - (1ull << (actual - 1));
}

/* __phys_to_virt() (asm/memory.h): PAGE_OFFSET = -(1 << VA_BITS) */
static uint64_t arm64_linear_vaddr(const struct kdc_dump *dump, uint64_t pa)
{
	uint64_t va_bits, actual, phys_offset, va;

	if (!linear_layout(dump, &va_bits, &actual, &phys_offset))
		return 0;
	va = (pa - phys_offset) | (0ull - (1ull << va_bits));
	return in_linear_map(va, actual) ? va : 0;
}

/* __lm_to_phys(): (va - PAGE_OFFSET) + PHYS_OFFSET, no page tables needed */
static uint64_t arm64_linear_paddr(const struct kdc_dump *dump, uint64_t va)
{
	uint64_t va_bits, actual, phys_offset;

	if (!linear_layout(dump, &va_bits, &actual, &phys_offset) || !in_linear_map(va, actual))
		return 0;
	return va + (1ull << va_bits) + phys_offset;
}

/*
 * vmemmap = (struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT)
 * (arch/arm64/include/asm/memory.h, 5.4-6.12). 6.12 exports the value
 * itself as SYMBOL(vmemmap) (kernel/vmcore_info.c); 6.1 only the parts,
 * NUMBER(VMEMMAP_START) and NUMBER(PHYS_OFFSET) (arch/arm64/kernel/crash_core.c).
 */
static enum kdc_status arm64_vmemmap_base(const struct kdc_dump *dump, uint64_t *out)
{
	const struct kdc_vmcoreinfo *vi = dump->vmcoreinfo;
	uint64_t start, phys_offset, page_size, page_struct;

	if (!vi)
		return KC_NODATA;
	if (!vmcoreinfo_get_symbol(vi, "vmemmap", out, NULL))
		return KC_OK;
	if (vmcoreinfo_get_u64(vi, "NUMBER(VMEMMAP_START)", 16, &start, NULL) ||
	    vmcoreinfo_get_u64(vi, "NUMBER(PHYS_OFFSET)", 16, &phys_offset, NULL) ||
	    vmcoreinfo_get_u64(vi, "PAGESIZE", 10, &page_size, NULL) ||
	    vmcoreinfo_get_u64(vi, "SIZE(page)", 10, &page_struct, NULL) || !page_size)
		return KC_NODATA;
	*out = start - phys_offset / page_size * page_struct;
	return KC_OK;
}

static size_t arm64_code_data_refs(const uint8_t *code, size_t len, uint64_t pc, uint64_t *out,
				   size_t max)
{
	uint32_t insns[256];
	size_t n = len / 4 < 256 ? len / 4 : 256;

	for (size_t i = 0; i < n; i++)
		insns[i] = (uint32_t)kdc_load_word(code + 4 * i, 4, false);
	return arm64_adrp_add_targets(insns, n, pc, out, max);
}

const struct kdc_arch_ops arch_arm64 = {
	.name = "arm64",
	.e_machine = EM_AARCH64_VALUE,
	.uts_machine = "aarch64",
	.decode_prstatus = regs_arm64_from_prstatus,
	.encode_prstatus = regs_arm64_to_prstatus,
	.code_addrs = arm64_code_addrs,
	.percpu_var_code = arm64_percpu_var_code,
	.thread_size = arm64_thread_size,
	.unwind = unwind_arm64,
	.recover = recover_arm64,
	.kvm_scan = kvm_scan_arm64,
	.linear_vaddr = arm64_linear_vaddr,
	.linear_paddr = arm64_linear_paddr,
	.vmemmap_base = arm64_vmemmap_base,
	.code_data_refs = arm64_code_data_refs,
	.call_site = arm64_call_site,
	.cpu_stacks = arm64_cpu_stacks,
	.recovered_flags = arm64_recovered_flags,
	.kvm_text = kvm_arm64_text,
	.kvm_json = kvm_arm64_json,
	.log_line = arm64_log_line,
	.fault_addr_name = "FAR",
	.syndrome_name = "ESR",
	.fault_addr_key = "far",
	.syndrome_key = "esr",
	.hyp_place = " at EL2 in the nVHE hypervisor (its stack's frame records; the world switch "
		     "runs with interrupts masked)",
};
