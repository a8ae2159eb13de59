#!/usr/bin/env python3
"""With the -dbg package's vmlinux and System.map (tests/oracle/setup.sh):

  - `analyze --vmlinux` reaches the same conclusions as the dump alone, and
    finds __per_cpu_offset by symbol at the address the dump-only run
    derived from nr_iowait_cpu()'s code (which proves that derivation);
  - its types come from the vmlinux's .BTF with --no-dump-types, and the
    dump-only run found the BTF blob exactly where the vmlinux's .BTF
    section lies once moved by the KASLR offset;
  - every symbol decoded from the dump's kallsyms is in the vmlinux's table;
  - Debian's real System.map works with --system-map;
  - a vmlinux whose build ID differs is refused, and the run goes on.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixture-checks"))
from checks import Checks  # noqa: E402

check = Checks('vmlinux/')


def analyze(collector, dump, *args):
    r = subprocess.run([collector, "analyze", *args, dump], capture_output=True, text=True,
                       timeout=600)
    if "--json" not in args:
        return r.returncode, r.stdout, r.stderr
    try:
        return r.returncode, json.loads(r.stdout), r.stderr
    except ValueError:
        return r.returncode, None, r.stderr


def essence(rep):
    return {"panic": rep["panic"], "verdict": rep["verdict"],
            "cpus": [(c["cpu"], c["task"], [f["function"] for f in c["backtrace"]])
                     for c in rep["cpus"]],
            "notes": [(n["pid"], n["cpu"]) for n in rep["notes"]]}


def section(vmlinux, name):
    out = subprocess.run(["readelf", "-SW", vmlinux], capture_output=True, text=True).stdout
    m = re.search(r"\] %s\s+\S+\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)" % re.escape(name), out)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("--system-map", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("dumps", nargs="+")
    o = ap.parse_args()
    collector = os.environ["KDC_COLLECT"]
    btf = section(o.vmlinux, ".BTF")
    for dump in o.dumps:
        fx = os.path.basename(os.path.dirname(dump))
        rc, base, err = analyze(collector, dump, "--json")
        rc2, rep, err2 = analyze(collector, dump, "--json", "--vmlinux", o.vmlinux)
        if base is None or rep is None:
            check(fx + "-runs", False, "exit %d/%d: %s %s" % (rc, rc2, err[:150], err2[:150]))
            continue
        check(fx + "-same-analysis", rc2 == 0 and rep["symbols"]["source"] == "vmlinux"
              and essence(rep) == essence(base),
              "exit %d, source %s" % (rc2, rep["symbols"]["source"]))
        check(fx + "-per-cpu-offset-derivation",
              rep["percpu"]["source"] == "symbols"
              and base["percpu"]["source"].startswith("code")
              and rep["percpu"]["per_cpu_offset"] == base["percpu"]["per_cpu_offset"]
              and rep["percpu"]["per_cpu_start"] == base["percpu"]["per_cpu_start"],
              "vmlinux %s, derived %s" % (rep["percpu"], base["percpu"]))
        kaslr = int(base["kernel"]["kernel_offset"], 16)
        check(fx + "-btf-found-where-vmlinux-has-it",
              btf is not None and int(base["types"]["btf_address"], 16) == btf[0] + kaslr
              and base["types"]["btf_size"] == btf[1],
              "dump scan %s/%d, vmlinux .BTF %s" % (base["types"]["btf_address"],
                                                    base["types"]["btf_size"], btf))
        rc, rep, err = analyze(collector, dump, "--json", "--vmlinux", o.vmlinux,
                               "--no-dump-types")
        check(fx + "-vmlinux-btf", rc == 0 and rep["types"]["source"] == "btf (vmlinux)"
              and essence(rep) == essence(base), "exit %d: %s" % (rc, err[:200]))
        rc, text, _ = analyze(collector, dump, "--list-symbols", "--vmlinux", o.vmlinux)
        rc0, text0, _ = analyze(collector, dump, "--list-symbols")
        full = {(l.split()[0], l.split()[2]) for l in text.splitlines() if len(l.split()) == 3}
        core = {(l.split()[0], l.split()[2]) for l in text0.splitlines() if len(l.split()) == 3}
        check(fx + "-kallsyms-within-vmlinux", rc == 0 and rc0 == 0 and len(core) > 1000
              and core <= full and len(full) > len(core),
              "%d dump symbols missing from the vmlinux's %d" % (len(core - full), len(full)))
        rc, rep, err = analyze(collector, dump, "--json", "--no-dump-symbols",
                               "--system-map", o.system_map)
        check(fx + "-debian-system-map", rc == 0 and rep["symbols"]["source"] == "System.map"
              and essence(rep) == essence(base), "exit %d: %s" % (rc, err[:200]))

    # another build: the same file with one byte of its build ID changed
    other = os.path.join(o.scratch, "vmlinux-other-build")
    shutil.copyfile(o.vmlinux, other)
    nid = subprocess.run(["readelf", "-n", o.vmlinux], capture_output=True, text=True).stdout
    bid = bytes.fromhex(re.search(r"Build ID: ([0-9a-f]+)", nid).group(1))
    with open(other, "r+b") as f:
        data = f.read(64 << 20)
        at = data.find(bid)
        f.seek(at)
        f.write(bytes([bid[0] ^ 0xff]))
    rc, rep, err = analyze(collector, o.dumps[0], "--json", "--vmlinux", other)
    check("build-id-mismatch-refused", rc == 1 and rep["symbols"]["source"] == "kallsyms (dump)"
          and any("build ID" in p for p in rep["problems"]),
          "exit %d, source %s, problems %s" % (rc, rep and rep["symbols"]["source"],
                                               rep and rep["problems"]))
    os.unlink(other)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
