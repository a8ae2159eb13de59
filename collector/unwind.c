// SPDX-License-Identifier: GPL-2.0-or-later
#include "unwind.h"

#include <string.h>

void unwind(const struct kdc_kernel *k, const struct kdc_cpu *cpu, const struct kdc_regs *regs,
	    struct kdc_backtrace *bt)
{
	memset(bt, 0, sizeof(*bt));
	if (!k->dump->arch->unwind) {
		bt->frame[bt->nr++] = (struct kdc_frame){ .pc = regs->pc };
		bt->stop = "no unwinder for this architecture";
		return;
	}
	k->dump->arch->unwind(k, cpu, regs, bt);
}

enum kdc_status frame_symbol(const struct kdc_kernel *k, const struct kdc_frame *f,
			     struct kdc_symbol_hit *out)
{
	uint64_t at =
		f->is_return && k->dump->arch->call_site ? k->dump->arch->call_site(f->pc) : f->pc;

	if (kernel_symbolize(k, at, out))
		return KC_NODATA;
	out->offset += f->pc - at;
	return KC_OK;
}
