// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cross-call wait graph (csd_wait_graph_build) on synthetic memory laid
 * out as 6.1 and 4.18 have it (kernel/smp.c, include/linux/smp_types.h;
 * shared/KERNEL-FACTS.md section 4):
 *  - 6.1: __call_single_data { node { llist, u_flags, src, dst }, func, info },
 *    call_function_data { pcpu, cpumask (inline), cpumask_ipi }; flag types
 *    in bits 4-7 (CSD_TYPE_TTWU 0x30 shares the queue);
 *  - 4.18: __call_single_data { llist, func, info, flags }, call_function_data
 *    { csd, cpumask (CONFIG_CPUMASK_OFFSTACK pointer) }; LOCK 0x01,
 *    SYNCHRONOUS 0x02, no types.
 * Three CPUs: CPU 1 is in smp_call_function_many() for CPUs 0 and 2; CPU 0
 * has taken its request (the csd is still locked) but CPU 2 never took any:
 * its call_single_queue still holds a remote wakeup, CPU 0's
 * smp_call_function_single() request (a csd on CPU 0's stack) and CPU 1's.
 * The real-dump proof is the csd fixtures (tests/fixture-checks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "btf_builder.h"
#include "csd_wait_graph.h"
#include "mem_image.h"
#include "unwind.h"

#define NCPUS 3
#define PCPU 0xffff800011a00000ull
#define PCPU_STRIDE 0x10000ull
#define PCPU_SIZE 0x2000u
#define VAR_QUEUE 0x200u		/* call_single_queue (struct llist_head) */
#define VAR_CFD 0x300u			/* cfd_data */
#define VAR_CSD_DATA 0x400u		/* csd_data */
#define CFD_CSDS 0x800u			/* CPU 1's alloc_percpu'd csds: one per target */
#define STACK0 0xffff80000a010000ull	/* CPU 0's task stack */
#define STACK_CSD (STACK0 + 0x3e40)	/* the csd smp_call_function_single put there */
#define TTWU_CSD 0xffff000002a00180ull	/* a task's wake_entry */
#define MASK_PAGE 0xffff000002b00000ull /* CPU 1's cpumask, off-stack (4.18 case) */
#define FUNC_MANY 0xffff800008123450ull
#define FUNC_SINGLE 0xffff800008123890ull

struct layout {
	uint32_t flags, func, csd_size, cfd_mask;
	bool mask_pointer;
};

struct world {
	struct mem_image mem;
	struct kdc_dump dump;
	struct kdc_kernel k;
	struct kdc_cpu cpu[NCPUS];
	struct kdc_cpus cpus;
	struct kdc_backtrace *bt;
	struct kdc_csd_graph g;
	struct layout l;
};

static struct btf *types_61(struct layout *l)
{
	struct btf *btf = btf__new_empty();
	int u64 = bb_check(btf__add_int(btf, "long long unsigned int", 8, 0));
	int u32 = bb_check(btf__add_int(btf, "unsigned int", 4, 0));
	int u16 = bb_check(btf__add_int(btf, "short unsigned int", 2, 0));
	int vp = bb_check(btf__add_ptr(btf, 0));
	int llist = bb_struct(btf, "llist_node", 8, (struct bb_field[]){ { "next", vp, 0 } }, 1);
	int head = bb_struct(btf, "llist_head", 8, (struct bb_field[]){ { "first", vp, 0 } }, 1);
	int flags_u = bb_union(
		btf, "", 4, (struct bb_field[]){ { "u_flags", u32, 0 }, { "a_flags", u32, 0 } }, 2);
	int node = bb_struct(btf, "__call_single_node", 16,
			     (struct bb_field[]){ { "llist", llist, 0 },
						  { "", flags_u, 8 },
						  { "src", u16, 12 },
						  { "dst", u16, 14 } },
			     4);
	int csd = bb_struct(
		btf, "__call_single_data", 32,
		(struct bb_field[]){ { "node", node, 0 }, { "func", vp, 16 }, { "info", vp, 24 } },
		3);
	int mask = bb_struct(btf, "cpumask", 32,
			     (struct bb_field[]){ { "bits", bb_array(btf, u64, 4), 0 } }, 1);
	int cfd = bb_struct(btf, "call_function_data", 72,
			    (struct bb_field[]){ { "pcpu", vp, 0 },
						 { "cpumask", bb_array(btf, mask, 1), 8 },
						 { "cpumask_ipi", bb_array(btf, mask, 1), 40 } },
			    3);

	bb_percpu(btf,
		  (struct bb_percpu_var[]){ { "call_single_queue", head, VAR_QUEUE, 8 },
					    { "cfd_data", cfd, VAR_CFD, 72 },
					    { "csd_data", csd, VAR_CSD_DATA, 32 } },
		  3, PCPU_SIZE);
	*l = (struct layout){ .flags = 8, .func = 16, .csd_size = 32, .cfd_mask = 8 };
	return btf;
}

static struct btf *types_418(struct layout *l)
{
	struct btf *btf = btf__new_empty();
	int u32 = bb_check(btf__add_int(btf, "unsigned int", 4, 0));
	int vp = bb_check(btf__add_ptr(btf, 0));
	int llist = bb_struct(btf, "llist_node", 8, (struct bb_field[]){ { "next", vp, 0 } }, 1);
	int head = bb_struct(btf, "llist_head", 8, (struct bb_field[]){ { "first", vp, 0 } }, 1);
	int csd = bb_struct(btf, "__call_single_data", 32,
			    (struct bb_field[]){ { "llist", llist, 0 },
						 { "func", vp, 8 },
						 { "info", vp, 16 },
						 { "flags", u32, 24 } },
			    4);
	int cfd = bb_struct(btf, "call_function_data", 24,
			    (struct bb_field[]){ { "csd", vp, 0 },
						 { "cpumask", vp, 8 },
						 { "cpumask_ipi", vp, 16 } },
			    3);

	bb_percpu(btf,
		  (struct bb_percpu_var[]){ { "call_single_queue", head, VAR_QUEUE, 8 },
					    { "cfd_data", cfd, VAR_CFD, 24 },
					    { "csd_data", csd, VAR_CSD_DATA, 32 } },
		  3, PCPU_SIZE);
	*l = (struct layout){
		.flags = 24, .func = 8, .csd_size = 32, .cfd_mask = 8, .mask_pointer = true
	};
	return btf;
}

static uint64_t pcpu(unsigned int cpu, uint32_t off)
{
	return PCPU + cpu * PCPU_STRIDE + off;
}

static void put_csd(struct world *w, uint64_t at, uint64_t next, uint32_t flags, uint64_t func)
{
	mem_image_put64(&w->mem, at, next);
	mem_image_put32(&w->mem, at + w->l.flags, flags);
	mem_image_put64(&w->mem, at + w->l.func, func);
}

static void world_init(struct world *w, bool old)
{
	/* 0x01 LOCK; SYNC is 0x10 in 6.1 (CSD_TYPE_SYNC), 0x02 in 4.18 (SYNCHRONOUS) */
	uint32_t sync = old ? 0x02 : 0x10, ttwu = 0x30;
	uint64_t many_to_2 = pcpu(2, CFD_CSDS), many_to_0 = pcpu(0, CFD_CSDS);

	memset(w, 0, sizeof(*w));
	w->k.types.btf = old ? types_418(&w->l) : types_61(&w->l);
	w->k.percpu_vars_from_btf = true;
	w->k.per_cpu_start = PCPU;
	w->k.nr_cpus = NCPUS;
	w->k.dump = &w->dump;
	w->k.mem = &w->dump.mem;
	for (unsigned int i = 0; i < NCPUS; i++) {
		w->k.cpu_offset[i] = i * PCPU_STRIDE;
		mem_image_add(&w->mem, PCPU + i * PCPU_STRIDE, PCPU_SIZE);
		w->cpu[i].cpu = i;
		w->cpu[i].online = true;
	}
	w->cpu[0].stacks[0] = (struct kdc_stack_range){ KDC_STACK_TASK, STACK0, STACK0 + 0x4000 };
	w->cpu[0].nr_stacks = 1;
	mem_image_add(&w->mem, STACK0, 0x4000);
	mem_image_add(&w->mem, TTWU_CSD & ~0xfffull, 0x1000);
	mem_image_add(&w->mem, MASK_PAGE, 0x1000);
	mem_image_install(&w->mem, &w->dump);
	w->cpus.nr = NCPUS;
	w->cpus.cpu = w->cpu;
	w->bt = calloc(NCPUS, sizeof(*w->bt));
	assert_non_null(w->bt);

	/* CPU 1's cfd_data: its csds (per_cpu_ptr(cfd->csd, target)), targets 0 and 2 */
	mem_image_put64(&w->mem, pcpu(1, VAR_CFD), PCPU + CFD_CSDS);
	if (w->l.mask_pointer) {
		mem_image_put64(&w->mem, pcpu(1, VAR_CFD) + w->l.cfd_mask, MASK_PAGE);
		mem_image_put64(&w->mem, MASK_PAGE, 0x5);
	} else {
		mem_image_put64(&w->mem, pcpu(1, VAR_CFD) + w->l.cfd_mask, 0x5);
	}
	/* CPU 0 ran CPU 1's function but it has not returned: locked, dequeued */
	put_csd(w, many_to_0, 0, 0x01 | sync, FUNC_MANY);
	/* CPU 2's queue: wakeup -> CPU 0's single call -> CPU 1's request */
	mem_image_put64(&w->mem, pcpu(2, VAR_QUEUE), TTWU_CSD);
	put_csd(w, TTWU_CSD, STACK_CSD, old ? 0x01 : ttwu, 0);
	put_csd(w, STACK_CSD, many_to_2, 0x01 | sync, FUNC_SINGLE);
	put_csd(w, many_to_2, 0, 0x01 | sync, FUNC_MANY);
}

static void world_fini(struct world *w)
{
	csd_wait_graph_fini(&w->g);
	btf__free(w->k.types.btf);
	mem_image_fini(&w->mem);
	free(w->bt);
}

static const struct kdc_csd_wait *find_wait(const struct kdc_csd_graph *g, unsigned int cpu,
					    unsigned int target)
{
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->wait[i].cpu == cpu && g->wait[i].waits_for == target)
			return &g->wait[i];
	return NULL;
}

static void assert_graph(const struct world *w)
{
	const struct kdc_csd_wait *a = find_wait(&w->g, 1, 2), *b = find_wait(&w->g, 0, 2),
				  *c = find_wait(&w->g, 1, 0);

	assert_true(w->g.complete);
	assert_int_equal(w->g.err.code, KC_OK);
	assert_int_equal(w->g.queued[0], 0);
	assert_int_equal(w->g.queued[1], 0);
	assert_int_equal(w->g.queued[2], 3);
	assert_int_equal(w->g.nr, 3); /* the wakeup is no cross-call */
	assert_non_null(a);
	assert_int_equal(a->via, KDC_VIA_MANY);
	assert_true(a->queued);
	assert_int_equal(a->csd, pcpu(2, CFD_CSDS));
	assert_int_equal(a->func, FUNC_MANY);
	assert_non_null(b);
	assert_int_equal(b->via, KDC_VIA_SINGLE);
	assert_true(b->queued);
	assert_int_equal(b->csd, STACK_CSD);
	assert_int_equal(b->func, FUNC_SINGLE);
	assert_non_null(c);
	assert_int_equal(c->via, KDC_VIA_MANY);
	assert_false(c->queued);
	assert_int_equal(c->csd, pcpu(0, CFD_CSDS));
	/* no backtraces given: nobody is confirmed inside the call */
	assert_false(a->waiter_in_call);
}

static void test_61(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, false);
	csd_wait_graph_build(&w->k, &w->cpus, w->bt, &w->g);
	assert_graph(w);
	world_fini(w);
	free(w);
}

static void test_418(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	const struct kdc_csd_wait *d;

	(void)state;
	world_init(w, true);
	/* 4.18 queues no wakeups here (ttwu had its own wake_list): the first
	 * entry is CPU 0's asynchronous smp_call_function_single (its csd_data) */
	put_csd(w, pcpu(0, VAR_CSD_DATA), STACK_CSD, 0x01, FUNC_SINGLE);
	mem_image_put64(&w->mem, pcpu(2, VAR_QUEUE), pcpu(0, VAR_CSD_DATA));
	csd_wait_graph_build(&w->k, &w->cpus, w->bt, &w->g);
	assert_true(w->g.complete);
	assert_int_equal(w->g.queued[2], 3);
	assert_int_equal(w->g.nr, 4);
	d = &w->g.wait[0]; /* in queue order */
	assert_int_equal(d->via, KDC_VIA_SINGLE_ASYNC);
	assert_int_equal(d->cpu, 0);
	assert_int_equal(d->waits_for, 2);
	assert_int_equal(w->g.wait[1].via, KDC_VIA_SINGLE);
	assert_int_equal(w->g.wait[1].csd, STACK_CSD);
	assert_int_equal(w->g.wait[2].via, KDC_VIA_MANY);
	assert_int_equal(w->g.wait[2].cpu, 1);
	assert_int_equal(w->g.wait[2].waits_for, 2);
	assert_true(w->g.wait[2].queued);
	/* the request CPU 0 took: read through the off-stack cpumask */
	assert_int_equal(w->g.wait[3].cpu, 1);
	assert_int_equal(w->g.wait[3].waits_for, 0);
	assert_false(w->g.wait[3].queued);
	assert_int_equal(w->g.wait[3].flags, 0x03);
	world_fini(w);
	free(w);
}

static void test_queue_cycle(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, false);
	/* CPU 1's request points back at itself: corrupt memory, bounded walk */
	mem_image_put64(&w->mem, pcpu(2, CFD_CSDS), pcpu(2, CFD_CSDS));
	csd_wait_graph_build(&w->k, &w->cpus, w->bt, &w->g);
	assert_false(w->g.complete);
	assert_int_equal(w->g.err.code, KC_CORRUPT);
	assert_non_null(strstr(w->g.err.msg, "call_single_queue of CPU 2 loops"));
	/* what was read before the loop is kept */
	assert_non_null(find_wait(&w->g, 1, 2));
	world_fini(w);
	free(w);
}

static void test_long_cycle(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, false);
	/* the last entry points back at the first (a cycle of three) */
	mem_image_put64(&w->mem, pcpu(2, CFD_CSDS), TTWU_CSD);
	csd_wait_graph_build(&w->k, &w->cpus, w->bt, &w->g);
	assert_false(w->g.complete);
	assert_int_equal(w->g.err.code, KC_LIMIT);
	assert_int_equal(w->g.queued[2], KDC_CSD_QUEUE_MAX);
	world_fini(w);
	free(w);
}

static void test_entry_unreadable(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, false);
	/* the wakeup entry's page was filtered out of the dump */
	w->mem.region[NCPUS + 1].va = 0xffff0000dead0000ull;
	csd_wait_graph_build(&w->k, &w->cpus, w->bt, &w->g);
	assert_false(w->g.complete);
	assert_int_equal(w->g.err.code, KC_NODATA);
	assert_non_null(strstr(w->g.err.msg, "call_single_queue of CPU 2"));
	/* the locked, dequeued request to CPU 0 is still found */
	assert_non_null(find_wait(&w->g, 1, 0));
	world_fini(w);
	free(w);
}

static void test_no_cpus(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	(void)state;
	world_init(w, false);
	w->cpus.nr = 0;
	csd_wait_graph_build(&w->k, &w->cpus, w->bt, &w->g);
	assert_false(w->g.complete);
	assert_int_equal(w->g.nr, 0);
	assert_int_equal(w->g.err.code, KC_NODATA);
	world_fini(w);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_61),
		cmocka_unit_test(test_418),
		cmocka_unit_test(test_queue_cycle),
		cmocka_unit_test(test_long_cycle),
		cmocka_unit_test(test_entry_unreadable),
		cmocka_unit_test(test_no_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
