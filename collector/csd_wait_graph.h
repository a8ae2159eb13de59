// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who waits for whom in cross-CPU function calls (kernel/smp.c), read
 * from memory, as shared/KERNEL-FACTS.md section 4 sets out:
 *  - every entry still queued on a CPU's call_single_queue is a request
 *    that CPU has not taken (its IPI was not handled: interrupts masked, or
 *    the CPU is somewhere it cannot take it); the entry's address says who
 *    queued it: a csd on a CPU's stack is smp_call_function_single(wait),
 *    a per-CPU cfd_data csd is smp_call_function_many(), csd_data is an
 *    asynchronous smp_call_function_single();
 *  - a cfd_data csd still locked for a CPU in its cpumask is a request the
 *    target has dequeued but not finished.
 * csd src/dst are only written with CONFIG_CSD_LOCK_WAIT_DEBUG (off in
 * Debian), so the graph never relies on them.
 */
#ifndef KDC_CSD_WAIT_GRAPH_H
#define KDC_CSD_WAIT_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "cpus.h"
#include "kernel.h"

#define KDC_CSD_QUEUE_MAX 4096 /* entries walked per queue */
#define KDC_WAITS_MAX 256

enum kdc_csd_via {
	KDC_VIA_MANY,	      /* smp_call_function_many(_cond) */
	KDC_VIA_SINGLE,	      /* smp_call_function_single, csd on the caller's stack */
	KDC_VIA_SINGLE_ASYNC, /* smp_call_function_single(wait=0), per-CPU csd_data */
};

struct kdc_csd_wait {
	unsigned int cpu;	/* the waiter */
	unsigned int waits_for; /* the target */
	enum kdc_csd_via via;
	uint64_t csd;	     /* the request's address */
	uint64_t func;	     /* csd->func */
	uint32_t flags;	     /* csd flags as read */
	bool queued;	     /* still on the target's call_single_queue */
	bool waiter_in_call; /* the waiter's backtrace is inside the call */
};

struct kdc_csd_graph {
	unsigned int nr;
	struct kdc_csd_wait wait[KDC_WAITS_MAX];
	unsigned int *queued; /* owned; entries pending per CPU (cpus->nr) */
	bool complete;	      /* every queue and cfd_data was readable */
	struct kdc_err err;   /* first thing that could not be read */
};

struct kdc_backtrace;

/**
 * csd_wait_graph_build() - read the call-function state of every CPU
 * @bt: each CPU's backtrace (cpus->nr entries), to confirm waiters
 * @out: always initialised; release with csd_wait_graph_fini()
 */
void csd_wait_graph_build(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
			  const struct kdc_backtrace *bt, struct kdc_csd_graph *out);

void csd_wait_graph_fini(struct kdc_csd_graph *g);

const char *kdc_csd_via_name(enum kdc_csd_via via);

#endif
