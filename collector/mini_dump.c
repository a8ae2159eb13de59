// SPDX-License-Identifier: GPL-2.0-or-later
#include "mini_dump.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel.h"
#include "mem.h"
#include "page_tracker.h"
#include "repair.h"

#define COPY_CHUNK (64u << 10)
#define MAP_CHUNK (4u << 20) /* as libkdumpfile maps files */

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
static void add_stacks(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	for (unsigned int i = 0; i < a->cpus.nr; i++)
		for (unsigned int s = 0; s < a->cpus.cpu[i].nr_stacks; s++) {
			const struct kdc_stack_range *r = &a->cpus.cpu[i].stacks[s];

			if (r->hi > r->lo && r->hi - r->lo <= (1u << 20))
				page_tracker_add(t, r->lo, (size_t)(r->hi - r->lo));
		}
}

/*
 * What crash reads before it can show anything (checked with crash 8.0.2
 * on the fixtures): the kernel image's data (CPU masks, init_mm, the
 * timekeeper, high_memory...), the memory model's tables and the task
 * list. Each part is bounded.
 */
#define IMAGE_MAX (96ull << 20)
#define IMAGE_GAP_MAX (8ull << 20)
#define TASKS_MAX 65536u
#define SECTION_ROOTS_MAX (1u << 16)

/*
 * From _stext to the end of the image mapping, across holes of pages
 * makedumpfile dropped as zero; 8 MiB of nothing ends it. The kernel's
 * text (_stext.._etext, half of the image: 13 of 27 MiB on Debian's 6.1)
 * stays out: it is the vmlinux's own text, crash's bt -a reads none of it
 * (the same backtraces with and without it on the fixtures, crash 8.0.2),
 * and the code the analysis read and the code at every frame are in the
 * set anyway (add_frame_code). Without _etext the whole image goes in.
 */
static void add_image(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_dump *d = a->dump;
	uint64_t stext, etext = 0, paddr, ps = t->page_size, missing = 0;

	if (!d->vmcoreinfo || vmcoreinfo_get_symbol(d->vmcoreinfo, "_stext", &stext, NULL))
		return;
	if (symbols_address(&a->kernel.syms, "_etext", &etext) || etext < stext ||
	    etext - stext > IMAGE_MAX)
		etext = 0;
	for (uint64_t va = stext & ~(ps - 1); va < stext + IMAGE_MAX && missing < IMAGE_GAP_MAX;
	     va += ps) {
		if (va < (etext & ~(ps - 1)))
			continue;
		if (mem_to_phys(a->kernel.mem, va, &paddr, NULL)) {
			missing += ps;
			continue;
		}
		missing = 0;
		page_tracker_add(t, va, ps);
	}
}

/* The code at every frame of every CPU's backtrace, for `dis` in crash on
 * the small dump: the page(s) of the PC and of the call before a return
 * address (pc - 4 may be on the page before). */
static void add_frame_code(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	for (unsigned int i = 0; a->bt && i < a->cpus.nr; i++)
		for (unsigned int f = 0; f < a->bt[i].nr && f < KDC_BACKTRACE_MAX; f++) {
			uint64_t pc = symbols_strip_pac(&a->kernel.syms, a->bt[i].frame[f].pc);

			page_tracker_add(t, pc - 4, 8);
		}
}

/* Every process's task_struct, from CPU 0's idle task (init_task) along
 * task_struct.tasks. */
static void add_tasks(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	uint64_t tasks_off, size, idle_off, head, pos, rq;

	if (!a->cpus.nr ||
	    ktypes_member(&k->types, "task_struct", "tasks", &tasks_off, NULL, NULL) ||
	    ktypes_size(&k->types, "task_struct", &size, NULL) ||
	    ktypes_member(&k->types, "rq", "idle", &idle_off, NULL, NULL))
		return;
	rq = kernel_rq(k, 0);
	if (kernel_read_u64(k, rq + idle_off, &head, NULL))
		return;
	head += tasks_off;
	pos = head;
	for (unsigned int n = 0; n < TASKS_MAX; n++) {
		page_tracker_add(t, pos - tasks_off, (size_t)size);
		if (kernel_read_u64(k, pos, &pos, NULL) || pos == head || !pos)
			break;
	}
}

/*
 * node_data[] (NUMA) is in no VMCOREINFO line and kallsyms has no data
 * symbols: it is the table first_online_pgdat() indexes (mm/mmzone.c,
 * "return NODE_DATA(first_online_node)"), confirmed by the pglist_data it
 * points to naming node 0 (OFFSET(pglist_data.node_id)).
 */
static void add_node_data(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	const struct kdc_vmcoreinfo *vi = a->dump->vmcoreinfo;
	uint64_t fn, cand[64], size, node_id_off;
	size_t n;

	if (!vi || symbols_address(&k->syms, "first_online_pgdat", &fn) ||
	    vmcoreinfo_get_u64(vi, "SIZE(pglist_data)", 10, &size, NULL) ||
	    vmcoreinfo_get_u64(vi, "OFFSET(pglist_data.node_id)", 10, &node_id_off, NULL) ||
	    size > (1u << 20))
		return;
	n = kernel_code_data_refs(k, fn, 256, cand, 64);
	for (size_t i = 0; i < n; i++) {
		uint64_t pgdat;
		uint32_t node;

		if (kernel_read_u64(k, cand[i], &pgdat, NULL) || !pgdat ||
		    kernel_read_u32(k, pgdat + node_id_off, &node, NULL) || node != 0)
			continue;
		for (unsigned int nid = 0; nid < 1024; nid++) {
			if (kernel_read_u64(k, cand[i] + 8ull * nid, &pgdat, NULL) ||
			    (nid && kernel_read_u32(k, pgdat + node_id_off, &node, NULL)) ||
			    (nid && node != nid))
				break;
			page_tracker_add(t, pgdat, (size_t)size);
		}
		return;
	}
}

/* Each CPU's whole static per-CPU area (.data..percpu): readers take
 * runqueues, timers and the like from it whole. */
static void add_percpu_areas(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	uint64_t size = kernel_percpu_area_size(k);

	if (!size || size > KDC_PERCPU_AREA_MAX)
		return;
	for (unsigned int i = 0; i < k->nr_cpus; i++)
		page_tracker_add(t, k->per_cpu_start + k->cpu_offset[i], (size_t)size);
}

/* Every module's core region (text, data, its symbol tables) and its struct module. */
static void add_modules(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_modules *m = &a->kernel.modules;
	uint64_t size;

	uint64_t core_size_off = 0;
	bool have_core = !ktypes_member(&a->kernel.types, "module", "core_layout.size",
					&core_size_off, NULL, NULL);

	for (size_t i = 0; i < m->nr; i++) {
		uint32_t core = (uint32_t)m->mod[i].text_size;

		/* the whole core region: text, rodata, data (its kallsyms live there) */
		if (have_core)
			kernel_read_u32(&a->kernel, m->mod[i].addr + core_size_off, &core, NULL);
		if (core && core <= (64u << 20))
			page_tracker_add(t, m->mod[i].text, core);
		if (!ktypes_size(&a->kernel.types, "module", &size, NULL) && size <= (1u << 20))
			page_tracker_add(t, m->mod[i].addr, (size_t)size);
	}
}

/*
 * The pid namespace's IDR (an xarray of struct pid), from which crash
 * builds its task table: found through CPU 0's current task
 * (task->thread_pid->numbers[0].ns->idr), walked with BTF layouts,
 * bounded in depth and nodes. Internal entries are tagged pointers
 * (xa_is_node: low bits 10, include/linux/xarray.h).
 */
#define XA_NODES_MAX 4096u

struct xa_walk {
	struct kdc_analysis *a;
	struct kdc_page_tracker *t;
	uint64_t slots, node_size, pid_size;
	unsigned int nodes;
};

static void xa_visit(struct xa_walk *w, uint64_t entry, int depth)
{
	const struct kdc_kernel *k = &w->a->kernel;

	if (!entry || depth > 8 || w->nodes >= XA_NODES_MAX)
		return;
	if ((entry & 3) == 2 && entry > 4096) {
		uint64_t node = entry - 2;

		w->nodes++;
		page_tracker_add(w->t, node, (size_t)w->node_size);
		for (unsigned int i = 0; i < 64; i++) {
			uint64_t slot;

			if (kernel_read_u64(k, node + w->slots + 8ull * i, &slot, NULL))
				return;
			xa_visit(w, slot, depth + 1);
		}
	} else if (!(entry & 3)) {
		page_tracker_add(w->t, entry, (size_t)w->pid_size); /* a struct pid */
	}
}

struct pid_idr_layout {
	uint64_t thread_pid, numbers, upid_ns, idr_head, slots;
};

static const struct ktypes_field pid_idr_fields[] = {
	KTYPES_REQUIRED(struct pid_idr_layout, thread_pid, "task_struct", NULL, "thread_pid"),
	KTYPES_REQUIRED(struct pid_idr_layout, numbers, "pid", NULL, "numbers"),
	KTYPES_REQUIRED(struct pid_idr_layout, upid_ns, "upid", NULL, "ns"),
	KTYPES_REQUIRED(struct pid_idr_layout, idr_head, "pid_namespace", NULL,
			"idr.idr_rt.xa_head"),
	KTYPES_REQUIRED(struct pid_idr_layout, slots, "xa_node", NULL, "slots"),
};

static void add_pid_idr(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	struct xa_walk w = { .a = a, .t = t };
	struct pid_idr_layout l;
	uint64_t pid, ns, head, ns_size;

	if (!a->cpus.nr || !a->cpus.cpu[0].have_task ||
	    ktypes_resolve(pid_idr_fields, sizeof(pid_idr_fields) / sizeof(pid_idr_fields[0]),
			   &k->types, &l, NULL) ||
	    ktypes_size(&k->types, "xa_node", &w.node_size, NULL) ||
	    ktypes_size(&k->types, "pid", &w.pid_size, NULL) ||
	    ktypes_size(&k->types, "pid_namespace", &ns_size, NULL) || ns_size > (1u << 20))
		return;
	w.slots = l.slots;
	/* numbers[0].ns: the task's own pid namespace */
	if (kernel_read_u64(k, a->cpus.cpu[0].task.addr + l.thread_pid, &pid, NULL) || !pid ||
	    kernel_read_u64(k, pid + l.numbers + l.upid_ns, &ns, NULL) || !ns ||
	    kernel_read_u64(k, ns + l.idr_head, &head, NULL))
		return;
	page_tracker_add(t, ns, (size_t)ns_size);
	xa_visit(&w, head, 0);
}

/* Each CPU's current and idle tasks (idle tasks are on no task list). */
static void add_cpu_tasks(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	uint64_t size, idle_off, idle;

	if (ktypes_size(&k->types, "task_struct", &size, NULL) || size > (1u << 20) ||
	    ktypes_member(&k->types, "rq", "idle", &idle_off, NULL, NULL))
		return;
	for (unsigned int i = 0; i < a->cpus.nr; i++) {
		if (a->cpus.cpu[i].have_task)
			page_tracker_add(t, a->cpus.cpu[i].task.addr, (size_t)size);
		if (!kernel_read_u64(k, kernel_rq(k, i) + idle_off, &idle, NULL) && idle)
			page_tracker_add(t, idle, (size_t)size);
	}
}

/*
 * The kernel's per-CPU crash_notes buffers, which crash reads before the
 * dump's notes: the variable is found in crash_save_cpu()'s code
 * (per_cpu_ptr(crash_notes, cpu)) and confirmed by a CPU that stopped
 * having an NT_PRSTATUS ("CORE", type 1) in its buffer.
 */
#define NOTE_BUF_BYTES 1024u

static void add_crash_notes(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	uint64_t fn, cand[64];
	size_t n;

	if (symbols_address(&k->syms, "crash_save_cpu", &fn))
		return;
	n = kernel_code_data_refs(k, fn, 256, cand, 64);
	for (size_t i = 0; i < n; i++) {
		uint64_t cookie;
		bool confirmed = false;

		if (kernel_read_u64(k, cand[i], &cookie, NULL) || !cookie)
			continue;
		for (unsigned int c = 0; c < a->cpus.nr && !confirmed; c++) {
			uint8_t h[16];

			if (a->cpus.cpu[c].note_index < 0 ||
			    mem_read(a->kernel.mem, cookie + k->cpu_offset[c], h, sizeof(h), NULL))
				continue;
			/* namesz 5, descsz > 0, type NT_PRSTATUS, "CORE" */
			confirmed = h[0] == 5 && !h[1] && !h[2] && !h[3] && h[8] == 1 && !h[9] &&
				    !memcmp(h + 12, "CORE", 4);
		}
		if (!confirmed)
			continue;
		for (unsigned int c = 0; c < a->cpus.nr; c++)
			page_tracker_add(t, cookie + k->cpu_offset[c], NOTE_BUF_BYTES);
		return;
	}
}

/* SPARSEMEM_EXTREME's section tables: LENGTH(mem_section) roots of a page. */
static void add_mem_sections(struct kdc_analysis *a, struct kdc_page_tracker *t)
{
	const struct kdc_kernel *k = &a->kernel;
	const struct kdc_vmcoreinfo *vi = a->dump->vmcoreinfo;
	uint64_t root_table, roots;

	if (!vi || vmcoreinfo_get_symbol(vi, "mem_section", &root_table, NULL) ||
	    vmcoreinfo_get_u64(vi, "LENGTH(mem_section)", 10, &roots, NULL) ||
	    roots > SECTION_ROOTS_MAX)
		return;
	for (uint64_t i = 0; i < roots; i++) {
		uint64_t root;

		if (kernel_read_u64(k, root_table + 8 * i, &root, NULL))
			break;
		if (root)
			page_tracker_add(t, root, (size_t)k->page_size);
	}
}

/*
 * The page set is bounded (KDC_PAGE_SET_MAX): on a big machine it fills
 * up, so the parts go in by what the verdict and `crash bt -a` need most,
 * after the pages the analysis itself read (already in the set): every
 * CPU's stacks, per-CPU areas, current and idle tasks, crash_notes, the
 * memory model's tables, then the image's data, modules and the pid IDR,
 * and the task list last (tens of thousands of task_structs on a big
 * machine). Every part that lost pages is named in @stats.
 */
static void add_parts(struct kdc_analysis *a, struct kdc_page_tracker *t,
		      struct mini_dump_stats *stats)
{
	static const struct {
		const char *name;
		void (*add)(struct kdc_analysis *a, struct kdc_page_tracker *t);
	} parts[] = {
		{ "CPU stacks", add_stacks },
		{ "per-CPU areas", add_percpu_areas },
		{ "CPU tasks", add_cpu_tasks },
		{ "crash_notes", add_crash_notes },
		{ "memory-model tables", add_mem_sections },
		{ "NUMA nodes", add_node_data },
		{ "kernel image data", add_image },
		{ "code at every frame", add_frame_code },
		{ "modules", add_modules },
		{ "pid IDR", add_pid_idr },
		{ "task list", add_tasks },
	};
	struct kdc_page_set *set = &t->pages;
	size_t n = 0;

	stats->dropped_by_analysis = set->dropped;
	if (set->dropped)
		n += (size_t)snprintf(stats->left_out, sizeof(stats->left_out),
				      "analysis reads (%zu pages)", set->dropped);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t before = set->dropped;

		parts[i].add(a, t);
		if (set->dropped > before && n < sizeof(stats->left_out))
			n += (size_t)snprintf(stats->left_out + n, sizeof(stats->left_out) - n,
					      "%s%s (%zu pages)", n ? ", " : "", parts[i].name,
					      set->dropped - before);
	}
}

struct run {
	uint64_t pfn, count;
};

/* @n pages at @paddr into @buf. These pages were read before (the
 * analysis' or add_parts' reads chose them), so a failure here means the
 * file changed under us: the page is written as zeros. An ELF dump's pages
 * are copied straight from the file by pread(2), 64 KiB at a time: through
 * libkdumpfile each page costs two cache searches and two copies, which
 * under emulation was half of this step (0.09 of 0.17 s, 3600 pages). */
static void copy_pages(const struct kdc_dump *d, kdump_ctx_t *kctx, uint64_t paddr, uint64_t n,
		       uint64_t ps, uint8_t *buf)
{
	uint64_t off;

	if (dump_file_offset(d, paddr, n * ps, &off) && off <= INT64_MAX &&
	    pread(d->fd, buf, n * ps, (off_t)off) == (ssize_t)(n * ps))
		return;
	for (uint64_t p = 0; p < n; p++) {
		size_t got = ps;

		if (kdump_read(kctx, KDUMP_KPHYSADDR, paddr + p * ps, buf + p * ps, &got) !=
			    KDUMP_OK ||
		    got != ps)
			memset(buf + p * ps, 0, ps);
	}
}

/* @len bytes of /proc/vmcore at @paddr written from a mapping of them:
 * read(2) there maps and unmaps each page in turn (read_vmcore), a
 * mapping is made once. 1 when written, 0 when not mapped (the caller
 * reads them: not in one PT_LOAD, an offset @host_page does not divide, or
 * mmap refused, after which *@try_map is cleared so that the rest is read
 * without asking again), -1 when the write failed. */
static int copy_mapped(const struct kdc_dump *d, uint64_t paddr, uint64_t len, uint64_t host_page,
		       bool *try_map, FILE *out)
{
	uint64_t off;
	void *map;
	int written;

	if (!*try_map || !dump_file_offset(d, paddr, len, &off) || off % host_page ||
	    off > INT64_MAX)
		return 0;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, d->fd, (off_t)off);
	if (map == MAP_FAILED) {
		*try_map = false;
		return 0;
	}
	written = fwrite(map, 1, len, out) == len ? 1 : -1;
	munmap(map, len);
	return written;
}

enum kdc_status mini_dump_write(struct kdc_analysis *a, struct kdc_page_tracker *t, FILE *out,
				struct mini_dump_stats *stats, struct kdc_err *err)
{
	struct kdc_dump *d = a->dump;
	struct kdc_page_set *set = &t->pages;
	uint64_t ps = t->page_size, off;
	uint8_t eh[EHDR_SIZE] = { 0 }, ph[PHDR_SIZE], *page = NULL, *notes = NULL;
	struct run *runs = NULL;
	size_t nr_runs = 0, notes_len = 0;
	uint64_t chunk_pages, map_pages;
	long host_page;
	bool try_map; /* /proc/vmcore, until mmap refuses it once */
	unsigned int recovered;
	enum kdc_status st;

	memset(stats, 0, sizeof(*stats));
	if (!t->mem)
		return kdc_fail(err, KC_INVAL, "the analysis' reads were not recorded");
	add_parts(a, t, stats);
	page_set_sort(set);
	if ((st = repair_notes(a, &notes, &notes_len, &recovered, err)))
		return kdc_err_prefix(err, st, "small dump notes");
	chunk_pages = ps < COPY_CHUNK ? COPY_CHUNK / ps : 1;
	map_pages = ps < MAP_CHUNK ? MAP_CHUNK / ps : 1;
	host_page = sysconf(_SC_PAGESIZE);
	try_map = d->old_memory && host_page > 0;
	if (!(runs = calloc(SEGMENTS_MAX, sizeof(*runs))) || !(page = malloc(chunk_pages * ps))) {
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
	if (stats->dropped) {
		size_t n = strlen(stats->left_out);

		snprintf(stats->left_out + n, sizeof(stats->left_out) - n,
			 "%s%zu pages past the %u-segment limit", n ? ", " : "", stats->dropped,
			 SEGMENTS_MAX);
	}
	/* header, program headers, notes, then page data aligned to pages */
	memcpy(eh, "\177ELF\2\1\1", 7);
	put(eh + 16, 4, 2); /* ET_CORE */
	put(eh + 18, d->arch->e_machine, 2);
	put(eh + 20, 1, 4);	    /* EV_CURRENT */
	put(eh + 32, EHDR_SIZE, 8); /* e_phoff */
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
		put(ph + 4, 7, 4); /* RWX, as kdump writes them */
		put(ph + 8, off, 8);
		/* the linear-map address, as /proc/vmcore gives it: readers
		 * (libkdumpfile, crash) learn the direct mapping from it */
		if (d->arch->linear_vaddr)
			put(ph + 16, d->arch->linear_vaddr(d, runs[i].pfn * ps), 8);
		put(ph + 24, runs[i].pfn * ps, 8); /* p_paddr */
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
		for (uint64_t p = 0; p < runs[i].count;) {
			uint64_t paddr = (runs[i].pfn + p) * ps, left = runs[i].count - p;
			uint64_t n = left < map_pages ? left : map_pages;
			int mapped =
				copy_mapped(d, paddr, n * ps, (uint64_t)host_page, &try_map, out);

			if (mapped < 0)
				goto io;
			if (!mapped) {
				n = left < chunk_pages ? left : chunk_pages;
				copy_pages(d, t->kctx, paddr, n, ps, page);
				if (fwrite(page, 1, n * ps, out) != n * ps)
					goto io;
			}
			p += n;
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
