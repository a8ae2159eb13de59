// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bundle is a ustar archive (parsers/tar_header.c) compressed as one
 * zstd frame with content checksums (libzstd streaming, multi-threaded
 * when asked). Members are streamed from disk in 64 KiB chunks, so memory
 * does not grow with their size.
 */
#include "bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "name_safe.h"
#include "out_file.h"
#include "tar_header.h"

#define CHUNK (64u << 10)
#define MANIFEST_MAX (256u << 10)
#define CAPTURE_MAX (16u << 20) /* report.txt and MANIFEST are held for printing */
#define NAME_MAX_LEN 512
#define ZSTD_LEVEL 1
/* XXH3-128, hex in its canonical (big-endian) form, as xxh128sum prints it */
#define DIGEST_HEX_LEN (2 * sizeof(XXH128_canonical_t))
#define DIGEST_TAG "xxh128"

struct member {
	char rel[NAME_MAX_LEN]; /* path under the top directory */
	char hex[DIGEST_HEX_LEN + 1];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->rel, ((const struct member *)b)->rel);
}

/* Regular files under @dir and its immediate subdirectories; dot files
 * (unfinished ".tmp" files, the step log) are not members. */
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
			continue;
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
			snprintf(m[*nr].rel, sizeof(m[0].rel), "%s%s%s", sub ? sub : "",
				 sub ? "/" : "", e->d_name);
			(*nr)++;
		}
	}
	closedir(d);
	return KC_OK;
}

static void digest_hex(XXH3_state_t *state, char *hex)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(state));
	for (size_t i = 0; i < sizeof(c.digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", c.digest[i]);
}

/* ---- writing ---- */

struct zout {
	FILE *f;
	ZSTD_CCtx *cctx;
	XXH3_state_t *digest; /* of the member being added */
	uint8_t buf[CHUNK];
};

static enum kdc_status zout_put(struct zout *z, const void *data, size_t len,
				ZSTD_EndDirective mode, struct kdc_err *err)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { z->buf, sizeof(z->buf), 0 };

		left = ZSTD_compressStream2(z->cctx, &out, &in, mode);
		if (ZSTD_isError(left))
			return kdc_fail(err, KC_IO, "zstd: %s", ZSTD_getErrorName(left));
		if (out.pos && fwrite(z->buf, 1, out.pos, z->f) != out.pos)
			return kdc_fail(err, KC_IO, "writing the bundle: %s", strerror(errno));
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return KC_OK;
}

static enum kdc_status add_entry(struct zout *z, const char *name, uint64_t size,
				 struct kdc_err *err)
{
	struct kdc_tar_entry e = {
		.size = size, .mtime = (uint64_t)time(NULL), .mode = 0600, .type = '0'
	};
	uint8_t block[KDC_TAR_BLOCK];
	enum kdc_status st;

	snprintf(e.name, sizeof(e.name), "%s", name);
	if ((st = tar_header_encode(&e, block, err)))
		return st;
	return zout_put(z, block, sizeof(block), ZSTD_e_continue, err);
}

static enum kdc_status add_padding(struct zout *z, uint64_t size, struct kdc_err *err)
{
	static const uint8_t zeros[KDC_TAR_BLOCK];

	return zout_put(z, zeros, tar_padding(size), ZSTD_e_continue, err);
}

static enum kdc_status add_file(struct zout *z, const char *top, const char *dir, struct member *m,
				uint8_t *buf, struct kdc_err *err)
{
	char path[NAME_MAX_LEN * 2], name[NAME_MAX_LEN * 2];
	enum kdc_status st;
	struct stat sb;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, m->rel);
	snprintf(name, sizeof(name), "%s/%s", top, m->rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb)) {
		st = kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((st = add_entry(z, name, (uint64_t)sb.st_size, err)))
		goto out;
	XXH3_128bits_reset(z->digest);
	for (off_t done = 0; done < sb.st_size;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n <= 0 || n > sb.st_size - done) {
			st = kdc_fail(err, KC_IO, "%s: %s", path,
				      n < 0 ? strerror(errno) : "changed while bundled");
			goto out;
		}
		XXH3_128bits_update(z->digest, buf, (size_t)n);
		if ((st = zout_put(z, buf, (size_t)n, ZSTD_e_continue, err)))
			goto out;
		done += n;
	}
	if ((st = add_padding(z, (uint64_t)sb.st_size, err)))
		goto out;
	digest_hex(z->digest, m->hex);
out:
	if (fd >= 0)
		close(fd);
	return st;
}

static enum kdc_status write_archive(struct zout *z, const char *top, const char *dir,
				     struct member *m, unsigned int nr, const char *head,
				     struct kdc_err *err)
{
	static const uint8_t end[2 * KDC_TAR_BLOCK];
	uint8_t *buf = malloc(CHUNK);
	char *manifest = malloc(MANIFEST_MAX), name[NAME_MAX_LEN * 2];
	struct timespec t0, t1;
	size_t mlen;
	enum kdc_status st = KC_OK;

	if (!buf || !manifest) {
		st = kdc_fail(err, KC_NOMEM, "bundle buffers");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; i < nr && !st; i++)
		st = add_file(z, top, dir, &m[i], buf, err);
	if (st)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	mlen = (size_t)snprintf(manifest, MANIFEST_MAX, "%s", head);
	/* the archive step itself, up to this MANIFEST: it is written last,
	 * so its own bytes and zstd's final flush are what it cannot time */
	mlen += (size_t)snprintf(
		manifest + mlen, MANIFEST_MAX - mlen,
		"step archive %.3fs ok (%u members compressed and hashed)\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, nr);
	for (unsigned int i = 0; i < nr && mlen < MANIFEST_MAX; i++)
		mlen += (size_t)snprintf(manifest + mlen, MANIFEST_MAX - mlen,
					 DIGEST_TAG " %s  %s\n", m[i].hex, m[i].rel);
	if (mlen >= MANIFEST_MAX) {
		st = kdc_fail(err, KC_LIMIT, "MANIFEST over %u bytes", MANIFEST_MAX);
		goto out;
	}
	snprintf(name, sizeof(name), "%s/MANIFEST", top);
	if ((st = add_entry(z, name, mlen, err)) ||
	    (st = zout_put(z, manifest, mlen, ZSTD_e_continue, err)) ||
	    (st = add_padding(z, mlen, err)) ||
	    (st = zout_put(z, end, sizeof(end), ZSTD_e_end, err)))
		goto out;
out:
	free(buf);
	free(manifest);
	return st;
}

enum kdc_status bundle_write(char *path, size_t path_len, const char *top, const char *dir,
			     const char *manifest_head, int threads, struct kdc_err *err)
{
	struct member *m = calloc(KDC_BUNDLE_MEMBERS_MAX, sizeof(*m));
	struct zout *z = calloc(1, sizeof(*z));
	struct out_file of;
	unsigned int nr = 0;
	enum kdc_status st;

	if (!m || !z || !(z->cctx = ZSTD_createCCtx()) || !(z->digest = XXH3_createState())) {
		st = kdc_fail(err, KC_NOMEM, "bundle");
		goto out;
	}
	if ((st = list_files(dir, NULL, m, &nr, err)))
		goto out;
	if (nr)
		qsort(m, nr, sizeof(*m), by_name);
	ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	/* a flipped byte in the file then fails decompression, not just a member */
	ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1);
	/* worker threads pay only for large members; the libzstd build may lack them */
	if (threads > 0)
		ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_nbWorkers, threads);
	if ((st = out_file_create(&of, path, err)))
		goto out;
	z->f = of.f;
	if ((st = write_archive(z, top, dir, m, nr, manifest_head, err))) {
		out_file_abort(&of);
		goto out;
	}
	if (!(st = out_file_commit(&of, ".tar.zst", err)))
		snprintf(path, path_len, "%s", of.final);
out:
	if (z) {
		ZSTD_freeCCtx(z->cctx);
		XXH3_freeState(z->digest);
	}
	free(z);
	free(m);
	return st;
}

/* ---- reading ---- */

struct zin {
	FILE *f;
	ZSTD_DCtx *dctx;
	XXH3_state_t *digest; /* of the member being read */
	uint8_t in[CHUNK];
	ZSTD_inBuffer ib;
	bool eof;
};

/* Exactly @len decompressed bytes, or an error naming the damage. */
static enum kdc_status zin_get(struct zin *z, uint8_t *dst, size_t len, struct kdc_err *err)
{
	ZSTD_outBuffer ob = { dst, len, 0 };

	while (ob.pos < ob.size) {
		size_t r;

		if (z->ib.pos == z->ib.size) {
			size_t n = fread(z->in, 1, sizeof(z->in), z->f);

			if (n == 0)
				return kdc_fail(err, KC_CORRUPT, "damaged: the archive ends early");
			z->ib = (ZSTD_inBuffer){ z->in, n, 0 };
		}
		r = ZSTD_decompressStream(z->dctx, &ob, &z->ib);
		if (ZSTD_isError(r))
			return kdc_fail(err, KC_CORRUPT, "damaged: zstd: %s", ZSTD_getErrorName(r));
	}
	return KC_OK;
}

/* The part of @name after the top directory. */
static const char *relative(const char *name)
{
	const char *slash = strchr(name, '/');

	return slash ? slash + 1 : name;
}

static enum kdc_status read_member(struct zin *z, const struct kdc_tar_entry *e, uint8_t *buf,
				   char *hex, char **capture, size_t *cap_len, struct kdc_err *err)
{
	enum kdc_status st;

	if (capture) {
		if (e->size > CAPTURE_MAX || !(*capture = malloc(e->size + 1)))
			return kdc_fail(err, KC_LIMIT, "%s: %llu bytes", e->name,
					(unsigned long long)e->size);
		*cap_len = e->size;
		(*capture)[e->size] = '\0';
	}
	XXH3_128bits_reset(z->digest);
	for (uint64_t done = 0; done < e->size;) {
		size_t n = e->size - done < CHUNK ? (size_t)(e->size - done) : CHUNK;

		if ((st = zin_get(z, buf, n, err)))
			return kdc_err_prefix(err, st, "%s", e->name);
		XXH3_128bits_update(z->digest, buf, n);
		if (capture)
			memcpy(*capture + done, buf, n);
		done += n;
	}
	if ((st = zin_get(z, buf, tar_padding(e->size), err)))
		return st;
	digest_hex(z->digest, hex);
	return KC_OK;
}

/* relative, no "." or ".." component, no empty one */
static bool safe_member_name(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

static void verify(const char *manifest, const struct member *m, unsigned int nr,
		   struct bundle_check *chk)
{
	unsigned int listed = 0;

	for (unsigned int i = 0; i < nr; i++) {
		char line[NAME_MAX_LEN + 100];

		snprintf(line, sizeof(line), DIGEST_TAG " %s  %s\n", m[i].hex, m[i].rel);
		/* a name that would leave the bundle's directory when unpacked
		 * is never "verified", listed or not */
		if (!safe_member_name(m[i].rel)) {
			if (!chk->bad++)
				snprintf(chk->first_bad, sizeof(chk->first_bad),
					 "unsafe name %.200s", m[i].rel);
		} else if (strstr(manifest, line))
			chk->verified++;
		else if (!chk->bad++)
			snprintf(chk->first_bad, sizeof(chk->first_bad), "%s", m[i].rel);
	}
	for (const char *l = manifest; (l = strstr(l, "\n" DIGEST_TAG " ")); l++)
		listed++;
	if (listed > nr && !chk->bad++)
		snprintf(chk->first_bad, sizeof(chk->first_bad), "(a listed member is missing)");
}

enum kdc_status bundle_show(const char *path, FILE *out, bool print_manifest,
			    struct bundle_check *chk, struct kdc_err *err)
{
	struct member *m = calloc(KDC_BUNDLE_MEMBERS_MAX, sizeof(*m));
	struct zin *z = calloc(1, sizeof(*z));
	uint8_t *buf = malloc(CHUNK), block[KDC_TAR_BLOCK];
	char *manifest = NULL, *report = NULL;
	size_t mlen = 0, rlen = 0;
	unsigned int nr = 0;
	bool other_format;
	enum kdc_status st = KC_OK;

	memset(chk, 0, sizeof(*chk));
	if (!m || !z || !buf || !(z->dctx = ZSTD_createDCtx()) ||
	    !(z->digest = XXH3_createState())) {
		st = kdc_fail(err, KC_NOMEM, "show");
		goto out;
	}
	if (!(z->f = fopen(path, "rb"))) {
		st = kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		struct kdc_tar_entry e;
		const char *rel;
		bool end, is_manifest;

		if ((st = zin_get(z, block, sizeof(block), err)) ||
		    (st = tar_header_decode(block, &e, &end, err))) {
			kdc_err_prefix(err, st, "%s: damaged archive", path);
			goto out;
		}
		if (end)
			break;
		if (nr >= KDC_BUNDLE_MEMBERS_MAX) {
			st = kdc_fail(err, KC_LIMIT, "more than %d members",
				      KDC_BUNDLE_MEMBERS_MAX);
			goto out;
		}
		/* the whole name is judged: "../x" has a harmless-looking rest */
		rel = safe_member_name(e.name) ? relative(e.name) : e.name;
		is_manifest = !strcmp(rel, "MANIFEST");
		snprintf(m[nr].rel, sizeof(m[0].rel), "%s", rel);
		st = read_member(z, &e, buf, m[nr].hex,
				 is_manifest && !manifest		 ? &manifest
				 : !strcmp(rel, "report.txt") && !report ? &report
									 : NULL,
				 is_manifest ? &mlen : &rlen, err);
		if (st) {
			kdc_err_prefix(err, st, "%s", path);
			goto out;
		}
		chk->members++;
		if (is_manifest)
			chk->have_manifest = true;
		else
			nr++;
	}
	if (!manifest) {
		st = kdc_fail(err, KC_CORRUPT, "%s: no MANIFEST (not a complete bundle)", path);
		goto out;
	}
	/* a bundle of another format lists other digests: not damage */
	other_format = strncmp(manifest, KDC_BUNDLE_MAGIC "\n", sizeof(KDC_BUNDLE_MAGIC)) != 0;
	if (!other_format)
		verify(manifest, m, nr, chk);
	/* the bundle's text holds the dump's strings: shown escaped */
	if (print_manifest)
		fwrite_terminal(manifest, mlen, out);
	if (report)
		fwrite_terminal(report, rlen, out);
	if (!report)
		st = kdc_fail(err, KC_CORRUPT,
			      "%s has no report.txt: the analysis did not run (its "
			      "MANIFEST says why: show --manifest)",
			      path);
	else if (other_format)
		st = kdc_fail(err, KC_NOTSUP,
			      "%s: its MANIFEST does not start \"" KDC_BUNDLE_MAGIC "\": made "
			      "by another collector version, members not checked",
			      path);
	else if (chk->bad)
		st = kdc_fail(err, KC_CORRUPT,
			      "%s is damaged: %u of %u members fail their checksum "
			      "(first: %s)",
			      path, chk->bad, nr, chk->first_bad);
out:
	if (z) {
		if (z->f)
			fclose(z->f);
		ZSTD_freeDCtx(z->dctx);
		XXH3_freeState(z->digest);
	}
	free(z);
	free(manifest);
	free(report);
	free(buf);
	free(m);
	return st;
}
