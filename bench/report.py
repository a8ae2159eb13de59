#!/usr/bin/env python3
"""bench/results.md from every bench/results/POINT.json (bench/run.sh).

The done-when lines of the benchmark are computed here from the numbers,
not written by hand: collect below makedumpfile -l -d 31 at every point,
collect at 16 GiB within 1.2x of 2 GiB (same CPUs), at least 10x below
makedumpfile -l at 16 GiB, peak RSS <= 32 MiB, and the stuck CPU named."""
import argparse
import datetime
import glob
import json
import os

COLLECT = "kdump-collect collect"
NATIVE = "kdump-collect collect (native amd64)"
MD_L = "makedumpfile -l -d 31 (1.7.2)"
RSS_MAX_KIB = 32 << 10


def mib(kib):
    return "%.1f" % (kib / 1024) if kib is not None else "-"


def num(v, fmt="%.2f"):
    return fmt % v if v is not None else "-"


def order(p):
    load, mem, cpus = p["point"].split("-")
    return (int(cpus[:-1]), int(mem[:-1]), load != "idle")


def row(r, base):
    ratio = "%.1fx" % (r["wall"] / base) if base and r.get("wall") else "-"
    return "| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        r["tool"], num(r.get("wall")), num(r.get("cpu")), mib(r.get("rss_kib")),
        num(r.get("output_bytes"), "%d"), num(r.get("read_bytes"), "%d"),
        num(r.get("faults"), "%d"), ratio)


def by_tool(rows):
    return {r["tool"]: r for r in rows}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    o = ap.parse_args()
    points = sorted((json.load(open(f)) for f in glob.glob(os.path.join(o.results, "*.json"))),
                    key=order)
    out = ["# make bench results", "",
           "Made by `make bench` (bench/run.sh, bench/report.py) on %d host cores, written %s; "
           "%d points, each saying when and with which collector it was measured." % (
               os.cpu_count(), datetime.date.today().isoformat(), len(points)),
           "Input: the raw ELF /proc/vmcore of a csd-lockup crash (Debian 6.1.0-50-arm64, real",
           "kdump, tests/qemu), saved whole from the capture kernel. Host rows: every tool an arm64",
           "binary under qemu-aarch64-static reading that file (the emulator's ~10 MiB is in every",
           "RSS), plus the collector's native amd64 build. Capture-kernel rows: the same collector",
           "and makedumpfile on /proc/vmcore itself, in the emulated capture kernel (TCG, nr_cpus=1).",
           "\"Read\" is rchar (bytes read(2) returned, children included; crash's includes its",
           "vmlinux); makedumpfile maps the dump with mmap(2), so its reading shows in its page",
           "faults instead. See bench/run.sh for the commands, make-dumps.sh for the load.", ""]
    checks = []
    for p in points:
        g = p["guest"]
        out.append("## %s: %d MiB, %d CPUs, %s threads%s" % (
            p["point"], g["mem_mib"], g["cpus"], g["threads"] or "?",
            ", idle" if p["point"].startswith("idle") else
            ", anon %s MiB, page cache %s MiB" % (
                (g["AnonPages"] or 0) >> 10, ((g["Cached"] or 0) + (g["Buffers"] or 0)) >> 10)))
        out.append("")
        out.append("Measured %s with the collector at %s." % (
            p.get("measured", "2026-12-05"),
            p.get("collector_commit") or "a commit not recorded (before 3a60c76: SHA-256 "
            "digests, small-dump pages read through libkdumpfile)"))
        out.append("")
        out.append("Raw vmcore %d bytes (%d allocated: non-zero pages). Bundle's first line "
                   "names the stuck CPU QEMU saw (CPU %d in %s): **%s**." % (
                       p["raw_bytes"], p["raw_allocated_bytes"], p["truth"]["cpu"],
                       p["truth"]["function"], "yes" if p["verdict_right"] else "NO"))
        out.append("")
        out.append("| Run | Wall (s) | CPU (s) | Peak RSS (MiB) | Output (bytes) | Read (bytes) "
                   "| Page faults | Wall vs collect |")
        out.append("|---|---|---|---|---|---|---|---|")
        host = by_tool(p["host"])
        base = host.get(COLLECT, {}).get("wall")
        out += ["| host: " + row(r, base)[2:] for r in p["host"]]
        cap = by_tool(p["capture_kernel"])
        cbase = cap.get(COLLECT, {}).get("wall")
        out += ["| capture kernel: " + row(r, cbase)[2:] for r in p["capture_kernel"]]
        out.append("")
        for where, t in (("host", host), ("capture kernel", cap)):
            if COLLECT in t and MD_L in t:
                checks.append(("%s, %s: collect %.2f s < makedumpfile -l -d 31 %.2f s" % (
                    p["point"], where, t[COLLECT]["wall"], t[MD_L]["wall"]),
                    t[COLLECT]["wall"] < t[MD_L]["wall"]))
        for t, what in ((host.get(NATIVE), "native"), (cap.get(COLLECT), "capture kernel")):
            if t and t.get("rss_kib"):
                checks.append(("%s: collect peak RSS %s MiB (%s) <= 32 MiB" % (
                    p["point"], mib(t["rss_kib"]), what), t["rss_kib"] <= RSS_MAX_KIB))
        checks.append(("%s: the first line names CPU %d in %s" % (
            p["point"], p["truth"]["cpu"], p["truth"]["function"]), p["verdict_right"]))
    # growth with RAM at the same CPU count and load
    pts = {p["point"]: p for p in points}
    for cpus in ("4c", "32c"):
        small, big = pts.get("inuse-2g-" + cpus), pts.get("inuse-16g-" + cpus)
        if not (small and big):
            continue
        if small.get("collector_commit") != big.get("collector_commit"):
            # a ratio across two builds measures the change, not the growth
            checks.append(("%s CPUs: 2 and 16 GiB measured with different collectors (%s, %s): "
                           "growth not compared" % (cpus[:-1], small.get("collector_commit"),
                                                    big.get("collector_commit")), None))
            continue
        for where, key in (("host", "host"), ("capture kernel", "capture_kernel")):
            a, b = by_tool(small[key]).get(COLLECT), by_tool(big[key]).get(COLLECT)
            if a and b:
                checks.append(("%s CPUs, %s: collect 16 GiB %.2f s within 1.2x of 2 GiB %.2f s "
                               "(%.2fx)" % (cpus[:-1], where, b["wall"], a["wall"],
                                            b["wall"] / a["wall"]),
                               b["wall"] <= 1.2 * a["wall"]))
            md = by_tool(big[key]).get(MD_L)
            if b and md:
                checks.append(("%s CPUs, %s: at 16 GiB makedumpfile -l -d 31 takes %.1fx "
                               "collect's time (>= 10x)" % (cpus[:-1], where,
                                                            md["wall"] / b["wall"]),
                               md["wall"] >= 10 * b["wall"]))
    out.append("## Done-when checks (computed from the rows above)")
    out.append("")
    out += ["- %s %s" % ("NOT COMPARED" if ok is None else "PASS" if ok else "FAIL", text)
            for text, ok in checks]
    out.append("")
    with open(o.out, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
