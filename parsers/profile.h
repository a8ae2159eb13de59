// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The profile `kdump-collect profile` writes on the live system, for dumps
 * of kernels that carry no kallsyms in VMCOREINFO (before 6.0) or no BTF:
 *
 *   KDC-PROFILE 1
 *   release 6.1.0-50-arm64
 *   build-id 338d2020...          (optional: GNU build ID of the kernel)
 *   base _stext                   (map addresses are offsets from it)
 *   section kallsyms <bytes>      (then exactly <bytes> bytes and "\n")
 *   section btf <bytes>           (raw /sys/kernel/btf/vmlinux)
 *   section system.map <bytes>    (the distribution's System.map, if full)
 *   end
 *
 * Map offsets are 64-bit two's complement (symbols before _stext, such as
 * _text, wrap), so adding the dump's runtime _stext gives runtime
 * addresses whatever the KASLR offset. Text lines are ASCII; sections are
 * length-prefixed so binary BTF needs no escaping. Unknown header keys and
 * sections are skipped, so later versions can add to it.
 */
#ifndef KDC_PROFILE_H
#define KDC_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KDC_PROFILE_MAGIC "KDC-PROFILE 1"
#define KDC_PROFILE_MAX (128u << 20)

struct kdc_profile {
	char release[65];
	char build_id[129]; /* hex, "" when absent */
	char base[64];	    /* the symbol map offsets are relative to */
	/* borrowed from the parsed buffer; NULL/0 when absent */
	const char *kallsyms;
	size_t kallsyms_len;
	const uint8_t *btf;
	size_t btf_len;
	const char *system_map;
	size_t system_map_len;
};

/**
 * profile_parse() - parse a profile held in @buf (@len bytes, kept alive by
 * the caller for as long as @out is used)
 * Return: KC_OK; KC_CORRUPT naming the line or section that is wrong.
 */
enum kdc_status profile_parse(const uint8_t *buf, size_t len, struct kdc_profile *out,
			      struct kdc_err *err);

#endif
