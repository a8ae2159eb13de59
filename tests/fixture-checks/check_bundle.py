#!/usr/bin/env python3
"""`kdump-collect collect` and `show` on a real dump: the bundle's name,
members and MANIFEST; `show` verifies it, and names the member when any
byte of any member is flipped, or the archive when a compressed byte is;
a run stopped by its time budget or memory ceiling still leaves a valid
bundle that says what it skipped; the full dump's failure leaves the
bundle standing."""
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from checks import Checks

check = Checks('bundle/')
MEMBERS = {"MANIFEST", "report.txt", "report.json", "dmesg.txt", "notes.bin", "vmcoreinfo.txt",
           "vmcore.mini"}


def run(args, env=None, timeout=300):
    r = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout,
                       env=env)
    return r.returncode, r.stdout, r.stderr


def read_members(path):
    raw = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        return [(m, t.extractfile(m).read()) for m in t.getmembers()]


def xxh128sum(data):
    """The member's digest as the xxhash package's own tool prints it: the
    MANIFEST is meant to be checked with it after unpacking."""
    out = subprocess.run(["xxh128sum", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    return out.split()[0]


def write_bundle(path, members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for m, data in members:
            m.size = len(data)
            t.addfile(m, io.BytesIO(data))
    subprocess.run(["zstd", "-q", "-f", "-o", path], input=buf.getvalue(), check=True)


def main():
    collector = os.environ["KDC_COLLECT"]
    fixture, scratch = sys.argv[1], sys.argv[2]
    out = os.path.join(scratch, "bundles")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    exp = json.load(open(os.path.join(fixture, "expected.json")))
    dump = os.path.join(fixture, "dump.kdump")

    rc, stdout, err = run([collector, "collect", "--vmcore", dump, "--output-dir", out])
    bundle = stdout.strip()
    vmci = open(os.path.join(fixture, "serial.log"), errors="replace").read()
    check("collect", rc == 0 and os.path.isfile(bundle), "exit %d: %s" % (rc, err[-300:]))
    if rc or not os.path.isfile(bundle):
        return check.report()
    # named for the ticket: host, release, UTC crash time (CRASHTIME of VMCOREINFO)
    r = json.loads(run([collector, "analyze", "--json", dump])[1])
    when = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(r["kernel"]["crash_time"]))
    want = "kdump-%s-%s-%s.tar.zst" % ("_none_", exp["kernel"]["release"], when)
    check("name", os.path.basename(bundle) == want, "%s, want %s" % (os.path.basename(bundle),
                                                                      want))
    members = read_members(bundle)
    names = {m.name.split("/", 1)[1] for m, _ in members}
    top = {m.name.split("/", 1)[0] for m, _ in members}
    want_names = MEMBERS | {"cpus/cpu%d.txt" % i for i in range(exp["cpus"])}
    check("members", names == want_names and top == {want[:-len(".tar.zst")]},
          "members %s, top %s" % (sorted(names ^ want_names), top))
    files = {m.name.split("/", 1)[1]: data for m, data in members}
    # kernel memory: readable by its owner only, the members too
    check("private", os.stat(bundle).st_mode & 0o777 == 0o600
          and all(m.mode & 0o777 == 0o600 for m, _ in members),
          "bundle %o, members %s" % (os.stat(bundle).st_mode & 0o777,
                                     sorted({oct(m.mode & 0o777) for m, _ in members})))
    # the same crash collected again never replaces the first bundle
    before = open(bundle, "rb").read()
    rc2, out2, err2 = run([collector, "collect", "--vmcore", dump, "--output-dir", out])
    second = out2.strip()
    check("second-bundle-numbered", rc2 == 0 and second == bundle[:-len(".tar.zst")] + "-2.tar.zst"
          and open(bundle, "rb").read() == before, "exit %d: %s" % (rc2, second or err2[-200:]))
    if os.path.isfile(second):
        os.unlink(second)
    # not a dump: exit 2, the cause on stderr, nothing written
    junk = os.path.join(scratch, "not-a-dump")
    open(junk, "wb").write(b"not a dump\n" * 100)
    nodump = os.path.join(scratch, "bundles-nodump")
    shutil.rmtree(nodump, ignore_errors=True)
    os.makedirs(nodump)
    rc3, out3, err3 = run([collector, "collect", "--vmcore", junk, "--output-dir", nodump])
    check("not-a-dump-writes-nothing", rc3 == 2 and not os.listdir(nodump) and junk in err3
          and not out3, "exit %d, wrote %s, stderr %s" % (rc3, os.listdir(nodump), err3[-200:]))
    text = files.get("report.txt", b"").decode()
    stuck = exp["stuck_cpus"][0]
    check("report-starts-with-verdict", text.startswith("verdict: CPU %d (%s" % (
        stuck["cpu"], stuck["comm"])) and stuck["function"] in text.splitlines()[0],
          text[:200])
    manifest = files.get("MANIFEST", b"").decode()
    check("manifest", manifest.startswith("kdump-collector-bundle 2\ncollector-version ")
          and "step analyze " in manifest and "skipped" not in manifest
          and re.search(r"^step archive \d+\.\d{3}s ok \(%d members " % (len(names) - 1),
                        manifest, re.M) is not None
          and len(re.findall(r"^xxh128 [0-9a-f]{32}  ", manifest, re.M)) == len(names) - 1,
          manifest[:300])
    listed = dict((name, digest) for digest, name in
                  re.findall(r"^xxh128 ([0-9a-f]{32})  (\S+)$", manifest, re.M))
    wrong = [rel for rel, data in files.items()
             if rel != "MANIFEST" and listed.get(rel) != xxh128sum(data)]
    check("manifest-digests-are-xxh128sum", listed and not wrong,
          "%d listed, differ from xxh128sum: %s" % (len(listed), wrong))
    rc, shown, err = run([collector, "show", bundle])
    check("show-verifies", rc == 0 and shown.startswith("verdict:") and "verified" in err,
          "exit %d: %s" % (rc, err[-200:]))

    # the small dump reads back: the same kernel, panic, CPUs, tasks and
    # backtraces; the recovered CPU's note is ours, so it is recovered again
    mini = os.path.join(out, "vmcore.mini")
    open(mini, "wb").write(files["vmcore.mini"])
    rc, js, err = run([collector, "analyze", "--json", mini])
    m = json.loads(js) if js.strip() else {}
    full_bt = {c["cpu"]: [f["function"] for f in c["backtrace"]] for c in r["cpus"]}
    mini_bt = {c["cpu"]: [f["function"] for f in c["backtrace"]] for c in m.get("cpus", [])}
    noted = [c["cpu"] for c in r["cpus"] if c["registers_source"] == "note"]
    check("small-dump-reads-back", rc == 0 and m["panic"] == r["panic"]
          and [c["task"] for c in m["cpus"]] == [c["task"] for c in r["cpus"]]
          and all(mini_bt[c] == full_bt[c] for c in noted)
          and mini_bt[stuck["cpu"]][0] == stuck["function"]
          and m["verdict"]["cpus_without_note"] == r["verdict"]["cpus_without_note"]
          and [n["index"] for n in m["notes"] if n["written_by"] == "kdump-collector"]
          == r["verdict"]["cpus_without_note"],
          "exit %d, problems %s" % (rc, m.get("problems")))
    # the kernel image's data, the task and pid tables and the stacks crash
    # needs: a few percent of the 143 MB ELF dump
    check("small-dump-small", len(files["vmcore.mini"]) < 48 << 20
          and os.path.getsize(bundle) < 16 << 20,
          "vmcore.mini %d bytes, bundle %d" % (len(files["vmcore.mini"]), os.path.getsize(bundle)))

    # a flipped byte in any member is named
    damaged = os.path.join(out, "damaged.tar.zst")
    for i, (m, data) in enumerate(members):
        if m.name.endswith("/MANIFEST") or not data:
            continue
        flipped = list(members)
        b = bytearray(data)
        b[len(b) // 2] ^= 0x01
        flipped[i] = (m, bytes(b))
        write_bundle(damaged, flipped)
        rc, _, err = run([collector, "show", damaged])
        rel = m.name.split("/", 1)[1]
        check("flip-" + rel, rc == 1 and "damaged" in err and rel in err,
              "exit %d: %s" % (rc, err[-200:]))
    # a member whose name leaves the bundle's directory, listed in the
    # MANIFEST with its right checksum: never called verified
    evil_members = list(members)
    for top_name in ("../escaped.txt", "%s/../../escaped.txt"):
        em, edata = next((m, d) for m, d in members if m.name.endswith("/dmesg.txt"))
        top_dir = em.name.split("/", 1)[0]
        name = top_name % top_dir if "%s" in top_name else top_name
        ti = tarfile.TarInfo(name)
        ti.mode = 0o600
        rel = name.split("/", 1)[1] if name.startswith(top_dir + "/") else name
        digest = xxh128sum(edata)
        mi, (mm, mdata) = next((i, (m, d)) for i, (m, d) in enumerate(members)
                               if m.name.endswith("/MANIFEST"))
        evil = list(members)
        evil[mi] = (mm, mdata + ("xxh128 %s  %s\n" % (digest, rel)).encode())
        evil.insert(0, (ti, edata))
        write_bundle(damaged, evil)
        rc, _, err = run([collector, "show", damaged])
        check("unsafe-member-" + ("top" if top_name.startswith("..") else "nested"),
              rc == 1 and "unsafe name" in err, "exit %d: %s" % (rc, err[-200:]))
    del evil_members
    # a bundle of the first format (SHA-256 lines): its report is shown,
    # and it is named as another format, not as damaged
    mi, (mm, mdata) = next((i, (m, d)) for i, (m, d) in enumerate(members)
                           if m.name.endswith("/MANIFEST"))
    old_format = list(members)
    old_format[mi] = (mm, mdata.replace(b"kdump-collector-bundle 2\n",
                                        b"kdump-collector-bundle 1\n", 1))
    other = os.path.join(out, "format-1.tar.zst")
    write_bundle(other, old_format)
    rc, shown, err = run([collector, "show", other])
    check("other-format-named", rc == 1 and shown.startswith("verdict:")
          and "another collector version" in err and "damaged" not in err,
          "exit %d: %s" % (rc, err[-200:]))
    # a flipped byte in the compressed stream
    raw = bytearray(open(bundle, "rb").read())
    raw[len(raw) // 2] ^= 0x40
    open(damaged, "wb").write(raw)
    rc, _, err = run([collector, "show", damaged])
    check("flip-compressed", rc in (1, 2) and "damaged" in err, "exit %d: %s" % (rc, err[-200:]))

    # stopped by its budget: still a valid bundle that says what it skipped
    # --memory-limit is resident memory with an honest floor: below it the
    # run is refused up front; at it, a whole run fits
    sub = os.path.join(out, "floor")
    os.makedirs(sub)
    rc, stdout, err = run([collector, "collect", "--vmcore", dump, "--output-dir", sub,
                           "--memory-limit", "8"])
    check("memory-limit-floor", rc == 64 and "below" in err and not os.listdir(sub),
          "exit %d: %s" % (rc, err[-150:]))
    # (a sanitizer build's shadow memory is not what a capture kernel runs)
    sanitized = b"libasan" in subprocess.run(["ldd", collector], capture_output=True).stdout
    rc, stdout, err = run([collector, "collect", "--vmcore", dump, "--output-dir", sub,
                           "--memory-limit", "40"])
    if sanitized:
        print("SKIP bundle/memory-limit-at-floor-completes: a sanitizer build")
    else:
        check("memory-limit-at-floor-completes", rc == 0 and os.path.isfile(stdout.strip()),
              "exit %d: %s" % (rc, err[-150:]))
    for label, extra in (("timeout", ["--timeout", "0.001"]),):
        sub = os.path.join(out, label)
        os.makedirs(sub)
        rc, stdout, err = run([collector, "collect", "--vmcore", dump, "--output-dir", sub] + extra)
        b = stdout.strip()
        rc2, _, err2 = run([collector, "show", "--manifest", b]) if os.path.isfile(b) else (9, "", "")
        # a bundle cut short before the report: show says so (exit 1), not "verified"
        rc2 = 0 if rc2 == 1 and "has no report.txt" in err2 else rc2
        man = dict(read_members(b)) and {m.name.split("/", 1)[1]: d for m, d in read_members(b)} \
            if os.path.isfile(b) else {}
        mtext = man.get("MANIFEST", b"").decode()
        want_words = ["time budget ran out"] if label == "timeout" else ["skipped", "partial"]
        check(label, rc == 1 and rc2 == 0 and any(w in mtext for w in want_words)
              and not [f for f in os.listdir(sub) if f.startswith(".")],
              "collect exit %d, show exit %d: %s %s" % (rc, rc2, err[-150:], mtext[-200:]))

    # the full dump fails: the bundle stands, the run says so
    fake = os.path.join(out, "bin")
    os.makedirs(fake)
    with open(os.path.join(fake, "makedumpfile"), "w") as f:
        f.write("#!/bin/sh\necho 'makedumpfile: cannot read' >&2\nexit 1\n")
    os.chmod(os.path.join(fake, "makedumpfile"), 0o755)
    sub = os.path.join(out, "full")
    os.makedirs(sub)
    env = dict(os.environ, PATH=fake + ":" + os.environ["PATH"])
    rc, stdout, err = run([collector, "collect", "--vmcore", dump, "--output-dir", sub,
                           "--full-dump"], env=env)
    # (the kdump-compressed form: kdump-collect save copies ELF only, so nothing saves it)
    check("full-dump-failure", rc == 1 and os.path.isfile(stdout.strip())
          and "full dump failed" in err and run([collector, "show", stdout.strip()])[0] == 0,
          "exit %d: %s" % (rc, err[-200:]))

    # makedumpfile refuses an ELF vmcore (as on 6.12): kdump-collect save
    # writes the full dump instead, and it reads back to the same verdict
    elf = os.path.join(scratch, "csd-lockup.elf")
    if os.path.isfile(elf):
        sub = os.path.join(out, "full-elf")
        os.makedirs(sub)
        rc, stdout, err = run([collector, "collect", "--vmcore", elf, "--output-dir", sub,
                               "--full-dump"], env=env)
        full = [f for f in os.listdir(sub) if f.endswith(".vmcore")]
        same = False
        if full:
            a = json.loads(run([collector, "analyze", "--json", elf])[1] or "{}")
            b = json.loads(run([collector, "analyze", "--json", os.path.join(sub, full[0])])[1]
                           or "{}")
            same = a.get("verdict", {}).get("summary") == b.get("verdict", {}).get("summary")
        check("full-dump-saved-when-makedumpfile-refuses",
              rc == 0 and len(full) == 1 and "instead" in err and same
              and os.path.getsize(os.path.join(sub, full[0])) < os.path.getsize(elf) * 1.1,
              "exit %d, full dumps %s, same verdict %s: %s" % (rc, full, same, err[-200:]))
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
