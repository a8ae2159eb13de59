// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE /* asprintf */
#include "vmcore_save.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out_file.h"
#include "page_filter.h"

#define CHUNK (1u << 20) /* input read per call */
#define EHDR_SIZE 64
#define PHDR_SIZE 56

/* One output PT_LOAD: size bytes in the file, memsz >= size in memory. The
 * pages left out right after the kept ones are covered by memsz, so readers
 * see them as zeros as in makedumpfile's ELF (crash zero-fills
 * [p_filesz, p_memsz) and reads all of 6.12's mem_section root table at
 * start, most of it zero pages left out) instead of as absent memory. */
struct run {
	uint64_t offset, paddr, vaddr, size, memsz;
	uint32_t flags;
};

struct writer {
	FILE *out;
	uint64_t offset;  /* bytes written so far */
	struct run *runs; /* owned */
	unsigned int nr, cap;
	bool open; /* runs[nr - 1] may still grow */
};

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool emit(struct writer *w, const void *buf, size_t len)
{
	if (len && fwrite(buf, 1, len, w->out) != len)
		return false;
	w->offset += len;
	return true;
}

static struct run *new_run(struct writer *w, uint64_t paddr, uint64_t vaddr, uint32_t flags)
{
	if (w->nr == w->cap) {
		unsigned int ncap = w->cap ? w->cap * 2 : 256;
		struct run *p = realloc(w->runs, ncap * sizeof(*p));

		if (!p)
			return NULL;
		w->runs = p;
		w->cap = ncap;
	}
	w->runs[w->nr] = (struct run){ w->offset, paddr, vaddr, 0, 0, flags };
	return &w->runs[w->nr++];
}

/* One kept page (or a piece of an unaligned segment) at @paddr. */
static bool keep(struct writer *w, const uint8_t *data, size_t len, uint64_t paddr, uint64_t vaddr,
		 uint32_t flags)
{
	struct run *r = w->nr ? &w->runs[w->nr - 1] : NULL;

	if (!(w->open && r && r->memsz == r->size && r->paddr + r->size == paddr &&
	      r->offset + r->size == w->offset)) {
		if (!(r = new_run(w, paddr, vaddr, flags)))
			return false;
		w->open = true;
	}
	r->size += len;
	r->memsz += len;
	return emit(w, data, len);
}

/* One page left out at @paddr: zeros in memory, nothing in the file. */
static bool leave_out(struct writer *w, size_t len, uint64_t paddr, uint64_t vaddr, uint32_t flags,
		      unsigned int seg_first)
{
	struct run *r = w->nr > seg_first ? &w->runs[w->nr - 1] : NULL;

	w->open = false;
	/* the segment's first pages: a run with nothing in the file */
	if (!r || r->paddr + r->memsz != paddr) {
		if (!(r = new_run(w, paddr, vaddr, flags)))
			return false;
	}
	r->memsz += len;
	return true;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static enum kdc_status pread_all(int fd, uint8_t *buf, size_t len, uint64_t off,
				 struct kdc_err *err)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kdc_fail(err, KC_IO, "reading the dump at 0x%llx: %s",
					(unsigned long long)(off + done),
					n < 0 ? strerror(errno) : "file ends early");
		done += (size_t)n;
	}
	return KC_OK;
}

/* Copies the kept pages of one input PT_LOAD. */
static enum kdc_status copy_segment(struct kdc_dump *d, const GElf_Phdr *ph,
				    struct kdc_page_filter *f, struct writer *w, uint8_t *buf,
				    struct vmcore_save_stats *st, struct kdc_err *err)
{
	uint64_t ps = f->page_size;
	bool aligned = !(ph->p_paddr % ps) && !(ph->p_filesz % ps);
	unsigned int seg_first = w->nr;
	enum kdc_status s;

	/* the segment always starts a run of its own */
	w->open = false;
	for (uint64_t done = 0; done < ph->p_filesz;) {
		size_t len = ph->p_filesz - done < CHUNK ? (size_t)(ph->p_filesz - done) : CHUNK;

		if ((s = pread_all(d->fd, buf, len, ph->p_offset + done, err)))
			return s;
		for (size_t at = 0; at < len; at += ps) {
			size_t n = len - at < ps ? len - at : (size_t)ps;
			uint64_t pa = ph->p_paddr + done + at;
			bool drop = false;

			st->pages_in++;
			/* an unaligned segment (none seen) is copied whole; past the
			 * run limit, everything is kept */
			if (aligned && w->nr < KDC_SAVE_RUNS_MAX) {
				if (page_filter_excludes(f, pa / ps))
					drop = true;
				else if ((f->level & KDC_EXCLUDE_ZERO) && all_zero(buf + at, n))
					drop = true, st->excluded_zero++;
			}
			if (drop) {
				if (!leave_out(w, n, pa, ph->p_vaddr ? ph->p_vaddr + done + at : 0,
					       ph->p_flags, seg_first))
					return kdc_fail(err, KC_NOMEM,
							"out of memory for the runs");
				continue;
			}
			st->pages_kept++;
			if (!keep(w, buf + at, n, pa, ph->p_vaddr ? ph->p_vaddr + done + at : 0,
				  ph->p_flags))
				return kdc_fail(err, KC_IO, "writing the copy: %s",
						strerror(errno));
		}
		done += len;
	}
	return KC_OK;
}

/*
 * The layout crash reads (netdump.c, 8.0.2-8.0.6): the program headers right
 * after the ELF header (it refuses an e_phoff beyond its first bytes), then
 * the notes, all before the first PT_LOAD's data (it takes the bytes up to
 * the lowest p_offset as the header). The data is streamed before the runs
 * are known, so it starts after room for as many program headers as there
 * can be (KDC_SAVE_RUNS_MAX plus one per input segment); what is not used
 * stays a hole in the file.
 */
static uint64_t header_room(size_t phnum_in, size_t notes_len)
{
	uint64_t room = EHDR_SIZE + (1ull + KDC_SAVE_RUNS_MAX + phnum_in) * PHDR_SIZE + notes_len;

	return (room + 4095) & ~4095ull;
}

static enum kdc_status write_headers(int fd, const GElf_Ehdr *in, const struct writer *w,
				     const void *notes, uint64_t notes_len, uint64_t room,
				     struct kdc_err *err)
{
	uint8_t eh[EHDR_SIZE] = { 0 }, *ph, *p;
	uint64_t table = (1ull + w->nr) * PHDR_SIZE, notes_off = EHDR_SIZE + table;
	enum kdc_status s = KC_OK;

	if (1ull + w->nr > 0xfffe) /* e_phnum; PN_XNUM is not written */
		return kdc_fail(err, KC_NOTSUP,
				"%u runs are more program headers than e_phnum "
				"holds",
				w->nr);
	if (notes_off + notes_len > room)
		return kdc_fail(err, KC_CORRUPT, "%u runs do not fit the room left for them",
				w->nr);
	if (!(ph = calloc(1, (size_t)table)))
		return kdc_fail(err, KC_NOMEM, "out of memory for %u program headers", w->nr);
	put_le(ph, PT_NOTE, 4);
	put_le(ph + 8, notes_off, 8);
	put_le(ph + 32, notes_len, 8);
	put_le(ph + 40, notes_len, 8);
	put_le(ph + 48, 4, 8);
	p = ph + PHDR_SIZE;
	for (unsigned int i = 0; i < w->nr; i++, p += PHDR_SIZE) {
		const struct run *r = &w->runs[i];

		put_le(p, PT_LOAD, 4);
		put_le(p + 4, r->flags, 4);
		put_le(p + 8, r->offset, 8);
		put_le(p + 16, r->vaddr, 8);
		put_le(p + 24, r->paddr, 8);
		put_le(p + 32, r->size, 8);
		put_le(p + 40, r->memsz, 8);
	}
	memcpy(eh, in->e_ident, EI_NIDENT);
	put_le(eh + 16, ET_CORE, 2);
	put_le(eh + 18, in->e_machine, 2);
	put_le(eh + 20, EV_CURRENT, 4);
	put_le(eh + 32, EHDR_SIZE, 8);
	put_le(eh + 52, EHDR_SIZE, 2);
	put_le(eh + 54, PHDR_SIZE, 2);
	put_le(eh + 56, 1 + w->nr, 2);
	if (fflush(w->out) || pwrite(fd, eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    pwrite(fd, ph, (size_t)table, EHDR_SIZE) != (ssize_t)table ||
	    pwrite(fd, notes, (size_t)notes_len, (off_t)notes_off) != (ssize_t)notes_len)
		s = kdc_fail(err, KC_IO, "writing the headers: %s", strerror(errno));
	free(ph);
	return s;
}

static enum kdc_status check_output(const struct kdc_dump *d, const char *out_path,
				    struct kdc_err *err)
{
	struct stat in, out;

	if (fstat(d->fd, &in))
		return kdc_fail(err, KC_IO, "%s: %s", d->path, strerror(errno));
	if (!lstat(out_path, &out))
		return kdc_fail(err, KC_INVAL, "%s exists%s: refusing to write over it", out_path,
				out.st_dev == in.st_dev && out.st_ino == in.st_ino
					? " (it is the dump)"
					: "");
	return KC_OK;
}

enum kdc_status vmcore_save(struct kdc_dump *d, const char *out_path, unsigned int level,
			    struct vmcore_save_stats *st, struct kdc_err *err)
{
	struct writer w = { 0 };
	struct kdc_page_filter *f = NULL;
	struct kdc_err ferr = { 0 };
	enum kdc_status s = KC_OK;
	char *tmp = NULL;
	uint8_t *buf = NULL;
	GElf_Ehdr eh;
	size_t phnum;
	uint64_t room;
	Elf *elf = NULL;
	int fd = -1;

	memset(st, 0, sizeof(*st));
	if (d->format != KDC_DUMP_ELF)
		return kdc_fail(err, KC_NOTSUP, "only ELF vmcores are copied (this is %s)",
				dump_format_name(d));
	if ((s = check_output(d, out_path, err)))
		return s;
	if (!(f = malloc(sizeof(*f))) || !(buf = malloc(CHUNK)) ||
	    asprintf(&tmp, "%s.XXXXXX", out_path) < 0) {
		tmp = NULL;
		s = kdc_fail(err, KC_NOMEM, "out of memory");
		goto out;
	}
	if ((s = page_filter_init(d, level, f, &ferr))) {
		*err = ferr;
		goto out;
	}
	st->level = f->level;
	snprintf(st->note, sizeof(st->note), "%s", ferr.msg);
	elf_version(EV_CURRENT);
	if (!(elf = elf_begin(d->fd, ELF_C_READ, NULL)) || !gelf_getehdr(elf, &eh) ||
	    elf_getphdrnum(elf, &phnum)) {
		s = kdc_fail(err, KC_CORRUPT, "ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	if ((s = out_path_check(d->fd, out_path, err)))
		goto out;
	if ((fd = mkstemp(tmp)) < 0 || fchmod(fd, 0600) || !(w.out = fdopen(fd, "w"))) {
		s = kdc_fail(err, KC_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	setvbuf(w.out, NULL, _IOFBF, CHUNK);
	room = header_room(phnum, d->notes_len);
	if (fseeko(w.out, (off_t)room, SEEK_SET)) {
		s = kdc_fail(err, KC_IO, "writing the copy: %s", strerror(errno));
		goto out;
	}
	w.offset = room;
	for (size_t i = 0; i < phnum && !s; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			s = kdc_fail(err, KC_CORRUPT, "program header %zu: %s", i, elf_errmsg(-1));
			break;
		}
		if (ph.p_type != PT_LOAD || !ph.p_filesz)
			continue;
		if (ph.p_offset + ph.p_filesz < ph.p_offset ||
		    ph.p_offset + ph.p_filesz > d->file_size) {
			s = kdc_fail(err, KC_CORRUPT, "PT_LOAD %zu ends beyond the file", i);
			break;
		}
		s = copy_segment(d, &ph, f, &w, buf, st, err);
	}
	if (!s)
		s = write_headers(fd, &eh, &w, d->notes, d->notes_len, room, err);
	if (!s && fsync(fd))
		s = kdc_fail(err, KC_IO, "syncing %s: %s", tmp, strerror(errno));
	st->excluded_free = f->nr_free;
	st->excluded_cache = f->nr_cache;
	st->excluded_user = f->nr_user;
	st->struct_pages_unreadable = f->nr_unknown;
	st->runs = w.nr;
	st->bytes_out = w.offset;
out:
	if (w.out) {
		if (fclose(w.out) && !s)
			s = kdc_fail(err, KC_IO, "closing %s: %s", tmp, strerror(errno));
	} else if (fd >= 0) {
		close(fd);
	}
	if (!s && link(tmp, out_path))
		s = kdc_fail(err, KC_IO, "%s: %s", out_path, strerror(errno));
	if (fd >= 0 && tmp)
		unlink(tmp);
	if (!s) {
		/* the directory entry is what survives a crash of the capture kernel */
		char *dir = strdup(out_path);
		int dfd = dir ? open(dirname(dir), O_RDONLY | O_DIRECTORY) : -1;

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	if (elf)
		elf_end(elf);
	free(w.runs);
	free(buf);
	free(tmp);
	free(f);
	return s;
}
