// SPDX-License-Identifier: GPL-2.0-or-later
#include "cpu_activity.h"

#include <string.h>

#include "mem.h"

/* include/linux/preempt.h, unchanged 4.18-6.12 */
#define SOFTIRQ_OFFSET 0x100u /* serving a softirq (not only bh disabled) */
#define HARDIRQ_MASK 0x000f0000u
#define NMI_MASK 0x00f00000u
#define PF_KTHREAD 0x00200000u /* include/linux/sched.h */

static const char *const kthread_callers[] = { "kthread", NULL };
static const char *const worker_callers[] = { "process_one_work", NULL };
static const char *const hrtimer_callers[] = { "__run_hrtimer", "__hrtimer_run_queues", NULL };
static const char *const timer_callers[] = { "call_timer_fn", "expire_timers", "__run_timers",
					     NULL };
/* arm64 kprobe_handler() is static and may be inlined into its caller,
 * kprobe_breakpoint_handler() (6.1) or kprobe_brk_handler() (6.12) */
static const char *const kprobe_callers[] = { "kprobe_handler", "kprobe_breakpoint_handler",
					      "kprobe_brk_handler", NULL };

static bool is_entry(const struct kdc_kernel *k, uint64_t fn)
{
	struct kdc_symbol_hit hit;

	return fn && !kernel_symbolize(k, fn, &hit) && hit.name && hit.offset == 0;
}

static void add(struct kdc_cpu_activity *a, const struct kdc_kernel *k, uint64_t fn,
		const char *kind, const char *const *callers, uint64_t object)
{
	if (a->nr < KDC_DISPATCH_MAX && is_entry(k, fn))
		a->d[a->nr++] = (struct kdc_dispatch){ fn, kind, callers, object, 0 };
}

/* @obj->@member, a function pointer, when the member exists */
static bool fn_member(const struct kdc_kernel *k, uint64_t obj, const char *type,
		      const char *member, uint64_t *fn)
{
	uint64_t off;

	return obj && !ktypes_member(&k->types, type, member, &off, NULL, NULL) &&
	       !kernel_read_u64(k, obj + off, fn, NULL);
}

static void read_kthread(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
			 struct kdc_cpu_activity *a)
{
	uint64_t off, kt = 0, fn, data = 0, worker_fn;
	uint32_t flags;

	if (ktypes_member(&k->types, "task_struct", "flags", &off, NULL, NULL) ||
	    kernel_read_u32(k, cpu->task.addr + off, &flags, NULL) || !(flags & PF_KTHREAD))
		return;
	/* to_kthread(): worker_private (5.17+), set_child_tid before */
	if ((ktypes_member(&k->types, "task_struct", "worker_private", &off, NULL, NULL) &&
	     ktypes_member(&k->types, "task_struct", "set_child_tid", &off, NULL, NULL)) ||
	    kernel_read_u64(k, cpu->task.addr + off, &kt, NULL) || !kt)
		return;
	if (!fn_member(k, kt, "kthread", "threadfn", &fn))
		return;
	add(a, k, fn, "kthread function", kthread_callers, kt);
	/* a workqueue worker's kthread data is its struct worker */
	{
		struct kdc_symbol_hit hit;

		if (!kernel_symbolize(k, fn, &hit) && hit.name &&
		    !strcmp(hit.name, "worker_thread") &&
		    !ktypes_member(&k->types, "kthread", "data", &off, NULL, NULL) &&
		    !kernel_read_u64(k, kt + off, &data, NULL) &&
		    fn_member(k, data, "worker", "current_func", &worker_fn))
			add(a, k, worker_fn, "work function (struct worker.current_func)",
			    worker_callers, data);
	}
}

static void read_percpu_dispatch(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
				 struct kdc_cpu_activity *a)
{
	uint64_t base, off, t, fn, size, one, run;

	/* one running timer per clock base: hrtimer_bases.clock_base[].running */
	if (!kernel_percpu_addr(k, "hrtimer_bases", cpu->cpu, &base, NULL) &&
	    !ktypes_member(&k->types, "hrtimer_cpu_base", "clock_base", &off, &size, NULL) &&
	    !ktypes_size(&k->types, "hrtimer_clock_base", &one, NULL) && one && size / one <= 16 &&
	    !ktypes_member(&k->types, "hrtimer_clock_base", "running", &run, NULL, NULL))
		for (uint64_t i = 0; i < size / one; i++)
			if (!kernel_read_u64(k, base + off + i * one + run, &t, NULL) &&
			    fn_member(k, t, "hrtimer", "function", &fn))
				add(a, k, fn,
				    "running hrtimer callback "
				    "(hrtimer_bases.clock_base[].running)",
				    hrtimer_callers, t);
	/* timer_bases is an array of struct timer_base (BASE_STD, BASE_DEF, ...);
	 * read out of code its size is unknown: NR_BASES is 2 with NO_HZ_COMMON
	 * until Linux kernel commit 83a665dc99a7 ("timers: Keep the pinned timers
	 * separate from the others") (in v6.9) added BASE_GLOBAL */
	if (!kernel_percpu_addr(k, "timer_bases", cpu->cpu, &base, NULL) &&
	    !kernel_percpu_var(k, "timer_bases", &off, &size, NULL) &&
	    !ktypes_size(&k->types, "timer_base", &one, NULL) && one &&
	    (size || (size = one * (ktypes_size(&k->types, "tmigr_cpu", &t, NULL) ? 2 : 3))) &&
	    size / one <= 4 &&
	    !ktypes_member(&k->types, "timer_base", "running_timer", &off, NULL, NULL))
		for (uint64_t i = 0; i < size / one; i++)
			if (!kernel_read_u64(k, base + i * one + off, &t, NULL) &&
			    fn_member(k, t, "timer_list", "function", &fn))
				add(a, k, fn,
				    "running timer callback (timer_bases[].running_timer)",
				    timer_callers, t);
	if (!kernel_percpu_addr(k, "current_kprobe", cpu->cpu, &base, NULL) &&
	    !kernel_read_u64(k, base, &t, NULL) && fn_member(k, t, "kprobe", "pre_handler", &fn))
		add(a, k, fn, "kprobe pre-handler (current_kprobe)", kprobe_callers, t);
}

void cpu_activity_read(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
		       struct kdc_cpu_activity *a)
{
	uint64_t off, size;
	uint32_t pc;

	memset(a, 0, sizeof(*a));
	if (!cpu->have_task)
		return;
	/* arm64 keeps preempt_count in thread_info (the low 32 bits of a u64
	 * union with need_resched on 5.x+) */
	if (!ktypes_member(&k->types, "task_struct", "thread_info.preempt_count", &off, &size,
			   NULL) &&
	    !kernel_read_u32(k, cpu->task.addr + off, &pc, NULL)) {
		a->have_preempt_count = true;
		a->preempt_count = pc;
		a->hardirq = pc & HARDIRQ_MASK;
		a->softirq = pc & SOFTIRQ_OFFSET;
		a->nmi = pc & NMI_MASK;
	}
	read_kthread(k, cpu, a);
	read_percpu_dispatch(k, cpu, a);
}

const char *cpu_activity_context(const struct kdc_cpu_activity *a)
{
	if (!a->have_preempt_count)
		return "unknown";
	return a->nmi ? "NMI" : a->hardirq ? "hard IRQ" : a->softirq ? "softirq" : "task";
}
