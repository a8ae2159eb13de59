#!/usr/bin/env python3
"""Boot one crash scenario in QEMU and record what happened from outside.

Runs qemu-system-aarch64 with the serial console on a pipe and the monitor on
a Unix socket. Every console line goes to serial.log. At marker lines the
guest is stopped, `info registers -a` is saved to regs-<name>.txt, and it is
continued, so each vCPU's registers are known exactly at that instant:

  armed-<n>   each "KDC-MARK: armed ..." line (an actor is in place)
  settled     3 s after the last armed line, if no panic yet
  panic       "Kernel panic - not syncing", or "Internal error:" (an oops
              with kdump loaded goes to the capture kernel without panic())
  kexec       "Starting crashdump kernel"
  capture     "KDC-MARK: capture-kernel up" (the old kernel's stuck CPUs
              still spin: the capture kernel runs on one CPU only)

The run ends when the capture kernel powers off, or is killed at --timeout.
Exit status 0 only if the capture kernel reported "capture-kernel done".
"""
import argparse
import os
import re
import select
import socket
import subprocess
import sys
import time


CHAIN_MAX = 48  # frame records read per vCPU at each snapshot


class Monitor:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("cannot connect to QEMU monitor " + path)
        self.read_prompt()

    def read_prompt(self):
        buf = b""
        self.sock.settimeout(60)
        while not buf.endswith(b"(qemu) "):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QEMU monitor closed")
            buf += chunk
        return buf.decode(errors="replace")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        out = self.read_prompt()
        # Drop the echoed command and the trailing prompt.
        out = out.replace("\r", "")
        lines = out.split("\n")
        if lines and line in lines[0]:
            lines = lines[1:]
        return "\n".join(l for l in lines if l != "(qemu) ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--disk", required=True)
    ap.add_argument("--append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--mem", type=int, default=2048)
    ap.add_argument("--cpu-model", default="max,pauth-impdef=on")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--numa", type=int, default=0,
                    help="NUMA nodes: the memory split evenly, CPUs in equal consecutive runs")
    ap.add_argument("--drive-opts", default="",
                    help="more -drive options, e.g. detect-zeroes=unmap,discard=unmap "
                    "(the big shape: zero pages of a raw vmcore stay holes in the disk file)")
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    mon_path = os.path.join(a.out, "monitor.sock")
    if os.path.exists(mon_path):
        os.unlink(mon_path)
    cmd = [
        "qemu-system-aarch64",
        "-M", "virt,virtualization=on,gic-version=3",
        "-cpu", a.cpu_model,
        "-smp", str(a.cpus), "-m", str(a.mem),
        "-display", "none", "-nic", "none", "-no-reboot",
        "-serial", "stdio",
        "-monitor", "unix:%s,server=on,wait=off" % mon_path,
        "-kernel", a.kernel, "-initrd", a.initrd, "-append", a.append,
        "-drive", "if=none,file=%s,format=raw,id=d0" % a.disk
        + ("," + a.drive_opts if a.drive_opts else ""),
        "-device", "virtio-blk-device,drive=d0",
    ]
    if a.numa > 1:
        if a.cpus % a.numa or a.mem % a.numa:
            sys.exit("run-scenario: --numa %d does not divide %d CPUs and %d MiB"
                     % (a.numa, a.cpus, a.mem))
        per = a.cpus // a.numa
        for n in range(a.numa):
            cmd += ["-object", "memory-backend-ram,id=m%d,size=%dM" % (n, a.mem // a.numa),
                    "-numa", "node,nodeid=%d,memdev=m%d,cpus=%d-%d"
                    % (n, n, n * per, n * per + per - 1)]
    with open(os.path.join(a.out, "qemu-cmdline.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    mon = Monitor(mon_path)
    log = open(os.path.join(a.out, "serial.log"), "w")
    start = time.monotonic()
    armed = 0
    settle_at = None
    seen = set()
    done = False
    pending = b""

    def frame_chains(regs):
        """Each vCPU's frame-record chain from its X29, read through that
        vCPU's own MMU while the machine is stopped: the ground truth for
        where a CPU without a note was, from outside the dump."""
        out, cpu = [], None
        for line in regs.split("\n"):
            m = re.match(r"CPU#(\d+)", line.strip())
            if m:
                cpu = int(m.group(1))
            m = re.search(r"X29=([0-9a-f]+)", line)
            if m and cpu is not None:
                fp = int(m.group(1), 16)
                mon.cmd("cpu %d" % cpu)
                out.append("CPU#%d" % cpu)
                for _ in range(CHAIN_MAX):
                    if not fp or fp & 7:
                        break
                    words = re.findall(r"0x([0-9a-f]+)", mon.cmd("x /2gx 0x%x" % fp).split(":", 1)[-1])
                    if len(words) != 2:
                        out.append("fp=%016x unreadable" % fp)
                        break
                    nfp, lr = int(words[0], 16), int(words[1], 16)
                    out.append("fp=%016x next=%016x lr=%016x" % (fp, nfp, lr))
                    if nfp <= fp:
                        break
                    fp = nfp
        mon.cmd("cpu 0")
        return "\n".join(out) + "\n"

    def snapshot(name):
        regs = mon.cmd("stop")
        regs = mon.cmd("info registers -a")
        chains = frame_chains(regs)
        mon.cmd("cont")
        with open(os.path.join(a.out, "chain-%s.txt" % name), "w") as f:
            f.write(chains)
        # Keep the general registers; drop SVE/FP state (P, FFR, Z lines).
        regs = "\n".join(l for l in regs.split("\n")
                         if l.strip() and not l.lstrip().startswith(("P0", "P1", "FFR", "Z", "[")))
        with open(os.path.join(a.out, "regs-%s.txt" % name), "w") as f:
            f.write(regs + "\n")
        log.write("### harness: registers saved as regs-%s.txt at %.1fs\n"
                  % (name, time.monotonic() - start))
        log.flush()

    while True:
        if time.monotonic() - start > a.timeout:
            log.write("### harness: timeout after %ds, killing QEMU\n" % a.timeout)
            qemu.kill()
            break
        r, _, _ = select.select([qemu.stdout], [], [], 0.5)
        if settle_at and time.monotonic() >= settle_at:
            settle_at = None
            if "panic" not in seen:
                snapshot("settled")
        if not r:
            if qemu.poll() is not None:
                break
            continue
        chunk = os.read(qemu.stdout.fileno(), 65536)
        if not chunk:
            break
        pending += chunk
        while b"\n" in pending:
            raw, pending = pending.split(b"\n", 1)
            line = raw.decode(errors="replace").rstrip("\r")
            log.write(line + "\n")
            log.flush()
            if "KDC-MARK: armed" in line:
                armed += 1
                snapshot("armed-%d" % armed)
                settle_at = time.monotonic() + 3
            elif ("Kernel panic - not syncing" in line or "Internal error:" in line) \
                    and "panic" not in seen:
                seen.add("panic")
                snapshot("panic")
            elif "Starting crashdump kernel" in line and "kexec" not in seen:
                seen.add("kexec")
                snapshot("kexec")
            elif "KDC-MARK: capture-kernel up" in line and "capture" not in seen:
                seen.add("capture")
                snapshot("capture")
            elif "KDC-MARK: capture-kernel done" in line:
                done = True
            elif "KDC-MARK: harness-error" in line:
                print("run-scenario: " + line.strip(), file=sys.stderr)
    qemu.wait()
    elapsed = time.monotonic() - start
    log.write("### harness: QEMU exited %s after %.1fs\n" % (qemu.returncode, elapsed))
    log.close()
    print("run-scenario: %s in %.0fs (%s)" % ("done" if done else "FAILED", elapsed, a.out))
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
