// SPDX-License-Identifier: GPL-2.0-or-later
#include "ptregs_arm64.h"

#define PT(off, ...) KTYPES_REQUIRED(struct ptregs_arm64_layout, off, "pt_regs", NULL, __VA_ARGS__)
/* the embedded record has been there since Linux kernel commit 732674980139
 * ("arm64: unwind: reference pt_regs via embedded stack frame") (in v4.14) */
static const struct ktypes_field ptregs_fields[] = {
	PT(stackframe, "stackframe"), PT(regs, "regs"), PT(sp, "sp"), PT(pc, "pc"),
	PT(pstate, "pstate"),
};
#undef PT

enum kdc_status ptregs_arm64_layout(const struct kdc_ktypes *t, struct ptregs_arm64_layout *out,
				    struct kdc_err *err)
{
	enum kdc_status st;

	if ((st = ktypes_size(t, "pt_regs", &out->size, err)))
		return st;
	return ktypes_resolve(ptregs_fields, sizeof(ptregs_fields) / sizeof(ptregs_fields[0]), t,
			      out, err);
}
