// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the text formats read from files a user gives - profiles,
 * symbol maps, pattern files - and log lines from the dump. */
#include <stdint.h>
#include <stdlib.h>

#include "kallsyms.h"
#include "log_lines.h"
#include "patterns_file.h"
#include "profile.h"
#include "symbol_map.h"

static struct kdc_patterns pats;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdc_profile p;
	struct kdc_kallsyms *ks = kallsyms_new();
	struct kdc_hyp_panic hyp;
	size_t bad;
	int cpu;
	int32_t pid;
	char comm[17];

	profile_parse(data, size, &p, NULL);
	if (ks) {
		symbol_map_parse((const char *)data, size, 0xffff800008000000ull, ks, &bad, NULL);
		kallsyms_free(ks);
	}
	patterns_parse((const char *)data, size, &pats, NULL);
	log_parse_cpu_line((const char *)data, size, &cpu, &pid, comm);
	log_parse_hyp_panic((const char *)data, size, &hyp);
	return 0;
}
