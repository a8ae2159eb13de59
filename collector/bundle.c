// SPDX-License-Identifier: GPL-2.0-or-later
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (64u << 10)
#define MANIFEST_MAX (256u << 10)
#define NAME_MAX_LEN 512

struct member {
	char rel[NAME_MAX_LEN];	/* path under the top directory */
	char hex[SHA256_DIGEST_SIZE * 2 + 1];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->rel, ((const struct member *)b)->rel);
}

/* Regular files under @dir and its immediate subdirectories. */
static enum kdc_status list_files(const char *dir, const char *sub, struct member *m,
				  unsigned int *nr, struct kdc_err *err)
{
	char path[NAME_MAX_LEN];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s%s", dir, sub ? "/" : "", sub ? sub : "");
	if (!(d = opendir(path)))
		return kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		char full[NAME_MAX_LEN * 2];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;	/* ".", "..", and unfinished ".tmp" files */
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode) && !sub) {
			enum kdc_status s = list_files(dir, e->d_name, m, nr, err);

			if (s) {
				closedir(d);
				return s;
			}
		} else if (S_ISREG(st.st_mode)) {
			if (*nr >= KDC_BUNDLE_MEMBERS_MAX) {
				closedir(d);
				return kdc_fail(err, KC_LIMIT, "more than %d files",
						KDC_BUNDLE_MEMBERS_MAX);
			}
			snprintf(m[*nr].rel, sizeof(m[0].rel), "%s%s%s", sub ? sub : "", sub ? "/" : "",
				 e->d_name);
			(*nr)++;
		}
	}
	closedir(d);
	return KC_OK;
}

static void to_hex(const uint8_t *d, char *hex)
{
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static enum kdc_status add_entry(struct archive *ar, const char *name, int64_t size,
				 struct kdc_err *err)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	if (!e)
		return kdc_fail(err, KC_NOMEM, "archive entry");
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, time(NULL), 0);
	r = archive_write_header(ar, e);
	archive_entry_free(e);
	return r == ARCHIVE_OK ? KC_OK
			       : kdc_fail(err, KC_IO, "%s: %s", name, archive_error_string(ar));
}

static enum kdc_status add_file(struct archive *ar, const char *top, const char *dir,
				struct member *m, struct kdc_err *err)
{
	char path[NAME_MAX_LEN * 2], name[NAME_MAX_LEN * 2];
	uint8_t *buf = malloc(CHUNK), digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx sha;
	enum kdc_status st;
	struct stat sb;
	int fd;

	if (!buf)
		return kdc_fail(err, KC_NOMEM, "bundle buffer");
	snprintf(path, sizeof(path), "%s/%s", dir, m->rel);
	snprintf(name, sizeof(name), "%s/%s", top, m->rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb)) {
		st = kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((st = add_entry(ar, name, sb.st_size, err)))
		goto out;
	sha256_init(&sha);
	for (off_t done = 0; done < sb.st_size;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n <= 0) {
			st = kdc_fail(err, KC_IO, "%s: %s", path, n ? strerror(errno) : "shrank");
			goto out;
		}
		sha256_update(&sha, (size_t)n, buf);
		if (archive_write_data(ar, buf, (size_t)n) != n) {
			st = kdc_fail(err, KC_IO, "%s: %s", name, archive_error_string(ar));
			goto out;
		}
		done += n;
	}
	sha256_digest(&sha, sizeof(digest), digest);
	to_hex(digest, m->hex);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return st;
}

enum kdc_status bundle_write(const char *path, const char *top, const char *dir,
			     const char *manifest_head, int threads, struct kdc_err *err)
{
	struct member *m = calloc(KDC_BUNDLE_MEMBERS_MAX, sizeof(*m));
	char tmp[NAME_MAX_LEN * 2], name[NAME_MAX_LEN * 2], opt[16];
	char *manifest = NULL;
	size_t mlen = 0;
	unsigned int nr = 0;
	struct archive *ar = NULL;
	enum kdc_status st;

	if (!m)
		return kdc_fail(err, KC_NOMEM, "bundle members");
	if ((st = list_files(dir, NULL, m, &nr, err)))
		goto out;
	qsort(m, nr, sizeof(*m), by_name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(ar = archive_write_new()) || archive_write_set_format_pax_restricted(ar) ||
	    archive_write_add_filter_zstd(ar)) {
		st = kdc_fail(err, KC_NOTSUP, "libarchive without zstd: %s",
			      ar ? archive_error_string(ar) : "out of memory");
		goto out;
	}
	/* multi-threaded compression pays only for big members (a full dump) */
	if (threads > 0) {
		snprintf(opt, sizeof(opt), "%d", threads);
		archive_write_set_filter_option(ar, "zstd", "threads", opt);
	}
	if (archive_write_open_filename(ar, tmp) != ARCHIVE_OK) {
		st = kdc_fail(err, KC_IO, "%s: %s", tmp, archive_error_string(ar));
		goto out;
	}
	for (unsigned int i = 0; i < nr; i++)
		if ((st = add_file(ar, top, dir, &m[i], err)))
			goto out_close;
	if (!(manifest = malloc(MANIFEST_MAX))) {
		st = kdc_fail(err, KC_NOMEM, "manifest");
		goto out_close;
	}
	mlen = (size_t)snprintf(manifest, MANIFEST_MAX, "%s", manifest_head);
	for (unsigned int i = 0; i < nr && mlen < MANIFEST_MAX; i++)
		mlen += (size_t)snprintf(manifest + mlen, MANIFEST_MAX - mlen, "sha256 %s  %s\n",
					 m[i].hex, m[i].rel);
	if (mlen >= MANIFEST_MAX) {
		st = kdc_fail(err, KC_LIMIT, "manifest over %u bytes", MANIFEST_MAX);
		goto out_close;
	}
	snprintf(name, sizeof(name), "%s/MANIFEST", top);
	if ((st = add_entry(ar, name, (int64_t)mlen, err)))
		goto out_close;
	if (archive_write_data(ar, manifest, mlen) != (ssize_t)mlen)
		st = kdc_fail(err, KC_IO, "MANIFEST: %s", archive_error_string(ar));
out_close:
	if (archive_write_close(ar) != ARCHIVE_OK && !st)
		st = kdc_fail(err, KC_IO, "%s: %s", tmp, archive_error_string(ar));
	if (!st && rename(tmp, path))
		st = kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
	if (st)
		unlink(tmp);
out:
	if (ar)
		archive_write_free(ar);
	free(manifest);
	free(m);
	return st;
}

/* The part of @name after the top directory. */
static const char *relative(const char *name)
{
	const char *slash = strchr(name, '/');

	return slash ? slash + 1 : name;
}

enum kdc_status bundle_show(const char *path, FILE *out, bool print_manifest,
			    struct bundle_check *chk, struct kdc_err *err)
{
	struct member *m = calloc(KDC_BUNDLE_MEMBERS_MAX, sizeof(*m));
	uint8_t *buf = malloc(CHUNK);
	char *manifest = NULL, *report = NULL;
	size_t mlen = 0, rlen = 0;
	unsigned int nr = 0;
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	enum kdc_status st = KC_OK;
	int r;

	memset(chk, 0, sizeof(*chk));
	if (!m || !buf || !ar) {
		st = kdc_fail(err, KC_NOMEM, "show");
		goto out;
	}
	archive_read_support_filter_all(ar);
	archive_read_support_format_tar(ar);
	if (archive_read_open_filename(ar, path, CHUNK) != ARCHIVE_OK) {
		st = kdc_fail(err, KC_IO, "%s: %s", path, archive_error_string(ar));
		goto out;
	}
	while ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		const char *rel = relative(archive_entry_pathname(e));
		bool is_manifest = !strcmp(rel, "MANIFEST"), is_report = !strcmp(rel, "report.txt");
		struct sha256_ctx sha;
		uint8_t digest[SHA256_DIGEST_SIZE];
		ssize_t n;

		if (nr >= KDC_BUNDLE_MEMBERS_MAX) {
			st = kdc_fail(err, KC_LIMIT, "more than %d members", KDC_BUNDLE_MEMBERS_MAX);
			goto out;
		}
		sha256_init(&sha);
		while ((n = archive_read_data(ar, buf, CHUNK)) > 0) {
			sha256_update(&sha, (size_t)n, buf);
			if (is_manifest || is_report) {
				char **dst = is_manifest ? &manifest : &report;
				size_t *len = is_manifest ? &mlen : &rlen;
				char *grown;

				if (*len + (size_t)n + 1 > MANIFEST_MAX * 16 ||
				    !(grown = realloc(*dst, *len + (size_t)n + 1))) {
					st = kdc_fail(err, KC_LIMIT, "%s too large", rel);
					goto out;
				}
				*dst = grown;
				memcpy(*dst + *len, buf, (size_t)n);
				*len += (size_t)n;
				(*dst)[*len] = '\0';
			}
		}
		if (n < 0) {
			st = kdc_fail(err, KC_CORRUPT, "%s: damaged in %s: %s", path, rel,
				      archive_error_string(ar));
			goto out;
		}
		chk->members++;
		if (is_manifest) {
			chk->have_manifest = true;
			continue;
		}
		sha256_digest(&sha, sizeof(digest), digest);
		snprintf(m[nr].rel, sizeof(m[0].rel), "%s", rel);
		to_hex(digest, m[nr].hex);
		nr++;
	}
	if (r != ARCHIVE_EOF) {
		st = kdc_fail(err, KC_CORRUPT, "%s: damaged archive: %s", path,
			      archive_error_string(ar));
		goto out;
	}
	if (!manifest) {
		st = kdc_fail(err, KC_CORRUPT, "%s: no MANIFEST (not a complete bundle)", path);
		goto out;
	}
	/* every member listed with its checksum, and every listed member present */
	for (unsigned int i = 0; i < nr; i++) {
		char line[NAME_MAX_LEN + 100];

		snprintf(line, sizeof(line), "sha256 %s  %s\n", m[i].hex, m[i].rel);
		if (strstr(manifest, line)) {
			chk->verified++;
		} else if (!chk->bad++) {
			snprintf(chk->first_bad, sizeof(chk->first_bad), "%s", m[i].rel);
		}
	}
	{
		unsigned int listed = 0;

		for (char *l = manifest; (l = strstr(l, "\nsha256 ")); l++)
			listed++;
		if (listed > nr && !chk->bad++)
			snprintf(chk->first_bad, sizeof(chk->first_bad), "(a listed member is missing)");
	}
	if (print_manifest)
		fputs(manifest, out);
	if (report)
		fputs(report, out);
	if (chk->bad)
		st = kdc_fail(err, KC_CORRUPT, "%s is damaged: %u of %u members fail their checksum "
			      "(first: %s)", path, chk->bad, nr, chk->first_bad);
out:
	if (ar)
		archive_read_free(ar);
	free(manifest);
	free(report);
	free(buf);
	free(m);
	return st;
}
