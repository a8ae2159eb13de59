// SPDX-License-Identifier: GPL-2.0-or-later
#include "tar_header.h"

#include <stdio.h>
#include <string.h>

/* ustar field offsets and lengths */
#define NAME 0
#define NAME_LEN 100
#define MODE 100
#define UID 108
#define GID 116
#define SIZE 124
#define MTIME 136
#define CHKSUM 148
#define TYPEFLAG 156
#define MAGIC 257
#define VERSION 263
#define PREFIX 345
#define PREFIX_LEN 155

static void octal(uint8_t *dst, size_t len, uint64_t v)
{
	/* len - 1 digits, then NUL */
	snprintf((char *)dst, len, "%0*llo", (int)(len - 1), (unsigned long long)v);
}

static unsigned int checksum(const uint8_t *b)
{
	unsigned int sum = 0;

	for (size_t i = 0; i < KDC_TAR_BLOCK; i++)
		sum += (i >= CHKSUM && i < CHKSUM + 8) ? ' ' : b[i];
	return sum;
}

enum kdc_status tar_header_encode(const struct kdc_tar_entry *e, uint8_t b[KDC_TAR_BLOCK],
				  struct kdc_err *err)
{
	size_t len = strlen(e->name), split = 0;

	if (e->size > KDC_TAR_SIZE_MAX)
		return kdc_fail(err, KC_LIMIT, "tar: %s is too large for ustar", e->name);
	memset(b, 0, KDC_TAR_BLOCK);
	if (len > NAME_LEN) {
		/* the last slash that leaves <= 100 bytes of name and <= 155 of prefix */
		for (size_t i = len - NAME_LEN - 1; i < len && i <= PREFIX_LEN; i++)
			if (e->name[i] == '/') {
				split = i;
				break;
			}
		if (!split)
			return kdc_fail(err, KC_LIMIT, "tar: name too long for ustar: %s", e->name);
		memcpy(b + PREFIX, e->name, split);
		memcpy(b + NAME, e->name + split + 1, len - split - 1);
	} else {
		memcpy(b + NAME, e->name, len);
	}
	octal(b + MODE, 8, e->mode & 07777);
	octal(b + UID, 8, 0);
	octal(b + GID, 8, 0);
	octal(b + SIZE, 12, e->size);
	octal(b + MTIME, 12, e->mtime);
	b[TYPEFLAG] = (uint8_t)e->type;
	memcpy(b + MAGIC, "ustar", 6);
	memcpy(b + VERSION, "00", 2);
	snprintf((char *)b + CHKSUM, 8, "%06o", checksum(b)); /* 6 digits, NUL, space */
	b[CHKSUM + 7] = ' ';
	return KC_OK;
}

/* An octal field, space- or NUL-terminated, leading spaces allowed. */
static bool parse_octal(const uint8_t *f, size_t len, uint64_t *v)
{
	size_t i = 0;
	bool any = false;

	*v = 0;
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 61)
			return false;
		*v = *v << 3 | (uint64_t)(f[i] - '0');
		any = true;
	}
	return any && (i == len || f[i] == ' ' || f[i] == '\0');
}

enum kdc_status tar_header_decode(const uint8_t b[KDC_TAR_BLOCK], struct kdc_tar_entry *e,
				  bool *end, struct kdc_err *err)
{
	uint64_t sum, mode;
	size_t plen, nlen;

	*end = true;
	for (size_t i = 0; i < KDC_TAR_BLOCK; i++)
		if (b[i]) {
			*end = false;
			break;
		}
	if (*end)
		return KC_OK;
	if (!parse_octal(b + CHKSUM, 8, &sum) || sum != checksum(b))
		return kdc_fail(err, KC_CORRUPT, "tar: header checksum mismatch");
	if (memcmp(b + MAGIC, "ustar", 5))
		return kdc_fail(err, KC_CORRUPT, "tar: not a ustar header");
	if (!parse_octal(b + SIZE, 12, &e->size) || !parse_octal(b + MTIME, 12, &e->mtime) ||
	    !parse_octal(b + MODE, 8, &mode))
		return kdc_fail(err, KC_CORRUPT, "tar: bad number field");
	e->mode = (unsigned int)mode;
	e->type = b[TYPEFLAG] ? (char)b[TYPEFLAG] : '0';
	plen = strnlen((const char *)b + PREFIX, PREFIX_LEN);
	nlen = strnlen((const char *)b + NAME, NAME_LEN);
	if (plen) {
		memcpy(e->name, b + PREFIX, plen);
		e->name[plen] = '/';
		memcpy(e->name + plen + 1, b + NAME, nlen);
		e->name[plen + 1 + nlen] = '\0';
	} else {
		memcpy(e->name, b + NAME, nlen);
		e->name[nlen] = '\0';
	}
	return KC_OK;
}
