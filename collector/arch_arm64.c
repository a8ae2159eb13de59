// SPDX-License-Identifier: GPL-2.0-or-later
#include "arch.h"

#include "insn_arm64.h"
#include "kvm_arm64.h"
#include "mem.h"
#include "dump.h"
#include "symbols.h"
#include "recover_arm64.h"
#include "unwind_arm64.h"

#define EM_AARCH64_VALUE 183	/* ELF gABI */
#define CODE_WINDOW 48		/* instructions read from the function's start */

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
		    mem_read(dump, at, insns, sizeof(insns), err))
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
 * THREAD_SIZE = max(PAGE_SIZE, 1 << MIN_THREAD_SHIFT), MIN_THREAD_SHIFT =
 * 14 without KASAN (arch/arm64/include/asm/memory.h, 4.18-6.12). Used only
 * when BTF has no union thread_union to measure.
 */
static uint64_t arm64_thread_size(uint64_t page_size)
{
	return page_size > 16384 ? page_size : 16384;
}

/*
 * The linear map since 5.4 (the "flipped" layout): PAGE_OFFSET =
 * -(1 << VA_BITS), va = pa - PHYS_OFFSET + PAGE_OFFSET (memory.h), both
 * from VMCOREINFO. 0 for older layouts, where p_vaddr is left unset.
 */
static uint64_t arm64_linear_vaddr(const struct kdc_dump *dump, uint64_t pa)
{
	uint64_t va_bits, phys_offset, stext;

	if (!dump->vmcoreinfo ||
	    vmcoreinfo_get_u64(dump->vmcoreinfo, "NUMBER(VA_BITS)", 10, &va_bits, NULL) ||
	    vmcoreinfo_get_u64(dump->vmcoreinfo, "NUMBER(PHYS_OFFSET)", 16, &phys_offset, NULL) ||
	    vmcoreinfo_get_symbol(dump->vmcoreinfo, "_stext", &stext, NULL) ||
	    va_bits < 36 || va_bits > 52 || !((stext >> (va_bits - 1)) & 1) || pa < phys_offset)
		return 0;
	return pa - phys_offset + (0ull - (1ull << va_bits));
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
		insns[i] = (uint32_t)code[4 * i] | (uint32_t)code[4 * i + 1] << 8 |
			   (uint32_t)code[4 * i + 2] << 16 | (uint32_t)code[4 * i + 3] << 24;
	return arm64_adrp_add_targets(insns, n, pc, out, max);
}

const struct kdc_arch_ops arch_arm64 = {
	.name = "arm64",
	.e_machine = EM_AARCH64_VALUE,
	.uts_machine = "aarch64",
	.decode_prstatus = regs_arm64_from_prstatus,
	.encode_prstatus = regs_arm64_to_prstatus,
	.code_addrs = arm64_code_addrs,
	.thread_size = arm64_thread_size,
	.unwind = unwind_arm64,
	.recover = recover_arm64,
	.kvm_scan = kvm_scan_arm64,
	.linear_vaddr = arm64_linear_vaddr,
	.vmemmap_base = arm64_vmemmap_base,
	.code_data_refs = arm64_code_data_refs,
};
