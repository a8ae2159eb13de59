// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the kernel's own per-CPU and per-task bookkeeping says a CPU was
 * doing, without its registers: the context it was in (preempt_count) and
 * the functions its dispatchers were running at the time, each read from
 * a structure the dispatcher sets before the indirect call and clears after:
 *  - a kthread's thread function: struct kthread.threadfn
 *    (task->worker_private since Linux kernel commit e32cf5dfbe22
 *    ("kthread: Generalize pf_io_worker so it can point to struct kthread")
 *    (in v5.17); task->set_child_tid before), and, for a workqueue worker,
 *    struct worker.current_func (kernel/workqueue.c process_one_work());
 *  - the running hrtimer's callback: per-CPU hrtimer_bases.clock_base[].running
 *    (kernel/time/hrtimer.c __run_hrtimer());
 *  - the running timer_list callback: per-CPU timer_bases[].running_timer
 *    (kernel/time/timer.c expire_timers());
 *  - the kprobe whose handler runs: per-CPU current_kprobe
 *    (arch/arm64/kernel/probes/kprobes.c kprobe_handler()).
 * Each function pointer is accepted only when it is a function's entry.
 */
#ifndef KDC_CPU_ACTIVITY_H
#define KDC_CPU_ACTIVITY_H

#include <stdbool.h>
#include <stdint.h>

#include "cpus.h"
#include "kernel.h"

#define KDC_DISPATCH_MAX 8

struct kdc_dispatch {
	uint64_t fn;		    /* the function the dispatcher called */
	const char *kind;	    /* "kthread function", ...; static */
	const char *const *callers; /* functions that make the call; static, NULL-ended */
	uint64_t object;	    /* the struct it was read from */
	uint64_t site;		    /* the call instruction, when known; else 0 */
};

struct kdc_cpu_activity {
	bool have_preempt_count;
	uint32_t preempt_count;
	bool hardirq, softirq, nmi; /* in_hardirq(), in_serving_softirq(), in_nmi() */
	unsigned int nr;
	struct kdc_dispatch d[KDC_DISPATCH_MAX];
};

/** cpu_activity_read() - @cpu's context and dispatchers; what cannot be read is left out */
void cpu_activity_read(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
		       struct kdc_cpu_activity *out);

/** cpu_activity_context() - "hard IRQ", "softirq", "NMI" or "task" */
const char *cpu_activity_context(const struct kdc_cpu_activity *a);

#endif
