// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A full dump when makedumpfile cannot make one: a copy of an ELF vmcore
 * (/proc/vmcore or a saved one) with the pages page_filter.h allows left
 * out, as an ELF core file crash, libkdumpfile and drgn read. The notes are
 * copied unchanged; every page kept is byte for byte the input's; each
 * input PT_LOAD becomes the PT_LOADs of its kept runs, with the same
 * virtual-to-physical relation. The program headers go at the end of the
 * file, so the copy is written in one pass over the input, in bounded
 * memory (a run list, not a page bitmap).
 */
#ifndef KDC_VMCORE_SAVE_H
#define KDC_VMCORE_SAVE_H

#include <stdint.h>

#include "dump.h"

/* e_phnum is 16 bits; past this many runs the rest of a dump is kept whole */
#define KDC_SAVE_RUNS_MAX 65000

struct vmcore_save_stats {
	unsigned int level; /* the kdc_exclude bits applied */
	uint64_t pages_in, pages_kept;
	uint64_t excluded_zero, excluded_free, excluded_cache, excluded_user;
	uint64_t struct_pages_unreadable; /* pages kept because their struct page was not */
	unsigned int runs;
	uint64_t bytes_out;
	char note[256]; /* why a level bit could not be applied; "" if all were */
};

/**
 * vmcore_save() - write the filtered copy of @dump to @out_path
 * @level: kdc_exclude bits (makedumpfile -d semantics); 31 leaves out
 *         zero, cache, user and free pages
 * The file is created new (never over an existing one, nor over the input),
 * mode 0600, written to a temporary name in the same directory and renamed
 * once complete and synced.
 * Return: KC_OK; KC_NOTSUP for a kdump-compressed input; KC_IO; KC_INVAL.
 */
enum kdc_status vmcore_save(struct kdc_dump *dump, const char *out_path, unsigned int level,
			    struct vmcore_save_stats *stats, struct kdc_err *err);

#endif
