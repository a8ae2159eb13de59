"""The verdict against the harness' ground truth (expected.json, written
from QEMU's registers and the guest's own records) and QEMU's register
dumps (regs-panic.txt): stuck CPUs, who waits for whom and how, where the
stuck CPU is (its recovered function must be the one QEMU's PC was in,
its caller the one QEMU's X30 returns to), the faulting PC/FAR/ESR of an
oops, and the vCPU's guest PC and last exit."""
import re
import subprocess
import os


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
    syms = guest_symbols(fixture)
    for s in exp["stuck_cpus"]:
        c = cpus.get(s["cpu"]) or {}
        bt = c.get("backtrace") or []
        qemu = qemu_regs(fixture, "regs-panic.txt", s["cpu"])
        q_fn, q_mod = function_at(syms, qemu["PC"])
        # the call site (X30 - 4) names the caller: the call may be its last instruction
        caller, _ = function_at(syms, (qemu["X30"] | (0xffff << 48)) - 4)
        check("%s-cpu%d-recovered-function" % (name, s["cpu"]),
              c.get("registers_source") == "recovered" and bt and q_fn == s["function"]
              and bt[0]["function"] == q_fn and bt[0]["module"] == q_mod,
              "source %s, frame 0 %s; QEMU's PC 0x%x is in %s [%s]"
              % (c.get("registers_source"), bt[:1], qemu["PC"], q_fn, q_mod))
        mod_chain = [f["function"] for f in bt if f["module"] == s["module"]]
        check("%s-cpu%d-module-call-chain" % (name, s["cpu"]),
              mod_chain[:2] == [q_fn, caller] and bt[-1]["function"] == "ret_from_fork",
              "module frames %s; QEMU: PC in %s, X30 in %s" % (mod_chain, q_fn, caller))
        check("%s-cpu%d-recovered-fp" % (name, s["cpu"]),
              int(c["registers"]["fp"], 16) == qemu["X29"],
              "recovered fp %s, QEMU X29 0x%x" % (c["registers"]["fp"], qemu["X29"]))
    f, ef = v["faulting"], exp.get("faulting")
    if ef:
        check(name + "-faulting", f is not None and f["cpu"] == ef["cpu"]
              and int(f["pc"], 16) == int(ef["pc"], 16)
              and f["function"] == "%s+0x%x [%s]" % (ef["function"], ef["offset"], ef["module"])
              and int(f["far"], 16) == int(ef["far"], 16)
              and int(f["esr"], 16) == int(ef["esr"], 16),
              "report %s, harness %s" % (f, ef))
    ek = exp.get("kvm")
    if ek:
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


def check_patterns(name, collector, dump, rep, exp, scratch, check):
    """The shipped patterns match only where they should, and a pattern file
    written here (as an engineer would extend it, no rebuild) is honoured,
    kernel-before included."""
    got = [m["id"] for m in rep["known_patterns"]["matched"]]
    want = ["softlockup-waiting-for-cross-call"] if exp["waits"] else []
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
