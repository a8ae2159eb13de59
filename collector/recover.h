// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Registers for a CPU that wrote no NT_PRSTATUS note (it never took the
 * crash-stop IPI), rebuilt from memory by architecture code
 * (recover_<arch>.c). What is rebuilt is never presented as more than it
 * is: each result says how it was found and how sure it is.
 */
#ifndef KDC_RECOVER_H
#define KDC_RECOVER_H

#include <stdbool.h>

#include "cpus.h"
#include "kernel.h"
#include "unwind.h"

enum kdc_confidence {
	KDC_CONF_EXACT,		/* registers the hardware saved (an exception or KVM frame) */
	KDC_CONF_FUNCTION,	/* the function is known, not the instruction: pc is its entry */
	KDC_CONF_CHAIN,		/* the deepest consistent frame-record chain: may be stale */
};

struct kdc_recovery {
	bool ok;
	struct kdc_regs regs;		/* pc, fp and lr as recovered; sp approximate */
	struct kdc_backtrace bt;
	const char *method;		/* static: "frame-record scan of the task stack", ... */
	enum kdc_confidence confidence;
	char evidence[1024];		/* why, in words a kernel engineer can check */
};

/** recover_cpu() - rebuild @cpu's state; @out->ok false (with evidence) when nothing fits */
void recover_cpu(const struct kdc_kernel *k, const struct kdc_cpu *cpu, struct kdc_recovery *out);

const char *kdc_confidence_name(enum kdc_confidence c);

#endif
