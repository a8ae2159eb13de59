#!/usr/bin/env python3
"""Assert what a fixture's expected.json says that standard tools can read.

For one fixture directory (expected.json, dump.kdump) and its unpacked ELF
vmcore, check:
  - readelf -n counts as many NT_PRSTATUS notes as CPUs that stopped
    (cpus minus cpus_without_note), and shows a VMCOREINFO note;
  - VMCOREINFO's OSRELEASE is the kernel release the guest reported;
  - no NT_PRSTATUS note belongs to a stuck CPU's task (the note is really
    missing, not merely misnumbered);
  - the panicking task has a note;
  - the kdump-compressed file carries the same notes and VMCOREINFO.
The note decoding here is deliberately independent of the C parsers.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys

from check_analysis import check_analysis
from checks import Checks

NT_PRSTATUS = 1
PRSTATUS_PID_OFF = 32  # pr_info(12) pr_cursig(2) pad(2) sigpend(8) sighold(8)
PRSTATUS_SIZE_ARM64 = 392

check = Checks('')


def notes_from_blob(blob):
    """[(name, type, desc)] from a PT_NOTE blob; stops at the first bad note."""
    out, off = [], 0
    while off + 12 <= len(blob):
        namesz, descsz, ntype = struct.unpack_from("<III", blob, off)
        off += 12
        name = blob[off:off + namesz].rstrip(b"\0").decode("ascii", "replace")
        off += (namesz + 3) & ~3
        desc = blob[off:off + descsz]
        off += (descsz + 3) & ~3
        if off > len(blob) or len(desc) != descsz:
            break
        if namesz == 0 and descsz == 0 and ntype == 0:
            break
        out.append((name, ntype, desc))
    return out


def elf_notes(path):
    with open(path, "rb") as f:
        ehdr = f.read(64)
        if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2 or ehdr[5] != 1:
            raise ValueError("not a little-endian ELF64 file")
        machine = struct.unpack_from("<H", ehdr, 18)[0]
        phoff, = struct.unpack_from("<Q", ehdr, 32)
        phentsize, phnum = struct.unpack_from("<HH", ehdr, 54)
        notes = []
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ptype, _flags, off, _va, _pa, filesz = struct.unpack("<IIQQQQ", f.read(40))
            if ptype == 4:  # PT_NOTE
                f.seek(off)
                notes += notes_from_blob(f.read(filesz))
    return machine, notes


def kdump_notes(path):
    """Notes and VMCOREINFO of a makedumpfile kdump-compressed file.

    disk_dump_header: signature[8] header_version(4) utsname(6*65) then,
    8-aligned, timestamp(16) status(4) block_size(4) ...; the sub header
    sits one block in: phys_base(8) dump_level(4) split(4) start_pfn(8)
    end_pfn(8) offset_vmcoreinfo(8) size_vmcoreinfo(8) offset_note(8)
    size_note(8).
    """
    with open(path, "rb") as f:
        hdr = f.read(4096)
        if hdr[:8] != b"KDUMP   ":
            raise ValueError("no 'KDUMP   ' signature")
        version, = struct.unpack_from("<i", hdr, 8)
        block_size, = struct.unpack_from("<i", hdr, 424 + 4)
        f.seek(block_size)
        sub = f.read(64)
        off_vmci, size_vmci, off_note, size_note = struct.unpack_from("<QQQQ", sub, 32)
        f.seek(off_vmci)
        vmci = f.read(size_vmci)
        f.seek(off_note)
        notes = notes_from_blob(f.read(size_note))
    return version, vmci.decode("ascii", "replace"), notes


def vmcoreinfo(text):
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def check_symbols(fx, collector, forms, fixture):
    """The symbol table decoded from the dump equals the first kernel's own
    /proc/kallsyms (its vmlinux part: modules come from the module list)."""
    r = subprocess.run(["zstd", "-dc", os.path.join(fixture, "kallsyms.zst")],
                       capture_output=True, text=True)
    truth, mod_truth = set(), set()
    for line in r.stdout.splitlines():
        p = line.split()
        if len(p) == 3:
            truth.add((int(p[0], 16), p[1], p[2]))
        elif len(p) == 4 and p[1] in "tT" and not p[2].startswith("$"):
            # module text symbols; "$x" are AArch64 mapping symbols, not functions
            mod_truth.add((int(p[0], 16), p[1], p[2], p[3]))
    for form, path in forms:
        r = subprocess.run([collector, "analyze", "--list-symbols", path],
                           capture_output=True, text=True)
        got, mod_got = set(), set()
        for line in r.stdout.splitlines():
            p = line.split()
            if len(p) == 4:
                mod_got.add((int(p[0], 16), p[1], p[2], p[3]))
            else:
                got.add((int(p[0], 16), p[1], p[2]))
        check("%s/module-symbols-from-dump-%s" % (fx, form),
              len(mod_truth) > 20 and mod_got == mod_truth,
              "%d module functions decoded, %d in the guest's /proc/kallsyms, differ: %s"
              % (len(mod_got), len(mod_truth), sorted(mod_got ^ mod_truth)[:4]))
        check("%s/kallsyms-from-dump-%s" % (fx, form),
              r.returncode == 0 and len(truth) > 1000 and got == truth,
              "exit %d, %d symbols decoded, %d in the guest's /proc/kallsyms, %d differ: %s"
              % (r.returncode, len(got), len(truth), len(got ^ truth),
                 sorted(got ^ truth)[:3] or r.stderr.strip()[:200]))


def check_dmesg(fx, collector, forms, fixture):
    """Every line the first kernel printed on its console (serial.log, read
    outside the dump) appears verbatim in the log decoded from the dump."""
    serial = open(os.path.join(fixture, "serial.log"), errors="replace").read().splitlines()
    boots = [i for i, l in enumerate(serial) if "Booting Linux on physical CPU" in l]
    first = serial[:boots[1]] if len(boots) > 1 else serial
    # a line that is only a timestamp carries nothing: 5.10 prints one when
    # two CPUs' pr_cont() fragments interleave (csd-cycle-5.10, both CPUs
    # warning at once), and no record holds it (makedumpfile agrees)
    console = [l for l in first if re.match(r"^\[ *\d+\.\d{6}\] ", l) and
               not re.match(r"^\[ *\d+\.\d{6}\] *$", l)]
    for form, path in forms:
        r = subprocess.run([collector, "analyze", "--dmesg", path], capture_output=True,
                           text=True, errors="replace")
        got = set(r.stdout.splitlines())
        # the later lines of a multi-line record are indented to the text
        # (as makedumpfile prints them); the console repeats the timestamp
        prefix = ""
        for line in r.stdout.splitlines():
            m = re.match(r"^\[ *\d+\.\d{6}\] ", line)
            if m:
                prefix = m.group(0)
            elif prefix and line.startswith(" " * len(prefix)):
                got.add(prefix + line[len(prefix):])
        missing = [l for l in console if l not in got]
        peer = os.path.join(fixture, "makedumpfile-dmesg.txt")
        if os.path.exists(peer):
            # recorded from Debian's arm64 makedumpfile --dump-dmesg (tests/oracle)
            want = open(peer, errors="replace").read()
            check("%s/dmesg-equals-makedumpfile-%s" % (fx, form), r.stdout == want,
                  "differs from makedumpfile --dump-dmesg at line %s" % next(
                      (i + 1 for i, (x, y) in enumerate(zip(r.stdout.splitlines(),
                                                           want.splitlines())) if x != y),
                      "(length %d vs %d)" % (len(r.stdout), len(want))))
        check("%s/dmesg-from-dump-%s" % (fx, form),
              r.returncode == 0 and len(console) > 100 and not missing,
              "exit %d, %d console lines, %d missing from the dump's log: %s"
              % (r.returncode, len(console), len(missing), missing[:2] or r.stderr[:200]))


def check_collector(fx, collector, forms, exp, prs):
    """kdump-collect analyze --json on both forms agrees with this decoder."""
    want = [{"pid": struct.unpack_from("<i", d, PRSTATUS_PID_OFF)[0],
             "pc": "0x%x" % struct.unpack_from("<Q", d, 112 + 32 * 8)[0],
             "sp": "0x%x" % struct.unpack_from("<Q", d, 112 + 31 * 8)[0]} for d in prs]
    for form, path in forms:
        name = "%s/collector-%s" % (fx, form)
        r = subprocess.run([collector, "analyze", "--json", path], capture_output=True, text=True)
        if r.returncode != 0:
            check(name, False, "exit %d: %s" % (r.returncode, r.stderr.strip()[:200]))
            continue
        try:
            rep = json.loads(r.stdout)
        except ValueError as e:
            check(name, False, "invalid JSON: %s" % e)
            continue
        got = [{"pid": n["pid"], "pc": n["registers"]["pc"], "sp": n["registers"]["sp"]}
               for n in rep["notes"] if n.get("type_name") == "NT_PRSTATUS"]
        check(name, rep["schema"] == "kdump-collector.report/1"
              and rep["kernel"]["release"] == exp["kernel"]["release"]
              and rep["kernel"]["page_size"] == exp["kernel"]["page_size"]
              and rep["dump"]["format"] == ("elf" if form == "elf" else "kdump-compressed")
              and got == want,
              "report disagrees: kernel %s, notes %s, want %s" % (rep.get("kernel"), got, want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--elf", required=True)
    a = ap.parse_args()
    fx = os.path.basename(os.path.normpath(a.fixture))
    exp = json.load(open(os.path.join(a.fixture, "expected.json")))

    stopped = exp["cpus"] - len(exp["cpus_without_note"])
    ro = subprocess.run(["readelf", "-n", "-W", a.elf], capture_output=True, text=True)
    check(fx + "/readelf", ro.returncode == 0, ro.stderr.strip()[:200])
    n_prstatus = len(re.findall(r"NT_PRSTATUS", ro.stdout))
    check(fx + "/prstatus-count", n_prstatus == stopped,
          "readelf -n shows %d NT_PRSTATUS, expected %d (%d CPUs, without note %s)"
          % (n_prstatus, stopped, exp["cpus"], exp["cpus_without_note"]))
    check(fx + "/vmcoreinfo-present", "VMCOREINFO" in ro.stdout, "readelf -n shows no VMCOREINFO")

    machine, notes = elf_notes(a.elf)
    check(fx + "/elf-machine", machine == 183, "e_machine %d is not EM_AARCH64" % machine)
    prs = [d for n, t, d in notes if n == "CORE" and t == NT_PRSTATUS]
    check(fx + "/prstatus-size", all(len(d) == PRSTATUS_SIZE_ARM64 for d in prs),
          "NT_PRSTATUS sizes %s" % sorted({len(d) for d in prs}))
    pids = [struct.unpack_from("<i", d, PRSTATUS_PID_OFF)[0] for d in prs]
    vmci = [d for n, t, d in notes if n == "VMCOREINFO"]
    info = vmcoreinfo(vmci[0].decode("ascii", "replace")) if vmci else {}
    check(fx + "/osrelease", info.get("OSRELEASE") == exp["kernel"]["release"],
          "VMCOREINFO OSRELEASE %r, guest said %r"
          % (info.get("OSRELEASE"), exp["kernel"]["release"]))
    check(fx + "/pagesize", info.get("PAGESIZE") == str(exp["kernel"]["page_size"]),
          "VMCOREINFO PAGESIZE %r" % info.get("PAGESIZE"))

    check(fx + "/panic-task-has-note", exp["panic"]["pid"] in pids,
          "panicking pid %d not among note pids %s" % (exp["panic"]["pid"], pids))
    for s in exp["stuck_cpus"]:
        if s["pid"] == 0:
            # idle tasks all have pid 0: another CPU's note may carry it;
            # then only the count can say this CPU wrote none
            check("%s/cpu%d-note-missing" % (fx, s["cpu"]),
                  len(pids) == exp["cpus"] - len(exp["cpus_without_note"]),
                  "%d notes for %d CPUs, %d without a note" % (
                      len(pids), exp["cpus"], len(exp["cpus_without_note"])))
            continue
        check("%s/cpu%d-note-missing" % (fx, s["cpu"]), s["pid"] not in pids,
              "stuck CPU %d's task pid %d has a note (note pids %s)" % (s["cpu"], s["pid"], pids))
    stuck = {s["cpu"] for s in exp["stuck_cpus"]}
    for w in exp["waits"]:
        if w["cpu"] in stuck:
            # a waiter that is itself stuck (a cross-call cycle, IRQs
            # masked) takes no crash-stop IPI either: checked above
            continue
        check("%s/cpu%d-waiter-has-note" % (fx, w["cpu"]), w["pid"] in pids,
              "waiter pid %d not among note pids %s" % (w["pid"], pids))

    kdump = os.path.join(a.fixture, "dump.kdump")
    forms = [("elf", a.elf)]
    if os.path.exists(kdump):
        forms.append(("kdump", kdump))
        try:
            version, kvmci, knotes = kdump_notes(kdump)
            kprs = [d for n, t, d in knotes if n == "CORE" and t == NT_PRSTATUS]
            kpids = [struct.unpack_from("<i", d, PRSTATUS_PID_OFF)[0] for d in kprs]
            check(fx + "/kdump-notes", kpids == pids,
                  "kdump file note pids %s, ELF %s" % (kpids, pids))
            check(fx + "/kdump-prstatus-bytes", kprs == prs,
                  "NT_PRSTATUS contents differ between kdump and ELF forms")
            check(fx + "/kdump-vmcoreinfo", vmcoreinfo(kvmci) == info and info != {},
                  "VMCOREINFO differs between kdump (v%d header) and ELF forms" % version)
        except (OSError, ValueError, struct.error) as e:
            check(fx + "/kdump-notes", False, "dump.kdump: %s" % e)

    collector = os.environ.get("KDC_COLLECT")
    if collector:
        check_collector(fx, collector, forms, exp, prs)
        check_symbols(fx, collector, forms, a.fixture)
        check_dmesg(fx, collector, forms, a.fixture)
        check_analysis(fx, collector, forms, a.fixture, exp, pids, check)

    return check.report()


if __name__ == "__main__":
    sys.exit(main())
