// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE /* copy_file_range */
#include "repair.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_notes.h"
#include "kdump_header.h"
#include "out_file.h"

#define PT_NOTE_TYPE 4
#define PT_NULL_TYPE 0
#define NOTE_ALIGN 4
#define REPAIR_DATA_ALIGN 65536ull

struct blob {
	uint8_t *p;
	size_t len, cap;
};

static bool blob_put(struct blob *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 4096;
		uint8_t *p;

		while (ncap < b->len + len)
			ncap *= 2;
		if (!(p = realloc(b->p, ncap)))
			return false;
		b->p = p;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return true;
}

static bool put_u32(struct blob *b, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	return blob_put(b, le, 4);
}

/* An ELF note: header, name with its NUL, descriptor, each padded to 4. */
static bool put_note(struct blob *b, const char *name, uint32_t type, const void *desc,
		     size_t desc_len)
{
	static const uint8_t pad[NOTE_ALIGN];
	size_t name_len = strlen(name) + 1;

	return put_u32(b, (uint32_t)name_len) && put_u32(b, (uint32_t)desc_len) &&
	       put_u32(b, type) && blob_put(b, name, name_len) &&
	       blob_put(b, pad, (NOTE_ALIGN - name_len % NOTE_ALIGN) % NOTE_ALIGN) &&
	       blob_put(b, desc, desc_len) &&
	       blob_put(b, pad, (NOTE_ALIGN - desc_len % NOTE_ALIGN) % NOTE_ALIGN);
}

/* The original note that is the @idx-th NT_PRSTATUS, as its raw descriptor. */
static bool nth_prstatus(const struct kdc_dump *d, unsigned int idx, struct kdc_note *out)
{
	struct kdc_cursor c;
	unsigned int seen = 0;
	bool have;

	kdc_cursor_init(&c, d->notes, d->notes_len, false, "notes");
	while (!elf_notes_next(&c, &have, out, NULL) && have)
		if (elf_note_name_is(out, "CORE") && out->type == KDC_NT_PRSTATUS && seen++ == idx)
			return true;
	return false;
}

static enum kdc_status build_notes(const struct kdc_analysis *a, struct blob *b,
				   unsigned int *nr_recovered, struct kdc_err *err)
{
	const struct kdc_dump *d = a->dump;
	char prov[8192];
	size_t pn = 0;
	struct kdc_cursor cur;
	struct kdc_note n;
	bool have;

	for (unsigned int i = 0; i < a->cpus.nr_notes; i++)
		if (a->cpus.notes[i].cpu < 0)
			return kdc_fail(err, KC_NOTSUP,
					"NT_PRSTATUS note %u (pid %d) belongs to no CPU: the "
					"notes cannot be put in CPU order",
					i, a->cpus.notes[i].pid);
	pn += (size_t)snprintf(prov + pn, sizeof(prov) - pn,
			       "kdump-collector repair: NT_PRSTATUS notes are in CPU order, one "
			       "per online CPU\n");
	for (unsigned int i = 0; i < a->cpus.nr; i++) {
		const struct kdc_cpu *c = &a->cpus.cpu[i];
		uint8_t desc[1024];
		size_t len;

		if (!c->online)
			continue;
		if (c->regs_source == KDC_REGS_NOTE &&
		    nth_prstatus(d, (unsigned)c->note_index, &n)) {
			if (!put_note(b, "CORE", KDC_NT_PRSTATUS, n.desc, n.desc_len))
				return kdc_fail(err, KC_NOMEM, "notes");
			pn += (size_t)snprintf(prov + pn, pn < sizeof(prov) ? sizeof(prov) - pn : 0,
					       "cpu %u: original note %d\n", i, c->note_index);
			continue;
		}
		/* recovered, or nothing known: a note of zeros still keeps the
		 * positions of the others right */
		len = d->arch->encode_prstatus(c->have_task ? c->task.pid : 0, &c->regs, desc,
					       sizeof(desc));
		if (!len || !put_note(b, "CORE", KDC_NT_PRSTATUS, desc, len))
			return kdc_fail(err, KC_NOMEM, "notes");
		if (c->regs_source == KDC_REGS_RECOVERED) {
			(*nr_recovered)++;
			pn += (size_t)snprintf(
				prov + pn, pn < sizeof(prov) ? sizeof(prov) - pn : 0,
				"cpu %u: recovered by kdump-collector (%s, confidence "
				"%s): %s\n",
				i, a->recovery[i].method,
				kdc_confidence_name(a->recovery[i].confidence),
				a->recovery[i].evidence);
		} else {
			pn += (size_t)snprintf(prov + pn, pn < sizeof(prov) ? sizeof(prov) - pn : 0,
					       "cpu %u: no registers (placeholder of zeros)\n", i);
		}
	}
	/* every other note (VMCOREINFO, ...) as it was, in its order */
	kdc_cursor_init(&cur, d->notes, d->notes_len, false, "notes");
	while (!elf_notes_next(&cur, &have, &n, NULL) && have) {
		char name[64];

		if (elf_note_name_is(&n, "CORE") && n.type == KDC_NT_PRSTATUS)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n.name_len, n.name);
		if (!put_note(b, name, n.type, n.desc, n.desc_len))
			return kdc_fail(err, KC_NOMEM, "notes");
	}
	if (pn > sizeof(prov) - 1)
		pn = sizeof(prov) - 1;
	if (!put_note(b, KDC_NOTE_PROVENANCE_NAME, KDC_NOTE_PROVENANCE_TYPE, prov, pn))
		return kdc_fail(err, KC_NOMEM, "notes");
	return KC_OK;
}

/* @len bytes of @in at @in_off to @out at @out_off */
static enum kdc_status copy_range(int in, uint64_t in_off, int out, uint64_t out_off, uint64_t len,
				  struct kdc_err *err)
{
	uint64_t done = 0;

	while (done < len) {
		loff_t from = (loff_t)(in_off + done), to = (loff_t)(out_off + done);
		ssize_t n = copy_file_range(in, &from, out, &to, len - done, 0);

		if (n <= 0) {
			/* not supported across these file systems: plain copy */
			char buf[1 << 16];
			size_t want = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
			ssize_t r = pread(in, buf, want, (off_t)(in_off + done));

			if (r < 0)
				return kdc_fail(err, KC_IO, "reading the dump: %s",
						strerror(errno));
			if (r == 0)
				return kdc_fail(err, KC_IO,
						"reading the dump: it ended at byte %llu "
						"of %llu (changed while being copied?)",
						(unsigned long long)(in_off + done),
						(unsigned long long)(in_off + len));
			/* ENOSPC, EDQUOT, EIO: said as what they are */
			if (pwrite(out, buf, (size_t)r, (off_t)(out_off + done)) != r)
				return kdc_fail(err, KC_IO, "writing the copy: %s",
						errno ? strerror(errno) : "short write");
			n = r;
		}
		done += (uint64_t)n;
	}
	return KC_OK;
}

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * The repaired ELF is laid out the way /proc/vmcore is and crash reads
 * (netdump.c, 8.0.2-8.0.6): program headers right after the ELF header,
 * then the notes, then the segments' data; crash takes the bytes before the
 * lowest PT_LOAD offset as the header and reads notes only from there. The
 * data is copied as one block, shifted by a multiple of 64 KiB (the largest
 * arm64 page) so every segment keeps its offset within a page; the first PT_NOTE describes the
 * new notes and any other becomes PT_NULL (its notes are among the new).
 */
static enum kdc_status write_elf(const struct kdc_dump *d, int out, const struct blob *notes,
				 struct kdc_err *err)
{
	uint8_t eh[64], *ph = NULL;
	uint64_t phoff, table, data_in, data_out, notes_off, rem;
	unsigned int phentsize, phnum;
	enum kdc_status st = KC_OK;
	bool done = false;

	if (pread(d->fd, eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
		return kdc_fail(err, KC_IO, "reading the ELF header");
	if (eh[4] != 2 || eh[5] != 1)
		return kdc_fail(err, KC_NOTSUP, "repair writes 64-bit little-endian ELF only");
	phoff = rd_le(eh + 32, 8);
	phentsize = (unsigned)rd_le(eh + 54, 2);
	phnum = (unsigned)rd_le(eh + 56, 2);
	if (phentsize != 56)
		return kdc_fail(err, KC_NOTSUP, "program header entries of %u bytes", phentsize);
	if (!phnum || phnum == 0xffff)
		return kdc_fail(err, KC_NOTSUP, "e_phnum %u (PN_XNUM is not read)", phnum);
	table = (uint64_t)phnum * 56;
	if (phoff > d->file_size || table > d->file_size - phoff)
		return kdc_fail(err, KC_CORRUPT, "program headers beyond the end of the file");
	if (!(ph = malloc((size_t)table)))
		return kdc_fail(err, KC_NOMEM, "program headers");
	if (pread(d->fd, ph, (size_t)table, (off_t)phoff) != (ssize_t)table) {
		st = kdc_fail(err, KC_IO, "reading the program headers");
		goto out;
	}
	/* where the data starts: the lowest offset of a segment with bytes */
	data_in = d->file_size;
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *p = ph + i * 56;

		if (rd_le(p, 4) != PT_NOTE_TYPE && rd_le(p + 32, 8) && rd_le(p + 8, 8) < data_in)
			data_in = rd_le(p + 8, 8);
	}
	notes_off = 64 + table;
	rem = data_in % REPAIR_DATA_ALIGN;
	data_out = ((notes_off + notes->len + REPAIR_DATA_ALIGN - 1 - rem) &
		    ~(REPAIR_DATA_ALIGN - 1)) +
		   rem;
	for (unsigned int i = 0; i < phnum; i++) {
		uint8_t *p = ph + i * 56;

		if (rd_le(p, 4) == PT_NOTE_TYPE) {
			if (done) {
				memset(p, 0, 56); /* PT_NULL */
				continue;
			}
			le64(p + 8, notes_off);	  /* p_offset */
			le64(p + 32, notes->len); /* p_filesz */
			le64(p + 40, notes->len); /* p_memsz */
			done = true;
		} else if (rd_le(p + 32, 8)) {
			le64(p + 8, rd_le(p + 8, 8) - data_in + data_out);
		} else {
			le64(p + 8, 0); /* no bytes: no place */
		}
	}
	if (!done) {
		st = kdc_fail(err, KC_CORRUPT, "no PT_NOTE to update");
		goto out;
	}
	le64(eh + 32, 64);     /* e_phoff */
	le64(eh + 40, 0);      /* e_shoff: no section headers */
	memset(eh + 58, 0, 6); /* e_shentsize, e_shnum, e_shstrndx */
	if ((st = copy_range(d->fd, data_in, out, data_out, d->file_size - data_in, err)))
		goto out;
	if (pwrite(out, eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    pwrite(out, ph, (size_t)table, 64) != (ssize_t)table ||
	    pwrite(out, notes->p, notes->len, (off_t)notes_off) != (ssize_t)notes->len)
		st = kdc_fail(err, KC_IO, "writing the headers: %s", strerror(errno));
out:
	free(ph);
	return st;
}

static enum kdc_status patch_kdump(int fd, uint64_t notes_off, uint64_t notes_len,
				   struct kdc_err *err)
{
	uint8_t head[KDC_KDUMP_HEADER_SIZE], v[16];
	struct kdc_kdump_header h;
	enum kdc_status st;

	if (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head))
		return kdc_fail(err, KC_IO, "reading the kdump header");
	if ((st = kdump_header_parse(head, sizeof(head), &h, err)))
		return st;
	if (h.header_version < 4)
		return kdc_fail(err, KC_NOTSUP, "kdump header version %d has no note offset",
				h.header_version);
	le64(v, notes_off);
	le64(v + 8, notes_len);
	/* kdump_sub_header: offset_note at 48, size_note at 56 */
	if (pwrite(fd, v, sizeof(v), (off_t)h.block_size + 48) != (ssize_t)sizeof(v))
		return kdc_fail(err, KC_IO, "writing the kdump sub header");
	return KC_OK;
}

enum kdc_status repair_notes(const struct kdc_analysis *a, uint8_t **buf, size_t *len,
			     unsigned int *nr_recovered, struct kdc_err *err)
{
	struct blob b = { 0 };
	enum kdc_status st;

	*nr_recovered = 0;
	if (!a->cpus.nr)
		return kdc_fail(err, KC_NODATA, "no per-CPU state: cannot order the notes by CPU");
	if (!a->dump->arch->encode_prstatus)
		return kdc_fail(err, KC_NOTSUP, "no NT_PRSTATUS encoder for %s",
				a->dump->arch->name);
	if ((st = build_notes(a, &b, nr_recovered, err))) {
		free(b.p);
		return st;
	}
	*buf = b.p;
	*len = b.len;
	return KC_OK;
}

enum kdc_status repair_write(const struct kdc_analysis *a, const char *out_path,
			     unsigned int *nr_recovered, struct kdc_err *err)
{
	const struct kdc_dump *d = a->dump;
	struct blob b = { 0 };
	struct out_file of;
	uint64_t notes_off;
	enum kdc_status st;
	int out;

	*nr_recovered = 0;
	if (!a->cpus.nr)
		return kdc_fail(err, KC_NODATA, "no per-CPU state: cannot order the notes by CPU");
	if (!d->arch->encode_prstatus)
		return kdc_fail(err, KC_NOTSUP, "no NT_PRSTATUS encoder for %s", d->arch->name);
	if ((st = build_notes(a, &b, nr_recovered, err)))
		goto out_blob;
	/* the only copy of the crash is never the output, nor replaced by it */
	if ((st = out_path_check(d->fd, out_path, err)) ||
	    (st = out_file_create(&of, out_path, err)))
		goto out_blob;
	out = fileno(of.f);
	if (d->format == KDC_DUMP_ELF) {
		st = write_elf(d, out, &b, err);
		goto out_close;
	}
	/* kdump-compressed: the notes go after the data, the sub-header says where */
	notes_off = (d->file_size + 7) & ~7ull;
	if ((st = copy_range(d->fd, 0, out, 0, d->file_size, err)))
		goto out_close;
	if (pwrite(out, b.p, b.len, (off_t)notes_off) != (ssize_t)b.len) {
		st = kdc_fail(err, KC_IO, "%s: writing notes: %s", out_path, strerror(errno));
		goto out_close;
	}
	st = patch_kdump(out, notes_off, b.len, err);
out_close:
	if (st)
		out_file_abort(&of);
	else
		st = out_file_commit(&of, NULL, err);
out_blob:
	free(b.p);
	return st;
}
