// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef KDC_KVM_ARM64_H
#define KDC_KVM_ARM64_H

#include "kvm.h"

void kvm_scan_arm64(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
		    const struct kdc_backtrace *bts, struct kdc_kvm *out);

#endif
