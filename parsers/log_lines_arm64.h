// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 kernel log lines in fixed formats: KVM's hyp panic report.
 */
#ifndef KDC_LOG_LINES_ARM64_H
#define KDC_LOG_LINES_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kdc_hyp_panic {
	uint64_t pstate, pc, esr, far, hpfar, par; /* PS (SPSR_EL2), PC (ELR_EL2), ... */
	bool have_far, have_hpfar;
};

/**
 * log_parse_hyp_panic() - the register line(s) of arm64 KVM's hyp panic
 * message, "HYP panic:\nPS:%08llx PC:%016llx ESR:%08llx\nFAR:%016llx
 * HPFAR:%016llx PAR:%016llx\nVCPU:..." (arch/arm64/kvm/hyp/vhe/switch.c;
 * 4.18's hyp/switch.c and the nVHE handler print the same fields); PC is
 * the faulting EL2 instruction (ELR_EL2)
 * @text: from "HYP panic:" on, @len bytes, not NUL-terminated
 * Return: true when at least PS, PC and ESR were found.
 */
bool log_parse_hyp_panic(const char *text, size_t len, struct kdc_hyp_panic *out);

#endif
