#!/usr/bin/env python3
"""One point of make bench (bench/run.sh): the host runs (measure.py rows),
the capture kernel's own runs (the dump's serial log), the guest's shape
and load, and whether the bundle's first line names the stuck CPU that
QEMU's ground truth (expected.json) names. Written as bench/results/POINT.json."""
import argparse
import datetime
import json
import os
import re
import subprocess

# busybox 1.35's `time -v` prints ru_maxrss as if it counted 4 KiB pages
# (it is KiB on Linux): a 100 MiB bytearray in python3 shows 441616 "kbytes"
# there and 110424 KiB under GNU time. Its value is divided back by this.
BUSYBOX_MAXRSS_SCALE = 4


def elapsed_s(text):
    """busybox %E: "0m 3.66s", or [h:]mm:ss.ss"""
    m = re.match(r"(\d+)m ([\d.]+)s$", text.strip())
    if m:
        return int(m.group(1)) * 60 + float(m.group(2))
    parts = [float(x) for x in text.strip().split(":")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(parts)))


def capture_runs(serial):
    """KDC-MARK: bench-capture LABEL bytes=N;User time (seconds): X;..."""
    runs = []
    for m in re.finditer(r"KDC-MARK: bench-capture (\S+) bytes=(\d+);(.*)", serial):
        if m.group(1) == "collect-said":
            continue
        f = dict(kv.split(": ", 1) for kv in m.group(3).strip().strip(";").split(";") if ": " in kv)
        user = float(f.get("User time (seconds)", "nan"))
        sys_ = float(f.get("System time (seconds)", "nan"))
        wall = [v for k, v in f.items() if k.startswith("Elapsed")]
        rss = [v for k, v in f.items() if k.startswith("Maximum resident")]
        runs.append({"tool": {"collect": "kdump-collect collect",
                              "collect-read": "kdump-collect collect, /proc/vmcore by read(2)",
                              "makedumpfile-l": "makedumpfile -l -d 31 (1.7.2)"}.get(m.group(1),
                                                                                     m.group(1)),
                     "wall": elapsed_s(wall[0]) if wall else None,
                     "cpu": round(user + sys_, 2),
                     "rss_kib": int(rss[0]) // BUSYBOX_MAXRSS_SCALE if rss else None,
                     "output_bytes": int(m.group(2))})
    return runs


def guest(serial, cmdline):
    g = {"mem_mib": int(re.search(r"-m (\d+)", cmdline).group(1)),
         "cpus": int(re.search(r"-smp (\d+)", cmdline).group(1))}
    t = re.search(r"big-tasks threads=\d+/(\d+)", serial)
    g["threads"] = int(t.group(1)) if t else None
    for k in ("MemFree", "Cached", "AnonPages", "Shmem", "Buffers"):
        m = re.search(r"%s: (\d+) kB" % k, serial)
        g[k] = int(m.group(1)) if m else None
    return g


def main():
    ap = argparse.ArgumentParser()
    for a in ("point", "raw", "meta", "rows", "first-line", "out"):
        ap.add_argument("--" + a, required=True)
    o = ap.parse_args()
    serial = open(os.path.join(o.meta, "serial.log"), errors="replace").read()
    cmdline = open(os.path.join(o.meta, "qemu-cmdline.txt")).read()
    exp = json.load(open(os.path.join(o.meta, "expected.json")))
    first = open(o.first_line, errors="replace").read().strip()
    stuck = exp["stuck_cpus"][0]
    named = re.match(r"verdict: CPU (\d+) \(.*?\) is stuck, \w+(?: \w+)? in (\S+)", first)
    st = os.stat(o.raw)
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    commit = subprocess.run(["git", "-C", top, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or None
    # uncommitted changes to what is built (not to the results being made)
    if commit and subprocess.run(["git", "-C", top, "diff", "--quiet", "HEAD", "--",
                                  "collector", "parsers", "Makefile"]).returncode:
        commit += "-dirty"
    # which collector made these numbers: the capture-kernel rows come from
    # the run that made the dump, the host rows from this one
    res = {"point": o.point, "measured": datetime.date.today().isoformat(),
           "collector_commit": commit, "guest": guest(serial, cmdline),
           "raw_bytes": st.st_size, "raw_allocated_bytes": st.st_blocks * 512,
           "truth": {"cpu": stuck["cpu"], "function": stuck["function"]},
           "first_line": first[:300],
           "verdict_right": bool(named and int(named.group(1)) == stuck["cpu"]
                                 and named.group(2) == stuck["function"]),
           "host": [json.loads(line) for line in open(o.rows)],
           "capture_kernel": capture_runs(serial)}
    with open(o.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
