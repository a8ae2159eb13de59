// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the BTF loading path - header recognition, libbpf's parser,
 * and the member, per-CPU and enum look-ups the analyses make. */
#include <stddef.h>
#include <stdint.h>

#include <bpf/btf.h>

#include "btf_header.h"
#include "ktypes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdc_btf_header h;
	struct kdc_ktypes t = { .source = "fuzz" };
	uint64_t off, sz;
	int64_t v;

	btf_header_parse(data, size, &h);
	/* as ktypes.c loads every blob: the layout checked, then libbpf */
	if (size > (64u << 20) || !btf_layout_aligned(data, size) ||
	    !(t.btf = btf__new(data, (uint32_t)size)))
		return 0;
	ktypes_member(&t, "task_struct", "thread.cpu_context.fp", &off, &sz, NULL);
	ktypes_member(&t, "rq", "curr", &off, &sz, NULL);
	ktypes_member(&t, "kvm_vcpu", "arch.fault.esr_el2", &off, &sz, NULL);
	ktypes_size(&t, "pt_regs", &sz, NULL);
	ktypes_percpu_var(&t, "runqueues", &off, &sz, NULL);
	ktypes_datasec_size(&t, ".data..percpu", &sz, NULL);
	ktypes_enum_value(&t, "vcpu_sysreg", "SP_EL1", &v, NULL);
	ktypes_fini(&t);
	return 0;
}
