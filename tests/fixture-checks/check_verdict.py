"""The verdict against the harness' ground truth (expected.json, written
from QEMU's registers and the guest's own records) and QEMU's register
dumps (regs-panic.txt): stuck CPUs, who waits for whom and how, where the
stuck CPU is (its recovered function must be the one QEMU's PC was in,
its caller the one QEMU's X30 returns to), the faulting PC/FAR/ESR of an
oops, and the vCPU's guest PC and last exit."""
import re
import subprocess
import os

# the functions a task's stack starts in: kthreads, the boot CPU's idle
# task, the secondaries' idle tasks, and user tasks' syscall entry
# Where a task's stack starts. Before the final frame record ("arm64:
# Implement stack trace termination record", 5.15) head.S branched to
# start_kernel/secondary_start_kernel with x29 = 0, so on 5.10 an idle
# task's chain ends in those; 5.10's EL0 entries are el0_sync/el0_irq.
ENTRY_FRAMES = {"ret_from_fork", "__primary_switched", "__secondary_switched",
                "el0t_64_sync", "el0t_64_irq",
                "start_kernel", "secondary_start_kernel", "el0_sync", "el0_irq"}


def guest_symbols(fixture):
    """[(addr, name, module)] from the guest's /proc/kallsyms, sorted."""
    text = subprocess.run(["zstd", "-dc", os.path.join(fixture, "kallsyms.zst")],
                          capture_output=True, text=True).stdout
    syms = []
    for line in text.splitlines():
        p = line.split()
        if len(p) >= 3 and p[1] in "tT" and not p[2].startswith("$"):
            syms.append((int(p[0], 16), p[2], p[3].strip("[]") if len(p) > 3 else None))
    syms.sort()
    return syms


def function_at(syms, addr):
    lo, hi = 0, len(syms)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if syms[mid][0] <= addr:
            lo = mid
        else:
            hi = mid
    return syms[lo][1:] if syms and syms[lo][0] <= addr else (None, None)


def qemu_regs(fixture, name, cpu):
    text = open(os.path.join(fixture, name)).read()
    block = text.split("CPU#%d" % cpu)[1].split("CPU#")[0]
    return {k: int(v, 16) for k, v in re.findall(r"(PC|X\d\d|SP)=([0-9a-f]+)", block)}


def check_verdict(name, rep, fixture, exp, check):
    v = rep["verdict"]
    cpus = {c["cpu"]: c for c in rep["cpus"]}
    want_stuck = sorted(s["cpu"] for s in exp["stuck_cpus"])
    check(name + "-stuck-cpus", v["stuck_cpus"] == want_stuck,
          "report %s, harness %s" % (v["stuck_cpus"], want_stuck))
    got_waits = sorted((w["cpu"], w["waits_for"], w["via"]) for w in v["waits"])
    want_waits = sorted((w["cpu"], int(w["target"]) if "target" in w else w["waits_for"],
                         w["via"]) for w in exp["waits"])
    check(name + "-waits", got_waits == want_waits, "report %s, harness %s" % (got_waits,
                                                                            want_waits))
    check(name + "-parked-cpus", v.get("parked_cpus", []) == exp.get("parked_cpus", []),
          "report %s, harness %s" % (v.get("parked_cpus"), exp.get("parked_cpus", [])))
    # the CPUs RCU's stall report named on the console are in the evidence
    # (the first report only: the panic comes right after it)
    serial = os.path.join(fixture, "serial.log")
    console = open(serial, errors="replace").read() if os.path.exists(serial) else ""
    first = console.split("detected stalls on CPUs/tasks:", 2)
    if len(first) > 1:
        named = sorted(set(int(m) for m in re.findall(r"rcu: \t(\d+)-", first[1].split("(detected by", 1)[0])))
        said = sorted(set(int(m) for e in v["evidence"] for m in re.findall(r"rcu: CPU (\d+)-", e)))
        check(name + "-rcu-stall-cpus", named and said == named,
              "console names %s, evidence %s" % (named, said))
    # Which function each stuck CPU is in is held to QEMU's truth over the
    # whole corpus by accuracy.py (bounds, not per fixture); here, that the
    # registers and backtrace are the top candidate's and reach the task's
    # entry, as a repaired dump hands them to crash.
    for s in exp["stuck_cpus"]:
        c = cpus.get(s["cpu"]) or {}
        bt = c.get("backtrace") or []
        cand = ((c.get("recovery") or {}).get("candidates") or [{}])[0]
        check("%s-cpu%d-recovered-top-candidate" % (name, s["cpu"]),
              c.get("registers_source") == "recovered" and bt and cand
              and bt[0]["function"] == cand.get("function")
              and int(c["registers"]["pc"], 16) == int(cand.get("pc") or cand["address"], 16),
              "source %s, frame 0 %s, top candidate %s"
              % (c.get("registers_source"), bt[:1], cand))
        check("%s-cpu%d-backtrace-reaches-entry" % (name, s["cpu"]),
              bool(bt) and bt[-1]["function"] in ENTRY_FRAMES,
              "backtrace ends in %s (%s)" % (bt[-1]["function"] if bt else None,
                                             c.get("backtrace_end")))
    f, ef = v["faulting"], exp.get("faulting")
    if ef:
        check(name + "-faulting", f is not None and f["cpu"] == ef["cpu"]
              and int(f["pc"], 16) == int(ef["pc"], 16)
              and f["function"] == "%s+0x%x [%s]" % (ef["function"], ef["offset"], ef["module"])
              and int(f["far"], 16) == int(ef["far"], 16)
              and int(f["esr"], 16) == int(ef["esr"], 16),
              "report %s, harness %s" % (f, ef))
    ek = exp.get("kvm")
    if ek and "stopped_in" in ek:
        # a hook held the vCPU thread in KVM's exit path or world switch:
        # whether it is inside the switch (so the saved guest PC may be an
        # earlier exit's) must not contradict where QEMU saw it stopped
        got = [k for k in rep["kvm"] if k["cpu"] == ek["cpu"]]
        k = got[0] if got else {}
        inside = ek["stopped_in"] in ("world-switch", "el2")
        pcs = {int(p, 16) + d for p in ek["mmio_pcs"] if p for d in (0, 4)}
        check(name + "-kvm", len(rep["kvm"]) == 1 and k.get("task", {}).get("pid") == ek["pid"]
              and k.get("in_guest") in (None, False)
              and k.get("in_world_switch") in (None, inside)
              and int(k["guest_pc"], 16) in pcs,
              "report %s, harness %s" % (rep["kvm"], ek))
    elif ek:
        got = [k for k in rep["kvm"] if k["cpu"] == ek["cpu"]]
        k = got[0] if got else {}
        lo, hi = (int(x, 16) for x in ek["guest_pc_range"])
        check(name + "-kvm", len(rep["kvm"]) == 1 and k.get("task", {}).get("pid") == ek["pid"]
              and k["task"]["comm"] == ek["comm"]
              and lo <= int(k["guest_pc"], 16) <= hi
              and int(k["esr_el2"], 16) == int(ek["last_exit"]["esr_el2"], 16)
              and int(k["far_el2"], 16) == int(ek["last_exit"]["far_el2"], 16),
              "report %s, harness %s" % (rep["kvm"], ek))
    else:
        check(name + "-no-kvm", rep["kvm"] == [], "report %s" % rep["kvm"])


def check_patterns(name, collector, dump, rep, exp, scratch, check, console):
    """The shipped patterns match only where they should, and a pattern file
    written here (as an engineer would extend it, no rebuild) is honoured,
    kernel-before included."""
    got = [m["id"] for m in rep["known_patterns"]["matched"]]
    # a waiter in smp_call_function_many that the soft-lockup watchdog caught
    # (on 6.12 RCU's stall detector may panic first: no soft lockup then)
    want = ["softlockup-waiting-for-cross-call"] if any(
        "BUG: soft lockup - CPU#%d " % w["cpu"] in console for w in exp["waits"]) else []
    check(name + "-known-patterns", got == want, "matched %s, want %s" % (got, want))
    custom = os.path.join(scratch, "patterns-%s.conf" % name.replace("/", "-"))
    message = exp["panic"]["message"]
    with open(custom, "w") as f:
        f.write("[site-panic]\ntitle = this site's panic\nlog = Kernel panic - not syncing: "
                "%s\nbacktrace = panic\nexplain = from a local file\n\n" % message)
        f.write("[site-old-kernels]\ntitle = only old kernels\nlog = %s\n"
                "kernel-before = 5.7\n" % message)
    r = subprocess.run([collector, "analyze", "--json", "--patterns", custom, dump],
                       capture_output=True, text=True)
    ids = [m["id"] for m in __import__("json").loads(r.stdout)["known_patterns"]["matched"]]
    want = [] if exp["panic"]["message"].startswith("Internal error") else ["site-panic"]
    check(name + "-custom-patterns", ids == want, "matched %s, want %s" % (ids, want))
