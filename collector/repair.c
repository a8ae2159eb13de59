// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE	/* copy_file_range */
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
					"notes cannot be put in CPU order", i, a->cpus.notes[i].pid);
	pn += (size_t)snprintf(prov + pn, sizeof(prov) - pn,
			       "kdump-collector repair: NT_PRSTATUS notes are in CPU order, one "
			       "per online CPU\n");
	for (unsigned int i = 0; i < a->cpus.nr; i++) {
		const struct kdc_cpu *c = &a->cpus.cpu[i];
		uint8_t desc[1024];
		size_t len;

		if (!c->online)
			continue;
		if (c->regs_source == KDC_REGS_NOTE && nth_prstatus(d, (unsigned)c->note_index, &n)) {
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
			pn += (size_t)snprintf(prov + pn, pn < sizeof(prov) ? sizeof(prov) - pn : 0,
					       "cpu %u: recovered by kdump-collector (%s, confidence "
					       "%s): %s\n", i, a->recovery[i].method,
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

static enum kdc_status copy_file(int in, int out, uint64_t size, struct kdc_err *err)
{
	uint64_t done = 0;

	while (done < size) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, size - done, 0);

		if (n <= 0) {
			/* not supported across these file systems: plain copy */
			char buf[1 << 16];
			ssize_t r = pread(in, buf, sizeof(buf), (off_t)done);

			if (r < 0)
				return kdc_fail(err, KC_IO, "reading the dump: %s", strerror(errno));
			if (r == 0)
				return kdc_fail(err, KC_IO, "reading the dump: it ended at byte %llu "
						"of %llu (changed while being copied?)",
						(unsigned long long)done, (unsigned long long)size);
			/* ENOSPC, EDQUOT, EIO: said as what they are */
			if (pwrite(out, buf, (size_t)r, (off_t)done) != r)
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

/* Point the first PT_NOTE at the new notes; drop the others. */
static enum kdc_status patch_elf(int fd, uint64_t notes_off, uint64_t notes_len,
				 struct kdc_err *err)
{
	uint8_t eh[64], ph[56];
	uint64_t phoff;
	unsigned int phentsize, phnum;
	bool done = false;

	if (pread(fd, eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
		return kdc_fail(err, KC_IO, "reading the ELF header");
	if (eh[4] != 2 || eh[5] != 1)
		return kdc_fail(err, KC_NOTSUP, "repair writes 64-bit little-endian ELF only");
	phoff = rd_le(eh + 32, 8);
	phentsize = (unsigned)rd_le(eh + 54, 2);
	phnum = (unsigned)rd_le(eh + 56, 2);
	if (phentsize != sizeof(ph))
		return kdc_fail(err, KC_NOTSUP, "program header entries of %u bytes", phentsize);
	for (unsigned int i = 0; i < phnum; i++) {
		off_t at = (off_t)(phoff + (uint64_t)i * phentsize);

		if (pread(fd, ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
			return kdc_fail(err, KC_IO, "reading program header %u", i);
		if (rd_le(ph, 4) != PT_NOTE_TYPE)
			continue;
		if (done) {
			memset(ph, 0, 4);	/* PT_NULL: its notes are in the new one */
		} else {
			le64(ph + 8, notes_off);	/* p_offset */
			le64(ph + 32, notes_len);	/* p_filesz */
			le64(ph + 40, notes_len);	/* p_memsz */
			done = true;
		}
		if (pwrite(fd, ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
			return kdc_fail(err, KC_IO, "writing program header %u", i);
	}
	return done ? KC_OK : kdc_fail(err, KC_CORRUPT, "no PT_NOTE to update");
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
		return kdc_fail(err, KC_NOTSUP, "no NT_PRSTATUS encoder for %s", a->dump->arch->name);
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
	notes_off = (d->file_size + 7) & ~7ull;
	if ((st = copy_file(d->fd, out, d->file_size, err)))
		goto out_close;
	if (pwrite(out, b.p, b.len, (off_t)notes_off) != (ssize_t)b.len) {
		st = kdc_fail(err, KC_IO, "%s: writing notes: %s", out_path, strerror(errno));
		goto out_close;
	}
	st = d->format == KDC_DUMP_ELF ? patch_elf(out, notes_off, b.len, err)
				       : patch_kdump(out, notes_off, b.len, err);
out_close:
	if (st)
		out_file_abort(&of);
	else
		st = out_file_commit(&of, NULL, err);
out_blob:
	free(b.p);
	return st;
}
