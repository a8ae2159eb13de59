// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recognising a raw BTF blob (include/uapi/linux/btf.h struct btf_header)
 * in kernel memory. The kernel keeps vmlinux BTF between __start_BTF and
 * __stop_BTF in its read-only data (include/asm-generic/vmlinux.lds.h, 5.2+),
 * but those are data symbols, absent from kallsyms without KALLSYMS_ALL
 * (Debian 6.1). So the collector scans the image for a header and asks this
 * decoder whether a candidate is plausible; libbpf does the real parsing.
 */
#ifndef KDC_BTF_HEADER_H
#define KDC_BTF_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KDC_BTF_MAGIC 0xeb9f
#define KDC_BTF_HEADER_LEN 24
/* Distribution vmlinux BTF is 4-6 MiB; a blob claiming more is not BTF. */
#define KDC_BTF_SIZE_MAX (64u << 20)
/* Module BTF and stray byte patterns are small; vmlinux type data is MiBs. */
#define KDC_BTF_VMLINUX_TYPES_MIN (256u << 10)

struct kdc_btf_header {
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint32_t total_len; /* hdr_len + the larger section end */
};

/**
 * btf_header_parse() - whether @p (little-endian, @avail bytes) starts a
 * vmlinux-sized BTF blob
 * @out: the header, when it does
 * Return: true for version 1, flags 0, header length 24, type section first
 * and string section right after it, sizes within KDC_BTF_SIZE_MAX, and type
 * data of at least KDC_BTF_VMLINUX_TYPES_MIN.
 */
bool btf_header_parse(const uint8_t *p, size_t avail, struct kdc_btf_header *out);

/**
 * btf_layout_aligned() - whether the type section of the BTF blob at @p
 * starts 4-byte aligned (header length and type offset multiples of 4).
 * libbpf 1.1 accepts blobs that are not, and then hands out misaligned
 * struct btf_type pointers; every blob is checked with this before use.
 */
bool btf_layout_aligned(const uint8_t *p, size_t avail);

#endif
