// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines the kernel prints in fixed formats that the analyses rely on.
 */
#ifndef KDC_LOG_LINES_H
#define KDC_LOG_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * log_parse_cpu_line() - "CPU: 1 PID: 130 Comm: kdc_waiter ..." as
 * dump_stack_print_info() prints it (lib/dump_stack.c, 4.18-6.12)
 * @text: the record's text, @len bytes, not NUL-terminated
 * @comm: the first 16 bytes of the command name, NUL-terminated
 * Return: true when @text starts with such a line.
 */
bool log_parse_cpu_line(const char *text, size_t len, int *cpu, int32_t *pid, char comm[17]);

struct kdc_hyp_panic {
	uint64_t pstate, pc, esr, far, hpfar, par;	/* PS (SPSR_EL2), PC (ELR_EL2), ... */
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
