// SPDX-License-Identifier: GPL-2.0-or-later
#include "sources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kdc_status read_whole_file(const char *path, size_t max, uint8_t **buf, size_t *len,
				struct kdc_err *err)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1u << 16;
			uint8_t *p;

			if (cap >= max + 1) {
				free(b);
				fclose(f);
				return kdc_fail(err, KC_LIMIT, "%s: larger than %zu bytes", path,
						max);
			}
			p = realloc(b, ncap);
			if (!p) {
				free(b);
				fclose(f);
				return kdc_fail(err, KC_NOMEM, "%s", path);
			}
			b = p;
			cap = ncap;
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f) || n > max) {
		int e = errno;

		free(b);
		fclose(f);
		return n > max ? kdc_fail(err, KC_LIMIT, "%s: larger than %zu bytes", path, max)
			       : kdc_fail(err, KC_IO, "%s: %s", path, strerror(e));
	}
	fclose(f);
	*buf = b;
	*len = n;
	return KC_OK;
}

enum kdc_status profile_file_load(const char *path, struct kdc_profile_file *out,
				  struct kdc_err *err)
{
	enum kdc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = read_whole_file(path, KDC_PROFILE_MAX, &out->buf, &out->len, err)))
		return kdc_err_prefix(err, st, "profile");
	if ((st = profile_parse(out->buf, out->len, &out->p, err))) {
		profile_file_fini(out);
		return kdc_err_prefix(err, st, "%s", path);
	}
	return KC_OK;
}

void profile_file_fini(struct kdc_profile_file *pf)
{
	free(pf->buf);
	memset(pf, 0, sizeof(*pf));
}
