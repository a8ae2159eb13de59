// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The headers of makedumpfile's kdump-compressed format ("diskdump"
 * format with signature "KDUMP   "): struct disk_dump_header in the first
 * block, then struct kdump_sub_header one block_size further. Layout for a
 * 64-bit little-endian dump (makedumpfile's diskdump_mod.h, header versions
 * 1..6): signature[8] header_version(i32) utsname(6 x 65 chars) timestamp
 * (timeval, 8-aligned at 408) status block_size sub_hdr_size bitmap_blocks
 * max_mapnr total_ram_blocks device_blocks written_blocks current_cpu
 * nr_cpus (i32/u32 each, 424..463). Sub header: phys_base(8) dump_level(4)
 * split(4) start_pfn(8) end_pfn(8) offset_vmcoreinfo(8) size_vmcoreinfo(8)
 * offset_note(8) size_note(8) offset_eraseinfo(8) size_eraseinfo(8)
 * start_pfn_64 end_pfn_64 max_mapnr_64 (8 each). VMCOREINFO is there from
 * header version 3, the notes from version 4.
 * libkdumpfile reads pages from these files; this decoder exists because
 * the collector needs the ELF notes in their file order, which libkdumpfile
 * does not expose.
 */
#ifndef KDC_KDUMP_HEADER_H
#define KDC_KDUMP_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KDC_KDUMP_SIGNATURE "KDUMP   "
#define KDC_KDUMP_HEADER_SIZE 464 /* bytes of disk_dump_header we decode */
#define KDC_KDUMP_SUB_HEADER_SIZE 104
#define KDC_KDUMP_BLOCK_MAX (1u << 20) /* block_size is the page size */

struct kdc_kdump_header {
	int32_t header_version;
	char release[66]; /* utsname.release, NUL-terminated */
	char machine[66]; /* utsname.machine, e.g. "aarch64" */
	uint32_t block_size;
	uint32_t sub_hdr_size; /* in blocks */
	uint32_t nr_cpus;
	/* from the sub header; zero when the header version predates them */
	uint64_t phys_base;
	int32_t dump_level;
	uint64_t offset_vmcoreinfo, size_vmcoreinfo;
	uint64_t offset_note, size_note;
};

/**
 * kdump_header_parse() - decode disk_dump_header from the file's first bytes
 * @buf: at least KDC_KDUMP_HEADER_SIZE bytes from offset 0 (borrowed)
 * @out: filled on success only (the sub-header fields are zeroed)
 * Return: KC_OK; KC_NOTSUP without the signature; KC_CORRUPT for a short
 * buffer or a block size that is not a power of two up to 1 MiB.
 */
enum kdc_status kdump_header_parse(const uint8_t *buf, size_t len, struct kdc_kdump_header *out,
				   struct kdc_err *err);

/**
 * kdump_sub_header_parse() - decode kdump_sub_header into @hdr
 * @buf: KDC_KDUMP_SUB_HEADER_SIZE bytes read at offset hdr->block_size
 * @file_size: the dump file's size, to check the offsets against
 * Return: KC_OK; KC_CORRUPT when an offset/size pair lies outside the file.
 */
enum kdc_status kdump_sub_header_parse(const uint8_t *buf, size_t len, uint64_t file_size,
				       struct kdc_kdump_header *hdr, struct kdc_err *err);

#endif
