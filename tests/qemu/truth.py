#!/usr/bin/env python3
"""Write a fixture's expected.json from what was recorded OUTSIDE the dump.

Sources, all captured by the host while the guest ran:
  serial.log        console of both kernels (panic line, oops text, markers)
  regs-<name>.txt   QEMU `info registers -a` at each marker (exact vCPU state)
  truth/            tar the first kernel wrote before the crash: its
                    /proc/kallsyms (real, KASLR-relocated addresses, read as
                    root), /proc/modules, uname -r, nproc

Nothing here reads the dump. The function a stuck CPU "is really executing"
is its PC in QEMU's registers, symbolized with the first kernel's kallsyms.
Inconsistent evidence (e.g. the spinner CPU's PC is not in the spin
function) fails the fixture build rather than writing a wrong expectation.
"""
import argparse
import bisect
import json
import os
import re
import sys


def fail(msg):
    print("truth.py: " + msg, file=sys.stderr)
    sys.exit(1)


class Kallsyms:
    def __init__(self, path):
        self.addrs, self.syms = [], []
        for line in open(path):
            parts = line.split()
            if len(parts) < 3 or parts[1] not in "tTwW":
                continue
            mod = parts[3].strip("[]") if len(parts) > 3 else None
            self.addrs.append(int(parts[0], 16))
            self.syms.append((parts[2], mod))
        order = sorted(range(len(self.addrs)), key=self.addrs.__getitem__)
        self.addrs = [self.addrs[i] for i in order]
        self.syms = [self.syms[i] for i in order]

    def address_of(self, name, module):
        for addr, (n, m) in zip(self.addrs, self.syms):
            if n == name and m == module:
                return addr
        return None

    def lookup(self, pc):
        """(function, offset, module) or None when pc is not in kernel text."""
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i < 0 or i + 1 >= len(self.addrs):
            return None
        # Text symbols are dense; a gap over 1 MiB means pc is outside them.
        if pc - self.addrs[i] > 0x100000:
            return None
        name, mod = self.syms[i]
        return name, pc - self.addrs[i], mod


def parse_regs(path):
    """{cpu: {"pc":int, "sp":int, "x29":int, "x30":int, "pstate":int, "el":str}}"""
    cpus, cur = {}, None
    for line in open(path):
        m = re.match(r"CPU#(\d+)", line.strip())
        if m:
            cur = cpus.setdefault(int(m.group(1)), {})
            continue
        if cur is None:
            continue
        for k, v in re.findall(r"\b(PC|SP|X\d\d|PSTATE)=([0-9a-f]+)", line):
            cur[k.lower()] = int(v, 16)
        m = re.search(r"PSTATE=[0-9a-f]+ \S+ (EL\d[ht])", line)
        if m:
            cur["el"] = m.group(1)
    return cpus


def hexs(v):
    return None if v is None else "0x%x" % v


def marker_fields(line):
    """"KDC-MARK: armed spinner cpu=2 ..." -> {"role": "spinner", "cpu": "2", ...}"""
    text = line.split("KDC-MARK:", 1)[1]
    fields = dict(re.findall(r"(\w+)=(\S+)", text))
    words = text.split()
    if len(words) > 1 and words[0] == "armed":
        fields["role"] = words[1]
    return fields


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--run", required=True, help="run dir: serial.log, regs-*.txt")
    ap.add_argument("--truth", required=True, help="extracted first-kernel truth tar")
    ap.add_argument("--package", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    serial = open(os.path.join(a.run, "serial.log"), errors="replace").read().splitlines()
    ks = Kallsyms(os.path.join(a.truth, "kallsyms"))
    regs = {}
    for f in os.listdir(a.run):
        m = re.match(r"regs-(.*)\.txt$", f)
        if m:
            regs[m.group(1)] = parse_regs(os.path.join(a.run, f))
    for need in ("panic", "capture"):
        if need not in regs:
            fail("no QEMU register snapshot '%s' in %s" % (need, a.run))

    def sym(pc):
        r = ks.lookup(pc)
        return {"pc": hexs(pc), "function": r[0] if r else None,
                "offset": r[1] if r else None, "module": r[2] if r else None}

    # The first kernel's half of the log ends where the capture kernel boots.
    first = serial
    boots = [i for i, l in enumerate(serial) if "Booting Linux on physical CPU" in l]
    if len(boots) >= 2:
        first = serial[:boots[1]]

    armed = [marker_fields(l) for l in first if "KDC-MARK: armed" in l]
    # With kdump loaded an oops enters the capture kernel from die() without
    # calling panic(), so "Internal error:" is the panic line then.
    panic_i = next((i for i, l in enumerate(first)
                    if "Kernel panic - not syncing:" in l or "Internal error:" in l), None)
    if panic_i is None:
        fail("no 'Kernel panic - not syncing' or 'Internal error' in the first kernel's console")
    if "Kernel panic - not syncing:" in first[panic_i]:
        message = first[panic_i].split("Kernel panic - not syncing:", 1)[1].strip()
    else:
        message = first[panic_i].split("] ", 1)[-1].strip()
    cpu_line = next((l for l in first[panic_i:panic_i + 8] if re.search(r"CPU: \d+ PID: \d+", l)),
                    None)
    if not cpu_line:
        fail("no 'CPU: N PID: P Comm: C' line after the panic line")
    m = re.search(r"CPU: (\d+) PID: (\d+) Comm: (\S+)", cpu_line)
    panic = {"cpu": int(m.group(1)), "pid": int(m.group(2)), "comm": m.group(3),
             "message": message}

    ncpus = int(open(os.path.join(a.truth, "nproc")).read().strip())
    release = open(os.path.join(a.truth, "release")).read().strip()
    exp = {
        "schema": "kdump-collector.fixture/1",
        "scenario": a.scenario,
        "kernel": {"release": release, "package": a.package, "arch": "arm64",
                   "page_size": 4096},
        "cpus": ncpus,
        "panic": panic,
        "cpus_without_note": [],
        "stuck_cpus": [],
        "waits": [],
        "faulting": None,
        "kvm": None,
        "actors": armed,
    }

    # A CPU spinning with IRQs masked never takes the crash-stop IPI: QEMU
    # shows it still in the spin function after the capture kernel is up.
    for act in armed:
        if act.get("role") != "spinner":
            continue
        cpu = int(act["cpu"])
        at = {snap: sym(regs[snap][cpu]["pc"]) for snap in ("panic", "capture")}
        for snap, s in at.items():
            if s["function"] != act["fn"]:
                fail("spinner CPU %d is in %s at snapshot %s, expected %s"
                     % (cpu, s["function"], snap, act["fn"]))
        exp["stuck_cpus"].append({"cpu": cpu, "pid": int(act["pid"]), "comm": act["comm"],
                                  "function": act["fn"], "module": at["capture"]["module"],
                                  "pc_at_panic": at["panic"]["pc"],
                                  "pc_at_capture": at["capture"]["pc"],
                                  "el": regs["capture"][cpu].get("el")})
        exp["cpus_without_note"].append(cpu)
    for act in armed:
        if act.get("role") != "waiter":
            continue
        cpu = int(act["cpu"])
        snap = "settled" if "settled" in regs else "panic"
        exp["waits"].append({"cpu": cpu, "waits_for": int(act["target"]), "via": act["via"],
                             "pid": int(act["pid"]), "comm": act["comm"],
                             "function_at_" + snap: sym(regs[snap][cpu]["pc"])["function"]})
        if panic["cpu"] != cpu:
            fail("the waiter (CPU %d) did not panic; CPU %d did" % (cpu, panic["cpu"]))

    if a.scenario == "oops":
        text = "\n".join(first)
        far = re.search(r"Unable to handle kernel \S+ .*at virtual address ([0-9a-f]+)", text)
        esr = re.search(r"ESR = (0x[0-9a-f]+)", text)
        pc = re.search(r"pc : (\S+)\+(0x[0-9a-f]+)/(0x[0-9a-f]+)(?: \[(\S+)\])?", text)
        act = next((x for x in armed if x.get("role") == "oops"), None)
        if not (far and esr and pc and act):
            fail("oops text incomplete in the console (need address, ESR, pc and the marker)")
        exp["faulting"] = {"cpu": int(act["cpu"]), "pid": int(act["pid"]),
                           "pc": hexs(ks.address_of(pc.group(1), pc.group(4)) + int(pc.group(2), 16)),
                           "function": pc.group(1), "offset": int(pc.group(2), 16),
                           "module": pc.group(4), "far": hexs(int(far.group(1), 16)),
                           "esr": esr.group(1)}
        if pc.group(1) != act["fn"] or panic["cpu"] != int(act["cpu"]):
            fail("oops is not in %s on CPU %s" % (act["fn"], act["cpu"]))

    if a.scenario == "kvm":
        act = next((x for x in armed if x.get("role") == "kvm"), None)
        exit_line = next((l for l in first if "KDC-MARK: kvm-exit" in l), None)
        mmio = marker_fields(exit_line) if exit_line else {}
        # The vCPU's last trap is the stage-2 abort on the MMIO address (its
        # first fault maps the code page; later IRQ exits leave ESR_EL2 alone).
        trace = next((l for l in reversed(first) if "KDC-KVM-TRACE:" in l
                      and "kvm_guest_fault" in l and "addr" in mmio
                      and re.search(r"ipa %s\b" % re.escape(mmio["addr"]), l)), None)
        if not (act and exit_line and trace):
            fail("kvm markers or kvm_guest_fault trace line missing")
        t = dict(re.findall(r"\b(ipa|hsr|esr|hxfar|far|pc) (0x[0-9a-f]+)", trace))
        cpu = int(act["cpu"])
        loop = int(act["guest_loop_pc"], 16)
        # The vCPU thread also spends time in the host (IRQ exits), so look for
        # it in the guest loop in any snapshot from its marker to the panic.
        snaps = ["armed-%d" % i for i in range(armed.index(act) + 1, len(armed) + 1)] + ["panic"]
        seen = [(n, regs[n][cpu]) for n in snaps if n in regs and cpu in regs[n]]
        in_loop = [(n, g) for n, g in seen
                   if g.get("el") in ("EL1h", "EL1t") and loop <= g["pc"] <= loop + 4]
        if not in_loop:
            fail("vCPU CPU %d never seen in the guest loop: %s" % (
                cpu, ", ".join("%s %s pc=%x" % (n, g.get("el"), g["pc"]) for n, g in seen)))
        guest_snap, guest = in_loop[0]
        exp["kvm"] = {"cpu": cpu, "pid": int(act["pid"]), "comm": act["comm"],
                      "guest_base": act["guest_base"], "guest_loop_pc": hexs(loop),
                      "guest_pc_range": [hexs(loop), hexs(loop + 4)],
                      "guest_pc_seen_by_qemu": hexs(guest["pc"]),
                      "guest_pc_snapshot": guest_snap,
                      "last_exit": {"esr_el2": t.get("esr", t.get("hsr")),
                                    "far_el2": t.get("far", t.get("hxfar")),
                                    "ipa": t.get("ipa"), "pc": t.get("pc"),
                                    "mmio_addr": mmio["addr"]},
                      "trace_line": trace.split("KDC-KVM-TRACE:", 1)[1].strip()}

    with open(a.out, "w") as f:
        json.dump(exp, f, indent=2, sort_keys=False)
        f.write("\n")
    with open(os.path.join(os.path.dirname(a.out), "kallsyms-module.txt"), "w") as f:
        for line in open(os.path.join(a.truth, "kallsyms")):
            if line.rstrip().endswith("[kdc_test]"):
                f.write(line)


if __name__ == "__main__":
    main()
