"""Checks of `kdump-collect analyze --json` against ground truth that does
not come from the collector: expected.json (recorded from the guest and
QEMU by the harness), the note pids decoded independently in
check_fixture.py, and the call traces the crashed kernel itself printed on
its serial console before it died (serial.log)."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
from compare_bt import parse_crash_bt  # noqa: E402
from check_verdict import check_patterns, check_verdict  # noqa: E402

# crash 8.0.2 ends arm64 backtraces one frame before the kernel does: it
# does not print the frame whose record is the task's final one (the entry
# code that started the task). The kernel's own dump_backtrace() prints it
# (see the console traces), and so does the collector.
ENTRY_FRAMES = {"ret_from_fork", "__primary_switched", "__secondary_switched"}


# The crash-stop and kexec path on the stopping CPU's IRQ stack, down to
# the exception entry of the context it interrupted.
STOP_PATH = {"machine_kexec", "crash_save_cpu", "ipi_handler", "do_handle_IPI",
             "handle_percpu_devid_irq", "handle_irq_desc", "generic_handle_domain_irq",
             "gic_handle_irq", "call_on_irq_stack", "do_interrupt_handler", "el1_interrupt",
             "el1h_64_irq_handler", "el1h_64_irq", "el0_interrupt", "el0t_64_irq_handler",
             "el0t_64_irq"}


def same_as_crash(ours, theirs, pac):
    if ours == theirs or (ours[:-1] == theirs and ours[-1] in ENTRY_FRAMES):
        return True
    # Seen on the Cortex-A57 fixtures only (no pointer authentication):
    # crash 8.0.2 starts a CPU with a note at crash_save_cpu on its IRQ
    # stack (the panic CPU at machine_kexec) and reaches the note's context
    # through the exception entry; on the PAC machines it starts at the
    # note's registers, as the collector always does. Why, in crash 8.0.2's
    # arm64.c: arm64_get_dumpfile_stackframe() sets BT_KDUMP_ADJUST when
    # arm64_in_kdump_text() (task stack) or arm64_in_kdump_text_on_irq_stack()
    # finds a raw stack word inside machine_kexec, crash_save_cpu or
    # crash_kexec, and the backtrace then starts from that slot. Neither
    # scan applies KERNELPACMASK (only the unwinder and the exception-frame
    # checks do), so a signed return address never matches. The rest must
    # then be equal.
    if pac or not theirs:
        return False
    n = 0
    while n < len(theirs) and theirs[n] in STOP_PATH:
        n += 1
    return 0 < n < len(theirs) and same_as_crash(ours, theirs[n:], True)


def pac_mask(path):
    """NUMBER(KERNELPACMASK) of the dump's VMCOREINFO (0 when absent)."""
    with open(path, "rb") as f:
        m = re.search(rb"NUMBER\(KERNELPACMASK\)=0x([0-9a-f]+)", f.read(4 << 20))
    return int(m.group(1), 16) if m else 0


def crash_names_for(frames, peer, addr_of):
    """crash's function names, as far as they name the collector's frames'
    places too:
    - frame #0 read at the note's own pc: crash 8.0.2 names every frame at
      pc - 4 (compare_bt.py), right for a return address but not for frame
      #0, whose pc is where the CPU stopped; a CPU stopped on a function's
      first instruction is shown in the function before it (spin-aa-5.10
      CPU 3: pc rcu_momentary_dyntick_idle+0x0, crash
      "rcu_stall_kick_kthreads at" pc - 4). Taken as ours only when crash's
      frame #0 address + 4 is our frame #0's pc, at offset 0;
    - two names of one address (the guest's /proc/kallsyms, @addr_of: name
      -> addresses) are one function: crash picks the vmlinux's
      __softirqentry_text_start where kallsyms and the collector say
      __do_softirq, both at the start of .softirqentry.text (6.1)."""
    names = list(peer["functions"])
    addrs = peer.get("addresses") or []
    if frames and names and addrs and frames[0]["offset"] == 0 and \
            frames[0]["function"] and addrs[0] + 4 == int(frames[0]["pc"], 16):
        names[0] = frames[0]["function"]
    for i, (f, n) in enumerate(zip(frames, names)):
        if f["function"] and f["function"] != n and \
                addr_of.get(f["function"], set()) & addr_of.get(n, set()):
            names[i] = f["function"]
    return names


def kallsyms_addresses(text):
    """name -> set of addresses, from /proc/kallsyms text."""
    addr_of = {}
    for line in text.splitlines():
        p = line.split()
        if len(p) >= 3:
            addr_of.setdefault(p[2], set()).add(int(p[0], 16))
    return addr_of


TRACE_LINE = re.compile(r"^\[ *\d+\.\d+\]  ([A-Za-z0-9_.$]+)\+0x[0-9a-f]+/0x[0-9a-f]+( \[\w+\])?$")


def console_trace_after(serial, marker):
    """Function names of the first "Call trace:" block after the first line
    containing @marker, in the first boot's console output."""
    lines = serial.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if marker in l)
    except StopIteration:
        return None
    for i in range(start, len(lines)):
        if lines[i].endswith("] Call trace:"):
            names = []
            for l in lines[i + 1:]:
                if l.startswith("###"):
                    continue  # harness annotations interleave with the console
                m = TRACE_LINE.match(l)
                if not m:
                    break
                names.append(m.group(1))
            return names
    return None


def run_json(collector, path):
    r = subprocess.run([collector, "analyze", "--json", path], capture_output=True, text=True)
    try:
        return r.returncode, json.loads(r.stdout), r.stderr
    except ValueError:
        return r.returncode, None, r.stderr


def check_small_dump_record(fx, fixture, exp, check):
    """crash 8.0.2 on the bundle's small dump (recorded by
    tests/oracle/check_repair.py) showed every CPU as on the full dump."""
    rec = os.path.join(fixture, "crash-bt-small-dump.txt")
    if not os.path.exists(rec):
        return
    small, _ = parse_crash_bt(open(rec, errors="replace").read())
    full, _ = parse_crash_bt(open(os.path.join(fixture, "crash-bt.txt"), errors="replace").read())
    diff = {c: (small.get(c, {}).get("functions"), v["functions"]) for c, v in full.items()
            if v["functions"] and small.get(c, {}).get("functions") != v["functions"]}
    stuck = {s["cpu"]: small.get(s["cpu"], {}).get("functions", [None])[:1]
             for s in exp["stuck_cpus"]}
    check(fx + "/crash-on-small-dump", not diff and len(small) == exp["cpus"]
          and all(stuck[s["cpu"]] == [s["function"]] for s in exp["stuck_cpus"]),
          "differs from the full dump: %s; stuck CPUs %s" % (diff, stuck))


def check_analysis(fx, collector, forms, fixture, exp, note_pids, check):
    check_small_dump_record(fx, fixture, exp, check)
    serial = open(os.path.join(fixture, "serial.log"), errors="replace").read()
    ks = subprocess.run(["zstd", "-dc", os.path.join(fixture, "kallsyms.zst")],
                        capture_output=True, text=True).stdout
    want_mods = sorted(set(re.findall(r"\t\[(\w+)\]$", ks, re.M)))
    panic_marker = ("Internal error:" if exp["panic"]["message"].startswith("Internal error")
                    else "Kernel panic - not syncing")
    console = console_trace_after(serial, panic_marker)
    addr_of = None  # kallsyms_addresses(ks), when there is a crash-bt.txt
    for form, path in forms:
        name = "%s/analysis-%s" % (fx, form)
        rc, rep, err = run_json(collector, path)
        pac = pac_mask(path)
        if rep is None:
            check(name + "-json", False, "exit %d, no JSON: %s" % (rc, err[:200]))
            continue
        cpus = {c["cpu"]: c for c in rep["cpus"]}
        # an intact dump reads without a single problem (a false "loops" on
        # one-entry call_single_queues once hid here)
        check(name + "-no-problems", rc == 0 and rep["problems"] == [],
              "exit %d, problems %s" % (rc, rep["problems"]))
        check_verdict(name, rep, fixture, exp, check)
        check_patterns(name, collector, path, rep, exp,
                       os.environ.get("KDC_SCRATCH", "/tmp"), check, serial)
        got_mods = sorted(m["name"] for m in rep["modules"]["loaded"])
        check(name + "-modules", got_mods == want_mods,
              "report %s, guest's /proc/kallsyms %s" % (got_mods, want_mods))
        check(name + "-cpus", len(rep["cpus"]) == exp["cpus"] and sorted(cpus) ==
              list(range(exp["cpus"])), "cpus %s, guest had %d" % (sorted(cpus), exp["cpus"]))
        check(name + "-without-note",
              rep["verdict"]["cpus_without_note"] == exp["cpus_without_note"],
              "report %s, harness %s" % (rep["verdict"]["cpus_without_note"],
                                         exp["cpus_without_note"]))
        p = exp["panic"]
        check(name + "-panic",
              rep["panic"]["cpu"] == p["cpu"] and rep["panic"]["message"] == p["message"]
              and rep["verdict"]["panic_cpu"] == p["cpu"],
              "panic %s, guest %s" % (rep["panic"], p))
        task = (cpus.get(p["cpu"]) or {}).get("task") or {}
        check(name + "-panic-task", task.get("pid") == p["pid"] and task.get("comm") == p["comm"],
              "CPU %d runs %s, guest said pid %d %s" % (p["cpu"], task, p["pid"], p["comm"]))
        # a task context actor's task; a callback in IRQ context may run on
        # the idle task or ksoftirqd, whichever was interrupted
        for s in [x for x in exp["stuck_cpus"] if x.get("context", "task") in
                  ("task", "exception", "kvm-exit", "world-switch", "el2")] + exp["waits"]:
            t = (cpus.get(s["cpu"]) or {}).get("task") or {}
            check("%s-cpu%d-task" % (name, s["cpu"]),
                  t.get("pid") == s["pid"] and t.get("comm") == s["comm"],
                  "CPU %d runs %s, guest said pid %d %s" % (s["cpu"], t, s["pid"], s["comm"]))
        if exp.get("kvm"):
            k = exp["kvm"]
            t = (cpus.get(k["cpu"]) or {}).get("task") or {}
            check("%s-cpu%d-vcpu-task" % (name, k["cpu"]),
                  t.get("pid") == k["pid"] and t.get("comm") == k["comm"],
                  "CPU %d runs %s, guest said pid %d %s" % (k["cpu"], t, k["pid"], k["comm"]))
        # Every note is claimed by the CPU running the note's task, and the
        # CPUs with notes are exactly those that stopped.
        notes = rep["notes"]
        mapped = [n["cpu"] for n in notes]
        pids_ok = all(n["cpu"] is not None and cpus[n["cpu"]]["task"]["pid"] == pid
                      for n, pid in zip(notes, note_pids))
        stopped = sorted(set(range(exp["cpus"])) - set(exp["cpus_without_note"]))
        check(name + "-notes-to-cpus",
              len(notes) == len(note_pids) and pids_ok and sorted(mapped) == stopped,
              "notes map to CPUs %s (pids %s), CPUs that stopped %s" % (mapped, note_pids, stopped))
        for c in rep["cpus"]:
            want = "note" if c["cpu"] in stopped else "recovered"
            if c["registers_source"] != want:
                check("%s-cpu%d-source" % (name, c["cpu"]), False,
                      "registers_source %s, want %s" % (c["registers_source"], want))
            if want == "note" and not c["backtrace_complete"]:
                check("%s-cpu%d-complete" % (name, c["cpu"]), False,
                      "backtrace ends early: %s" % c["backtrace_end"])
        # The panicking CPU's backtrace ends like the one the kernel printed
        # while dying (that one starts in dump_stack's own frames, ours in
        # crash_kexec's, so compare from the first function they share).
        crash_txt = os.path.join(fixture, "crash-bt.txt")
        if os.path.exists(crash_txt):
            # crash 8.0.2 with the -dbg vmlinux (tests/oracle/run-crash.sh), recorded
            peer, peer_no_note = parse_crash_bt(open(crash_txt).read())
            addr_of = addr_of if addr_of is not None else kallsyms_addresses(ks)
            check(name + "-crash-no-note", peer_no_note == rep["verdict"]["cpus_without_note"],
                  "crash warns for CPUs %s, report %s" % (peer_no_note,
                                                          rep["verdict"]["cpus_without_note"]))
            for c in rep["cpus"]:
                pc = peer.get(c["cpu"])
                t = c["task"] or {}
                if pc is None or (t.get("pid"), t.get("address"), t.get("comm")) != (
                        pc["pid"], pc["task"], pc["comm"]):
                    check("%s-cpu%d-task-vs-crash" % (name, c["cpu"]), False,
                          "report %s, crash %s" % (t, pc and {k: pc[k] for k in
                                                             ("pid", "task", "comm")}))
                if c["registers_source"] != "note":
                    continue
                ours = [f["function"] for f in c["backtrace"]]
                theirs = pc and crash_names_for(c["backtrace"], pc, addr_of)
                check("%s-cpu%d-bt-vs-crash" % (name, c["cpu"]),
                      pc is not None and len(pc["functions"]) >= 2
                      and same_as_crash(ours, theirs, pac),
                      "ours %s, crash %s" % (ours, pc and pc["functions"]))
        # A call that is a function's last instruction (a noreturn call such
        # as panic()) returns past its end: the kernel's %pS names the next
        # symbol there, the collector the caller (offset == size); such
        # frames must agree on position only.
        frames = cpus[p["cpu"]]["backtrace"]
        ours = [f["function"] for f in frames]
        at_end = [f["offset"] is not None and f["offset"] == f["size"] for f in frames]
        if console:
            common = next((f for f in console if f in ours), None)
            tail_ok = False
            if common is not None:
                a, b = ours.index(common), console.index(common)
                tail_ok = len(ours) - a == len(console) - b and all(
                    ours[a + i] == console[b + i] or at_end[a + i]
                    for i in range(len(console) - b))
            check(name + "-panic-backtrace-vs-console", tail_ok and len(console) >= 3,
                  "ours %s, console %s" % (ours, console))
        else:
            check(name + "-panic-backtrace-vs-console", False, "no call trace in serial.log")
