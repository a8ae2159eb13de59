// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kdump-collect repair DUMP -o OUT`: a copy of the dump whose notes hold
 * one NT_PRSTATUS per online CPU, in CPU order, the recovered ones
 * included, plus a KDUMP-COLLECTOR note saying where each came from.
 *
 * CPU order matters: crash 8.0.2 on arm64 reads each CPU's registers from
 * the kernel's per-CPU crash_notes buffer when it has the vmlinux, and
 * falls back to the dump's Nth NT_PRSTATUS note for CPU N when that buffer
 * is empty (arm64.c arm64_get_crash_notes, netdump.c/diskdump.c
 * *_get_prstatus_percpu) - the buffer of a CPU that never stopped is
 * empty, so its note must be the Nth.
 *
 * The original file is copied unchanged; the new notes are appended and
 * the header pointing at the notes is updated: the ELF PT_NOTE entry, or a
 * kdump-compressed file's sub header (offset_note/size_note, header
 * version 4+). The memory image is not touched.
 */
#ifndef KDC_REPAIR_H
#define KDC_REPAIR_H

#include "analysis.h"

/**
 * repair_write() - write the repaired copy of @a's dump to @out_path
 * @nr_recovered: notes added for CPUs that had none
 * Return: KC_OK; KC_NOTSUP for a file layout it cannot update (32-bit or
 * big-endian ELF, kdump header before version 4) or a note that belongs to
 * no CPU; KC_NODATA without per-CPU state; KC_IO.
 */
enum kdc_status repair_write(const struct kdc_analysis *a, const char *out_path,
			     unsigned int *nr_recovered, struct kdc_err *err);

/**
 * repair_notes() - only the new note blob (ELF note format), as repair
 * writes it; @buf is the caller's to free()
 */
enum kdc_status repair_notes(const struct kdc_analysis *a, uint8_t **buf, size_t *len,
			     unsigned int *nr_recovered, struct kdc_err *err);

#endif
