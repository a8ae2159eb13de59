// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output files that hold kernel memory: created exclusively (never through
 * a planted symlink, never over another file), mode 0600, written under a
 * temporary name in the target directory and put in place only when
 * complete and on disk. A crash bundle or dump is written once and must not
 * replace anything: an existing final name gets a counter instead.
 */
#ifndef KDC_OUT_FILE_H
#define KDC_OUT_FILE_H

#include <stdio.h>

#include "err.h"

struct out_file {
	FILE *f;	  /* owned until out_file_commit()/out_file_abort() */
	char tmp[4096];	  /* its temporary name */
	char final[4096]; /* the name it gets (a counter may be added) */
};

/**
 * out_file_create() - open a new temporary file beside @final (O_EXCL,
 * O_NOFOLLOW, 0600)
 */
enum kdc_status out_file_create(struct out_file *o, const char *final, struct kdc_err *err);

/**
 * out_file_commit() - flush, fsync, close, link to @o->final or, when that
 * name exists, to "<stem>-N<ext>" (@ext: the suffix to keep, e.g.
 * ".tar.zst"; NULL: an existing name is an error instead), then remove the
 * temporary name and fsync the directory. @o->final holds the name used.
 * On failure the temporary file is removed.
 */
enum kdc_status out_file_commit(struct out_file *o, const char *ext, struct kdc_err *err);

/**
 * out_path_check() - refuse @path as the output of a copy of the open file
 * @in_fd before anything is written: when it is that file (same device and
 * inode, whatever the name) or exists at all
 */
enum kdc_status out_path_check(int in_fd, const char *path, struct kdc_err *err);

/** out_file_abort() - close and remove the temporary file */
void out_file_abort(struct out_file *o);

#endif
