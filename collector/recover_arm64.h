// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef KDC_RECOVER_ARM64_H
#define KDC_RECOVER_ARM64_H

#include "recover.h"

void recover_arm64(const struct kdc_kernel *k, const struct kdc_cpu *cpu, struct kdc_recovery *out);

#endif
