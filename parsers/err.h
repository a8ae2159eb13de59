// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one error type. Every fallible function returns enum kdc_status and
 * fills a caller-owned struct kdc_err; nothing on the error path allocates,
 * so running out of memory can still be reported. Context is prepended as
 * the error travels up ("notes: cpu 2: desc size 392 > 12 remaining").
 */
#ifndef KDC_ERR_H
#define KDC_ERR_H

#include <stdint.h>

enum kdc_status {
	KC_OK = 0,
	KC_NOMEM,   /* allocation failed */
	KC_IO,	    /* a read or write of a file failed */
	KC_NODATA,  /* wanted data is not there: absent key, page not in dump */
	KC_CORRUPT, /* data present but inconsistent */
	KC_LIMIT,   /* a sanity ceiling or budget was exceeded */
	KC_NOTSUP,  /* a layout or feature this version does not handle */
	KC_INVAL,   /* caller error */
};

#define KDC_ERR_MSG_MAX 256

struct kdc_err {
	enum kdc_status code;
	char msg[KDC_ERR_MSG_MAX];
};

/**
 * kdc_fail() - record an error and return its code
 * @err: caller-owned error, may be NULL
 * @code: the status to return (not KC_OK)
 * @fmt: printf format of the message: lowercase, no trailing newline
 *
 * Return: @code, so `return kdc_fail(err, KC_CORRUPT, "...")` is the idiom.
 */
enum kdc_status kdc_fail(struct kdc_err *err, enum kdc_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * kdc_err_prefix() - prepend context to a recorded error, "context: message"
 * @err: the error, may be NULL
 * @code: the status being carried up
 * @fmt: printf format of the context
 *
 * A message that no longer fits is cut and ends in "..." so truncation is visible.
 * Return: @code, so `return kdc_err_prefix(err, st, "...")` carries it up.
 */
enum kdc_status kdc_err_prefix(struct kdc_err *err, enum kdc_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** kdc_status_name() - short stable name of a status ("corrupt"), never NULL */
const char *kdc_status_name(enum kdc_status code);

#endif
