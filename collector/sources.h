// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where symbols and types may come from besides the dump itself, as the
 * user gave them on the command line, and the profile file once read.
 */
#ifndef KDC_SOURCES_H
#define KDC_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "profile.h"

struct kdc_sources {
	const char *vmlinux;	  /* --vmlinux: ELF with .symtab (and .BTF) */
	const char *system_map;	  /* --system-map */
	const char *profile;	  /* --profile: written by `kdump-collect profile` */
	bool ignore_dump_symbols; /* --no-dump-symbols: as if VMCOREINFO had no kallsyms */
	bool ignore_dump_types;	  /* --no-dump-types: as if the kernel had no BTF */
	const char *patterns;	  /* --patterns: known-pattern file (collector/patterns.conf) */
};

struct kdc_profile_file {
	uint8_t *buf; /* owned */
	size_t len;
	struct kdc_profile p; /* points into buf */
};

/** read_whole_file() - @path into a new buffer (free()), at most @max bytes */
enum kdc_status read_whole_file(const char *path, size_t max, uint8_t **buf, size_t *len,
				struct kdc_err *err);

/** profile_file_load() - read and parse @path; release with profile_file_fini() */
enum kdc_status profile_file_load(const char *path, struct kdc_profile_file *out,
				  struct kdc_err *err);
void profile_file_fini(struct kdc_profile_file *pf);

#endif
