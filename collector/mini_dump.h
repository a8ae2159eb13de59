// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bundle's small dump: an ELF core file holding the notes in CPU
 * order (the recovered ones included), VMCOREINFO, the physical pages the
 * analysis read with their page tables, every CPU's stacks, and what crash
 * reads before it can show a backtrace (checked with crash 8.0.2): the
 * kernel image's data, per-CPU areas, current and idle tasks, the task
 * list, the pid IDR, the memory-model tables, NUMA nodes, modules and the
 * crash_notes buffers. It is not a full dump: other memory reads as absent.
 */
#ifndef KDC_MINI_DUMP_H
#define KDC_MINI_DUMP_H

#include <stdio.h>

#include "analysis.h"
#include "page_tracker.h"

struct mini_dump_stats {
	size_t pages, segments;
	size_t dropped;		    /* pages past the bounds (page set, segments) */
	size_t dropped_by_analysis; /* of those, pages the analysis read */
	char left_out[384];	    /* "task list (1234 pages), ..."; "" when nothing was */
};

/**
 * mini_dump_write() - write the small dump of @a to @out: the pages @t
 * recorded while @a ran, and the parts below added to them through @t
 */
enum kdc_status mini_dump_write(struct kdc_analysis *a, struct kdc_page_tracker *t, FILE *out,
				struct mini_dump_stats *stats, struct kdc_err *err);

#endif
