// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why and where the kernel died, as its own log says. panic() prints
 * "Kernel panic - not syncing: <msg>" and then dump_stack()'s
 * "CPU: <n> PID: <pid> Comm: <comm>" header (lib/dump_stack.c, 4.18-6.12);
 * an oops with panic_on_oops goes from die() straight to crash_kexec()
 * (arch/arm64/kernel/traps.c), so its last words are "Internal error: ..."
 * followed by __show_regs()'s same CPU header.
 */
#ifndef KDC_PANIC_INFO_H
#define KDC_PANIC_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "dump.h"
#include "log_lines.h"

#define KDC_PANIC_MSG_MAX 256

struct kdc_panic_info {
	bool found;
	char message[KDC_PANIC_MSG_MAX];	/* "softlockup: hung tasks" */
	const char *kind;			/* "panic" or "oops"; static */
	int cpu;				/* -1 when the log does not say */
	int32_t pid;
	char comm[17];
	uint64_t seq;				/* of the record that gave the message */
	uint64_t ts_nsec;			/* its timestamp: uptime at the panic */
	unsigned int records_read;

	/* arch/arm64/mm/fault.c: "Unable to handle kernel ... at virtual address X"
	 * and mem_abort_decode()'s "  ESR = 0x..." (last ones before the message) */
	bool have_far, have_esr;
	uint64_t far, esr;
	char fault_what[96];			/* "NULL pointer dereference" */

	/* kernel/watchdog.c: "BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]" */
	unsigned int nr_soft_lockups;
	struct {
		int cpu;
		unsigned int seconds;
		uint64_t ts_nsec;
	} soft_lockup[8];

	/* lockup and stall reports, verbatim (watchdog, RCU): evidence for the verdict */
	unsigned int nr_stalls;
	struct {
		uint64_t ts_nsec;
		char line[160];
	} stall[8];

	/* KVM's "HYP panic:\nPS:.. PC:.. ESR:.." when the panic message is one */
	bool have_hyp;
	struct kdc_hyp_panic hyp;

	/* arch/arm64/kernel/smp.c: "SMP: failed to stop secondary CPUs %*pbl" */
	char failed_to_stop[64];		/* the CPU list as printed, "" when absent */
};

/**
 * panic_info_from_log() - scan the dump's printk log
 * Return: KC_OK (found may still be false); errors of the log reader.
 */
enum kdc_status panic_info_from_log(struct kdc_dump *dump, struct kdc_panic_info *out,
				    struct kdc_err *err);

#endif
