// SPDX-License-Identifier: GPL-2.0-or-later
/* The dump's own headline facts (VMCOREINFO) both report writers print. */
#ifndef KDC_REPORT_FACTS_H
#define KDC_REPORT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dump.h"

#define REPORT_SCHEMA "kdump-collector.report/1"

struct facts {
	const char *release;
	uint64_t page_size, crash_time, kernel_offset;
	bool have_page_size, have_crash_time, have_kernel_offset;
};

void report_read_facts(const struct kdc_dump *d, struct facts *f);

/** report_format_utc() - "YYYY-mm-dd HH:MM:SS UTC", or "?" */
void report_format_utc(uint64_t t, char *buf, size_t len);

#endif
