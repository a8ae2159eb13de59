// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Strings from the dump (host name, kernel release, task names) reach file
 * names and terminals. The dump is untrusted: these are the only two ways
 * such a string is let out.
 */
#ifndef KDC_NAME_SAFE_H
#define KDC_NAME_SAFE_H

#include <stddef.h>
#include <stdio.h>

#define KDC_NAME_COMPONENT_MAX 64 /* bytes, without the NUL */

/**
 * name_component() - @in as one file-name component in @out (@len >= 2):
 * only [A-Za-z0-9._+-], every other byte '_'; at most
 * KDC_NAME_COMPONENT_MAX bytes; never empty, ".", ".." or starting with '.'
 * or '-' (those become '_'); @fallback when @in is NULL or empty
 */
void name_component(const char *in, const char *fallback, char *out, size_t len);

/**
 * fputs_terminal() - write @s to @f with control bytes and bytes >= 0x7f
 * escaped as \xNN (and '\' as "\\"), so text from the dump cannot move
 * the cursor, retitle the terminal or forge lines; '\n' and '\t' pass
 */
void fputs_terminal(const char *s, FILE *f);

/**
 * terminal_safe_stream() - a stream that writes to @dst through
 * fwrite_terminal(): every text writer prints through one (reports, dmesg,
 * symbol lists), so no writer can forget; fclose() it to flush (@dst stays
 * open). NULL when it cannot be made: then write to @dst (callers fall back).
 */
FILE *terminal_safe_stream(FILE *dst);

/**
 * terminal_safe_file() - the same over a file it owns: fclose() of the
 * result closes @dst; @dst itself when no wrapper can be made (or NULL)
 */
FILE *terminal_safe_file(FILE *dst);

/** fwrite_terminal() - fputs_terminal() of @len bytes (a NUL is escaped too) */
void fwrite_terminal(const char *s, size_t len, FILE *f);

#endif
