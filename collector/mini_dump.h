// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bundle's small dump: an ELF core file holding the notes in CPU
 * order (the recovered ones included), VMCOREINFO, the physical pages the
 * analysis read, and every page of every CPU's task, IRQ and overflow
 * stacks - the evidence the report rests on, readable offline with the
 * same tools (kdump-collect analyze, crash with the vmlinux for memory
 * reads and backtraces of these stacks). It is not a full dump: other
 * memory reads as absent.
 */
#ifndef KDC_MINI_DUMP_H
#define KDC_MINI_DUMP_H

#include <stdio.h>

#include "analysis.h"

struct mini_dump_stats {
	size_t pages, segments;
	size_t dropped;		/* pages past the tracking bound */
};

/** mini_dump_write() - write the small dump of @a (tracking must have been on) to @out */
enum kdc_status mini_dump_write(struct kdc_analysis *a, FILE *out, struct mini_dump_stats *stats,
				struct kdc_err *err);

#endif
