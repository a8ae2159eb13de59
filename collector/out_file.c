// SPDX-License-Identifier: GPL-2.0-or-later
#include "out_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COUNTER_MAX 1000

enum kdc_status out_file_create(struct out_file *o, const char *final, struct kdc_err *err)
{
	int fd = -1;

	memset(o, 0, sizeof(*o));
	if (!final || !*final)
		return kdc_fail(err, KC_INVAL, "no output file name");
	if ((size_t)snprintf(o->final, sizeof(o->final), "%s", final) >= sizeof(o->final))
		return kdc_fail(err, KC_INVAL, "%.64s...: path too long", final);
	/* mkstemp's name is unpredictable and opened O_EXCL; O_NOFOLLOW is
	 * implied by O_EXCL for the last component */
	if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", final) >= sizeof(o->tmp))
		return kdc_fail(err, KC_INVAL, "%.64s...: path too long", final);
	if ((fd = mkstemp(o->tmp)) < 0)
		return kdc_fail(err, KC_IO, "%s: %s", o->tmp, strerror(errno));
	if (fchmod(fd, 0600) || !(o->f = fdopen(fd, "wb"))) {
		int e = errno;

		close(fd);
		unlink(o->tmp);
		return kdc_fail(err, KC_IO, "%s: %s", o->tmp, strerror(e));
	}
	return KC_OK;
}

enum kdc_status out_path_check(int in_fd, const char *path, struct kdc_err *err)
{
	struct stat in, out;

	if (!path || !*path)
		return kdc_fail(err, KC_INVAL, "no output file name");
	if (stat(path, &out))
		return errno == ENOENT ? KC_OK
				       : kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
	if (!fstat(in_fd, &in) && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
		return kdc_fail(err, KC_INVAL, "%s is the input dump: refusing to write over it",
				path);
	return kdc_fail(err, KC_INVAL, "%s exists; not replaced", path);
}

void out_file_abort(struct out_file *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = '\0';
}

static void sync_dir(const char *path)
{
	char dir[4096];
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
}

enum kdc_status out_file_commit(struct out_file *o, const char *ext, struct kdc_err *err)
{
	size_t flen = strlen(o->final), elen = ext ? strlen(ext) : 0;
	char stem[4000];
	int e = 0;

	if (fflush(o->f) || fsync(fileno(o->f)))
		e = errno;
	if (fclose(o->f) && !e)
		e = errno;
	o->f = NULL;
	if (e) {
		/* ENOSPC, EIO, EDQUOT: said as what they are */
		kdc_fail(err, KC_IO, "%s: %s", o->tmp, strerror(e));
		out_file_abort(o);
		return KC_IO;
	}
	if (!ext || elen > flen || strcmp(o->final + flen - elen, ext))
		elen = 0;
	if (flen - elen >= sizeof(stem)) {
		kdc_fail(err, KC_INVAL, "%.64s...: path too long", o->final);
		out_file_abort(o);
		return KC_INVAL;
	}
	snprintf(stem, sizeof(stem), "%.*s", (int)(flen - elen), o->final);
	for (unsigned int n = 1; n <= COUNTER_MAX; n++) {
		if (n > 1)
			snprintf(o->final, sizeof(o->final), "%.3999s-%u%.32s", stem, n,
				 ext && elen ? ext : "");
		/* link() never replaces an existing name */
		if (!link(o->tmp, o->final)) {
			unlink(o->tmp);
			o->tmp[0] = '\0';
			sync_dir(o->final);
			return KC_OK;
		}
		if (errno != EEXIST || !ext)
			break;
	}
	e = errno;
	kdc_fail(err, KC_IO, "%s: %s", o->final,
		 e != EEXIST ? strerror(e)
		 : ext	     ? "every numbered name is taken"
			     : "exists; not replaced");
	out_file_abort(o);
	return KC_IO;
}
