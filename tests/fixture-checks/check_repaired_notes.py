#!/usr/bin/env python3
"""`kdump-collect repair` on the fixtures with a CPU that never stopped, in
both forms: the copy has one NT_PRSTATUS per CPU in CPU order (checked by
readelf and this file's own note decoder, not the collector's), the
recovered CPU's note carries the stuck task's pid and the registers the
report recovered, a KDUMP-COLLECTOR note says where each came from, the
original bytes are unchanged apart from the note header fields, and the
collector reads the copy back with no CPU left without a note."""
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
            # crash 8.0.2 on the repaired dump (tests/oracle/check_repair.py), recorded
            text = open(recorded, errors="replace").read()
            for s in exp["stuck_cpus"]:
                m = re.search(r"CPU: %d\s+COMMAND.*\n\s*#0 \[[0-9a-f]+\] (\S+) at" % s["cpu"],
                              text)
                check("%s-crash-bt-c-%d" % (name, s["cpu"]),
                      "cannot find NT_PRSTATUS" not in text and m is not None
                      and m.group(1) == s["function"],
                      "crash frame 0 %s, QEMU %s" % (m and m.group(1), s["function"]))
        rep = json.loads(subprocess.run([collector, "analyze", "--json", elf],
                                        capture_output=True, text=True).stdout)
        for form, src in (("elf", elf), ("kdump", os.path.join(fx, "dump.kdump"))):
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
            check("%s-%s-image-unchanged" % (name, form), same and
                  os.path.getsize(out) > os.path.getsize(src), "bytes after 64 KiB differ")
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
