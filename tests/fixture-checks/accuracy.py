#!/usr/bin/env python3
"""How often the collector names the right function for a stuck CPU.

For every fixture whose expected.json lists stuck CPUs (ground truth from
QEMU, tests/qemu/truth.py), and every dump form it has (the ELF and
kdump-compressed forms, and the bundle's small dump made from the ELF),
run `kdump-collect analyze --json` and compare the CPU's ranked
recovery.candidates with the true function:
  right      the true function is the top candidate
  listed     it is among the candidates, not first
  wrong      it is not among them
A confident answer ("exact" or "function") that is not the true function
is counted apart: it is the worst output the tool can give.

Writes a Markdown table (--table FILE) and prints PASS/FAIL lines for the
bounds: top candidate right for >= 95% of stuck CPUs, listed for 100%, no
confident wrong answer. Usage:
  accuracy.py --collect BIN --fixtures DIR --scratch DIR [--table FILE]
"""
import argparse
import json
import os
import subprocess
import sys

from checks import Checks

TOP_BOUND = 0.95

PROSE = """# Which function a stuck CPU is in: accuracy on the fixtures

<!-- written by tests/fixture-checks/accuracy.py; `make accuracy` rewrites it, `make check`
fails when it is out of date -->

For every stuck CPU of every fixture (a CPU that never took the crash-stop IPI and so
has no NT_PRSTATUS note), the function the ground truth names (recorded from QEMU, see
tests/qemu/README.md: the CPU's PC, its X30 and its frame chain read through the CPU's own
MMU at the panic and in the capture kernel) against the candidates `kdump-collect analyze
--json` ranks in `recovery.candidates[]`, for each dump form the fixture has: `elf` (the
makedumpfile or `kdump-collect save` ELF vmcore), `kdump` (makedumpfile's compressed form)
and `small` (the bundle's `vmcore.mini`, made by `collect` from the ELF form).

"right": the true function is the first candidate; "listed #N": it is the Nth; "wrong":
not among them. "(CONFIDENT)" marks a first candidate with confidence "exact" or
"function" that is not the true function. Bounds checked by `make check`: first candidate
right for at least 95% of stuck CPUs, listed for all, no confident wrong answer.

Read this table as what it is: the scoring was tuned while these fixtures were made, on
this test module's code, so 100% here does not promise 100% on other code. What carries
over is the method (frame records linked to the task's entry, code facts of each
candidate, dispatcher records, context from preempt_count); what may not is the balance of
the scores. That is why the verdict says "most likely ... (or ...)" whenever a second
candidate scores close, and why most answers below carry confidence "chain". New shapes
should be added as fixtures before the scores are touched.

A test of that on 6.1: `work-fnptr-6.1` and `deep-single-6.1` (a work item's poll loop,
a loop calling its step through a pointer, reached itself through an ops table, and a
six-level recursion over returned calls) were written after the scoring and run blind
first: two of the three CPUs were right, the `fnptr` one was wrong ("console_unlock", from
stale printk records whose parent slot the live frame had reused). What fixed it are
methods, not scores: children records are no owner for a frame whose caller calls their
function directly at another site (frame_graph_arm64.c), a BLR's target is read out of
the caller's code through the global it loads (code_indirect_target()), and a leaf its
caller calls only before masking IRQs gets no credit for that masking. A second blind
round, `locked-kick-6.1` (a poll loop under `spin_lock_irqsave()`) and `csd-cycle-6.1` (two
CPUs cross-calling each other with IRQs masked), was right on the first and wrong on both
CPUs of the second (the thread function instead of `smp_call_function_single`): a caller
whose IRQ masking is an out-of-line leaf (`arch_local_irq_disable` in a module) now counts
as masking for the frames above it, and of a function's spin loops the one reached from
the call that returned below its frame is taken (`csd_lock_wait()` after
`generic_exec_single()`, not `csd_lock()` before it). The verdict names the wait cycle.
With those fixes, the same four scenarios on 6.12 (the `-6.12` fixtures, run afterwards and
not tuned on) were right on all six stuck CPUs at the first run.
On 5.10 (`-5.10`, run after that) five of six were right; `locked-kick-5.10` named
`queued_spin_lock_slowpath` first ("or kdc_locked_poll"): 5.10 builds the lock's inline
functions into the module, and the slowpath was a leaf of the lock call whose record stayed.
The qspinlock's own word now decides: its address is x0 of the call, read out of the
callers' code through their arguments (code_arg_at_call()); a lock with no pending bit and
no queue (there: word 0x1, held, no waiter) has no CPU in its slowpath, one with them
(spin-aa-5.10: 0x101) has.

"""


def unpack(fixtures, name, scratch):
    """The fixture's ELF dump in @scratch, unpacked once (patches need their base)."""
    fx = os.path.join(fixtures, name)
    out = os.path.join(scratch, name + ".elf")
    src = os.path.join(fx, "dump.elf.zst")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    cmd = ["zstd", "-q", "-d", "-f", "--long=28", src, "-o", out]
    base_file = os.path.join(fx, "dump.elf.base")
    if os.path.exists(base_file):
        base = open(base_file).read().strip()
        cmd.insert(4, "--patch-from=" + unpack(fixtures, base, scratch))
    subprocess.run(cmd, check=True)
    return out


def small_dump(collect, elf, scratch, name):
    """The bundle's small dump (vmcore.mini) collect makes from @elf."""
    d = os.path.join(scratch, "accuracy-" + name)
    os.makedirs(d, exist_ok=True)
    mini = os.path.join(d, "vmcore.mini")
    if os.path.exists(mini) and os.path.getmtime(mini) >= os.path.getmtime(elf) \
            and os.path.getmtime(mini) >= os.path.getmtime(collect):
        return mini
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    r = subprocess.run([collect, "collect", "--vmcore", elf, "--output-dir", d],
                       capture_output=True, text=True)
    bundle = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    if not bundle or not os.path.exists(bundle):
        return None
    subprocess.run("zstd -dc '%s' | tar -x -C '%s' --wildcards '*/vmcore.mini' "
                   "--transform='s|.*/||'" % (bundle, d), shell=True, check=False)
    return mini if os.path.exists(mini) else None


def candidates(collect, dump):
    r = subprocess.run([collect, "analyze", "--json", dump], capture_output=True, text=True)
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        return None
    out = {}
    for c in rep.get("cpus", []):
        rec = c.get("recovery") or {}
        out[c["cpu"]] = rec.get("candidates", [])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--collect", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--table")
    ap.add_argument("--no-small-dump", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="print only the PASS/FAIL lines")
    a = ap.parse_args()
    check = Checks("accuracy/")
    rows, total, right, listed, confident_wrong = [], 0, 0, 0, 0
    for name in sorted(os.listdir(a.fixtures)):
        fx = os.path.join(a.fixtures, name)
        exp_path = os.path.join(fx, "expected.json")
        if not os.path.exists(exp_path):
            continue
        exp = json.load(open(exp_path))
        if not exp.get("stuck_cpus"):
            continue
        try:
            elf = unpack(a.fixtures, name, a.scratch)
        except subprocess.CalledProcessError:
            check(name + "-unpack", False, "zstd could not decompress dump.elf.zst")
            continue
        forms = [("elf", elf)]
        if os.path.exists(os.path.join(fx, "dump.kdump")):
            forms.append(("kdump", os.path.join(fx, "dump.kdump")))
        if not a.no_small_dump:
            mini = small_dump(a.collect, elf, a.scratch, name)
            forms.append(("small", mini))
        for form, path in forms:
            cands = candidates(a.collect, path) if path else None
            for s in exp["stuck_cpus"]:
                total += 1
                got = (cands or {}).get(s["cpu"], [])
                names = [c.get("function") for c in got]
                if names and names[0] == s["function"]:
                    verdict = "right"
                    right += 1
                    listed += 1
                elif s["function"] in names:
                    verdict = "listed #%d" % (names.index(s["function"]) + 1)
                    listed += 1
                else:
                    verdict = "wrong" if cands is not None else "no report"
                if got and got[0].get("confidence") in ("exact", "function") \
                        and names[0] != s["function"]:
                    confident_wrong += 1
                    verdict += " (CONFIDENT)"
                rows.append((name, exp["kernel"].get("flavour", "6.1"), form, s["cpu"],
                             s.get("shape") or "", s["function"],
                             ", ".join("%s (%s)" % (c.get("function"), c.get("confidence"))
                                       for c in got[:3]) or "-", verdict))
    lines = ["| fixture | kernel | form | CPU | shape | true function | collector's candidates "
             "(first 3) | result |", "|---|---|---|---|---|---|---|---|"]
    lines += ["| %s | %s | %s | %d | %s | %s | %s | %s |" % r for r in rows]
    summary = ("%d stuck CPUs (over every form): top candidate right %d (%.1f%%), among the "
               "candidates %d (%.1f%%), confident and wrong %d"
               % (total, right, 100.0 * right / max(total, 1), listed,
                  100.0 * listed / max(total, 1), confident_wrong))
    if a.table:
        with open(a.table, "w") as f:
            f.write(PROSE)
            f.write("\n".join(lines) + "\n\n" + summary + "\n")
    if not a.quiet:
        print("\n".join(lines))
    print(summary)
    check("top-candidate", total > 0 and right >= TOP_BOUND * total, summary)
    check("among-candidates", total > 0 and listed == total, summary)
    check("no-confident-wrong", confident_wrong == 0, summary)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
