// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump-collect: the command line. The only place that prints errors and
 * chooses the exit code.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "analyze_cmd.h"
#include "bundle.h"
#include "collect.h"
#include "dmesg.h"
#include "dump.h"
#include "name_safe.h"
#include "profile_cmd.h"
#include "repair.h"
#include "vmcore_save.h"

#include "version.h"

enum exit_code {
	EXIT_DONE = 0,	    /* every section complete */
	EXIT_PARTIAL = 1,   /* a report was written, but some of the dump was unreadable */
	EXIT_NO_REPORT = 2, /* nothing usable: the dump could not be opened */
	EXIT_NOT_BUILT = 3, /* the subcommand is not implemented yet */
	EXIT_USAGE = 64,    /* EX_USAGE */
};

struct subcommand {
	const char *name;
	const char *synopsis;
	const char *help;
	int (*run)(const struct subcommand *cmd, int argc, char **argv);
};

static const char exit_codes_help[] =
	"Exit status: 0 complete, 1 partial report (some of the dump was unreadable),\n"
	"2 no usable report, 3 not implemented yet, 64 usage error.\n";

static void usage_of(const struct subcommand *cmd, FILE *out)
{
	fprintf(out, "usage: kdump-collect %s %s\n\n%s\n%s", cmd->name, cmd->synopsis, cmd->help,
		exit_codes_help);
}

/*
 * Parses the options every subcommand shares the shape of. @longopts ends
 * with a zero entry; option values are stored by the caller's handler.
 */
static int parse_opts(const struct subcommand *cmd, int argc, char **argv,
		      const struct option *longopts, const char *shortopts,
		      bool (*take)(int opt, const char *arg, void *ctx), void *ctx)
{
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == 'h') {
			usage_of(cmd, stdout);
			exit(EXIT_DONE);
		}
		if (opt == '?' || opt == ':' || !take(opt, optarg, ctx)) {
			fprintf(stderr, "kdump-collect %s: bad option '%s'\n", cmd->name,
				argv[optind - 1]);
			usage_of(cmd, stderr);
			return -1;
		}
	}
	return optind;
}

/* ---- analyze ---- */

struct analyze_opts {
	bool json, list_symbols, dmesg;
	const char *read; /* --read ADDR[,LEN] */
	struct kdc_sources src;
};

static bool take_analyze(int opt, const char *arg, void *ctx)
{
	struct analyze_opts *o = ctx;

	switch (opt) {
	case 'j':
		o->json = true;
		return true;
	case 's':
		o->list_symbols = true;
		return true;
	case 'r':
		o->read = arg;
		return true;
	case 'd':
		o->dmesg = true;
		return true;
	case 'v':
		o->src.vmlinux = arg;
		return true;
	case 'm':
		o->src.system_map = arg;
		return true;
	case 'p':
		o->src.profile = arg;
		return true;
	case 'S':
		o->src.ignore_dump_symbols = true;
		return true;
	case 'T':
		o->src.ignore_dump_types = true;
		return true;
	case 'P':
		o->src.patterns = arg;
		return true;
	}
	return false;
}

/* closes the escaping stream (if any) and flushes stdout: nonzero on error */
static int finish_out(FILE *out)
{
	int bad = 0;

	if (out != stdout)
		bad = fclose(out) != 0;
	return bad | (fflush(stdout) != 0) | (ferror(stdout) != 0);
}

static int run_analyze(const struct subcommand *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "list-symbols", no_argument, NULL, 's' },
		{ "dmesg", no_argument, NULL, 'd' },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "profile", required_argument, NULL, 'p' },
		{ "read", required_argument, NULL, 'r' },
		{ "no-dump-symbols", no_argument, NULL, 'S' },
		{ "no-dump-types", no_argument, NULL, 'T' },
		{ "patterns", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct analyze_opts o = { 0 };
	struct analyze_result res;
	struct kdc_err err = { 0 };
	struct kdc_dump *dump;
	FILE *out;
	int i = parse_opts(cmd, argc, argv, longopts, "hj", take_analyze, &o);

	if (i < 0)
		return EXIT_USAGE;
	if (argc - i != 1) {
		fprintf(stderr, "kdump-collect analyze: expected one DUMP\n");
		usage_of(cmd, stderr);
		return EXIT_USAGE;
	}
	if (dump_open(argv[i], &dump, &err)) {
		fprintf(stderr, "kdump-collect analyze: %s\n", err.msg);
		return EXIT_NO_REPORT;
	}
	/* text carries the dump's strings: through the escaping stream (JSON
	 * escapes its own) */
	out = o.json ? stdout : terminal_safe_stream(stdout);
	if (!out)
		out = stdout;
	if (o.dmesg) {
		struct dmesg_stats ds = { 0 };
		enum kdc_status st = dmesg_write(dump, out, &ds, &err);

		dump_close(dump);
		if (st) {
			finish_out(out);
			fprintf(stderr, "kdump-collect analyze: %s\n", err.msg);
			return ds.records ? EXIT_PARTIAL : EXIT_NO_REPORT;
		}
		if (finish_out(out))
			return EXIT_NO_REPORT;
		if (ds.skipped)
			fprintf(stderr, "kdump-collect analyze: %zu log records unreadable\n",
				ds.skipped);
		return ds.skipped ? EXIT_PARTIAL : EXIT_DONE;
	}
	if (o.read) {
		enum kdc_status st = analyze_read_words(dump, &o.src, o.read, out, &err);

		dump_close(dump);
		if (st) {
			finish_out(out);
			fprintf(stderr, "kdump-collect analyze: %s\n", err.msg);
			return st == KC_INVAL ? EXIT_USAGE : EXIT_PARTIAL;
		}
		return finish_out(out) ? EXIT_NO_REPORT : EXIT_DONE;
	}
	if (o.list_symbols) {
		enum kdc_status st = analyze_list_symbols(dump, &o.src, out, &err);

		dump_close(dump);
		if (st) {
			finish_out(out);
			fprintf(stderr, "kdump-collect analyze: %s\n", err.msg);
			return EXIT_NO_REPORT;
		}
		return finish_out(out) ? EXIT_NO_REPORT : EXIT_DONE;
	}
	analyze_report(dump, &o.src, o.json, out, &res);
	dump_close(dump);
	if (finish_out(out)) {
		fprintf(stderr, "kdump-collect analyze: writing the report failed\n");
		return EXIT_NO_REPORT;
	}
	return res.nr_problems ? EXIT_PARTIAL : EXIT_DONE;
}

static bool take_collect(int opt, const char *arg, void *ctx)
{
	struct collect_opts *o = ctx;
	char *end;

	switch (opt) {
	case 'v':
		o->vmcore = arg;
		return true;
	case 'o':
		o->output_dir = arg;
		return true;
	case 't':
		o->timeout = strtod(arg, &end);
		return end != arg && !*end && o->timeout >= 0;
	case 'm':
		o->memory_limit_mib = strtoul(arg, &end, 10);
		if (end == arg || *end)
			return false;
		/* the analysis needs about 25 MiB resident on any dump size
		 * (make bench): below the floor it could never run */
		if (o->memory_limit_mib < KDC_MEMORY_LIMIT_FLOOR_MIB) {
			fprintf(stderr,
				"kdump-collect collect: --memory-limit %lu is below %u MiB, "
				"the least a run needs\n",
				o->memory_limit_mib, KDC_MEMORY_LIMIT_FLOOR_MIB);
			return false;
		}
		return true;
	case 'f':
		o->full_dump = true;
		return true;
	case 'V':
		o->src.vmlinux = arg;
		return true;
	case 'p':
		o->src.profile = arg;
		return true;
	case 'P':
		o->src.patterns = arg;
		return true;
	}
	return false;
}

static int run_collect(const struct subcommand *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vmcore", required_argument, NULL, 'v' },
		{ "output-dir", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "memory-limit", required_argument, NULL, 'm' },
		{ "full-dump", no_argument, NULL, 'f' },
		{ "vmlinux", required_argument, NULL, 'V' },
		{ "profile", required_argument, NULL, 'p' },
		{ "patterns", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct collect_opts o = { .vmcore = "/proc/vmcore" };
	struct collect_result res;
	struct kdc_err err = { 0 };
	int i = parse_opts(cmd, argc, argv, longopts, "ho:", take_collect, &o);

	if (i < 0)
		return EXIT_USAGE;
	if (argc != i) {
		fprintf(stderr, "kdump-collect collect: no arguments besides options\n");
		usage_of(cmd, stderr);
		return EXIT_USAGE;
	}
	if (collect_run(&o, stderr, &res, &err)) {
		fprintf(stderr, "kdump-collect collect: %s\n", err.msg);
		return EXIT_NO_REPORT;
	}
	printf("%s\n", res.bundle);
	return fflush(stdout) ? EXIT_NO_REPORT : res.complete ? EXIT_DONE : EXIT_PARTIAL;
}

static bool take_show(int opt, const char *arg, void *ctx)
{
	(void)arg;
	if (opt != 'M')
		return false;
	*(bool *)ctx = true;
	return true;
}

static int run_show(const struct subcommand *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "manifest", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct bundle_check chk;
	struct kdc_err err = { 0 };
	bool manifest = false;
	int i = parse_opts(cmd, argc, argv, longopts, "h", take_show, &manifest);

	if (i < 0)
		return EXIT_USAGE;
	if (argc - i != 1) {
		fprintf(stderr, "kdump-collect show: expected one BUNDLE\n");
		usage_of(cmd, stderr);
		return EXIT_USAGE;
	}
	if (bundle_show(argv[i], stdout, manifest, &chk, &err)) {
		fflush(stdout);
		fprintf(stderr, "kdump-collect show: %s\n", err.msg);
		return chk.members ? EXIT_PARTIAL : EXIT_NO_REPORT;
	}
	/* the report first, then the verdict on it: never interleaved */
	if (fflush(stdout))
		return EXIT_NO_REPORT;
	fprintf(stderr, "kdump-collect show: %s: %u members, every checksum verified\n", argv[i],
		chk.verified);
	return EXIT_DONE;
}
static bool take_repair(int opt, const char *arg, void *ctx)
{
	struct analyze_opts *o = ctx;

	switch (opt) {
	case 'o':
		o->read = arg;
		return true; /* the output path */
	case 'v':
		o->src.vmlinux = arg;
		return true;
	case 'm':
		o->src.system_map = arg;
		return true;
	case 'p':
		o->src.profile = arg;
		return true;
	}
	return false;
}

static int run_repair(const struct subcommand *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "profile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct analyze_opts o = { 0 };
	struct kdc_err err = { 0 };
	struct kdc_analysis a;
	struct kdc_dump *dump;
	unsigned int added = 0;
	enum kdc_status st;
	int i = parse_opts(cmd, argc, argv, longopts, "ho:", take_repair, &o);

	if (i < 0)
		return EXIT_USAGE;
	if (argc - i != 1 || !o.read) {
		fprintf(stderr, "kdump-collect repair: expected DUMP and -o OUT\n");
		usage_of(cmd, stderr);
		return EXIT_USAGE;
	}
	if (dump_open(argv[i], &dump, &err)) {
		fprintf(stderr, "kdump-collect repair: %s\n", err.msg);
		return EXIT_NO_REPORT;
	}
	analysis_run(dump, &o.src, &a);
	st = repair_write(&a, o.read, &added, &err);
	if (st)
		fprintf(stderr, "kdump-collect repair: %s\n", err.msg);
	else
		fprintf(stderr,
			"kdump-collect repair: %s: %u NT_PRSTATUS notes in CPU order, %u "
			"of them recovered\n",
			o.read, a.cpus.nr, added);
	analysis_fini(&a);
	dump_close(dump);
	return st ? EXIT_NO_REPORT : EXIT_DONE;
}

struct save_opts {
	const char *output;
	unsigned int level;
};

static bool take_save(int opt, const char *arg, void *ctx)
{
	struct save_opts *o = ctx;
	char *end;
	unsigned long v;

	switch (opt) {
	case 'o':
		o->output = arg;
		return true;
	case 'd':
		v = strtoul(arg, &end, 10);
		o->level = (unsigned int)v;
		return end != arg && !*end && v <= 31;
	}
	return false;
}

static int run_save(const struct subcommand *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "dump-level", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct save_opts o = { .level = 31 };
	struct vmcore_save_stats st;
	struct kdc_err err = { 0 };
	struct kdc_dump *dump;
	enum kdc_status s;
	int i = parse_opts(cmd, argc, argv, longopts, "ho:d:", take_save, &o);

	if (i < 0)
		return EXIT_USAGE;
	if (argc - i != 1 || !o.output) {
		fprintf(stderr, "kdump-collect save: expected DUMP and -o OUT\n");
		usage_of(cmd, stderr);
		return EXIT_USAGE;
	}
	if (dump_open(argv[i], &dump, &err)) {
		fprintf(stderr, "kdump-collect save: %s\n", err.msg);
		return EXIT_NO_REPORT;
	}
	s = vmcore_save(dump, o.output, o.level, &st, &err);
	dump_close(dump);
	if (s) {
		fprintf(stderr, "kdump-collect save: %s\n", err.msg);
		return s == KC_INVAL ? EXIT_USAGE : EXIT_NO_REPORT;
	}
	fprintf(stderr,
		"kdump-collect save: %s: dump level %u%s%s; %llu of %llu pages kept "
		"(left out: %llu zero, %llu free, %llu cache, %llu user; %llu kept because their "
		"struct page was unreadable), %u PT_LOADs, %llu bytes\n",
		o.output, st.level, st.note[0] ? ": " : "", st.note,
		(unsigned long long)st.pages_kept, (unsigned long long)st.pages_in,
		(unsigned long long)st.excluded_zero, (unsigned long long)st.excluded_free,
		(unsigned long long)st.excluded_cache, (unsigned long long)st.excluded_user,
		(unsigned long long)st.struct_pages_unreadable, st.runs,
		(unsigned long long)st.bytes_out);
	return st.level == o.level ? EXIT_DONE : EXIT_PARTIAL;
}

static bool take_profile(int opt, const char *arg, void *ctx)
{
	struct profile_opts *o = ctx;

	switch (opt) {
	case 'o':
		o->output = arg;
		return true;
	case 'k':
		o->kallsyms = arg;
		return true;
	case 'b':
		o->btf = arg;
		return true;
	case 'm':
		o->system_map = arg;
		return true;
	case 'r':
		o->release = arg;
		return true;
	case 'n':
		o->notes = arg;
		return true;
	}
	return false;
}

static int run_profile(const struct subcommand *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kallsyms", required_argument, NULL, 'k' },
		{ "btf", required_argument, NULL, 'b' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "release", required_argument, NULL, 'r' },
		{ "notes", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct profile_opts o = { 0 };
	struct kdc_err err = { 0 };
	int i = parse_opts(cmd, argc, argv, longopts, "ho:", take_profile, &o);

	if (i < 0)
		return EXIT_USAGE;
	if (argc != i || !o.output) {
		fprintf(stderr, "kdump-collect profile: -o FILE is required, no other arguments\n");
		usage_of(cmd, stderr);
		return EXIT_USAGE;
	}
	if (profile_write(&o, stderr, &err)) {
		fprintf(stderr, "kdump-collect profile: %s\n", err.msg);
		return EXIT_NO_REPORT;
	}
	return EXIT_DONE;
}

static const struct subcommand subcommands[] = {
	{ "collect",
	  "[--vmcore FILE] [--output-dir DIR] [--timeout SEC] [--memory-limit MIB] "
	  "[--full-dump] [--vmlinux FILE] [--profile FILE] [--patterns FILE]",
	  "Analyze the crashed kernel (default /proc/vmcore) and write a .tar.zst triage bundle\n"
	  "named kdump-HOST-RELEASE-CRASHTIME.tar.zst: report.txt (verdict first), report.json,\n"
	  "dmesg.txt, cpus/cpuN.txt, notes.bin (NT_PRSTATUS in CPU order, recovered ones\n"
	  "included), vmcoreinfo.txt and a MANIFEST with every member's XXH3-128 digest (as\n"
	  "xxh128sum prints it) and each step's time. The analysis runs in a child process:\n"
	  "with --timeout or --memory-limit it is stopped there and the bundle holds what was\n"
	  "done and names what was skipped (exit 1).\n"
	  "--memory-limit MIB is resident memory (at least 40; a run needs about 25). The bundle\n"
	  "is created mode 0600 and never replaces a file (a second one gets -2). A file that is\n"
	  "not a dump writes nothing (exit 2). Prints the bundle's path.",
	  run_collect },
	{ "analyze",
	  "[--json | --list-symbols | --dmesg] [--vmlinux FILE] [--system-map FILE] "
	  "[--profile FILE] [--no-dump-symbols] [--no-dump-types] [--patterns FILE] DUMP",
	  "Print what DUMP (an ELF vmcore or a kdump-compressed file) says: kernel, panic,\n"
	  "every CPU's task, registers and backtrace, and which notes belong to which CPU.\n"
	  "  --json             machine-readable report (docs/report-schema.md)\n"
	  "  --list-symbols     print the symbol table in use, as /proc/kallsyms does\n"
	  "  --dmesg            print the kernel log from the dump's printk ring buffer\n"
	  "  --read ADDR[,LEN]  print LEN bytes (default 256) at kernel address ADDR as\n"
	  "                     64-bit words, each symbolized when it points into code\n"
	  "Symbols come from the first that works: --vmlinux (with its build ID checked),\n"
	  "kallsyms in the dump (6.0+), --profile, --system-map. Types come from BTF in the\n"
	  "dump, else the profile's, else the vmlinux's .BTF.\n"
	  "  --no-dump-symbols  ignore kallsyms in the dump (as for kernels before 6.0)\n"
	  "  --no-dump-types    ignore BTF in the dump\n"
	  "  --patterns FILE    known crash patterns to match (default: $KDC_PATTERNS,\n"
	  "                     /etc/kdump-collector/patterns.conf, the installed one)",
	  run_analyze },
	{ "repair", "DUMP -o OUT [--vmlinux FILE] [--system-map FILE] [--profile FILE]",
	  "Write a copy of DUMP (same format) whose notes hold one NT_PRSTATUS per online CPU in\n"
	  "CPU order, the CPUs that never stopped included (registers recovered from memory),\n"
	  "and a KDUMP-COLLECTOR note recording where each came from, so that crash shows\n"
	  "`bt -c N` for every CPU.",
	  run_repair },
	{ "show", "[--manifest] BUNDLE",
	  "Print a bundle's report (and its MANIFEST with --manifest) and verify every member\n"
	  "against the MANIFEST's XXH3-128 digests; a damaged bundle is named as such (exit 1).",
	  run_show },
	{ "save", "DUMP -o OUT [--dump-level N]",
	  "Write a filtered copy of the ELF vmcore DUMP (/proc/vmcore or a saved one) to OUT, for\n"
	  "kernels makedumpfile refuses (Debian's 6.12 arm64: \"VA Bits 52 not supported\").\n"
	  "--dump-level has makedumpfile's -d meaning (default 31): 1 zero pages, 2 cache,\n"
	  "4 cache with private data, 8 user data, 16 free pages are left out, judged from\n"
	  "the crashed kernel's struct pages as VMCOREINFO describes them. Kept pages are\n"
	  "copied unchanged; OUT is created new (mode 0600) and never overwritten. Exit 1\n"
	  "when some level bits could not be applied (the copy is then bigger, not wrong).",
	  run_save },
	{ "profile",
	  "-o FILE [--kallsyms FILE] [--btf FILE] [--system-map FILE] [--release R] "
	  "[--notes FILE]",
	  "On the live system, write the symbol and type profile for kernels whose dumps carry\n"
	  "no kallsyms or BTF; `analyze --profile FILE` reads it. Defaults: /proc/kallsyms\n"
	  "(run as root: addresses must be visible), /sys/kernel/btf/vmlinux,\n"
	  "/boot/System.map-RELEASE when it is a full map, `uname -r`, /sys/kernel/notes\n"
	  "(the build ID). Addresses are stored relative to _stext, so the profile survives\n"
	  "KASLR.",
	  run_profile },
};

#define NR_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: kdump-collect COMMAND [OPTIONS]\n\n"
		     "Turn a Linux kernel crash dump into a self-explaining triage report.\n\n");
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].synopsis);
	fprintf(out, "\n'kdump-collect COMMAND --help' describes one command.\n%s",
		exit_codes_help);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kdump-collect %s\n", KDC_VERSION);
		return EXIT_DONE;
	}
	for (size_t i = 0; i < NR_SUBCOMMANDS; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(&subcommands[i], argc - 1, argv + 1);
	fprintf(stderr, "kdump-collect: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
