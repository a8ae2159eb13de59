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
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixture-checks"))
from checks import Checks  # noqa: E402

check = Checks('repair/')


def small_dump(collector, o, fx, exp):
    """crash opens the bundle's vmcore.mini and bt -a shows every CPU as it
    does on the full dump (crash-bt.txt), the stuck ones included."""
    name = os.path.basename(os.path.normpath(fx))
    out = os.path.join(o.scratch, name + "-bundle")
    subprocess.run(["rm", "-rf", out])
    os.makedirs(out)
    r = subprocess.run([collector, "collect", "--vmcore", os.path.join(fx, "dump.kdump"),
                        "--output-dir", out], capture_output=True, text=True)
    bundle = r.stdout.strip()
    if not os.path.isfile(bundle):
        check(name + "-small-dump-collect", False, r.stderr[-200:])
        return
    subprocess.run("zstd -dc '%s' | tar x -C '%s'" % (bundle, out), shell=True, check=True)
    mini = subprocess.run("ls %s/*/vmcore.mini" % out, shell=True, capture_output=True,
                          text=True).stdout.strip()
    cmds = os.path.join(o.scratch, "crash-cmds-mini")
    with open(cmds, "w") as f:
        f.write("bt -a\nq\n")
    run = subprocess.run(["timeout", "900", "qemu-aarch64-static", "-L", o.root,
                          os.path.join(o.root, "usr/bin/crash"), "-s", o.vmlinux, mini, "-i", cmds],
                         capture_output=True, text=True, errors="replace")
    text = run.stdout + run.stderr
    with open(os.path.join(fx, "crash-bt-small-dump.txt"), "w") as f:
        f.write("# crash 8.0.2 -s vmlinux (-dbg) on the bundle's vmcore.mini "
                "(kdump-collect collect of dump.kdump); commands: bt -a\n")
        f.write(text)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from compare_bt import parse_crash_bt
    small, _ = parse_crash_bt(text)
    full, _ = parse_crash_bt(open(os.path.join(fx, "crash-bt.txt")).read())
    same = all(small.get(c, {}).get("functions") == full[c]["functions"] for c in full
               if full[c]["functions"])
    stuck_ok = all(small.get(s["cpu"], {}).get("functions", [None])[:1] == [s["function"]]
                   for s in exp["stuck_cpus"])
    check(name + "-small-dump-crash-bt", run.returncode == 0 and same and stuck_ok
          and "cannot find NT_PRSTATUS" not in text,
          "exit %d; crash on the small dump: %s" % (run.returncode,
                                                   {c: v["functions"][:3] for c, v in small.items()}))
    subprocess.run(["rm", "-rf", out])


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
        small_dump(collector, o, fx, exp)
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
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
