// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 kernel's own log lines (struct kdc_log_facts):
 *  - arch/arm64/mm/fault.c: "Unable to handle kernel <what> at virtual
 *    address <FAR>" and mem_abort_decode()'s "  ESR = 0x<ESR>" (4.18-6.12);
 *  - KVM's hyp panic as the panic message, "HYP panic:\nPS:.. PC:.. ESR:.."
 *    (parsers/log_lines_arm64.c): PC is ELR_EL2, the faulting EL2
 *    instruction; under VHE a kernel address, and the CPU's note holds only
 *    panic()'s registers, so the message is the source;
 *  - arch/arm64/kernel/smp.c: "SMP: failed to stop secondary CPUs %*pbl".
 */
#include "log_facts_arm64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_lines_arm64.h"
#include "panic_info.h"

static const char fault_prefix[] = "Unable to handle kernel ";
static const char fault_at[] = " at virtual address ";
static const char esr_prefix[] = "  ESR = 0x";
static const char stop_prefix[] = "SMP: failed to stop secondary CPUs ";

void arm64_log_line(const char *line, size_t len, bool is_panic_message, struct kdc_log_facts *f)
{
	char buf[256], *end;
	const char *at;

	if (is_panic_message) {
		struct kdc_hyp_panic h;

		if (!log_parse_hyp_panic(line, len, &h))
			return;
		f->have_hyp = true;
		f->hyp_pc = h.pc;
		f->hyp_syndrome = h.esr;
		f->hyp_have_addr = h.have_far;
		f->hyp_addr = h.far;
		f->hyp_source = "the HYP panic message (PC is ELR_EL2)";
		return;
	}
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (!strncmp(buf, fault_prefix, sizeof(fault_prefix) - 1) && (at = strstr(buf, fault_at))) {
		const char *p = at + sizeof(fault_at) - 1;

		f->addr = strtoull(p, &end, 16);
		f->have_addr = end != p;
		snprintf(f->what, sizeof(f->what), "%.*s",
			 (int)(at - buf - (sizeof(fault_prefix) - 1)),
			 buf + sizeof(fault_prefix) - 1);
	} else if (!strncmp(buf, esr_prefix, sizeof(esr_prefix) - 1)) {
		const char *p = buf + sizeof(esr_prefix) - 1;

		f->syndrome = strtoull(p, &end, 16);
		f->have_syndrome = end != p;
	} else if (!strncmp(buf, stop_prefix, sizeof(stop_prefix) - 1)) {
		snprintf(f->failed_to_stop, sizeof(f->failed_to_stop), "%.63s",
			 buf + sizeof(stop_prefix) - 1);
		f->failed_to_stop_line = "SMP: failed to stop secondary CPUs";
		/* Linux kernel commit fdfa588124b6 ("arm64: smp: smp_send_stop()
		 * and crash_smp_send_stop() should try non-NMI first") (in
		 * v6.12, and 6.10.y) prints the CPUs still online after the
		 * 1 s wait; before, the mask the IPI went to */
		f->failed_to_stop_note = "before 6.12 this lists every CPU the stop IPI went to; "
					 "from 6.12 the CPUs still online after its 1 s wait: "
					 "not only the ones without a note";
	}
}
