// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * POSIX ustar headers (IEEE 1003.1-1988 "ustar" interchange format), for
 * the regular files of a bundle. Written by hand because the library that
 * does tar in Debian, libarchive, pulls libxml2 and ICU (about 33 MB) into
 * the kdump initramfs, where memory is tight; a bundle needs only regular
 * files with short names.
 */
#ifndef KDC_TAR_HEADER_H
#define KDC_TAR_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KDC_TAR_BLOCK 512
#define KDC_TAR_NAME_MAX 255		 /* prefix (155) + "/" + name (100), split at a slash */
#define KDC_TAR_SIZE_MAX 077777777777ull /* 11 octal digits: 8 GiB - 1 */

struct kdc_tar_entry {
	char name[KDC_TAR_NAME_MAX + 1];
	uint64_t size;
	uint64_t mtime;
	unsigned int mode;
	char type; /* '0' regular file, '5' directory, ... */
};

/**
 * tar_header_encode() - a ustar header block for a regular file
 * Return: KC_OK; KC_LIMIT when the name cannot be split into prefix/name
 * or the size needs more than 11 octal digits.
 */
enum kdc_status tar_header_encode(const struct kdc_tar_entry *e, uint8_t block[KDC_TAR_BLOCK],
				  struct kdc_err *err);

/**
 * tar_header_decode() - parse a header block
 * @end: set when the block is all zeros (the end-of-archive marker)
 * Return: KC_OK; KC_CORRUPT for a bad checksum, magic or number field.
 */
enum kdc_status tar_header_decode(const uint8_t block[KDC_TAR_BLOCK], struct kdc_tar_entry *e,
				  bool *end, struct kdc_err *err);

/** tar_padding() - bytes of padding after @size bytes of member data */
static inline size_t tar_padding(uint64_t size)
{
	return (size_t)((KDC_TAR_BLOCK - size % KDC_TAR_BLOCK) % KDC_TAR_BLOCK);
}

#endif
