#!/usr/bin/env python3
"""Write a fixture's expected.json from what was recorded OUTSIDE the dump.

Sources, all captured by the host while the guest ran:
  serial.log        console of both kernels (panic line, oops text, markers,
                    the vCPU thread's last traced exits)
  regs-<name>.txt   QEMU `info registers -a` at each marker (exact vCPU state)
  chain-<name>.txt  each vCPU's frame-record chain from its X29, read through
                    that vCPU's MMU by the QEMU monitor at the same instant
  truth/            tar the first kernel wrote before the crash: its
                    /proc/kallsyms (real, KASLR-relocated addresses, read as
                    root), /proc/modules, uname -r, nproc

Nothing here reads the dump. A stuck CPU's true function is the one its
marker names (fn=): the innermost function the CPU never leaves. QEMU must
confirm it at the panic and in the capture kernel: the PC is inside it, or
(for a loop that calls helpers, the also= list) inside a helper whose return
address (X30) or frame chain leads back into it. Inconsistent evidence
fails the fixture build rather than writing a wrong expectation.
"""
import argparse
import bisect
import json
import os
import re
import subprocess
import sys

SCHEMA = "kdump-collector.fixture/2"
# where a CPU that lost the race to panic() parks (arch/arm64/kernel/smp.c)
PARKED_FUNCTIONS = ("local_cpu_stop", "panic_smp_self_stop")
# the bits a kernel image address keeps in its nVHE hyp alias (hyp VAs
# differ from kernel VAs in the bits above the linear map offset; 1 MiB is
# below both 48- and 52-bit layouts' tag bits)
HYP_VA_LOW_MASK = (1 << 20) - 1
PAGE_SIZE = {"5.10": 4096, "6.1": 4096, "6.12": 4096, "6.12-16k": 16384}
# pointer-authentication bits of a kernel return address: every kernel text
# address has bits 63..48 set, whatever the VA size (48- or 52-bit)
KERNEL_VA_HIGH = 0xffff000000000000


def fail(msg):
    print("truth.py: " + msg, file=sys.stderr)
    sys.exit(1)


class Kallsyms:
    def __init__(self, path):
        self.addrs, self.syms = [], []
        for line in open(path):
            parts = line.split()
            if len(parts) < 3 or parts[1] not in "tTwW" or parts[2].startswith("$"):
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

    def resolve(self, name):
        """(kallsyms name, module) for a source-level function name: exact,
        else the one GCC clone of it (name.constprop.0, name.isra.0, ...)."""
        exact = [(n, m) for n, m in self.syms if n == name]
        if exact:
            return exact[0]
        clones = sorted({(n, m) for n, m in self.syms if n.startswith(name + ".")})
        if len(clones) == 1:
            return clones[0]
        fail("function %s is %s in kallsyms" % (name, "ambiguous (%s)" % clones if clones
                                                 else "not"))

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


def parse_chains(path):
    """{cpu: [(fp, lr)]} from chain-<name>.txt; {} when the run has none."""
    chains, cur = {}, None
    if not os.path.exists(path):
        return chains
    for line in open(path):
        m = re.match(r"CPU#(\d+)", line.strip())
        if m:
            cur = chains.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"fp=([0-9a-f]+) next=[0-9a-f]+ lr=([0-9a-f]+)", line.strip())
        if m and cur is not None:
            cur.append((int(m.group(1), 16), int(m.group(2), 16) | KERNEL_VA_HIGH))
    return chains


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


class Truth:
    def __init__(self, a):
        self.a = a
        self.serial = open(os.path.join(a.run, "serial.log"), errors="replace").read().splitlines()
        self.ks = Kallsyms(a.kallsyms_path)
        self.regs, self.chains = {}, {}
        for f in os.listdir(a.run):
            m = re.match(r"regs-(.*)\.txt$", f)
            if m:
                self.regs[m.group(1)] = parse_regs(os.path.join(a.run, f))
                self.chains[m.group(1)] = parse_chains(os.path.join(a.run, "chain-%s.txt"
                                                                    % m.group(1)))
        for need in ("panic", "capture"):
            if need not in self.regs:
                fail("no QEMU register snapshot '%s' in %s" % (need, a.run))
        # The first kernel's half of the log ends where the capture kernel boots.
        self.first = self.serial
        boots = [i for i, l in enumerate(self.serial) if "Booting Linux on physical CPU" in l]
        if len(boots) >= 2:
            self.first = self.serial[:boots[1]]
        self.armed = [marker_fields(l) for l in self.first if "KDC-MARK: armed" in l]
        # a waiter whose call returned ("released waiter cpu= pid="): kept
        # in the list (its index names the register snapshot), not a wait
        released = {(f.get("cpu"), f.get("pid")) for f in
                    (marker_fields(l) for l in self.first if "KDC-MARK: released waiter" in l)}
        for act in self.armed:
            if act.get("role") == "waiter" and (act.get("cpu"), act.get("pid")) in released:
                act["released"] = "yes"

    def sym(self, pc):
        r = self.ks.lookup(pc)
        return {"pc": hexs(pc), "function": r[0] if r else None,
                "offset": r[1] if r else None, "module": r[2] if r else None}

    def fname(self, pc):
        r = self.ks.lookup(pc)
        return r[0] if r else None

    def panic(self):
        first = self.first
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
        # lib/dump_stack.c: "CPU: %d PID: %d Comm: %.20s" (6.1), with " UID: %u"
        # after the CPU since 6.10
        cpu_line = next((l for l in first[panic_i:panic_i + 8]
                         if re.search(r"CPU: \d+ (UID: \d+ )?PID: \d+", l)), None)
        if not cpu_line:
            fail("no 'CPU: N PID: P Comm: C' line after the panic line")
        m = re.search(r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)", cpu_line)
        return {"cpu": int(m.group(1)), "pid": int(m.group(2)), "comm": m.group(3),
                "message": message}

    def snapshot_view(self, snap, cpu):
        """What QEMU saw of @cpu at @snap: registers and the frame chain."""
        r = self.regs[snap].get(cpu)
        if r is None:
            fail("no CPU %d in regs-%s" % (cpu, snap))
        chain = self.chains.get(snap, {}).get(cpu, [])
        return {
            "pc": hexs(r["pc"]), "x29": hexs(r.get("x29")), "x30": hexs(r.get("x30")),
            "sp": hexs(r.get("sp")), "pstate": hexs(r.get("pstate")), "el": r.get("el"),
            "function": self.fname(r["pc"]),
            "x30_function": self.fname((r.get("x30", 0) | KERNEL_VA_HIGH) - 4),
            "chain": [{"fp": hexs(fp), "lr": hexs(lr), "function": self.fname(lr - 4)}
                      for fp, lr in chain],
        }

    def confirm_in(self, view, fn, also, strict_pc):
        """Whether QEMU's view puts the CPU inside @fn: the PC is in it, or in
        one of @also with its X30 or frame chain leading into @fn."""
        if view["function"] == fn:
            return True
        if strict_pc:
            return False
        # a loop calling helpers: the PC is in whatever helper runs at that
        # instant (their names change between kernels: 6.12 added
        # __delay_cycles), and the helper's return address or frame chain
        # leads back into the loop's function within a few frames
        return view["x30_function"] == fn or any(c["function"] == fn for c in view["chain"][:6])

    def stuck(self):
        out = []
        for act in self.armed:
            if act.get("role") != "spinner":
                continue
            cpu = int(act["cpu"])
            fn, module = self.ks.resolve(act["fn"])
            also = [self.ks.resolve(x)[0] for x in act.get("also", "").split(",") if x
                    and any(n == x or n.startswith(x + ".") for n, _ in self.ks.syms)]
            views = {s: self.snapshot_view(s, cpu) for s in ("panic", "capture")}
            for snap, v in views.items():
                if "patched" in act:
                    # nVHE hyp code runs at its hyp VA, which keeps the low
                    # bits of the kernel VA the module patched ("b .")
                    if (int(v["pc"], 16) ^ int(act["patched"], 16)) & HYP_VA_LOW_MASK or \
                            v["el"] != "EL2h":
                        fail("CPU %d is at %s pc %s at snapshot %s, not at the patched %s"
                             % (cpu, v["el"], v["pc"], snap, act["patched"]))
                    continue
                if not self.confirm_in(v, fn, also, strict_pc=not also):
                    fail("spinner CPU %d is in %s (x30 %s) at snapshot %s, expected %s%s"
                         % (cpu, v["function"], v["x30_function"], snap, fn,
                            " or a helper of it (%s)" % ",".join(also) if also else ""))
                if v["el"] not in ("EL1h", "EL2h"):
                    fail("spinner CPU %d is at %s at snapshot %s" % (cpu, v["el"], snap))
            entry = {"cpu": cpu, "pid": int(act["pid"]), "comm": act["comm"],
                     "function": fn, "module": module, "also": also,
                     "shape": act.get("shape"), "context": act.get("context", "task"),
                     "pc_at_panic": views["panic"]["pc"],
                     "pc_at_capture": views["capture"]["pc"],
                     "el": views["capture"]["el"],
                     "at_panic": views["panic"], "at_capture": views["capture"]}
            for k in ("caller", "interrupted", "traced", "probed", "patched"):
                if k in act:
                    entry[k] = act[k]
            out.append(entry)
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--kernel", default="6.1", help="harness kernel flavour (config.sh)")
    ap.add_argument("--run", help="run dir: serial.log, regs-*.txt")
    ap.add_argument("--truth", help="extracted first-kernel truth tar")
    ap.add_argument("--package", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--from-fixture", metavar="DIR",
                    help="re-derive DIR/expected.json from what the fixture keeps (its "
                    "console, QEMU snapshots, kallsyms and guest facts), without QEMU")
    a = ap.parse_args()
    if a.from_fixture:
        a.run = a.truth = a.from_fixture
        tmp = os.path.join(a.from_fixture, ".kallsyms.tmp")
        with open(tmp, "w") as f:
            f.write(subprocess.run(["zstd", "-dc", os.path.join(a.from_fixture, "kallsyms.zst")],
                                   capture_output=True, text=True, check=True).stdout)
        a.kallsyms_path = tmp
    else:
        a.kallsyms_path = os.path.join(a.truth, "kallsyms")

    t = Truth(a)
    if a.from_fixture:
        os.unlink(a.kallsyms_path)
    panic = t.panic()
    guest = guest_facts(a.truth)
    ncpus, release, cmdline = guest["nproc"], guest["release"], guest["cmdline"]
    exp = {
        "schema": SCHEMA,
        "scenario": a.scenario,
        "kernel": {"release": release, "package": a.package, "arch": "arm64",
                   "flavour": a.kernel, "page_size": PAGE_SIZE[a.kernel],
                   "kvm_mode": "nvhe" if "kvm-arm.mode=nvhe" in cmdline else "vhe"},
        "cpus": ncpus,
        "panic": panic,
        "cpus_without_note": [],
        "stuck_cpus": t.stuck(),
        "waits": [],
        "faulting": None,
        "kvm": None,
        "actors": t.armed,
    }
    # A CPU spinning with IRQs masked never takes the crash-stop IPI: QEMU
    # shows it still in its stuck function after the capture kernel is up.
    # A CPU that lost the race to panic() parks itself without a note
    # (arch/arm64 panic_smp_self_stop() -> local_cpu_stop(), 5.10+): QEMU
    # shows it there.
    stuck_cpus = {s["cpu"] for s in exp["stuck_cpus"]}
    exp["parked_cpus"] = sorted(
        c for c, r in t.regs["capture"].items()
        if c not in stuck_cpus and c != panic["cpu"] and t.fname(r["pc"]) in PARKED_FUNCTIONS)
    exp["cpus_without_note"] = sorted(stuck_cpus | set(exp["parked_cpus"]))

    # smp_call_function_many (on_each_cpu, kick_all_cpus_sync) waits for every
    # stuck CPU; smp_call_function_single for its target; stop_machine and
    # synchronize_rcu callers sleep and wait for no CPU in particular
    csd_vias = ("smp_call_function_many", "smp_call_function_single", "kick_all_cpus_sync")
    exp["sleepers"] = []
    for act in t.armed:
        if act.get("role") != "waiter" or act.get("released"):
            continue
        cpu = int(act["cpu"])
        snap = "settled" if "settled" in t.regs else "panic"
        entry = {"cpu": cpu, "via": act["via"], "pid": int(act["pid"]), "comm": act["comm"],
                 "function_at_" + snap: t.sym(t.regs[snap][cpu]["pc"])["function"]}
        if act["via"] not in csd_vias:
            exp["sleepers"].append(dict(entry, blocked_by=int(act["target"])))
            continue
        targets = [int(act["target"])] if act["via"] == "smp_call_function_single" \
            else sorted(stuck_cpus)
        for target in targets:
            # kick_all_cpus_sync is smp_call_function_many underneath
            exp["waits"].append(dict(entry, waits_for=target,
                                     via="smp_call_function_many"
                                     if act["via"] == "kick_all_cpus_sync" else act["via"],
                                     caller=act["via"]))
        # a cross-call waiter spins until a detector panics: its own
        # soft-lockup watchdog (6.1), or RCU's stall detector on another CPU
        # when that fires first (seen on 6.12); stop_machine and
        # synchronize_rcu waiters sleep
        if act["via"] in csd_vias:
            w = t.regs[snap][cpu]
            if t.fname(w["pc"]) is None or w.get("el") not in ("EL1h", "EL2h"):
                fail("the waiter (CPU %d) is not in the kernel at %s" % (cpu, snap))

    first = t.first
    if a.scenario == "oops":
        text = "\n".join(first)
        far = re.search(r"Unable to handle kernel \S+ .*at virtual address ([0-9a-f]+)", text)
        esr = re.search(r"ESR = (0x[0-9a-f]+)", text)
        pc = re.search(r"pc : (\S+)\+(0x[0-9a-f]+)/(0x[0-9a-f]+)(?: \[(\S+)\])?", text)
        act = next((x for x in t.armed if x.get("role") == "oops"), None)
        if not (far and esr and pc and act):
            fail("oops text incomplete in the console (need address, ESR, pc and the marker)")
        exp["faulting"] = {"cpu": int(act["cpu"]), "pid": int(act["pid"]),
                           "pc": hexs(t.ks.address_of(pc.group(1), pc.group(4)) +
                                      int(pc.group(2), 16)),
                           "function": pc.group(1), "offset": int(pc.group(2), 16),
                           "module": pc.group(4), "far": hexs(int(far.group(1), 16)),
                           "esr": esr.group(1)}
        if pc.group(1) != act["fn"] or panic["cpu"] != int(act["cpu"]):
            fail("oops is not in %s on CPU %s" % (act["fn"], act["cpu"]))

    act = next((x for x in t.armed if x.get("role") == "kvm"), None)
    if a.scenario == "kvm":
        # the big shape runs one kvm_guest per CPU of kdc.kvm_cpus: each one's
        # truth in "kvm_vcpus", the first's also as "kvm"
        vcpus = [x for x in t.armed if x.get("role") == "kvm"]
        exp["kvm"] = kvm_spin_truth(t, act, own_cpu=len(vcpus) > 1)
        if len(vcpus) > 1:
            exp["kvm_vcpus"] = [kvm_spin_truth(t, x, own_cpu=True) for x in vcpus]
    elif act:
        exp["kvm"] = kvm_hook_truth(t, act, exp["stuck_cpus"])

    with open(a.out, "w") as f:
        json.dump(exp, f, indent=2, sort_keys=False)
        f.write("\n")
    with open(os.path.join(os.path.dirname(a.out), "guest.json"), "w") as f:
        json.dump({"nproc": ncpus, "release": release, "cmdline": cmdline}, f, indent=2)
        f.write("\n")
    if not a.from_fixture:
        with open(os.path.join(os.path.dirname(a.out), "kallsyms-module.txt"), "w") as f:
            for line in open(a.kallsyms_path):
                if line.rstrip().endswith("[kdc_test]"):
                    f.write(line)


def guest_facts(d):
    """nproc, release and cmdline the first kernel recorded (guest.json in a
    fixture, the truth tar's files in a run)."""
    j = os.path.join(d, "guest.json")
    if os.path.exists(j):
        return json.load(open(j))
    return {"nproc": int(open(os.path.join(d, "nproc")).read().strip()),
            "release": open(os.path.join(d, "release")).read().strip(),
            "cmdline": open(os.path.join(d, "cmdline")).read().strip()}


def trace_fields(line):
    return dict(re.findall(r"\b(ipa|hsr|esr|hxfar|far|pc|PC) :?(0x[0-9a-f]+)", line))


def kvm_spin_truth(t, act, own_cpu=False):
    """The vCPU runs its guest loop when another CPU panics (scenario kvm).
    With @own_cpu (several vCPU threads), only trace lines of the actor's
    task on its CPU count."""
    first = t.first
    exit_line = next((l for l in first if "KDC-MARK: kvm-exit" in l), None)
    mmio = marker_fields(exit_line) if exit_line else {}
    own = re.compile(r"-%s\s+\[%03d\]" % (act["pid"], int(act["cpu"]))) if act and own_cpu \
        else None
    # The vCPU's last trap is the stage-2 abort on the MMIO address (its
    # first fault maps the code page; later IRQ exits leave ESR_EL2 alone).
    trace = next((l for l in reversed(first) if "KDC-KVM-TRACE:" in l
                  and "kvm_guest_fault" in l and "addr" in mmio
                  and re.search(r"ipa %s\b" % re.escape(mmio["addr"]), l)
                  and (own is None or own.search(l))), None)
    if not (act and exit_line and trace):
        fail("kvm markers or kvm_guest_fault trace line missing")
    tr = trace_fields(trace)
    cpu = int(act["cpu"])
    loop = int(act["guest_loop_pc"], 16)
    # The vCPU thread also spends time in the host (IRQ exits), so look for
    # it in the guest loop in any snapshot from its marker to the panic.
    snaps = ["armed-%d" % i for i in range(t.armed.index(act) + 1, len(t.armed) + 1)] + ["panic"]
    seen = [(n, t.regs[n][cpu]) for n in snaps if n in t.regs and cpu in t.regs[n]]
    in_loop = [(n, g) for n, g in seen
               if g.get("el") in ("EL1h", "EL1t") and loop <= g["pc"] <= loop + 4]
    irq_exit = {}
    if not in_loop:
        irq_exit = kvm_irq_exit_evidence(t, seen, mmio)
        if not irq_exit:
            fail("vCPU CPU %d never seen in the guest loop: %s" % (
                cpu, ", ".join("%s %s pc=%x" % (n, g.get("el"), g["pc"]) for n, g in seen)))
        guest_snap, guest = irq_exit["snapshot"], None
    else:
        guest_snap, guest = in_loop[0]
    out = {"cpu": cpu, "pid": int(act["pid"]), "comm": act["comm"],
           "guest_base": act["guest_base"], "guest_loop_pc": hexs(loop),
           "guest_pc_range": [hexs(loop), hexs(loop + 4)],
           "guest_pc_seen_by_qemu": hexs(guest["pc"]) if guest else None,
           "guest_pc_snapshot": guest_snap,
           "in_guest": True,
           "last_exit": {"esr_el2": tr.get("esr", tr.get("hsr")),
                         "far_el2": tr.get("far", tr.get("hxfar")),
                         "ipa": tr.get("ipa"), "pc": tr.get("pc"),
                         "mmio_addr": mmio["addr"]},
           "trace_line": trace.split("KDC-KVM-TRACE:", 1)[1].strip()}
    if irq_exit:
        out["guest_pc_evidence"] = irq_exit["evidence"]
    return out


# the lower-EL AArch64 IRQ entry of KVM's VHE vector table
HYP_IRQ_VECTOR = ("__kvm_hyp_vector", 0x480)


def kvm_irq_exit_evidence(t, seen, mmio):
    """The vCPU in its guest loop without QEMU ever showing an EL1 PC: with
    many vCPUs on few host cores (the big shape) every stop request found it
    just after it took a host IRQ from the guest (PC at the first instruction
    of the lower-EL IRQ vector, EL2h), the guest's registers still live. The
    loop is proven by them instead: X1 and X2 as the guest's MMIO store left
    them and its counter X3 growing from one snapshot to the next. {} when
    they do not say so."""
    at_vector = [(n, g) for n, g in seen if g.get("el") == "EL2h"
                 and (t.ks.lookup(g["pc"]) or ())[:2] == HYP_IRQ_VECTOR]
    if len(at_vector) < 2 or "addr" not in mmio or "data" not in mmio:
        return {}
    if any(g.get("x01") != int(mmio["addr"], 16) or g.get("x02") != int(mmio["data"], 16)
           for _, g in at_vector):
        return {}
    counters = [g.get("x03", 0) for _, g in at_vector]
    if any(b < a for a, b in zip(counters, counters[1:])) or counters[-1] <= counters[0]:
        return {}
    return {"snapshot": at_vector[0][0],
            "evidence": {"kind": "irq-exit-from-guest",
                         "pc_function": "%s+0x%x" % HYP_IRQ_VECTOR,
                         "x1": mmio["addr"], "x2": mmio["data"],
                         "x3_by_snapshot": {n: hexs(g["x03"]) for n, g in at_vector}}}


def kvm_hook_truth(t, act, stuck):
    """The vCPU thread is held by a hook in KVM's exit path or world switch
    (scenarios kvm-exit, kvm-kprobe, kvm-ws, nvhe-ws)."""
    cpu = int(act["cpu"])
    s = next((x for x in stuck if x["cpu"] == cpu), None)
    if s is None:
        fail("no stuck actor on the vCPU's CPU %d" % cpu)
    lines = [l.split("KDC-KVM-TRACE:", 1)[1].strip() for l in t.first if "KDC-KVM-TRACE:" in l]
    exits = [l for l in lines if "kvm_exit" in l]
    last = trace_fields(exits[-1]) if exits else {}
    faults = [trace_fields(l) for l in lines if "kvm_guest_fault" in l]
    # kvm_exit is traced after the world switch returns: a CPU held inside
    # the world switch has not traced its current exit, so the guest PC in
    # vcpu->arch.ctxt (saved by sysreg_save_guest_state_vhe / the nVHE
    # switch) is still the traced one's, and the current exit's PC is only
    # in ELR_EL2. A CPU held in the exit handler has traced it.
    in_switch = s["context"] in ("world-switch", "el2")
    saved_pc = last.get("PC", last.get("pc"))
    return {"cpu": cpu, "pid": int(act["pid"]), "comm": act["comm"],
            "guest_base": act["guest_base"], "mode": act.get("mode"),
            "mmio_pcs": [act.get("mmio_a_pc"), act.get("mmio_b_pc")],
            "in_guest": False,
            "stopped_in": s["context"],
            "last_traced_exit": exits[-1] if exits else None,
            "last_traced_pc": saved_pc,
            "guest_pc_saved_is_current": not in_switch,
            "last_fault": faults[-1] if faults else None}


if __name__ == "__main__":
    main()
