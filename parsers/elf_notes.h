// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF note iteration over a PT_NOTE blob (ELF gABI "Note Section": namesz,
 * descsz, type as 4-byte words, then name and desc each padded to 4 bytes).
 * /proc/vmcore merges every CPU's crash_notes buffer into one PT_NOTE
 * (fs/proc/vmcore.c merge_note_headers_elf64) and drops a CPU's buffer when
 * its first note is empty, so a note's position is not its CPU number.
 */
#ifndef KDC_ELF_NOTES_H
#define KDC_ELF_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "err.h"

#define KDC_NT_PRSTATUS 1
/* the note kdump-collector repair adds: which NT_PRSTATUS it wrote itself */
#define KDC_NOTE_PROVENANCE_NAME "KDUMP-COLLECTOR"
#define KDC_NOTE_PROVENANCE_TYPE 0x4b44u /* "KD" */
#define KDC_NT_PRFPREG 2
#define KDC_NT_PRPSINFO 3
#define KDC_NT_TASKSTRUCT 4
#define KDC_NT_AUXV 6
/* include/uapi/linux/elf.h: the per-CPU note a crash writes is at most a
 * few hundred bytes; VMCOREINFO is a page (more with kallsyms in 6.0+). */
#define KDC_NOTE_NAME_MAX 256
#define KDC_NOTE_DESC_MAX (1u << 22)

struct kdc_note {
	const char *name; /* borrowed from the blob; not NUL-terminated */
	size_t name_len;  /* without trailing NULs */
	uint32_t type;
	const uint8_t *desc; /* borrowed from the blob */
	size_t desc_len;
	size_t offset; /* of the note header within the blob */
};

/**
 * elf_notes_next() - decode the note at the cursor and advance past it
 * @c: cursor over the PT_NOTE blob (its byte order is the ELF file's)
 * @have: set true when @out holds a note, false at the end of the blob
 * @out: the note, borrowing from the blob
 * @err: error detail
 *
 * The blob ends at its last byte or at an all-zero note header (the
 * terminator the kernel writes after each CPU's notes).
 * Return: KC_OK; KC_CORRUPT when a header or a size overruns the blob;
 * KC_LIMIT when a size exceeds the KDC_NOTE_*_MAX ceilings.
 */
enum kdc_status elf_notes_next(struct kdc_cursor *c, bool *have, struct kdc_note *out,
			       struct kdc_err *err);

/** elf_note_name_is() - true when the note's name is exactly @name */
bool elf_note_name_is(const struct kdc_note *n, const char *name);

#endif
