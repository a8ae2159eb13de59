// SPDX-License-Identifier: GPL-2.0-or-later
#include "patterns_file.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool set(char *dst, size_t size, const char *v)
{
	size_t n = strlen(v);

	if (n >= size)
		return false;
	memcpy(dst, v, n + 1);
	return true;
}

static enum kdc_status finish(const struct kdc_pattern *p, unsigned int line, struct kdc_err *err)
{
	if (!p->nr_log && !p->nr_backtrace)
		return kdc_fail(err, KC_CORRUPT,
				"patterns line %u: [%s] has no log or backtrace "
				"condition",
				line, p->id);
	if (!p->title[0])
		return kdc_fail(err, KC_CORRUPT, "patterns line %u: [%s] has no title", line,
				p->id);
	return KC_OK;
}

enum kdc_status patterns_parse(const char *text, size_t len, struct kdc_patterns *out,
			       struct kdc_err *err)
{
	const char *p = text, *end = text + len;
	struct kdc_pattern *cur = NULL;
	unsigned int lineno = 0;
	enum kdc_status st;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char line[LINE_MAX_LEN], *s, *eq, *key, *val;

		lineno++;
		if (n >= sizeof(line))
			return kdc_fail(err, KC_LIMIT, "patterns line %u: longer than %d bytes",
					lineno, LINE_MAX_LEN - 1);
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : end;
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (cur && (st = finish(cur, lineno, err)))
				return st;
			if (!close || close[1] || close == s + 1)
				return kdc_fail(err, KC_CORRUPT,
						"patterns line %u: bad section header", lineno);
			if (out->nr >= KDC_PATTERNS_MAX)
				return kdc_fail(err, KC_LIMIT, "more than %d patterns",
						KDC_PATTERNS_MAX);
			cur = &out->p[out->nr++];
			*close = '\0';
			if (!set(cur->id, sizeof(cur->id), s + 1))
				return kdc_fail(err, KC_LIMIT, "patterns line %u: id too long",
						lineno);
			continue;
		}
		if (!cur || !(eq = strchr(s, '=')))
			return kdc_fail(err, KC_CORRUPT,
					"patterns line %u: expected [id] or key = value", lineno);
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!strcmp(key, "title")) {
			if (!set(cur->title, sizeof(cur->title), val))
				return kdc_fail(err, KC_LIMIT, "patterns line %u: title too long",
						lineno);
		} else if (!strcmp(key, "fix")) {
			if (!set(cur->fix, sizeof(cur->fix), val))
				return kdc_fail(err, KC_LIMIT, "patterns line %u: fix too long",
						lineno);
		} else if (!strcmp(key, "kernel-before")) {
			if (!set(cur->kernel_before, sizeof(cur->kernel_before), val) ||
			    (*val < '0' || *val > '9'))
				return kdc_fail(err, KC_CORRUPT,
						"patterns line %u: bad kernel-before", lineno);
		} else if (!strcmp(key, "explain")) {
			size_t have = strlen(cur->explain);

			if (have + strlen(val) + 2 > sizeof(cur->explain))
				return kdc_fail(err, KC_LIMIT,
						"patterns line %u: explanation too long", lineno);
			if (have)
				cur->explain[have++] = ' ';
			memcpy(cur->explain + have, val, strlen(val) + 1);
		} else if (!strcmp(key, "log") || !strcmp(key, "backtrace")) {
			bool is_log = key[0] == 'l';
			unsigned int *nr = is_log ? &cur->nr_log : &cur->nr_backtrace;
			char *dst = is_log ? cur->log[*nr] : cur->backtrace[*nr];
			size_t size = is_log ? sizeof(cur->log[0]) : sizeof(cur->backtrace[0]);

			if (*nr >= KDC_PATTERN_CONDS_MAX || !*val || !set(dst, size, val))
				return kdc_fail(err, KC_LIMIT,
						"patterns line %u: too many or too long "
						"%s conditions",
						lineno, key);
			(*nr)++;
		} else {
			return kdc_fail(err, KC_CORRUPT, "patterns line %u: unknown key '%s'",
					lineno, key);
		}
	}
	if (cur && (st = finish(cur, lineno, err)))
		return st;
	return KC_OK;
}

int release_before(const char *release, const char *version)
{
	const char *a = release, *b = version;

	while (*b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (ea == a || eb == b)
			return 0; /* not comparable: do not claim "older" */
		if (x != y)
			return x < y;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (*eb != '.')
			break;
		if (*ea != '.')
			return 1; /* "5" vs "5.7": fewer components, older */
	}
	return 0;
}
