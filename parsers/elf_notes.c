// SPDX-License-Identifier: GPL-2.0-or-later
#include "elf_notes.h"

#include <string.h>

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

enum kdc_status elf_notes_next(struct kdc_cursor *c, bool *have, struct kdc_note *out,
			       struct kdc_err *err)
{
	struct kdc_cursor at = *c;
	uint32_t namesz, descsz, type;
	const uint8_t *name, *desc;
	enum kdc_status st;

	*have = false;
	if (kdc_cursor_remaining(c) == 0)
		return KC_OK;
	if ((st = kdc_cursor_u32(&at, &namesz, err)) || (st = kdc_cursor_u32(&at, &descsz, err)) ||
	    (st = kdc_cursor_u32(&at, &type, err)))
		return kdc_err_prefix(err, st, "note header at 0x%zx", c->pos);
	if (namesz == 0 && descsz == 0 && type == 0) {
		c->pos = c->len;
		return KC_OK;
	}
	if (namesz > KDC_NOTE_NAME_MAX || descsz > KDC_NOTE_DESC_MAX)
		return kdc_fail(err, KC_LIMIT,
				"note at 0x%zx: name size %u or desc size %u over limit", c->pos,
				namesz, descsz);
	if ((st = kdc_cursor_bytes(&at, namesz, &name, err)))
		return kdc_err_prefix(err, st, "note at 0x%zx: name", c->pos);
	/* The last note's padding may be cut off by the blob's end. */
	at.pos += pad4(namesz) <= kdc_cursor_remaining(&at) ? pad4(namesz)
							    : kdc_cursor_remaining(&at);
	if ((st = kdc_cursor_bytes(&at, descsz, &desc, err)))
		return kdc_err_prefix(err, st, "note at 0x%zx (type %u): desc", c->pos, type);
	at.pos += pad4(descsz) <= kdc_cursor_remaining(&at) ? pad4(descsz)
							    : kdc_cursor_remaining(&at);

	out->name = (const char *)name;
	out->name_len = strnlen(out->name, namesz);
	out->type = type;
	out->desc = desc;
	out->desc_len = descsz;
	out->offset = c->pos;
	*c = at;
	*have = true;
	return KC_OK;
}

bool elf_note_name_is(const struct kdc_note *n, const char *name)
{
	size_t len = strlen(name);

	return n->name_len == len && memcmp(n->name, name, len) == 0;
}
