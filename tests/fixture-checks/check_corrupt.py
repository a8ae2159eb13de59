#!/usr/bin/env python3
"""Damaged copies of a real fixture: the collector must name what is wrong,
still write what it could (a partial report, exit 1), or refuse cleanly
(exit 2) when nothing is usable; never crash (a signal or a sanitizer
report) and never hang (every run has a timeout).

Damage made here, each from the csd-lockup dump:
  - pages missing: the page holding __per_cpu_offset, or the first page of
    the BTF blob, cut out of every PT_LOAD that holds it (as if filtered);
  - VMCOREINFO zeroed in the note;
  - the file truncated inside the headers, inside the kernel image, and the
    kdump-compressed form cut in half;
  - a note whose frame pointer and PC are garbage.
Where the damage lands is found from the intact dump's report; what the
damaged report must say is fixed here.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from checks import Checks

PT_LOAD, PT_NOTE = 1, 4
TIMEOUT = 120
# libkdumpfile reads a page as zeros when a segment starts within a page
# of it (elfdump.c find_closest_*), so a hole must be two pages to be missing
HOLE = 0x2000
check = Checks('corrupt/')


def run(collector, path, *args):
    try:
        r = subprocess.run([collector, "analyze", *args, path], capture_output=True, text=True,
                           errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, None, "timed out after %ds" % TIMEOUT
    rep = None
    if "--json" in args:
        try:
            rep = json.loads(r.stdout)
        except ValueError:
            pass
    return r.returncode, rep, r.stderr


def phdrs(buf):
    phoff, = struct.unpack_from("<Q", buf, 32)
    phentsize, phnum = struct.unpack_from("<HH", buf, 54)
    return [list(struct.unpack_from("<IIQQQQQQ", buf, phoff + i * phentsize))
            for i in range(phnum)]


def with_hole(src, dst, pa_lo, pa_hi):
    """Copy @src to @dst with physical [pa_lo, pa_hi) removed from every
    PT_LOAD: the program headers are rewritten at the end of the file."""
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        head = f.read(1 << 16)
        out = []
        for p in phdrs(head):
            typ, flags, off, vaddr, paddr, filesz, memsz, align = p
            if typ != PT_LOAD or pa_hi <= paddr or pa_lo >= paddr + filesz:
                out.append(p)
                continue
            if pa_lo > paddr:
                n = pa_lo - paddr
                out.append([typ, flags, off, vaddr, paddr, n, n, align])
            if pa_hi < paddr + filesz:
                d = pa_hi - paddr
                out.append([typ, flags, off + d, vaddr + d, pa_hi, filesz - d, memsz - d, align])
        f.seek(0, 2)
        end = (f.tell() + 7) & ~7
        f.truncate(end)
        f.seek(end)
        for p in out:
            f.write(struct.pack("<IIQQQQQQ", *p))
        f.seek(32)
        f.write(struct.pack("<Q", end))
        f.seek(56)
        f.write(struct.pack("<H", len(out)))


def note_spans(buf):
    """[(name, type, desc_offset, desc_size)] of the ELF's PT_NOTE notes."""
    spans = []
    for typ, _, off, _, _, filesz, _, _ in phdrs(buf):
        if typ != PT_NOTE:
            continue
        pos, end = off, off + filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", buf, pos)
            if namesz == 0 and descsz == 0:
                break
            name = buf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            desc = pos + 12 + ((namesz + 3) & ~3)
            spans.append((name, ntype, desc, descsz))
            pos = desc + ((descsz + 3) & ~3)
    return spans


def patch_notes(src, dst, fn):
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        buf = bytearray(f.read(1 << 16))
        for name, ntype, desc, size in note_spans(buf):
            fn(buf, name, ntype, desc, size)
        f.seek(0)
        f.write(buf)


# every damaged input run, for docs/robustness.md: (case, exit status, stderr)
OUTCOMES = []


def outcome(rc, err):
    if rc is None:
        return "hang"
    if rc < 0 or rc >= 128 or "Sanitizer" in (err or ""):
        return "crash"
    return "clean error" if rc in (2, 64) else "report"


# families of cases, by name prefix (first match)
FAMILIES = [
    ("header-", "ELF header fields"),
    ("truncated-", "truncation"), ("empty-", "truncation"),
    ("no-percpu-page", "pages missing"), ("no-btf-page", "pages missing"),
    ("zeroed-vmcoreinfo", "notes and VMCOREINFO"), ("bad-pagesize", "notes and VMCOREINFO"),
    ("kallsyms-not-in", "notes and VMCOREINFO"),
    ("no-prstatus", "notes and VMCOREINFO"), ("garbage-fp", "notes and VMCOREINFO"),
    ("evil-release", "dump strings in names and text"),
    ("fifo", "input and output files"), ("repair-onto", "input and output files"),
    ("planted", "input and output files"),
    ("flips-", "random bit flips in memory the analysis reads"),
    ("", "hostile pointers (cycles, garbage)"),
]


def record(case, rc, err):
    OUTCOMES.append((case, rc, err))


def write_table(path):
    rows = {}
    for case, rc, err in OUTCOMES:
        fam = next(f for p, f in FAMILIES if case.startswith(p))
        r = rows.setdefault(fam, {"cases": set(), "runs": 0, "report": 0, "clean error": 0,
                                  "crash": 0, "hang": 0})
        r["cases"].add(case.split("#")[0])
        r["runs"] += 1
        r[outcome(rc, err)] += 1
    with open(path, "w") as f:
        f.write(ROBUSTNESS_PROSE)
        f.write("| family | cases | runs | report | clean error | crash | hang |\n")
        f.write("|---|---|---|---|---|---|---|\n")
        for fam in dict.fromkeys(f for _, f in FAMILIES):
            if fam not in rows:
                continue
            r = rows[fam]
            f.write("| %s | %s | %d | %d | %d | %d | %d |\n" % (
                fam, ", ".join(sorted(r["cases"])), r["runs"], r["report"], r["clean error"],
                r["crash"], r["hang"]))
        tot = {k: sum(r[k] for r in rows.values()) for k in ("runs", "crash", "hang")}
        f.write("\n%d runs: %d crashes, %d hangs.\n" % (tot["runs"], tot["crash"], tot["hang"]))


ROBUSTNESS_PROSE = """# Damaged and hostile dumps: what the collector does with them

<!-- written by tests/fixture-checks/check_corrupt.py --table (make robustness); make check
fails when it is out of date -->

Every run below is `kdump-collect` (analyze, and where it matters collect and repair) on a
copy of the csd-lockup fixture's real dump, damaged one way, under a timeout; `make asan`
runs the same cases under AddressSanitizer and UndefinedBehaviorSanitizer. "report": it
wrote a report (exit 0 or 1, problems named); "clean error": it refused with a message
naming what was wrong (exit 2, or 64 for a refused option); "crash": a signal or a sanitizer
report; "hang": no exit within the timeout. Each case also asserts what the output must
say (tests/fixture-checks/check_corrupt.py); this table only counts how the runs ended.
The fuzz targets (tests/fuzz/README.md) cover the decoders with generated inputs.

"""


def sane(name, rc, err):
    """The run ended by itself, without a signal or a sanitizer report."""
    record(name, rc, err)
    ok = rc is not None and 0 <= rc < 128 and "Sanitizer" not in (err or "")
    if not ok:
        check(name + "-no-crash", False, "exit %s: %s" % (rc, (err or "")[-300:]))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", required=True)
    ap.add_argument("--kdump", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--table", help="write the outcomes table (docs/robustness.md) here")
    a = ap.parse_args()
    collector = os.environ["KDC_COLLECT"]
    os.makedirs(a.scratch, exist_ok=True)
    tmp = os.path.join(a.scratch, "damaged")

    rc, intact, err = run(collector, a.elf, "--json")
    if rc != 0 or intact is None:
        check("intact", False, "the intact dump does not analyse: exit %s %s" % (rc, err[:200]))
        return check.report()
    head = open(a.elf, "rb").read(1 << 16)
    vmci = next(head[d:d + s] for n, t, d, s in note_spans(head) if n == b"VMCOREINFO")
    kvoff = int(re.search(rb"NUMBER\(kimage_voffset\)=0x([0-9a-f]+)", vmci).group(1), 16)
    nr_notes = len(intact["notes"])

    # 0. ELF header fields libkdumpfile trusts (a zero e_phentsize made it
    #    fault): refused by name before it sees them, exit 2, every command
    head1m = open(a.elf, "rb").read(1 << 20)
    for label, off, fmt, val, word in (
            ("phentsize-0", 54, "<H", 0, "e_phentsize"),
            ("phentsize-32", 54, "<H", 32, "e_phentsize"),
            ("phnum-0", 56, "<H", 0, "e_phnum"),
            ("phoff-past-end", 32, "<Q", 1 << 40, "program headers"),
            ("ehsize-0", 52, "<H", 0, "e_ehsize"),
            ("class-32", 4, "B", 1, "class")):
        b = bytearray(head1m)
        struct.pack_into(fmt, b, off, val)
        open(tmp, "wb").write(b)
        outs = []
        for cmd in (["analyze"], ["analyze", "--json"], ["repair", "-o", tmp + ".out"]):
            r = subprocess.run([collector, cmd[0], tmp] + cmd[1:], capture_output=True,
                               text=True, errors="replace", timeout=TIMEOUT)
            outs.append((r.returncode, r.stderr))
            record("header-" + label + "#" + cmd[0], r.returncode, r.stderr)
        check("header-" + label, all(rc == 2 and word in e for rc, e in outs)
              and not os.path.exists(tmp + ".out"),
              "; ".join("exit %d: %s" % (rc, e.strip()[-120:]) for rc, e in outs))

    # 1. the page holding __per_cpu_offset is not in the dump
    pa = int(intact["percpu"]["per_cpu_offset"], 16) - kvoff
    with_hole(a.elf, tmp, pa & ~0xfff, (pa & ~0xfff) + HOLE)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("no-percpu-page", rc, err):
        check("no-percpu-page", rc == 1 and rep is not None and rep["cpus"] == []
              and any("__per_cpu_offset" in p for p in rep["problems"])
              and len(rep["notes"]) == nr_notes and rep["symbols"]["count"] > 0
              and rep["panic"]["cpu"] == intact["panic"]["cpu"],
              "exit %s, problems %s" % (rc, rep and rep["problems"]))

    # 2. the BTF blob's first page is not in the dump
    pa = int(intact["types"]["btf_address"], 16) - kvoff
    with_hole(a.elf, tmp, pa & ~0xfff, (pa & ~0xfff) + HOLE)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("no-btf-page", rc, err):
        check("no-btf-page", rc == 1 and rep is not None and rep["types"]["source"] is None
              and any("BTF" in p for p in rep["problems"]) and len(rep["notes"]) == nr_notes
              and rep["symbols"]["count"] > 0,
              "exit %s, types %s, problems %s" % (rc, rep and rep["types"],
                                                   rep and rep["problems"]))

    # 3. VMCOREINFO zeroed
    def zero_vmcoreinfo(buf, name, ntype, desc, size):
        if name == b"VMCOREINFO":
            buf[desc:desc + size] = bytes(size)
    patch_notes(a.elf, tmp, zero_vmcoreinfo)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("zeroed-vmcoreinfo", rc, err):
        check("zeroed-vmcoreinfo", rc == 1 and rep is not None
              and any("VMCOREINFO" in p for p in rep["problems"])
              and [n["pid"] for n in rep["notes"]] == [n["pid"] for n in intact["notes"]],
              "exit %s, problems %s" % (rc, rep and rep["problems"]))
    rc, _, err = run(collector, tmp)
    if sane("zeroed-vmcoreinfo-text", rc, err):
        check("zeroed-vmcoreinfo-text", rc == 1, "exit %s" % rc)

    # 3a. a 6.1 dump whose VMCOREINFO does not locate kallsyms, as before 6.0:
    #     the tables are found in the kernel image, the same symbols decode,
    #     the verdict is the same; and the bundle's small dump holds them
    def hide_kallsyms(buf, name, ntype, desc, size):
        if name == b"VMCOREINFO":
            buf[desc:desc + size] = bytes(buf[desc:desc + size]).replace(
                b"SYMBOL(kallsyms_", b"SYMBOL(xallsyms_")
    patch_notes(a.elf, tmp, hide_kallsyms)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("kallsyms-not-in-vmcoreinfo", rc, err):
        check("kallsyms-not-in-vmcoreinfo", rc == 0 and rep is not None
              and rep["symbols"]["source"] == "kallsyms (dump, found in the kernel image)"
              and rep["symbols"]["count"] == intact["symbols"]["count"]
              and rep["verdict"]["summary"] == intact["verdict"]["summary"],
              "exit %s, symbols %s" % (rc, rep and rep["symbols"]))
        kdir = os.path.join(a.scratch, "kallsyms-image")
        shutil.rmtree(kdir, ignore_errors=True)
        os.makedirs(kdir)
        r = subprocess.run([collector, "collect", "--vmcore", tmp, "--output-dir", kdir],
                           capture_output=True, text=True, timeout=TIMEOUT)
        subprocess.run("zstd -dc '%s' | tar -x -C '%s' --wildcards '*/vmcore.mini'"
                       % (r.stdout.strip(), kdir), shell=True)
        mini = next((os.path.join(dp, f) for dp, _, fs in os.walk(kdir) for f in fs
                     if f == "vmcore.mini"), None)
        rc2, rep2, err2 = run(collector, mini, "--json") if mini else (None, None, "no mini")
        if sane("kallsyms-not-in-vmcoreinfo-small-dump", rc2, err2):
            check("kallsyms-not-in-vmcoreinfo-small-dump", rep2 is not None
                  and rep2["symbols"]["count"] == intact["symbols"]["count"]
                  and rep2["verdict"]["summary"] == intact["verdict"]["summary"],
                  "exit %s, symbols %s" % (rc2, rep2 and rep2["symbols"]))
        shutil.rmtree(kdir, ignore_errors=True)

    # 3b. VMCOREINFO PAGESIZE that is not a page size (it sizes buffers):
    #     named as a problem; libkdumpfile then refuses memory access, so the
    #     report is what the notes and headers give
    def bad_pagesize(buf, name, ntype, desc, size):
        if name == b"VMCOREINFO":
            i = buf.find(b"PAGESIZE=4096\n", desc, desc + size)
            if i >= 0:
                buf[i:i + 14] = b"PAGESIZE=9999\n"
    patch_notes(a.elf, tmp, bad_pagesize)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("bad-pagesize", rc, err):
        check("bad-pagesize", rc == 1 and rep is not None
              and any("PAGESIZE=9999" in p for p in rep["problems"])
              and len(rep["notes"]) == nr_notes,
              "exit %s, problems %s" % (rc, rep and rep["problems"]))

    # 3c. a release made to escape the output directory and drive the
    #     terminal: the bundle stays in --output-dir under a clean name, and
    #     no control byte reaches analyze's or show's text
    rel = intact["kernel"]["release"].encode()
    evil = (b"x/../\x1b]0;pwn\x07" + b"z" * 64)[:len(rel)]

    def evil_release(buf, name, ntype, desc, size):
        if name == b"VMCOREINFO":
            i = buf.find(b"OSRELEASE=" + rel + b"\n", desc, desc + size)
            if i >= 0:
                buf[i + 10:i + 10 + len(rel)] = evil
    patch_notes(a.elf, tmp, evil_release)
    outdir = os.path.join(a.scratch, "evil-out")
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    r = subprocess.run([collector, "collect", "--vmcore", tmp, "--output-dir", outdir],
                       capture_output=True, timeout=TIMEOUT)
    record("evil-release#collect", r.returncode, r.stderr.decode(errors="replace"))
    made = os.listdir(outdir)
    bundle = os.path.join(outdir, made[0]) if len(made) == 1 else ""
    check("evil-release-bundle-name", r.returncode in (0, 1) and len(made) == 1
          and re.fullmatch(r"kdump-[A-Za-z0-9._+-]+\.tar\.zst", made[0]) is not None
          and not os.path.exists(os.path.join(a.scratch, "..", "e")),
          "exit %d, made %s, stderr %s" % (r.returncode, made, r.stderr[-200:]))
    texts = [subprocess.run([collector, "analyze", tmp], capture_output=True,
                            timeout=TIMEOUT).stdout]
    if bundle:
        texts.append(subprocess.run([collector, "show", "--manifest", bundle],
                                    capture_output=True, timeout=TIMEOUT).stdout)
        texts.append(subprocess.run("zstd -dc '%s' | tar -xO --wildcards '*/report.txt'" % bundle,
                                    shell=True, capture_output=True).stdout)
    check("evil-release-no-control-bytes", len(texts) == 3 and all(
          t and not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", t) and b"\\x1b" in t for t in texts),
          "control bytes in %s" % [bool(re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", t)) for t in texts])

    # 3d. no NT_PRSTATUS note at all: never "complete"
    def no_prstatus(buf, name, ntype, desc, size):
        if name == b"CORE" and ntype == 1:
            buf[desc - 8] = ord("X")	# "CORE\0" padded to 8 bytes before desc
    patch_notes(a.elf, tmp, no_prstatus)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("no-prstatus", rc, err):
        check("no-prstatus", rc == 1 and rep is not None and rep["notes"] == []
              and any("no NT_PRSTATUS" in p for p in rep["problems"]),
              "exit %s, problems %s" % (rc, rep and rep["problems"]))

    # 3e. where the one copy of the crash could be lost or redirected
    fifo = os.path.join(a.scratch, "fifo")
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    outs = []
    for cmd in (["analyze", fifo], ["collect", "--vmcore", fifo, "--output-dir", a.scratch],
                ["repair", fifo, "-o", fifo + ".out"]):
        try:
            r = subprocess.run([collector] + cmd, capture_output=True, text=True, timeout=20)
            outs.append((r.returncode, r.stderr))
        except subprocess.TimeoutExpired:
            outs.append((None, "hung"))
        record("fifo#" + cmd[0], *outs[-1])
    check("fifo-refused", all(rc == 2 and "not a regular file" in e for rc, e in outs),
          "; ".join("exit %s: %s" % (rc, e.strip()[-100:]) for rc, e in outs))
    os.unlink(fifo)
    # repair onto its own input, by another name (hard link) or a symlink
    victim = os.path.join(a.scratch, "victim.elf")
    shutil.copyfile(a.elf, victim)
    size = os.path.getsize(victim)
    alias, link = victim + ".hard", victim + ".sym"
    for p_ in (alias, link):
        if os.path.lexists(p_):
            os.unlink(p_)
    os.link(victim, alias)
    os.symlink(victim, link)
    res = [subprocess.run([collector, "repair", victim, "-o", o], capture_output=True, text=True,
                          timeout=TIMEOUT) for o in (victim, alias, link)]
    for r, how in zip(res, ("same-name", "hard-link", "symlink")):
        record("repair-onto-input#" + how, r.returncode, r.stderr)
    check("repair-onto-input", all(r.returncode == 2 and "is the input dump" in r.stderr for r in res)
          and os.path.getsize(victim) == size,
          "; ".join("exit %d: %s" % (r.returncode, r.stderr.strip()[-100:]) for r in res))
    # a symlink planted at the bundle's name is neither followed nor replaced
    planted_dir = os.path.join(a.scratch, "planted")
    shutil.rmtree(planted_dir, ignore_errors=True)
    os.makedirs(planted_dir)
    r = subprocess.run([collector, "collect", "--vmcore", a.elf, "--output-dir", planted_dir],
                       capture_output=True, text=True, timeout=TIMEOUT)
    first = r.stdout.strip()
    target = os.path.join(a.scratch, "planted-target")
    open(target, "w").write("keep me\n")
    if os.path.isfile(first):
        os.unlink(first)
        os.symlink(target, first)
    r = subprocess.run([collector, "collect", "--vmcore", a.elf, "--output-dir", planted_dir],
                       capture_output=True, text=True, timeout=TIMEOUT)
    second = r.stdout.strip()
    record("planted-symlink", r.returncode, r.stderr)
    check("planted-symlink", r.returncode == 0 and second == first[:-8] + "-2.tar.zst"
          and open(target).read() == "keep me\n" and os.path.islink(first),
          "exit %d: %s, %s" % (r.returncode, second, r.stderr[-150:]))
    shutil.rmtree(planted_dir, ignore_errors=True)
    for p_ in (victim, alias, link, target):
        if os.path.lexists(p_):
            os.unlink(p_)

    # 4. garbage frame pointer and PC in the panic CPU's note: a one-frame
    #    backtrace that says why it stopped
    panic_pid = next(c["task"]["pid"] for c in intact["cpus"] if c["cpu"] == intact["panic"]["cpu"])

    def garbage_regs(buf, name, ntype, desc, size):
        if name == b"CORE" and ntype == 1 and struct.unpack_from("<i", buf, desc + 32)[0] == panic_pid:
            struct.pack_into("<Q", buf, desc + 112 + 29 * 8, 0xdeadbeefdeadbee8)  # x29
            struct.pack_into("<Q", buf, desc + 112 + 32 * 8, 0x4141414141414141)  # pc
    patch_notes(a.elf, tmp, garbage_regs)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("garbage-fp", rc, err):
        cpu = rep and next((c for c in rep["cpus"] if c["task"]["pid"] == panic_pid), None)
        check("garbage-fp", cpu is not None and len(cpu["backtrace"]) == 1
              and cpu["backtrace"][0]["function"] is None and not cpu["backtrace_complete"]
              and "outside" in cpu["backtrace_end"],
              "cpu %s" % (cpu and {k: cpu[k] for k in ("backtrace", "backtrace_end")}))

    # 5. hostile memory: cycles and garbage pointers where the analysis walks
    def poke(label, va, value):
        """A copy with the 8 bytes at kernel address @va set to @value."""
        shutil.copyfile(a.elf, tmp)
        with open(tmp, "r+b") as f:
            for typ, _, off, vaddr, _, filesz, _, _ in phdrs(head):
                if typ == PT_LOAD and vaddr <= va < vaddr + filesz:
                    f.seek(off + va - vaddr)
                    f.write(struct.pack("<Q", value))
                    return True
        check(label, False, "0x%x is not in a PT_LOAD of the ELF" % va)
        return False

    def hostile(label, va, value, ok_fn, what):
        if not poke(label, va, value):
            return
        rc, rep, err = run(collector, tmp, "--json")
        if sane(label, rc, err):
            check(label, rc in (0, 1) and rep is not None and ok_fn(rep),
                  "exit %s, %s" % (rc, rep and what(rep)))

    stuck = intact["verdict"]["waits"][0]
    # the queued request points to itself: the queue walk must end
    hostile("cyclic-call-single-queue", int(stuck["csd"], 16), int(stuck["csd"], 16),
            lambda r: r["verdict"]["stuck_cpus"] == intact["verdict"]["stuck_cpus"]
            and any("loops" in p for p in r["problems"]), lambda r: r["problems"])
    # the module list head points into nowhere: no modules, everything else stands
    hostile("garbage-module-list", int(intact["modules"]["list_head"], 16), 0x4141414141414140,
            lambda r: r["modules"]["loaded"] == [] and r["modules"]["error"]
            and len(r["cpus"]) == len(intact["cpus"]), lambda r: r["modules"])
    # the stuck CPU's current task pointer is garbage: that CPU is reported unreadable
    cpu = intact["verdict"]["stuck_cpus"][0]
    rq = int(next(c for c in intact["cpus"] if c["cpu"] == cpu)["runqueue"], 16)
    curr_off = None
    # rq->curr: the first word of the runqueue whose value is the task's address
    task = int(next(c for c in intact["cpus"] if c["cpu"] == cpu)["task"]["address"], 16)
    words = subprocess.run([collector, "analyze", "--read", "%x,4096" % rq, a.elf],
                           capture_output=True, text=True).stdout.splitlines()
    for w in words:
        addr, val = w.split()[:2]
        if int(val, 16) == task:
            curr_off = int(addr.rstrip(":"), 16)
            break
    if curr_off is None:
        check("garbage-current-task", False, "rq->curr not found in the runqueue")
    else:
        hostile("garbage-current-task", curr_off, 0xdead00000000beef,
                lambda r: r["cpus"][cpu]["task"] is None and r["cpus"][cpu]["error"]
                and r["cpus"][cpu]["registers_source"] == "none", lambda r: r["cpus"][cpu])
    # a frame record that points to itself on CPU 0's stack: the walk must stop
    fp = int(next(c for c in intact["cpus"] if c["cpu"] == 0)["registers"]["fp"], 16)
    hostile("frame-record-loop", fp, fp,
            lambda r: not r["cpus"][0]["backtrace_complete"]
            and "move up" in r["cpus"][0]["backtrace_end"], lambda r: r["cpus"][0])

    # 6. random byte flips where the walks go: the top page table, CPU 0's
    #    stack, the panicking task, every runqueue. Whatever the damage, the
    #    run ends in bounded time with a report (exit 0 or 1), never a crash.
    import random
    svi = {k: v for k, v in re.findall(rb"(SYMBOL\(swapper_pg_dir\))=([0-9a-f]+)", vmci)}
    targets = []
    if svi:
        targets.append(("page-table", int(list(svi.values())[0], 16), 4096))
    cpu0 = next(c for c in intact["cpus"] if c["cpu"] == 0)
    targets.append(("cpu0-stack", int(cpu0["registers"]["fp"], 16) - 2048, 4096))
    panic_cpu = next(c for c in intact["cpus"] if c["cpu"] == intact["panic"]["cpu"])
    targets.append(("panic-task", int(panic_cpu["task"]["address"], 16), 4096))
    for c in intact["cpus"]:
        targets.append(("runqueue-cpu%d" % c["cpu"], int(c["runqueue"], 16), 4096))

    def flip(va, length, seed):
        rng = random.Random(seed)
        shutil.copyfile(a.elf, tmp)
        with open(tmp, "r+b") as f:
            for typ, _, off, vaddr, paddr, filesz, _, _ in phdrs(head):
                lo = va - kvoff if va >= kvoff and va - kvoff >= paddr else None
                for base, size, addr in ((vaddr, filesz, va), (paddr, filesz, lo)):
                    if typ == PT_LOAD and addr is not None and base <= addr and \
                            addr + length <= base + size:
                        for _ in range(64):
                            at = off + addr - base + rng.randrange(length)
                            f.seek(at)
                            b = f.read(1)
                            f.seek(at)
                            f.write(bytes([b[0] ^ (1 << rng.randrange(8))]))
                        return True
        return False

    for label, va, length in targets:
        worst = 0.0
        bad = None
        placed = 0
        for seed in range(5):
            if not flip(va, length, seed):
                continue
            placed += 1
            t0 = time.monotonic()
            rc, rep, err = run(collector, tmp, "--json")
            record("flips-%s#%d" % (label, seed), rc, err)
            worst = max(worst, time.monotonic() - t0)
            if rc is None or rc not in (0, 1) or rep is None or "Sanitizer" in (err or ""):
                bad = "seed %d: exit %s %s" % (seed, rc, (err or "")[-200:])
                break
        check("flips-" + label, placed > 0 and bad is None and worst < 60,
              bad or ("placed %d, slowest %.1fs" % (placed, worst)))

    # 7. truncations
    size = os.path.getsize(a.elf)
    for label, cut in (("elf-headers", 300), ("elf-kernel-image", 0x1000000),
                       ("elf-half", size // 2)):
        shutil.copyfile(a.elf, tmp)
        os.truncate(tmp, cut)
        rc, rep, err = run(collector, tmp, "--json")
        if not sane("truncated-" + label, rc, err):
            continue
        if label == "elf-headers":
            check("truncated-" + label, rc == 2 and "kdump-collect analyze:" in err,
                  "exit %s: %s" % (rc, err[:200]))
        else:
            check("truncated-" + label, rc == 1 and rep is not None and rep["problems"]
                  and len(rep["notes"]) == nr_notes,
                  "exit %s, problems %s" % (rc, rep and rep["problems"]))
    shutil.copyfile(a.kdump, tmp)
    os.truncate(tmp, os.path.getsize(a.kdump) // 2)
    rc, rep, err = run(collector, tmp, "--json")
    if sane("truncated-kdump-half", rc, err):
        check("truncated-kdump-half", rc in (1, 2) and (rc == 2 or rep is not None),
              "exit %s: %s" % (rc, err[:200]))
    rc, _, err = run(collector, tmp, "--dmesg")
    sane("truncated-kdump-half-dmesg", rc, err)
    open(tmp, "wb").close()
    rc, _, err = run(collector, tmp)
    if sane("empty-file", rc, err):
        check("empty-file", rc == 2 and "kdump-collect analyze:" in err, "exit %s" % rc)
    os.unlink(tmp)
    if a.table:
        write_table(a.table)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
