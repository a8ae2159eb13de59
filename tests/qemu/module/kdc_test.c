// SPDX-License-Identifier: GPL-2.0
/*
 * kdc_test: crash scenarios for the kdump-collector QEMU harness.
 *
 * Loading it does nothing, so the harness can save /proc/kallsyms with the
 * module's symbols first; writing a scenario name to
 * /sys/module/kdc_test/parameters/trigger starts it. Every actor prints a
 * "KDC-MARK: armed ..." line the host-side watcher uses to snapshot
 * registers, naming the CPU, the task and the function the ground truth
 * holds it to, so the truth never depends on the dump.
 *
 * A scenario puts up to two CPUs (stuck_cpu, stuck2_cpu) into a stuck
 * shape, then a waiter on wait_cpu blocks on them until a lockup detector
 * panics the machine (or the harness panics it with sysrq). The shapes vary
 * the code on purpose, because the collector has to find the stuck function
 * on code it has never seen:
 *
 *   noreturn       a leaf with no return, called from the thread function
 *   leaf           a leaf that could return, called after other calls that
 *                  left stale frame records below the live ones
 *   nested         thread -> outer -> inner -> leaf, with returned siblings
 *   udelay         a loop calling udelay() (a kernel helper, through the
 *                  module PLT): the PC moves in and out of __delay
 *   helper         a loop calling a module-local helper every iteration
 *   inline         the loop inlined into the thread function itself
 *   aa             spin_lock_irqsave() twice on one lock: queued_spin_lock_slowpath
 *   abba-1/abba-2  two CPUs, each holding the lock the other one wants
 *   hrtimer        a hard-IRQ hrtimer callback (leaf) interrupting a busy kthread
 *   hrtimer-helper a hard-IRQ hrtimer callback (non-leaf) interrupting idle
 *   timer          a timer_list callback (softirq, leaf) masking IRQs
 *   tasklet        a tasklet callback (softirq, non-leaf) masking IRQs
 *   kprobe         a kprobe pre-handler (debug exception, leaf) on a module function
 *   work           a work item (kworker, not a kthread of ours) whose function
 *                  polls with IRQs saved/masked, calling an accounting helper
 *                  every 4096 rounds (the PC is nearly always in the poll)
 *   fnptr          a loop that calls its step function through a pointer
 *                  (BLR, not BL), reached itself through an ops table
 *   deep           recursion six levels deep, then a leaf spin; a returned
 *                  call at every level leaves stale records between live ones
 *   locked         a poll loop under spin_lock_irqsave(): the masking is in
 *                  the kernel's _raw_spin_lock_irqsave, whose returned
 *                  record stays below the live frame
 *   csd-a/csd-b    two CPUs with IRQs masked each smp_call_function_single()
 *                  the other with wait=1: a cross-call deadlock, each stuck
 *                  in csd_lock_wait() inlined into smp_call_function_single
 *   kvm-exit       an ftrace callback on kvm_handle_guest_abort, in the vCPU thread
 *   kvm-kprobe     a kprobe pre-handler on kvm_handle_guest_abort, in the vCPU thread
 *   kvm-ws         an ftrace callback on a world-switch function (ws_func),
 *                  between guest exit and host-state restore, DAIF masked
 *   nvhe-ws        "b ." patched into the nVHE world switch right after
 *                  __guest_enter returns: the CPU spins at EL2
 *
 * Waiters: many (on_each_cpu), single (smp_call_function_single), kick
 * (kick_all_cpus_sync, the seed incident's waiter), stop (stop_machine),
 * rcu (synchronize_rcu; the harness sets panic_on_rcu_stall), none.
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
#include <linux/spinlock.h>
#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/interrupt.h>
#include <linux/kprobes.h>
#include <linux/ftrace.h>
#include <linux/stop_machine.h>
#include <linux/workqueue.h>
#include <linux/rcupdate.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/version.h>
#include <asm/cacheflush.h>

/*
 * 5.10 (Debian 11): ftrace callbacks take struct pt_regs * (struct
 * ftrace_regs came in 5.11), and ftrace recursion protection is the default
 * (the flag that asks for it, FTRACE_OPS_FL_RECURSION, is 5.11's; 5.10 has
 * the opposite one, FTRACE_OPS_FL_RECURSION_SAFE, which is left clear).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define kdc_ftrace_regs pt_regs
#define KDC_FTRACE_FLAGS 0
#else
#define kdc_ftrace_regs ftrace_regs
#define KDC_FTRACE_FLAGS FTRACE_OPS_FL_RECURSION
#endif

static int stuck_cpu = 2;
module_param(stuck_cpu, int, 0644);
static int stuck2_cpu = 3;
module_param(stuck2_cpu, int, 0644);
static int wait_cpu = 1;
module_param(wait_cpu, int, 0644);
static int oops_cpu = 1;
module_param(oops_cpu, int, 0644);
/* the vCPU thread the KVM hooks act in, and its CPU */
static int kvm_pid;
module_param(kvm_pid, int, 0644);
static int kvm_cpu = 3;
module_param(kvm_cpu, int, 0644);
/* the world-switch function kvm-ws hooks (the harness picks it from
 * available_filter_functions) */
static char ws_func[64] = "sysreg_save_guest_state_vhe";
module_param_string(ws_func, ws_func, sizeof(ws_func), 0644);
/* nvhe-ws: __kvm_nvhe___kvm_vcpu_run and __kvm_nvhe___guest_enter, from
 * kallsyms; where kallsyms has no __kvm_nvhe_ symbols (5.10), their offsets
 * from _stext in the -dbg vmlinux, and _stext from kallsyms */
static unsigned long hyp_run_addr, hyp_enter_addr, text_addr, hyp_run_off, hyp_enter_off;
module_param(hyp_run_addr, ulong, 0644);
module_param(hyp_enter_addr, ulong, 0644);
module_param(text_addr, ulong, 0644);
module_param(hyp_run_off, ulong, 0644);
module_param(hyp_enter_off, ulong, 0644);

static volatile unsigned long kdc_spin_count;
static volatile int kdc_stop;		/* never set: the "could return" shapes stay put */
static atomic_t kdc_ready = ATOMIC_INIT(0);
static int kdc_expected;		/* actors that must be in place before the waiter */
static int kdc_target_cpu;		/* the first stuck CPU: smp_call_function_single's target */

/* Inline so leaf shapes stay leaves. */
static __always_inline void kdc_in_place(void)
{
	atomic_inc(&kdc_ready);
}

static void kdc_armed(const char *fn, const char *shape, const char *extra)
{
	pr_info("KDC-MARK: armed spinner cpu=%d pid=%d comm=%s fn=%s shape=%s%s%s\n",
		raw_smp_processor_id(), current->pid, current->comm, fn, shape,
		extra ? " " : "", extra ? extra : "");
}

/* ---- shapes run by a kthread bound to the stuck CPU ---------------------- */

/* Never returns: the CPU stays here with IRQs masked, so it cannot take the
 * crash-stop IPI and the dump gets no NT_PRSTATUS note for it. */
static noinline void kdc_spin_irqs_off(void)
{
	local_irq_disable();
	kdc_in_place();
	for (;;) {
		kdc_spin_count++;
		cpu_relax();
	}
}

static int kdc_spinner_thread(void *unused)
{
	kdc_armed("kdc_spin_irqs_off", "noreturn", NULL);
	kdc_spin_irqs_off();
	return 0;
}

/* A leaf that would return if kdc_stop were ever set. */
static noinline void kdc_leaf_spin(void)
{
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop)) {
		kdc_spin_count++;
		cpu_relax();
	}
	local_irq_enable();
}

static int kdc_leaf_thread(void *unused)
{
	/* returned calls leave their frame records below this frame */
	msleep(20);
	pr_info("kdc_test: leaf thread on CPU %d\n", raw_smp_processor_id());
	kdc_armed("kdc_leaf_spin", "leaf", NULL);
	kdc_leaf_spin();
	pr_info("kdc_test: leaf spin returned\n");
	return 0;
}

static noinline unsigned long kdc_compute(unsigned long x)
{
	unsigned long acc = 0;

	for (int i = 0; i < 64; i++)
		acc += (x ^ (acc << 3)) + i;
	return acc;
}

static noinline void kdc_nested_leaf_spin(unsigned long seed)
{
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop)) {
		kdc_spin_count += seed;
		cpu_relax();
	}
	local_irq_enable();
}

static noinline void kdc_nested_inner(unsigned long seed)
{
	unsigned long v = kdc_compute(seed);

	pr_info("kdc_test: nested inner %lu\n", v & 0xff);
	kdc_nested_leaf_spin(v);
	kdc_spin_count += v;
}

static noinline void kdc_nested_outer(unsigned long seed)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "seed %lu", seed);
	kdc_nested_inner(kdc_compute(seed) + strlen(buf));
	kdc_spin_count++;
}

static int kdc_nested_thread(void *unused)
{
	msleep(10);
	kdc_armed("kdc_nested_leaf_spin", "nested", NULL);
	kdc_nested_outer(7);
	return 0;
}

static noinline void kdc_udelay_spin(void)
{
	local_irq_disable();
	kdc_in_place();
	for (;;) {
		udelay(5);
		kdc_spin_count++;
		if (READ_ONCE(kdc_stop))
			break;
	}
	local_irq_enable();
}

static int kdc_udelay_thread(void *unused)
{
	kdc_armed("kdc_udelay_spin", "udelay", "also=__delay,__delay_cycles,__const_udelay,__udelay");
	kdc_udelay_spin();
	return 0;
}

static noinline void kdc_relax_helper(void)
{
	for (int i = 0; i < 8; i++)
		cpu_relax();
	kdc_spin_count++;
}

static noinline void kdc_helper_spin(void)
{
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop))
		kdc_relax_helper();
	local_irq_enable();
}

static int kdc_helper_thread(void *unused)
{
	kdc_armed("kdc_helper_spin", "helper", "also=kdc_relax_helper");
	kdc_helper_spin();
	return 0;
}

static __always_inline void kdc_inline_spin(void)
{
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop)) {
		kdc_spin_count += 3;
		cpu_relax();
	}
	local_irq_enable();
}

static int kdc_inline_thread(void *unused)
{
	msleep(10);
	kdc_armed("kdc_inline_thread", "inline", NULL);
	kdc_inline_spin();
	pr_info("kdc_test: inline spin returned\n");
	return 0;
}

static DEFINE_SPINLOCK(kdc_lock_a);
static DEFINE_SPINLOCK(kdc_lock_b);

static noinline void kdc_aa_lock(void)
{
	unsigned long f1, f2;

	spin_lock_irqsave(&kdc_lock_a, f1);
	kdc_in_place();
	spin_lock_irqsave(&kdc_lock_a, f2);	/* the CPU's own lock: never granted */
	spin_unlock_irqrestore(&kdc_lock_a, f2);
	spin_unlock_irqrestore(&kdc_lock_a, f1);
}

static int kdc_aa_thread(void *unused)
{
	kdc_armed("queued_spin_lock_slowpath", "aa", "caller=kdc_aa_lock");
	kdc_aa_lock();
	return 0;
}

static atomic_t kdc_abba_held = ATOMIC_INIT(0);

static noinline void kdc_abba_take(spinlock_t *first, spinlock_t *second)
{
	spin_lock_irq(first);
	kdc_in_place();
	atomic_inc(&kdc_abba_held);
	while (atomic_read(&kdc_abba_held) < 2)
		cpu_relax();
	spin_lock(second);
	spin_unlock(second);
	spin_unlock_irq(first);
}

static int kdc_abba_thread(void *second_half)
{
	kdc_armed("queued_spin_lock_slowpath", second_half ? "abba-2" : "abba-1",
		  "caller=kdc_abba_take");
	if (second_half)
		kdc_abba_take(&kdc_lock_b, &kdc_lock_a);
	else
		kdc_abba_take(&kdc_lock_a, &kdc_lock_b);
	return 0;
}

/* ---- interrupt and softirq context ---------------------------------------- */

static struct hrtimer kdc_hrtimer[2];

static noinline enum hrtimer_restart kdc_hrtimer_spin(struct hrtimer *t)
{
	kdc_in_place();
	for (;;)
		cpu_relax();
	return HRTIMER_NORESTART;
}

static noinline enum hrtimer_restart kdc_hrtimer_helper_spin(struct hrtimer *t)
{
	kdc_in_place();
	while (!READ_ONCE(kdc_stop))
		kdc_relax_helper();
	return HRTIMER_NORESTART;
}

/* What the leaf hrtimer interrupts: a busy kthread with IRQs on. */
static noinline void kdc_irq_victim(void)
{
	while (!READ_ONCE(kdc_stop)) {
		kdc_spin_count++;
		cpu_relax();
	}
}

static int kdc_hrtimer_thread(void *helper)
{
	struct hrtimer *t = &kdc_hrtimer[helper ? 1 : 0];

	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	t->function = helper ? kdc_hrtimer_helper_spin : kdc_hrtimer_spin;
	if (helper) {
		/* the timer interrupts the idle task */
		pr_info("KDC-MARK: armed spinner cpu=%d pid=0 comm=swapper/%d "
			"fn=kdc_hrtimer_helper_spin shape=hrtimer-helper context=hardirq "
			"interrupted=idle also=kdc_relax_helper\n",
			raw_smp_processor_id(), raw_smp_processor_id());
		hrtimer_start(t, ms_to_ktime(100), HRTIMER_MODE_REL_PINNED_HARD);
		while (!kthread_should_stop())
			msleep_interruptible(10000);
		return 0;
	}
	kdc_armed("kdc_hrtimer_spin", "hrtimer", "context=hardirq interrupted=kdc_irq_victim");
	hrtimer_start(t, ms_to_ktime(100), HRTIMER_MODE_REL_PINNED_HARD);
	kdc_irq_victim();
	return 0;
}

static struct timer_list kdc_timer;

static noinline void kdc_timer_spin(struct timer_list *t)
{
	local_irq_disable();
	kdc_in_place();
	for (;;)
		cpu_relax();
}

static int kdc_timer_thread(void *unused)
{
	pr_info("KDC-MARK: armed spinner cpu=%d pid=0 comm=swapper/%d fn=kdc_timer_spin "
		"shape=timer context=softirq interrupted=idle\n",
		raw_smp_processor_id(), raw_smp_processor_id());
	timer_setup(&kdc_timer, kdc_timer_spin, 0);
	kdc_timer.expires = jiffies + msecs_to_jiffies(100);
	add_timer_on(&kdc_timer, raw_smp_processor_id());
	while (!kthread_should_stop())
		msleep_interruptible(10000);
	return 0;
}

static struct tasklet_struct kdc_tasklet;

static noinline void kdc_tasklet_spin(struct tasklet_struct *t)
{
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop))
		kdc_relax_helper();
	local_irq_enable();
}

static int kdc_tasklet_thread(void *unused)
{
	kdc_armed("kdc_tasklet_spin", "tasklet", "context=softirq also=kdc_relax_helper");
	tasklet_setup(&kdc_tasklet, kdc_tasklet_spin);
	tasklet_schedule(&kdc_tasklet);
	while (!kthread_should_stop())
		msleep_interruptible(10000);
	return 0;
}

/* ---- exception-entered hooks ---------------------------------------------- */

static noinline int kdc_kprobe_spin(struct kprobe *p, struct pt_regs *regs)
{
	local_irq_disable();
	kdc_in_place();
	for (;;)
		cpu_relax();
	return 0;
}

static noinline void kdc_kprobe_target(unsigned long n)
{
	kdc_spin_count += n;
}

static struct kprobe kdc_kprobe = {
	.pre_handler = kdc_kprobe_spin,
};

static int kdc_kprobe_thread(void *unused)
{
	int err;

	kdc_kprobe.addr = (kprobe_opcode_t *)kdc_kprobe_target;
	err = register_kprobe(&kdc_kprobe);
	if (err) {
		pr_err("KDC-MARK: harness-error register_kprobe: %d\n", err);
		return 0;
	}
	kdc_armed("kdc_kprobe_spin", "kprobe", "context=exception interrupted=kdc_kprobe_target");
	for (unsigned long n = 0; !kthread_should_stop(); n++) {
		kdc_kprobe_target(n);
		cpu_relax();
	}
	return 0;
}

/* KVM: only the vCPU thread (kvm_pid) is held; every other caller passes. */
static noinline void kdc_ftrace_kvm_spin(unsigned long ip, unsigned long parent_ip,
					 struct ftrace_ops *op, struct kdc_ftrace_regs *fregs)
{
	if (current->pid != READ_ONCE(kvm_pid))
		return;
	local_irq_disable();
	kdc_in_place();
	for (;;)
		cpu_relax();
}

static noinline void kdc_ws_spin(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *op, struct kdc_ftrace_regs *fregs)
{
	if (current->pid != READ_ONCE(kvm_pid))
		return;
	/* inside the world switch: DAIF is already masked, the guest's
	 * registers are saved, ELR_EL2 still holds the exit's guest PC */
	kdc_in_place();
	for (;;)
		cpu_relax();
}

static struct ftrace_ops kdc_kvm_exit_ops = {
	.func = kdc_ftrace_kvm_spin, .flags = KDC_FTRACE_FLAGS,
};
static struct ftrace_ops kdc_ws_ops = { .func = kdc_ws_spin, .flags = KDC_FTRACE_FLAGS };

static noinline int kdc_kvm_kprobe_spin(struct kprobe *p, struct pt_regs *regs)
{
	if (current->pid != READ_ONCE(kvm_pid))
		return 0;
	local_irq_disable();
	kdc_in_place();
	for (;;)
		cpu_relax();
	return 0;
}

static struct kprobe kdc_kvm_kprobe = {
	.symbol_name = "kvm_handle_guest_abort",
	.pre_handler = kdc_kvm_kprobe_spin,
};

static int kdc_hook_ftrace(struct ftrace_ops *ops, const char *func)
{
	int err = ftrace_set_filter(ops, (unsigned char *)func, strlen(func), 1);

	if (!err)
		err = register_ftrace_function(ops);
	if (err)
		pr_err("KDC-MARK: harness-error ftrace on %s: %d\n", func, err);
	return err;
}

static void kdc_kvm_armed(const char *fn, const char *shape, const char *extra)
{
	pr_info("KDC-MARK: armed spinner cpu=%d pid=%d comm=kvm_guest fn=%s shape=%s %s\n",
		kvm_cpu, kvm_pid, fn, shape, extra);
}

/* "b ." after the nVHE world switch's call to __guest_enter, so the CPU
 * spins at EL2 once the guest next exits. QEMU's TCG notices the write to
 * the code page; the cache maintenance is what real hardware needs. */
static int kdc_patch_nvhe(void)
{
	const u32 *insn = (const u32 *)hyp_run_addr;
	struct page *pg;
	void *alias;
	int i, cpu;

	if (!hyp_run_addr && text_addr && hyp_run_off && hyp_enter_off) {
		hyp_run_addr = text_addr + hyp_run_off;
		hyp_enter_addr = text_addr + hyp_enter_off;
		insn = (const u32 *)hyp_run_addr;
	}
	if (!hyp_run_addr || !hyp_enter_addr)
		return -EINVAL;
	for (i = 0; i < 2048; i++) {
		u32 v = insn[i];
		long off;

		if ((v & 0xfc000000u) != 0x94000000u)	/* BL */
			continue;
		off = (long)((v & 0x03ffffffu) << 6) >> 4;	/* imm26 * 4, sign-extended */
		if ((unsigned long)&insn[i] + off == hyp_enter_addr)
			break;
	}
	if (i == 2048)
		return -ENOENT;
	pg = phys_to_page(__pa_symbol(&insn[i + 1]));
	alias = vmap(&pg, 1, VM_MAP, PAGE_KERNEL);
	if (!alias)
		return -ENOMEM;
	*(volatile u32 *)((char *)alias + offset_in_page(&insn[i + 1])) = 0x14000000u; /* b . */
	vunmap(alias);
	/*
	 * From here the vCPU's CPU can be caught at EL2. flush_icache_range()
	 * ends in kick_all_cpus_sync(): if that CPU is caught before it takes
	 * the IPI (seen with -cpu cortex-a57), this thread is the waiter, so
	 * it is marked as one and released only if the kick returns.
	 */
	cpu = get_cpu();
	pr_info("KDC-MARK: armed spinner cpu=%d pid=%d comm=kvm_guest "
		"fn=__kvm_nvhe___kvm_vcpu_run shape=nvhe-ws context=el2 patched=0x%lx\n",
		kvm_cpu, kvm_pid, (unsigned long)&insn[i + 1]);
	pr_info("KDC-MARK: armed waiter cpu=%d pid=%d comm=%s via=kick_all_cpus_sync target=%d "
		"for=icache-sync\n", cpu, current->pid, current->comm, kvm_cpu);
	flush_icache_range((unsigned long)&insn[i + 1], (unsigned long)&insn[i + 2]);
	pr_info("KDC-MARK: released waiter cpu=%d pid=%d\n", cpu, current->pid);
	put_cpu();
	return 0;
}

/* ---- waiters ---------------------------------------------------------------- */

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
	smp_call_function_single(kdc_target_cpu, kdc_ipi_noop, NULL, 1);
}

static noinline void kdc_wait_kick(void)
{
	kick_all_cpus_sync();
}

static noinline int kdc_stop_fn(void *unused)
{
	kdc_spin_count++;
	return 0;
}

static noinline void kdc_wait_stop(void)
{
	stop_machine(kdc_stop_fn, NULL, NULL);
}

static noinline void kdc_wait_rcu(void)
{
	synchronize_rcu();
}

enum kdc_waiter { W_NONE, W_MANY, W_SINGLE, W_KICK, W_STOP, W_RCU };

static const char *const waiter_via[] = {
	[W_MANY] = "smp_call_function_many",
	[W_SINGLE] = "smp_call_function_single",
	[W_KICK] = "kick_all_cpus_sync",
	[W_STOP] = "stop_machine",
	[W_RCU] = "synchronize_rcu",
};

static int kdc_waiter_thread(void *data)
{
	enum kdc_waiter w = (enum kdc_waiter)(unsigned long)data;
	while (atomic_read(&kdc_ready) < kdc_expected)
		msleep(10);
	msleep(200);
	pr_info("KDC-MARK: armed waiter cpu=%d pid=%d comm=%s via=%s target=%d\n",
		raw_smp_processor_id(), current->pid, current->comm, waiter_via[w],
		kdc_target_cpu);
	switch (w) {
	case W_MANY: kdc_wait_on_each_cpu(); break;
	case W_SINGLE: kdc_wait_single(); break;
	case W_KICK: kdc_wait_kick(); break;
	case W_STOP: kdc_wait_stop(); break;
	case W_RCU: kdc_wait_rcu(); break;
	case W_NONE: break;
	}
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

/* ---- shapes the recovery was not tuned on (added after its scores) ---------- */

struct kdc_poll {
	unsigned long polls, accounted;
	int done;			/* never set */
};

static struct kdc_poll kdc_work_state;

static noinline void kdc_work_account(struct kdc_poll *p)
{
	p->accounted += p->polls >> 12;
	kdc_spin_count++;
}

static noinline void kdc_work_poll(struct kdc_poll *p)
{
	unsigned long flags;

	local_irq_save(flags);
	kdc_in_place();
	while (!READ_ONCE(p->done)) {
		if ((++p->polls & 0xfff) == 0)
			kdc_work_account(p);
		cpu_relax();
	}
	local_irq_restore(flags);
}

static void kdc_work_fn(struct work_struct *w)
{
	kdc_armed("kdc_work_poll", "work", "also=kdc_work_account");
	kdc_work_poll(&kdc_work_state);
}

static DECLARE_WORK(kdc_work, kdc_work_fn);

/* The kthread only queues the work on its CPU and sleeps: the kworker spins. */
static int kdc_work_thread(void *unused)
{
	queue_work_on(raw_smp_processor_id(), system_highpri_wq, &kdc_work);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	return 0;
}

struct kdc_ops {
	void (*run)(unsigned long);
	unsigned long (*step)(unsigned long);
};

static noinline unsigned long kdc_fnptr_step(unsigned long v)
{
	kdc_spin_count++;
	return v * 33 + 7;
}

static noinline void kdc_fnptr_loop(unsigned long seed);

static const struct kdc_ops kdc_ops = { .run = kdc_fnptr_loop, .step = kdc_fnptr_step };
static const struct kdc_ops *volatile kdc_ops_ptr = &kdc_ops;

static noinline void kdc_fnptr_loop(unsigned long seed)
{
	const struct kdc_ops *ops = kdc_ops_ptr;
	unsigned long v = kdc_compute(seed);	/* returns: a stale record below */

	preempt_disable();
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop))
		v = ops->step(v);
	local_irq_enable();
	preempt_enable();
	kdc_spin_count += v;
}

static int kdc_fnptr_thread(void *unused)
{
	kdc_armed("kdc_fnptr_loop", "fnptr", "also=kdc_fnptr_step");
	kdc_ops_ptr->run(3);
	return 0;
}

static noinline void kdc_deep_spin(unsigned long depth)
{
	local_irq_disable();
	kdc_in_place();
	while (!READ_ONCE(kdc_stop)) {
		kdc_spin_count += depth;
		cpu_relax();
	}
	local_irq_enable();
}

static noinline unsigned long kdc_recurse(unsigned long n)
{
	unsigned long v = kdc_compute(n);	/* returned before the deeper call */

	if (!n) {
		kdc_deep_spin(v);
		return v;
	}
	return kdc_recurse(n - 1) + v;
}

static int kdc_deep_thread(void *unused)
{
	msleep(10);
	kdc_armed("kdc_deep_spin", "deep", NULL);
	kdc_spin_count += kdc_recurse(6);
	return 0;
}

static DEFINE_SPINLOCK(kdc_lock_c);

static noinline void kdc_locked_poll(void)
{
	unsigned long flags;

	spin_lock_irqsave(&kdc_lock_c, flags);
	kdc_in_place();
	while (!READ_ONCE(kdc_stop)) {
		kdc_spin_count++;
		cpu_relax();
	}
	spin_unlock_irqrestore(&kdc_lock_c, flags);
}

static int kdc_locked_thread(void *unused)
{
	kdc_armed("kdc_locked_poll", "locked", NULL);
	kdc_locked_poll();
	return 0;
}

static atomic_t kdc_csd_cycle = ATOMIC_INIT(0);

/* Both CPUs mask IRQs first, then each waits for the other to run its
 * function: neither can take the other's IPI (smp_call_function_single
 * warns about IRQs off and goes on). */
static int kdc_csd_cycle_thread(void *other_cpu)
{
	int other = (int)(unsigned long)other_cpu;

	kdc_armed("smp_call_function_single", "csd-cycle", NULL);
	pr_info("KDC-MARK: armed waiter cpu=%d pid=%d comm=%s via=smp_call_function_single "
		"target=%d\n", raw_smp_processor_id(), current->pid, current->comm, other);
	local_irq_disable();
	atomic_inc(&kdc_csd_cycle);
	while (atomic_read(&kdc_csd_cycle) < 2)
		cpu_relax();
	kdc_in_place();
	smp_call_function_single(other, kdc_ipi_noop, NULL, 1);
	local_irq_enable();
	return 0;
}

/* ---- scenarios ---------------------------------------------------------------- */

enum kdc_shape {
	S_NONE, S_NORETURN, S_LEAF, S_NESTED, S_UDELAY, S_HELPER, S_INLINE, S_AA, S_ABBA1,
	S_ABBA2, S_HRTIMER, S_HRTIMER_HELPER, S_TIMER, S_TASKLET, S_KPROBE, S_KVM_EXIT,
	S_KVM_KPROBE, S_KVM_WS, S_NVHE_WS, S_WORK, S_FNPTR, S_DEEP, S_LOCKED, S_CSD_A, S_CSD_B,
};

struct kdc_scenario {
	const char *name;
	enum kdc_shape shape1, shape2;	/* on stuck_cpu, stuck2_cpu (or kvm_cpu) */
	enum kdc_waiter waiter;
};

static const struct kdc_scenario kdc_scenarios[] = {
	{ "csd-lockup", S_NORETURN, S_NONE, W_MANY },
	{ "csd-single", S_NORETURN, S_NONE, W_SINGLE },
	{ "leaf-nested", S_LEAF, S_NESTED, W_MANY },
	{ "udelay-inline", S_UDELAY, S_INLINE, W_KICK },
	{ "helper-noreturn", S_HELPER, S_NORETURN, W_SINGLE },
	{ "spin-aa", S_AA, S_NONE, W_STOP },
	{ "spin-abba", S_ABBA1, S_ABBA2, W_MANY },
	{ "irq-hrtimer", S_HRTIMER, S_HRTIMER_HELPER, W_RCU },
	{ "softirq", S_TIMER, S_TASKLET, W_MANY },
	{ "kprobe-rcu", S_KPROBE, S_NONE, W_RCU },
	{ "kvm-exit", S_NONE, S_KVM_EXIT, W_SINGLE },
	{ "kvm-kprobe", S_NONE, S_KVM_KPROBE, W_MANY },
	{ "kvm-ws", S_NONE, S_KVM_WS, W_KICK },
	{ "nvhe-ws", S_NONE, S_NVHE_WS, W_KICK },
	{ "work-fnptr", S_WORK, S_FNPTR, W_MANY },
	{ "deep-single", S_DEEP, S_NONE, W_SINGLE },
	{ "locked-kick", S_LOCKED, S_NONE, W_KICK },
	{ "csd-cycle", S_CSD_A, S_CSD_B, W_RCU },
};

struct kdc_thread_shape {
	int (*fn)(void *);
	void *arg;
	const char *name;
};

static const struct kdc_thread_shape kdc_thread_shapes[] = {
	[S_NORETURN] = { kdc_spinner_thread, NULL, "kdc_spinner" },
	[S_LEAF] = { kdc_leaf_thread, NULL, "kdc_leaf" },
	[S_NESTED] = { kdc_nested_thread, NULL, "kdc_nested" },
	[S_UDELAY] = { kdc_udelay_thread, NULL, "kdc_udelay" },
	[S_HELPER] = { kdc_helper_thread, NULL, "kdc_helper" },
	[S_INLINE] = { kdc_inline_thread, NULL, "kdc_inline" },
	[S_AA] = { kdc_aa_thread, NULL, "kdc_aa" },
	[S_ABBA1] = { kdc_abba_thread, NULL, "kdc_abba" },
	[S_ABBA2] = { kdc_abba_thread, (void *)1, "kdc_abba" },
	[S_HRTIMER] = { kdc_hrtimer_thread, NULL, "kdc_irqvictim" },
	[S_HRTIMER_HELPER] = { kdc_hrtimer_thread, (void *)1, "kdc_hrtimer" },
	[S_TIMER] = { kdc_timer_thread, NULL, "kdc_timer" },
	[S_TASKLET] = { kdc_tasklet_thread, NULL, "kdc_tasklet" },
	[S_KPROBE] = { kdc_kprobe_thread, NULL, "kdc_kprobed" },
	[S_WORK] = { kdc_work_thread, NULL, "kdc_workq" },
	[S_FNPTR] = { kdc_fnptr_thread, NULL, "kdc_fnptr" },
	[S_DEEP] = { kdc_deep_thread, NULL, "kdc_deep" },
	[S_LOCKED] = { kdc_locked_thread, NULL, "kdc_locked" },
	/* each one's argument is the other's CPU: filled in by kdc_trigger() */
	[S_CSD_A] = { kdc_csd_cycle_thread, NULL, "kdc_csd_a" },
	[S_CSD_B] = { kdc_csd_cycle_thread, NULL, "kdc_csd_b" },
};

/* Created and bound but not yet running: every actor is created before any
 * starts, because once a spinner holds its CPU with IRQs masked, creating a
 * kthread can block for good (fork may place the child on that CPU). */
static struct task_struct *create_on(int (*fn)(void *), void *arg, int cpu, const char *name)
{
	struct task_struct *t = kthread_create(fn, arg, "%s", name);

	if (!IS_ERR(t))
		kthread_bind(t, cpu);
	return t;
}

/* Hooks armed from the caller's context; 0 when @shape is not a hook. */
static int kdc_arm_hook(enum kdc_shape shape)
{
	switch (shape) {
	case S_KVM_EXIT:
		if (kdc_hook_ftrace(&kdc_kvm_exit_ops, "kvm_handle_guest_abort"))
			return -EINVAL;
		kdc_kvm_armed("kdc_ftrace_kvm_spin", "kvm-exit",
			      "context=kvm-exit traced=kvm_handle_guest_abort");
		return 1;
	case S_KVM_KPROBE:
		if (register_kprobe(&kdc_kvm_kprobe)) {
			pr_err("KDC-MARK: harness-error kprobe on kvm_handle_guest_abort\n");
			return -EINVAL;
		}
		kdc_kvm_armed("kdc_kvm_kprobe_spin", "kvm-kprobe",
			      "context=kvm-exit probed=kvm_handle_guest_abort");
		return 1;
	case S_KVM_WS: {
		char extra[96], fn[64];

		/* the harness writes it with echo: drop the newline */
		strscpy(fn, ws_func, sizeof(fn));
		strim(fn);
		snprintf(extra, sizeof(extra), "context=world-switch traced=%s", fn);
		if (kdc_hook_ftrace(&kdc_ws_ops, fn))
			return -EINVAL;
		kdc_kvm_armed("kdc_ws_spin", "kvm-ws", extra);
		return 1;
	}
	case S_NVHE_WS:
		if (kdc_patch_nvhe()) {
			pr_err("KDC-MARK: harness-error no __guest_enter call to patch\n");
			return -EINVAL;
		}
		/* the vCPU hits it at its next exit, within microseconds; EL2
		 * code cannot say so itself */
		kdc_in_place();
		return 1;
	default:
		return 0;
	}
}

static int kdc_trigger(const char *val, const struct kernel_param *kp)
{
	const struct kdc_scenario *sc = NULL;
	struct task_struct *actors[3];
	enum kdc_shape shapes[2];
	int cpus[2] = { stuck_cpu, stuck2_cpu }, nr = 0, hooks = 0;
	char name[32];

	strscpy(name, val, sizeof(name));
	strim(name);
	if (!strcmp(name, "oops")) {
		struct task_struct *t;

		if (!cpu_online(oops_cpu))
			return -EINVAL;
		t = create_on(kdc_oops_thread, NULL, oops_cpu, "kdc_oops");
		if (IS_ERR(t))
			return PTR_ERR(t);
		wake_up_process(t);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kdc_scenarios); i++)
		if (!strcmp(name, kdc_scenarios[i].name))
			sc = &kdc_scenarios[i];
	if (!sc)
		return -EINVAL;
	shapes[0] = sc->shape1;
	shapes[1] = sc->shape2;
	kdc_expected = 0;
	kdc_target_cpu = sc->shape1 != S_NONE ? stuck_cpu : stuck2_cpu;
	for (int i = 0; i < 2; i++) {
		int hook;

		if (shapes[i] == S_NONE)
			continue;
		if (!cpu_online(cpus[i]) || cpus[i] == wait_cpu)
			return -EINVAL;
		kdc_expected++;
		hook = kdc_arm_hook(shapes[i]);
		if (hook < 0)
			return hook;
		if (hook) {
			hooks++;
			continue;
		}
		actors[nr] = create_on(kdc_thread_shapes[shapes[i]].fn,
				       shapes[i] == S_CSD_A || shapes[i] == S_CSD_B
				       ? (void *)(unsigned long)cpus[1 - i]
				       : kdc_thread_shapes[shapes[i]].arg, cpus[i],
				       kdc_thread_shapes[shapes[i]].name);
		if (IS_ERR(actors[nr]))
			return PTR_ERR(actors[nr]);
		nr++;
	}
	if (sc->waiter != W_NONE) {
		actors[nr] = create_on(kdc_waiter_thread, (void *)(unsigned long)sc->waiter,
				       wait_cpu, "kdc_waiter");
		if (IS_ERR(actors[nr]))
			return PTR_ERR(actors[nr]);
		nr++;
	}
	for (int i = 0; i < nr; i++)
		wake_up_process(actors[i]);
	return 0;
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
