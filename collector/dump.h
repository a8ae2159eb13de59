// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An open crash dump: the file, its format, its architecture, its ELF notes
 * in file order, its VMCOREINFO, and a libkdumpfile context for memory.
 * ELF vmcores (/proc/vmcore, makedumpfile -E) and kdump-compressed files
 * are both handled; the notes come from the file itself so they keep their
 * order (libkdumpfile consumes them without exposing the blob).
 */
#ifndef KDC_DUMP_H
#define KDC_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libkdumpfile/kdumpfile.h>

#include "arch.h"
#include "err.h"
#include "mem.h"
#include "vmcoreinfo.h"

/* A crash's PT_NOTE holds ~0.4 KiB per CPU plus VMCOREINFO: 8 MiB covers
 * NR_CPUS=8192 with room to spare. */
#define KDC_NOTES_BYTES_MAX (8u << 20)

enum kdc_dump_format {
	KDC_DUMP_ELF,
	KDC_DUMP_KDUMP_COMPRESSED,
};

/* An ELF dump's PT_LOAD: @filesz bytes of physical memory at @paddr are at
 * file offset @offset (what lies past them up to p_memsz reads as zeros) */
struct kdc_dump_load {
	uint64_t paddr, offset, filesz;
};

struct kdc_dump {
	char *path; /* owned */
	int fd;
	uint64_t file_size;
	enum kdc_dump_format format;
	int kdump_header_version;	 /* kdump-compressed only */
	const struct kdc_arch_ops *arch; /* static storage */
	uint8_t *notes;			 /* owned; the PT_NOTE blob(s), file order */
	size_t notes_len;
	/* the file is /proc/vmcore (procfs): each read(2) there maps and unmaps
	 * the old memory page by page, while a mapping of it is made once and
	 * takes none of the capture kernel's memory, so long runs of it (the
	 * small dump's pages) are copied from a mapping */
	bool old_memory;
	/* owned; ELF only: the PT_LOADs whose bytes lie inside the file, by paddr */
	struct kdc_dump_load *loads;
	size_t nr_loads;
	struct kdc_vmcoreinfo *vmcoreinfo; /* owned; NULL when absent or unreadable */
	kdump_ctx_t *kctx;		   /* owned; NULL when libkdumpfile could not open it */
	/* its memory: over kctx, or failing with kdumpfile_err when libkdumpfile
	 * could not open it (the unit suites put their synthetic images here) */
	struct kdc_mem mem;
	/* what could not be read, for the partial report (empty when all went well) */
	struct kdc_err vmcoreinfo_err;
	struct kdc_err kdumpfile_err;
};

/**
 * dump_open() - open a dump and read its notes and VMCOREINFO
 * @path: the file
 * @out: a new dump on success; free with dump_close()
 * @err: error detail
 *
 * Success means the format and architecture are known and the note blob
 * was read; a missing VMCOREINFO or a libkdumpfile failure is recorded in
 * the dump (vmcoreinfo_err, kdumpfile_err) instead, so a partial report
 * can still be written.
 * Return: KC_OK; KC_IO; KC_NOTSUP for an unknown format or architecture;
 * KC_CORRUPT for headers that point outside the file; KC_LIMIT; KC_NOMEM.
 */
enum kdc_status dump_open(const char *path, struct kdc_dump **out, struct kdc_err *err);

void dump_close(struct kdc_dump *dump);

/**
 * dump_page_size() - the crashed kernel's page size, VMCOREINFO's PAGESIZE
 * when it is one (a power of two, 4 KiB to 64 KiB), else 4096
 * @err: why 4096 was assumed over a damaged PAGESIZE (left alone when the
 * value was good or absent); may be NULL
 */
uint64_t dump_page_size(const struct kdc_dump *dump, struct kdc_err *err);

/**
 * dump_file_offset() - where an ELF dump's file holds the @len bytes of
 * physical memory at @paddr, when one PT_LOAD holds them all as file bytes
 *
 * For copying pages the analysis has already read through libkdumpfile
 * (the small dump): pread(2) of large runs instead of libkdumpfile's
 * page-at-a-time reads, whose two caches cost more than the copy.
 * Return: true with *@offset; false for a kdump-compressed dump and for
 * memory no single PT_LOAD's file bytes cover (read it through kctx).
 */
bool dump_file_offset(const struct kdc_dump *dump, uint64_t paddr, uint64_t len, uint64_t *offset);

/** dump_format_name() - "elf" or "kdump-compressed" */
const char *dump_format_name(const struct kdc_dump *dump);

#endif
