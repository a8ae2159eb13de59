// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols from a vmlinux given with --vmlinux (a distribution's -dbg
 * package): its full .symtab, data symbols included, read with libelf and
 * moved by the dump's KASLR offset. The file must be the dump's kernel: its
 * GNU build ID is compared with VMCOREINFO's BUILD-ID.
 */
#ifndef KDC_VMLINUX_H
#define KDC_VMLINUX_H

#include <stdint.h>

#include "err.h"
#include "kallsyms.h"

/**
 * vmlinux_symbols() - load @path's symbols into a new table
 * @kaslr_offset: added to every address
 * @build_id: the dump's build ID in hex, or NULL to skip the check
 * Return: KC_OK; KC_IO; KC_CORRUPT for a file libelf cannot read;
 * KC_INVAL when the build IDs differ; KC_NODATA without .symtab.
 */
enum kdc_status vmlinux_symbols(const char *path, uint64_t kaslr_offset, const char *build_id,
				struct kdc_kallsyms **out, struct kdc_err *err);

#endif
