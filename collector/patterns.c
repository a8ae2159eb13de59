// SPDX-License-Identifier: GPL-2.0-or-later
#include "patterns.h"

#include <fnmatch.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcoreinfo.h"
#include "dmesg.h"
#include "sources.h"

#ifndef KDC_PATTERNS_INSTALLED
#define KDC_PATTERNS_INSTALLED "/usr/local/share/kdump-collector/patterns.conf"
#endif
#define PATTERNS_FILE_MAX (1u << 20)
#define RECORD_TEXT_MAX 1024

/* The first candidate that exists. */
static bool find_file(const char *given, char *path, size_t len)
{
	const char *env = getenv("KDC_PATTERNS");
	char exe[4096];
	ssize_t n;

	if (given || env) {
		snprintf(path, len, "%s", given ? given : env);
		return true;
	}
	snprintf(path, len, "/etc/kdump-collector/patterns.conf");
	if (!access(path, R_OK))
		return true;
	/* beside the binary as installed (PREFIX/bin -> PREFIX/share), whatever
	 * PREFIX it was built with; then an in-tree build (build/ next to
	 * collector/); then the compiled-in PREFIX */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(path, len, "%s/../share/kdump-collector/patterns.conf", dirname(exe));
		if (!access(path, R_OK))
			return true;
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n] = '\0';
		snprintf(path, len, "%s/../collector/patterns.conf", dirname(exe));
		if (!access(path, R_OK))
			return true;
	}
	snprintf(path, len, "%s", KDC_PATTERNS_INSTALLED);
	if (!access(path, R_OK))
		return true;
	path[0] = '\0';
	return false;
}

struct log_scan {
	const struct kdc_patterns *pats;
	/* per pattern, a bit per log condition seen */
	unsigned int seen[KDC_PATTERNS_MAX];
};

static int on_record(const struct printk_record *rec, void *ctx)
{
	struct log_scan *s = ctx;
	char text[RECORD_TEXT_MAX];
	size_t n = rec->text_len < sizeof(text) - 1 ? rec->text_len : sizeof(text) - 1;

	memcpy(text, rec->text, n);
	text[n] = '\0';
	for (unsigned int i = 0; i < s->pats->nr; i++)
		for (unsigned int c = 0; c < s->pats->p[i].nr_log; c++)
			if (strstr(text, s->pats->p[i].log[c]))
				s->seen[i] |= 1u << c;
	return 0;
}

/* The first function on any CPU's backtrace that matches @glob, or NULL. */
static const char *bt_match(const struct kdc_patterns_in *a, const char *glob, unsigned int *cpu)
{
	for (unsigned int i = 0; i < a->cpus->nr; i++)
		for (unsigned int f = 0; f < a->bt[i].nr; f++) {
			struct kdc_symbol_hit hit;

			if (!frame_symbol(a->kernel, &a->bt[i].frame[f], &hit) && hit.name &&
			    !fnmatch(glob, hit.name, 0)) {
				*cpu = i;
				return hit.name;
			}
		}
	return NULL;
}

void patterns_match(const struct kdc_patterns_in *a, const char *given,
		    struct kdc_pattern_matches *out)
{
	struct log_scan scan = { 0 };
	const char *release =
		a->dump->vmcoreinfo ? vmcoreinfo_get(a->dump->vmcoreinfo, "OSRELEASE") : NULL;
	uint8_t *text;
	size_t len, skipped;

	memset(out, 0, sizeof(*out));
	if (!find_file(given, out->path, sizeof(out->path))) {
		out->missing = true;
		return;
	}
	if (!(out->file = malloc(sizeof(*out->file)))) {
		kdc_fail(&out->err, KC_NOMEM, "patterns");
		return;
	}
	if (read_whole_file(out->path, PATTERNS_FILE_MAX, &text, &len, &out->err)) {
		kdc_err_prefix(&out->err, out->err.code, "patterns");
		return;
	}
	if (patterns_parse((const char *)text, len, out->file, &out->err)) {
		kdc_err_prefix(&out->err, out->err.code, "%s", out->path);
		out->file->nr = 0;
	}
	free(text);
	scan.pats = out->file;
	if (a->bt && dmesg_for_each(a->dump, on_record, &scan, &skipped, NULL))
		memset(scan.seen, 0, sizeof(scan.seen));
	for (unsigned int i = 0; i < out->file->nr && a->bt; i++) {
		const struct kdc_pattern *p = &out->file->p[i];
		struct kdc_pattern_match *m = &out->match[out->nr];
		size_t n = 0;
		bool ok = scan.seen[i] == (1u << p->nr_log) - 1;

		if (p->kernel_before[0])
			ok = ok && release && release_before(release, p->kernel_before);
		for (unsigned int c = 0; c < p->nr_log && ok; c++)
			n += (size_t)snprintf(m->evidence + n,
					      n < sizeof(m->evidence) ? sizeof(m->evidence) - n : 0,
					      "%slog has \"%s\"", n ? "; " : "", p->log[c]);
		for (unsigned int c = 0; c < p->nr_backtrace && ok; c++) {
			unsigned int cpu = 0;
			const char *fn = bt_match(a, p->backtrace[c], &cpu);

			ok = fn != NULL;
			if (ok)
				n += (size_t)snprintf(
					m->evidence + n,
					n < sizeof(m->evidence) ? sizeof(m->evidence) - n : 0,
					"%sCPU %u's backtrace has %s", n ? "; " : "", cpu, fn);
		}
		if (ok) {
			m->pattern = p;
			out->nr++;
		}
	}
}

void patterns_fini(struct kdc_pattern_matches *m)
{
	free(m->file);
	m->file = NULL;
}
