// SPDX-License-Identifier: GPL-2.0-or-later
#include "cpu_activity.h"

#include <string.h>

#include "mem.h"

/* include/linux/preempt.h, unchanged 4.18-6.12 */
#define SOFTIRQ_OFFSET 0x100u /* serving a softirq (not only bh disabled) */
#define HARDIRQ_MASK 0x000f0000u
#define NMI_MASK 0x00f00000u
#define PF_KTHREAD 0x00200000u /* include/linux/sched.h */
/* include/linux/interrupt.h: tasklet_trylock() sets bit TASKLET_STATE_RUN
 * (1) of tasklet_struct.state while the tasklet runs (SMP), 4.18-6.12 */
#define TASKLET_RUNNING 0x2u
#define STACK_BYTES_MAX (64u << 10)

static const char *const kthread_callers[] = { "kthread", NULL };
static const char *const worker_callers[] = { "process_one_work", NULL };
static const char *const hrtimer_callers[] = { "__run_hrtimer", "__hrtimer_run_queues", NULL };
static const char *const timer_callers[] = { "call_timer_fn", "expire_timers", "__run_timers",
					     NULL };
/* tasklet_action_common() (4.17+), which gcc may clone or fold into its callers */
static const char *const tasklet_callers[] = { "tasklet_action_common",
					       "tasklet_action_common.constprop.0",
					       "tasklet_action", "tasklet_hi_action", NULL };
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

/* What a CPU's dispatchers keep, each optional (an older kernel, another config). */
struct activity_layout {
	uint64_t task_flags, to_kthread, threadfn, kthread_data, worker_func, preempt_count;
	uint64_t hrt_clock_base, hrt_clock_base_size, hrt_running, hrt_function;
	uint64_t timer_running, timer_function, kprobe_pre_handler;
	uint64_t tasklet_state, tasklet_count, tasklet_func;
	bool have_task_flags, have_to_kthread, have_threadfn, have_kthread_data, have_worker_func;
	bool have_preempt_count, have_hrt_clock_base, have_hrt_running, have_hrt_function;
	bool have_timer_running, have_timer_function, have_kprobe_pre_handler;
	bool have_tasklet_state, have_tasklet_count, have_tasklet_func;
};

#define OPT(off, type, history, ...)                                                               \
	KTYPES_OPTIONAL(struct activity_layout, off, have_##off, type, history, __VA_ARGS__)
static const struct ktypes_field activity_fields[] = {
	OPT(task_flags, "task_struct", NULL, "flags"),
	/* to_kthread(): the kthread behind a task */
	OPT(to_kthread, "task_struct",
	    "Linux kernel commit 329b30af470a (\"kthread: Generalize pf_io_worker so it can "
	    "point to struct kthread\") (in v5.17): "
	    "worker_private, set_child_tid before",
	    "worker_private", "set_child_tid"),
	OPT(threadfn, "kthread", NULL, "threadfn"),
	OPT(kthread_data, "kthread", NULL, "data"),
	OPT(worker_func, "worker", NULL, "current_func"),
	/* arm64 keeps preempt_count in thread_info (the low 32 bits of a u64
	 * union with need_resched on 5.x+) */
	OPT(preempt_count, "task_struct", NULL, "thread_info.preempt_count"),
	KTYPES_OPTIONAL_SIZED(struct activity_layout, hrt_clock_base, hrt_clock_base_size,
			      have_hrt_clock_base, "hrtimer_cpu_base", NULL, "clock_base"),
	OPT(hrt_running, "hrtimer_clock_base", NULL, "running"),
	OPT(hrt_function, "hrtimer", NULL, "function"),
	OPT(timer_running, "timer_base", NULL, "running_timer"),
	OPT(timer_function, "timer_list", NULL, "function"),
	OPT(kprobe_pre_handler, "kprobe", NULL, "pre_handler"),
	OPT(tasklet_state, "tasklet_struct", NULL, "state"),
	OPT(tasklet_count, "tasklet_struct", NULL, "count"),
	/* func shares a union with callback since Linux kernel commit
	 * 12cc923f1ccc ("tasklet: Introduce new initialization API") (in v5.9) */
	OPT(tasklet_func, "tasklet_struct", NULL, "func"),
};
#undef OPT

/* *@fn = @obj->(the member at @off), a function pointer, when @have */
static bool fn_member(const struct kdc_kernel *k, uint64_t obj, bool have, uint64_t off,
		      uint64_t *fn)
{
	return obj && have && !kernel_read_u64(k, obj + off, fn, NULL);
}

static void read_kthread(const struct kdc_kernel *k, const struct activity_layout *l,
			 const struct kdc_cpu *cpu, struct kdc_cpu_activity *a)
{
	uint64_t kt = 0, fn, data = 0, worker_fn;
	uint32_t flags;

	if (!l->have_task_flags ||
	    kernel_read_u32(k, cpu->task.addr + l->task_flags, &flags, NULL) ||
	    !(flags & PF_KTHREAD))
		return;
	if (!l->have_to_kthread || kernel_read_u64(k, cpu->task.addr + l->to_kthread, &kt, NULL) ||
	    !kt)
		return;
	if (!fn_member(k, kt, l->have_threadfn, l->threadfn, &fn))
		return;
	add(a, k, fn, "kthread function", kthread_callers, kt);
	/* a workqueue worker's kthread data is its struct worker */
	{
		struct kdc_symbol_hit hit;

		if (!kernel_symbolize(k, fn, &hit) && hit.name &&
		    !strcmp(hit.name, "worker_thread") && l->have_kthread_data &&
		    !kernel_read_u64(k, kt + l->kthread_data, &data, NULL) &&
		    fn_member(k, data, l->have_worker_func, l->worker_func, &worker_fn))
			add(a, k, worker_fn, "work function (struct worker.current_func)",
			    worker_callers, data);
	}
}

static void read_percpu_dispatch(const struct kdc_kernel *k, const struct activity_layout *l,
				 const struct kdc_cpu *cpu, struct kdc_cpu_activity *a)
{
	uint64_t base, off, t, fn, size, one;

	/* one running timer per clock base: hrtimer_bases.clock_base[].running */
	if (!kernel_percpu_addr(k, "hrtimer_bases", cpu->cpu, &base, NULL) &&
	    l->have_hrt_clock_base && !ktypes_size(&k->types, "hrtimer_clock_base", &one, NULL) &&
	    one && l->hrt_clock_base_size / one <= 16 && l->have_hrt_running)
		for (uint64_t i = 0; i < l->hrt_clock_base_size / one; i++)
			if (!kernel_read_u64(k, base + l->hrt_clock_base + i * one + l->hrt_running,
					     &t, NULL) &&
			    fn_member(k, t, l->have_hrt_function, l->hrt_function, &fn))
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
	    size / one <= 4 && l->have_timer_running)
		for (uint64_t i = 0; i < size / one; i++)
			if (!kernel_read_u64(k, base + i * one + l->timer_running, &t, NULL) &&
			    fn_member(k, t, l->have_timer_function, l->timer_function, &fn))
				add(a, k, fn,
				    "running timer callback (timer_bases[].running_timer)",
				    timer_callers, t);
	if (!kernel_percpu_addr(k, "current_kprobe", cpu->cpu, &base, NULL) &&
	    !kernel_read_u64(k, base, &t, NULL) &&
	    fn_member(k, t, l->have_kprobe_pre_handler, l->kprobe_pre_handler, &fn))
		add(a, k, fn, "kprobe pre-handler (current_kprobe)", kprobe_callers, t);
}

/*
 * The tasklet a CPU serving softirqs runs. No per-CPU variable names it:
 * tasklet_action_common() unlinks the CPU's list into a local and holds
 * the tasklet in a callee-saved register, which the tasklet's function
 * (or one it calls) spills to the stack. So every word of the CPU's
 * stacks is tried as a struct tasklet_struct: one being run is marked
 * TASKLET_STATE_RUN, is enabled (count 0: the loop skips the others) and
 * holds a function's entry. Stale words point at tasklets that ran
 * before and are no longer marked; the caller's record must still be
 * live for the recovery to use the answer. The tries read through the
 * search reader (the small dump would otherwise take the page of every
 * pointer on the stacks); the tasklet found is read again as evidence.
 */
static void read_tasklets(const struct kdc_kernel *k, const struct activity_layout *l,
			  const struct kdc_cpu *cpu, struct kdc_cpu_activity *a)
{
	const struct kdc_mem search = mem_for_search(k->mem);
	uint64_t seen[KDC_DISPATCH_MAX];
	unsigned int nr_seen = 0;

	if (!a->softirq || !l->have_tasklet_state || !l->have_tasklet_count ||
	    !l->have_tasklet_func)
		return;
	for (unsigned int s = 0; s < cpu->nr_stacks; s++) {
		const struct kdc_stack_range *r = &cpu->stacks[s];

		if (r->hi <= r->lo || r->hi - r->lo > STACK_BYTES_MAX)
			continue;
		for (uint64_t at = r->lo; at + 8 <= r->hi && nr_seen < KDC_DISPATCH_MAX; at += 8) {
			uint64_t t, state, fn;
			uint32_t count;
			bool dup = false;

			/* aligned, in the kernel half of the address space */
			if (mem_read_u64(&search, at, &t, NULL) || (t & 7) || !(t >> 63))
				continue;
			for (unsigned int i = 0; i < nr_seen; i++)
				dup |= seen[i] == t;
			if (dup || mem_read_u64(&search, t + l->tasklet_state, &state, NULL) ||
			    !(state & TASKLET_RUNNING) ||
			    mem_read_u32(&search, t + l->tasklet_count, &count, NULL) || count ||
			    kernel_read_u64(k, t + l->tasklet_func, &fn, NULL) || !is_entry(k, fn))
				continue;
			seen[nr_seen++] = t;
			add(a, k, fn,
			    "running tasklet (a struct tasklet_struct on the stack marked "
			    "TASKLET_STATE_RUN)",
			    tasklet_callers, t);
		}
	}
}

void cpu_activity_read(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
		       struct kdc_cpu_activity *a)
{
	struct activity_layout l = { 0 };
	uint32_t pc;

	memset(a, 0, sizeof(*a));
	if (!cpu->have_task)
		return;
	ktypes_resolve(activity_fields, sizeof(activity_fields) / sizeof(activity_fields[0]),
		       &k->types, &l, NULL); /* every row optional: cannot fail */
	if (l.have_preempt_count &&
	    !kernel_read_u32(k, cpu->task.addr + l.preempt_count, &pc, NULL)) {
		a->have_preempt_count = true;
		a->preempt_count = pc;
		a->hardirq = pc & HARDIRQ_MASK;
		a->softirq = pc & SOFTIRQ_OFFSET;
		a->nmi = pc & NMI_MASK;
	}
	read_kthread(k, &l, cpu, a);
	read_percpu_dispatch(k, &l, cpu, a);
	read_tasklets(k, &l, cpu, a);
}

const char *cpu_activity_context(const struct kdc_cpu_activity *a)
{
	if (!a->have_preempt_count)
		return "unknown";
	return a->nmi ? "NMI" : a->hardirq ? "hard IRQ" : a->softirq ? "softirq" : "task";
}
