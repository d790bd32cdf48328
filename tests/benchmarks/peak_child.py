"""Run a command and print its peak memory: ``python peak_child.py CMD...``.

A child's ``ru_maxrss`` on Linux includes the RSS of the process that spawned it, at the
moment of the spawn (fork or vfork, then exec, keeps the high-water mark). Spawned from a
benchmark process holding hundreds of MB, every child would seem at least that large. This
small launcher (a bare interpreter, about 10 MB) spawns the command instead, waits for it
and prints one line, ``PEAK {"code": ..., "seconds": ..., "peak_mb": ...}``, on stderr;
the command's own output goes where the launcher's goes.
"""

import json
import os
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - start
peak = usage.ru_maxrss / 2 ** 20 if sys.platform == "darwin" else usage.ru_maxrss / 1024
print("PEAK " + json.dumps({"code": os.waitstatus_to_exitcode(status), "seconds": seconds, "peak_mb": peak}),
      file=sys.stderr, flush=True)
sys.exit(0)
