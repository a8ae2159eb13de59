// SPDX-License-Identifier: GPL-2.0-or-later
/* `analyze`: the report, the symbol list, raw words, on one dump. */
#include "analyze_cmd.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "report.h"
#include "symbols.h"

void analyze_report(struct kdc_dump *d, const struct kdc_sources *src, bool as_json, FILE *out,
		    struct analyze_result *res)
{
	struct kdc_analysis a;

	memset(res, 0, sizeof(*res));
	analysis_run(d, src, &a);
	if (as_json)
		report_json(&a, out);
	else
		report_text(&a, out);
	res->nr_prstatus = a.cpus.nr_notes;
	res->nr_problems = a.nr_problems + a.problems_dropped;
	analysis_fini(&a);
}

enum kdc_status analyze_list_symbols(struct kdc_dump *d, const struct kdc_sources *src, FILE *out,
				     struct kdc_err *err)
{
	struct kdc_kernel k;

	kernel_load(d, src, &k);
	if (!k.have_symbols) {
		*err = k.symbols_err;
		kernel_fini(&k);
		return err->code;
	}
	for (size_t i = 0; i < kallsyms_count(k.syms.kallsyms); i++) {
		struct kdc_symbol sym;

		kallsyms_get(k.syms.kallsyms, i, &sym);
		fprintf(out, "%016" PRIx64 " %c %s\n", sym.addr, sym.type, sym.name);
	}
	/* module functions as /proc/kallsyms lists them: "addr t name\t[module]" */
	for (size_t i = 0; i < k.modules.nr; i++) {
		const struct kdc_module *m = &k.modules.mod[i];

		for (size_t s = 0; s < m->nr_syms; s++)
			fprintf(out, "%016" PRIx64 " %c %s\t[%s]\n", m->syms[s].addr,
				m->syms[s].type, m->names + m->syms[s].name, m->name);
	}
	if (!k.have_modules && k.have_types)
		fprintf(stderr, "kdump-collect analyze: %s\n", k.modules_err.msg);
	kernel_fini(&k);
	return KC_OK;
}

enum kdc_status analyze_read_words(struct kdc_dump *d, const struct kdc_sources *src,
				   const char *spec, FILE *out, struct kdc_err *err)
{
	struct kdc_kernel k;
	unsigned long long addr, len = 256;
	char *end;
	enum kdc_status st = KC_OK;

	addr = strtoull(spec, &end, 16);
	if (end == spec || (*end && *end != ',') ||
	    (*end == ',' && ((len = strtoull(end + 1, &end, 0)) == 0 || *end)) || len > 65536)
		return kdc_fail(err, KC_INVAL,
				"--read %s: want ADDR[,LEN] (hex address, LEN <= 65536)", spec);
	kernel_load(d, src, &k);
	for (unsigned long long off = 0; off < len; off += 8) {
		uint64_t v;
		char fn[160];

		if ((st = kernel_read_u64(&k, addr + off, &v, err)))
			break;
		fprintf(out, "%016llx:  %016" PRIx64, addr + off, v);
		if (kernel_describe(&k, symbols_strip_pac(&k.syms, v), fn, sizeof(fn)))
			fprintf(out, "  %s", fn);
		fputc('\n', out);
	}
	kernel_fini(&k);
	return st;
}
