// SPDX-License-Identifier: GPL-2.0-or-later
#include "kvm.h"

#include <string.h>

void kvm_scan(const struct kdc_kernel *k, const struct kdc_cpus *cpus,
	      const struct kdc_backtrace *bts, struct kdc_kvm *out)
{
	memset(out, 0, sizeof(*out));
	if (k->dump->arch->kvm_scan)
		k->dump->arch->kvm_scan(k, cpus, bts, out);
}
