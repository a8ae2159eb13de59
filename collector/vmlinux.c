// SPDX-License-Identifier: GPL-2.0-or-later
#include "vmlinux.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* 'T'/'t', 'D'/'d', 'R'/'r', 'B'/'b' from the section, as nm would say */
static char type_of(Elf *elf, const GElf_Sym *sym)
{
	Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
	GElf_Shdr sh;
	char c = 'd';

	if (scn && gelf_getshdr(scn, &sh)) {
		if (sh.sh_flags & SHF_EXECINSTR)
			c = 't';
		else if (sh.sh_type == SHT_NOBITS)
			c = 'b';
		else if (!(sh.sh_flags & SHF_WRITE))
			c = 'r';
	}
	return GELF_ST_BIND(sym->st_info) == STB_LOCAL ? c : (char)(c - 'a' + 'A');
}

static enum kdc_status check_build_id(Elf *elf, const char *path, const char *want,
				      struct kdc_err *err)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			char hex[129];

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + name_off, "GNU", 4) || nh.n_descsz > 64)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x",
					 ((unsigned char *)d->d_buf)[desc_off + i]);
			hex[2 * nh.n_descsz] = '\0';
			if (strcmp(hex, want))
				return kdc_fail(err, KC_INVAL,
						"%s has build ID %s, the dump's kernel %s", path,
						hex, want);
			return KC_OK;
		}
	}
	return kdc_fail(err, KC_INVAL, "%s has no GNU build ID to match the dump's %s", path, want);
}

static enum kdc_status read_symtab(Elf *elf, uint64_t delta, struct kdc_kallsyms *ks,
				   struct kdc_err *err)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			int type;
			enum kdc_status st;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
			    sym.st_shndx >= SHN_LORESERVE)
				continue;
			type = GELF_ST_TYPE(sym.st_info);
			/* as scripts/kallsyms keeps them: functions, objects and labels
			 * (assembly entry points such as el1h_64_irq are local labels),
			 * but not AArch64 mapping symbols ($x, $d) or compiler-local .L,
			 * nor the nVHE hypervisor's copies of mapping symbols, which
			 * the __kvm_nvhe_ prefix hides ("__kvm_nvhe_$x", 5.10) */
			if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name || *name == '$' || !strncmp(name, ".L", 2) ||
			    !strncmp(name, "__kvm_nvhe_$", 12) || strlen(name) > KDC_KSYM_NAME_LEN)
				continue;
			if ((st = kallsyms_add(ks, sym.st_value + delta, type_of(elf, &sym), name,
					       strlen(name), err)))
				return st;
		}
		kallsyms_sort(ks);
		return KC_OK;
	}
	return kdc_fail(err, KC_NODATA, "no .symtab (a stripped vmlinux?)");
}

enum kdc_status vmlinux_symbols(const char *path, uint64_t kaslr_offset, const char *build_id,
				struct kdc_kallsyms **out, struct kdc_err *err)
{
	struct kdc_kallsyms *ks;
	enum kdc_status st;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdc_fail(err, KC_IO, "%s: %s", path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		st = kdc_fail(err, KC_CORRUPT, "%s: not an ELF file: %s", path, elf_errmsg(-1));
		goto out;
	}
	if (build_id && (st = check_build_id(elf, path, build_id, err)))
		goto out;
	if (!(ks = kallsyms_new())) {
		st = kdc_fail(err, KC_NOMEM, "vmlinux symbols");
		goto out;
	}
	if ((st = read_symtab(elf, kaslr_offset, ks, err))) {
		kallsyms_free(ks);
		kdc_err_prefix(err, st, "%s", path);
		goto out;
	}
	*out = ks;
out:
	elf_end(elf);
	close(fd);
	return st;
}
