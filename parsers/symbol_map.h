// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text symbol lists: System.map ("ffffffc010000000 T _text") and the
 * /proc/kallsyms format, which adds "\t[module]" to module symbols. Only
 * kernel-image symbols are kept (module addresses change with every load),
 * and absolute ('A') symbols are dropped: their values are not addresses.
 */
#ifndef KDC_SYMBOL_MAP_H
#define KDC_SYMBOL_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kallsyms.h"

/**
 * symbol_map_parse() - add every kernel-image symbol of @text to @ks
 * @delta: added to each address, modulo 2^64: the KASLR offset for a
 *         System.map, the runtime base for a profile's relative map
 * @nr_bad: lines that did not parse (skipped, counted)
 * Return: KC_OK; KC_NODATA when no line parsed; errors of kallsyms_add().
 * Addresses of 0 (undefined or absolute symbols in kptr-restricted dumps of
 * /proc/kallsyms) make the whole list useless and give KC_NODATA.
 */
enum kdc_status symbol_map_parse(const char *text, size_t len, uint64_t delta,
				 struct kdc_kallsyms *ks, size_t *nr_bad, struct kdc_err *err);

#endif
