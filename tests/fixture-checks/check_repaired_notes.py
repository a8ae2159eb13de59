#!/usr/bin/env python3
"""`kdump-collect repair` on the fixtures with a CPU that never stopped, in
both forms: the copy has one NT_PRSTATUS per CPU in CPU order (checked by
readelf and this file's own note decoder, not the collector's), the
recovered CPU's note carries the stuck task's pid and the registers the
report recovered, a KDUMP-COLLECTOR note says where each came from, the
original bytes are unchanged apart from the note header fields, and the
collector reads the copy back with no CPU left without a note. A fixture
given with "-" for its ELF has only its recorded crash output checked."""
import hashlib
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixture import elf_notes, kdump_notes  # noqa: E402
from checks import Checks  # noqa: E402

check = Checks('repaired/')


def phdrs(path):
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(phoff)
        return phoff, [struct.unpack("<IIQQQQQQ", f.read(56)) for _ in range(phnum)]


def elf_segments(path):
    """(paddr, filesz, sha256 of the bytes) of every PT_LOAD with bytes, by paddr."""
    _, ph = phdrs(path)
    out = []
    with open(path, "rb") as f:
        for p in ph:
            if p[0] != 1 or not p[5]:
                continue
            f.seek(p[2])
            h = hashlib.sha256()
            left = p[5]
            while left:
                chunk = f.read(min(left, 1 << 20))
                if not chunk:
                    break
                h.update(chunk)
                left -= len(chunk)
            out.append((p[4], p[5], h.hexdigest()))
    return sorted(out)


def elf_layout_for_crash(path):
    """crash's netdump.c (8.0.2-8.0.6) reads program headers right after the
    ELF header and the notes only from the bytes before the first PT_LOAD."""
    phoff, ph = phdrs(path)
    loads = [p[2] for p in ph if p[0] == 1 and p[5]]
    notes = [p for p in ph if p[0] == 4]
    if phoff != 64:
        return False, "e_phoff %d" % phoff
    if len(notes) != 1 or not loads or notes[0][2] + notes[0][5] > min(loads):
        return False, "notes %s, first PT_LOAD data at %s" % (
            [(n[2], n[5]) for n in notes], min(loads) if loads else None)
    return True, ""


def check_kdump_image(name, src, out):
    # the memory image is untouched: only the tail and header fields differ
    a, b = open(src, "rb"), open(out, "rb")
    a.seek(1 << 16)
    b.seek(1 << 16)
    same = True
    while True:
        x, y = a.read(1 << 20), b.read(1 << 20)
        if not x:
            break
        if x != y[:len(x)]:
            same = False
            break
    check("%s-kdump-image-unchanged" % name, same and
          os.path.getsize(out) > os.path.getsize(src), "bytes after 64 KiB differ")


def main():
    collector = os.environ["KDC_COLLECT"]
    scratch = sys.argv[1]
    for fx, elf in zip(sys.argv[2::2], sys.argv[3::2]):
        exp = json.load(open(os.path.join(fx, "expected.json")))
        if not exp["cpus_without_note"]:
            continue
        name = os.path.basename(os.path.normpath(fx))
        recorded = os.path.join(fx, "crash-bt-repaired.txt")
        if os.path.exists(recorded):
            # crash on the repaired dump (tests/oracle/check_repair.py and
            # check_repair_elf.py), recorded
            text = open(recorded, errors="replace").read()
            for s in exp["stuck_cpus"]:
                m = re.search(r"CPU: %d\s+COMMAND.*\n\s*#0 \[[0-9a-f]+\] (\S+) at" % s["cpu"],
                              text)
                check("%s-crash-bt-c-%d" % (name, s["cpu"]),
                      "cannot find NT_PRSTATUS" not in text and m is not None
                      and m.group(1) == s["function"],
                      "crash frame 0 %s, QEMU %s" % (m and m.group(1), s["function"]))
        if elf == "-":
            continue  # only crash's record (tests/oracle/check_repair_elf.py) for this one
        rep = json.loads(subprocess.run([collector, "analyze", "--json", elf],
                                        capture_output=True, text=True).stdout)
        for form, src in (("elf", elf), ("kdump", os.path.join(fx, "dump.kdump"))):
            if not os.path.exists(src):
                continue  # the newer fixtures keep the ELF form only
            out = os.path.join(scratch, "%s-repaired.%s" % (name, form))
            r = subprocess.run([collector, "repair", src, "-o", out], capture_output=True,
                               text=True)
            if r.returncode:
                check("%s-%s" % (name, form), False, r.stderr[:200])
                continue
            if form == "elf":
                _, notes = elf_notes(out)
            else:
                _, _, notes = kdump_notes(out)
            prs = [d for n, t, d in notes if n == "CORE" and t == 1]
            pids = [struct.unpack_from("<i", d, 32)[0] for d in prs]
            want = [c["task"]["pid"] for c in rep["cpus"]]
            prov = [d for n, t, d in notes if n == "KDUMP-COLLECTOR"]
            check("%s-%s-notes-in-cpu-order" % (name, form), pids == want and len(prov) == 1,
                  "note pids %s, CPUs' tasks %s, provenance notes %d" % (pids, want, len(prov)))
            for cpu in exp["cpus_without_note"]:
                regs = struct.unpack_from("<34Q", prs[cpu], 112) if cpu < len(prs) else None
                got = rep["cpus"][cpu]["registers"]
                check("%s-%s-cpu%d-recovered-registers" % (name, form, cpu),
                      regs is not None and (regs[29], regs[30], regs[32]) ==
                      (int(got["fp"], 16), int(got["lr"], 16), int(got["pc"], 16))
                      and b"cpu %d: recovered" % cpu in prov[0],
                      "note x29/x30/pc %s, report %s" % (regs and regs[29:33], got))
            if form == "elf":
                # laid out as crash reads it, and every segment's bytes as they were
                lay_ok, why = elf_layout_for_crash(out)
                check("%s-elf-layout-crash-reads" % name, lay_ok, why)
                check("%s-elf-segments-unchanged" % name, elf_segments(src) == elf_segments(out),
                      "PT_LOAD (paddr, size, sha256) differ between the dump and its repair")
            else:
                check_kdump_image(name, src, out)
            r = subprocess.run([collector, "analyze", "--json", out], capture_output=True,
                               text=True)
            back = json.loads(r.stdout) if r.stdout else {}
            # the notes it wrote are its own guesses, not the kernel's: read
            # back, they are named as such and the recovery runs again, to
            # the same answer
            ours = [n["index"] for n in back.get("notes", []) if n["written_by"] == "kdump-collector"]
            top = lambda rp, c: ((rp["cpus"][c].get("recovery") or {}).get("candidates") or
                                 [{}])[0].get("function")
            check("%s-%s-reads-back" % (name, form), r.returncode == 0
                  and back["verdict"]["cpus_without_note"] == exp["cpus_without_note"]
                  and ours == exp["cpus_without_note"]
                  and all(top(back, c) == top(rep, c) for c in exp["cpus_without_note"]),
                  "exit %d, without note %s, ours %s: %s" % (
                      r.returncode, back.get("verdict", {}).get("cpus_without_note"), ours,
                      r.stderr[:200]))
            os.unlink(out)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
