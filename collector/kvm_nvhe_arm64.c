// SPDX-License-Identifier: GPL-2.0-or-later
#include "kvm_nvhe_arm64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define TAG_LSB_MIN 20 /* fls64() of the smallest RAM span a hyp layout would use */
#define TAG_LSB_MAX 51

struct hyp_stack {
	uint64_t kva, hva, size; /* the page: its linear address and hyp VA */
	uint64_t pa;		 /* the page's physical address */
	uint64_t kimage_voffset;
	unsigned int tag_lsb;
	uint64_t *w; /* owned: its words */
};

/*
 * A hyp text address as the kernel image's VA. Its low @tag_lsb bits are
 * those of the text's linear address; the bits above are the same for all
 * of RAM's linear addresses (tag_lsb = fls64 of the first and last one
 * XORed, kvm_compute_layout()), so the stack page's linear address gives
 * them. They are not zero when KASLR also moves the linear map, which it
 * does when the CPU's PARange leaves room (arm64_memblock_init(): a
 * 44-bit PARange under 48-bit VAs, e.g. Cortex-A57). Then to physical
 * through the stack page, and to the image's VA by kimage_voffset.
 */
static uint64_t text_kva(const struct hyp_stack *h, uint64_t hva, unsigned int tag_lsb)
{
	uint64_t mask = (1ull << tag_lsb) - 1, lm = (h->kva & ~mask) | (hva & mask);

	return h->pa + (lm - h->kva) + h->kimage_voffset;
}

static bool sym(const struct kdc_kernel *k, const char *name, uint64_t *v)
{
	return !symbols_address(&k->syms, name, v);
}

bool nvhe_percpu_addr(const struct kdc_kernel *k, unsigned int cpu, const char *hyp_sym,
		      uint64_t *kva)
{
	uint64_t bases, start, at, base;

	/* the host's array kvm_arm_hyp_percpu_base, in the hypervisor's image
	 * (__kvm_nvhe_ prefix) since Linux kernel commit fe41a7f8c0ee ("KVM:
	 * arm64: Unmap 'kvm_arm_hyp_percpu_base' from the host") (in v6.2);
	 * VHE leaves it 0 */
	if ((!sym(k, "__kvm_nvhe_kvm_arm_hyp_percpu_base", &bases) &&
	     !sym(k, "kvm_arm_hyp_percpu_base", &bases)) ||
	    !sym(k, "__kvm_nvhe___per_cpu_start", &start) || !sym(k, hyp_sym, &at) || at < start ||
	    kernel_read_u64(k, bases + 8ull * cpu, &base, NULL) || !base)
		return false;
	*kva = base + (at - start);
	return true;
}

/* the old name first: read out of code (no BTF) it finds the variable
 * under either name, and it is the only one that path knows */
static const char *const nvhe_hyp_stack_vars[] = { "kvm_arm_hyp_stack_page",
						   "kvm_arm_hyp_stack_base", NULL };

/*
 * Whether every possible CPU's copy of the per-CPU variable at @var (its
 * link address) holds what a hyp stack pointer holds: its own page, at a
 * linear-map address, page-aligned, none shared.
 */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static bool holds_stack_pages(const struct kdc_kernel *k, uint64_t var)
{
	uint64_t *page = k->nr_cpus ? calloc(k->nr_cpus, sizeof(*page)) : NULL;
	bool ok = page && k->dump->arch->linear_paddr;

	for (unsigned int c = 0; ok && c < k->nr_cpus; c++)
		ok = !kernel_read_u64(k, var + k->cpu_offset[c], &page[c], NULL) && page[c] &&
		     !(page[c] & (k->page_size - 1)) &&
		     k->dump->arch->linear_paddr(k->dump, page[c]);
	if (ok) { /* none shared: sorted, no two neighbours equal */
		qsort(page, k->nr_cpus, sizeof(*page), cmp_u64);
		for (unsigned int c = 1; ok && c < k->nr_cpus; c++)
			ok = page[c] != page[c - 1];
	}
	free(page);
	return ok;
}

/*
 * 5.10 has no per-CPU DATASEC in its BTF and Debian builds it without
 * data symbols, and the one function left that reads the variable,
 * teardown_hyp_mode() (free_page(per_cpu(kvm_arm_hyp_stack_page, cpu))),
 * also names the hypervisor's own per-CPU section and other globals, so
 * the code alone does not say which reference it is. The one whose copies
 * hold stack pages is; exactly one must.
 */
static bool stack_slot_from_teardown(const struct kdc_kernel *k, uint64_t *var)
{
	struct kdc_symbol_hit hit;
	uint64_t fn, refs[32], found = 0;
	unsigned int matches = 0;
	size_t n;

	if (symbols_address(&k->syms, "teardown_hyp_mode", &fn) ||
	    symbols_lookup(&k->syms, fn, &hit) || hit.offset || !hit.size)
		return false;
	n = kernel_code_data_refs(k, fn, hit.size < 1024 ? (size_t)hit.size : 1024, refs, 32);
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i; j++)
			dup |= refs[j] == refs[i];
		if (!dup && holds_stack_pages(k, refs[i])) {
			found = refs[i];
			matches++;
		}
	}
	*var = found;
	return matches == 1;
}

bool nvhe_hyp_stack_slot(const struct kdc_kernel *k, unsigned int cpu, uint64_t *slot)
{
	uint64_t var;

	for (size_t i = 0; nvhe_hyp_stack_vars[i]; i++)
		if (!kernel_percpu_addr(k, nvhe_hyp_stack_vars[i], cpu, slot, NULL))
			return true;
	if (cpu < k->nr_cpus && stack_slot_from_teardown(k, &var)) {
		*slot = var + k->cpu_offset[cpu];
		return true;
	}
	return false;
}

bool nvhe_hyp_va_of(const struct kdc_kernel *k, uint64_t hva, uint64_t kva)
{
	uint64_t at;
	uint8_t lsb;

	if (!sym(k, "tag_lsb", &at) || mem_read(k->mem, at, &lsb, 1, NULL) || lsb < TAG_LSB_MIN ||
	    lsb > TAG_LSB_MAX)
		return false;
	return hva && !((hva ^ kva) & ((1ull << lsb) - 1));
}

/* The page's hyp VA from the hypervisor's own init params (6.12: data symbols). */
static bool stack_hva_from_params(const struct kdc_kernel *k, unsigned int cpu, struct hyp_stack *h)
{
	uint64_t params, off, top;

	if (!nvhe_percpu_addr(k, cpu, "__kvm_nvhe_kvm_init_params", &params) ||
	    ktypes_member(&k->types, "kvm_nvhe_init_params", "stack_hyp_va", &off, NULL, NULL) ||
	    kernel_read_u64(k, params + off, &top, NULL) || top < h->size)
		return false;
	h->hva = top - h->size;
	return true;
}

/*
 * Else the page most of the page's own 16-aligned upward pointers point
 * into, with at least two of them. Failing that, one is enough if the page
 * keeps the stack page's low TAG_LSB_MIN address bits, as a hyp VA made by
 * kern_hyp_va() of the linear address does (5.10, whose stack stuck right
 * after __guest_enter holds two records, the outer one's x29 being the
 * host context); 6.0+ maps the stacks in a private VA range instead, which
 * keeps no such bits, and always shows more records.
 */
static uint64_t best_stack_page(const struct hyp_stack *h, bool same_low_bits, unsigned int *votes)
{
	uint64_t best = 0, low = (1ull << TAG_LSB_MIN) - 1;
	size_t n = h->size / 8;

	*votes = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint64_t page = h->w[i] & ~(h->size - 1);
		unsigned int v = 0;

		if (!h->w[i] || (h->w[i] & 15) || (h->w[i] & (h->size - 1)) <= 8 * i ||
		    (same_low_bits && ((page ^ h->kva) & low)))
			continue;
		for (size_t j = 0; j + 1 < n; j += 2)
			v += (h->w[j] & ~(h->size - 1)) == page && !(h->w[j] & 15) &&
			     (h->w[j] & (h->size - 1)) > 8 * j;
		if (v > *votes) {
			*votes = v;
			best = page;
		}
	}
	return best;
}

static bool stack_hva_from_records(struct hyp_stack *h)
{
	unsigned int votes;

	h->hva = best_stack_page(h, false, &votes);
	if (votes >= 2)
		return true;
	h->hva = best_stack_page(h, true, &votes);
	return votes >= 1;
}

static unsigned int count_returns(struct code_cache *code, const struct hyp_stack *h,
				  unsigned int tag_lsb)
{
	unsigned int n = 0;
	uint64_t t;
	bool ind;

	for (size_t i = 0; i + 1 < h->size / 8; i += 2)
		if (h->w[i + 1] && (h->w[i] & ~(h->size - 1)) == h->hva &&
		    code_call_before(code, text_kva(h, h->w[i + 1], tag_lsb), &t, &ind))
			n++;
	return n;
}

static bool find_tag_lsb(const struct kdc_kernel *k, struct code_cache *code, struct hyp_stack *h)
{
	uint64_t at;
	uint8_t v;
	unsigned int best = 0, best_n = 0;

	if (sym(k, "tag_lsb", &at) && !mem_read(k->mem, at, &v, 1, NULL) && v >= TAG_LSB_MIN &&
	    v <= TAG_LSB_MAX) {
		h->tag_lsb = v;
		return true;
	}
	for (unsigned int t = TAG_LSB_MIN; t <= TAG_LSB_MAX; t++) {
		unsigned int n = count_returns(code, h, t);

		if (n > best_n)
			best_n = n, best = t;
	}
	h->tag_lsb = best;
	return best_n > 0;
}

static bool load(const struct kdc_kernel *k, struct code_cache *code, unsigned int cpu,
		 struct hyp_stack *h)
{
	const struct kdc_vmcoreinfo *vi = k->dump->vmcoreinfo;
	uint64_t slot;
	uint8_t *raw;

	memset(h, 0, sizeof(*h));
	h->size = k->page_size;
	if (!vi || vmcoreinfo_get_u64(vi, "NUMBER(kimage_voffset)", 16, &h->kimage_voffset, NULL) ||
	    !nvhe_hyp_stack_slot(k, cpu, &slot) || kernel_read_u64(k, slot, &h->kva, NULL) ||
	    !h->kva || (h->kva & (h->size - 1)))
		return false;
	/* arithmetic, not page tables: a small dump has none for the linear map */
	if (!k->dump->arch->linear_paddr || !(h->pa = k->dump->arch->linear_paddr(k->dump, h->kva)))
		return false;
	if (!(raw = malloc(h->size)) || !(h->w = malloc(h->size)) ||
	    mem_read(k->mem, h->kva, raw, h->size, NULL)) {
		free(raw);
		return false;
	}
	for (size_t i = 0; i < h->size / 8; i++)
		h->w[i] = mem_decode(k->mem, raw + 8 * i, 8);
	free(raw);
	return (stack_hva_from_params(k, cpu, h) || stack_hva_from_records(h)) &&
	       find_tag_lsb(k, code, h);
}

unsigned int nvhe_add_hyp_stack(const struct kdc_kernel *k, struct code_cache *code,
				unsigned int cpu, int attach, struct frame_graph *g)
{
	struct hyp_stack h;
	unsigned int first = g->nr, added = 0;
	size_t top = SIZE_MAX; /* the highest record that returns into hyp text */

	if (!load(k, code, cpu, &h)) {
		free(h.w);
		return 0;
	}
	/* from the top down, so a record's parent is added before it */
	for (size_t i = (h.size / 8 - 2) & ~(size_t)1; i < h.size / 8; i -= 2) {
		uint64_t fp = h.w[i], lr = text_kva(&h, h.w[i + 1], h.tag_lsb), target;
		bool indirect, in_stack = (fp & ~(h.size - 1)) == h.hva;
		struct fg_node *n;
		int parent = -2;

		if (h.w[i + 1] && code_call_before(code, lr, &target, &indirect) &&
		    g->nr < FG_NODES_MAX) {
			if (top == SIZE_MAX)
				top = i;
			uint64_t fp_k = in_stack ? h.kva + (fp - h.hva) : 0;

			if (in_stack && fp_k > h.kva + 8 * i) {
				for (unsigned int j = first; j < g->nr; j++)
					if (g->node[j].addr == fp_k)
						parent = (int)j;
			} else if (!in_stack && attach >= 0 && i == top) {
				/* the chain's end, __host_exit's call of handle_trap
				 * (arch/arm64/kvm/hyp/nvhe/host.S): its x29 is the
				 * host context pointer, not a record; every HVC
				 * pushes it in the same slot, so it is the newest */
				parent = attach;
			}
			n = &g->node[g->nr++];
			*n = (struct fg_node){ .addr = h.kva + 8 * i,
					       .fp = fp_k,
					       .lr = lr,
					       .stack = KDC_STACK_HYP,
					       .parent = parent,
					       .owner = target,
					       .indirect = indirect };
			n->anchored = parent >= 0 && g->node[parent].anchored;
			n->depth = parent >= 0 ? g->node[parent].depth + 1 : 1;
			if (parent >= 0)
				g->node[parent].nr_children++;
			added++;
		}
		if (i < 2)
			break;
	}
	free(h.w);
	return added;
}
