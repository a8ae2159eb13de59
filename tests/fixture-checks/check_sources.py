#!/usr/bin/env python3
"""The symbol and type sources other than the dump's own kallsyms and BTF
give the same analysis as the dump alone (which check_analysis.py holds to
the guest's ground truth):

  - a profile (`kdump-collect profile`) made from one boot's /proc/kallsyms
    (fixture A) analyses another boot's dump (fixture B, a different KASLR
    offset) with the dump's kallsyms ignored (--no-dump-symbols);
  - the same with the profile's BTF too (--no-dump-types): the BTF bytes
    are cut out of dump A by this script, independently of the collector;
  - a System.map (link-time addresses, made here from A's /proc/kallsyms
    minus A's KERNELOFFSET) likewise;
  - a profile for another kernel release, or a stub System.map, is refused
    with a message that says so.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
from checks import Checks

check = Checks('sources/')


def analyze(collector, dump, *args):
    r = subprocess.run([collector, "analyze", "--json", *args, dump], capture_output=True,
                       text=True, timeout=300)
    try:
        return r.returncode, json.loads(r.stdout), r.stderr
    except ValueError:
        return r.returncode, None, r.stderr


def essence(rep):
    """What the analysis concluded, without where symbols came from."""
    return {
        "panic": rep["panic"],
        "verdict": rep["verdict"],
        "cpus": [{k: c[k] for k in ("cpu", "task", "registers_source", "registers",
                                    "backtrace", "backtrace_end")} for c in rep["cpus"]],
        "notes": [(n["pid"], n["cpu"]) for n in rep["notes"]],
        "modules": rep["modules"]["loaded"],
    }


def elf_read(path, va, size):
    """@size bytes at kernel-image virtual address @va of an ELF vmcore."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
        phoff, = struct.unpack_from("<Q", head, 32)
        phnum, = struct.unpack_from("<H", head, 56)
        ph = [struct.unpack_from("<IIQQQQQQ", head, phoff + 56 * i) for i in range(phnum)]
        notes = b"".join(head[p[2]:p[2] + p[5]] for p in ph if p[0] == 4)
        kvoff = int(re.search(rb"NUMBER\(kimage_voffset\)=0x([0-9a-f]+)", notes).group(1), 16)
        pa = va - kvoff
        for typ, _, off, _, paddr, filesz, _, _ in ph:
            if typ == 1 and paddr <= pa and pa + size <= paddr + filesz:
                f.seek(off + pa - paddr)
                return f.read(size)
    raise ValueError("0x%x+%d not in one PT_LOAD" % (va, size))


def elf_head(path, size=1 << 20):
    """The start of a dump: its notes (VMCOREINFO among them) come first."""
    with open(path, "rb") as f:
        return f.read(size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, help="fixture dir giving the profile")
    ap.add_argument("--a-elf", required=True, help="its unpacked ELF vmcore")
    ap.add_argument("--b", required=True, help="fixture dir analysed with it")
    ap.add_argument("--scratch", required=True)
    o = ap.parse_args()
    collector = os.environ["KDC_COLLECT"]
    os.makedirs(o.scratch, exist_ok=True)
    ksyms = os.path.join(o.scratch, "a.kallsyms")
    with open(ksyms, "wb") as f:
        f.write(subprocess.run(["zstd", "-dc", os.path.join(o.a, "kallsyms.zst")],
                               capture_output=True, check=True).stdout)
    dump_b = os.path.join(o.b, "dump.kdump")
    rc, base, err = analyze(collector, dump_b)
    rc_a, rep_a, _ = analyze(collector, o.a_elf)
    if rc != 0 or base is None or rep_a is None:
        check("baseline", False, "exit %d: %s" % (rc, err[:200]))
        return check.report()
    check("different-kaslr", rep_a["kernel"]["kernel_offset"] != base["kernel"]["kernel_offset"],
          "both boots have KASLR offset %s: the test proves nothing"
          % base["kernel"]["kernel_offset"])
    release = base["kernel"]["release"]
    btf = os.path.join(o.scratch, "a.btf")
    with open(btf, "wb") as f:
        f.write(elf_read(o.a_elf, int(rep_a["types"]["btf_address"], 16),
                         rep_a["types"]["btf_size"]))
    notes = os.path.join(o.scratch, "empty.notes")
    open(notes, "wb").close()

    prof = os.path.join(o.scratch, "a.profile")
    # inputs that are not the running kernel's: the host's /sys/kernel/notes
    # must not lend the profile its build ID
    r = subprocess.run([collector, "profile", "-o", prof, "--kallsyms", ksyms, "--btf", btf,
                        "--release", release, "--system-map", ksyms],
                       capture_output=True, text=True)
    check("profile-written", r.returncode == 0 and os.path.getsize(prof) > 1 << 20,
          "exit %d: %s" % (r.returncode, r.stderr[:200]))
    with open(prof, "rb") as f:
        head = f.read(4096)
    check("profile-no-foreign-build-id", b"\nbuild-id " not in head
          and "no build ID recorded" in r.stdout + r.stderr,
          "profile head %r, log %r" % (head[:120], (r.stdout + r.stderr)[:200]))
    r = subprocess.run([collector, "profile", "-o", prof + ".bad", "--kallsyms", ksyms,
                        "--btf", btf, "--release", release, "--notes", notes],
                       capture_output=True, text=True)
    check("profile-notes-without-build-id-refused",
          r.returncode != 0 and "no GNU build ID" in r.stderr and not os.path.exists(prof + ".bad"),
          "exit %d: %s" % (r.returncode, r.stderr[:200]))

    rc, rep, err = analyze(collector, dump_b, "--no-dump-symbols", "--profile", prof)
    check("profile-symbols", rc == 0 and rep and rep["symbols"]["source"] == "profile"
          and essence(rep) == essence(base),
          "exit %d, source %s: %s" % (rc, rep and rep["symbols"]["source"], err[:200]))
    rc, rep, err = analyze(collector, dump_b, "--no-dump-symbols", "--no-dump-types",
                           "--profile", prof)
    check("profile-symbols-and-types", rc == 0 and rep
          and rep["symbols"]["source"] == "profile" and rep["types"]["source"] == "btf (profile)"
          and essence(rep) == essence(base),
          "exit %d, sources %s %s: %s" % (rc, rep and rep["symbols"]["source"],
                                          rep and rep["types"]["source"], err[:200]))

    # a profile of another release is refused, and the run still reports
    other = os.path.join(o.scratch, "other.profile")
    subprocess.run([collector, "profile", "-o", other, "--kallsyms", ksyms, "--btf", btf,
                    "--release", "9.9.9-other"], capture_output=True)
    rc, rep, err = analyze(collector, dump_b, "--no-dump-symbols", "--profile", other)
    check("profile-wrong-release", rc == 1 and rep and rep["symbols"]["source"] is None
          and any("9.9.9-other" in p for p in rep["problems"]),
          "exit %d, problems %s" % (rc, rep and rep["problems"]))

    # a data symbol VMCOREINFO also gives (KALLSYMS_ALL kernels): where the
    # dump has no BUILD-ID (before 5.9) it tells another build of the
    # release apart; right, it changes nothing, off by a page, it is refused
    m = re.search(rb"SYMBOL\(swapper_pg_dir\)=([0-9a-f]+)", elf_head(o.a_elf))
    check("vmcoreinfo-swapper-pg-dir", m is not None, "A's VMCOREINFO has no swapper_pg_dir")
    if m:
        for name, delta, ok in (("right", 0, True), ("wrong", 0x1000, False)):
            ks2 = os.path.join(o.scratch, "a-%s.kallsyms" % name)
            with open(ksyms) as src, open(ks2, "w") as dst:
                dst.write(src.read())
                dst.write("%016x D swapper_pg_dir\n" % (int(m.group(1), 16) + delta))
            p2 = os.path.join(o.scratch, "a-%s.profile" % name)
            r = subprocess.run([collector, "profile", "-o", p2, "--kallsyms", ks2, "--btf", btf,
                                "--release", release], capture_output=True, text=True)
            rc, rep, err = analyze(collector, dump_b, "--no-dump-symbols", "--profile", p2)
            if ok:
                good = rc == 0 and rep and rep["symbols"]["source"] == "profile"
            else:
                good = (rc == 1 and rep and rep["symbols"]["source"] is None and
                        any("swapper_pg_dir" in p and "another kernel build" in p
                            for p in rep["problems"]))
            check("profile-data-symbol-%s" % name, good, "exit %d, source %s, problems %s" % (
                rc, rep and rep["symbols"]["source"], rep and rep["problems"]))

    # System.map: link-time addresses (A's runtime ones minus A's KASLR offset)
    kaslr_a = int(rep_a["kernel"]["kernel_offset"], 16)
    smap = os.path.join(o.scratch, "System.map")
    with open(ksyms) as src, open(smap, "w") as dst:
        for line in src:
            p = line.split()
            if len(p) == 3:
                dst.write("%016x %s %s\n" % ((int(p[0], 16) - kaslr_a) % (1 << 64), p[1], p[2]))
    rc, rep, err = analyze(collector, dump_b, "--no-dump-symbols", "--system-map", smap)
    check("system-map", rc == 0 and rep and rep["symbols"]["source"] == "System.map"
          and essence(rep) == essence(base),
          "exit %d, source %s: %s" % (rc, rep and rep["symbols"]["source"], err[:200]))
    stub = os.path.join(o.scratch, "System.map.stub")
    with open(stub, "w") as f:  # what Debian's linux-image package installs
        f.write("ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg "
                "package\n")
    rc, rep, err = analyze(collector, dump_b, "--no-dump-symbols", "--system-map", stub)
    check("system-map-stub", rc == 1 and rep and rep["symbols"]["source"] is None
          and any("_stext" in p for p in rep["problems"]),
          "exit %d, problems %s" % (rc, rep and rep["problems"]))
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
