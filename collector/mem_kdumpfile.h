// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A dump's memory as libkdumpfile reads it: kernel virtual addresses
 * translated by libaddrxlat (the dump's page tables, KASLR, VA_BITS and
 * kimage_voffset from VMCOREINFO). Filtered-out pages and unmapped
 * addresses read as KC_NODATA, absent data, not a broken dump.
 */
#ifndef KDC_MEM_KDUMPFILE_H
#define KDC_MEM_KDUMPFILE_H

#include <libkdumpfile/kdumpfile.h>

#include "mem.h"

/** mem_over_kdumpfile() - a kdc_mem over @kctx (borrowed: it must outlive the memory) */
struct kdc_mem mem_over_kdumpfile(kdump_ctx_t *kctx, const struct kdc_arch_ops *arch);

#endif
