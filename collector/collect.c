// SPDX-License-Identifier: GPL-2.0-or-later
#include "collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis.h"
#include "report.h"
#include "bundle.h"
#include "dmesg.h"
#include "elf_notes.h"
#include "mem.h"
#include "mini_dump.h"
#include "page_tracker.h"
#include "name_safe.h"
#include "repair.h"
#include "vmcore_save.h"

#include "version.h"
#define PATH_LEN 4096
#define POLL_NS (50 * 1000 * 1000)

/* AddressSanitizer reserves terabytes of shadow address space at start, so an
 * RLIMIT_AS backstop kills every sanitizer run before it opens the dump; the
 * parent's RSS poll still enforces the limit there. */
#if defined(__SANITIZE_ADDRESS__)
#define KDC_ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KDC_ASAN_BUILD 1
#endif
#endif
#ifndef KDC_ASAN_BUILD
#define KDC_ASAN_BUILD 0
#endif

/* "@dir/@name" into @out (PATH_LEN); false when it does not fit */
static bool join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_LEN, "%s/%s", dir, name);

	return n > 0 && n < PATH_LEN;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the child: each step writes files into the work directory ---- */

struct steps {
	const char *dir;
	FILE *log; /* work/.steps: "step NAME SECONDS ok|failed: why" */
};

/*
 * Opens @dir/@name.tmp; finish() renames it into place. Text files (.txt)
 * carry the dump's strings and are read on terminals: they are written
 * through the escaping stream (name_safe.h).
 */
static FILE *begin(const struct steps *s, const char *name, char *tmp, char *final)
{
	size_t n = strlen(name);
	FILE *f;

	snprintf(final, PATH_LEN, "%s/%s", s->dir, name);
	snprintf(tmp, PATH_LEN, "%s/.%s.tmp", s->dir,
		 strchr(name, '/') ? strchr(name, '/') + 1 : name);
	f = fopen(tmp, "w");
	return n > 4 && !strcmp(name + n - 4, ".txt") ? terminal_safe_file(f) : f;
}

static bool finish(FILE *f, const char *tmp, const char *final)
{
	bool ok = !ferror(f);

	ok = !fclose(f) && ok;
	return ok && !rename(tmp, final);
}

static void record(const struct steps *s, const char *step, double t0, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void record(const struct steps *s, const char *step, double t0, const char *fmt, ...)
{
	va_list ap;

	fprintf(s->log, "step %s %.3fs ", step, now() - t0);
	va_start(ap, fmt);
	vfprintf(s->log, fmt, ap);
	va_end(ap);
	fputc('\n', s->log);
	fflush(s->log);
}

static void write_text(const struct steps *s, const char *name, const char *step,
		       void (*fn)(const struct kdc_analysis *, FILE *),
		       const struct kdc_analysis *a)
{
	char tmp[PATH_LEN], final[PATH_LEN];
	double t0 = now();
	FILE *f = begin(s, name, tmp, final);

	if (!f) {
		record(s, step, t0, "failed: %s: %s", name, strerror(errno));
		return;
	}
	fn(a, f);
	record(s, step, t0, finish(f, tmp, final) ? "ok" : "failed: writing %s", name);
}

/* "cpus/cpuN.txt": the report's CPU section and every register, annotated */
static void write_cpus(const struct steps *s, const struct kdc_analysis *a)
{
	double t0 = now();
	char dir[PATH_LEN];
	unsigned int bad = 0;

	if (!join(dir, s->dir, "cpus") || (mkdir(dir, 0700) && errno != EEXIST)) {
		record(s, "cpus", t0, "failed: cannot create cpus/");
		return;
	}
	for (unsigned int i = 0; i < a->cpus.nr; i++) {
		char name[64], tmp[PATH_LEN], final[PATH_LEN];
		const struct kdc_regs *r = &a->cpus.cpu[i].regs;
		FILE *f;

		snprintf(name, sizeof(name), "cpus/cpu%u.txt", i);
		if (!(f = begin(s, name, tmp, final))) {
			bad++;
			continue;
		}
		report_cpu_text(a, i, f);
		if (a->cpus.cpu[i].regs_source != KDC_REGS_NONE) {
			fprintf(f, "\n  registers (%s):\n",
				kdc_regs_source_name(a->cpus.cpu[i].regs_source));
			for (unsigned int x = 0; x < 31; x++) {
				uint64_t v = x < r->nr ? r->r[x] : 0;
				char fn[160];

				if (x == 29)
					v = r->fp;
				if (x == 30)
					v = r->lr;
				fprintf(f, "    x%-2u %016llx", x, (unsigned long long)v);
				if (kernel_describe(&a->kernel,
						    symbols_strip_pac(&a->kernel.syms, v), fn,
						    sizeof(fn)))
					fprintf(f, "  %s", fn);
				fputc('\n', f);
			}
		}
		bad += !finish(f, tmp, final);
	}
	record(s, "cpus", t0, bad ? "failed: %u files" : "ok", bad);
}

static void write_dmesg(const struct steps *s, struct kdc_dump *d)
{
	char tmp[PATH_LEN], final[PATH_LEN];
	double t0 = now();
	struct dmesg_stats ds = { 0 };
	struct kdc_err err = { 0 };
	FILE *f = begin(s, "dmesg.txt", tmp, final);

	if (!f) {
		record(s, "dmesg", t0, "failed: %s", strerror(errno));
		return;
	}
	if (dmesg_write(d, f, &ds, &err))
		fprintf(f, "kdump-collector: log incomplete: %s\n", err.msg);
	if (!finish(f, tmp, final))
		record(s, "dmesg", t0, "failed: writing");
	else if (err.code)
		record(s, "dmesg", t0, "partial: %s", err.msg);
	else
		record(s, "dmesg", t0, "ok (%zu records)", ds.records);
}

static void write_notes(const struct steps *s, const struct kdc_analysis *a)
{
	char tmp[PATH_LEN], final[PATH_LEN];
	double t0 = now();
	struct kdc_err err = { 0 };
	unsigned int added;
	uint8_t *blob;
	size_t len;
	FILE *f;

	if (repair_notes(a, &blob, &len, &added, &err)) {
		record(s, "notes", t0, "failed: %s", err.msg);
		return;
	}
	if ((f = begin(s, "notes.bin", tmp, final))) {
		fwrite(blob, 1, len, f);
		record(s, "notes", t0,
		       finish(f, tmp, final) ? "ok (%u recovered)" : "failed: write", added);
	} else {
		record(s, "notes", t0, "failed: %s", strerror(errno));
	}
	free(blob);
}

static void write_vmcoreinfo(const struct steps *s, const struct kdc_dump *d)
{
	char tmp[PATH_LEN], final[PATH_LEN];
	double t0 = now();
	struct kdc_cursor c;
	struct kdc_note n;
	bool have;
	FILE *f = begin(s, "vmcoreinfo.txt", tmp, final);

	if (!f)
		return;
	kdc_cursor_init(&c, d->notes, d->notes_len, false, "notes");
	while (!elf_notes_next(&c, &have, &n, NULL) && have)
		if (elf_note_name_is(&n, "VMCOREINFO"))
			fwrite(n.desc, 1, strnlen((const char *)n.desc, n.desc_len), f);
	record(s, "vmcoreinfo", t0, finish(f, tmp, final) ? "ok" : "failed");
}

static void write_mini_dump(const struct steps *s, struct kdc_analysis *a,
			    struct kdc_page_tracker *t)
{
	char tmp[PATH_LEN], final[PATH_LEN];
	double t0 = now();
	struct mini_dump_stats ms;
	struct kdc_err err = { 0 };
	FILE *f = begin(s, "vmcore.mini", tmp, final);

	if (!f) {
		record(s, "mini-dump", t0, "failed: %s", strerror(errno));
		return;
	}
	if (mini_dump_write(a, t, f, &ms, &err)) {
		fclose(f);
		unlink(tmp);
		record(s, "mini-dump", t0, "failed: %s", err.msg);
		return;
	}
	if (finish(f, tmp, final))
		record(s, "mini-dump", t0, "%s (%zu pages in %zu segments%s%s)",
		       ms.left_out[0] ? "partial" : "ok", ms.pages, ms.segments,
		       ms.left_out[0] ? "; left out at the bounds: " : "", ms.left_out);
	else
		record(s, "mini-dump", t0, "failed: writing");
}

/* The bundle's name: host, release and UTC crash time, from the dump. */
static void write_name(const struct steps *s, const struct kdc_analysis *a)
{
	const struct kdc_vmcoreinfo *vi = a->dump->vmcoreinfo;
	char host[65] = "", tmp[PATH_LEN], final[PATH_LEN], when[48];
	char safe_host[KDC_NAME_COMPONENT_MAX + 1], safe_release[KDC_NAME_COMPONENT_MAX + 1];
	time_t now_t = time(NULL);
	struct tm now_tm;
	const char *release = vi ? vmcoreinfo_get(vi, "OSRELEASE") : NULL;
	uint64_t uts, crash_time, nodename_off = 65; /* new_utsname: sysname[65], nodename[65] */
	FILE *f;

	if (vi && !vmcoreinfo_get_symbol(vi, "init_uts_ns", &uts, NULL)) {
		uint64_t name_off = 0;

		/* VMCOREINFO names the offset since Linux kernel commit
		 * ca4a9241cc5e ("kdump: append uts_namespace.name offset to
		 * VMCOREINFO") (in v5.11), after 9a56493f6942 ("uts: Use generic
		 * ns_common::count") took the kref from before the name (0
		 * after, 4 before): without the line, where sysname reads "Linux" */
		if (vmcoreinfo_get_u64(vi, "OFFSET(uts_namespace.name)", 10, &name_off, NULL)) {
			char sysname[6];

			for (name_off = 0; name_off <= 4; name_off += 4)
				if (!mem_read(a->kernel.mem, uts + name_off, sysname,
					      sizeof(sysname), NULL) &&
				    !memcmp(sysname, "Linux", sizeof(sysname)))
					break;
			if (name_off > 4)
				name_off = 0;
		}
		if (mem_read(a->kernel.mem, uts + name_off + nodename_off, host, 64, NULL))
			snprintf(host, sizeof(host), "unknown-host");
		host[64] = '\0';
	}
	/* without CRASHTIME: the time of this run, marked as such */
	gmtime_r(&now_t, &now_tm);
	strftime(when, sizeof(when), "unknown-time-collected-%Y%m%dT%H%M%SZ", &now_tm);
	if (vi && !vmcoreinfo_get_u64(vi, "CRASHTIME", 10, &crash_time, NULL)) {
		time_t t = (time_t)crash_time;
		struct tm tm;

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	}
	/* file-name components, whatever the dump says */
	name_component(host, "unknown-host", safe_host, sizeof(safe_host));
	name_component(release, "unknown-release", safe_release, sizeof(safe_release));
	if ((f = begin(s, ".name", tmp, final))) {
		fprintf(f, "kdump-%s-%s-%s", safe_host, safe_release, when);
		finish(f, tmp, final);
	}
}

static void child(const struct collect_opts *o, const char *dir)
{
	struct steps s = { .dir = dir };
	char path[PATH_LEN];
	struct kdc_analysis a;
	struct kdc_dump *dump;
	struct kdc_page_tracker tracker;
	struct kdc_err err = { 0 }, tracker_err = { 0 };
	bool recording;
	double t0 = now();

	if (!join(path, dir, ".steps") || !(s.log = fopen(path, "a")))
		_exit(2);
	if (o->memory_limit_mib && !KDC_ASAN_BUILD) {
		/* a backstop for allocations too fast for the parent's RSS poll:
		 * address space is many times the resident memory (libraries,
		 * libkdumpfile's caches), so it is capped well above the limit */
		rlim_t as = ((rlim_t)o->memory_limit_mib << 20) * 8 + (512ull << 20);
		struct rlimit rl = { as, as };

		setrlimit(RLIMIT_AS, &rl);
	}
	if (dump_open(o->vmcore, &dump, &err)) {
		record(&s, "open", t0, "failed: %s", err.msg);
		_exit(2);
	}
	record(&s, "open", t0, "ok");
	t0 = now();
	/* the analysis' reads are its evidence: the small dump holds them */
	recording = !page_tracker_install(&tracker, &dump->mem, dump->kctx,
					  dump_page_size(dump, NULL), &tracker_err);
	analysis_run(dump, &o->src, &a);
	record(&s, "analyze", t0, a.nr_problems ? "partial (%u problems)" : "ok",
	       a.nr_problems + a.problems_dropped);
	write_name(&s, &a);
	write_text(&s, "report.txt", "report-text", report_text, &a);
	write_text(&s, "report.json", "report-json", report_json, &a);
	write_cpus(&s, &a);
	write_dmesg(&s, dump);
	write_notes(&s, &a);
	write_vmcoreinfo(&s, dump);
	if (recording)
		write_mini_dump(&s, &a, &tracker);
	else
		record(&s, "mini-dump", now(), "failed: %s", tracker_err.msg);
	analysis_fini(&a);
	page_tracker_remove(&tracker);
	dump_close(dump);
	fclose(s.log);
	_exit(0);
}

/* ---- the parent ---- */

static void remove_tree(const char *dir)
{
	char path[PATH_LEN];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) && errno == EISDIR)
			remove_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

static char *read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Waits for @pid until @deadline (0: none); kills it then. */
/* the child's resident memory, KiB (VmRSS of /proc/PID/status); 0 unknown */
static unsigned long resident_kib(pid_t pid)
{
	char path[64], line[128];
	unsigned long kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Waits for the analysis child; stops it at @deadline (0: none) or when its
 * resident memory passes @rss_limit_kib (0: none), polled every POLL_NS:
 * the capture kernel's memory is what a run must not exhaust.
 */
static int wait_child(pid_t pid, double deadline, unsigned long rss_limit_kib, bool *timed_out,
		      unsigned long *rss_killed_kib)
{
	bool poll = deadline > 0 || rss_limit_kib;
	int status = 0;

	*timed_out = false;
	*rss_killed_kib = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, poll ? WNOHANG : 0);
		unsigned long rss;

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (deadline > 0 && now() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*timed_out = true;
			return status;
		}
		if (rss_limit_kib && (rss = resident_kib(pid)) > rss_limit_kib) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			*rss_killed_kib = rss;
			return status;
		}
		if (poll)
			nanosleep(&(struct timespec){ 0, POLL_NS }, NULL);
	}
}

/*
 * kdump-collect save -d 31 of an ELF vmcore, in a child (it has its own
 * bounded memory and must not take the parent down): for kernels whose
 * layout makedumpfile refuses (Debian 12's 6.12 with bookworm's 1.7.2 and
 * trixie's 1.7.6: "PAGE SIZE 0x1000 and VA Bits 52 not supported").
 */
static bool save_instead(const char *vmcore, const char *out, FILE *log)
{
	int status;
	pid_t pid;

	unlink(out); /* what makedumpfile left behind, if anything */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct vmcore_save_stats st;
		struct kdc_dump *d;
		struct kdc_err err = { 0 };

		if (dump_open(vmcore, &d, &err) || vmcore_save(d, out, 31, &st, &err)) {
			fprintf(log, "kdump-collect: kdump-collect save failed too: %s\n", err.msg);
			fflush(log);
			_exit(1);
		}
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

/*
 * The full dump, after the bundle exists: makedumpfile -d 31 (zero, cache,
 * user and free pages dropped) with zstd pages (-z), beside the bundle;
 * where makedumpfile is missing or refuses, an ELF copy filtered the same
 * way by kdump-collect save. Its failure costs only itself.
 */
static void full_dump(const struct collect_opts *o, const char *outdir, const char *name, FILE *log,
		      struct collect_result *res)
{
	char out[PATH_LEN];
	double t0 = now();
	int status;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s.vmcore", outdir, name);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		execlp("makedumpfile", "makedumpfile", "-z", "-d", "31", o->vmcore, out,
		       (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(log,
			"kdump-collect: makedumpfile %s; saving an ELF copy filtered the same "
			"way (-d 31) instead\n",
			pid < 0						  ? "could not start"
			: WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "is not installed"
									  : "exited with an error");
		if (save_instead(o->vmcore, out, log)) {
			fprintf(log,
				"kdump-collect: full dump %s (ELF, kdump-collect save, %.1fs)\n",
				out, now() - t0);
			return;
		}
		fprintf(log, "kdump-collect: full dump failed; the bundle stands\n");
		res->complete = false;
		snprintf(res->skipped + strlen(res->skipped),
			 sizeof(res->skipped) - strlen(res->skipped), "%sfull-dump (failed)",
			 res->skipped[0] ? ", " : "");
		return;
	}
	fprintf(log, "kdump-collect: full dump %s (%.1fs)\n", out, now() - t0);
}

/*
 * Refused before anything is written: a path that is not there or not
 * readable, and anything but a regular file or block device (a FIFO would
 * block open(2) forever; O_NONBLOCK keeps this check from blocking too).
 */
static enum kdc_status check_dump_file(const char *path, struct kdc_err *err)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) || !(S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))) {
		close(fd);
		return kdc_fail(err, KC_INVAL, "%s: not a regular file or block device", path);
	}
	close(fd);
	return KC_OK;
}

/* "failed: why" of the child's open step, if it failed */
static const char *open_failure(const char *steps)
{
	const char *p = strstr(steps, "step open ");

	if (!p || !(p = strchr(p + 10, ' ')) || strncmp(p + 1, "failed: ", 8))
		return NULL;
	return p + 9;
}

enum kdc_status collect_run(const struct collect_opts *o, FILE *log, struct collect_result *res,
			    struct kdc_err *err)
{
	const char *outdir = o->output_dir ? o->output_dir : ".";
	char work[PATH_LEN], path[PATH_LEN], name[512], steps[8192], head[16384], when[64];
	static const char *const expected[] = { "open",	       "analyze",    "report-text",
						"report-json", "cpus",	     "dmesg",
						"notes",       "vmcoreinfo", "mini-dump" };
	struct tm tm;
	time_t t = time(NULL);
	double t0 = now();
	bool timed_out;
	unsigned long rss_killed;
	int status;
	size_t hn;
	pid_t pid;
	enum kdc_status st;

	memset(res, 0, sizeof(*res));
	if ((st = check_dump_file(o->vmcore, err)))
		return st;
	snprintf(work, sizeof(work), "%s/.kdump-collector-XXXXXX", outdir);
	if (!mkdtemp(work))
		return kdc_fail(err, KC_IO, "%s: %s", outdir, strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		remove_tree(work);
		return kdc_fail(err, KC_IO, "fork: %s", strerror(errno));
	}
	if (pid == 0)
		child(o, work);
	status = wait_child(pid, o->timeout > 0 ? t0 + o->timeout : 0, o->memory_limit_mib << 10,
			    &timed_out, &rss_killed);

	steps[0] = name[0] = '\0';
	if (join(path, work, ".steps"))
		read_small(path, steps, sizeof(steps));
	if (join(path, work, ".name"))
		read_small(path, name, sizeof(name));
	/* not a dump at all: no bundle, the cause to the caller */
	if (open_failure(steps)) {
		const char *why = open_failure(steps);

		remove_tree(work);
		return kdc_fail(err, KC_CORRUPT, "%.*s", (int)strcspn(why, "\n"), why);
	}
	if (!name[0]) {
		gmtime_r(&t, &tm);
		strftime(name, sizeof(name), "kdump-unknown-host-unknown-release-%Y%m%dT%H%M%SZ",
			 &tm);
	}
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	hn = (size_t)snprintf(head, sizeof(head),
			      "%s\ncollector-version %s\ncreated %s\nvmcore %s\n%s",
			      KDC_BUNDLE_MAGIC, KDC_VERSION, when, o->vmcore, steps);
	res->complete = !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			!strstr(steps, "s partial") && !strstr(steps, "s failed");
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		char key[64];

		const char *line;

		snprintf(key, sizeof(key), "step %s ", expected[i]);
		if ((line = strstr(steps, key))) {
			/* ran, but failed or partly: named, so "partial" never
			 * comes with an empty list */
			char one[256];
			const char *how;

			snprintf(one, sizeof(one), "%.*s", (int)strcspn(line, "\n"), line);
			how = strstr(one, " failed")	? "failed"
			      : strstr(one, " partial") ? "partial"
							: NULL;

			if (how)
				snprintf(res->skipped + strlen(res->skipped),
					 sizeof(res->skipped) - strlen(res->skipped), "%s%s (%s)",
					 res->skipped[0] ? ", " : "", expected[i], how);
			continue;
		}
		res->complete = false;
		hn += (size_t)snprintf(head + hn, hn < sizeof(head) ? sizeof(head) - hn : 0,
				       "skipped %s (%s)\n", expected[i],
				       timed_out	     ? "time budget ran out"
				       : rss_killed	     ? "memory limit reached"
				       : WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
							     : "the analysis stopped before it");
		snprintf(res->skipped + strlen(res->skipped),
			 sizeof(res->skipped) - strlen(res->skipped), "%s%s (skipped)",
			 res->skipped[0] ? ", " : "", expected[i]);
	}
	if (timed_out)
		hn += (size_t)snprintf(head + hn, hn < sizeof(head) ? sizeof(head) - hn : 0,
				       "timeout %.1fs: the analysis was stopped\n", o->timeout);
	if (rss_killed)
		hn += (size_t)snprintf(head + hn, hn < sizeof(head) ? sizeof(head) - hn : 0,
				       "memory-limit %lu MiB: the analysis was stopped at %lu MiB "
				       "resident\n",
				       o->memory_limit_mib, rss_killed >> 10);
	snprintf(res->bundle, sizeof(res->bundle), "%s/%s.tar.zst", outdir, name);
	t0 = now();
	st = bundle_write(res->bundle, sizeof(res->bundle), name, work, head, 0, err);
	remove_tree(work);
	if (st)
		return st;
	fprintf(log, "kdump-collect: %s%s%s%s (bundled in %.2fs)\n", res->bundle,
		res->complete ? "" : " (partial: ", res->skipped, res->complete ? "" : ")",
		now() - t0);
	if (o->full_dump)
		full_dump(o, outdir, name, log, res);
	return KC_OK;
}
