#!/usr/bin/env python3
"""elf_for_crash.py [--zero-fill-gaps] IN OUT: copy the ELF core IN to OUT laid out the way
crash's is_netdump()/resize_elf_header() (netdump.c, 8.0.2 to 8.0.6) reads
an ELF vmcore: the program headers right after the ELF header (crash gives
up with "PHdr to far into file!" when e_phoff is beyond its first 304
bytes), PT_NOTE first, and the notes' bytes before the first PT_LOAD's data
(crash reads only up to the lowest PT_LOAD p_offset as "the header" and
warns "Elf64_Nhdr pointer: ... ELF header end: ..." for notes beyond it).

Nothing but file offsets changes: the ELF header (apart from e_phoff and the
section header fields), every program header's type, flags, addresses and
sizes, the note bytes and every segment's bytes are copied as they are, and
the copy is read back and compared with IN before this exits 0.

--zero-fill-gaps also raises a PT_LOAD's p_memsz over the physical gap up
to the next byte any PT_LOAD holds, as makedumpfile's ELF output covers the
pages it left out, so that crash reads those pages as zeros (read_netdump()
zero-fills [p_paddr + p_filesz, p_paddr + p_memsz)) instead of failing: an
ELF written by `kdump-collect save` leaves them out as holes between
PT_LOADs, and crash reads all of 6.12's 2 MiB mem_section root table (52-bit
physical addresses) at start-up, most of whose pages are zero and were left
out. No byte any PT_LOAD holds is covered, and p_filesz is unchanged.

It is a test tool for the oracle (check_repair_elf.py), so that crash can
check the registers `kdump-collect repair` recovered even where the
repaired file's own layout keeps crash from opening it; it does not stand in
for that check."""
import hashlib
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_NOTE, PN_XNUM = 1, 4, 0xffff


def read_layout(f):
    f.seek(0)
    eh = EHDR.unpack(f.read(EHDR.size))
    ident, e_type, machine, version, entry, phoff, shoff, flags, ehsize, phentsize, phnum = eh[:11]
    if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
        raise SystemExit("elf_for_crash: not a little-endian ELF64 file")
    if e_type != 4:
        raise SystemExit("elf_for_crash: not an ET_CORE file (e_type %d)" % e_type)
    if phnum == PN_XNUM:
        raise SystemExit("elf_for_crash: extended program header numbering is not handled")
    if phentsize != PHDR.size:
        raise SystemExit("elf_for_crash: e_phentsize %d" % phentsize)
    f.seek(phoff)
    raw = f.read(phnum * PHDR.size)
    phdrs = [PHDR.unpack_from(raw, i * PHDR.size) for i in range(phnum)]
    return eh, phdrs


def digest(f, off, size):
    h = hashlib.sha256()
    f.seek(off)
    while size:
        b = f.read(min(size, 1 << 20))
        if not b:
            raise SystemExit("elf_for_crash: short read at %#x" % f.tell())
        h.update(b)
        size -= len(b)
    return h.hexdigest()


def copy(src, dst, off, size):
    src.seek(off)
    while size:
        b = src.read(min(size, 1 << 20))
        if not b:
            raise SystemExit("elf_for_crash: short read at %#x" % src.tell())
        dst.write(b)
        size -= len(b)


def zero_fill_gaps(order):
    """order with each PT_LOAD's p_memsz raised to the next physical byte
    that any PT_LOAD holds in the file (never over one), and the bytes added."""
    data = sorted((p[4], p[4] + p[5]) for p in order if p[0] == PT_LOAD and p[5])
    starts = [a for a, _ in data]
    out, added = [], 0
    for p in order:
        if p[0] != PT_LOAD or p[5] == 0 or p[6] != p[5]:
            out.append(p)
            continue
        end = p[4] + p[5]
        inside = any(a <= end < b for a, b in data)
        nxt = min((a for a in starts if a > end), default=None)
        if inside or nxt is None:
            out.append(p)
            continue
        assert not any(a < nxt and b > end for a, b in data)
        q = list(p)
        q[6] = nxt - p[4]
        added += q[6] - p[6]
        out.append(tuple(q))
    return out, added


def main():
    args = sys.argv[1:]
    fill = args[:1] == ["--zero-fill-gaps"]
    if fill:
        args = args[1:]
    if len(args) != 2:
        raise SystemExit("usage: elf_for_crash.py [--zero-fill-gaps] IN OUT")
    src_path, dst_path = args
    with open(src_path, "rb") as src:
        eh, phdrs = read_layout(src)
        notes = [p for p in phdrs if p[0] == PT_NOTE]
        if len(notes) != 1:
            raise SystemExit("elf_for_crash: %d PT_NOTE headers, want 1" % len(notes))
        orig = notes + [p for p in phdrs if p[0] != PT_NOTE]
        order, filled = zero_fill_gaps(orig) if fill else (orig, 0)
        off = EHDR.size + len(order) * PHDR.size
        placed = []
        for p in order:
            p_type, p_flags, p_offset, vaddr, paddr, filesz, memsz, align = p
            placed.append((p_type, p_flags, off, vaddr, paddr, filesz, memsz, align))
            off += filesz
        neh = list(eh)
        neh[5] = EHDR.size      # e_phoff
        neh[6] = 0              # e_shoff: no section headers are copied
        neh[11] = neh[12] = neh[13] = 0
        neh[10] = len(order)
        with open(dst_path, "wb") as dst:
            dst.write(EHDR.pack(*neh))
            for p in placed:
                dst.write(PHDR.pack(*p))
            for p in order:
                copy(src, dst, p[2], p[5])
        # read the copy back: same headers but for offsets, same bytes everywhere
        with open(dst_path, "rb") as dst:
            deh, dphdrs = read_layout(dst)
            if deh[:5] != eh[:5] or deh[7:10] != eh[7:10]:
                raise SystemExit("elf_for_crash: ELF header differs")
            for o, a, b in zip(orig, order, dphdrs):
                # type, flags, addresses, p_filesz and p_align as they were;
                # p_memsz as they were unless a gap was zero-filled
                if (o[:2] != b[:2] or o[3:6] != b[3:6] or o[7] != b[7] or b[6] != a[6]
                        or b[6] < o[6] or (not fill and b[6] != o[6])):
                    raise SystemExit("elf_for_crash: program header differs")
                if digest(src, a[2], a[5]) != digest(dst, b[2], b[5]):
                    raise SystemExit("elf_for_crash: segment at %#x differs" % a[3])
            first_load = min((p[2] for p in dphdrs if p[0] == PT_LOAD and p[2]), default=0)
            n = dphdrs[0]
            if n[0] != PT_NOTE or n[2] + n[5] > first_load:
                raise SystemExit("elf_for_crash: notes not ahead of the first PT_LOAD")
    print("elf_for_crash: %s: %d program headers, notes at %#x (%d bytes), first PT_LOAD at %#x%s"
          % (dst_path, len(order), n[2], n[5], first_load,
             ", %d bytes of gaps zero-filled" % filled if fill else ""))


if __name__ == "__main__":
    main()
