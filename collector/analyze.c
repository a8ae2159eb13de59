// SPDX-License-Identifier: GPL-2.0-or-later
#include "analyze.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "elf_notes.h"
#include "json.h"
#include "symbols.h"

#define REPORT_SCHEMA "kdump-collector.report/1"

struct facts {
	const char *release;
	uint64_t page_size, crash_time, kernel_offset;
	bool have_page_size, have_crash_time, have_kernel_offset;
};

static void read_facts(const struct kdc_dump *d, struct facts *f)
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

static const char *note_type_name(const struct kdc_note *n)
{
	if (elf_note_name_is(n, "CORE")) {
		switch (n->type) {
		case KDC_NT_PRSTATUS: return "NT_PRSTATUS";
		case KDC_NT_PRFPREG: return "NT_PRFPREG";
		case KDC_NT_PRPSINFO: return "NT_PRPSINFO";
		case KDC_NT_TASKSTRUCT: return "NT_TASKSTRUCT";
		case KDC_NT_AUXV: return "NT_AUXV";
		}
	}
	if (elf_note_name_is(n, "VMCOREINFO"))
		return "VMCOREINFO";
	return NULL;
}

static void format_utc(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "?");
}

static void text_header(const struct kdc_dump *d, const struct facts *f, FILE *out)
{
	char when[64];

	fprintf(out, "dump:           %s\n", d->path);
	fprintf(out, "format:         %s", dump_format_name(d));
	if (d->format == KDC_DUMP_KDUMP_COMPRESSED)
		fprintf(out, " (header version %d)", d->kdump_header_version);
	fprintf(out, "\narch:           %s\n", d->arch->name);
	fprintf(out, "release:        %s\n", f->release ? f->release : "(unknown)");
	if (f->have_page_size)
		fprintf(out, "page size:      %" PRIu64 "\n", f->page_size);
	if (f->have_crash_time) {
		format_utc(f->crash_time, when, sizeof(when));
		fprintf(out, "crash time:     %s\n", when);
	}
	if (f->have_kernel_offset)
		fprintf(out, "kernel offset:  0x%" PRIx64 " (KASLR)\n", f->kernel_offset);
	if (!d->vmcoreinfo)
		fprintf(out, "problem:        %s\n", d->vmcoreinfo_err.msg);
	if (!d->kctx)
		fprintf(out, "problem:        %s\n", d->kdumpfile_err.msg);
}

static void json_header(const struct kdc_dump *d, const struct facts *f, struct kdc_json *j)
{
	json_key(j, "schema");
	json_string(j, REPORT_SCHEMA);
	json_key(j, "dump");
	json_object_begin(j);
	json_key(j, "path");
	json_string(j, d->path);
	json_key(j, "format");
	json_string(j, dump_format_name(d));
	json_object_end(j);
	json_key(j, "kernel");
	json_object_begin(j);
	json_key(j, "release");
	json_string(j, f->release);
	json_key(j, "arch");
	json_string(j, d->arch->name);
	json_key(j, "page_size");
	if (f->have_page_size)
		json_u64(j, f->page_size);
	else
		json_null(j);
	json_key(j, "crash_time");
	if (f->have_crash_time)
		json_u64(j, f->crash_time);
	else
		json_null(j);
	json_key(j, "kernel_offset");
	if (f->have_kernel_offset)
		json_hex(j, f->kernel_offset);
	else
		json_null(j);
	json_object_end(j);
}

static void json_registers(const struct kdc_regs *r, struct kdc_json *j)
{
	json_key(j, "registers");
	json_object_begin(j);
	json_key(j, "pc");
	json_hex(j, r->pc);
	json_key(j, "sp");
	json_hex(j, r->sp);
	json_key(j, "fp");
	json_hex(j, r->fp);
	json_key(j, "lr");
	json_hex(j, r->lr);
	json_key(j, "pstate");
	json_hex(j, r->flags);
	json_object_end(j);
}

/* Walks the notes once, writing each; returns with problems counted in @res. */
static void json_symbol(struct kdc_json *j, const char *key, const struct kdc_symbols *syms,
			uint64_t addr)
{
	struct kdc_symbol sym;
	uint64_t off;

	json_key(j, key);
	if (!syms->kallsyms || kallsyms_lookup(syms->kallsyms, addr, &sym, &off)) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "function");
	json_string(j, sym.name);
	json_key(j, "offset");
	json_u64(j, off);
	json_key(j, "size");
	json_u64(j, sym.size);
	json_object_end(j);
}

static void report_notes(const struct kdc_dump *d, const struct kdc_symbols *syms,
			 struct kdc_json *j, FILE *out, struct analyze_result *res)
{
	struct kdc_cursor c;
	struct kdc_err err = { 0 };
	struct kdc_note n;
	enum kdc_status st;
	bool have;

	if (j) {
		json_key(j, "notes");
		json_array_begin(j);
	} else {
		fprintf(out, "\nELF notes, in file order (position is not the CPU number):\n");
	}
	kdc_cursor_init(&c, d->notes, d->notes_len, false, "notes");
	while (!(st = elf_notes_next(&c, &have, &n, &err)) && have) {
		const char *type = note_type_name(&n);
		struct kdc_prstatus ps;
		bool is_prstatus = type && !strcmp(type, "NT_PRSTATUS");
		bool decoded = is_prstatus && !d->arch->decode_prstatus(n.desc, n.desc_len, &ps, &err);

		if (is_prstatus && !decoded)
			res->nr_problems++;
		res->nr_prstatus += decoded;
		if (j) {
			json_object_begin(j);
			json_key(j, "index");
			json_u64(j, res->nr_notes);
			json_key(j, "offset");
			json_u64(j, n.offset);
			json_key(j, "name");
			json_string_n(j, n.name, n.name_len);
			json_key(j, "type");
			json_u64(j, n.type);
			json_key(j, "type_name");
			json_string(j, type);
			json_key(j, "size");
			json_u64(j, n.desc_len);
			if (decoded) {
				json_key(j, "pid");
				json_i64(j, ps.pid);
				json_registers(&ps.regs, j);
				json_symbol(j, "pc_symbol", syms, ps.regs.pc);
				json_symbol(j, "lr_symbol", syms, ps.regs.lr | syms->pac_mask);
			} else if (is_prstatus) {
				json_key(j, "error");
				json_string(j, err.msg);
			}
			json_object_end(j);
		} else {
			fprintf(out, "  #%-3u %-10.*s %-13s %5zu bytes", res->nr_notes,
				(int)(n.name_len > 10 ? 10 : n.name_len), n.name,
				type ? type : "(unknown)", n.desc_len);
			if (decoded) {
				char where[KDC_KSYM_NAME_LEN + 64];

				fprintf(out, "  pid %-6d pc 0x%016" PRIx64 " sp 0x%016" PRIx64,
					ps.pid, ps.regs.pc, ps.regs.sp);
				if (symbols_format(syms, ps.regs.pc, where, sizeof(where)))
					fprintf(out, "  %s", where);
			}
			else if (is_prstatus)
				fprintf(out, "  undecodable: %s", err.msg);
			fputc('\n', out);
		}
		res->nr_notes++;
	}
	if (st) {	/* the rest of the blob is unreadable */
		res->nr_problems++;
		if (!j)
			fprintf(out, "  problem: %s\n", err.msg);
	}
	if (j) {
		json_array_end(j);
		json_key(j, "problems");
		json_array_begin(j);
		if (st)
			json_string(j, err.msg);
		if (!d->vmcoreinfo)
			json_string(j, d->vmcoreinfo_err.msg);
		if (!d->kctx)
			json_string(j, d->kdumpfile_err.msg);
		json_array_end(j);
	}
}

void analyze_report(struct kdc_dump *d, bool as_json, FILE *out, struct analyze_result *res)
{
	struct kdc_symbols syms = { .source = NULL };
	struct kdc_err sym_err = { 0 };
	struct facts f;
	struct kdc_json j;

	memset(res, 0, sizeof(*res));
	read_facts(d, &f);
	res->nr_problems += !d->vmcoreinfo + !d->kctx;
	if (symbols_load(d, &syms, &sym_err))
		res->nr_problems++;
	if (as_json) {
		json_init(&j, out);
		json_object_begin(&j);
		json_header(d, &f, &j);
		json_key(&j, "symbols");
		json_object_begin(&j);
		json_key(&j, "source");
		json_string(&j, syms.source);
		json_key(&j, "count");
		json_u64(&j, syms.kallsyms ? kallsyms_count(syms.kallsyms) : 0);
		json_key(&j, "error");
		json_string(&j, syms.kallsyms ? NULL : sym_err.msg);
		json_object_end(&j);
		report_notes(d, &syms, &j, out, res);
		json_object_end(&j);
		json_finish(&j);
	} else {
		text_header(d, &f, out);
		if (syms.kallsyms)
			fprintf(out, "symbols:        %zu from %s\n", kallsyms_count(syms.kallsyms),
				syms.source);
		else
			fprintf(out, "problem:        %s\n", sym_err.msg);
		report_notes(d, &syms, NULL, out, res);
	}
	symbols_fini(&syms);
}

enum kdc_status analyze_list_symbols(struct kdc_dump *d, FILE *out, struct kdc_err *err)
{
	struct kdc_symbols syms;
	enum kdc_status st = symbols_load(d, &syms, err);

	if (st)
		return st;
	for (size_t i = 0; i < kallsyms_count(syms.kallsyms); i++) {
		struct kdc_symbol sym;

		kallsyms_get(syms.kallsyms, i, &sym);
		fprintf(out, "%016" PRIx64 " %c %s\n", sym.addr, sym.type, sym.name);
	}
	symbols_fini(&syms);
	return KC_OK;
}
