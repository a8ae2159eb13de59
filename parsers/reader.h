// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How memory decoders (kallsyms, printk, ...) read the crashed kernel's
 * memory without knowing where it comes from: the collector implements this
 * over libkdumpfile, unit tests over a byte array.
 */
#ifndef KDC_READER_H
#define KDC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct kdc_reader {
	/* Read exactly @len bytes at kernel virtual address @vaddr, or fail
	 * with KC_NODATA (not in the dump), KC_IO or KC_CORRUPT. */
	enum kdc_status (*read)(void *ctx, uint64_t vaddr, void *buf, size_t len,
				struct kdc_err *err);
	void *ctx;
	bool big_endian;
};

#endif
