// SPDX-License-Identifier: GPL-2.0-or-later
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void mark_truncated(char *buf, size_t size)
{
	if (size >= 4)
		memcpy(buf + size - 4, "...", 4);
}

enum kdc_status kdc_fail(struct kdc_err *err, enum kdc_status code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		err->msg[0] = '\0';
	else if ((size_t)n >= sizeof(err->msg))
		mark_truncated(err->msg, sizeof(err->msg));
	return code;
}

enum kdc_status kdc_err_prefix(struct kdc_err *err, enum kdc_status code, const char *fmt, ...)
{
	char prefix[KDC_ERR_MSG_MAX], joined[KDC_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!err)
		return code;
	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (n < 0)
		return code;
	n = snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
	if (n >= 0 && (size_t)n >= sizeof(joined))
		mark_truncated(joined, sizeof(joined));
	memcpy(err->msg, joined, sizeof(err->msg));
	err->code = code;
	return code;
}

const char *kdc_status_name(enum kdc_status code)
{
	switch (code) {
	case KC_OK:
		return "ok";
	case KC_NOMEM:
		return "nomem";
	case KC_IO:
		return "io";
	case KC_NODATA:
		return "nodata";
	case KC_CORRUPT:
		return "corrupt";
	case KC_LIMIT:
		return "limit";
	case KC_NOTSUP:
		return "notsup";
	case KC_INVAL:
		return "inval";
	}
	return "unknown";
}
