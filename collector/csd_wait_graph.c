// SPDX-License-Identifier: GPL-2.0-or-later
#include "csd_wait_graph.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "unwind.h"

/* include/linux/smp_types.h (5.10+); 4.18 has LOCK 0x01, SYNCHRONOUS 0x02 */
#define CSD_FLAG_LOCK 0x01u
#define CSD_TYPE_MASK 0xf0u
#define CSD_TYPE_IRQ_WORK 0x20u
#define CSD_TYPE_TTWU 0x30u

struct csd_layout {
	uint64_t cfd_csd; /* call_function_data.csd (or .pcpu, 5.15-6.1) */
	uint64_t cfd_mask, cfd_mask_size;
	bool mask_is_pointer; /* CONFIG_CPUMASK_OFFSTACK */
	uint64_t flags, func; /* in __call_single_data */
};

const char *kdc_csd_via_name(enum kdc_csd_via via)
{
	switch (via) {
	case KDC_VIA_MANY:
		return "smp_call_function_many";
	case KDC_VIA_SINGLE:
		return "smp_call_function_single";
	case KDC_VIA_SINGLE_ASYNC:
		return "smp_call_function_single (async)";
	}
	return "?";
}

static const struct ktypes_field csd_fields[] = {
	KTYPES_REQUIRED(struct csd_layout, cfd_csd, "call_function_data", NULL, "csd", "pcpu"),
	KTYPES_REQUIRED_SIZED(struct csd_layout, cfd_mask, cfd_mask_size, "call_function_data",
			      NULL, "cpumask"),
	KTYPES_REQUIRED(struct csd_layout, func, "__call_single_data", NULL, "func"),
	/* u_flags in the __call_single_node shared with irq_work and TTWU (5.10+) */
	KTYPES_REQUIRED(struct csd_layout, flags, "__call_single_data", NULL, "node.u_flags",
			"flags"),
};

static enum kdc_status read_layout(const struct kdc_ktypes *t, struct csd_layout *l,
				   struct kdc_err *err)
{
	enum kdc_status st =
		ktypes_resolve(csd_fields, sizeof(csd_fields) / sizeof(csd_fields[0]), t, l, err);

	/* cpumask_var_t: struct cpumask[1] inline, or a pointer with OFFSTACK */
	l->mask_is_pointer = !st && l->cfd_mask_size == 8;
	return st;
}

/* Which CPU's stack holds @addr, or -1. */
static int stack_owner(const struct kdc_cpus *cpus, uint64_t addr)
{
	for (unsigned int i = 0; i < cpus->nr; i++)
		if (cpu_stack_of(&cpus->cpu[i], addr))
			return (int)i;
	return -1;
}

static bool bt_has(const struct kdc_kernel *k, const struct kdc_backtrace *bt, const char *a,
		   const char *b)
{
	for (unsigned int i = 0; i < bt->nr; i++) {
		struct kdc_symbol_hit hit;

		if (!frame_symbol(k, &bt->frame[i], &hit) && hit.name &&
		    (!strcmp(hit.name, a) || (b && !strcmp(hit.name, b))))
			return true;
	}
	return false;
}

static void add_wait(struct kdc_csd_graph *g, const struct kdc_kernel *k,
		     const struct kdc_backtrace *bt, struct kdc_csd_wait w)
{
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->wait[i].csd == w.csd && g->wait[i].waits_for == w.waits_for)
			return; /* seen from the queue side already */
	if (g->nr >= KDC_WAITS_MAX)
		return;
	w.waiter_in_call =
		w.via == KDC_VIA_MANY
			? bt_has(k, &bt[w.cpu], "smp_call_function_many_cond",
				 "smp_call_function_many")
			: bt_has(k, &bt[w.cpu], "smp_call_function_single", "generic_exec_single");
	g->wait[g->nr++] = w;
}

/* The cfd csd @waiter uses for @target: per_cpu_ptr(cfd->csd, target). */
static bool cfd_csd_of(const struct kdc_kernel *k, const struct csd_layout *l, unsigned int waiter,
		       unsigned int target, uint64_t *csd)
{
	uint64_t cfd, cookie;

	if (kernel_percpu_addr(k, "cfd_data", waiter, &cfd, NULL) ||
	    kernel_read_u64(k, cfd + l->cfd_csd, &cookie, NULL) || target >= k->nr_cpus)
		return false;
	*csd = cookie + k->cpu_offset[target];
	return true;
}

static void walk_queue(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
		       const struct kdc_backtrace *bt, const struct csd_layout *l, unsigned int y,
		       struct kdc_csd_graph *g)
{
	uint64_t head, node, prev = 0;
	struct kdc_err err = { 0 };

	if (kernel_percpu_addr(k, "call_single_queue", y, &head, &err) ||
	    kernel_read_u64(k, head, &node, &err)) {
		g->complete = false;
		if (!g->err.code)
			g->err = err;
		return;
	}
	for (unsigned int n = 0; node && n < KDC_CSD_QUEUE_MAX; n++) {
		uint32_t flags = 0;
		uint64_t func = 0, next, csd;
		int owner;

		if (kernel_read_u32(k, node + l->flags, &flags, &err) ||
		    kernel_read_u64(k, node + l->func, &func, NULL) ||
		    kernel_read_u64(k, node, &next, &err)) {
			g->complete = false;
			if (!g->err.code) {
				kdc_err_prefix(&err, err.code, "call_single_queue of CPU %u", y);
				g->err = err;
			}
			return;
		}
		g->queued[y]++;
		/* remote wakeups and irq_work share the queue: not cross-calls */
		if ((flags & CSD_TYPE_MASK) != CSD_TYPE_TTWU &&
		    (flags & CSD_TYPE_MASK) != CSD_TYPE_IRQ_WORK) {
			if ((owner = stack_owner(cpus, node)) >= 0) {
				add_wait(g, k, bt,
					 (struct kdc_csd_wait){ (unsigned)owner, y, KDC_VIA_SINGLE,
								node, func, flags, true, false });
			} else {
				for (unsigned int x = 0; x < cpus->nr; x++) {
					uint64_t cd;

					if (cfd_csd_of(k, l, x, y, &csd) && csd == node)
						add_wait(g, k, bt,
							 (struct kdc_csd_wait){ x, y, KDC_VIA_MANY,
										node, func, flags,
										true, false });
					else if (!kernel_percpu_addr(k, "csd_data", x, &cd, NULL) &&
						 cd == node)
						add_wait(g, k, bt,
							 (struct kdc_csd_wait){
								 x, y, KDC_VIA_SINGLE_ASYNC, node,
								 func, flags, true, false });
				}
			}
		}
		if (next && (next == node || next == prev)) { /* a cycle in dump memory */
			g->complete = false;
			kdc_fail(&g->err, KC_CORRUPT, "call_single_queue of CPU %u loops", y);
			return;
		}
		prev = node;
		node = next;
	}
	if (node) { /* a longer cycle, or a queue no CPU could have built */
		g->complete = false;
		kdc_fail(&g->err, KC_LIMIT,
			 "call_single_queue of CPU %u: more than %u entries "
			 "(a cycle?)",
			 y, KDC_CSD_QUEUE_MAX);
	}
}

/* Requests a target dequeued but has not finished: locked cfd csds. */
static void scan_cfd(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
		     const struct kdc_backtrace *bt, const struct csd_layout *l, unsigned int x,
		     struct kdc_csd_graph *g)
{
	uint64_t cfd, mask_addr;
	uint8_t mask[KDC_CPUS_MAX / 8];
	size_t mask_len = (cpus->nr + 7) / 8;

	if (kernel_percpu_addr(k, "cfd_data", x, &cfd, NULL))
		return;
	mask_addr = cfd + l->cfd_mask;
	if (l->mask_is_pointer && kernel_read_u64(k, mask_addr, &mask_addr, NULL))
		return;
	if (mem_read(k->mem, mask_addr, mask, mask_len, NULL))
		return;
	for (unsigned int y = 0; y < cpus->nr; y++) {
		uint64_t csd, func = 0;
		uint32_t flags;

		if (y == x || !(mask[y / 8] & (1u << (y % 8))) || !cfd_csd_of(k, l, x, y, &csd) ||
		    kernel_read_u32(k, csd + l->flags, &flags, NULL) || !(flags & CSD_FLAG_LOCK))
			continue;
		kernel_read_u64(k, csd + l->func, &func, NULL);
		add_wait(g, k, bt,
			 (struct kdc_csd_wait){ x, y, KDC_VIA_MANY, csd, func, flags, false,
						false });
	}
}

void csd_wait_graph_build(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
			  const struct kdc_backtrace *bt, struct kdc_csd_graph *out)
{
	struct csd_layout l;

	memset(out, 0, sizeof(*out));
	out->complete = true;
	if (!cpus->nr) {
		out->complete = false;
		kdc_fail(&out->err, KC_NODATA, "csd: no per-CPU state");
		return;
	}
	if (!(out->queued = calloc(cpus->nr, sizeof(*out->queued)))) {
		out->complete = false;
		kdc_fail(&out->err, KC_NOMEM, "csd");
		return;
	}
	if (read_layout(&k->types, &l, &out->err)) {
		out->complete = false;
		kdc_err_prefix(&out->err, out->err.code, "csd layout");
		return;
	}
	for (unsigned int y = 0; y < cpus->nr; y++)
		walk_queue(k, cpus, bt, &l, y, out);
	/* a locked csd is still someone's open request; only waiting
	 * (SYNC) ones block their issuer, and only if it is in the call */
	for (unsigned int x = 0; x < cpus->nr; x++)
		scan_cfd(k, cpus, bt, &l, x, out);
}

void csd_wait_graph_fini(struct kdc_csd_graph *g)
{
	free(g->queued);
	g->queued = NULL;
}
