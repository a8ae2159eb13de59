#!/usr/bin/env python3
"""crash 8.0.2 on dumps repaired by `kdump-collect repair`: for every
fixture with a CPU that never stopped, crash must no longer warn
"cannot find NT_PRSTATUS note", and `bt -c N` for each stuck CPU must show
the function QEMU's ground truth says it was executing (expected.json).
crash's output for the repaired dump is kept as crash-bt-repaired.txt."""
import argparse
import json
import os
import re
import subprocess
import sys

results = []


def check(name, ok, why=""):
    results.append(("repair/" + name, ok, why))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True, help="unpacked arm64 packages (setup.sh)")
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("fixtures", nargs="+")
    o = ap.parse_args()
    collector = os.environ["KDC_COLLECT"]
    for fx in o.fixtures:
        exp = json.load(open(os.path.join(fx, "expected.json")))
        if not exp["cpus_without_note"]:
            continue
        name = os.path.basename(os.path.normpath(fx))
        out = os.path.join(o.scratch, name + "-repaired.kdump")
        r = subprocess.run([collector, "repair", os.path.join(fx, "dump.kdump"), "-o", out],
                           capture_output=True, text=True)
        check(name + "-written", r.returncode == 0, r.stderr.strip()[:200])
        if r.returncode:
            continue
        cmds = os.path.join(o.scratch, "crash-cmds")
        with open(cmds, "w") as f:
            for s in exp["stuck_cpus"]:
                f.write("bt -c %d\n" % s["cpu"])
            f.write("q\n")
        run = subprocess.run(["timeout", "900", "qemu-aarch64-static", "-L", o.root,
                              os.path.join(o.root, "usr/bin/crash"), "-s", o.vmlinux, out,
                              "-i", cmds], capture_output=True, text=True, errors="replace")
        text = run.stdout + run.stderr
        with open(os.path.join(fx, "crash-bt-repaired.txt"), "w") as f:
            f.write("# crash 8.0.2 -s vmlinux (-dbg) on `kdump-collect repair dump.kdump`; "
                    "commands: %s\n" % ", ".join("bt -c %d" % s["cpu"] for s in exp["stuck_cpus"]))
            f.write(text)
        check(name + "-no-note-warning", "cannot find NT_PRSTATUS" not in text,
              [l for l in text.splitlines() if "NT_PRSTATUS" in l][:2])
        for s in exp["stuck_cpus"]:
            m = re.search(r"CPU: %d\s+COMMAND.*\n\s*#0 \[[0-9a-f]+\] (\S+) at" % s["cpu"], text)
            check("%s-bt-c-%d" % (name, s["cpu"]), m is not None and m.group(1) == s["function"],
                  "crash frame 0: %s, QEMU: %s" % (m and m.group(1), s["function"]))
        os.unlink(out)
    bad = 0
    for n, ok, why in results:
        print("PASS %s" % n if ok else "FAIL %s: %s" % (n, why))
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
