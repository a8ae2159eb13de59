#!/usr/bin/env python3
"""Read crash's `bt -a` output (tests/fixtures/*/crash-bt.txt) into
{cpu: {"pid", "task", "comm", "functions", "addresses"}} and the CPUs crash
found no NT_PRSTATUS note for, as parse_crash_bt(text) -> (cpus,
cpus_without_note). Frame lines are " #N [sp] func at addr" with an
optional " [module]" suffix (e.g. "[kdc_test]"); "addresses" are those
addrs, which crash 8.0.2 prints as the frame's pc - 4 on every frame, #0
(the note's own pc) too (arm64.c arm64_print_stackframe_entry() takes every
pc for a return address), and names the function there. "--- <IRQ
stack> ---" separators and the register lines of exception frames ("PC:
... LR: ...", "X29: ...") are skipped.
Run as a script: prints that as JSON."""
import json
import re
import sys

HEADER = re.compile(r'^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)\s+COMMAND: "(.*)"')
FRAME = re.compile(r"^\s*#(\d+) \[[0-9a-f]+\] (\S+) at ([0-9a-f]+)(?: \[(\w+)\])?")
NO_NOTE = re.compile(r"WARNING: cpu (\d+): cannot find NT_PRSTATUS note")


def parse_crash_bt(text):
    cpus, no_note, cur = {}, [], None
    for line in text.splitlines():
        m = NO_NOTE.search(line)
        if m:
            no_note.append(int(m.group(1)))
            continue
        m = HEADER.match(line)
        if m:
            cur = {"pid": int(m.group(1)), "task": "0x" + m.group(2), "comm": m.group(4),
                   "functions": [], "addresses": []}
            cpus[int(m.group(3))] = cur
            continue
        m = FRAME.match(line)
        if m and cur is not None:
            cur["functions"].append(m.group(2))
            cur["addresses"].append(int(m.group(3), 16))
    return cpus, sorted(set(no_note))


def functions_by_cpu(text):
    """{cpu: [function names, innermost first]} alone; a CPU crash printed
    no frames for (no NT_PRSTATUS note) maps to []."""
    return {cpu: t["functions"] for cpu, t in parse_crash_bt(text)[0].items()}


if __name__ == "__main__":
    cpus, no_note = parse_crash_bt(open(sys.argv[1]).read())
    print(json.dumps({"cpus": cpus, "cpus_without_note": no_note}, indent=1))
