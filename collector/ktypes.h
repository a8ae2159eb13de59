// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel struct layouts and per-CPU variable offsets, from the vmlinux BTF
 * the crashed kernel carries in its own memory (CONFIG_DEBUG_INFO_BTF, on in
 * Debian 5.10+ kernels). libbpf parses it; this file finds it and answers
 * "where is member X of struct Y" so no analysis hard-codes an offset.
 */
#ifndef KDC_KTYPES_H
#define KDC_KTYPES_H

#include <stddef.h>
#include <stdint.h>

#include "dump.h"
#include "err.h"
#include "sources.h"
#include "symbols.h"

struct btf;

struct kdc_ktypes {
	const char *source; /* "btf (dump)", "btf (profile)", "btf (vmlinux)"; static */
	uint64_t btf_addr;  /* where the blob was found in the dump */
	uint32_t btf_size;
	struct btf *btf;	  /* owned (libbpf) */
	struct ktypes_memo *memo; /* owned: names already looked up; NULL: none kept */
};

/**
 * ktypes_load() - find and parse the kernel's BTF: in the dump (scanning
 * the read-only data from _etext for a BTF header, at most 64 MiB;
 * __start_BTF when the symbols have it), else the profile's, else the
 * .BTF section of a --vmlinux whose symbols were used
 * @err: why none worked (@err is the last source's error)
 * Return: KC_OK; KC_NODATA when there is none; KC_CORRUPT when libbpf
 * rejects a blob; read errors.
 */
enum kdc_status ktypes_load(struct kdc_dump *dump, const struct kdc_symbols *syms,
			    const struct kdc_sources *src, const struct kdc_profile *profile,
			    struct kdc_ktypes *out, struct kdc_err *err);

void ktypes_fini(struct kdc_ktypes *t);

/**
 * ktypes_member() - byte offset of @path ("thread.cpu_context.fp") in
 * struct or union @type; members of anonymous structs and unions are found
 * as the C compiler finds them
 * @size: the member's size, may be NULL
 * Return: KC_OK; KC_NODATA when the type or a member is absent (an older or
 * differently configured kernel); KC_NOTSUP for bitfields.
 */
enum kdc_status ktypes_member(const struct kdc_ktypes *t, const char *type, const char *path,
			      uint64_t *offset, uint64_t *size, struct kdc_err *err);

/**
 * ktypes_member_any() - ktypes_member() of the first of @paths (NULL-terminated,
 * newest layout first) that @type has: a member renamed or moved across
 * kernel versions; @err names the newest when none is there
 */
enum kdc_status ktypes_member_any(const struct kdc_ktypes *t, const char *type,
				  const char *const *paths, uint64_t *offset, uint64_t *size,
				  struct kdc_err *err);

/* KTYPES_PATHS("regs.pc", "gp_regs.regs.pc"): the NULL-terminated list it takes */
#define KTYPES_PATHS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * A layout table: the members one analysis reads, resolved in one call at
 * load instead of a chain of ktypes_member() calls. Each row names the
 * struct, the member's paths newest first (renames and moves across
 * versions), where in the caller's layout struct its offset (and size)
 * go, and whether it is optional; @history cites the kernel commit that
 * introduced, moved or renamed it (NULL: unchanged since 4.18).
 * Tables live at file scope (KTYPES_PATHS is a compound literal).
 */
#define KTYPES_NONE SIZE_MAX

struct ktypes_field {
	const char *type;
	const char *const *paths;
	size_t offset_at; /* offsetof() the layout's uint64_t offset */
	size_t size_at;	  /* offsetof() its uint64_t size, or KTYPES_NONE */
	size_t have_at;	  /* offsetof() the bool set when found, KTYPES_NONE: required */
	const char *history;
};

/*
 * Rows: KTYPES_REQUIRED(struct my_layout, esr, "kvm_vcpu", HISTORY, "arch.fault.esr_el2")
 * puts the offset in my_layout.esr; _SIZED also the size; KTYPES_OPTIONAL
 * sets my_layout.HAVE (_OPTIONAL_SIZED both). HISTORY is the commit citation
 * or NULL.
 */
#define KTYPES_REQUIRED(L, off, type, history, ...)                                                \
	{                                                                                          \
		type, KTYPES_PATHS(__VA_ARGS__), offsetof(L, off), KTYPES_NONE, KTYPES_NONE,       \
			history                                                                    \
	}
#define KTYPES_REQUIRED_SIZED(L, off, size, type, history, ...)                                    \
	{                                                                                          \
		type, KTYPES_PATHS(__VA_ARGS__), offsetof(L, off), offsetof(L, size), KTYPES_NONE, \
			history                                                                    \
	}
#define KTYPES_OPTIONAL_SIZED(L, off, size, have, type, history, ...)                              \
	{                                                                                          \
		type, KTYPES_PATHS(__VA_ARGS__), offsetof(L, off), offsetof(L, size),              \
			offsetof(L, have), history                                                 \
	}
#define KTYPES_OPTIONAL(L, off, have, type, history, ...)                                          \
	{                                                                                          \
		type, KTYPES_PATHS(__VA_ARGS__), offsetof(L, off), KTYPES_NONE, offsetof(L, have), \
			history                                                                    \
	}

/**
 * ktypes_resolve() - fill @layout from the @n rows of @table
 * Every optional row's bool says whether it was found; a missing required
 * row stops the table.
 * Return: KC_OK; the first missing required member's status, @err naming
 * the struct and member (the newest name).
 */
enum kdc_status ktypes_resolve(const struct ktypes_field *table, size_t n,
			       const struct kdc_ktypes *t, void *layout, struct kdc_err *err);

/** ktypes_has_member() - whether ktypes_member() would succeed */
int ktypes_has_member(const struct kdc_ktypes *t, const char *type, const char *path);

/** ktypes_size() - sizeof(struct/union @type) */
enum kdc_status ktypes_size(const struct kdc_ktypes *t, const char *type, uint64_t *size,
			    struct kdc_err *err);

/**
 * ktypes_percpu_var() - offset of a static per-CPU variable from
 * __per_cpu_start, and its size (BTF DATASEC ".data..percpu")
 */
enum kdc_status ktypes_percpu_var(const struct kdc_ktypes *t, const char *name, uint64_t *offset,
				  uint64_t *size, struct kdc_err *err);

/** ktypes_datasec_size() - the size of BTF DATASEC @name (".data..percpu") */
enum kdc_status ktypes_datasec_size(const struct kdc_ktypes *t, const char *name, uint64_t *size,
				    struct kdc_err *err);

/** ktypes_enum_value() - the value of enumerator @name of enum @type */
enum kdc_status ktypes_enum_value(const struct kdc_ktypes *t, const char *type, const char *name,
				  int64_t *value, struct kdc_err *err);

#endif
