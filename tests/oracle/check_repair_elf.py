#!/usr/bin/env python3
"""crash on `kdump-collect repair` of the fixtures that keep only the ELF
form (dump.elf.zst; those with a dump.kdump are check_repair.py's): for
every fixture with a CPU that never stopped, crash opens the repaired copy
with the -dbg vmlinux of the fixture's kernel, must not warn "cannot find
NT_PRSTATUS note", and `bt -c N` for each stuck CPU must start (frame #0)
in the function QEMU's ground truth names (expected.json
stuck_cpus[].function). crash's output is kept as crash-bt-repaired.txt,
which make check compares again (check_repaired_notes.py).

The crash and vmlinux per kernel release (expected.json kernel.release)
are those setup.sh and setup-corpus.sh unpack under --work:
  5.10.0-32-arm64, 6.1.0-50-arm64   bookworm's crash 8.0.2 (root/)
  6.12.118+deb12-arm64[-16k]        trixie's crash 8.0.6 (root-trixie/):
                                    8.0.2 cannot read 6.12's 52-bit dumps
One crash at a time, each bounded by `timeout`."""
import argparse
import json
import os
import re
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixture-checks"))
from checks import Checks  # noqa: E402

check = Checks('repair-elf/')

# release -> (crash's root under --work, vmlinux under --work)
PEERS = {
    "5.10.0-32-arm64": ("root", "vmlinux/vmlinux-5.10.0-32-arm64"),
    "6.1.0-50-arm64": ("root", "root/usr/lib/debug/boot/vmlinux-6.1.0-50-arm64"),
    "6.12.118+deb12-arm64": ("root-trixie", "vmlinux/vmlinux-6.12.118+deb12-arm64"),
    "6.12.118+deb12-arm64-16k": ("root-trixie", "vmlinux/vmlinux-6.12.118+deb12-arm64-16k"),
}
SUITE = {"root": "bookworm", "root-trixie": "trixie"}


def unpack(fixtures, name, elf_dir):
    """The fixture's ELF, as tests/fixture-checks/run.sh unpacks it: a zstd
    patch against its dump.elf.base fixture's ELF, or whole."""
    fx = os.path.join(fixtures, name)
    elf = os.path.join(elf_dir, name + ".elf")
    zst = os.path.join(fx, "dump.elf.zst")
    base_file = os.path.join(fx, "dump.elf.base")
    base = open(base_file).read().strip() if os.path.isfile(base_file) else None
    base_elf = unpack(fixtures, base, elf_dir) if base else None
    if (not os.path.isfile(elf) or os.path.getsize(elf) == 0
            or os.path.getmtime(zst) > os.path.getmtime(elf)
            or (base_elf and os.path.getmtime(base_elf) > os.path.getmtime(elf))):
        cmd = ["zstd", "-q", "-d", "-f", "--long=28"]
        if base_elf:
            cmd.append("--patch-from=" + base_elf)
        subprocess.run(cmd + [zst, "-o", elf], check=True)
    return elf


def crash_version(root):
    r = subprocess.run(["qemu-aarch64-static", "-L", root, os.path.join(root, "usr/bin/crash"),
                        "--version"], capture_output=True, text=True, errors="replace")
    m = re.search(r"^crash (\S+)", r.stdout, re.M)
    return m.group(1) if m else "?"


def frame0(text, cpu):
    m = re.search(r"CPU: %d\s+COMMAND.*\n\s*#0 \[[0-9a-f]+\] (\S+) at" % cpu, text)
    return m and m.group(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True, help="setup.sh's and setup-corpus.sh's directory")
    ap.add_argument("--elf-dir", required=True, help="where the fixtures' ELFs are (unpacked if not)")
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("fixtures", nargs="+")
    o = ap.parse_args()
    collector = os.environ["KDC_COLLECT"]
    os.makedirs(o.scratch, exist_ok=True)
    os.makedirs(o.elf_dir, exist_ok=True)
    versions = {}
    t_all = time.monotonic()
    for fx in o.fixtures:
        fx = os.path.normpath(fx)
        name = os.path.basename(fx)
        if not os.path.isfile(os.path.join(fx, "dump.elf.zst")) or \
                os.path.isfile(os.path.join(fx, "dump.kdump")):
            continue  # no ELF yet, or check_repair.py's (repairs dump.kdump)
        exp = json.load(open(os.path.join(fx, "expected.json")))
        if not exp["cpus_without_note"]:
            continue
        release = exp["kernel"]["release"]
        if release not in PEERS:
            check(name + "-peer", False, "no crash/vmlinux known for %s" % release)
            continue
        rootname, vmlinux = PEERS[release]
        root, vmlinux = os.path.join(o.work, rootname), os.path.join(o.work, vmlinux)
        if root not in versions:
            versions[root] = "crash %s (%s arm64)" % (crash_version(root), SUITE[rootname])
        label = versions[root]
        try:
            elf = unpack(os.path.dirname(fx), name, o.elf_dir)
        except subprocess.CalledProcessError as e:
            check(name + "-unpack", False, str(e))
            continue
        out = os.path.join(o.scratch, name + "-repaired.elf")
        if os.path.exists(out):
            os.unlink(out)  # repair never overwrites
        r = subprocess.run([collector, "repair", elf, "-o", out], capture_output=True, text=True)
        check(name + "-written", r.returncode == 0 and os.path.isfile(out),
              "exit %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        if not os.path.isfile(out):
            continue
        cmds = os.path.join(o.scratch, "crash-cmds-" + name)
        with open(cmds, "w") as f:
            for s in exp["stuck_cpus"]:
                f.write("bt -c %d\n" % s["cpu"])
            f.write("q\n")
        t0 = time.monotonic()
        run = subprocess.run(["timeout", "-k", "30", str(o.timeout), "qemu-aarch64-static", "-L", root,
                              os.path.join(root, "usr/bin/crash"), "-s", vmlinux, out,
                              "-i", cmds], capture_output=True, text=True, errors="replace")
        secs = time.monotonic() - t0
        rc, text = run.returncode, run.stdout + run.stderr
        os.unlink(cmds)
        os.unlink(out)
        opened = rc == 0 and "PID:" in text
        tail = " | ".join(l.strip() for l in text.strip().splitlines()[-3:])
        check(name + "-crash-opens", opened, "%s exit %d after %.0f s%s: %s" % (
            label, rc, secs, " (timeout)" if rc == 124 else "", tail[:400]))
        # a failed run keeps the record that was there; its output stays in the scratch dir
        with open(os.path.join(fx, "crash-bt-repaired.txt") if opened else
                  os.path.join(o.scratch, name + "-crash-failed.txt"), "w") as f:
            f.write("# %s -s vmlinux-%s (-dbg) on `kdump-collect repair dump.elf`; "
                    "commands: %s\n" % (label, release,
                                        ", ".join("bt -c %d" % s["cpu"] for s in exp["stuck_cpus"])))
            f.write(text)
        warn = [l.strip() for l in text.splitlines() if "NT_PRSTATUS" in l]
        # the warning is only absent for real when crash read the notes and ran the commands
        check(name + "-no-note-warning", opened and not warn,
              warn[:3] if warn else "crash did not get as far as the notes")
        got = []
        for s in exp["stuck_cpus"]:
            f0 = frame0(text, s["cpu"])
            got.append("cpu %d %s%s" % (s["cpu"], f0, "" if f0 == s["function"]
                                        else " (QEMU: %s)" % s["function"]))
            check("%s-bt-c-%d" % (name, s["cpu"]), f0 == s["function"],
                  "crash frame #0: %s, QEMU: %s" % (f0, s["function"]))
        others = sorted(set(re.sub(r"[0-9a-f]{16}", "X", l.strip()) for l in text.splitlines()
                            if "WARNING" in l or "crash:" in l))
        print("INFO repair-elf/%s: %s, %.0f s, frame #0: %s; warnings: %s" % (
            name, label, secs, ", ".join(got), "; ".join(others) or "none"), flush=True)
    print("INFO repair-elf/all: %.0f s" % (time.monotonic() - t_all))
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
