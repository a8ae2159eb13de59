// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef KDC_UNWIND_ARM64_H
#define KDC_UNWIND_ARM64_H

#include "unwind.h"

void unwind_arm64(const struct kdc_kernel *k, const struct kdc_cpu *cpu,
		  const struct kdc_regs *regs, struct kdc_backtrace *bt);

#endif
