// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct pt_regs as the crashed kernel lays it out (BTF): the exception
 * frame every arm64 entry saves, whose embedded frame record
 * (pt_regs.stackframe, arch/arm64/include/asm/ptrace.h) links the
 * interrupted context into the frame-pointer chain. One table for the
 * unwinder and the recovery's frame graph.
 */
#ifndef KDC_PTREGS_ARM64_H
#define KDC_PTREGS_ARM64_H

#include <stdint.h>

#include "ktypes.h"

struct ptregs_arm64_layout {
	uint64_t size; /* sizeof(struct pt_regs) */
	uint64_t stackframe, regs, sp, pc, pstate;
};

/**
 * ptregs_arm64_layout() - @out from @t
 * Return: KC_OK; KC_NODATA (@err naming the member) without BTF or a member.
 */
enum kdc_status ptregs_arm64_layout(const struct kdc_ktypes *t, struct ptregs_arm64_layout *out,
				    struct kdc_err *err);

#endif
