// SPDX-License-Identifier: GPL-2.0-or-later
#include "dump.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "elf_notes.h"
#include "kdump_header.h"
#include "mem_kdumpfile.h"

#define ELF_PHDRS_MAX 65536 /* e_phnum is 16 bits unless PN_XNUM, which vmcores never use */

static enum kdc_status pread_exact(int fd, void *buf, size_t len, uint64_t off, const char *what,
				   struct kdc_err *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kdc_fail(err, KC_IO, "reading %s at 0x%llx: %s", what,
					(unsigned long long)(off + done), strerror(errno));
		if (n == 0)
			return kdc_fail(err, KC_CORRUPT, "%s at 0x%llx+0x%zx: file ends at 0x%llx",
					what, (unsigned long long)off, len,
					(unsigned long long)(off + done));
		done += (size_t)n;
	}
	return KC_OK;
}

/* Append [off, off+len) of the file to the dump's note blob. */
static enum kdc_status append_notes(struct kdc_dump *d, uint64_t off, uint64_t len,
				    struct kdc_err *err)
{
	uint64_t end;
	uint8_t *p;

	if (__builtin_add_overflow(off, len, &end) || end > d->file_size)
		return kdc_fail(err, KC_CORRUPT,
				"notes at 0x%llx+0x%llx beyond the file's 0x%llx "
				"bytes",
				(unsigned long long)off, (unsigned long long)len,
				(unsigned long long)d->file_size);
	if (len > KDC_NOTES_BYTES_MAX - d->notes_len)
		return kdc_fail(err, KC_LIMIT, "notes: more than %u bytes", KDC_NOTES_BYTES_MAX);
	p = realloc(d->notes, d->notes_len + len + 1);
	if (!p)
		return kdc_fail(err, KC_NOMEM, "notes: out of memory");
	d->notes = p;
	if (pread_exact(d->fd, d->notes + d->notes_len, len, off, "notes", err))
		return err->code;
	d->notes_len += len;
	return KC_OK;
}

/*
 * What libkdumpfile trusts without checking (a zero e_phentsize made it
 * fault in kdump_open_fdset()): every header field it reads is checked here
 * first, against the file, so it is only ever handed a sane table.
 */
static enum kdc_status check_elf_header(const struct kdc_dump *d, const Elf64_Ehdr *e, size_t phnum,
					struct kdc_err *err)
{
	uint64_t table;

	if (e->e_ident[EI_CLASS] != ELFCLASS64)
		return kdc_fail(err, KC_NOTSUP, "ELF class %u: only 64-bit vmcores are read",
				e->e_ident[EI_CLASS]);
	if (e->e_ident[EI_DATA] != ELFDATA2LSB)
		return kdc_fail(err, KC_NOTSUP,
				"ELF data encoding %u: only little-endian vmcores "
				"are read",
				e->e_ident[EI_DATA]);
	if (e->e_ehsize != sizeof(Elf64_Ehdr))
		return kdc_fail(err, KC_CORRUPT, "ELF e_ehsize %u, not %zu", e->e_ehsize,
				sizeof(Elf64_Ehdr));
	if (e->e_phentsize != sizeof(Elf64_Phdr))
		return kdc_fail(err, KC_CORRUPT, "ELF e_phentsize %u, not %zu", e->e_phentsize,
				sizeof(Elf64_Phdr));
	if (!phnum)
		return kdc_fail(err, KC_CORRUPT,
				"ELF e_phnum %u: no program headers (PN_XNUM "
				"extended numbering is not used by vmcores)",
				e->e_phnum);
	table = (uint64_t)phnum * sizeof(Elf64_Phdr);
	if (e->e_phoff < sizeof(Elf64_Ehdr) || e->e_phoff > d->file_size ||
	    table > d->file_size - e->e_phoff)
		return kdc_fail(err, KC_CORRUPT,
				"ELF program headers at 0x%llx (%zu of them) are "
				"not inside the %llu-byte file",
				(unsigned long long)e->e_phoff, phnum,
				(unsigned long long)d->file_size);
	return KC_OK;
}

/* A PT_LOAD whose file bytes leave the file is not kept: its memory is then
 * read through libkdumpfile, which names the damage. */
static enum kdc_status add_load(struct kdc_dump *d, const GElf_Phdr *ph, size_t phnum,
				struct kdc_err *err)
{
	if (!ph->p_filesz || ph->p_offset > d->file_size ||
	    ph->p_filesz > d->file_size - ph->p_offset || ph->p_paddr + ph->p_filesz < ph->p_paddr)
		return KC_OK;
	if (!d->loads && !(d->loads = calloc(phnum, sizeof(*d->loads))))
		return kdc_fail(err, KC_NOMEM, "ELF: %zu program headers", phnum);
	d->loads[d->nr_loads++] = (struct kdc_dump_load){ ph->p_paddr, ph->p_offset, ph->p_filesz };
	return KC_OK;
}

static int by_paddr(const void *a, const void *b)
{
	uint64_t x = ((const struct kdc_dump_load *)a)->paddr;
	uint64_t y = ((const struct kdc_dump_load *)b)->paddr;

	return x < y ? -1 : x > y;
}

bool dump_file_offset(const struct kdc_dump *d, uint64_t paddr, uint64_t len, uint64_t *offset)
{
	size_t lo = 0, hi = d->nr_loads;

	/* the last PT_LOAD starting at or below @paddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->loads[mid].paddr <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	const struct kdc_dump_load *l = &d->loads[lo - 1];

	if (paddr - l->paddr > l->filesz || len > l->filesz - (paddr - l->paddr))
		return false;
	*offset = l->offset + (paddr - l->paddr);
	return true;
}

static enum kdc_status read_elf(struct kdc_dump *d, struct kdc_err *err)
{
	enum kdc_status st = KC_OK;
	GElf_Ehdr ehdr;
	size_t phnum;
	Elf *elf;

	Elf64_Ehdr raw;

	/* the raw header first: libelf's own refusals do not name the field */
	if ((st = pread_exact(d->fd, &raw, sizeof(raw), 0, "ELF header", err)))
		return st;
	raw.e_phoff = le64toh(raw.e_phoff);
	raw.e_ehsize = le16toh(raw.e_ehsize);
	raw.e_phentsize = le16toh(raw.e_phentsize);
	raw.e_phnum = le16toh(raw.e_phnum);
	if ((st = check_elf_header(d, &raw, raw.e_phnum == PN_XNUM ? 0 : raw.e_phnum, err)))
		return st;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kdc_fail(err, KC_NOTSUP, "libelf: %s", elf_errmsg(-1));
	elf = elf_begin(d->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr) ||
	    elf_getphdrnum(elf, &phnum)) {
		st = kdc_fail(err, KC_CORRUPT, "ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	if (ehdr.e_type != ET_CORE) {
		st = kdc_fail(err, KC_NOTSUP, "ELF type %u is not a core file", ehdr.e_type);
		goto out;
	}
	d->arch = arch_by_e_machine(ehdr.e_machine);
	if (!d->arch) {
		st = kdc_fail(err, KC_NOTSUP, "ELF machine %u is not supported", ehdr.e_machine);
		goto out;
	}
	if (phnum > ELF_PHDRS_MAX) {
		st = kdc_fail(err, KC_LIMIT, "ELF: %zu program headers", phnum);
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			st = kdc_fail(err, KC_CORRUPT, "ELF program header %zu: %s", i,
				      elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type == PT_NOTE && (st = append_notes(d, ph.p_offset, ph.p_filesz, err))) {
			kdc_err_prefix(err, st, "PT_NOTE %zu", i);
			goto out;
		}
		if (ph.p_type == PT_LOAD && (st = add_load(d, &ph, phnum, err)))
			goto out;
	}
	if (d->nr_loads)
		qsort(d->loads, d->nr_loads, sizeof(*d->loads), by_paddr);
	if (d->notes_len == 0)
		st = kdc_fail(err, KC_CORRUPT, "ELF core file without PT_NOTE");
out:
	elf_end(elf);
	return st;
}

static enum kdc_status read_kdump(struct kdc_dump *d, const uint8_t *head, size_t head_len,
				  struct kdc_err *err)
{
	uint8_t sub[KDC_KDUMP_SUB_HEADER_SIZE];
	struct kdc_kdump_header h;
	enum kdc_status st;

	if ((st = kdump_header_parse(head, head_len, &h, err)))
		return st;
	d->kdump_header_version = h.header_version;
	d->arch = arch_by_uts_machine(h.machine);
	if (!d->arch)
		return kdc_fail(err, KC_NOTSUP, "kdump header: machine '%s' is not supported",
				h.machine);
	if ((st = pread_exact(d->fd, sub, sizeof(sub), h.block_size, "kdump sub header", err)) ||
	    (st = kdump_sub_header_parse(sub, sizeof(sub), d->file_size, &h, err)))
		return st;
	if (h.size_note == 0)
		return kdc_fail(err, KC_NODATA, "kdump header version %d carries no notes",
				h.header_version);
	return append_notes(d, h.offset_note, h.size_note, err);
}

/* VMCOREINFO comes from its note; kdump files also keep it in the sub
 * header, but makedumpfile copies the same bytes into both. */
static void load_vmcoreinfo(struct kdc_dump *d)
{
	struct kdc_cursor c;
	struct kdc_note n;
	struct kdc_err *err = &d->vmcoreinfo_err;
	bool have;

	kdc_cursor_init(&c, d->notes, d->notes_len, false, "notes");
	for (;;) {
		enum kdc_status st = elf_notes_next(&c, &have, &n, err);

		if (st) {
			kdc_err_prefix(err, st, "looking for VMCOREINFO");
			return;
		}
		if (!have)
			break;
		if (elf_note_name_is(&n, "VMCOREINFO")) {
			st = vmcoreinfo_parse(n.desc, n.desc_len, &d->vmcoreinfo, err);
			if (st)
				kdc_err_prefix(err, st, "note at 0x%zx", n.offset);
			return;
		}
	}
	kdc_fail(err, KC_NODATA, "no VMCOREINFO note");
}

static void open_kdumpfile(struct kdc_dump *d)
{
	kdump_ctx_t *ctx = kdump_new();

	if (!ctx) {
		kdc_fail(&d->kdumpfile_err, KC_NOMEM, "libkdumpfile: out of memory");
		return;
	}
	/* Without an OS type libkdumpfile cannot set up arm64 translation for
	 * kdump-compressed files ("Cannot determine VA_BITS"). */
	/* read(2), not mmap(2), even on /proc/vmcore: a saved dump's mapped
	 * pages would count in the resident set, and on /proc/vmcore the
	 * analysis' reads are scattered, so libkdumpfile's 16 windows of 4 MiB
	 * would miss often, each miss mapping 1024 pages and unmapping another
	 * window. Mapping everything was not measured faster in the capture
	 * kernel (the bench's A/B there is confounded by TCG reusing the first
	 * run's translated code). The small dump's long runs are mapped
	 * (mini_dump.c). */
	kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	if (kdump_open_fd(ctx, d->fd) != KDUMP_OK ||
	    kdump_set_string_attr(ctx, "addrxlat.ostype", "linux") != KDUMP_OK) {
		kdc_fail(&d->kdumpfile_err, KC_CORRUPT, "libkdumpfile: %s", kdump_get_err(ctx));
		/* Not freed: libkdumpfile 0.5.x can crash in kdump_free() on a
		 * context whose open failed for lack of memory (seen under
		 * RLIMIT_AS in tests). Leaking one context is the lesser harm. */
		return;
	}
	d->kctx = ctx;
	d->mem = mem_over_kdumpfile(ctx, d->arch);
}

static enum kdc_status no_memory_read(void *ctx, uint64_t vaddr, void *buf, size_t len,
				      struct kdc_err *err)
{
	const struct kdc_dump *d = ctx;

	(void)buf;
	return kdc_fail(err, KC_NODATA, "0x%llx+0x%zx: no memory access: %s",
			(unsigned long long)vaddr, len, d->kdumpfile_err.msg);
}

uint64_t dump_page_size(const struct kdc_dump *dump, struct kdc_err *err)
{
	uint64_t ps;

	if (!dump->vmcoreinfo || vmcoreinfo_get_u64(dump->vmcoreinfo, "PAGESIZE", 10, &ps, NULL))
		return 4096;
	/* 4 KiB to 64 KiB on every architecture read here: anything else is
	 * damage, and would size every buffer */
	if (ps < 4096 || ps > 65536 || (ps & (ps - 1))) {
		kdc_fail(err, KC_CORRUPT,
			 "VMCOREINFO PAGESIZE=%llu is not a page size; 4096 assumed",
			 (unsigned long long)ps);
		return 4096;
	}
	return ps;
}

enum kdc_status dump_open(const char *path, struct kdc_dump **out, struct kdc_err *err)
{
	uint8_t head[KDC_KDUMP_HEADER_SIZE] = { 0 };
	struct kdc_dump *d;
	struct statfs sfs;
	struct stat stb;
	size_t head_len;
	enum kdc_status st;

	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(path))) {
		free(d);
		return kdc_fail(err, KC_NOMEM, "%s: out of memory", path);
	}
	/* O_NONBLOCK: a FIFO must not block open(2) forever */
	d->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (d->fd < 0 || fstat(d->fd, &stb)) {
		st = kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(stb.st_mode) && !S_ISBLK(stb.st_mode)) {
		st = kdc_fail(err, KC_INVAL, "%s: not a regular file or block device", path);
		goto fail;
	}
	d->file_size = (uint64_t)stb.st_size;
	/* KDC_READ_VMCORE=1 reads it like a saved dump: make bench times both */
	d->old_memory = !fstatfs(d->fd, &sfs) && sfs.f_type == PROC_SUPER_MAGIC &&
			!getenv("KDC_READ_VMCORE");
	/* /proc/vmcore reports its real size; a pipe or device would report 0. */
	head_len = d->file_size < sizeof(head) ? (size_t)d->file_size : sizeof(head);
	if (head_len < 8) {
		st = kdc_fail(err, KC_CORRUPT, "%s: %zu bytes is too short for a dump", path,
			      head_len);
		goto fail;
	}
	if ((st = pread_exact(d->fd, head, head_len, 0, "file header", err)))
		goto fail_ctx;
	if (!memcmp(head, ELFMAG, SELFMAG)) {
		d->format = KDC_DUMP_ELF;
		st = read_elf(d, err);
	} else if (!memcmp(head, KDC_KDUMP_SIGNATURE, 8)) {
		d->format = KDC_DUMP_KDUMP_COMPRESSED;
		st = read_kdump(d, head, head_len, err);
	} else {
		st = kdc_fail(err, KC_NOTSUP, "neither an ELF core file nor kdump-compressed");
	}
	if (st)
		goto fail_ctx;
	load_vmcoreinfo(d);
	d->mem = mem_over_reader((struct kdc_reader){ .read = no_memory_read, .ctx = d }, d->arch);
	open_kdumpfile(d);
	*out = d;
	return KC_OK;
fail_ctx:
	kdc_err_prefix(err, st, "%s", path);
fail:
	dump_close(d);
	return st;
}

void dump_close(struct kdc_dump *d)
{
	if (!d)
		return;
	if (d->kctx)
		kdump_free(d->kctx);
	vmcoreinfo_free(d->vmcoreinfo);
	free(d->notes);
	free(d->loads);
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d);
}

const char *dump_format_name(const struct kdc_dump *d)
{
	return d->format == KDC_DUMP_ELF ? "elf" : "kdump-compressed";
}
