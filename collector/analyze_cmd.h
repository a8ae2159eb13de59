// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kdump-collect analyze`: the report (text or JSON) of one dump, and its
 * two side views, the symbol table in use and raw words at an address. The
 * writers are report_text.c and report_json.c.
 */
#ifndef KDC_ANALYZE_CMD_H
#define KDC_ANALYZE_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "dump.h"
#include "sources.h"

struct analyze_result {
	unsigned int nr_notes;
	unsigned int nr_prstatus;
	unsigned int nr_problems; /* things that could not be read: a partial report */
};

/**
 * analyze_report() - write the report for @dump to @out
 * @src: symbol and type sources besides the dump, may be NULL
 * @json: JSON (schema kdump-collector.report/1) instead of text
 * @res: counts, for the exit code
 */
void analyze_report(struct kdc_dump *dump, const struct kdc_sources *src, bool json, FILE *out,
		    struct analyze_result *res);

/**
 * analyze_list_symbols() - print the dump's symbol table as /proc/kallsyms does
 * ("address type name" in address order)
 * Return: KC_OK, or why no table could be read.
 */
enum kdc_status analyze_list_symbols(struct kdc_dump *dump, const struct kdc_sources *src,
				     FILE *out, struct kdc_err *err);

/**
 * analyze_read_words() - print memory at "ADDR[,LEN]" (hex address, length
 * in bytes, at most 64 KiB) as 64-bit words, symbolizing code addresses
 * (with PAC bits stripped), as crash's `rd -s` does
 * Return: KC_OK; KC_INVAL for a malformed @spec; read errors (what was read
 * before the failure is printed).
 */
enum kdc_status analyze_read_words(struct kdc_dump *dump, const struct kdc_sources *src,
				   const char *spec, FILE *out, struct kdc_err *err);

#endif
