#!/usr/bin/env python3
"""The per-CPU variables read out of code (the path of kernels whose BTF
has no .data..percpu DATASEC and whose kallsyms has no data symbols:
Debian's 5.10) against BTF's answer on the same real dump.

For every fixture whose BTF has the DATASEC, `analyze --json` runs twice:
as is, and with KDC_DEBUG_PERCPU=code, which makes the collector ignore the
DATASEC and any data symbol. Checks, per fixture:
- every variable the code path finds sits at the address BTF gives (a
  wrong address is worse than none);
- the variables every analysis needs are found (runqueues, irq_stack_ptr,
  call_single_queue, cfd_data, csd_data, timer_bases, hrtimer_bases, and
  kvm_running_vcpu where the kernel has KVM);
- the verdict's first line is the same (nvhe-ws on 6.1 excepted: 6.1
  reads kvm_arm_hyp_stack_page only in __init code, so the hyp stack is
  out of reach and the verdict must at least not claim "at EL2");
- the stuck CPUs and their recovered PCs are the same.
Fixtures whose BTF has no DATASEC (5.10) are analysed the code way already;
their own checks cover them."""
import argparse
import json
import os
import subprocess
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

NEEDED = ["runqueues", "irq_stack_ptr", "call_single_queue", "cfd_data", "csd_data",
          "timer_bases", "hrtimer_bases"]


def analyze(collect, elf, code):
    env = dict(os.environ)
    env.pop("KDC_DEBUG_PERCPU", None)
    if code:
        env["KDC_DEBUG_PERCPU"] = "code"
    run = subprocess.run([collect, "analyze", "--json", elf], capture_output=True, text=True,
                         env=env, timeout=300)
    return json.loads(run.stdout)


def stuck(report):
    """(cpu, pc) of every CPU whose registers were recovered."""
    return sorted((c.get("cpu"), (c.get("registers") or {}).get("pc"))
                  for c in report.get("cpus", []) if c.get("registers_source") == "recovered")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--collect", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("names", nargs="+")
    o = ap.parse_args()
    check = Checks("percpu-code/")
    for name in o.names:
        elf = os.path.join(o.scratch, name + ".elf")
        btf = analyze(o.collect, elf, False)
        if not btf["percpu"].get("variables_source", "").startswith("btf"):
            continue
        code = analyze(o.collect, elf, True)
        check("%s-path-taken" % name,
              (code["percpu"].get("variables_source") or "").startswith("code"),
              "variables from %s" % code["percpu"].get("variables_source"))
        want = {v["name"]: v["cpu0_address"] for v in btf["percpu"]["variables"]}
        got = {v["name"]: v["cpu0_address"] for v in code["percpu"]["variables"]}
        wrong = ["%s: %s, BTF %s" % (n, a, want.get(n)) for n, a in got.items()
                 if a and a != want.get(n)]
        check("%s-no-wrong-address" % name, not wrong, "; ".join(wrong))
        needed = NEEDED + (["kvm_running_vcpu"] if want.get("kvm_running_vcpu") else [])
        missing = [n for n in needed if want.get(n) and not got.get(n)]
        check("%s-needed-found" % name, not missing, "not found: %s" % ", ".join(missing))
        # the recovered CPUs are the point of the per-CPU state. 6.1 reads
        # kvm_arm_hyp_stack_page only in __init code and in teardown_hyp_mode(),
        # which names other per-CPU data too: the code path tells them apart by
        # their copies' values (kvm_nvhe_arm64.c), so the nVHE verdict must
        # come out the same there as well
        check("%s-recovered-some" % name, bool(stuck(btf)) or not btf.get("cpus") or
              not (btf.get("verdict") or {}).get("stuck_cpus"), "nothing recovered to compare")
        v_btf = (btf.get("verdict") or {}).get("summary") or ""
        v_code = (code.get("verdict") or {}).get("summary") or ""
        if not v_btf:
            check("%s-has-verdict" % name, False, "no verdict summary in the JSON report")
            continue
        check("%s-same-verdict" % name, v_btf == v_code,
              "BTF: %s | code: %s" % (v_btf, v_code))
        check("%s-same-recovered-pcs" % name, stuck(btf) == stuck(code),
              "BTF %s, code %s" % (stuck(btf), stuck(code)))
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
