// SPDX-License-Identifier: GPL-2.0-or-later
#include "arch.h"

#include <string.h>

static const struct kdc_arch_ops *const arches[] = {
	&arch_arm64,
};

const struct kdc_arch_ops *arch_by_e_machine(uint16_t e_machine)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i]->e_machine == e_machine)
			return arches[i];
	return NULL;
}

const struct kdc_arch_ops *arch_by_uts_machine(const char *machine)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i]->uts_machine, machine))
			return arches[i];
	return NULL;
}
