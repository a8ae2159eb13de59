// SPDX-License-Identifier: GPL-2.0-or-later
#include "kdump_header.h"

#include <string.h>

#include "cursor.h"

#define UTS_LEN 65
#define UTSNAME_OFF 12
#define TIMESTAMP_OFF 408

static void copy_uts_field(char *dst, const uint8_t *src)
{
	memcpy(dst, src, UTS_LEN);
	dst[UTS_LEN] = '\0';
}

enum kdc_status kdump_header_parse(const uint8_t *buf, size_t len, struct kdc_kdump_header *out,
				   struct kdc_err *err)
{
	struct kdc_kdump_header h = { 0 };
	struct kdc_cursor c;
	uint32_t u32;
	enum kdc_status st;

	if (len < 8 || memcmp(buf, KDC_KDUMP_SIGNATURE, 8))
		return kdc_fail(err, KC_NOTSUP, "no kdump-compressed signature");
	if (len < KDC_KDUMP_HEADER_SIZE)
		return kdc_fail(err, KC_CORRUPT, "kdump header: %zu bytes, need %d", len,
				KDC_KDUMP_HEADER_SIZE);
	kdc_cursor_init(&c, buf, len, false, "kdump header");
	if ((st = kdc_cursor_seek(&c, 8, err)) || (st = kdc_cursor_u32(&c, &u32, err)))
		return st;
	h.header_version = (int32_t)u32;
	copy_uts_field(h.release, buf + UTSNAME_OFF + 2 * UTS_LEN);
	copy_uts_field(h.machine, buf + UTSNAME_OFF + 4 * UTS_LEN);
	/* timestamp(16) then status */
	if ((st = kdc_cursor_seek(&c, TIMESTAMP_OFF + 16 + 4, err)) ||
	    (st = kdc_cursor_u32(&c, &h.block_size, err)) ||
	    (st = kdc_cursor_u32(&c, &h.sub_hdr_size, err)) ||
	    (st = kdc_cursor_seek(&c, 460, err)) || (st = kdc_cursor_u32(&c, &h.nr_cpus, err)))
		return st;
	if (h.block_size == 0 || h.block_size > KDC_KDUMP_BLOCK_MAX ||
	    (h.block_size & (h.block_size - 1)))
		return kdc_fail(err, KC_CORRUPT,
				"kdump header: block size %u is not a power of two "
				"up to %u",
				h.block_size, KDC_KDUMP_BLOCK_MAX);
	if (h.header_version < 1)
		return kdc_fail(err, KC_CORRUPT, "kdump header: version %d", h.header_version);
	*out = h;
	return KC_OK;
}

static enum kdc_status check_range(const char *what, uint64_t off, uint64_t size,
				   uint64_t file_size, struct kdc_err *err)
{
	uint64_t end;

	if (size && (__builtin_add_overflow(off, size, &end) || end > file_size))
		return kdc_fail(err, KC_CORRUPT,
				"kdump sub header: %s 0x%llx+0x%llx beyond the "
				"file's 0x%llx bytes",
				what, (unsigned long long)off, (unsigned long long)size,
				(unsigned long long)file_size);
	return KC_OK;
}

enum kdc_status kdump_sub_header_parse(const uint8_t *buf, size_t len, uint64_t file_size,
				       struct kdc_kdump_header *hdr, struct kdc_err *err)
{
	struct kdc_kdump_header h = *hdr;
	struct kdc_cursor c;
	uint32_t dump_level;
	enum kdc_status st;

	kdc_cursor_init(&c, buf, len, false, "kdump sub header");
	if ((st = kdc_cursor_u64(&c, &h.phys_base, err)) ||
	    (st = kdc_cursor_u32(&c, &dump_level, err)))
		return st;
	h.dump_level = (int32_t)dump_level;
	if (h.header_version >= 3 && ((st = kdc_cursor_seek(&c, 32, err)) ||
				      (st = kdc_cursor_u64(&c, &h.offset_vmcoreinfo, err)) ||
				      (st = kdc_cursor_u64(&c, &h.size_vmcoreinfo, err))))
		return st;
	if (h.header_version >= 4 && ((st = kdc_cursor_u64(&c, &h.offset_note, err)) ||
				      (st = kdc_cursor_u64(&c, &h.size_note, err))))
		return st;
	if ((st = check_range("vmcoreinfo", h.offset_vmcoreinfo, h.size_vmcoreinfo, file_size,
			      err)) ||
	    (st = check_range("notes", h.offset_note, h.size_note, file_size, err)))
		return st;
	*hdr = h;
	return KC_OK;
}
