// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nVHE hypervisor's stack of one CPU, readable by the host.
 *
 * With kvm-arm.mode=nvhe the world switch runs at EL2 in the hyp code
 * (the kernel image's __kvm_nvhe_* functions) on a per-CPU hyp stack the
 * host allocated: per-CPU kvm_arm_hyp_stack_page holds its linear-map
 * address (arch/arm64/kvm/arm.c, 5.10-6.13), one page; Linux kernel commit
 * 38f9e4b905a0 ("arm64: kvm: Introduce nvhe stack size constants") (in
 * v6.14) renamed it kvm_arm_hyp_stack_base, still NVHE_STACK_SIZE = one
 * page (NVHE_STACK_SHIFT = PAGE_SHIFT). Its frame records
 * hold hyp VAs:
 *  - the stack's own addresses: the hyp VA of the page is
 *    kvm_nvhe_init_params.stack_hyp_va - PAGE_SIZE (the per-CPU
 *    __kvm_nvhe_kvm_init_params, a data symbol: 6.12's KALLSYMS_ALL);
 *    without it, the page of the records' own frame pointers;
 *  - return addresses into hyp text, mapped at kern_hyp_va() of their
 *    linear alias: (tag_val << tag_lsb) | (lm & GENMASK(tag_lsb - 1, 0))
 *    (arch/arm64/kvm/va_layout.c, kvm_compute_layout()): the low tag_lsb
 *    bits are the linear address', the ones above are those every RAM
 *    linear address shares (not 0 when KASLR moves the linear map too, as
 *    on CPUs with a 44-bit PARange). tag_lsb is a
 *    static (a symbol with KALLSYMS_ALL); else every width is tried and the
 *    one under which the most return addresses follow a call wins.
 */
#ifndef KDC_KVM_NVHE_ARM64_H
#define KDC_KVM_NVHE_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#include "code_arm64.h"
#include "frame_graph_arm64.h"

/**
 * nvhe_percpu_addr() - the linear address of @cpu's copy of the hypervisor's
 * per-CPU variable @hyp_sym (a __kvm_nvhe_ symbol: needs KALLSYMS_ALL)
 * Return: false when it cannot be found, or KVM runs in VHE mode.
 */
bool nvhe_percpu_addr(const struct kdc_kernel *k, unsigned int cpu, const char *hyp_sym,
		      uint64_t *kva);

/**
 * nvhe_hyp_stack_slot() - the address of @cpu's hyp stack pointer (a per-CPU
 * unsigned long of the host, under either name)
 * Return: false when neither variable can be found.
 */
bool nvhe_hyp_stack_slot(const struct kdc_kernel *k, unsigned int cpu, uint64_t *slot);

/**
 * nvhe_hyp_va_of() - whether hyp VA @hva is kern_hyp_va() of linear address
 * @kva (their low tag_lsb bits agree); false when tag_lsb is not known
 */
bool nvhe_hyp_va_of(const struct kdc_kernel *k, uint64_t hva, uint64_t kva);

/**
 * nvhe_add_hyp_stack() - add @cpu's hyp-stack records to @g (stack kind
 * KDC_STACK_HYP, addresses translated to kernel VAs), their chain hung
 * below @attach (the host record that made the HVC), or unlinked
 * Return: the number of records added.
 */
unsigned int nvhe_add_hyp_stack(const struct kdc_kernel *k, struct code_cache *code,
				unsigned int cpu, int attach, struct frame_graph *g);

#endif
