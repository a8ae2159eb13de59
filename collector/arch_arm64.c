// SPDX-License-Identifier: GPL-2.0-or-later
#include "arch.h"

#define EM_AARCH64_VALUE 183	/* ELF gABI */

const struct kdc_arch_ops arch_arm64 = {
	.name = "arm64",
	.e_machine = EM_AARCH64_VALUE,
	.uts_machine = "aarch64",
	.decode_prstatus = regs_arm64_from_prstatus,
};
