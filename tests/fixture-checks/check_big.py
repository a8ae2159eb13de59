#!/usr/bin/env python3
"""The big-machine fixtures (tests/big-fixtures/*: -smp 32 -m 16G, 20,000+
threads), whose dumps are too big for git: where tests/qemu/make-big.sh has
rebuilt them (the paths in dump.location, of the recorded size), analyze
must name exactly QEMU's stuck CPUs with the truth's function first and
every KVM vCPU thread with its last exit, and
collect must keep the bundle whole (no step partial, the mini dump not cut
at its bounds). Prints SKIP where the dump is not there."""
import json
import os
import subprocess
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))


def dumps(fixture):
    """{form: path} of the dumps dump.location names that exist at their size."""
    out = {}
    for line in open(os.path.join(fixture, "dump.location")):
        p = line.split()
        if not p or p[0].startswith("#"):
            continue
        path = os.path.join(TOP, "tests", "qemu", p[1])
        size = int(next(x for x in p if x.startswith("bytes=")).split("=")[1])
        if os.path.isfile(path) and os.path.getsize(path) == size:
            out[p[0]] = path
    return out


def main():
    collector, scratch = sys.argv[1], sys.argv[2]
    check = Checks("big/")
    for name in sorted(os.listdir(os.path.join(TOP, "tests", "big-fixtures"))):
        fx = os.path.join(TOP, "tests", "big-fixtures", name)
        if not os.path.isfile(os.path.join(fx, "expected.json")):
            continue
        exp = json.load(open(os.path.join(fx, "expected.json")))
        found = dumps(fx)
        if not found:
            print("SKIP big/%s: no dump (tests/qemu/make-big.sh rebuilds it)" % name)
            continue
        for form, path in sorted(found.items()):
            r = subprocess.run([collector, "analyze", "--json", path], capture_output=True,
                               text=True, timeout=600)
            rep = json.loads(r.stdout) if r.stdout else {}
            v = rep.get("verdict") or {}
            want = sorted(s["cpu"] for s in exp.get("stuck_cpus", []))
            check("%s-%s-stuck-cpus" % (name, form), sorted(v.get("stuck_cpus") or []) == want,
                  "verdict %s, QEMU %s" % (v.get("stuck_cpus"), want))
            for s in exp.get("stuck_cpus", []):
                rec = (rep["cpus"][s["cpu"]].get("recovery") or {}) if rep.get("cpus") else {}
                top = ((rec.get("candidates") or [{}])[0]).get("function")
                check("%s-%s-cpu%d-function" % (name, form, s["cpu"]), top == s["function"],
                      "top candidate %s, QEMU %s" % (top, s["function"]))
            # every vCPU thread QEMU saw, found among 20,000 threads, with
            # the ESR of its last exit and the guest PC in the loop
            for t in exp.get("kvm_vcpus", []):
                got = next((k for k in rep.get("kvm") or [] if (k.get("task") or {}).get("pid")
                            == t["pid"]), None)
                lo, hi = (int(x, 16) for x in t["guest_pc_range"])
                check("%s-%s-vcpu-pid%d" % (name, form, t["pid"]),
                      got is not None and got.get("cpu") == t["cpu"]
                      and got.get("esr_el2") == t["last_exit"]["esr_el2"]
                      and lo <= int(got.get("guest_pc") or "0", 16) <= hi,
                      "report %s, QEMU cpu %d esr %s guest pc %s" % (
                          got and {k: got.get(k) for k in ("cpu", "esr_el2", "guest_pc")},
                          t["cpu"], t["last_exit"]["esr_el2"], t["guest_pc_range"]))
            out = os.path.join(scratch, "big-%s-%s" % (name, form))
            subprocess.run(["rm", "-rf", out])
            os.makedirs(out)
            r = subprocess.run([collector, "collect", "--vmcore", path, "--output-dir", out],
                               capture_output=True, text=True, timeout=1200)
            man = subprocess.run([collector, "show", "--manifest", r.stdout.strip()],
                                 capture_output=True, text=True).stdout
            steps = [l for l in man.splitlines() if l.startswith("step ")]
            check("%s-%s-collect-whole" % (name, form), r.returncode == 0 and steps and not [
                l for l in steps if " partial" in l or " failed" in l],
                "exit %d: %s" % (r.returncode, "; ".join(steps)[:300]))
        if "raw.elf" in found and "dump.elf" in found:
            check_save(check, collector, scratch, name, found)
    return check.report()


def check_save(check, collector, scratch, name, found):
    """`kdump-collect save -d 31` of the raw /proc/vmcore keeps about what
    makedumpfile -d 31 kept of the same capture (tail pages of THP and large
    folios go with their head), covers what it left out inside a segment
    with p_memsz (read as zeros, as in makedumpfile's ELF), and analyzes as
    the raw dump does."""
    out = os.path.join(scratch, "big-%s-saved.elf" % name)
    if os.path.exists(out):
        os.unlink(out)
    r = subprocess.run([collector, "save", found["raw.elf"], "-o", out, "--dump-level", "31"],
                       capture_output=True, text=True, timeout=1200)
    if not os.path.isfile(out):
        check(name + "-save-written", False, "exit %d: %s" % (r.returncode, r.stderr[-200:]))
        return
    ours, peer = os.path.getsize(out), os.path.getsize(found["dump.elf"])
    check(name + "-save-size-vs-makedumpfile", ours <= peer * 1.25,
          "%d bytes, makedumpfile -d 31 of the same capture %d: %s" % (ours, peer,
                                                                      r.stderr.strip()[-200:]))
    ph = subprocess.run(["readelf", "-lW", out], capture_output=True, text=True).stdout
    loads = [l.split() for l in ph.splitlines() if l.split()[:1] == ["LOAD"]]
    check(name + "-save-memsz-covers-left-out",
          any(int(l[4], 16) < int(l[5], 16) for l in loads) and
          all(int(l[4], 16) <= int(l[5], 16) for l in loads), "%d PT_LOADs" % len(loads))
    reps = []
    for path in (found["raw.elf"], out):
        a = subprocess.run([collector, "analyze", "--json", path], capture_output=True,
                           text=True, timeout=600)
        reps.append(json.loads(a.stdout) if a.stdout else {})
    bts = [[[f["function"] for f in c["backtrace"]] for c in rep.get("cpus", [])] for rep in reps]
    check(name + "-save-analyzes-as-raw",
          reps[0].get("verdict", {}).get("summary") == reps[1].get("verdict", {}).get("summary")
          and bts[0] == bts[1] and bts[0],
          "raw %s / saved %s" % ((reps[0].get("verdict") or {}).get("summary", "")[:120],
                                 (reps[1].get("verdict") or {}).get("summary", "")[:120]))
    os.unlink(out)


if __name__ == "__main__":
    sys.exit(main())
