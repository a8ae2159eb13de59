// SPDX-License-Identifier: GPL-2.0
/*
 * kdc_test: crash scenarios for the kdump-collector QEMU harness.
 *
 * Loading it does nothing, so the harness can save /proc/kallsyms with the
 * module's symbols first; writing a scenario name to
 * /sys/module/kdc_test/parameters/trigger starts it. Every scenario prints "KDC-MARK: armed ..."
 * lines the host-side watcher uses to snapshot registers, naming the CPU and
 * task each actor runs on so the ground truth never depends on the dump.
 *
 *   csd-lockup  CPU stuck_cpu spins with IRQs masked; CPU wait_cpu calls
 *               on_each_cpu(wait=1) and spins in csd_lock_wait until the
 *               soft-lockup watchdog panics it.
 *   csd-single  the same, with smp_call_function_single(stuck_cpu, wait=1).
 *   oops        a NULL-pointer write in kdc_oops_write() on oops_cpu.
 *
 * Functions the ground truth names are noinline so they exist in kallsyms.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/irqflags.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

static int stuck_cpu = 2;
module_param(stuck_cpu, int, 0444);
static int wait_cpu = 1;
module_param(wait_cpu, int, 0444);
static int oops_cpu = 1;
module_param(oops_cpu, int, 0444);

static volatile unsigned long kdc_spin_count;
static volatile int kdc_spinner_ready;

/* Never returns: the CPU stays here with IRQs masked, so it cannot take the
 * crash-stop IPI and the dump gets no NT_PRSTATUS note for it. */
static noinline void kdc_spin_irqs_off(void)
{
	local_irq_disable();
	kdc_spinner_ready = 1;
	for (;;) {
		kdc_spin_count++;
		cpu_relax();
	}
}

static int kdc_spinner_thread(void *unused)
{
	pr_info("KDC-MARK: armed spinner cpu=%d pid=%d comm=%s fn=kdc_spin_irqs_off\n",
		smp_processor_id(), current->pid, current->comm);
	kdc_spin_irqs_off();
	return 0;
}

static noinline void kdc_ipi_noop(void *unused)
{
	kdc_spin_count++;
}

static noinline void kdc_wait_on_each_cpu(void)
{
	on_each_cpu(kdc_ipi_noop, NULL, 1);
}

static noinline void kdc_wait_single(void)
{
	smp_call_function_single(stuck_cpu, kdc_ipi_noop, NULL, 1);
}

static int kdc_waiter_thread(void *data)
{
	bool single = data != NULL;

	while (!kdc_spinner_ready)
		msleep(10);
	msleep(200);
	pr_info("KDC-MARK: armed waiter cpu=%d pid=%d comm=%s via=%s target=%d\n",
		smp_processor_id(), current->pid, current->comm,
		single ? "smp_call_function_single" : "smp_call_function_many", stuck_cpu);
	if (single)
		kdc_wait_single();
	else
		kdc_wait_on_each_cpu();
	pr_info("kdc_test: waiter unexpectedly returned\n");
	return 0;
}

static noinline void kdc_oops_write(void)
{
	volatile unsigned long *p = NULL;

	*p = 0x6b6463;	/* "kdc": the write faults with FAR = 0 */
}

static int kdc_oops_thread(void *unused)
{
	pr_info("KDC-MARK: armed oops cpu=%d pid=%d comm=%s fn=kdc_oops_write\n",
		smp_processor_id(), current->pid, current->comm);
	msleep(100);
	kdc_oops_write();
	return 0;
}

/* Created and bound but not yet running: every actor is created before any
 * starts, because once the spinner holds its CPU with IRQs masked, creating a
 * kthread can block for good (fork may place the child on that CPU). */
static struct task_struct *create_on(int (*fn)(void *), void *arg, int cpu, const char *name)
{
	struct task_struct *t = kthread_create(fn, arg, "%s", name);

	if (!IS_ERR(t))
		kthread_bind(t, cpu);
	return t;
}

static int kdc_trigger(const char *val, const struct kernel_param *kp)
{
	struct task_struct *spinner, *waiter, *oopser;
	char name[32];
	bool single;

	strscpy(name, val, sizeof(name));
	strim(name);
	single = !strcmp(name, "csd-single");
	if (!strcmp(name, "csd-lockup") || single) {
		if (stuck_cpu == wait_cpu || !cpu_online(stuck_cpu) || !cpu_online(wait_cpu))
			return -EINVAL;
		waiter = create_on(kdc_waiter_thread, single ? (void *)1 : NULL, wait_cpu, "kdc_waiter");
		if (IS_ERR(waiter))
			return PTR_ERR(waiter);
		spinner = create_on(kdc_spinner_thread, NULL, stuck_cpu, "kdc_spinner");
		if (IS_ERR(spinner)) {
			kthread_stop(waiter);
			return PTR_ERR(spinner);
		}
		wake_up_process(waiter);
		wake_up_process(spinner);
		return 0;
	}
	if (!strcmp(name, "oops")) {
		if (!cpu_online(oops_cpu))
			return -EINVAL;
		oopser = create_on(kdc_oops_thread, NULL, oops_cpu, "kdc_oops");
		if (IS_ERR(oopser))
			return PTR_ERR(oopser);
		wake_up_process(oopser);
		return 0;
	}
	return -EINVAL;
}

static const struct kernel_param_ops kdc_trigger_ops = {
	.set = kdc_trigger,
};
module_param_cb(trigger, &kdc_trigger_ops, NULL, 0200);

static int __init kdc_test_init(void)
{
	return 0;
}
module_init(kdc_test_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdump-collector crash scenarios");
