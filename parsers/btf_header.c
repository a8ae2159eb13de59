// SPDX-License-Identifier: GPL-2.0-or-later
#include "btf_header.h"

#include "cursor.h"

bool btf_header_parse(const uint8_t *p, size_t avail, struct kdc_btf_header *out)
{
	struct kdc_cursor c;
	uint16_t magic;
	uint8_t version, flags;
	struct kdc_btf_header h;
	uint64_t end;

	kdc_cursor_init(&c, p, avail, false, "btf header");
	if (kdc_cursor_u16(&c, &magic, NULL) || kdc_cursor_u8(&c, &version, NULL) ||
	    kdc_cursor_u8(&c, &flags, NULL) || kdc_cursor_u32(&c, &h.hdr_len, NULL) ||
	    kdc_cursor_u32(&c, &h.type_off, NULL) || kdc_cursor_u32(&c, &h.type_len, NULL) ||
	    kdc_cursor_u32(&c, &h.str_off, NULL) || kdc_cursor_u32(&c, &h.str_len, NULL))
		return false;
	if (magic != KDC_BTF_MAGIC || version != 1 || flags != 0 || h.hdr_len != KDC_BTF_HEADER_LEN)
		return false;
	/* pahole and the kernel's resolve_btfids lay out types, then strings */
	if (h.type_off != 0 || h.str_off != h.type_len || h.str_len == 0 ||
	    h.type_len < KDC_BTF_VMLINUX_TYPES_MIN)
		return false;
	end = (uint64_t)h.hdr_len + h.str_off + h.str_len;
	if (end > KDC_BTF_SIZE_MAX)
		return false;
	h.total_len = (uint32_t)end;
	*out = h;
	return true;
}

bool btf_layout_aligned(const uint8_t *p, size_t avail)
{
	struct kdc_cursor c;
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off;

	kdc_cursor_init(&c, p, avail, false, "btf header");
	if (kdc_cursor_u16(&c, &magic, NULL) || kdc_cursor_u8(&c, &version, NULL) ||
	    kdc_cursor_u8(&c, &flags, NULL) || kdc_cursor_u32(&c, &hdr_len, NULL) ||
	    kdc_cursor_u32(&c, &type_off, NULL))
		return false;
	return magic == KDC_BTF_MAGIC && hdr_len >= KDC_BTF_HEADER_LEN && hdr_len % 4 == 0 &&
	       type_off % 4 == 0;
}
