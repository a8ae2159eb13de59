#!/usr/bin/env python3
"""The big-machine fixtures (tests/big-fixtures/*: -smp 32 -m 16G, 20,000+
threads), whose dumps are too big for git: where tests/qemu/make-big.sh has
rebuilt them (the paths in dump.location, of the recorded size), analyze
must name exactly QEMU's stuck CPUs with the truth's function first, and
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
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
