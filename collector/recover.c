// SPDX-License-Identifier: GPL-2.0-or-later
#include "recover.h"

#include <stdio.h>
#include <string.h>

const char *kdc_confidence_name(enum kdc_confidence c)
{
	switch (c) {
	case KDC_CONF_EXACT:
		return "exact";
	case KDC_CONF_FUNCTION:
		return "function";
	case KDC_CONF_CHAIN:
		return "chain";
	}
	return "?";
}

void recover_cpu(const struct kdc_kernel *k, const struct kdc_cpu *cpu, struct kdc_recovery *out)
{
	memset(out, 0, sizeof(*out));
	if (!k->dump->arch->recover) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "no register recovery for this architecture");
		return;
	}
	k->dump->arch->recover(k, cpu, out);
}
