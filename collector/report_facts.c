// SPDX-License-Identifier: GPL-2.0-or-later
#include "report_facts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vmcoreinfo.h"

void report_read_facts(const struct kdc_dump *d, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	if (!d->vmcoreinfo)
		return;
	f->release = vmcoreinfo_get(d->vmcoreinfo, "OSRELEASE");
	f->have_page_size = !vmcoreinfo_get_u64(d->vmcoreinfo, "PAGESIZE", 10, &f->page_size, NULL);
	f->have_crash_time =
		!vmcoreinfo_get_u64(d->vmcoreinfo, "CRASHTIME", 10, &f->crash_time, NULL);
	f->have_kernel_offset =
		!vmcoreinfo_get_u64(d->vmcoreinfo, "KERNELOFFSET", 16, &f->kernel_offset, NULL);
}

void report_format_utc(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "?");
}
