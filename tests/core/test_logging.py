"""The log file: plain while the window loads, rotating once it is shown."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import logging, sys
from duban_desktop.system.logs import rotate_log, setup_logging
path = setup_logging(rotate=False)
logging.getLogger("start").info("开始启动")
assert "logging.handlers" not in sys.modules, "the rotating handler loaded at start"
rotate_log()
logging.getLogger("start").info("窗口已显示")
print(path)
"""


def test_the_log_rotates_once_the_window_is_shown(tmp_path):
    logs = tmp_path / "data" / "logs"
    logs.mkdir(parents=True)
    (logs / "duban.log").write_text("旧日志\n" * 400_000, encoding="utf-8")  # over the 2 MB limit
    env = dict(os.environ, DUBAN_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    old, new = (logs / "duban.log.1").read_text(encoding="utf-8"), (logs / "duban.log").read_text(encoding="utf-8")
    assert "开始启动" in old  # written before rotation was on, to the file as it was
    assert new.strip().endswith("窗口已显示") and "旧日志" not in new  # the full file rolled over
