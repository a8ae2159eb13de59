// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why and where the kernel died, as its own log says. panic() prints
 * "Kernel panic - not syncing: <msg>" and then dump_stack()'s
 * "CPU: <n> PID: <pid> Comm: <comm>" header (lib/dump_stack.c, 4.18-6.12);
 * an oops with panic_on_oops goes from die() straight to crash_kexec()
 * (arch/arm64/kernel/traps.c), so its last words are "Internal error: ..."
 * followed by __show_regs()'s same CPU header. The lines only one
 * architecture prints are read by its log_line hook (log_facts_<arch>.c).
 */
#ifndef KDC_PANIC_INFO_H
#define KDC_PANIC_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "dump.h"

/*
 * What the architecture's own log lines say (arch ops log_line): the fault
 * an oops reported, a hypervisor's report when it is the panic message,
 * and the CPU-stop complaint. Names of registers and wording are the
 * architecture's, in the static strings.
 */
struct kdc_log_facts {
	/* the last fault report before the message: the data address and
	 * the syndrome (arm64: FAR from "Unable to handle kernel ...", ESR) */
	bool have_addr, have_syndrome;
	uint64_t addr, syndrome;
	char what[96]; /* "NULL pointer dereference" */
	/* the panic message is the hypervisor's fault report: its PC is the
	 * faulting hypervisor instruction */
	bool have_hyp, hyp_have_addr;
	uint64_t hyp_pc, hyp_syndrome, hyp_addr;
	const char *hyp_source; /* static: how to read hyp_pc */
	/* the CPUs the kernel says it failed to stop, and how to read that */
	char failed_to_stop[64];	 /* as printed, "" when absent */
	const char *failed_to_stop_line; /* static: "SMP: failed to stop secondary CPUs" */
	const char *failed_to_stop_note; /* static, may be NULL */
};

#define KDC_PANIC_MSG_MAX 256

struct kdc_panic_info {
	bool found;
	char message[KDC_PANIC_MSG_MAX]; /* "softlockup: hung tasks" */
	const char *kind;		 /* "panic" or "oops"; static */
	int cpu;			 /* -1 when the log does not say */
	int32_t pid;
	char comm[17];
	uint64_t seq;	  /* of the record that gave the message */
	uint64_t ts_nsec; /* its timestamp: uptime at the panic */
	unsigned int records_read;

	/* the architecture's fault, hypervisor and CPU-stop lines */
	struct kdc_log_facts arch;

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
};

/**
 * panic_info_from_log() - scan the dump's printk log
 * Return: KC_OK (found may still be false); errors of the log reader.
 */
enum kdc_status panic_info_from_log(struct kdc_dump *dump, struct kdc_panic_info *out,
				    struct kdc_err *err);

#endif
