// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the kernel's kallsyms tables are, for kernels whose VMCOREINFO does
 * not say (before 6.0, "vmcoreinfo: include kallsyms symbols"): found in
 * the kernel image itself, from the shape scripts/kallsyms.c gives them
 * (4.x to 6.x; every label ".balign 8" on 64-bit):
 *
 *   kallsyms_offsets        .long per symbol (KALLSYMS_BASE_RELATIVE)
 *   kallsyms_relative_base  .quad, the lowest symbol address (_text)
 *   kallsyms_num_syms       .long
 *   kallsyms_names          per symbol a length byte and token indices
 *   kallsyms_markers        .long per 256 symbols: offsets into the names
 *   kallsyms_seqs_of_names  3 bytes per symbol (v6.2, "kallsyms: Improve the
 *                           performance of kallsyms_lookup_name()"; some
 *                           stable kernels backported it)
 *   kallsyms_token_table    256 NUL-terminated tokens
 *   kallsyms_token_index    256 .short offsets into the token table
 *
 * The token index is unmistakable (256 increasing offsets whose gaps are
 * the lengths of NUL-terminated strings right before it); the rest is then
 * pinned by walking the names from each candidate kallsyms_num_syms and
 * requiring the markers to agree with the walk. The caller checks the
 * decoded table against VMCOREINFO's _stext.
 */
#ifndef KDC_KALLSYMS_FIND_H
#define KDC_KALLSYMS_FIND_H

#include <stdint.h>

#include "err.h"
#include "kallsyms.h"
#include "reader.h"

/* how far below the token table kallsyms_num_syms may be (offsets and names) */
#define KDC_KALLSYMS_FIND_SPAN (48u << 20)

/**
 * kallsyms_find_tables() - the kallsyms layout in [@lo, @hi) (the kernel
 * image's read-only data; searched from @hi down, where the linker puts the
 * tables), whose relative base is at most @stext and within
 * KDC_KALLSYMS_FIND_SPAN of it
 * Return: KC_OK; KC_NODATA when no table is found; errors of @r only when
 * nothing could be read at all.
 */
enum kdc_status kallsyms_find_tables(const struct kdc_reader *r, uint64_t lo, uint64_t hi,
				     uint64_t stext, struct kallsyms_layout *out,
				     struct kdc_err *err);

#endif
