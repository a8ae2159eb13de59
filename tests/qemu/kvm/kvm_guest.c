// SPDX-License-Identifier: MIT
/*
 * kvm_guest: run a tiny arm64 guest through /dev/kvm on a chosen CPU, so the
 * harness's "kvm" scenario has a vCPU thread inside KVM when another CPU panics.
 *
 * The guest makes one MMIO write (a stage-2 data abort that exits to user
 * space, so ESR_EL2/FAR_EL2/HPFAR_EL2 of the vCPU's last trap are known), then
 * in mode "spin" loops at GUEST_LOOP forever. Exits caused by host interrupts
 * do not update the saved ESR_EL2, so the MMIO abort stays the "last exit"
 * the dump records. In mode "mmio-loop" every iteration of the loop makes
 * two MMIO stores from two guest PCs (MMIO_A, MMIO_B), so the vCPU thread
 * keeps passing through KVM's exit path (the harness hooks it there) and
 * consecutive exits have different PCs.
 *
 * Usage: kvm_guest CPU [spin|mmio-loop]   (static, aarch64; prints KDC-MARK lines)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_BASE 0x80000000ull /* IPA of the code memslot */
#define GUEST_MMIO 0x40000000ull /* IPA with no memslot: writes exit to user space */
#define GUEST_SIZE 0x10000ull
#define GUEST_VBAR 0x800ull /* offset of the guest's vector table in the slot */
#define INSN_B_SELF 0x14000000u /* "b .": parks the vCPU in a vector */

/* Guest code, position-independent, placed at GUEST_BASE. Kept as encoded
 * words: references to labels inside a top-level asm block went through one
 * shared GOT slot in a static link, and the copied size came out as zero. */
static const uint32_t guest_code[] = {
	0xd2a80001, /* movz x1, #0x4000, lsl #16   x1 = GUEST_MMIO */
	0xd28c8c62, /* movz x2, #0x6463 */
	0xf2a00d62, /* movk x2, #0x6b, lsl #16     x2 = 0x6b6463 ("kdc") */
	0xf9000022, /* str x2, [x1]: 64-bit store, EC 0x24, ISV, SAS=3, SRT=2, SF, WnR */
	0x91000463, /* guest_loop: add x3, x3, #1 */
	0x17ffffff, /* b guest_loop */
};
#define GUEST_LOOP_OFF 16 /* byte offset of guest_loop in guest_code */

static const uint32_t guest_code_mmio_loop[] = {
	0xd2a80001, /* movz x1, #0x4000, lsl #16   x1 = GUEST_MMIO */
	0xd28c8c62, /* movz x2, #0x6463 */
	0xf2a00d62, /* movk x2, #0x6b, lsl #16     x2 = 0x6b6463 ("kdc") */
	0xf9000022, /* str x2, [x1]: the first exit, as in mode spin */
	0x91000463, /* guest_loop: add x3, x3, #1 */
	0xf9000423, /* MMIO_A: str x3, [x1, #8] */
	0x91000463, /* add x3, x3, #1 */
	0xf9000823, /* MMIO_B: str x3, [x1, #16] */
	0x17fffffc, /* b guest_loop */
};
#define MMIO_A_OFF 20
#define MMIO_B_OFF 28

static void die(const char *what)
{
	fprintf(stderr, "kvm_guest: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		die(what);
	return r;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static uint64_t get_reg(int vcpu, uint64_t id)
{
	uint64_t v = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&v };

	if (ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0)
		return ~0ull;
	return v;
}

/* The guest never reached its MMIO store: say where it is and why. */
static void report_stuck_guest(int vcpu, const uint8_t *mem)
{
	uint32_t w[4];

	memcpy(w, mem, sizeof(w));
	fprintf(stderr, "kvm_guest: slot words %08x %08x %08x %08x elr_el1=0x%llx\n", w[0], w[1],
		w[2], w[3],
		(unsigned long long)get_reg(vcpu, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
					   (offsetof(struct kvm_regs, elr_el1) / sizeof(uint32_t))));
	fprintf(stderr, "kvm_guest: no exit within 10s: guest pc=0x%llx esr_el1=0x%llx "
		"far_el1=0x%llx\n",
		(unsigned long long)get_reg(vcpu, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
					   (offsetof(struct kvm_regs, regs.pc) / sizeof(uint32_t))),
		(unsigned long long)get_reg(vcpu, ARM64_SYS_REG(3, 0, 5, 2, 0)),
		(unsigned long long)get_reg(vcpu, ARM64_SYS_REG(3, 0, 6, 0, 0)));
	exit(1);
}

int main(int argc, char **argv)
{
	int cpu = argc > 1 ? atoi(argv[1]) : 3;
	int mmio_loop = argc > 2 && !strcmp(argv[2], "mmio-loop");
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	int vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");

	uint8_t *mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	if (mmio_loop)
		memcpy(mem, guest_code_mmio_loop, sizeof(guest_code_mmio_loop));
	else
		memcpy(mem, guest_code, sizeof(guest_code));
	/* Every vector parks the vCPU, so an unexpected guest exception stays
	 * visible in ESR_EL1/ELR_EL1 instead of recursing through VBAR 0. */
	for (size_t off = 0; off < 0x800; off += 4) {
		uint32_t insn = INSN_B_SELF;
		memcpy(mem + GUEST_VBAR + off, &insn, sizeof(insn));
	}
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = GUEST_BASE,
		.memory_size = GUEST_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)mem,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION");

	int vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	struct kvm_vcpu_init init;
	xioctl(vm, KVM_ARM_PREFERRED_TARGET, &init, "KVM_ARM_PREFERRED_TARGET");
	xioctl(vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");

	uint64_t pc = GUEST_BASE;
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		      (offsetof(struct kvm_regs, regs.pc) / sizeof(uint32_t)),
		.addr = (uint64_t)(uintptr_t)&pc,
	};
	xioctl(vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG pc");
	uint64_t vbar = GUEST_BASE + GUEST_VBAR;
	reg.id = ARM64_SYS_REG(3, 0, 12, 0, 0); /* VBAR_EL1 */
	reg.addr = (uint64_t)(uintptr_t)&vbar;
	xioctl(vcpu, KVM_SET_ONE_REG, &reg, "KVM_SET_ONE_REG vbar_el1");

	int run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				   vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	fprintf(stderr, "kvm_guest: vCPU ready on CPU %d, entering the guest\n", sched_getcpu());
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	alarm(10);
	if (ioctl(vcpu, KVM_RUN, 0) < 0) {
		if (errno == EINTR)
			report_stuck_guest(vcpu, mem);
		die("KVM_RUN");
	}
	alarm(0);
	if (run->exit_reason != KVM_EXIT_MMIO) {
		fprintf(stderr, "kvm_guest: unexpected exit reason %u\n", run->exit_reason);
		return 1;
	}
	uint64_t data = 0;
	memcpy(&data, run->mmio.data, sizeof(data));
	printf("KDC-MARK: kvm-exit mmio addr=0x%llx len=%u write=%u data=0x%llx\n",
	       (unsigned long long)run->mmio.phys_addr, run->mmio.len, run->mmio.is_write,
	       (unsigned long long)data);
	printf("KDC-MARK: armed kvm cpu=%d pid=%d comm=kvm_guest guest_base=0x%llx "
	       "guest_loop_pc=0x%llx mode=%s",
	       sched_getcpu(), (int)gettid(), GUEST_BASE,
	       GUEST_BASE + GUEST_LOOP_OFF, mmio_loop ? "mmio-loop" : "spin");
	if (mmio_loop)
		printf(" mmio_a_pc=0x%llx mmio_b_pc=0x%llx", GUEST_BASE + MMIO_A_OFF,
		       GUEST_BASE + MMIO_B_OFF);
	printf("\n");
	fflush(stdout);
	/* mode spin: the guest never exits to user space again; mode mmio-loop:
	 * every exit is an MMIO store, completed by re-entering */
	for (;;)
		if (ioctl(vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			die("KVM_RUN (loop)");
}
