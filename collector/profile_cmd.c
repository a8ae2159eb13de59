// SPDX-License-Identifier: GPL-2.0-or-later
#include "profile_cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "elf_notes.h"
#include "kallsyms.h"
#include "profile.h"
#include "sources.h"
#include "symbol_map.h"

#define INPUT_MAX (64u << 20)
#define NT_GNU_BUILD_ID_VALUE 3

/* The build ID from the kernel's own notes (/sys/kernel/notes). */
static void read_build_id(const char *path, char *hex, size_t size)
{
	struct kdc_cursor c;
	struct kdc_note n;
	uint8_t *buf;
	size_t len;
	bool have;

	hex[0] = '\0';
	if (read_whole_file(path, 1u << 20, &buf, &len, NULL))
		return;
	kdc_cursor_init(&c, buf, len, false, "notes");
	while (!elf_notes_next(&c, &have, &n, NULL) && have) {
		if (!elf_note_name_is(&n, "GNU") || n.type != NT_GNU_BUILD_ID_VALUE ||
		    n.desc_len * 2 + 1 > size)
			continue;
		for (size_t i = 0; i < n.desc_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", n.desc[i]);
		break;
	}
	free(buf);
}

/* The kernel-image lines of @text as offsets from _stext, into @out. */
static enum kdc_status relative_map(const char *text, size_t len, const char *what, char **out,
				    size_t *out_len, struct kdc_err *err)
{
	struct kdc_kallsyms *ks = kallsyms_new();
	struct kdc_symbol sym;
	size_t bad, cap, n = 0;
	char *buf = NULL;
	enum kdc_status st;
	uint64_t stext;

	if (!ks)
		return kdc_fail(err, KC_NOMEM, "%s", what);
	if ((st = symbol_map_parse(text, len, 0, ks, &bad, err)) ||
	    (st = kallsyms_find(ks, "_stext", &sym) ? kdc_fail(err, KC_NODATA, "no _stext") : 0))
		goto out;
	stext = sym.addr;
	cap = kallsyms_count(ks) * 48 + 1;
	if (!(buf = malloc(cap))) {
		st = kdc_fail(err, KC_NOMEM, "%s", what);
		goto out;
	}
	for (size_t i = 0; i < kallsyms_count(ks); i++) {
		int w;

		kallsyms_get(ks, i, &sym);
		w = snprintf(buf + n, cap - n, "%016" PRIx64 " %c %s\n", sym.addr - stext, sym.type,
			     sym.name);
		if (w < 0 || (size_t)w >= cap - n) { /* a name longer than 24 bytes on average */
			char *p = realloc(buf, cap * 2);

			if (!p) {
				st = kdc_fail(err, KC_NOMEM, "%s", what);
				goto out;
			}
			buf = p;
			cap *= 2;
			i--;
			continue;
		}
		n += (size_t)w;
	}
	*out = buf;
	*out_len = n;
	buf = NULL;
out:
	free(buf);
	kallsyms_free(ks);
	return st ? kdc_err_prefix(err, st, "%s", what) : KC_OK;
}

static bool write_section(FILE *f, const char *name, const void *data, size_t len)
{
	return fprintf(f, "section %s %zu\n", name, len) > 0 && fwrite(data, 1, len, f) == len &&
	       fputc('\n', f) != EOF;
}

enum kdc_status profile_write(const struct profile_opts *o, FILE *log, struct kdc_err *err)
{
	const char *ksyms_path = o->kallsyms ? o->kallsyms : "/proc/kallsyms";
	const char *btf_path = o->btf ? o->btf : "/sys/kernel/btf/vmlinux";
	char map_default[128], build_id[129], tmp[4096];
	const char *map_path = o->system_map;
	uint8_t *ksyms = NULL, *btf = NULL, *map = NULL;
	size_t ksyms_len, btf_len = 0, map_len = 0, rel_len, relmap_len = 0;
	char *rel = NULL, *relmap = NULL;
	struct utsname u;
	const char *release = o->release;
	enum kdc_status st;
	FILE *f = NULL;

	if (!release) {
		if (uname(&u))
			return kdc_fail(err, KC_IO, "uname: %s", strerror(errno));
		release = u.release;
	}
	if ((st = read_whole_file(ksyms_path, INPUT_MAX, &ksyms, &ksyms_len, err)) ||
	    (st = relative_map((const char *)ksyms, ksyms_len, ksyms_path, &rel, &rel_len, err)))
		goto out;
	if ((st = read_whole_file(btf_path, INPUT_MAX, &btf, &btf_len, err))) {
		if (o->btf)
			goto out;
		fprintf(log, "profile: no BTF (%s)\n", err->msg);
		btf = NULL;
		btf_len = 0;
	}
	if (!map_path) {
		snprintf(map_default, sizeof(map_default), "/boot/System.map-%s", release);
		map_path = map_default;
	}
	/* Debian ships a one-line stub System.map: keep only a real one */
	if (!read_whole_file(map_path, INPUT_MAX, &map, &map_len, err) &&
	    relative_map((const char *)map, map_len, map_path, &relmap, &relmap_len, err)) {
		if (o->system_map) {
			st = err->code;
			goto out;
		}
		fprintf(log, "profile: %s not included (%s)\n", map_path, err->msg);
	}
	/* the running kernel's build ID is this profile's only when the profile
	 * describes the running kernel: symbols from /proc/kallsyms and the
	 * release uname says. Inputs copied from another machine get none
	 * (then the dump's release is what is checked), unless --notes says. */
	build_id[0] = 0;
	if (o->notes) {
		read_build_id(o->notes, build_id, sizeof(build_id));
		if (!build_id[0]) {
			st = kdc_fail(err, KC_INVAL, "--notes %s: no GNU build ID note in it",
				      o->notes);
			goto out;
		}
	} else if (!strcmp(ksyms_path, "/proc/kallsyms") &&
		   (!o->release || (!uname(&u) && !strcmp(u.release, o->release))))
		read_build_id("/sys/kernel/notes", build_id, sizeof(build_id));
	else
		fprintf(log,
			"profile: no build ID recorded: --kallsyms or --release is not the "
			"running kernel's, so /sys/kernel/notes is not this kernel's (give --notes "
			"FILE, a copy of that kernel's /sys/kernel/notes)\n");
	snprintf(tmp, sizeof(tmp), "%s.tmp", o->output);
	if (!(f = fopen(tmp, "wb"))) {
		st = kdc_fail(err, KC_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fprintf(f, "%s\nrelease %s\n", KDC_PROFILE_MAGIC, release);
	if (build_id[0])
		fprintf(f, "build-id %s\n", build_id);
	fprintf(f, "base _stext\n");
	if (!write_section(f, "kallsyms", rel, rel_len) ||
	    (btf && !write_section(f, "btf", btf, btf_len)) ||
	    (relmap && !write_section(f, "system.map", relmap, relmap_len)) ||
	    fprintf(f, "end\n") < 0 || fclose(f)) {
		f = NULL;
		st = kdc_fail(err, KC_IO, "writing %s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	f = NULL;
	if (rename(tmp, o->output)) {
		st = kdc_fail(err, KC_IO, "%s: %s", o->output, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fprintf(log, "profile: %s for %s: %zu bytes of symbols, %zu of BTF%s%s\n", o->output,
		release, rel_len, btf_len, relmap ? ", full System.map" : "",
		build_id[0] ? ", build ID" : "");
out:
	if (f)
		fclose(f);
	free(ksyms);
	free(btf);
	free(map);
	free(rel);
	free(relmap);
	return st;
}
