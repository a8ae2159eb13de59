// SPDX-License-Identifier: GPL-2.0-or-later
#include "mini_dump.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "repair.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PT_LOAD_TYPE 1
#define PT_NOTE_TYPE 4
#define SEGMENTS_MAX 16384

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The pages of every CPU's stacks, whether or not the analysis read them. */
static void add_stacks(struct kdc_analysis *a)
{
	struct kdc_dump *d = a->dump;

	for (unsigned int i = 0; i < a->cpus.nr; i++)
		for (unsigned int s = 0; s < a->cpus.cpu[i].nr_stacks; s++) {
			const struct kdc_stack_range *r = &a->cpus.cpu[i].stacks[s];

			if (r->hi > r->lo && r->hi - r->lo <= (1u << 20))
				mem_track(d, r->lo, (size_t)(r->hi - r->lo));
		}
}

struct run {
	uint64_t pfn, count;
};

enum kdc_status mini_dump_write(struct kdc_analysis *a, FILE *out, struct mini_dump_stats *stats,
				struct kdc_err *err)
{
	struct kdc_dump *d = a->dump;
	struct kdc_page_set *set = &d->touched;
	uint64_t ps = d->track_page_size, off;
	uint8_t eh[EHDR_SIZE] = { 0 }, ph[PHDR_SIZE], *page = NULL, *notes = NULL;
	struct run *runs = NULL;
	size_t nr_runs = 0, notes_len = 0;
	unsigned int recovered;
	enum kdc_status st;

	memset(stats, 0, sizeof(*stats));
	if (!ps)
		return kdc_fail(err, KC_INVAL, "page tracking was off");
	add_stacks(a);
	page_set_sort(set);
	if ((st = repair_notes(a, &notes, &notes_len, &recovered, err)))
		return kdc_err_prefix(err, st, "small dump notes");
	if (!(runs = calloc(SEGMENTS_MAX, sizeof(*runs))) || !(page = malloc(ps))) {
		st = kdc_fail(err, KC_NOMEM, "small dump");
		goto out;
	}
	for (size_t i = 0; i < set->nr; i++) {
		if (nr_runs && runs[nr_runs - 1].pfn + runs[nr_runs - 1].count == set->pfn[i])
			runs[nr_runs - 1].count++;
		else if (nr_runs < SEGMENTS_MAX)
			runs[nr_runs++] = (struct run){ set->pfn[i], 1 };
		else
			stats->dropped++;
	}
	/* header, program headers, notes, then page data aligned to pages */
	memcpy(eh, "\177ELF\2\1\1", 7);
	put(eh + 16, 4, 2);				/* ET_CORE */
	put(eh + 18, d->arch->e_machine, 2);
	put(eh + 20, 1, 4);				/* EV_CURRENT */
	put(eh + 32, EHDR_SIZE, 8);			/* e_phoff */
	put(eh + 52, EHDR_SIZE, 2);
	put(eh + 54, PHDR_SIZE, 2);
	put(eh + 56, 1 + nr_runs, 2);
	if (fwrite(eh, 1, sizeof(eh), out) != sizeof(eh))
		goto io;
	off = EHDR_SIZE + PHDR_SIZE * (1 + nr_runs);
	memset(ph, 0, sizeof(ph));
	put(ph, PT_NOTE_TYPE, 4);
	put(ph + 8, off, 8);
	put(ph + 32, notes_len, 8);
	put(ph + 40, notes_len, 8);
	if (fwrite(ph, 1, sizeof(ph), out) != sizeof(ph))
		goto io;
	off = (off + notes_len + ps - 1) / ps * ps;
	for (size_t i = 0; i < nr_runs; i++) {
		memset(ph, 0, sizeof(ph));
		put(ph, PT_LOAD_TYPE, 4);
		put(ph + 4, 7, 4);				/* RWX, as kdump writes them */
		put(ph + 8, off, 8);
		/* the linear-map address, as /proc/vmcore gives it: readers
		 * (libkdumpfile, crash) learn the direct mapping from it */
		if (d->arch->linear_vaddr)
			put(ph + 16, d->arch->linear_vaddr(d, runs[i].pfn * ps), 8);
		put(ph + 24, runs[i].pfn * ps, 8);	/* p_paddr */
		put(ph + 32, runs[i].count * ps, 8);
		put(ph + 40, runs[i].count * ps, 8);
		if (fwrite(ph, 1, sizeof(ph), out) != sizeof(ph))
			goto io;
		off += runs[i].count * ps;
		stats->pages += runs[i].count;
	}
	if (fwrite(notes, 1, notes_len, out) != notes_len)
		goto io;
	for (long pad = (long)((ps - (ftell(out) % ps)) % ps); pad > 0; pad--)
		fputc(0, out);
	for (size_t i = 0; i < nr_runs; i++)
		for (uint64_t p = 0; p < runs[i].count; p++) {
			size_t got = ps;

			if (kdump_read(d->kctx, KDUMP_KPHYSADDR, (runs[i].pfn + p) * ps, page, &got) !=
			    KDUMP_OK || got != ps)
				memset(page, 0, ps);	/* read before: cannot fail unless the file changed */
			if (fwrite(page, 1, ps, out) != ps)
				goto io;
		}
	stats->segments = nr_runs;
	stats->dropped += set->dropped;
	st = KC_OK;
	goto out;
io:
	st = kdc_fail(err, KC_IO, "writing the small dump");
out:
	free(runs);
	free(page);
	free(notes);
	return st;
}
