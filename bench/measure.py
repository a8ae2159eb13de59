#!/usr/bin/env python3
"""measure.py OUT_JSON -- COMMAND...: run COMMAND (stdout and stderr to
/dev/null) and write {"wall", "cpu", "rss_kib", "read_bytes", "faults", "rc"}
as JSON.

read_bytes is the process's rchar from /proc/PID/io, read while it is a
zombie (waitid with WNOWAIT), so nothing it read is missed; it includes the
children it reaped (the kernel adds a reaped child's I/O counts to its
parent's, kernel/exit.c wait_task_zombie()), so kdump-collect's analysis
child is counted. rchar counts every byte read(2) returned, whether it came
from the disk or the page cache: it is the work done, not the disk I/O.
makedumpfile maps the dump with mmap(2) instead, so its rchar is small and
its page faults (minor + major, also in the JSON) are where its reading
shows. CPU, peak RSS and faults come from wait4's rusage (ru_maxrss is in
KiB on Linux)."""
import json
import os
import sys
import time


def main():
    out, sep, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    if sep != "--" or not cmd:
        sys.exit("usage: measure.py OUT_JSON -- COMMAND...")
    null = os.open(os.devnull, os.O_WRONLY)
    t0 = time.monotonic()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                        (os.POSIX_SPAWN_DUP2, null, 2)])
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    wall = time.monotonic() - t0
    read_bytes = None
    try:
        with open("/proc/%d/io" % pid) as f:
            read_bytes = int(dict(line.split(": ") for line in f.read().splitlines())["rchar"])
    except (OSError, KeyError, ValueError):
        pass
    _, status, ru = os.wait4(pid, 0)
    with open(out, "w") as f:
        json.dump({"wall": round(wall, 3), "cpu": round(ru.ru_utime + ru.ru_stime, 3),
                   "rss_kib": ru.ru_maxrss, "read_bytes": read_bytes,
                   "faults": ru.ru_minflt + ru.ru_majflt,
                   "rc": os.waitstatus_to_exitcode(status)}, f)


if __name__ == "__main__":
    main()
