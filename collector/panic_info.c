// SPDX-License-Identifier: GPL-2.0-or-later
#include "panic_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmesg.h"
#include "log_lines.h"

/* The CPU header follows the message within a few records. */
#define CPU_LINE_WINDOW 8

static const char panic_prefix[] = "Kernel panic - not syncing: ";
static const char oops_prefix[] = "Internal error: ";

struct scan {
	const struct kdc_arch_ops *arch;
	struct kdc_panic_info *pi;
	unsigned int since_message; /* records after the message; UINT_MAX when none */
	bool have_panic;	    /* a "Kernel panic" line was seen (it wins over an oops) */
};

static bool starts_with(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && !memcmp(s, prefix, plen);
}

/* Copies the first line of @s into @dst, dropping a trailing newline. */
static void copy_line(char *dst, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != '\n' && n + 1 < size)
		n++;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool find_after(const char *text, size_t len, const char *what, const char **after)
{
	size_t n = strlen(what);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(text + i, what, n)) {
			*after = text + i + n;
			return true;
		}
	return false;
}

/* Facts printed before the panic message that the verdict uses. */
static void note_facts(const struct kdc_arch_ops *arch, struct kdc_panic_info *pi,
		       const struct printk_record *rec)
{
	char line[256], *end;
	const char *p;

	copy_line(line, sizeof(line), rec->text, rec->text_len);
	if (arch->log_line)
		arch->log_line(line, strlen(line), false, &pi->arch);
	if (find_after(line, strlen(line), "BUG: soft lockup - CPU#", &p) &&
	    pi->nr_soft_lockups < 8) {
		long cpu = strtol(p, &end, 10);
		unsigned long secs;

		if (end != p && !strncmp(end, " stuck for ", 11)) {
			secs = strtoul(end + 11, &end, 10);
			pi->soft_lockup[pi->nr_soft_lockups].cpu = (int)cpu;
			pi->soft_lockup[pi->nr_soft_lockups].seconds = (unsigned int)secs;
			pi->soft_lockup[pi->nr_soft_lockups].ts_nsec = rec->ts_nsec;
			pi->nr_soft_lockups++;
		}
	} else if ((strstr(line, "hard LOCKUP") || strstr(line, "detected stalls on CPUs") ||
		    strstr(line, "self-detected stall on CPU") ||
		    strstr(line, "detected expedited stalls")) &&
		   pi->nr_stalls < 8) {
		/* kernel/watchdog*.c, kernel/rcu/tree_stall.h (4.18-6.12 wording) */
		pi->stall[pi->nr_stalls].ts_nsec = rec->ts_nsec;
		snprintf(pi->stall[pi->nr_stalls].line, sizeof(pi->stall[0].line), "%.159s", line);
		pi->nr_stalls++;
	} else if (!strncmp(line, "rcu: \t", 6) && line[6] >= '0' && line[6] <= '9' &&
		   strchr(line + 6, '-') && pi->nr_stalls && pi->nr_stalls < 8) {
		/* a stall report's per-CPU line, "\t%d-%c%c%c%c: (...)" after its
		 * header (print_cpu_stall_info(), kernel/rcu/tree_stall.h, 5.10-6.12):
		 * RCU's own word for which CPU holds up the grace period */
		pi->stall[pi->nr_stalls].ts_nsec = rec->ts_nsec;
		snprintf(pi->stall[pi->nr_stalls].line, sizeof(pi->stall[0].line),
			 "rcu: CPU %.150s", line + 6);
		pi->nr_stalls++;
	}
}

static int on_record(const struct printk_record *rec, void *ctx)
{
	struct scan *s = ctx;
	struct kdc_panic_info *pi = s->pi;
	bool is_panic =
		starts_with(rec->text, rec->text_len, panic_prefix, sizeof(panic_prefix) - 1);
	bool is_oops = starts_with(rec->text, rec->text_len, oops_prefix, sizeof(oops_prefix) - 1);

	pi->records_read++;
	note_facts(s->arch, pi, rec);
	if (is_panic || (is_oops && !s->have_panic)) {
		size_t skip = is_panic ? sizeof(panic_prefix) - 1 : 0;

		copy_line(pi->message, sizeof(pi->message), rec->text + skip, rec->text_len - skip);
		pi->arch.have_hyp = false;
		if (is_panic && s->arch->log_line)
			s->arch->log_line(rec->text + skip, rec->text_len - skip, true, &pi->arch);
		pi->kind = is_panic ? "panic" : "oops";
		pi->found = true;
		pi->seq = rec->seq;
		pi->ts_nsec = rec->ts_nsec;
		pi->cpu = -1;
		s->have_panic |= is_panic;
		s->since_message = 0;
		return 0;
	}
	if (s->since_message < CPU_LINE_WINDOW) {
		s->since_message++;
		if (pi->cpu < 0 &&
		    log_parse_cpu_line(rec->text, rec->text_len, &pi->cpu, &pi->pid, pi->comm))
			s->since_message = CPU_LINE_WINDOW;
	}
	return 0;
}

enum kdc_status panic_info_from_log(struct kdc_dump *dump, struct kdc_panic_info *out,
				    struct kdc_err *err)
{
	struct scan s = { .arch = dump->arch, .pi = out, .since_message = CPU_LINE_WINDOW };
	size_t skipped = 0;

	memset(out, 0, sizeof(*out));
	out->cpu = -1;
	return dmesg_for_each(dump, on_record, &s, &skipped, err);
}
